"""The earlier edition's training helpers, which d2l 1.0.3 still ships (its sections 3.1–4.5).

They let the training loops that those notebooks write themselves (``train_epoch_ch3``,
``train_ch3``, ``evaluate_accuracy``, ...) run unchanged: the same names, arguments and
results as d2l's. ``Animator`` draws like the ``ProgressBoard``: live in Jupyter, one final
figure in the built book, nothing (or a file) in a script.
"""

from __future__ import annotations

import itertools
import os
import time
from typing import Any, Callable, Iterable, Sequence

import numpy as np
import torch

from . import checks, settings
from .figure_view import FigureView, in_notebook, take_alt
from .plotting import new_figure, set_axes
from .progress_board import _dirty_boards, _register_cell_end_hook, _register_exit_hook


def linreg(X: torch.Tensor, w: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The linear regression model ``Xw + b``.

    >>> linreg(torch.tensor([[1.0, 2.0]]), torch.tensor([[3.0], [4.0]]), torch.tensor([0.5]))
    tensor([[11.5000]])
    """
    return torch.matmul(X, w) + b


def squared_loss(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Half the squared error of each example, ``(y_hat - y)² / 2``, shaped like ``y_hat``.

    >>> squared_loss(torch.tensor([[1.0], [2.0]]), torch.tensor([2.0, 2.0]))
    tensor([[0.5000],
            [0.0000]])
    """
    if y.numel() != y_hat.numel():
        raise ValueError(f"squared_loss got {y_hat.numel()} predictions but {y.numel()} labels: "
                         "pass the predictions and the labels of the same examples.")
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params: Iterable[torch.Tensor], lr: float, batch_size: int) -> None:
    """One minibatch SGD step on each parameter, ``param -= lr * grad / batch_size``, then
    the gradients are set to zero.

    >>> w = torch.tensor([1.0], requires_grad=True)
    >>> (3 * w).sum().backward(); sgd([w], lr=0.1, batch_size=3); w, w.grad
    (tensor([0.9000], requires_grad=True), tensor([0.]))
    """
    batch_size = checks.whole_number("sgd", "batch_size", batch_size, 1,
                                     "sgd([w, b], lr, batch_size)")
    with torch.no_grad():
        for i, param in enumerate(params):
            if param.grad is None:
                raise ValueError(
                    f"sgd: parameter {i} (shape {tuple(param.shape)}) has no gradient. Create it "
                    "with requires_grad=True and call l.sum().backward() before sgd(...).")
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def accuracy(y_hat: torch.Tensor, y: torch.Tensor) -> float:
    """How many predictions are right (a count, not a fraction). ``y_hat`` holds one score
    per class (the largest is the prediction) or the predicted classes.

    >>> accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]]), torch.tensor([1, 1, 1]))
    2.0
    """
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    if y_hat.shape != y.shape:
        raise ValueError(f"accuracy got predictions of shape {tuple(y_hat.shape)} and labels of "
                         f"shape {tuple(y.shape)}: give one row of class scores (or one class) "
                         "per example, and the labels as a vector, y.reshape(-1).")
    return float((y_hat.type(y.dtype) == y).type(y.dtype).sum())


class Accumulator:
    """Running sums of ``n`` numbers, such as (total loss, correct predictions, examples).

    >>> metric = Accumulator(2); metric.add(1.5, 10); metric.add(0.5, 10)
    >>> metric[0] / metric[1]
    0.1
    """

    def __init__(self, n: int) -> None:
        n = checks.whole_number("Accumulator", "n", n, 1, "Accumulator(3)")
        self.data = [0.0] * n

    def add(self, *args: Any) -> None:
        """Add one number (a Python number or a one-element tensor) to each sum."""
        if len(args) != len(self.data):
            raise ValueError(f"this Accumulator keeps {len(self.data)} sums, but add got "
                             f"{len(args)} numbers: pass one number per sum, or create it "
                             f"with Accumulator({len(args)}).")
        values = []
        for i, value in enumerate(args):
            try:
                values.append(float(value))
            except (TypeError, ValueError, RuntimeError) as error:
                raise TypeError(f"Accumulator.add: number {i} is not one number ({error}); "
                                "reduce a tensor to one first, for example l.sum().") from None
        self.data = [a + b for a, b in zip(self.data, values)]

    def reset(self) -> None:
        """Set every sum back to 0."""
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx: int) -> float:
        return self.data[idx]


