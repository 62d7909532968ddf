"""Framework-neutral names that d2l's published PyTorch code calls, each a thin torch alias.

They exist so that d2l notebooks port by changing their import line; the book's chapters use
plain torch instead.

>>> X = tensor([[1.0, 2.0], [3.0, 4.0]])
>>> reduce_sum(X), reduce_mean(X), argmax(X, axis=1), reshape(X, (4,)).shape
(tensor(10.), tensor(2.5000), tensor([1, 1]), torch.Size([4]))
>>> astype(X, int32).dtype, numpy(X).dtype, to(X, cpu()).device.type
(torch.int32, dtype('float32'), 'cpu')
>>> size(X), transpose(X).tolist(), expand_dims(X, 0).shape, swapaxes(X, 0, 1)[0].tolist()
(4, [[1.0, 3.0], [2.0, 4.0]], torch.Size([1, 2, 2]), [1.0, 3.0])

The modules that d2l's ``torch.py`` imports are reachable the same way (``d2l.plt``,
``d2l.data``, ``d2l.np``, ...), each imported only when first used: see ``module_alias``.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

import torch
from torch import nn

from .device import cpu

nn_Module = nn.Module
ones, zeros, tensor, arange = torch.ones, torch.zeros, torch.tensor, torch.arange
ones_like, zeros_like, eye, linspace = torch.ones_like, torch.zeros_like, torch.eye, torch.linspace
meshgrid = torch.meshgrid
exp, log, matmul, batch_matmul = torch.exp, torch.log, torch.matmul, torch.bmm
sin, sinh, cos, cosh = torch.sin, torch.sinh, torch.cos, torch.cosh
tanh, sigmoid, abs = torch.tanh, torch.sigmoid, torch.abs  # noqa: A001 (d2l's name)
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


def size(x: torch.Tensor, *args: Any, **kwargs: Any) -> int:
    """The number of elements of ``x``, ``x.numel()``.

    >>> size(zeros(2, 3))
    6
    """
    return x.numel(*args, **kwargs)


def transpose(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.t()``: a matrix with rows and columns swapped (a vector stays as it is).

    >>> transpose(tensor([[1, 2, 3]])).shape
    torch.Size([3, 1])
    """
    return x.t(*args, **kwargs)


def expand_dims(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.unsqueeze(dim)``: a new axis of length 1 at ``dim``.

    >>> expand_dims(tensor([1, 2]), 1).shape
    torch.Size([2, 1])
    """
    return x.unsqueeze(*args, **kwargs)


def swapaxes(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.swapaxes(axis0, axis1)``.

    >>> swapaxes(zeros(2, 3, 4), 0, 2).shape
    torch.Size([4, 3, 2])
    """
    return x.swapaxes(*args, **kwargs)


def repeat(x: torch.Tensor, *args: Any, **kwargs: Any) -> torch.Tensor:
    """``x.repeat(...)``: ``x`` tiled the given number of times along each axis.

    >>> repeat(tensor([1, 2]), 2)
    tensor([1, 2, 1, 2])
    """
    return x.repeat(*args, **kwargs)


MODULE_ALIASES: dict[str, str] = {
    "plt": "matplotlib.pyplot", "data": "torch.utils.data", "display": "IPython.display",
    "torch": "torch", "nn": "torch.nn", "F": "torch.nn.functional", "np": "numpy",
    "math": "math", "time": "time", "os": "os", "random": "random", "collections": "collections",
    "inspect": "inspect", "hashlib": "hashlib", "re": "re", "shutil": "shutil", "sys": "sys",
    "tarfile": "tarfile", "zipfile": "zipfile", "pd": "pandas", "requests": "requests",
    "torchvision": "torchvision", "transforms": "torchvision.transforms", "Image": "PIL.Image",
    "backend_inline": "matplotlib_inline.backend_inline",
}
"""The modules d2l 1.0.3's ``torch.py`` binds at its top level, by the name it binds them to."""


def module_alias(name: str) -> ModuleType:
    """The module that ``d2l.<name>`` is in d2l (``plt`` is ``matplotlib.pyplot``, ``data`` is
    ``torch.utils.data``, ...), imported now; ``AttributeError`` for any other name.

    dl_lib's ``__getattr__`` calls it, so that ``import dl_lib`` stays quick.

    >>> module_alias("data") is torch.utils.data, module_alias("F") is torch.nn.functional
    (True, True)
    """
    if name not in MODULE_ALIASES:
        raise AttributeError(f"module 'dl_lib' has no attribute {name!r}")
    target = MODULE_ALIASES[name]
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError as error:
        package = {"pd": "pandas", "Image": "pillow", "plt": "matplotlib",
                   "display": "ipython"}.get(name, target.split(".")[0])
        raise ModuleNotFoundError(
            f"d2l.{name} is the module {target}, which needs the package {package}: install "
            f"it with  pip install {package}") from error


__all__ = ["nn_Module", "ones", "zeros", "tensor", "arange", "ones_like", "zeros_like", "eye",
           "linspace", "meshgrid", "exp", "log", "matmul", "batch_matmul", "sin", "sinh", "cos",
           "cosh", "tanh", "sigmoid", "abs", "normal", "rand", "randn", "float32", "int32",
           "int64", "concat", "stack", "numpy", "reshape", "to", "reduce_sum", "reduce_mean",
           "argmax", "astype", "size", "transpose", "expand_dims", "swapaxes", "repeat"]
