"""The models of chapters 3–5, SGD and Classifier.accuracy."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F

import dl_lib as d2l


def test_linear_regression_scratch_recovers_w_and_b_in_three_epochs() -> None:
    d2l.set_seed(0)
    w, b = torch.tensor([2, -3.4]), 4.2
    data = d2l.SyntheticRegressionData(w=w, b=b)
    model = d2l.LinearRegressionScratch(2, lr=0.03)
    d2l.Trainer(max_epochs=3).fit(model, data)
    w_error = float((w - model.w.detach().reshape(w.shape)).abs().max())
    b_error = abs(b - float(model.b.detach()))
    assert w_error < 0.3 and b_error < 0.3  # d2l's 3.4 shows errors around 0.1–0.2
    val = [p.y for p in model.board.data["val_loss"]]
    assert len(val) == 3 and val[-1] < 0.2 and val[-1] < val[0]


def test_linear_regression_concise_recovers_w_and_b() -> None:
    d2l.set_seed(0)
    data = d2l.SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)
    model = d2l.LinearRegression(lr=0.03)
    d2l.Trainer(max_epochs=3).fit(model, data)
    w, b = model.get_w_b()
    assert (w.reshape(-1) - torch.tensor([2, -3.4])).abs().max() < 0.1
    assert abs(float(b) - 4.2) < 0.1


def test_linear_regression_scratch_loss_is_half_mse() -> None:
    model = d2l.LinearRegressionScratch(2, lr=0.1)
    y_hat, y = torch.tensor([[1.0], [3.0]]), torch.tensor([[0.0], [1.0]])
    torch.testing.assert_close(model.loss(y_hat, y), F.mse_loss(y_hat, y) / 2)


def test_sgd_steps_against_the_gradient_and_zeroes_it() -> None:
    w = torch.tensor([1.0, -2.0], requires_grad=True)
    opt = d2l.SGD([w], lr=0.5)
    (w ** 2).sum().backward()  # gradient 2w
    opt.step()
    torch.testing.assert_close(w.detach(), torch.tensor([0.0, 0.0]))
    opt.zero_grad()
    assert torch.equal(w.grad, torch.zeros(2))
    assert opt.state_dict() == {"lr": 0.5}


def test_sgd_equals_torch_sgd() -> None:
    torch.manual_seed(0)
    a = torch.randn(3, requires_grad=True)
    b = a.detach().clone().requires_grad_(True)
    ours, theirs = d2l.SGD([a], lr=0.1), torch.optim.SGD([b], lr=0.1)
    for _ in range(3):
        for p, opt in ((a, ours), (b, theirs)):
            opt.zero_grad()
            (p.sin() * 3).sum().backward()
            opt.step()
    torch.testing.assert_close(a, b)


def test_classifier_accuracy_counts_argmax_matches() -> None:
    Y_hat = torch.tensor([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1], [0.3, 0.3, 0.4], [0.0, 1.0, 0.0]])
    Y = torch.tensor([1, 0, 0, 2])
    model = d2l.Classifier()
    torch.testing.assert_close(model.accuracy(Y_hat, Y), torch.tensor(0.5))
    assert model.accuracy(Y_hat, Y, averaged=False).tolist() == [1.0, 1.0, 0.0, 0.0]


def test_classifier_loss_is_cross_entropy_of_logits() -> None:
    torch.manual_seed(0)
    logits, y = torch.randn(6, 4), torch.randint(0, 4, (6,))
    torch.testing.assert_close(d2l.Classifier().loss(logits, y), F.cross_entropy(logits, y))


def test_classifier_validation_step_plots_loss_and_accuracy(tiny_regression) -> None:
    class Tiny(d2l.DataModule):
        def __init__(self, batch_size=32):
            super().__init__()
            self.save_hyperparameters()
            self.X, self.y = torch.randn(20, 1, 2, 2), torch.randint(0, 3, (20,))

        def get_dataloader(self, train):
            return self.get_tensorloader((self.X, self.y), train)

    torch.manual_seed(0)
    model = d2l.SoftmaxRegression(num_outputs=3, lr=0.1)
    d2l.Trainer(max_epochs=2).fit(model, Tiny())
    assert set(model.board.data) == {"train_loss", "val_loss", "val_acc"}
    assert 0 <= model.board.last("val_acc") <= 1


@pytest.mark.parametrize("make", [
    lambda: d2l.SoftmaxRegressionScratch(num_inputs=16, num_outputs=3, lr=0.1),
    lambda: d2l.SoftmaxRegression(num_outputs=3, lr=0.1),
    lambda: d2l.MLPScratch(num_inputs=16, num_outputs=3, num_hiddens=8, lr=0.1),
    lambda: d2l.MLP(num_outputs=3, num_hiddens=8, lr=0.1),
])
def test_classifiers_map_images_to_one_row_per_example(make) -> None:
    torch.manual_seed(0)
    out = make()(torch.rand(5, 1, 4, 4))
    assert out.shape == (5, 3) and torch.isfinite(out).all()


def test_softmax_regression_scratch_outputs_probabilities() -> None:
    torch.manual_seed(0)
    model = d2l.SoftmaxRegressionScratch(num_inputs=4, num_outputs=3, lr=0.1, sigma=1.0)
    X = torch.randn(5, 4)
    torch.testing.assert_close(model(X), torch.softmax(X @ model.W + model.b, dim=1))


def test_mlp_scratch_forward_is_relu_mlp() -> None:
    torch.manual_seed(0)
    model = d2l.MLPScratch(num_inputs=4, num_outputs=2, num_hiddens=3, lr=0.1, sigma=1.0)
    X = torch.randn(6, 4)
    expected = torch.relu(X @ model.W1 + model.b1) @ model.W2 + model.b2
    torch.testing.assert_close(model(X), expected)


def test_mlp_scratch_learns_a_separable_problem() -> None:
    class Blobs(d2l.DataModule):
        def __init__(self):
            super().__init__()
            self.batch_size = 16
            self.y = torch.arange(64) % 2
            self.X = torch.randn(64, 2) * 0.3 + (self.y[:, None] * 2.0 - 1.0)

        def get_dataloader(self, train):
            return self.get_tensorloader((self.X, self.y), train)

    d2l.set_seed(0)
    model = d2l.MLPScratch(num_inputs=2, num_outputs=2, num_hiddens=8, lr=0.5, sigma=0.5)
    d2l.Trainer(max_epochs=20).fit(model, Blobs())
    assert model.board.last("val_acc") > 0.95


def test_module_without_loss_or_net_says_what_to_define() -> None:
    with pytest.raises(NotImplementedError, match="must define loss"):
        d2l.Module().loss(torch.zeros(1), torch.zeros(1))
    with pytest.raises(NotImplementedError, match="has no self.net"):
        d2l.Module()(torch.zeros(1))


def test_module_plot_before_fit_says_to_train_first() -> None:
    with pytest.raises(RuntimeError, match="Trainer.fit"):
        d2l.Module().plot("loss", torch.tensor(1.0), train=True)


def test_model_built_for_28x28_images_given_32x32_names_both_shapes() -> None:
    model = d2l.SoftmaxRegressionScratch(num_inputs=784, num_outputs=10, lr=0.1)
    with pytest.raises(ValueError) as caught:
        model(torch.zeros(8, 1, 32, 32))
    message = str(caught.value)
    print(message)
    assert message == ("SoftmaxRegressionScratch was built with num_inputs=784, but the batch "
                       "has shape (8, 1, 32, 32), i.e. 1024 features per example. Build the "
                       "model with num_inputs=1024, or give the data the size the model expects "
                       "(for Fashion-MNIST: resize=(28, 28) gives 784).")


def test_shape_mismatch_surfaces_from_fit(fashion_root: Path) -> None:
    data = d2l.FashionMNIST(batch_size=4, resize=(32, 32), root=str(fashion_root))
    model = d2l.MLPScratch(num_inputs=784, num_outputs=10, num_hiddens=8, lr=0.1)
    with pytest.raises(ValueError, match=r"MLPScratch was built with num_inputs=784, but the "
                                         r"batch has shape \(4, 1, 32, 32\)"):
        d2l.Trainer(max_epochs=1).fit(model, data)


def test_regression_targets_of_another_shape_are_refused_not_broadcast() -> None:
    model = d2l.LinearRegressionScratch(2, lr=0.03)
    with pytest.raises(ValueError, match=r"predictions have shape \(5, 1\) but the targets "
                                         r"\(5,\).*y.reshape\(-1, 1\)"):
        model.loss(model(torch.zeros(5, 2)), torch.zeros(5))
    concise = d2l.LinearRegression(lr=0.03)
    with pytest.raises(ValueError, match="would compare every prediction with every target"):
        concise.loss(concise(torch.zeros(5, 2)), torch.zeros(5))


@pytest.mark.parametrize("dtype, fix", [(torch.float64, "X.float()"),
                                        (torch.uint8, "X.float() / 255")])
def test_inputs_of_another_dtype_are_named_with_the_conversion(dtype, fix) -> None:
    model = d2l.MLPScratch(4, 3, 5, lr=0.1)
    with pytest.raises(TypeError, match=re.escape(f"batch is {dtype}: convert it with {fix}")):
        model(torch.zeros(2, 4, dtype=dtype))


def test_classifier_loss_refuses_labels_out_of_range_and_masks() -> None:
    logits = torch.zeros(3, 10)
    with pytest.raises(ValueError, match="label -1 is not a class number"):
        d2l.Classifier().loss(logits, torch.tensor([0, -1, 2]))
    with pytest.raises(ValueError, match="label 10 is not a class number"):
        d2l.Classifier().loss(logits, torch.tensor([0, 10, 2]))
    with pytest.raises(TypeError, match="a bool tensor is a mask"):
        d2l.Classifier().loss(logits, torch.tensor([True, False, True]))
