"""``ProgressBoard``: curves that grow while a model trains (section 3.2).

Live in Jupyter (redrawn in place at most once a second and once more when the cell ends), a
single final figure in the built book, and silent in scripts, where ``save`` writes it to a file
(and, with ``DL_LIB_FIGURE_DIR`` set, its final state is saved there when training or the
script ends).
"""

from __future__ import annotations

import atexit
import os
import time
import weakref
from dataclasses import dataclass
from typing import Any, Sequence

from . import settings
from .figure_view import FigureView, in_notebook
from .plotting import new_figure, set_axes


@dataclass
class Point:
    """One averaged point of a curve.

    >>> Point(1.0, 0.5)
    Point(x=1.0, y=0.5)
    """

    x: float
    y: float


_dirty_boards: "weakref.WeakSet[ProgressBoard]" = weakref.WeakSet()
_hook = {"registered": False, "atexit": False}


def _flush_dirty_boards(*_: Any) -> None:
    for board in list(_dirty_boards):
        board.show()


class ProgressBoard:
    """Plot data points as they arrive, averaging every ``every_n`` points of a curve.

    >>> import math
    >>> board = ProgressBoard("x")
    >>> for i in range(10):
    ...     board.draw(i, math.sin(i), "sin", every_n=2)
    >>> [round(p.y, 3) for p in board.data["sin"]][:2]  # (sin 0 + sin 1) / 2, (sin 2 + sin 3) / 2
    [0.421, 0.525]
    """

    def __init__(self, xlabel: str | None = None, ylabel: str | None = None,
                 xlim: Any = None, ylim: Any = None, xscale: str = "linear",
                 yscale: str = "linear", ls: Sequence[str] = ("-", "--", "-.", ":"),
                 colors: Sequence[str] = ("C0", "C1", "C2", "C3"), fig: Any = None,
                 axes: Any = None, figsize: tuple[float, float] = (3.5, 2.5),
                 display: bool = True) -> None:
        self.xlabel, self.ylabel, self.xlim, self.ylim = xlabel, ylabel, xlim, ylim
        self.xscale, self.yscale, self.ls, self.colors = xscale, yscale, ls, colors
        self.fig, self.axes, self.figsize, self.display = fig, axes, figsize, display
        self.data: dict[str, list[Point]] = {}
        self.raw_points: dict[str, list[Point]] = {}
        self.min_interval = 1.0
        self._view: FigureView | None = None
        self._last_render = 0.0

    def draw(self, x: float, y: float, label: str, every_n: int = 1) -> None:
        """Add point ``(x, y)`` to curve ``label``; every ``every_n`` points become one."""
        every_n = max(int(every_n), 1)
        raw = self.raw_points.setdefault(label, [])
        line = self.data.setdefault(label, [])
        raw.append(Point(float(x), float(y)))
        if len(raw) < every_n:
            return
        line.append(Point(sum(p.x for p in raw) / len(raw), sum(p.y for p in raw) / len(raw)))
        raw.clear()
        if not self.display:
            return
        if in_notebook():
            _dirty_boards.add(self)
            _register_cell_end_hook()
            if time.monotonic() - self._last_render >= self.min_interval:
                self.show()
        elif settings.figure_dir():
            _dirty_boards.add(self)  # saved once, when the script ends (or by show())
            _register_exit_hook()

    def state_dict(self) -> dict[str, Any]:
        """The board's curves (averaged and not yet averaged points), for a checkpoint.

        >>> board = ProgressBoard(); board.draw(0, 2.0, "loss"); board.state_dict()
        {'data': {'loss': [(0.0, 2.0)]}, 'raw_points': {'loss': []}}
        """
        return {key: {label: [(p.x, p.y) for p in points] for label, points in curves.items()}
                for key, curves in (("data", self.data), ("raw_points", self.raw_points))}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore the curves that ``state_dict`` returned.

        >>> a = ProgressBoard(); a.draw(0, 2.0, "loss"); b = ProgressBoard()
        >>> b.load_state_dict(a.state_dict()); b.last("loss")
        2.0
        """
        self.data = {k: [Point(x, y) for x, y in v] for k, v in state["data"].items()}
        self.raw_points = {k: [Point(x, y) for x, y in v]
                           for k, v in state.get("raw_points", {}).items()}

    def last(self, label: str) -> float:
        """The latest averaged value of curve ``label``.

        >>> board = ProgressBoard(); board.draw(0, 2.0, "loss"); board.last("loss")
        2.0
        """
        if not self.data.get(label):
            raise KeyError(f"the board has no points for {label!r}; it has {sorted(self.data)}")
        return self.data[label][-1].y

    def render(self) -> Any:
        """Draw every curve onto the board's figure and return the figure.

        >>> board = ProgressBoard("epoch"); board.draw(1, 0.5, "loss")
        >>> board.render().axes[0].get_xlabel()
        'epoch'
        """
        if self.fig is None:
            self.fig = new_figure(self.figsize)
            self.axes = self.fig.add_subplot()
        axes = self.axes
        axes.cla()
        labels = list(self.data)
        for i, label in enumerate(labels):
            points = self.data[label]
            axes.plot([p.x for p in points], [p.y for p in points],
                      linestyle=self.ls[i % len(self.ls)], color=self.colors[i % len(self.colors)])
        set_axes(axes, self.xlabel, self.ylabel, self.xlim, self.ylim,
                 self.xscale, self.yscale, labels)
        return self.fig

    def describe(self) -> str:
        """Alt text: which curves the board shows, against what.

        >>> board = ProgressBoard("epoch"); board.draw(1, 0.5, "train_loss")
        >>> board.describe()
        'Curves of train_loss against epoch; last values: train_loss 0.500.'
        """
        last = ", ".join(f"{k} {v[-1].y:.3f}" for k, v in self.data.items() if v)
        return (f"Curves of {', '.join(self.data) or 'nothing yet'} against "
                f"{self.xlabel or 'x'}; last values: {last or 'none'}.")

    def show(self) -> None:
        """Show the board now (in Jupyter: redraw it in place)."""
        _dirty_boards.discard(self)
        if not self.display or not (in_notebook() or settings.figure_dir()):
            return  # nowhere to show it: skip the drawing, which costs tens of milliseconds
        fig = self.render()
        if self._view is None:
            self._view = FigureView(fig, self.describe())
        self._view.alt = self.describe()
        self._view.show()
        self._last_render = time.monotonic()

    def save(self, path: str | os.PathLike[str]) -> Any:
        """Write the board's figure to ``path`` (PNG or SVG by suffix); returns the path.

        >>> import tempfile, pathlib
        >>> board = ProgressBoard("x"); board.draw(0, 1, "y")
        >>> board.save(pathlib.Path(tempfile.mkdtemp()) / "board.png").exists()
        True
        """
        return FigureView(self.render(), self.describe()).save(path)


def _register_cell_end_hook() -> None:
    if _hook["registered"]:
        return
    from IPython import get_ipython

    shell = get_ipython()
    if shell is not None:
        shell.events.register("post_run_cell", _flush_dirty_boards)
        _hook["registered"] = True


def _register_exit_hook() -> None:
    if not _hook["atexit"]:
        atexit.register(_flush_dirty_boards)
        _hook["atexit"] = True
