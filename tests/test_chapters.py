"""Every page in _toc.yml executes from top to bottom without an unexpected error.

Cells tagged ``raises-exception`` may raise; any other error fails the page's test.
"""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
import pytest
import yaml
from nbclient import NotebookClient

from browser.booksite import toc_pages

ROOT = Path(__file__).resolve().parents[1]
EXECUTED = ROOT / "_build" / "executed-by-tests"
# The same per-cell limit as the book build's (one place for the setting).
CELL_TIMEOUT = yaml.safe_load((ROOT / "_config.yml").read_text())["execute"]["timeout"]


def toc_files() -> list[Path]:
    """The pages listed in _toc.yml, in book order."""
    return [ROOT / f"{page}.md" for page in toc_pages(ROOT / "_toc.yml")]


@pytest.mark.parametrize("page", toc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_page_executes(page: Path) -> None:
    notebook = jupytext.read(page, fmt="md:myst")  # only {code-cell} blocks are code
    if not any(cell.cell_type == "code" for cell in notebook.cells):
        pytest.skip(f"{page.name} has no code cells")
    NotebookClient(notebook, timeout=CELL_TIMEOUT, kernel_name="python3", allow_errors=False,
                   resources={"metadata": {"path": str(page.parent)}}).execute()
    # Kept so that tests/test_reproducible.py can compare it with the book build's run.
    target = EXECUTED / page.relative_to(ROOT).with_suffix(".ipynb")
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, target)
