"""Line plots and image grids that show in Jupyter, in the book and in scripts (sections 2–5)."""

from __future__ import annotations

import itertools
from typing import Any, Sequence

from . import settings
from .figure_view import FigureView, set_figure_format, take_alt


def use_svg_display() -> None:
    """Show figures as SVG (sharp at any zoom) instead of PNG.

    >>> use_svg_display()
    """
    set_figure_format("svg")


def set_figsize(figsize: tuple[float, float] = (3.5, 2.5)) -> None:
    """Set the default size, in inches, of figures that ``plot`` creates.

    >>> set_figsize((4, 3)); set_figsize()
    """
    settings.switches.figsize = (float(figsize[0]), float(figsize[1]))
    import matplotlib  # pyplot figures (d2l.plt) take the size too, as in d2l

    matplotlib.rcParams["figure.figsize"] = settings.switches.figsize


def new_figure(figsize: tuple[float, float] | None = None) -> Any:
    """A matplotlib ``Figure`` that pyplot does not track, so nothing shows it twice.

    >>> new_figure((2, 1)).get_size_inches().tolist()
    [2.0, 1.0]
    """
    from matplotlib.figure import Figure

    return Figure(figsize=figsize or settings.switches.figsize, layout="constrained")


def _as_array(values: Any) -> Any:
    if hasattr(values, "detach"):
        values = values.detach().cpu().numpy()
    return values


def _as_image(img: Any) -> Any:
    """An image as ``[H, W]`` (grey) or ``[H, W, C]`` (color) array; ``[1, H, W]`` and
    ``[C, H, W]`` tensors, as data loaders give them, are turned the right way round."""
    img = _as_array(img)
    if getattr(img, "ndim", 2) == 3 and img.shape[0] in (1, 3, 4) and img.shape[-1] not in (3, 4):
        img = img[0] if img.shape[0] == 1 else img.transpose(1, 2, 0)
    return img


def _has_one_axis(X: Any) -> bool:
    return (hasattr(X, "ndim") and X.ndim == 1) or (
        isinstance(X, list) and len(X) > 0 and not hasattr(X[0], "__len__")
    )


def set_axes(axes: Any, xlabel: str | None, ylabel: str | None, xlim: Any, ylim: Any,
             xscale: str, yscale: str, legend: Sequence[str] | None) -> None:
    """Label, limit and scale matplotlib ``axes`` in one call.

    >>> ax = new_figure().add_subplot()
    >>> set_axes(ax, "x", "y", (0, 1), None, "linear", "log", ["a"])
    >>> ax.get_xlabel(), ax.get_yscale()
    ('x', 'log')
    """
    axes.set_xlabel(xlabel or "")
    axes.set_ylabel(ylabel or "")
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    if xlim is not None:
        axes.set_xlim(xlim)
    if ylim is not None:
        axes.set_ylim(ylim)
    if legend:
        place_legend(axes, legend)
    axes.grid(True)


def _legend_covers_data(axes: Any, legend: Any, step_px: float = 2.0) -> bool:
    """Whether any drawn curve of ``axes`` passes under ``legend`` (in display pixels)."""
    import numpy as np

    axes.figure.draw_without_rendering()  # lays the figure out: positions are final
    box = legend.get_window_extent().padded(2)
    for line in axes.get_lines():
        if not line.get_visible() or len(line.get_xydata()) == 0:
            continue
        points = line.get_transform().transform(line.get_xydata())
        points = points[np.isfinite(points).all(axis=1)]
        if len(points) > 1:  # the segments between the points, every ``step_px`` pixels
            starts, ends = points[:-1], points[1:]
            counts = np.maximum(np.ceil(np.hypot(*(ends - starts).T) / step_px), 1).astype(int)
            t = np.concatenate([np.arange(n) / n for n in counts])
            starts, ends = np.repeat(starts, counts, axis=0), np.repeat(ends, counts, axis=0)
            points = np.vstack([starts + (ends - starts) * t[:, None], points[-1:]])
        inside = ((points[:, 0] >= box.x0) & (points[:, 0] <= box.x1)
                  & (points[:, 1] >= box.y0) & (points[:, 1] <= box.y1))
        if inside.any():
            return True
    return False


def place_legend(axes: Any, labels: Sequence[str]) -> Any:
    """A legend that covers no curve: inside the axes where matplotlib's ``"best"`` spot is
    free of data, else outside, to the right of the axes. Returns the legend.

    >>> ax = new_figure().add_subplot()
    >>> _ = ax.plot([0, 1], [0, 1]); _ = ax.plot([0, 1], [1, 0])
    >>> legend = place_legend(ax, ["up", "down"])
    >>> _legend_covers_data(ax, legend)
    False
    """
    legend = axes.legend(labels)
    if _legend_covers_data(axes, legend):
        legend.remove()
        legend = axes.legend(labels, loc="upper left", bbox_to_anchor=(1.02, 1.0),
                             borderaxespad=0.0)
    return legend


