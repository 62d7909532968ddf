"""The page cache re-executes exactly the pages whose run reached what changed, never fewer.

A small project in a temporary folder — a library ``fakelib`` and two pages, one that calls
``fakelib.used`` and ``Box.value`` and one that does not import the library — goes through the
edits that matter: a function no page ran, a comment, a function a page ran, module-level
code, a page's code and its prose, a page that fails. Each step checks which pages executed and
that every stored output is the current code's (scripts/page_cache.py, point 3 of issue 18).
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import page_cache  # noqa: E402
from page_cache import Library, Project, ensure_fresh  # noqa: E402

FRONT = """---
jupytext:
  text_representation:
    extension: .md
    format_name: myst
kernelspec:
  display_name: Python 3
  language: python
  name: python3
---
"""
LIBRARY = '''\
"""A tiny library for the cache's tests."""

SCALE = 2


def used(x):
    """Doubles x."""
    return x * SCALE


def unused(x):
    return -x


class Box:
    def value(self):
        return 7

    def other(self):
        return 8
'''


def page(prose: str, code: str) -> str:
    return f"{FRONT}\n# A page\n\n{prose}\n\n```{{code-cell}} ipython3\n{code}\n```\n"


@pytest.fixture
def project(tmp_path: Path) -> Project:
    (tmp_path / "fakelib").mkdir()
    (tmp_path / "fakelib" / "__init__.py").write_text(LIBRARY)
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "p.md").write_text(page(
        "Calls the library.", "import fakelib\nprint(fakelib.used(21), fakelib.Box().value())"))
    (tmp_path / "pages" / "q.md").write_text(page("No library here.", "print(sum(range(4)))"))
    (tmp_path / "_config.yml").write_text("execute:\n  timeout: 300\n")
    return Project(root=tmp_path, out=tmp_path, lib_name="fakelib",
                   kernel_path=(str(tmp_path),), kernel_startup=())


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new))


def printed(project: Project, name: str) -> str:
    notebook = page_cache.cached_notebook(project, project.root / "pages" / name)
    cell = next(c for c in notebook.cells if c.cell_type == "code")
    return "".join(o.get("text", "") for o in cell.outputs).strip()


def test_units_and_module_level_code() -> None:
    """Comments and formatting count for nothing; a body counts for its own unit only."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        lib = Path(folder) / "fakelib"
        lib.mkdir()
        (lib / "__init__.py").write_text(LIBRARY)
        before = Library(lib)
        (lib / "__init__.py").write_text(LIBRARY.replace("return x * SCALE",
                                                         "return x * SCALE  # why"))
        assert Library(lib).unit("__init__.py", "used") == before.unit("__init__.py", "used")
        (lib / "__init__.py").write_text(LIBRARY.replace("return -x", "return -2 * x"))
        after = Library(lib)
        assert after.unit("__init__.py", "unused") != before.unit("__init__.py", "unused")
        assert after.unit("__init__.py", "used") == before.unit("__init__.py", "used")
        assert after.module_level(["__init__.py"]) == before.module_level(["__init__.py"])
        (lib / "__init__.py").write_text(LIBRARY.replace("SCALE = 2", "SCALE = 3"))
        assert Library(lib).module_level(["__init__.py"]) != before.module_level(["__init__.py"])
        assert Library(lib).unit("__init__.py", "gone") == "missing"


def test_shown_files_and_introspection() -> None:
    import nbformat

    cell = nbformat.v4.new_code_cell("x")
    cell.outputs = [nbformat.v4.new_output("error", ename="E", evalue="",
                                           traceback=["File dl_lib/trainer.py, line 3"])]
    notebook = nbformat.v4.new_notebook(cells=[cell])
    assert page_cache.shown_files(notebook, "dl_lib") == ["trainer.py"]
    assert page_cache.INTROSPECTION.search("help(d2l.Trainer)")
    assert page_cache.INTROSPECTION.search("d2l.Trainer??\n")
    assert not page_cache.INTROSPECTION.search("d2l.Trainer(max_epochs=3)")


def test_only_pages_that_ran_a_change_execute_again(project: Project) -> None:
    """Both directions: what a page ran re-executes it, what it did not leaves it alone."""
    p, q = project.root / "pages" / "p.md", project.root / "pages" / "q.md"
    lib = project.lib / "__init__.py"

    def run() -> set[str]:
        return {path.name for path in (p, q) if ensure_fresh(project, path)[0]}

    assert run() == {"p.md", "q.md"}
    assert printed(project, "p.md") == "42 7"
    assert run() == set(), "nothing changed"

    edit(lib, "return -x", "return -2 * x")  # a function no page runs
    edit(lib, "        return 8", "        return 9")  # a method no page runs
    edit(lib, "return x * SCALE", "return x * SCALE  # a comment")
    assert run() == set()

    edit(lib, "return x * SCALE  # a comment", "return x * SCALE + 1")  # p ran it
    assert run() == {"p.md"}
    assert printed(project, "p.md") == "43 7"

    edit(lib, "        return 7", "        return 70")  # a method p ran
    assert run() == {"p.md"}
    assert printed(project, "p.md") == "43 70"

    edit(lib, "SCALE = 2", "SCALE = 3")  # module-level code: pages that import the library
    assert run() == {"p.md"}
    assert printed(project, "p.md") == "64 70"

    edit(q, "No library here.", "No library here, still.")  # prose only
    edit(q, "range(4)", "range(5)")  # q's code
    assert run() == {"q.md"}
    assert printed(project, "q.md") == "10"
    edit(p, "Calls the library.", "Calls the library, twice.")
    assert run() == set()

    # A page that fails: its old outputs are removed (never shown as current), the other
    # page's are kept, as after a failed or interrupted build.
    edit(lib, "return x * SCALE + 1", "raise ValueError('broken')")
    with pytest.raises(CellExecutionError, match="broken"):
        ensure_fresh(project, p)
    with pytest.raises(KeyError):
        page_cache.cached_notebook(project, p)
    assert ensure_fresh(project, q) == (False, 0.0)
    assert printed(project, "q.md") == "10"
