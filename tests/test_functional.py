"""softmax, cross_entropy, relu, prelu and swish against torch's own (section 4.4, 5.1)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import dl_lib as d2l

SETTINGS = settings(max_examples=50, deadline=None)


def matrices(bound: float, max_rows: int = 6, max_cols: int = 10) -> st.SearchStrategy:
    """float32 matrices with entries in [-bound, bound]."""
    shape = st.tuples(st.integers(1, max_rows), st.integers(1, max_cols))
    return arrays(np.float32, shape, elements=st.floats(-bound, bound, width=32))


def vectors(bound: float = 50.0) -> st.SearchStrategy:
    return arrays(np.float32, st.integers(1, 20), elements=st.floats(-bound, bound, width=32))


def value_and_grad(fn, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """``fn(x)`` and the gradient of its sum with respect to ``x``, by autograd."""
    x = x.clone().requires_grad_(True)
    y = fn(x)
    (grad,) = torch.autograd.grad(y.sum(), x)
    return y.detach(), grad


def test_softmax_equals_torch_softmax() -> None:
    torch.manual_seed(0)
    X = torch.randn(5, 7) * 10
    torch.testing.assert_close(d2l.softmax(X), torch.softmax(X, dim=1))


def test_softmax_is_stable_for_huge_inputs() -> None:
    X = torch.tensor([[1000.0, 0.0], [-1000.0, -1000.0]])
    torch.testing.assert_close(d2l.softmax(X), torch.tensor([[1.0, 0.0], [0.5, 0.5]]))


def test_cross_entropy_of_softmax_equals_torch_cross_entropy_on_logits() -> None:
    torch.manual_seed(0)
    O, y = torch.randn(8, 10) * 3, torch.randint(0, 10, (8,))
    torch.testing.assert_close(d2l.cross_entropy(d2l.softmax(O), y), F.cross_entropy(O, y))


def test_cross_entropy_picks_the_true_class_probability() -> None:
    y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    expected = -(torch.log(torch.tensor(0.1)) + torch.log(torch.tensor(0.5))) / 2
    torch.testing.assert_close(d2l.cross_entropy(y_hat, torch.tensor([0, 2])), expected)


def test_relu_value_and_gradient_equal_torch_relu() -> None:
    x = torch.tensor([-3.0, -0.5, 0.0, 0.5, 3.0])
    y, g = value_and_grad(d2l.relu, x)
    y_ref, g_ref = value_and_grad(torch.relu, x)
    assert torch.equal(y, y_ref) and torch.equal(g, g_ref)
    assert g.tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]


def test_relu_keeps_nan_and_infinities_like_torch() -> None:
    x = torch.tensor([float("nan"), float("inf"), -float("inf")])
    torch.testing.assert_close(d2l.relu(x), torch.relu(x), equal_nan=True)


@pytest.mark.parametrize("alpha", [0.0, 0.1, 0.25, 2.0])
def test_prelu_value_and_gradient_equal_torch_prelu(alpha: float) -> None:
    x = torch.tensor([-3.0, -0.5, 0.0, 0.5, 3.0])
    weight = torch.tensor([alpha])
    y, g = value_and_grad(lambda t: d2l.prelu(t, alpha=alpha), x)
    y_ref, g_ref = value_and_grad(lambda t: F.prelu(t, weight), x)
    torch.testing.assert_close(y, y_ref)
    torch.testing.assert_close(g, g_ref)


def test_prelu_default_alpha_is_a_quarter() -> None:
    torch.testing.assert_close(d2l.prelu(torch.tensor([-4.0, 4.0])), torch.tensor([-1.0, 4.0]))


@pytest.mark.parametrize("beta", [0.5, 1.0, 3.0])
def test_swish_value_and_gradient_equal_x_sigmoid_beta_x(beta: float) -> None:
    x = torch.linspace(-6, 6, 25)
    y, g = value_and_grad(lambda t: d2l.swish(t, beta=beta), x)
    y_ref, g_ref = value_and_grad(lambda t: t * torch.sigmoid(beta * t), x)
    torch.testing.assert_close(y, y_ref)
    torch.testing.assert_close(g, g_ref)
    torch.testing.assert_close(d2l.swish(x), F.silu(x))  # beta=1 is SiLU


@SETTINGS
@given(matrices(1e4))
def test_softmax_property_rows_sum_to_one_and_match_torch(X: np.ndarray) -> None:
    X = torch.from_numpy(X)
    P = d2l.softmax(X)
    assert torch.isfinite(P).all()
    assert ((P >= 0) & (P <= 1)).all()
    torch.testing.assert_close(P.sum(dim=1), torch.ones(len(X)), atol=1e-5, rtol=0)
    torch.testing.assert_close(P, torch.softmax(X, dim=1), atol=1e-6, rtol=1e-5)


@SETTINGS
@given(matrices(20.0), st.data())
def test_cross_entropy_property_matches_torch_on_logits(O: np.ndarray, data: st.DataObject) -> None:
    O = torch.from_numpy(O)
    y = torch.tensor(data.draw(st.lists(st.integers(0, O.shape[1] - 1),
                                        min_size=len(O), max_size=len(O))))
    torch.testing.assert_close(d2l.cross_entropy(d2l.softmax(O), y), F.cross_entropy(O, y),
                               atol=1e-4, rtol=1e-4)


@SETTINGS
@given(vectors())
def test_relu_property_value_and_gradient(x: np.ndarray) -> None:
    x = torch.from_numpy(x)
    y, g = value_and_grad(d2l.relu, x)
    y_ref, g_ref = value_and_grad(torch.relu, x)
    assert torch.equal(y, y_ref) and torch.equal(g, g_ref)


@SETTINGS
@given(vectors(), st.floats(0.0, 3.0, width=32))
def test_prelu_property_value_and_gradient(x: np.ndarray, alpha: float) -> None:
    x = torch.from_numpy(x)
    y, g = value_and_grad(lambda t: d2l.prelu(t, alpha=alpha), x)
    y_ref, g_ref = value_and_grad(
        lambda t: torch.where(t > 0, t, alpha * t), x)  # F.prelu's definition
    torch.testing.assert_close(y, y_ref)
    torch.testing.assert_close(g, g_ref)


@SETTINGS
@given(vectors(), st.floats(0.125, 5.0, width=32))
def test_swish_property_value_and_gradient(x: np.ndarray, beta: float) -> None:
    x = torch.from_numpy(x)
    y, g = value_and_grad(lambda t: d2l.swish(t, beta=beta), x)
    y_ref, g_ref = value_and_grad(lambda t: t * torch.sigmoid(beta * t), x)
    torch.testing.assert_close(y, y_ref)
    torch.testing.assert_close(g, g_ref)


def test_cross_entropy_refuses_labels_that_would_broadcast_or_wrap() -> None:
    y_hat = torch.softmax(torch.randn(4, 10), dim=1)
    with pytest.raises(ValueError, match=r"labels have shape \(4, 1\).*y.reshape\(-1\)"):
        d2l.cross_entropy(y_hat, torch.tensor([[1], [2], [3], [4]]))
    with pytest.raises(ValueError, match="label -1 is not a class number"):
        d2l.cross_entropy(y_hat, torch.tensor([1, 2, 3, -1]))
    with pytest.raises(TypeError, match="a bool tensor is a mask"):
        d2l.cross_entropy(y_hat, torch.tensor([True, False, True, True]))
    uint8 = d2l.cross_entropy(y_hat, torch.tensor([1, 2, 3, 4], dtype=torch.uint8))
    torch.testing.assert_close(uint8, d2l.cross_entropy(y_hat, torch.tensor([1, 2, 3, 4])))