def describe_plot(xlabel: str | None, ylabel: str | None, legend: Sequence[str] | None) -> str:
    """Alt text for a line plot, made from its labels.

    >>> describe_plot("x", "relu(x)", None)
    'Line plot of relu(x) against x.'
    """
    what = ", ".join(legend) if legend else (ylabel or "values")
    return f"Line plot of {what} against {xlabel or 'the index'}."


def plot(X: Any, Y: Any = None, xlabel: str | None = None, ylabel: str | None = None,
         legend: Sequence[str] | None = None, xlim: Any = None, ylim: Any = None,
         xscale: str = "linear", yscale: str = "linear",
         fmts: Sequence[str] = ("-", "m--", "g-.", "r:"),
         figsize: tuple[float, float] = (3.5, 2.5), axes: Any = None,
         alt: str | None = None) -> None:
    """Plot one or more curves, as d2l's ``plot`` does; ``alt`` describes the figure.

    With ``axes`` the curves go onto that matplotlib axes and nothing is shown.

    >>> import torch
    >>> x = torch.arange(-2.0, 2.0, 0.5)
    >>> plot(x, [x, x ** 2], "x", "f(x)", legend=["x", "x^2"])
    """
    X, Y = _as_array(X), _as_array(Y)
    if _has_one_axis(X):
        X = [X]
    if Y is None:
        X, Y = [[]] * len(X), X
    elif _has_one_axis(Y):
        Y = [Y]
    X, Y = [_as_array(x) for x in X], [_as_array(y) for y in Y]
    if len(X) != len(Y):
        X = X * len(Y)
    view = None
    if axes is None:
        fig = new_figure(figsize)
        axes = fig.add_subplot()
        view = FigureView(fig, alt or take_alt(describe_plot(xlabel, ylabel, legend)))
    axes.cla()
    for x, y, fmt in zip(X, Y, itertools.cycle(fmts)):  # d2l's zip dropped curves past the 4th
        if len(x):
            axes.plot(x, y, fmt)
        else:
            axes.plot(y, fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)
    if view is not None:
        view.show()


# A grid of images is at most this wide (inches at the figure's 100 dpi): about the width of
# the book's text column at 1280 px, so that the page shows it at its own size and its titles
# keep their size (a wider image is shrunk to the column, and its titles with it).
GRID_MAX_WIDTH = 7.2


def grid_layout(num_rows: int, num_cols: int, scale: float) -> tuple[tuple[float, float], float]:
    """The figure size (inches) of an image grid and its titles' font size (points).

    Each image is ``scale`` inches wide, less where the grid would be wider than
    ``GRID_MAX_WIDTH``; the titles' size follows the images' (9 to 12 points, at least 12.5 px).

    >>> grid_layout(2, 9, 1.5)  # Fashion-MNIST's 2 x 9 grid: 0.8 inches an image
    ((7.2, 1.6), 9.0)
    >>> grid_layout(1, 2, 1.5)
    ((3.0, 1.5), 12.0)
    """
    size = min(scale, GRID_MAX_WIDTH / num_cols)
    fontsize = round(min(max(9.0, 8.0 * size), 12.0), 1)
    return (round(num_cols * size, 3), round(num_rows * size, 3)), fontsize


def show_images(imgs: Any, num_rows: int, num_cols: int, titles: Sequence[str] | None = None,
                scale: float = 1.5, alt: str | None = None) -> None:
    """Show a grid of grey-scale images (tensors or arrays of shape ``[H, W]``) with titles.

    ``scale`` is the width of one image in inches, as in d2l; a grid is at most
    ``GRID_MAX_WIDTH`` inches wide (see ``grid_layout``) so that its titles stay readable.

    >>> import torch
    >>> show_images(torch.zeros(2, 4, 4), 1, 2, titles=["a", "b"])
    """
    if titles is not None:
        titles = [str(t) for t in (titles.tolist() if hasattr(titles, "tolist") else titles)]
    imgs = [_as_image(img) for img in imgs[: num_rows * num_cols]]
    figsize, fontsize = grid_layout(num_rows, num_cols, scale)
    fig = new_figure(figsize)
    axes = fig.subplots(num_rows, num_cols, squeeze=False).flatten()
    for i, (ax, img) in enumerate(zip(axes, imgs)):
        ax.imshow(img, cmap="gray" if getattr(img, "ndim", 2) == 2 else None)
        ax.axis("off")
        if titles is not None and i < len(titles):
            ax.set_title(titles[i], fontsize=fontsize)
    for ax in axes[len(imgs):]:
        ax.axis("off")
    if alt is None and settings.switches.next_alt is not None:
        alt = take_alt("")
    if alt is None:
        shown = [t.replace("\n", " / ") for t in (titles or [])[: len(axes)]]
        alt = f"A grid of {min(len(imgs), len(axes))} images" + (
            f" labelled: {'; '.join(shown)}." if shown else "."
        )
    FigureView(fig, alt).show()
