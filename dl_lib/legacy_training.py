"""The earlier edition's training helpers, which d2l 1.0.3 still ships (its sections 3.1–4.5).

They let the training loops that those notebooks write themselves (``train_epoch_ch3``,
``train_ch3``, ``evaluate_accuracy``, ...) run unchanged: the same names, arguments and
results as d2l's. Their ``Animator`` is in ``legacy_animator``.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterable

import numpy as np
import torch

from . import checks


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
