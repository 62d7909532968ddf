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
        axes.legend(legend)
    axes.grid(True)


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


def show_images(imgs: Any, num_rows: int, num_cols: int, titles: Sequence[str] | None = None,
                scale: float = 1.5, alt: str | None = None) -> None:
    """Show a grid of grey-scale images (tensors or arrays of shape ``[H, W]``) with titles.

    >>> import torch
    >>> show_images(torch.zeros(2, 4, 4), 1, 2, titles=["a", "b"])
    """
    if titles is not None:
        titles = [str(t) for t in (titles.tolist() if hasattr(titles, "tolist") else titles)]
    imgs = [_as_image(img) for img in imgs[: num_rows * num_cols]]
    fig = new_figure((num_cols * scale, num_rows * scale))
    axes = fig.subplots(num_rows, num_cols, squeeze=False).flatten()
    for i, (ax, img) in enumerate(zip(axes, imgs)):
        ax.imshow(img, cmap="gray" if getattr(img, "ndim", 2) == 2 else None)
        ax.axis("off")
        if titles is not None and i < len(titles):
            ax.set_title(titles[i], fontsize=8)
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
