"""d2l's ``Animator``: curves that grow point by point, used by the earlier edition's training
loops (its sections 3.6, 4.4 and 4.5; d2l 1.0.3 still ships it).

It draws like the ``ProgressBoard``: live in Jupyter, one final figure in the built book,
nothing (or a file) in a script. Unlike d2l's, it does not redraw on every point, and it does
not print ``<Figure size ...>`` lines in a script.
"""

from __future__ import annotations

import atexit
import itertools
import numbers
import os
import time
from typing import Any, Sequence

from . import checks, settings
from .figure_view import FigureView, in_notebook, take_alt
from .plotting import new_figure, set_axes


class Animator:
    """Curves that grow one point per ``add``, drawn like the ``ProgressBoard``: redrawn in
    place in Jupyter (at most once a second, and once more when the cell ends), one final
    figure in the built book; a script shows nothing, but ``save`` writes the figure (and
    with ``DL_LIB_FIGURE_DIR`` set it is saved there when the script ends).

    >>> animator = Animator(xlabel="epoch", legend=["loss", "acc"])
    >>> for epoch in range(3):
    ...     animator.add(epoch + 1, (1 / (epoch + 1), 0.5 + 0.25 * epoch))
    >>> animator.X[0], animator.Y[1]
    ([1, 2, 3], [0.5, 0.75, 1.0])
    """

    def __init__(self, xlabel: str | None = None, ylabel: str | None = None,
                 legend: Sequence[str] | None = None, xlim: Any = None, ylim: Any = None,
                 xscale: str = "linear", yscale: str = "linear",
                 fmts: Sequence[str] = ("-", "m--", "g-.", "r:"), nrows: int = 1,
                 ncols: int = 1, figsize: tuple[float, float] = (3.5, 2.5)) -> None:
        nrows = checks.whole_number("Animator", "nrows", nrows, 1, "nrows=1")
        ncols = checks.whole_number("Animator", "ncols", ncols, 1, "ncols=1")
        self.xlabel, self.ylabel, self.xlim, self.ylim = xlabel, ylabel, xlim, ylim
        self.xscale, self.yscale = xscale, yscale
        self.legend = list(legend) if legend is not None else []
        self.fig = new_figure(figsize)
        axes = self.fig.subplots(nrows, ncols)
        self.axes = [axes] if nrows * ncols == 1 else axes  # d2l's layout: axes[0] is drawn
        self.X: list[list[Any]] | None = None  # per curve: its points, numbers as given
        self.Y: list[list[Any]] | None = None
        self.fmts = fmts
        self.alt = take_alt("")  # set_next_alt(...) before creating it; else describe()
        self._view: FigureView | None = None
        self._last_render = 0.0

    def add(self, x: Any, y: Any) -> None:
        """Add a point to each curve: ``y`` holds one value per curve (None: no point), ``x``
        one value for all or one per curve."""
        ys = list(y) if _is_sequence(y) else [y]
        xs = list(x) if _is_sequence(x) else [x] * len(ys)
        if self.X is None or self.Y is None:
            self.X, self.Y = [[] for _ in ys], [[] for _ in ys]
        if len(ys) > len(self.Y):
            raise ValueError(f"Animator.add got {len(ys)} values, but the first add drew "
                             f"{len(self.Y)} curves: pass one value per curve (None for none).")
        for i, (a, b) in enumerate(zip(xs, ys)):
            if a is not None and b is not None:
                self.X[i].append(_number(a, "x"))
                self.Y[i].append(_number(b, "y"))
        if in_notebook():
            _hold_until_shown(self, notebook=True)
            if time.monotonic() - self._last_render >= 1.0:
                self.show()
        elif settings.figure_dir():
            _hold_until_shown(self, notebook=False)  # saved once, when the script ends

    def config_axes(self) -> None:
        """Label, limit and scale the drawn axes (``axes[0]``)."""
        set_axes(self.axes[0], self.xlabel, self.ylabel, self.xlim, self.ylim, self.xscale,
                 self.yscale, self.legend)

    def render(self) -> Any:
        """Draw the curves onto ``axes[0]`` and return the figure.

        >>> animator = Animator(xlabel="epoch"); animator.add(1, 0.5)
        >>> animator.render().axes[0].get_xlabel()
        'epoch'
        """
        axes = self.axes[0]
        axes.cla()
        for xs, ys, fmt in zip(self.X or [], self.Y or [], itertools.cycle(self.fmts)):
            axes.plot(xs, ys, fmt)
        self.config_axes()
        return self.fig

    def describe(self) -> str:
        """Alt text: which curves the figure shows, against what, and their last values.

        >>> animator = Animator(xlabel="epoch", legend=["train loss"]); animator.add(1, 0.5)
        >>> animator.describe()
        'Curves of train loss against epoch; last values: train loss 0.500.'
        """
        names = self.legend + [f"curve {i + 1}" for i in range(len(self.legend),
                                                                 len(self.Y or []))]
        last = ", ".join(f"{name} {ys[-1]:.3f}" for name, ys in zip(names, self.Y or []) if ys)
        return (f"Curves of {', '.join(names) or 'nothing yet'} against "
                f"{self.xlabel or 'x'}; last values: {last or 'none'}.")

    def show(self) -> None:
        """Show the figure now (in Jupyter: redraw it in place)."""
        _pending.discard(self)
        if not (in_notebook() or settings.figure_dir()):
            return
        fig = self.render()
        if self._view is None:
            self._view = FigureView(fig, self.alt or self.describe())
        self._view.alt = self.alt or self.describe()
        self._view.show()
        self._last_render = time.monotonic()

    def save(self, path: str | os.PathLike[str]) -> Any:
        """Write the figure to ``path`` (PNG or SVG by suffix); returns the path."""
        return FigureView(self.render(), self.alt or self.describe()).save(path)


_pending: set[Animator] = set()
"""Animators with points not shown yet. Held strongly: an Animator made inside a training
function is gone when the function returns, but its last points must still be drawn."""
_hooks = {"cell": False, "exit": False}


def _show_pending(*_: Any) -> None:
    for animator in list(_pending):
        animator.show()


def _hold_until_shown(animator: Animator, notebook: bool) -> None:
    """Show ``animator`` when the Jupyter cell ends (``notebook``) or when the script ends."""
    _pending.add(animator)
    if notebook and not _hooks["cell"]:
        from IPython import get_ipython

        shell = get_ipython()
        if shell is not None:
            shell.events.register("post_run_cell", _show_pending)
            _hooks["cell"] = True
    elif not notebook and not _hooks["exit"]:
        atexit.register(_show_pending)
        _hooks["exit"] = True


def _is_sequence(value: Any) -> bool:
    return hasattr(value, "__len__") and getattr(value, "ndim", 1) != 0  # not a 0-d tensor


def _number(value: Any, name: str) -> Any:
    if isinstance(value, numbers.Real):
        return value  # kept as given, as d2l keeps it
    try:
        return float(value)
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"Animator.add: {name}={value!r} is not one number ({error}); pass "
                        "Python numbers or one-element tensors.") from None
