"""The built site shows the outputs of the current code, and two executions agree.

One execution per page serves the chapter tests and the build (``scripts/page_cache.py``), so
two checks replace the old comparison of the tests' run with the build's:

- ``test_built_page_is_current`` (in ``make test``, after the build): every page's stored
  outputs belong to the key computed now from the current sources (its code, the library
  functions its run reached, ...), its HTML was written after they were stored, and its
  published notebook shows exactly them. This is the stale-output check.
- ``test_same_outputs_in_two_runs`` (``make reproducible``, which CI runs after ``make test``):
  executes again every page whose current key no second run has confirmed yet — the pages whose
  code, or library code they ran, changed — and compares every code cell's outputs with the
  stored ones: texts and HTML exactly, images pixel by pixel (see ``PIXEL_TOLERANCE``). Cells
  tagged ``timing`` show wall-clock measurements and are skipped. ``REPRODUCIBLE_ALL=1``
  checks every page again.
"""

from __future__ import annotations

import base64
import io
import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from PIL import Image, ImageChops

from test_chapters import PROJECT, ROOT, page_cache, toc_files

pytestmark = pytest.mark.built_site
BUILT = PROJECT.build / "html"
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


def notebook_pages() -> list[Path]:
    return [p for p in toc_files() if p.exists() and page_cache.is_notebook(p)
            and "{code-cell}" in p.read_text(encoding="utf-8")]


def code_cells(notebook: nbformat.NotebookNode, published: bool) -> list[nbformat.NotebookNode]:
    """The code cells; for a published notebook, less those tagged ``remove-cell`` (the
    build's bookkeeping, which scripts/publish_notebooks.py leaves out)."""
    return [c for c in notebook.cells if c.cell_type == "code" and not (
        published and "remove-cell" in c.get("metadata", {}).get("tags", []))]


def compare(a: nbformat.NotebookNode, b: nbformat.NotebookNode, rel: Path, what: str,
            published: bool = False) -> None:
    code_a, code_b = code_cells(a, published), code_cells(b, published)
    assert len(code_a) == len(code_b), f"{what}: different pages executed"
    for i, (x, y) in enumerate(zip(code_a, code_b)):
        if "timing" in x.metadata.get("tags", []):
            continue
        (texts_x, images_x), (texts_y, images_y) = outputs(x), outputs(y)
        assert texts_x == texts_y, f"code cell {i + 1} of {rel} shows other text ({what})"
        assert len(images_x) == len(images_y) and all(
            same_picture(a, b) for a, b in zip(images_x, images_y)
        ), f"code cell {i + 1} of {rel} shows other images ({what})"


@pytest.fixture(scope="module")
def current() -> tuple[page_cache.Library, str]:
    return page_cache.Library(PROJECT.lib), page_cache.environment(PROJECT)


@pytest.mark.parametrize("page", notebook_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_built_page_is_current(page: Path, current: tuple[page_cache.Library, str]) -> None:
    rel = page.relative_to(ROOT)
    state = page_cache.check(PROJECT, page, *current)
    if not state.fresh:
        pytest.fail(f"{rel}: the stored outputs are stale ({'; '.join(state.reasons)})")
    html, published = BUILT / rel.with_suffix(".html"), BUILT / rel.with_suffix(".ipynb")
    assert html.exists() and published.exists(), f"{rel} is not built: run make book"
    stored_at = json.loads(PROJECT.key_file(page).read_text())["stored_at"]
    assert html.stat().st_mtime >= stored_at, f"{html} is older than its outputs"
    compare(page_cache.cached_notebook(PROJECT, page), nbformat.read(published, 4), rel,
            "the published notebook against the stored outputs", published=True)


@pytest.mark.timeout(0)
@pytest.mark.parametrize("page", notebook_pages(), ids=lambda p: str(p.relative_to(ROOT)))
def test_same_outputs_in_two_runs(page: Path) -> None:
    rel = page.relative_to(ROOT)
    page_cache.ensure_fresh(PROJECT, page)  # the first run (normally stored by make test)
    if page_cache.verified(PROJECT, page) and not os.environ.get("REPRODUCIBLE_ALL"):
        pytest.skip("a second run already gave the same outputs for this key")
    second, _, _ = page_cache.execute(PROJECT, page)
    compare(page_cache.cached_notebook(PROJECT, page), second, rel, "two runs")
    page_cache.mark_verified(PROJECT, page)
