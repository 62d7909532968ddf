"""Activation functions and losses written out by hand (sections 4.4 and 5.1)."""

from __future__ import annotations

import torch


def softmax(X: torch.Tensor) -> torch.Tensor:
    """Row-wise softmax of a matrix, stable for large inputs (the row maximum is subtracted).

    >>> softmax(torch.tensor([[1000.0, 1000.0], [0.0, 0.0]]))  # exp(1000) alone is inf
    tensor([[0.5000, 0.5000],
            [0.5000, 0.5000]])
    """
    X_exp = torch.exp(X - X.max(dim=-1, keepdim=True).values)
    return X_exp / X_exp.sum(dim=-1, keepdim=True)


def cross_entropy(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of predicted probabilities ``y_hat`` for the true classes ``y``.

    >>> y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    >>> cross_entropy(y_hat, torch.tensor([0, 2]))
    tensor(1.4979)
    """
    y = check_class_labels(y_hat, y)
    return -torch.log(y_hat[torch.arange(len(y_hat)), y]).mean()


def check_class_labels(y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """``y`` if it holds one class number per row of ``y_hat``, each a valid column; else an
    error that says what is wrong and how to fix it.

    >>> check_class_labels(torch.zeros(2, 3), torch.tensor([[0], [2]]))
    Traceback (most recent call last):
    ...
    ValueError: the labels have shape (2, 1), but they must be one class number per example, shape (2,): flatten them with y.reshape(-1).
    """
    if y_hat.dim() != 2:
        raise ValueError(f"the predictions have shape {tuple(y_hat.shape)}, but they must be "
                         "[examples, classes]: reshape them with y_hat.reshape(-1, num_classes).")
    if y.dtype == torch.bool or y.is_floating_point() or y.is_complex():
        raise TypeError(f"the labels are {y.dtype}, but they must be integer class numbers "
                        "(int64): convert them with y.long() (a bool tensor is a mask).")
    if y.dtype == torch.uint8:
        y = y.long()
    if tuple(y.shape) != (len(y_hat),):
        raise ValueError(f"the labels have shape {tuple(y.shape)}, but they must be one class "
                         f"number per example, shape ({len(y_hat)},): flatten them with "
                         "y.reshape(-1).")
    low, high = (int(v) for v in torch.aminmax(y)) if len(y) else (0, 0)  # one pass
    if low < 0 or high >= y_hat.shape[1]:
        bad = low if low < 0 else high
        raise ValueError(f"label {bad} is not a class number: with {y_hat.shape[1]} classes "
                         f"they go from 0 to {y_hat.shape[1] - 1}.")
    return y


def relu(X: torch.Tensor) -> torch.Tensor:
    """``max(X, 0)`` elementwise; like ``torch.relu``, its gradient at 0 is 0 and nan stays nan.

    >>> X = torch.tensor([-2.0, 0.0, 3.0], requires_grad=True)
    >>> relu(X).sum().backward(); relu(X).detach(), X.grad
    (tensor([0., 0., 3.]), tensor([0., 0., 1.]))
    """
    return torch.where(X <= 0, torch.zeros_like(X), X)


def prelu(X: torch.Tensor, alpha: float = 0.25) -> torch.Tensor:
    """Parametrised ReLU, ``max(0, x) + alpha * min(0, x)``; like ``F.prelu``, slope ``alpha`` at 0.

    >>> prelu(torch.tensor([-2.0, 3.0]), alpha=0.1)
    tensor([-0.2000,  3.0000])
    """
    return torch.where(X > 0, X, alpha * X)


def swish(X: torch.Tensor, beta: float = 1.0) -> torch.Tensor:
    """Swish, ``x * sigmoid(beta * x)``.

    >>> swish(torch.tensor([0.0, 2.0]), beta=1.0)
    tensor([0.0000, 1.7616])
    """
    return X * torch.sigmoid(beta * X)
