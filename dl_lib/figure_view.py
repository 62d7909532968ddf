"""Showing a matplotlib figure wherever the code runs: Jupyter, the built book, or a script.

In a Jupyter kernel a figure is sent as an ``<img>`` with alt text (and as PNG or SVG for
front ends that prefer them), through a display handle so that it can be redrawn in place.
Outside a kernel nothing is shown; ``DL_LIB_FIGURE_DIR`` makes every shown figure a file.
"""

from __future__ import annotations

import html
import base64
import io
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import settings

if TYPE_CHECKING:
    from matplotlib.figure import Figure



def set_figure_format(name: str) -> None:
    """Choose ``"png"`` or ``"svg"`` for figures shown from now on.

    >>> set_figure_format("svg"); set_figure_format("png")
    """
    if name not in ("png", "svg"):
        raise ValueError(f"figure format must be 'png' or 'svg', not {name!r}")
    settings.switches.figure_format = name


def set_next_alt(alt: str) -> None:
    """Use ``alt`` as the alt text of the next figure shown, instead of one made from its labels.

    The book calls it in a cell hidden from the page, so that the lesson's plotting cell
    stays short; without it (in a downloaded notebook, say) figures describe themselves.

    >>> set_next_alt("A parabola"); take_alt("Line plot of y against x.")
    'A parabola'
    >>> take_alt("Line plot of y against x.")
    'Line plot of y against x.'
    """
    settings.switches.next_alt = alt


def take_alt(default: str) -> str:
    """The alt text set by ``set_next_alt`` (used up by this call), else ``default``.

    >>> take_alt("A line plot.")
    'A line plot.'
    """
    alt, settings.switches.next_alt = settings.switches.next_alt, None
    return alt or default


