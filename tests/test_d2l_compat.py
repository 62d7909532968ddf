"""d2l's public names, aliases and constructor signatures, so ``import dl_lib as d2l`` ports."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import torch
from torch import nn

import dl_lib as d2l

PUBLIC = ["HyperParameters", "add_to_class", "ProgressBoard", "Module", "DataModule", "Trainer",
          "SyntheticRegressionData", "SGD", "Classifier", "FashionMNIST", "plot",
          "use_svg_display", "set_figsize", "show_images", "cpu", "gpu", "try_gpu",
          "try_all_gpus", "num_gpus", "set_seed", "MLP", "MLPScratch", "SoftmaxRegressionScratch",
          "SoftmaxRegression", "LinearRegressionScratch", "LinearRegression", "softmax",
          "cross_entropy", "relu", "prelu", "swish"]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_exists(name: str) -> None:
    assert callable(getattr(d2l, name))


def test_classes_have_d2l_bases() -> None:
    assert issubclass(d2l.Module, nn.Module) and issubclass(d2l.Module, d2l.HyperParameters)
    assert issubclass(d2l.Classifier, d2l.Module)
    assert issubclass(d2l.DataModule, d2l.HyperParameters)
    assert issubclass(d2l.Trainer, d2l.HyperParameters)
    for name in ("SyntheticRegressionData", "FashionMNIST"):
        assert issubclass(getattr(d2l, name), d2l.DataModule)
    for name in ("MLP", "MLPScratch", "SoftmaxRegression", "SoftmaxRegressionScratch"):
        assert issubclass(getattr(d2l, name), d2l.Classifier)
    for name in ("LinearRegression", "LinearRegressionScratch"):
        assert issubclass(getattr(d2l, name), d2l.Module)


def test_tensor_aliases_behave_like_torch() -> None:
    X = d2l.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert isinstance(X, torch.Tensor) and X.dtype == d2l.float32 == torch.float32
    assert torch.equal(d2l.argmax(X, axis=1), torch.tensor([1, 1]))
    assert d2l.astype(X, torch.int64).dtype == torch.int64
    torch.testing.assert_close(d2l.exp(X), torch.exp(X))
    torch.testing.assert_close(d2l.log(X), torch.log(X))
    torch.testing.assert_close(d2l.matmul(X, X), X @ X)
    assert d2l.nn_Module is nn.Module
    torch.manual_seed(0)
    a = d2l.normal(0, 1, (3, 2))
    torch.manual_seed(0)
    assert torch.equal(a, torch.normal(0, 1, (3, 2)))
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    array = d2l.numpy(x)
    assert isinstance(array, np.ndarray) and array.tolist() == [1.0, 2.0]
    assert torch.equal(d2l.ones(2, 3), torch.ones(2, 3))
    assert torch.equal(d2l.zeros((2,)), torch.zeros(2))
    assert d2l.rand(4).shape == (4,) and d2l.randn(2, 5).shape == (2, 5)
    assert float(d2l.reduce_mean(X)) == 2.5 and float(d2l.reduce_sum(X)) == 10.0
    assert d2l.reduce_sum(X, axis=0).tolist() == [4.0, 6.0]
    assert d2l.reshape(X, (4,)).tolist() == [1.0, 2.0, 3.0, 4.0]
    assert d2l.reshape(X, (1, -1)).shape == (1, 4)
    assert d2l.to(X, d2l.cpu()).device.type == "cpu"
    assert d2l.to(X, torch.float64).dtype == torch.float64


def test_devices() -> None:
    assert d2l.cpu() == torch.device("cpu")
    assert d2l.gpu(1) == torch.device("cuda", 1)
    assert d2l.num_gpus() == torch.cuda.device_count()
    assert d2l.try_gpu(d2l.num_gpus()) == torch.device("cpu")
    expected = [d2l.gpu(i) for i in range(d2l.num_gpus())] or [d2l.cpu()]
    assert d2l.try_all_gpus() == expected


def test_set_seed_seeds_python_numpy_and_torch() -> None:
    import random

    d2l.set_seed(3)
    first = (random.random(), np.random.rand(), torch.rand(1))
    d2l.set_seed(3)
    second = (random.random(), np.random.rand(), torch.rand(1))
    assert first[:2] == second[:2] and torch.equal(first[2], second[2])


def params(callable_) -> list[tuple[str, object]]:
    return [(p.name, p.default) for p in inspect.signature(callable_).parameters.values()]


EMPTY = inspect.Parameter.empty


def test_trainer_signature() -> None:
    assert params(d2l.Trainer)[:3] == [("max_epochs", EMPTY), ("num_gpus", 0),
                                       ("gradient_clip_val", 0)]


def test_synthetic_regression_data_signature() -> None:
    assert params(d2l.SyntheticRegressionData) == [
        ("w", EMPTY), ("b", EMPTY), ("noise", 0.01), ("num_train", 1000), ("num_val", 1000),
        ("batch_size", 32)]


def test_fashion_mnist_signature() -> None:
    assert params(d2l.FashionMNIST) == [("batch_size", 64), ("resize", (28, 28)),
                                        ("root", None)]


@pytest.mark.parametrize("name, expected", [
    ("MLP", ["num_outputs", "num_hiddens", "lr"]),
    ("MLPScratch", ["num_inputs", "num_outputs", "num_hiddens", "lr", "sigma"]),
    ("SoftmaxRegressionScratch", ["num_inputs", "num_outputs", "lr", "sigma"]),
    ("SoftmaxRegression", ["num_outputs", "lr"]),
    ("LinearRegressionScratch", ["num_inputs", "lr", "sigma"]),
    ("LinearRegression", ["lr"]),
    ("SGD", ["params", "lr"]),
    ("Module", ["plot_train_per_epoch", "plot_valid_per_epoch"]),
    ("DataModule", ["root", "num_workers"]),
])
def test_constructor_parameter_names(name: str, expected: list[str]) -> None:
    assert [n for n, _ in params(getattr(d2l, name))] == expected


def test_default_values_match_d2l() -> None:
    assert dict(params(d2l.Module)) == {"plot_train_per_epoch": 2, "plot_valid_per_epoch": 1}
    assert dict(params(d2l.MLPScratch))["sigma"] == 0.01
    assert dict(params(d2l.LinearRegressionScratch))["sigma"] == 0.01
    assert dict(params(d2l.DataModule))["num_workers"] == 0


def test_progress_board_signature() -> None:
    names = [n for n, _ in params(d2l.ProgressBoard)]
    assert names[:6] == ["xlabel", "ylabel", "xlim", "ylim", "xscale", "yscale"]
    assert {"ls", "colors", "fig", "axes", "figsize", "display"} <= set(names)


def test_plot_signature() -> None:
    got = params(d2l.plot)
    assert [n for n, _ in got][:12] == ["X", "Y", "xlabel", "ylabel", "legend", "xlim", "ylim",
                                        "xscale", "yscale", "fmts", "figsize", "axes"]
    defaults = dict(got)
    assert defaults["Y"] is None and defaults["xscale"] == "linear"
    assert tuple(defaults["fmts"]) == ("-", "m--", "g-.", "r:")
    assert tuple(defaults["figsize"]) == (3.5, 2.5)


def test_show_images_signature() -> None:
    assert [n for n, _ in params(d2l.show_images)][:5] == ["imgs", "num_rows", "num_cols",
                                                           "titles", "scale"]


def test_d2l_style_model_code_runs_unchanged() -> None:
    """Section 3.2's pattern: a subclass using save_hyperparameters and d2l aliases."""

    class Scratch(d2l.Module):
        def __init__(self, num_inputs, lr, sigma=0.01):
            super().__init__()
            self.save_hyperparameters()
            self.w = d2l.normal(0, sigma, (num_inputs, 1))
            self.w.requires_grad_(True)
            self.b = d2l.zeros(1, requires_grad=True)

        def forward(self, X):
            return d2l.matmul(X, self.w) + self.b

        def loss(self, y_hat, y):
            return d2l.reduce_mean((y_hat - y) ** 2 / 2)

        def configure_optimizers(self):
            return d2l.SGD([self.w, self.b], self.lr)

    d2l.set_seed(0)
    data = d2l.SyntheticRegressionData(w=d2l.tensor([2, -3.4]), b=4.2, num_train=256,
                                       num_val=64)
    model = Scratch(2, lr=0.1)
    d2l.Trainer(max_epochs=5).fit(model, data)
    assert (model.w.detach().reshape(-1) - d2l.tensor([2, -3.4])).abs().max() < 0.1
