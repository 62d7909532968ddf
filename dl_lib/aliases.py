"""Framework-neutral names that d2l's published PyTorch code calls, each a thin torch alias.

They exist so that d2l notebooks port by changing their import line; the book's chapters use
plain torch instead.

>>> X = tensor([[1.0, 2.0], [3.0, 4.0]])
>>> reduce_sum(X), reduce_mean(X), argmax(X, axis=1), reshape(X, (4,)).shape
(tensor(10.), tensor(2.5000), tensor([1, 1]), torch.Size([4]))
>>> astype(X, int32).dtype, numpy(X).dtype, to(X, cpu()).device.type
(torch.int32, dtype('float32'), 'cpu')
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn

from .device import cpu

nn_Module = nn.Module
ones, zeros, tensor, arange = torch.ones, torch.zeros, torch.tensor, torch.arange
exp, log, matmul = torch.exp, torch.log, torch.matmul
normal, rand, randn = torch.normal, torch.rand, torch.randn
float32, int32, int64 = torch.float32, torch.int32, torch.int64
concat, stack = torch.cat, torch.stack


def numpy(x: torch.Tensor, *args: Any, **kwargs: Any) -> Any:
    """``x`` as a NumPy array (detached from autograd).

    >>> numpy(tensor([1.0, 2.0], requires_grad=True))
    array([1., 2.], dtype=float32)
    """
    return x.detach().numpy(*args, **kwargs)


def reshape(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.reshape(...)``.

    >>> reshape(arange(6), (2, 3)).shape
    torch.Size([2, 3])
    """
    return x.reshape(*args, **kwargs)


def to(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.to(...)``.

    >>> to(tensor([1, 2]), float32)
    tensor([1., 2.])
    """
    return x.to(*args, **kwargs)


def reduce_sum(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.sum(...)``.

    >>> reduce_sum(tensor([[1, 2], [3, 4]]), axis=0)
    tensor([4, 6])
    """
    return x.sum(*args, **kwargs)


def reduce_mean(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.mean(...)``.

    >>> reduce_mean(tensor([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    tensor([1.5000, 3.5000])
    """
    return x.mean(*args, **kwargs)


def argmax(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.argmax(...)``.

    >>> argmax(tensor([[1, 5], [7, 2]]), axis=1)
    tensor([1, 0])
    """
    return x.argmax(*args, **kwargs)


def astype(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.type(...)``.

    >>> astype(tensor([1.7, -1.7]), int32)
    tensor([ 1, -1], dtype=torch.int32)
    """
    return x.type(*args, **kwargs)


__all__ = ["nn_Module", "ones", "zeros", "tensor", "arange", "exp", "log", "matmul", "normal",
           "rand", "randn", "float32", "int32", "int64", "concat", "stack", "numpy", "reshape",
           "to", "reduce_sum", "reduce_mean", "argmax", "astype"]
