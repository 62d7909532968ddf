"""Two executions of the same commit show the same outputs on every page.

The chapter tests keep their executed notebooks in ``_build/executed-by-tests``; the book
build publishes its own beside each page in ``_build/html`` (``scripts/publish_notebooks.py``
takes their outputs from the execution cache). Run after both (``make test`` does), this
compares every code cell's outputs — text, HTML and images, byte for byte. Cells tagged
``timing`` show wall-clock measurements, which no two runs share, and are skipped.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from test_chapters import EXECUTED, ROOT, toc_files

pytestmark = pytest.mark.built_site
BUILT = ROOT / "_build" / "html"
COMPARED = ("text/plain", "text/html", "image/png", "image/svg+xml", "text/markdown")
# Memory addresses (object reprs, id()) differ between any two Python processes.
ADDRESS = re.compile(r"0x[0-9a-f]{6,}|\bid\(\w+\): \d+")


def outputs(cell: nbformat.NotebookNode) -> list[str]:
    """What a cell shows; printed text is joined, since a build may merge or split streams."""
    printed = "".join(o.text for o in cell.get("outputs", []) if o.output_type == "stream")
    shown = [printed.rstrip()] if printed.strip() else []
    for out in cell.get("outputs", []):
        if out.output_type in ("display_data", "execute_result"):
            shown += [f"{k}: {out.data[k]}" for k in COMPARED if k in out.data]
        elif out.output_type == "error":
            shown.append(f"{out.ename}: {out.evalue}")
    return [ADDRESS.sub("<address>", s) for s in shown]


@pytest.mark.parametrize("page", toc_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_same_outputs_in_two_runs(page: Path) -> None:
    rel = page.relative_to(ROOT).with_suffix(".ipynb")
    if "{code-cell}" not in page.read_text():
        pytest.skip(f"{page.name} has no code cells")
    ours, book = EXECUTED / rel, BUILT / rel
    if not ours.exists() or not book.exists():
        pytest.fail(f"missing {ours if not ours.exists() else book}: run the chapter tests "
                    "and make book first (make test does both)")
    a, b = nbformat.read(ours, 4), nbformat.read(book, 4)
    code_a = [c for c in a.cells if c.cell_type == "code"]
    code_b = [c for c in b.cells if c.cell_type == "code"]
    assert len(code_a) == len(code_b), "the two runs executed different pages"
    for i, (x, y) in enumerate(zip(code_a, code_b)):
        if "timing" in x.metadata.get("tags", []):
            continue
        assert outputs(x) == outputs(y), f"code cell {i + 1} of {rel} differs between runs"
