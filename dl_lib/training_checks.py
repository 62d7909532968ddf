"""What ``Trainer`` checks before and during training, so that a mistake is named, not hidden.

>>> check_loss(None, batch=())
Traceback (most recent call last):
...
TypeError: training_step returned None, but it must return the loss of the batch as a tensor: end it with `return loss`.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

import torch


class NonFiniteLossError(FloatingPointError):
    """The training loss became ``nan`` or ``inf``.

    >>> issubclass(NonFiniteLossError, FloatingPointError)
    True
    """


def check_fit_arguments(model: Any, data: Any) -> None:
    """Refuse a class where an instance belongs, and a model or data module missing the
    methods that ``fit`` calls.

    >>> check_fit_arguments(torch.nn.Linear(2, 1), None)
    Traceback (most recent call last):
    ...
    TypeError: fit needs a d2l.Module (with training_step, validation_step, configure_optimizers and a board), but got a Linear: derive your model from d2l.Module and give it a loss.
    """
    for thing, what in ((model, "model"), (data, "data")):
        if isinstance(thing, type):
            raise TypeError(f"fit got the class {thing.__name__} as its {what}, not an object "
                            f"of it: create one first, e.g. {thing.__name__}(...), and pass that.")
    needed = ("training_step", "validation_step", "configure_optimizers", "board")
    if not all(hasattr(model, name) for name in needed):
        kind = type(model).__name__
        raise TypeError(f"fit needs a d2l.Module (with {', '.join(needed[:3])} and a board), "
                        f"but got a {kind}: derive your model from d2l.Module and give it a loss.")
    if not (hasattr(data, "train_dataloader") and hasattr(data, "val_dataloader")):
        raise TypeError(f"fit needs a d2l.DataModule (with train_dataloader and "
                        f"val_dataloader), but got a {type(data).__name__}: derive your data "
                        "class from d2l.DataModule and define get_dataloader(self, train).")


def check_loss(loss: Any, batch: Sequence[Any]) -> None:
    """Refuse a loss that ``backward`` cannot use, saying what the step returned and the fix.

    >>> check_loss(torch.ones(1, requires_grad=True).sum(), [])  # a usable loss passes
    >>> check_loss(torch.ones(4, requires_grad=True), [])
    Traceback (most recent call last):
    ...
    ValueError: the loss has shape (4,), one value per example, but training needs one number: average it, e.g. `return l.mean()`.
    """
    if loss is None:
        raise TypeError("training_step returned None, but it must return the loss of the batch "
                        "as a tensor: end it with `return loss`.")
    if not isinstance(loss, torch.Tensor):
        raise TypeError(f"training_step returned a {type(loss).__name__} ({loss!r}), but it must "
                        "return the loss as a tensor, so that backward() can follow it: do not "
                        "call .item() or float() on the loss you return.")
    if loss.numel() != 1:
        raise ValueError(f"the loss has shape {tuple(loss.shape)}, one value per example, but "
                         "training needs one number: average it, e.g. `return l.mean()`.")
    if not loss.requires_grad:
        raise RuntimeError(
            "the loss does not depend on any tensor that requires a gradient, so training "
            "cannot change anything. Check that the parameters were created with "
            "requires_grad=True (or nn.Parameter) and are not frozen, and that the loss is "
            "not computed under torch.no_grad() or from .detach()ed values.")


def explain_nonfinite(loss: torch.Tensor, model: Any, batch: Sequence[Any], where: str) -> str:
    """Why the loss stopped being finite, as far as the data and the parameters tell.

    >>> from torch import nn
    >>> batch = [torch.tensor([[1.0, float("nan")]]), torch.tensor([0.0])]
    >>> "inputs" in explain_nonfinite(torch.tensor(float("nan")), nn.Linear(2, 1), batch,
    ...                               "epoch 1, batch 1")
    True
    """
    value = float(loss.detach())
    for i, part in enumerate(batch):
        if isinstance(part, torch.Tensor) and part.is_floating_point() \
                and not bool(torch.isfinite(part).all()):
            name = "inputs" if i < len(batch) - 1 else "targets"
            return (f"The training loss became {value} in {where}: the batch's {name} contain "
                    "nan or inf values. Clean the data (e.g. drop or fill the missing values) "
                    "before training.")
    bad = [n for n, p in model.named_parameters() if not bool(torch.isfinite(p).all())]
    lr = getattr(model, "lr", None)
    if isinstance(lr, (int, float)) and math.isfinite(lr) and lr > 0:
        hint = f"lr={lr} is probably too large: try lr={lr / 10:g}"
    else:
        hint = "the learning rate is probably too large: lower it"
    if bad:
        hint = f"the parameters {', '.join(bad)} already hold nan or inf; {hint}"
    return (f"The training loss became {value} in {where}; {hint}. The parameters were not "
            "updated with it. To train on anyway, use Trainer(..., stop_on_nonfinite=False).")
