"""The models of chapters 3–5, from scratch and concise (sections 3.4, 4.4, 5.2).

Their matrix products run on oneDNN's fp32 kernel on the CPU (see ``fast_linear``).
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from . import checks
from .fast_linear import LazyLinear, matmul
from .functional import cross_entropy, relu, softmax
from .module import Classifier, Module
from .optimizer import SGD


def check_sizes(model: Module, lr: Any, **sizes: Any) -> None:
    """Refuse a learning rate or a layer size that cannot train, naming it and the fix.

    >>> check_sizes(None, 0.1, num_hiddens=0)
    Traceback (most recent call last):
    ...
    ValueError: NoneType got num_hiddens=0, but num_hiddens must be a whole number of at least 1 (for example num_hiddens=256).
    """
    owner = type(model).__name__
    checks.learning_rate(owner, lr)
    for name, value in sizes.items():
        checks.whole_number(owner, name, value, 1, f"{name}=256" if "hidden" in name
                            else f"{name}=10" if "output" in name else f"{name}=784")


def same_shape(y_hat: torch.Tensor, y: torch.Tensor) -> None:
    """Refuse targets whose shape differs from the predictions' (they would broadcast).

    >>> same_shape(torch.zeros(4, 1), torch.zeros(4))
    Traceback (most recent call last):
    ...
    ValueError: the predictions have shape (4, 1) but the targets (4,): the loss would compare every prediction with every target. Reshape the targets, e.g. y.reshape(-1, 1).
    """
    if y_hat.shape == y.shape:
        return
    fix = ("Reshape the targets, e.g. y.reshape(-1, 1)" if y_hat.dim() == 2 and y.dim() == 1
           else "Give them the same shape")
    raise ValueError(f"the predictions have shape {tuple(y_hat.shape)} but the targets "
                     f"{tuple(y.shape)}: the loss would compare every prediction with every "
                     f"target. {fix}.")


def flatten_inputs(model: Module, X: torch.Tensor, num_inputs: int) -> torch.Tensor:
    """``X`` as ``[batch, num_inputs]``, or a ``ValueError`` naming both shapes.

    >>> flatten_inputs(None, torch.zeros(2, 1, 2, 2), 4).shape
    torch.Size([2, 4])
    """
    name = type(model).__name__ if model is not None else "The model"
    if X.dtype != torch.float32:
        fix = ("X.float() / 255 (images of bytes 0-255 become [0, 1])" if X.dtype == torch.uint8
               else "X.float()")
        raise TypeError(f"{name} computes in float32, but the batch is {X.dtype}: convert it "
                        f"with {fix}.")
    features = X[0].numel() if X.dim() > 1 else X.numel()
    if features != num_inputs:
        raise ValueError(
            f"{name} was built with num_inputs={num_inputs}, but the batch has shape "
            f"{tuple(X.shape)}, i.e. {features} features per example. Build the model with "
            f"num_inputs={features}, or give the data the size the model expects "
            "(for Fashion-MNIST: resize=(28, 28) gives 784)."
        )
    return X.reshape((-1, num_inputs))


class LinearRegressionScratch(Module):
    """Linear regression with its weights, loss and SGD written out (section 3.4).

    >>> model = LinearRegressionScratch(num_inputs=2, lr=0.03)
    >>> model(torch.ones(5, 2)).shape
    torch.Size([5, 1])
    """

    def __init__(self, num_inputs: int, lr: float, sigma: float = 0.01) -> None:
        super().__init__()
        check_sizes(self, lr, num_inputs=num_inputs)
        self.save_hyperparameters()
        self.w = nn.Parameter(torch.normal(0, sigma, (num_inputs, 1)))
        self.b = nn.Parameter(torch.zeros(1))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """``Xw + b``."""
        return torch.matmul(X, self.w) + self.b

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Half the mean squared error."""
        same_shape(y_hat, y)
        return ((y_hat - y) ** 2 / 2).mean()

    def configure_optimizers(self) -> SGD:
        """The hand-written ``SGD`` over ``w`` and ``b``."""
        return SGD([self.w, self.b], self.lr)


