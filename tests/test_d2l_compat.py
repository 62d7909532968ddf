"""d2l's public names, aliases and signatures, so that ``import dl_lib as d2l`` ports notebooks.

The names of d2l 1.0.3 that chapters 2-5 of both editions use are listed, with their source, in
``tests/d2l_names.py``; notebooks of the earlier edition run from ``tests/d2l_notebooks``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from torch import nn

import dl_lib as d2l
from dl_lib import figure_view, legacy_animator, settings

sys.path.insert(0, str(Path(__file__).parent))
from d2l_names import ALIASES, D2L_NAMES, MODULES, SIGNATURES, USED  # noqa: E402

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


# ---------------------------------------------------------------------------------------------
# d2l 1.0.3's names for chapters 2-5 (tests/d2l_names.py): present, of the same kind, with
# compatible parameters, and never shadowed by a dl_lib submodule.

KIND_OF = {name: kind for kind, names in D2L_NAMES.items() for name in names}
REQUIRED = sorted(set(USED) | set(ALIASES) | set(MODULES))

# Defaults that dl_lib changes on purpose, with the reason.
DIFFERENT_DEFAULTS = {
    ("DataModule", "root"): "dl_lib finds d2l's ../data (read only) and its own folders, and "
                            "never writes relative to the working folder",
    ("DataModule", "num_workers"): "batches are cut from tensors in memory; worker processes "
                                   "would only add start-up time",
}


def test_the_list_of_names_is_consistent() -> None:
    assert not set(REQUIRED) - set(KIND_OF), "every listed name is one of d2l 1.0.3's"
    assert {name.split(".")[0] for name in SIGNATURES} <= set(USED)
    assert {KIND_OF[name] for name in MODULES} == {"module"}
    assert len(KIND_OF) == sum(len(names) for names in D2L_NAMES.values())  # no name twice


@pytest.mark.parametrize("name", REQUIRED)
def test_d2l_name_exists_with_the_same_kind(name: str) -> None:
    assert hasattr(d2l, name), f"dl_lib lacks d2l's {name!r} ({USED.get(name, 'alias')})"
    value, kind = getattr(d2l, name), KIND_OF[name]
    if kind == "module":
        assert inspect.ismodule(value), name
    elif kind == "class":
        assert inspect.isclass(value), name
    elif kind == "function":
        assert callable(value) and not inspect.isclass(value), name
    elif kind == "dtype":
        assert isinstance(value, torch.dtype), name
    else:
        assert not inspect.ismodule(value) and not callable(value), name


def d2l_parameters(text: str) -> list[tuple[str, Any]]:
    """``"(a, b=1, *args)"`` as ``[("a", EMPTY), ("b", 1), ("*args", EMPTY)]``."""
    args = ast.parse(f"def f{text}: pass").body[0].args  # type: ignore[attr-defined]
    names = [a.arg for a in args.args]
    defaults = [EMPTY] * (len(names) - len(args.defaults)) + [
        eval(ast.unparse(d), {"__builtins__": {}, "slice": slice}) for d in args.defaults]
    found = list(zip(names, defaults))
    if args.vararg:
        found.append(("*" + args.vararg.arg, EMPTY))
    if args.kwarg:
        found.append(("**" + args.kwarg.arg, EMPTY))
    return found


def dl_lib_parameters(name: str) -> list[inspect.Parameter]:
    owner, _, method = name.partition(".")
    obj = getattr(d2l, owner)
    if method:
        return list(inspect.signature(getattr(obj, method)).parameters.values())[1:]  # self
    return list(inspect.signature(obj).parameters.values())


def same_default(theirs: Any, ours: Any) -> bool:
    def normal(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            return tuple(value) or None  # [] and () and None all mean "none given"
        return value

    return normal(theirs) == normal(ours)


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_signature_is_compatible_with_d2l(name: str) -> None:
    """Same parameter names in the same order, the same defaults (or a reasoned change), and
    anything dl_lib adds comes last and is optional."""
    if SIGNATURES[name] is None:  # d2l inherits it; the attribute must still be there
        assert dl_lib_parameters(name) is not None
        return
    theirs, ours = d2l_parameters(SIGNATURES[name]), dl_lib_parameters(name)
    assert len(ours) >= len(theirs), f"{name}: d2l has {theirs}, dl_lib {ours}"
    for (their_name, their_default), param in zip(theirs, ours):
        if their_name.startswith("**"):
            assert param.kind is param.VAR_KEYWORD, f"{name}: {param} is not {their_name}"
        elif their_name.startswith("*"):
            assert param.kind is param.VAR_POSITIONAL, f"{name}: {param} is not {their_name}"
        else:
            assert param.name == their_name and param.kind in (
                param.POSITIONAL_OR_KEYWORD, param.POSITIONAL_ONLY), f"{name}: {param}"
            if their_default is not EMPTY and (name, their_name) not in DIFFERENT_DEFAULTS:
                assert param.default is not EMPTY, f"{name}: {their_name} needs a default"
                assert same_default(their_default, param.default), (
                    f"{name}: {their_name}={param.default!r}, d2l has {their_default!r}")
    for param in ours[len(theirs):]:
        assert param.default is not EMPTY or param.kind in (param.VAR_POSITIONAL,
                                                            param.VAR_KEYWORD), (
            f"{name}: dl_lib's extra parameter {param.name} must be optional")


def test_no_dl_lib_submodule_shadows_a_d2l_name() -> None:
    submodules = [info.name for info in pkgutil.iter_modules(d2l.__path__)]
    assert "legacy_data" in submodules
    assert not set(submodules) & set(KIND_OF), "rename the submodule: d2l uses that name"
    for sub in submodules:  # importing a submodule binds its name on the package
        importlib.import_module(f"dl_lib.{sub}")
    for name, kind in KIND_OF.items():
        if hasattr(d2l, name):
            assert inspect.ismodule(getattr(d2l, name)) == (kind == "module"), (
                f"d2l.{name} is a {kind} in d2l, but dl_lib gives {getattr(d2l, name)!r}")


def test_module_names_are_the_modules_d2l_imports() -> None:
    import matplotlib.pyplot
    import torch.nn.functional
    from IPython import display

    assert d2l.data is torch.utils.data and d2l.plt is matplotlib.pyplot
    assert d2l.display is display and d2l.F is torch.nn.functional and d2l.nn is torch.nn
    assert d2l.torch is torch and d2l.np is np
    assert d2l.math.pi == np.pi and d2l.random.seed and d2l.collections.Counter
    assert d2l.time.time and d2l.os.path and d2l.inspect.signature
    assert callable(d2l.sgd) and not inspect.ismodule(d2l.sgd)
    assert set(MODULES) <= set(dir(d2l))
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        d2l.no_such_name  # noqa: B018
    assert not hasattr(d2l, "train_ch3")  # d2l 1.0.3 does not ship it either


def test_import_dl_lib_loads_neither_pyplot_nor_ipython() -> None:
    code = ("import sys, dl_lib; print(sorted(m for m in ('matplotlib.pyplot', 'IPython') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, timeout=120).stdout
    assert out.strip() == "[]"


def test_new_tensor_aliases_are_torchs() -> None:
    for name, function in [("ones_like", torch.ones_like), ("zeros_like", torch.zeros_like),
                           ("arange", torch.arange), ("tanh", torch.tanh),
                           ("sigmoid", torch.sigmoid), ("sin", torch.sin), ("sinh", torch.sinh),
                           ("cos", torch.cos), ("cosh", torch.cosh), ("linspace", torch.linspace),
                           ("eye", torch.eye), ("abs", torch.abs), ("meshgrid", torch.meshgrid),
                           ("batch_matmul", torch.bmm), ("stack", torch.stack),
                           ("concat", torch.cat)]:
        assert getattr(d2l, name) is function, name
    assert (d2l.int32, d2l.int64) == (torch.int32, torch.int64)
    X = torch.arange(6.0).reshape(2, 3)
    assert d2l.size(X) == 6 and d2l.transpose(X).shape == (3, 2)
    assert d2l.expand_dims(X, 0).shape == (1, 2, 3) and d2l.swapaxes(X, 0, 1).shape == (3, 2)
    assert torch.equal(d2l.repeat(X, 2, 1), torch.cat([X, X]))


# ---------------------------------------------------------------------------------------------
# The earlier edition's helpers: d2l's results, and errors that say what to do.

def test_synthetic_data_draws_the_same_numbers_as_d2l() -> None:
    w = torch.tensor([2, -3.4])
    torch.manual_seed(1)
    X, y = d2l.synthetic_data(w, 4.2, 50)
    torch.manual_seed(1)  # d2l's recipe: X ~ N(0, 1), then the noise ~ N(0, 0.01)
    X_d2l = torch.normal(0, 1, (50, 2))
    y_d2l = (torch.matmul(X_d2l, w) + 4.2 + torch.normal(0, 0.01, (50,))).reshape(-1, 1)
    assert torch.equal(X, X_d2l) and torch.equal(y, y_d2l)
    X, y = d2l.synthetic_data(torch.ones(5, 1) * 0.01, 0.05, 3)  # a column of weights
    assert X.shape == (3, 5) and y.shape == (3, 1)
    with pytest.raises(TypeError, match="decimal point"):
        d2l.synthetic_data(torch.tensor([2, 3]), 4.2, 10)


def test_load_array_is_a_shuffling_data_loader() -> None:
    X, y = torch.arange(20.0).reshape(10, 2), torch.arange(10)
    loader = d2l.load_array((X, y), 4)
    assert isinstance(loader, torch.utils.data.DataLoader) and len(loader) == 3
    torch.manual_seed(0)
    first = torch.cat([b for _, b in loader])
    assert sorted(first.tolist()) == list(range(10)) and first.tolist() != list(range(10))
    in_order = d2l.load_array((X, y), 4, is_train=False)
    assert torch.cat([b for _, b in in_order]).tolist() == list(range(10))
    with pytest.raises(ValueError, match="same number of rows"):
        d2l.load_array((X, y[:5]), 4)
    with pytest.raises(TypeError, match="tuple of tensors"):
        d2l.load_array(X, 4)


def test_linreg_squared_loss_and_sgd_take_one_step() -> None:
    w = torch.tensor([[1.0], [2.0]], requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    X, y = torch.tensor([[1.0, 1.0], [2.0, 0.0]]), torch.tensor([3.0, 2.0])
    loss = d2l.squared_loss(d2l.linreg(X, w, b), y)
    assert loss.shape == (2, 1) and loss.flatten().tolist() == [0.0, 0.0]
    d2l.squared_loss(d2l.linreg(X, w, b), y + 1).sum().backward()
    d2l.sgd([w, b], lr=0.5, batch_size=2)  # grad of w: -(1 + 2), -(1 + 0); of b: -2
    torch.testing.assert_close(w.detach(), torch.tensor([[1.75], [2.25]]))
    torch.testing.assert_close(b.detach(), torch.tensor([0.5]))
    assert w.grad.abs().sum() == 0 and b.grad.abs().sum() == 0
    with pytest.raises(ValueError, match="no gradient"):
        d2l.sgd([torch.zeros(2, requires_grad=True)], 0.1, 2)
    with pytest.raises(ValueError, match="batch_size"):
        d2l.sgd([w, b], 10, 0.03)  # lr and batch_size swapped
    with pytest.raises(ValueError, match="2 predictions but 3 labels"):
        d2l.squared_loss(torch.zeros(2, 1), torch.zeros(3))


def test_accuracy_counts_right_predictions() -> None:
    y = torch.tensor([0, 2, 1])
    assert d2l.accuracy(torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5], [0, 1, 0]]), y) == 2.0
    assert d2l.accuracy(torch.tensor([0, 2, 2]), y) == 2.0
    with pytest.raises(ValueError, match="y.reshape"):
        d2l.accuracy(torch.zeros(3, 1), y)


def test_accumulator_and_timer() -> None:
    metric = d2l.Accumulator(3)
    metric.add(1, torch.tensor(2.5), np.float32(3))
    metric.add(1, 0.5, 1)
    assert [metric[i] for i in range(3)] == [2.0, 3.0, 4.0] and metric.data == [2.0, 3.0, 4.0]
    metric.reset()
    assert metric.data == [0.0, 0.0, 0.0]
    with pytest.raises(ValueError, match="keeps 3 sums, but add got 2"):
        metric.add(1, 2)
    with pytest.raises(TypeError, match="l.sum()"):
        metric.add(torch.ones(2), 1, 1)
    timer = d2l.Timer()
    timer.stop(), timer.start(), timer.stop()
    assert len(timer.times) == 2 and timer.avg() == timer.sum() / 2
    assert len(timer.cumsum()) == 2
    with pytest.raises(ValueError, match="stop"):
        d2l.Timer().avg()


def test_evaluate_loss_averages_over_examples() -> None:
    X, y = torch.arange(6.0).reshape(6, 1), torch.arange(6.0)
    loader = d2l.load_array((X, y), 4, is_train=False)  # batches of 4 and 2
    assert d2l.evaluate_loss(lambda X: X + 1, loader, nn.MSELoss(reduction="none")) == 1.0
    assert d2l.evaluate_loss(lambda X: 2 * X, loader, d2l.squared_loss) == pytest.approx(
        sum(v * v / 2 for v in range(6)) / 6)
    with pytest.raises(ValueError, match="one output per label"):
        d2l.evaluate_loss(lambda X: X.repeat(1, 2), loader, d2l.squared_loss)


def test_fashion_mnist_labels() -> None:
    assert d2l.get_fashion_mnist_labels([9, 0]) == ["ankle boot", "t-shirt"]
    for bad in ([10], [-1], [2.5]):
        with pytest.raises(ValueError, match="numbered 0 to 9"):
            d2l.get_fashion_mnist_labels(bad)
    assert d2l.get_dataloader_workers() == 4


def test_load_data_fashion_mnist_serves_d2ls_batches(fashion_root: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DL_LIB_DATA", str(fashion_root))  # 12 training, 6 test images
    train_iter, test_iter = d2l.load_data_fashion_mnist(5, resize=8)
    assert (len(train_iter), len(test_iter)) == (3, 2)
    X, y = next(iter(train_iter))
    assert (X.shape, X.dtype, y.shape, y.dtype) == ((5, 1, 8, 8), torch.float32, (5,),
                                                    torch.int64)
    assert 0 <= X.min() and X.max() <= 1
    image, label = test_iter.dataset[0]
    assert image.shape == (1, 8, 8) and isinstance(label, int) and len(test_iter.dataset) == 6
    test_labels = [torch.cat([b for _, b in test_iter]).tolist() for _ in range(2)]
    assert test_labels[0] == test_labels[1]  # the test split is never shuffled
    X, _ = next(iter(d2l.load_data_fashion_mnist(4, resize=(6, 10))[0]))
    assert X.shape == (4, 1, 6, 10)
    with pytest.raises(ValueError, match="resize=64"):
        d2l.load_data_fashion_mnist(4, resize="big")
    with pytest.raises(ValueError, match="batch_size"):
        d2l.load_data_fashion_mnist(0)


def test_animator_keeps_d2ls_points_and_is_silent_in_a_script(capsys) -> None:
    animator = d2l.Animator(xlabel="epoch", xlim=[1, 3], legend=["loss", "train acc", "acc"])
    for epoch in range(3):
        animator.add(epoch + 1, (1 / (epoch + 1), torch.tensor(0.5), None if epoch else 0.1))
    assert animator.X == [[1, 2, 3], [1, 2, 3], [1]]
    assert animator.Y[1] == [0.5, 0.5, 0.5] and animator.Y[2] == [0.1]
    assert len(animator.axes) == 1 and capsys.readouterr() == ("", "")
    assert animator.render().axes[0].get_legend().get_texts()[2].get_text() == "acc"
    with pytest.raises(ValueError, match="one value per curve"):
        animator.add(4, (1, 2, 3, 4))
    with pytest.raises(TypeError, match="one number"):
        animator.add(4, torch.ones(2, 2))
    assert d2l.Animator(nrows=2, ncols=2).axes.shape == (2, 2)
    with pytest.raises(ValueError, match="nrows"):
        d2l.Animator(nrows=0)


def test_animator_redraws_in_place_in_a_notebook(monkeypatch: pytest.MonkeyPatch) -> None:
    from IPython import display

    shown: list[tuple[str, Any]] = []

    class Handle:
        def update(self, output: Any) -> None:
            shown.append(("update", output))

    def fake_display(output: Any, display_id: bool = False) -> Handle:
        shown.append(("display", output))
        return Handle()

    monkeypatch.setattr(legacy_animator, "in_notebook", lambda: True)
    monkeypatch.setattr(figure_view, "in_notebook", lambda: True)
    monkeypatch.setattr(display, "display", fake_display)
    d2l.set_next_alt("Loss falling over three epochs")
    animator = d2l.Animator(xlabel="epoch", legend=["loss"])
    for epoch in range(3):
        animator.add(epoch + 1, 1 / (epoch + 1))
    assert [kind for kind, _ in shown] == ["display"]  # the rest waits (at most 1 redraw/s)
    animator.show()  # what happens when the cell ends
    assert [kind for kind, _ in shown] == ["display", "update"]
    assert 'alt="Loss falling over three epochs"' in shown[-1][1]._repr_html_()


# ---------------------------------------------------------------------------------------------
# Earlier-edition notebooks, run as scripts with only their import line changed.

NOTEBOOKS = Path(__file__).parent / "d2l_notebooks"


def run_notebook(name: str, tmp_path: Path) -> str:
    env = {**os.environ, "DL_LIB_DOWNLOAD": "0", "DL_LIB_FIGURE_DIR": str(tmp_path / "figures")}
    done = subprocess.run([sys.executable, str(NOTEBOOKS / name)], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "<Figure size" not in done.stdout + done.stderr
    assert "import dl_lib as d2l\n" in (NOTEBOOKS / name).read_text()
    return done.stdout


def test_earlier_edition_linear_regression_notebook(tmp_path: Path) -> None:
    out = run_notebook("earlier_edition_linear.py", tmp_path)
    assert "shapes: (1000, 2) (1000, 1)" in out and "first batch: (10, 2) (10, 1)" in out
    errors = re.findall(r"w error: \[(\S+), (\S+)\]", out)
    assert len(errors) == 2 and all(abs(float(e)) < 0.01 for pair in errors for e in pair), out
    norms = [float(v) for v in re.findall(r"L2 norm of w (\S+),", out)]
    assert len(norms) == 2 and norms[1] < norms[0] / 10, out  # weight decay shrinks w
    saved = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert len(saved) == 2 and all("train-test" in n for n in saved), saved


def test_earlier_edition_softmax_notebook(tmp_path: Path) -> None:
    if not settings.DEBIAN_FASHION_MNIST.is_dir() and not os.environ.get(
            "DL_LIB_DATA"):
        pytest.skip("Fashion-MNIST is not installed")
    out = run_notebook("earlier_edition_softmax.py", tmp_path)
    assert ("batch: torch.Size([256, 1, 28, 28]) torch.float32 torch.Size([256]) torch.int64 "
            "235 40") in out
    assert "accuracy of the example: 0.5" in out and "workers: 4" in out
    accuracies = [float(v) for v in re.findall(r"epoch 1: train loss \S+ train acc (\S+), "
                                               r"test acc (\S+)", out)[0]]
    assert min(accuracies) > 0.7, out  # d2l's first epoch reaches about 0.75 and 0.79
    predictions = re.search(r"predictions: (\[.*\])", out)
    assert predictions and len(ast.literal_eval(predictions.group(1))) == 6
    saved = sorted(p.name for p in (tmp_path / "figures").iterdir())
    assert len(saved) == 3 and any("train-loss-train-acc-test-acc" in n for n in saved), saved


# Classes d2l 1.0.3 defines on its pages rather than in torch.py, which dl_lib exports so that
# those pages' later cells (and notebooks that import them) run: name -> d2l's parameters.
PAGE_CLASSES = {"KaggleHouse": ["batch_size", "train", "val"]}


@pytest.mark.parametrize("name", PAGE_CLASSES)
def test_classes_d2l_defines_on_its_pages_exist_with_its_parameters(name: str) -> None:
    cls = getattr(d2l, name)
    assert inspect.isclass(cls) and issubclass(cls, d2l.DataModule)
    params = list(inspect.signature(cls.__init__).parameters)[1:]
    assert params[: len(PAGE_CLASSES[name])] == PAGE_CLASSES[name]
    assert callable(getattr(cls, "preprocess")) and callable(getattr(cls, "get_dataloader"))
