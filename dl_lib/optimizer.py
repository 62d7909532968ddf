"""``SGD``: minibatch stochastic gradient descent written out (section 3.4)."""

from __future__ import annotations

from typing import Any, Iterable

import torch

from . import checks
from .hyperparams import HyperParameters


class SGD(HyperParameters):
    """Update each parameter by ``-lr * grad`` (no momentum, no weight decay).

    >>> w = torch.tensor([1.0], requires_grad=True)
    >>> (2 * w).sum().backward()
    >>> opt = SGD([w], lr=0.1); opt.step(); w
    tensor([0.8000], requires_grad=True)
    """

    def __init__(self, params: Iterable[torch.Tensor], lr: float) -> None:
        params = list(params)
        lr = checks.learning_rate("SGD", lr)
        self.save_hyperparameters()
        if not params:
            raise ValueError("SGD got an empty list of parameters, so it would train nothing: "
                             "pass the tensors to train, e.g. SGD([self.w, self.b], lr) or "
                             "SGD(model.parameters(), lr).")
        for i, param in enumerate(params):
            if not isinstance(param, torch.Tensor):
                raise TypeError(f"SGD's parameter {i} is a {type(param).__name__}, not a tensor: "
                                "pass the model's tensors, e.g. SGD([self.w, self.b], lr).")
            if not param.requires_grad:
                raise ValueError(
                    f"SGD's parameter {i} (shape {tuple(param.shape)}) does not require a "
                    "gradient, so it would never change: create it with requires_grad=True "
                    "(or as nn.Parameter), or leave it out of the list.")

    def step(self) -> None:
        """Take one step against the current gradients."""
        with torch.no_grad():
            for param in self.params:
                if param.grad is not None:
                    param -= self.lr * param.grad

    def zero_grad(self) -> None:
        """Reset the gradients to zero."""
        for param in self.params:
            if param.grad is not None:
                param.grad.zero_()

    def state_dict(self) -> dict[str, Any]:
        """What a checkpoint keeps of the optimizer: its learning rate."""
        return {"lr": self.lr}

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore what ``state_dict`` returned."""
        self.lr = state["lr"]