def in_notebook() -> bool:
    """Whether this code runs inside a Jupyter kernel (as in the book's build).

    >>> in_notebook()
    False
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


SAVE_FORMATS = ("png", "svg", "pdf", "jpg", "jpeg")


def figure_bytes(fig: Figure, fmt: str | None = None) -> bytes:
    """Render ``fig`` to PNG or SVG bytes, identical for identical figures.

    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(1, 1)); figure_bytes(fig, "png")[:4]
    b'\\x89PNG'
    """
    import matplotlib

    fmt = (fmt or settings.switches.figure_format).lower()
    if fmt not in SAVE_FORMATS:
        raise ValueError(f"figures can be saved as {', '.join('.' + f for f in SAVE_FORMATS)}, "
                         f"not .{fmt}: give the file one of those suffixes, e.g. 'board.png'.")
    buffer = io.BytesIO()
    # Without dates and versions in the file, identical figures give identical bytes.
    metadata: dict[str, Any] = {"svg": {"Date": None}, "png": {"Software": None},
                                "pdf": {"CreationDate": None}}.get(fmt, {})
    with matplotlib.rc_context({"svg.hashsalt": "dl_lib"}):  # else SVG ids are random
        fig.savefig(buffer, format=fmt, bbox_inches="tight", metadata=metadata or None)
    return buffer.getvalue()


def compact_png(data: bytes) -> bytes:
    """The PNG with at most 256 colors (a palette image), where that is smaller: about a third
    of the size for a plot, with no difference the eye can see. Opaque images only (a
    transparent one is returned as it is); the same input always gives the same bytes.

    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(2, 2)); _ = fig.add_subplot().plot([0, 1], [1, 0])
    >>> png = figure_bytes(fig, "png")
    >>> len(compact_png(png)) < len(png) / 2
    True
    """
    from PIL import Image

    image = Image.open(io.BytesIO(data))
    if image.mode == "RGBA":
        if image.getchannel("A").getextrema() != (255, 255):
            return data
        image = image.convert("RGB")
    elif image.mode != "RGB":
        return data
    buffer = io.BytesIO()
    image.quantize(256, method=Image.Quantize.MEDIANCUT).save(buffer, "PNG", optimize=True)
    return min(buffer.getvalue(), data, key=len)


def smallest_text_px(fig: Figure) -> float:
    """The height, in pixels of the saved image, of the figure's smallest visible text
    (titles, labels, tick labels, legend); 0 for a figure without text.

    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(1, 1), dpi=100); _ = fig.suptitle("x", fontsize=9)
    >>> smallest_text_px(fig)
    12.5
    """
    import matplotlib
    from matplotlib.text import Text

    dpi = matplotlib.rcParams["savefig.dpi"]
    dpi = fig.dpi if dpi == "figure" else float(dpi)
    fig.draw_without_rendering()  # makes the tick labels
    sizes = [text.get_fontsize() for text in fig.findobj(Text)
             if text.get_visible() and text.get_text().strip()]
    return round(min(sizes) * dpi / 72, 1) if sizes else 0.0


def figure_kind(fig: Figure) -> str:
    """``"images"`` for a figure that shows images (a grid of pictures), else ``"plot"``.

    >>> from matplotlib.figure import Figure
    >>> figure_kind(Figure())
    'plot'
    """
    return "images" if any(ax.images for ax in fig.axes) else "plot"


class FigureOutput:
    """A figure with alt text, rendered for notebooks as ``<img alt=...>``, PNG or SVG.

    The ``<img>`` says what it shows (class ``dl-figure-plot`` or ``dl-figure-images``, for
    the site's dark mode) and how high its smallest text is in the image's own pixels
    (``data-text-px``), so that the site's tests check it is readable as displayed.

    >>> from matplotlib.figure import Figure
    >>> fig = Figure(figsize=(1, 1))
    >>> '<img alt="An empty plot" class="dl-figure dl-figure-plot"' in FigureOutput(
    ...     fig, "An empty plot")._repr_html_()
    True
    """

    def __init__(self, fig: Figure, alt: str) -> None:
        self.fig, self.alt = fig, alt

    def _repr_html_(self) -> str:
        fmt = settings.switches.figure_format
        mime = "image/svg+xml" if fmt == "svg" else "image/png"
        image = figure_bytes(self.fig, fmt)
        data = base64.b64encode(compact_png(image) if fmt == "png" else image).decode("ascii")
        alt = html.escape(self.alt, quote=True)
        return (f'<img alt="{alt}" class="dl-figure dl-figure-{figure_kind(self.fig)}" '
                f'data-text-px="{smallest_text_px(self.fig):.1f}" '
                f'src="data:{mime};base64,{data}"/>')

    def _repr_png_(self) -> bytes:
        return compact_png(figure_bytes(self.fig, "png"))


class FigureView:
    """Shows one figure and redraws it in place; in a script it only saves (see module doc).

    >>> from matplotlib.figure import Figure
    >>> view = FigureView(Figure(figsize=(1, 1)), "An empty plot")
    >>> view.show()  # outside Jupyter this shows nothing and prints nothing
    """

    def __init__(self, fig: Figure, alt: str) -> None:
        self.fig, self.alt = fig, alt
        self._handle: Any = None
        self._path: Path | None = None

    def show(self) -> None:
        """Display the figure, or update it where it was displayed before."""
        if in_notebook():
            from IPython.display import display

            output = FigureOutput(self.fig, self.alt)
            if self._handle is None:
                self._handle = display(output, display_id=True)
            else:
                self._handle.update(output)
            return
        folder = settings.figure_dir()
        if folder:
            if self._path is None:
                settings.switches.figures_saved += 1
                stem = re.sub(r"[^a-z0-9]+", "-", self.alt.lower()).strip("-")[:60] or "figure"
                self._path = folder / f"{settings.switches.figures_saved:03d}-{stem}.png"
            self.save(self._path)

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the figure to ``path`` (format from its suffix) and return the path."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(figure_bytes(self.fig, path.suffix.lstrip(".") or "png"))
        return path
