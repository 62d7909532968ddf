"""Two executions of the same commit show the same outputs on every page.

The chapter tests keep their executed notebooks in ``_build/executed-by-tests``; the book
build publishes its own beside each page in ``_build/html`` (``scripts/publish_notebooks.py``
takes their outputs from the execution cache). Run after both (``make test`` does), this
compares every code cell's outputs: its text and HTML exactly, its images pixel by pixel
(see ``PIXEL_TOLERANCE``). Cells tagged ``timing`` show wall-clock measurements, which no two
runs share, and are skipped.
"""

from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import nbformat
import pytest
from PIL import Image, ImageChops

from test_chapters import EXECUTED, ROOT, toc_files

pytestmark = pytest.mark.built_site
BUILT = ROOT / "_build" / "html"
TEXTS = ("text/plain", "text/html", "image/svg+xml", "text/markdown")
# Memory addresses (object reprs, id()) differ between any two Python processes.
ADDRESS = re.compile(r"0x[0-9a-f]{6,}|\bid\(\w+\): \d+")
PNG_URI = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)")
# A curve whose float sums differ in the last bit may move one antialiased pixel; no number
# the reader sees changes with it. More than this share of pixels differing is a real change.
PIXEL_TOLERANCE = 0.001


def outputs(cell: nbformat.NotebookNode) -> tuple[list[str], list[bytes]]:
    """What a cell shows: its texts (printed text joined, since a build may merge or split
    streams; images in HTML replaced by a marker) and its PNG images."""
    printed = "".join(o.text for o in cell.get("outputs", []) if o.output_type == "stream")
    texts, images = ([printed.rstrip()] if printed.strip() else []), []
    for out in cell.get("outputs", []):
        if out.output_type in ("display_data", "execute_result"):
            for kind in TEXTS:
                if kind in out.data:
                    images += [base64.b64decode(m) for m in PNG_URI.findall(out.data[kind])]
                    texts.append(f"{kind}: {PNG_URI.sub('<image>', out.data[kind])}")
            if "image/png" in out.data:
                images.append(base64.b64decode(out.data["image/png"]))
        elif out.output_type == "error":
            texts.append(f"{out.ename}: {out.evalue}")
    return [ADDRESS.sub("<address>", t) for t in texts], images


def same_picture(a: bytes, b: bytes) -> bool:
    """Equal size, and at most PIXEL_TOLERANCE of the pixels differ."""
    if a == b:
        return True
    A, B = (Image.open(io.BytesIO(x)).convert("RGB") for x in (a, b))
    if A.size != B.size:
        return False
    differing = sum(ImageChops.difference(A, B).convert("L").histogram()[1:])
    return differing <= PIXEL_TOLERANCE * A.size[0] * A.size[1]


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
        (texts_x, images_x), (texts_y, images_y) = outputs(x), outputs(y)
        assert texts_x == texts_y, f"code cell {i + 1} of {rel} shows other text in the two runs"
        assert len(images_x) == len(images_y) and all(
            same_picture(a, b) for a, b in zip(images_x, images_y)
        ), f"code cell {i + 1} of {rel} shows other images in the two runs"
