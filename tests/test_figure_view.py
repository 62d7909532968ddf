"""Figures as the pages embed them: small, the same for the same figure, unchanged to the eye."""

from __future__ import annotations

import io

from matplotlib.figure import Figure
from PIL import Image, ImageChops

from dl_lib import figure_view


def a_plot() -> Figure:
    fig = Figure(figsize=(4, 3))
    axes = fig.add_subplot()
    for shift in range(4):
        axes.plot([x / 10 for x in range(100)], [((x + shift * 7) % 13) / 13 for x in range(100)],
                  label=f"curve {shift}")
    axes.legend()
    return fig


def test_a_compact_png_is_smaller_and_looks_the_same() -> None:
    png = figure_view.figure_bytes(a_plot(), "png")
    small = figure_view.compact_png(png)
    assert len(small) < 0.6 * len(png)
    before = Image.open(io.BytesIO(png)).convert("RGB")
    after = Image.open(io.BytesIO(small)).convert("RGB")
    assert before.size == after.size
    histogram = ImageChops.difference(before, after).convert("L").histogram()
    assert max(level for level, count in enumerate(histogram) if count) <= 48  # an edge's shade
    mean = sum(level * count for level, count in enumerate(histogram)) / sum(histogram)
    assert mean < 1.0
    assert figure_view.compact_png(png) == small  # the same figure, the same bytes


def test_a_transparent_png_is_left_as_it_is() -> None:
    image = Image.new("RGBA", (20, 20), (255, 0, 0, 0))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    assert figure_view.compact_png(buffer.getvalue()) == buffer.getvalue()


def test_the_page_shows_the_compact_png() -> None:
    output = figure_view.FigureOutput(a_plot(), "Four curves")
    assert output._repr_png_() == figure_view.compact_png(
        figure_view.figure_bytes(output.fig, "png"))
