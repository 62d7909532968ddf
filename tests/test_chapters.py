"""Every page in _toc.yml executes from top to bottom without an unexpected error.

Cells tagged ``raises-exception`` may raise; any other error fails the page's test.

This execution is also the book build's (issue 18, point 4): ``scripts/page_cache.py``
executes a page only when its key changed — its code cells, the library functions its last
run reached, the module-level code of the modules it imported, the environment — and stores
the executed notebook in the build's execution cache (``_build/.jupyter_cache``), where
``scripts/build_book.sh`` (``make book``) takes it without executing the page again. A page
that already executed with the current code passes without executing. ``BOOK_OUT`` names
another build (jupyter-book's ``--path-output``; default: this project, i.e. ``_build``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from browser.booksite import toc_pages

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import page_cache  # noqa: E402

PROJECT = page_cache.Project(out=Path(os.environ.get("BOOK_OUT", ROOT)).resolve())


def toc_files() -> list[Path]:
    """The pages listed in _toc.yml, in book order."""
    return [ROOT / f"{page}.md" for page in toc_pages(ROOT / "_toc.yml")]


@pytest.mark.timeout(0)  # nbclient limits each cell (_config.yml's execute.timeout)
@pytest.mark.parametrize("page", toc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_page_executes(page: Path) -> None:
    if not page_cache.is_notebook(page):
        pytest.skip(f"{page.name} is not a notebook")
    page_cache.ensure_fresh(PROJECT, page)  # stores even a page without code, for the build
    if "{code-cell}" not in page.read_text(encoding="utf-8"):
        pytest.skip(f"{page.name} has no code cells")
