"""Every page's published notebook runs where a reader runs it (in ``make test``).

A reader downloads a page's ``.ipynb`` from the site and runs it in an environment of their
own. This test does exactly that: it makes a fresh virtual environment in a temporary folder
outside the repository, installs the repository into it with pip as the README says
(``pip install ".[notebooks]"``: dl_lib and its declared dependencies, nothing else), and runs
every page's published notebook (``<site>/<page>.ipynb``, written by
``scripts/publish_notebooks.py``) top to bottom in a kernel of that environment, each in an
empty temporary folder of its own, with a fresh home folder and downloads switched off.

A notebook that passed is run again only when something it depends on changed: its code,
the page's execution key (``scripts/page_cache.py``: the dl_lib functions its run reached,
the environment) or what pip installs (``pyproject.toml``'s ``[project]``). The record of
passes is kept in the build (``_build/.notebook_runs/``), and the fresh venv is made only
when a notebook has to run; ``NOTEBOOKS_ALL=1`` runs them all. It reads the built site
(``make book``; ``DL_BOOK_HTML`` points it at another build). ``make test-notebooks`` runs
this file alone, all of it.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Iterator

import nbformat
import pytest

from browser.booksite import toc_pages

pytestmark = [pytest.mark.built_site, pytest.mark.notebooks]

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import page_cache  # noqa: E402

PROJECT = page_cache.Project(out=ROOT)
RUNS = PROJECT.build / ".notebook_runs"  # which key each notebook last passed with
HTML = Path(os.environ.get("DL_BOOK_HTML", ROOT / "_build" / "html")).resolve()
TOC = Path(os.environ.get("DL_BOOK_TOC", ROOT / "_toc.yml")).resolve()
EXTRA = "notebooks"  # what the README tells readers to install: pip install ".[notebooks]"
CELL_TIMEOUT_S = 1800


def is_notebook_page(page: str) -> bool:
    source = ROOT / f"{page}.md"
    if not source.is_file():
        return (ROOT / f"{page}.ipynb").is_file()
    match = re.match(r"---\n(.*?)\n---\n", source.read_text(encoding="utf-8"), re.S)
    return bool(match) and bool(re.search(r"^(kernelspec|jupytext):", match.group(1), re.M))


NOTEBOOK_PAGES = [page for page in toc_pages(TOC) if is_notebook_page(page)]


def repository_files() -> list[str]:
    """The files of the repository as a clone has them (tracked, and new but not ignored)."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
                            cwd=ROOT, capture_output=True, check=True).stdout.decode()
    return [name for name in listed.split("\0") if name and (ROOT / name).is_file()]


def only_the_package(python: Path, top: Path, env: dict[str, str]) -> None:
    """dl_lib comes from the installed package, not from the repository; pip check is clean."""
    where = subprocess.run([str(python), "-c",
                            "import dl_lib, sys; print(dl_lib.__file__); print(sys.prefix)"],
                           capture_output=True, text=True, env=env, cwd=top, check=True
                           ).stdout.split()
    assert Path(where[0]).is_relative_to(top / "venv"), where
    assert not Path(where[0]).is_relative_to(ROOT)
    checked = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True,
                             text=True, env=env)
    assert checked.returncode == 0, checked.stdout + checked.stderr


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
        only_the_package(python, top, env)
        yield {"top": top, "python": python, "jupyter_path": top / "jupyter", "env": env}
    finally:
        shutil.rmtree(top, ignore_errors=True)


def run_key(page: str, notebook: nbformat.NotebookNode) -> str:
    """What a pass of ``page``'s published notebook depends on (see the module's text)."""
    try:
        record = json.loads(PROJECT.key_file(ROOT / f"{page}.md").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        record = {}
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    # What pip installs: pyproject.toml's [project] table (not the tools' settings).
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return page_cache.digest([code, record.get("key"), project])


def passed_before(page: str, key: str) -> bool:
    if os.environ.get("NOTEBOOKS_ALL"):
        return False
    try:
        return json.loads((RUNS / f"{page}.json").read_text(encoding="utf-8"))["key"] == key
    except (OSError, ValueError, KeyError):
        return False


def note_pass(page: str, key: str) -> None:
    target = RUNS / f"{page}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps({"key": key}), encoding="utf-8")


@pytest.mark.timeout(3600)
@pytest.mark.parametrize("page", NOTEBOOK_PAGES)
def test_published_notebook_runs_in_a_fresh_venv(request, page: str, monkeypatch) -> None:
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
    key = run_key(page, notebook)
    if passed_before(page, key):
        pytest.skip("passed in a fresh venv with this code, dl_lib and pyproject.toml")
    fresh_env = request.getfixturevalue("fresh_env")  # made on the first notebook to run
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
    note_pass(page, key)