class Timer:
    """Wall-clock times of the stretches between ``start()`` and ``stop()`` (starts at once).

    >>> timer = Timer(); seconds = timer.stop()
    >>> seconds >= 0, len(timer.times), timer.sum() == timer.cumsum()[-1]
    (True, 1, True)
    """

    def __init__(self) -> None:
        self.times: list[float] = []
        self.start()

    def start(self) -> None:
        """Start timing a stretch."""
        self.tik = time.time()

    def stop(self) -> float:
        """End the stretch, keep its length and return it, in seconds."""
        self.times.append(time.time() - self.tik)
        return self.times[-1]

    def avg(self) -> float:
        """The mean length of the stretches."""
        if not self.times:
            raise ValueError("Timer.avg: no stretch has been timed yet; call stop() first.")
        return sum(self.times) / len(self.times)

    def sum(self) -> float:
        """The total length of the stretches."""
        return sum(self.times)

    def cumsum(self) -> list[float]:
        """The running totals, one per stretch."""
        return np.array(self.times).cumsum().tolist()


def evaluate_loss(net: Callable[[torch.Tensor], torch.Tensor], data_iter: Iterable[Any],
                  loss: Callable[[torch.Tensor, torch.Tensor], torch.Tensor]) -> float:
    """The loss averaged over all examples of ``data_iter`` (``loss`` keeps one value per
    example, as ``nn.MSELoss(reduction='none')`` does).

    >>> X, y = torch.tensor([[1.0], [2.0]]), torch.tensor([1.0, 3.0])
    >>> evaluate_loss(lambda X: 2 * X, [(X, y)], squared_loss)  # (0.5 + 0.5) / 2
    0.5
    """
    metric = Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            out = net(X)
            if y.numel() != out.numel():
                raise ValueError(f"evaluate_loss: the net gave {out.numel()} outputs for "
                                 f"{y.numel()} labels; it must give one output per label.")
            values = loss(out, y.reshape(out.shape))
            metric.add(values.sum(), values.numel())
    if metric[1] == 0:
        raise ValueError("evaluate_loss got no examples: data_iter yielded no batches.")
    return metric[0] / metric[1]


class Animator:
    """Curves that grow one point per ``add``, drawn like the ``ProgressBoard``: redrawn in
    place in Jupyter (at most once a second, and once more when the cell ends), one final
    figure in the built book; a script shows nothing, but ``save`` writes the figure (and
    with ``DL_LIB_FIGURE_DIR`` set it is saved there when the script ends).

    >>> animator = Animator(xlabel="epoch", legend=["loss", "acc"])
    >>> for epoch in range(3):
    ...     animator.add(epoch + 1, (1 / (epoch + 1), 0.5 + 0.25 * epoch))
    >>> animator.X[0], animator.Y[1]
    ([1.0, 2.0, 3.0], [0.5, 0.75, 1.0])
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
        self.X: list[list[float]] | None = None
        self.Y: list[list[float]] | None = None
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
            _dirty_boards.add(self)
            _register_cell_end_hook()
            if time.monotonic() - self._last_render >= 1.0:
                self.show()
        elif settings.figure_dir():
            _dirty_boards.add(self)
            _register_exit_hook()

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
        _dirty_boards.discard(self)
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


def _is_sequence(value: Any) -> bool:
    return hasattr(value, "__len__") and getattr(value, "ndim", 1) != 0  # not a 0-d tensor


def _number(value: Any, name: str) -> float:
    try:
        return float(value)
    except (TypeError, ValueError, RuntimeError) as error:
        raise TypeError(f"Animator.add: {name}={value!r} is not one number ({error}); pass "
                        "Python numbers or one-element tensors.") from None
