"""Every page's published notebook runs where a reader runs it (``make test-notebooks``).

A reader downloads a page's ``.ipynb`` from the site and runs it in an environment of their
own. This test does exactly that: it makes a fresh virtual environment in a temporary folder
outside the repository, installs the repository into it with pip as the README says
(``pip install ".[notebooks]"``: dl_lib and its declared dependencies, nothing else), and runs
every page's published notebook (``<site>/<page>.ipynb``, written by
``scripts/publish_notebooks.py``) top to bottom in a kernel of that environment, each in an
empty temporary folder of its own, with a fresh home folder and downloads switched off.

It is slow (pip installs torch; every page executes), so it has its own marker, ``notebooks``,
and its own make target, ``make test-notebooks``; ``make test`` does not run it. It reads the
built site (``make book``; ``DL_BOOK_HTML`` points it at another build).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Iterator

import nbformat
import pytest
import yaml

pytestmark = [pytest.mark.built_site, pytest.mark.notebooks]

ROOT = Path(__file__).resolve().parents[1]
HTML = Path(os.environ.get("DL_BOOK_HTML", ROOT / "_build" / "html")).resolve()
TOC = Path(os.environ.get("DL_BOOK_TOC", ROOT / "_toc.yml")).resolve()
EXTRA = "notebooks"  # what the README tells readers to install: pip install ".[notebooks]"
CELL_TIMEOUT_S = 1800


def toc_pages() -> list[str]:
    data = yaml.safe_load(TOC.read_text(encoding="utf-8"))
    pages = [data["root"]]

    def walk(entries: list[dict]) -> None:
        for entry in entries or []:
            if "file" in entry:
                pages.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key))

    walk(data.get("parts"))
    walk(data.get("chapters"))
    return [re.sub(r"\.(md|ipynb)$", "", page) for page in pages]


def is_notebook_page(page: str) -> bool:
    source = ROOT / f"{page}.md"
    if not source.is_file():
        return (ROOT / f"{page}.ipynb").is_file()
    match = re.match(r"---\n(.*?)\n---\n", source.read_text(encoding="utf-8"), re.S)
    return bool(match) and bool(re.search(r"^(kernelspec|jupytext):", match.group(1), re.M))


NOTEBOOK_PAGES = [page for page in toc_pages() if is_notebook_page(page)]


def repository_files() -> list[str]:
    """The files of the repository as a clone has them (tracked, and new but not ignored)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode()
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


@pytest.fixture(scope="module")
def fresh_env() -> Iterator[dict]:
    """A venv outside the repository with only ``pip install <repository>[notebooks]`` in it."""
    top = Path(tempfile.mkdtemp(prefix="dl_book_notebooks_"))
    assert not top.is_relative_to(ROOT)
    try:
        # A copy of the repository as a reader's clone has it (no .venv, no _build): pip builds
        # the package there, so nothing is written into the working tree.
        clone = top / "repository"
        for name in repository_files():
            (clone / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, clone / name)
        venv = top / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = venv / "bin" / "python"
        subprocess.run([str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q",
                        f"{clone}[{EXTRA}]"], check=True, cwd=top)
        # The kernel of that environment, as a kernelspec the test's Jupyter finds.
        kernels = top / "jupyter" / "kernels" / "dl-fresh"
        kernels.mkdir(parents=True)
        (kernels / "kernel.json").write_text(json.dumps({
            "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "fresh venv", "language": "python"}))
        home = top / "home"
        home.mkdir()
        # The kernel's whole environment: a reader's shell, with nothing of the repository's
        # (no PYTHONPATH, no MPLBACKEND, no DL_LIB_* but downloads off, as in every test).
        env = {"PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin", "HOME": str(home),
               "LANG": "C.UTF-8", "DL_LIB_DOWNLOAD": "0"}
        yield {"top": top, "python": python, "jupyter_path": top / "jupyter", "env": env}
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_the_venv_has_only_the_package_and_its_dependencies(fresh_env) -> None:
    """dl_lib comes from the installed package, not from the repository."""
    where = subprocess.run([str(fresh_env["python"]), "-c",
                            "import dl_lib, sys; print(dl_lib.__file__); print(sys.prefix)"],
                           capture_output=True, text=True, env=fresh_env["env"],
                           cwd=fresh_env["top"], check=True).stdout.split()
    assert Path(where[0]).is_relative_to(fresh_env["top"] / "venv"), where
    assert not Path(where[0]).is_relative_to(ROOT)
    checked = subprocess.run([str(fresh_env["python"]), "-m", "pip", "check"],
                             capture_output=True, text=True, env=fresh_env["env"])
    assert checked.returncode == 0, checked.stdout + checked.stderr


@pytest.mark.timeout(3600)
@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_published_notebook_runs_in_a_fresh_venv(fresh_env, page: str, monkeypatch) -> None:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    published = HTML / f"{page}.ipynb"
    if not published.is_file():
        pytest.fail(f"{published} does not exist: build the site first (make book), which "
                    "publishes each page's notebook", pytrace=False)
    notebook = nbformat.read(published, as_version=4)
    bookkeeping = [i for i, cell in enumerate(notebook.cells, 1)
                   if "remove-cell" in cell.get("metadata", {}).get("tags", [])]
    assert not bookkeeping, f"{page}.ipynb keeps the build's hidden cells {bookkeeping}"
    imports = [i for i, cell in enumerate(notebook.cells, 1) if cell.cell_type == "code"
               and re.search(r"^\s*(from|import)\s+myst_nb\b", cell.source, re.M)]
    assert not imports, f"{page}.ipynb imports myst_nb (the build's tool) in cells {imports}"
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    workdir = fresh_env["top"] / "run" / page.replace("/", "__")
    workdir.mkdir(parents=True)
    monkeypatch.setenv("JUPYTER_PATH", str(fresh_env["jupyter_path"]))
    client = NotebookClient(notebook, kernel_name="dl-fresh", timeout=CELL_TIMEOUT_S,
                            resources={"metadata": {"path": str(workdir)}})
    try:
        client.execute(env=fresh_env["env"])
    except CellExecutionError as error:  # the message names the cell and shows its traceback
        pytest.fail(f"{page}.ipynb fails in a fresh venv (pip install '.[{EXTRA}]'):\n{error}",
                    pytrace=False)
