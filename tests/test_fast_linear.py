"""oneDNN's linear kernel gives torch's results (within float rounding), values and gradients."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from dl_lib import fast_linear, kernel_choice


@pytest.fixture
def onednn_on(monkeypatch):
    """oneDNN's kernel in use wherever it works, whatever this machine's measurement chose."""
    monkeypatch.setenv("DL_LIB_ONEDNN", "1")
    monkeypatch.setattr(fast_linear, "_state", {})
    if not fast_linear.onednn_available():
        pytest.skip("oneDNN's linear kernel is not in this torch build")


def grads(fn, *tensors):
    tensors = [t.detach().clone().requires_grad_(True) for t in tensors]
    out = fn(*tensors)
    (out * torch.linspace(-1, 1, out.numel()).reshape(out.shape)).sum().backward()
    return out.detach(), [t.grad for t in tensors]


@pytest.mark.parametrize("shape", [(256, 784, 256), (7, 3, 5), (1, 10, 1)])
def test_linear_matches_torch(shape, onednn_on) -> None:
    n, k, m = shape
    torch.manual_seed(0)
    X, W, b = torch.randn(n, k), torch.randn(m, k), torch.randn(m)
    ours, our_grads = grads(fast_linear.linear, X, W, b)
    ref, ref_grads = grads(F.linear, X, W, b)
    assert torch.allclose(ours, ref, rtol=1e-4, atol=1e-4)
    for a, r in zip(our_grads, ref_grads):
        assert torch.allclose(a, r, rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("shape", [(256, 784, 256), (5, 2, 3)])
def test_matmul_matches_torch(shape, onednn_on) -> None:
    n, k, m = shape
    torch.manual_seed(1)
    A, B = torch.randn(n, k), torch.randn(k, m)
    ours, our_grads = grads(fast_linear.matmul, A, B)
    ref, ref_grads = grads(torch.matmul, A, B)
    assert torch.allclose(ours, ref, rtol=1e-4, atol=1e-4)
    for a, r in zip(our_grads, ref_grads):
        assert torch.allclose(a, r, rtol=1e-4, atol=1e-4)


def test_the_fast_kernel_is_used_for_fp32_on_the_cpu(monkeypatch, onednn_on) -> None:
    calls = []
    real = fast_linear._kernel
    monkeypatch.setattr(fast_linear, "_kernel", lambda *a: calls.append(1) or real(*a))
    fast_linear.matmul(torch.randn(3, 4, requires_grad=True), torch.randn(4, 2)).sum().backward()
    assert len(calls) == 2  # forward, and the gradient of the input that needs one


def test_other_dtypes_and_the_switch_fall_back_to_torch(monkeypatch) -> None:
    monkeypatch.setattr(fast_linear, "_state", {"ok": True})  # as if oneDNN were chosen
    calls = []
    monkeypatch.setattr(fast_linear, "_kernel", lambda *a: calls.append(1))
    A, B = torch.randn(3, 4, dtype=torch.float64), torch.randn(4, 2, dtype=torch.float64)
    assert torch.equal(fast_linear.matmul(A, B), A @ B)
    monkeypatch.setitem(fast_linear._state, "ok", False)  # as with DL_LIB_ONEDNN=0
    X, W = torch.randn(3, 4), torch.randn(2, 4)
    assert torch.equal(fast_linear.linear(X, W), F.linear(X, W))
    assert calls == []


def test_lazy_linear_becomes_the_fast_layer() -> None:
    layer = fast_linear.LazyLinear(3)
    X = torch.randn(4, 5)
    out = layer(X)
    assert type(layer) is fast_linear.Linear
    assert torch.allclose(out, F.linear(X, layer.weight, layer.bias), atol=1e-5)


@pytest.mark.parametrize("faster", [True, False])
def test_unset_the_measurement_chooses_the_kernel(monkeypatch, faster) -> None:
    monkeypatch.delenv("DL_LIB_ONEDNN", raising=False)
    monkeypatch.setattr(fast_linear, "_state", {})
    monkeypatch.setattr(kernel_choice, "onednn_is_faster", lambda kernel: faster)
    works = torch.backends.mkldnn.is_available()
    assert fast_linear.onednn_available() is (faster and works)
    assert fast_linear.chosen_kernel() == ("oneDNN" if faster and works else "torch's default")


@pytest.mark.parametrize("word, expected", [("1", True), ("off", False)])
def test_the_switch_overrides_the_measurement(monkeypatch, word, expected) -> None:
    monkeypatch.setenv("DL_LIB_ONEDNN", word)
    monkeypatch.setattr(fast_linear, "_state", {})
    monkeypatch.setattr(kernel_choice, "onednn_is_faster", lambda kernel: 1 / 0)
    assert fast_linear.onednn_available() is (expected and torch.backends.mkldnn.is_available())
