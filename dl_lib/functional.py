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
    return -torch.log(y_hat[torch.arange(len(y_hat)), y]).mean()


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
