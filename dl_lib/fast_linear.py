"""Dense layers on oneDNN's fp32 kernel where it beats torch's default CPU matmul (section 5.2).

On one 2-core AMD Zen 5 machine torch's default fp32 matmul (MKL) reaches about 210 GFLOP/s
at the MLP's shapes and oneDNN's linear kernel about 420, with results equal within float
rounding; on other CPUs oneDNN is the slower one. So the kernel is chosen by measuring both
on this machine (``kernel_choice``), unless ``DL_LIB_ONEDNN`` decides. torch exposes oneDNN's
kernel without autograd, so ``LinearFunction`` supplies the backward pass from the same
kernel. Used for fp32 tensors on the CPU when chosen; everything else takes ``F.linear``.
"""

from __future__ import annotations

import warnings
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from . import kernel_choice, settings

_state: dict[str, bool] = {}


def onednn_available() -> bool:
    """Whether oneDNN's fp32 linear kernel works here and is chosen (decided once).

    >>> isinstance(onednn_available(), bool)
    True
    """
    if "ok" not in _state:
        ok = (settings.onednn_requested()
              and torch.backends.mkldnn.is_available()
              and hasattr(torch.ops.mkldnn, "_linear_pointwise"))
        if ok:
            try:  # contiguous and transposed operands, as forward and backward pass them
                x, w, u = (torch.arange(float(r * c)).reshape(r, c)
                           for r, c in ((2, 3), (4, 3), (2, 4)))
                ok = (torch.equal(_kernel(x, w, None), x @ w.t())
                      and torch.equal(_kernel(x.t(), u.t(), None), x.t() @ u))
            except RuntimeError:
                ok = False
        if ok and not settings.onednn_forced():
            ok = kernel_choice.onednn_is_faster(lambda A, B: _kernel(A, B, None))
        _state["ok"] = ok
    return _state["ok"]


def chosen_kernel() -> str:
    """The kernel the models' fp32 CPU matrix products use here, for reports.

    >>> chosen_kernel() in ("oneDNN", "torch's default")
    True
    """
    return "oneDNN" if onednn_available() else "torch's default"


def _kernel(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor | None) -> torch.Tensor:
    """``X @ W.T + b`` by oneDNN, for 2-D fp32 CPU tensors."""
    return torch.ops.mkldnn._linear_pointwise(X, W, b, "none", [], "")


class LinearFunction(torch.autograd.Function):
    """``X @ W.T + b`` with forward and backward passes on oneDNN's kernel.

    >>> X, W = torch.randn(4, 3), torch.randn(2, 3)
    >>> out = LinearFunction.apply(X, W, None) if onednn_available() else X @ W.T
    >>> torch.allclose(out, X @ W.T, atol=1e-5)
    True
    """

    @staticmethod
    def forward(ctx: Any, X: torch.Tensor, W: torch.Tensor, b: torch.Tensor | None) -> torch.Tensor:
        X, W = X.contiguous(), W.contiguous()
        ctx.save_for_backward(X, W)
        ctx.has_bias = b is not None
        return _kernel(X, W, b)

    @staticmethod
    def backward(ctx: Any, G: torch.Tensor) -> tuple[Any, ...]:
        X, W = ctx.saved_tensors
        G = G.contiguous()  # a no-op but for unusual gradients (a broadcast one has stride 0)
        # Transposed views, not copies: oneDNN reads them (checked at start-up).
        grad_X = _kernel(G, W.t(), None) if ctx.needs_input_grad[0] else None
        grad_W = _kernel(G.t(), X.t(), None) if ctx.needs_input_grad[1] else None
        grad_b = G.sum(0) if ctx.has_bias and ctx.needs_input_grad[2] else None
        return grad_X, grad_W, grad_b


class MatmulFunction(torch.autograd.Function):
    """``A @ B`` for matrices, with forward and backward passes on oneDNN's kernel.

    >>> A, B = torch.randn(4, 3), torch.randn(3, 2)
    >>> out = MatmulFunction.apply(A, B) if onednn_available() else A @ B
    >>> torch.allclose(out, A @ B, atol=1e-5)
    True
    """

    @staticmethod
    def forward(ctx: Any, A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
        A = A.contiguous()
        B = B.contiguous()
        ctx.save_for_backward(A, B)
        return _kernel(A, B.t(), None)

    @staticmethod
    def backward(ctx: Any, G: torch.Tensor) -> tuple[Any, ...]:
        A, B = ctx.saved_tensors
        G = G.contiguous()
        grad_A = _kernel(G, B, None) if ctx.needs_input_grad[0] else None  # G @ B.T
        grad_B = _kernel(A.t(), G.t(), None) if ctx.needs_input_grad[1] else None  # A.T @ G
        return grad_A, grad_B


def _fast_path(*tensors: torch.Tensor | None) -> bool:
    return onednn_available() and all(
        t is None or (t.device.type == "cpu" and t.dtype == torch.float32) for t in tensors)


def _guarded(fast: Any, fallback: Any, *args: Any) -> torch.Tensor:
    """``fast(*args)``; if the kernel fails, switch it off for good (saying so) and use torch.

    This is the one place where the oneDNN path is chosen at run time: a kernel that fails on
    some machine or shape costs one warning, never a wrong or failed training step.
    """
    try:
        return fast(*args)
    except RuntimeError as error:
        _state["ok"] = False
        warnings.warn(f"oneDNN's linear kernel failed ({error}); dl_lib uses torch's own "
                      "matrix product from now on.", RuntimeWarning, stacklevel=3)
        return fallback(*args)


def linear(X: torch.Tensor, W: torch.Tensor, b: torch.Tensor | None = None) -> torch.Tensor:
    """``F.linear(X, W, b)``, on oneDNN for fp32 on the CPU.

    >>> X, W, b = torch.randn(5, 3), torch.randn(4, 3), torch.randn(4)
    >>> torch.allclose(linear(X, W, b), X @ W.T + b, atol=1e-6)
    True
    """
    if X.dim() != 2 or not _fast_path(X, W, b):
        return F.linear(X, W, b)
    return _guarded(LinearFunction.apply, F.linear, X, W, b)


def matmul(A: torch.Tensor, B: torch.Tensor) -> torch.Tensor:
    """``A @ B`` for matrices, on oneDNN for fp32 on the CPU.

    >>> A, B = torch.randn(5, 3), torch.randn(3, 2)
    >>> torch.allclose(matmul(A, B), A @ B, atol=1e-6)
    True
    """
    if A.dim() != 2 or B.dim() != 2 or not _fast_path(A, B):
        return torch.matmul(A, B)
    return _guarded(MatmulFunction.apply, torch.matmul, A, B)


class Linear(nn.Linear):
    """``nn.Linear`` whose forward and backward run on oneDNN for fp32 on the CPU.

    >>> layer = Linear(3, 2); X = torch.randn(4, 3)
    >>> torch.allclose(layer(X), F.linear(X, layer.weight, layer.bias), atol=1e-6)
    True
    """

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        return linear(X, self.weight, self.bias)


class LazyLinear(nn.LazyLinear):
    """``nn.LazyLinear`` that becomes a oneDNN ``Linear`` once it has seen its input.

    >>> layer = LazyLinear(2); layer(torch.ones(1, 3)).shape, type(layer).__name__
    (torch.Size([1, 2]), 'Linear')
    """

    cls_to_become = Linear  # type: ignore[assignment]