class LinearRegression(Module):
    """Linear regression with ``nn.LazyLinear`` and ``torch.optim.SGD`` (section 3.5).

    >>> LinearRegression(lr=0.03)(torch.ones(4, 3)).shape
    torch.Size([4, 1])
    """

    def __init__(self, lr: float) -> None:
        super().__init__()
        check_sizes(self, lr)
        self.save_hyperparameters()
        self.net = nn.LazyLinear(1)

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Mean squared error."""
        same_shape(y_hat, y)
        return F.mse_loss(y_hat, y)

    def get_w_b(self) -> tuple[torch.Tensor, torch.Tensor]:
        """The learned weight and bias."""
        return self.net.weight.data, self.net.bias.data


class SoftmaxRegressionScratch(Classifier):
    """Softmax regression with its weights, softmax and cross-entropy written out (section 4.4).

    >>> model = SoftmaxRegressionScratch(num_inputs=784, num_outputs=10, lr=0.1)
    >>> P = model(torch.zeros(2, 1, 28, 28))
    >>> P.shape, bool(torch.allclose(P.sum(1), torch.ones(2)))
    (torch.Size([2, 10]), True)
    """

    def __init__(self, num_inputs: int, num_outputs: int, lr: float, sigma: float = 0.01) -> None:
        super().__init__()
        check_sizes(self, lr, num_inputs=num_inputs, num_outputs=num_outputs)
        self.save_hyperparameters()
        self.W = nn.Parameter(torch.normal(0, sigma, size=(num_inputs, num_outputs)))
        self.b = nn.Parameter(torch.zeros(num_outputs))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Class probabilities ``softmax(XW + b)``."""
        X = flatten_inputs(self, X, self.num_inputs)
        return softmax(matmul(X, self.W) + self.b)

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """Cross-entropy of the predicted probabilities."""
        return cross_entropy(y_hat, y)


class SoftmaxRegression(Classifier):
    """Softmax regression with ``nn.Flatten`` and ``nn.LazyLinear`` (section 4.5).

    >>> SoftmaxRegression(num_outputs=10, lr=0.1)(torch.zeros(2, 1, 28, 28)).shape
    torch.Size([2, 10])
    """

    def __init__(self, num_outputs: int, lr: float) -> None:
        super().__init__()
        check_sizes(self, lr, num_outputs=num_outputs)
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Flatten(), LazyLinear(num_outputs))


class MLPScratch(Classifier):
    """A one-hidden-layer perceptron with its parameters and ReLU written out (section 5.2).

    >>> MLPScratch(num_inputs=784, num_outputs=10, num_hiddens=256, lr=0.1)(
    ...     torch.zeros(3, 1, 28, 28)).shape
    torch.Size([3, 10])
    """

    def __init__(self, num_inputs: int, num_outputs: int, num_hiddens: int, lr: float,
                 sigma: float = 0.01) -> None:
        super().__init__()
        check_sizes(self, lr, num_inputs=num_inputs, num_outputs=num_outputs,
                    num_hiddens=num_hiddens)
        self.save_hyperparameters()
        self.W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens) * sigma)
        self.b1 = nn.Parameter(torch.zeros(num_hiddens))
        self.W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs) * sigma)
        self.b2 = nn.Parameter(torch.zeros(num_outputs))

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Logits ``relu(X W1 + b1) W2 + b2``."""
        X = flatten_inputs(self, X, self.num_inputs)
        H = relu(matmul(X, self.W1) + self.b1)
        return matmul(H, self.W2) + self.b2


class MLP(Classifier):
    """The same perceptron from ``nn.Sequential`` layers (section 5.2).

    >>> MLP(num_outputs=10, num_hiddens=256, lr=0.1)(torch.zeros(3, 1, 28, 28)).shape
    torch.Size([3, 10])
    """

    def __init__(self, num_outputs: int, num_hiddens: int, lr: float) -> None:
        super().__init__()
        check_sizes(self, lr, num_outputs=num_outputs, num_hiddens=num_hiddens)
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Flatten(), LazyLinear(num_hiddens), nn.ReLU(),
                                 LazyLinear(num_outputs))


