"""What Trainer refuses during training: unusable losses, and losses that stop being finite."""

from __future__ import annotations

import math

import pytest
import torch

import dl_lib as d2l


def exploding(lr: float = 100):
    d2l.set_seed(0)
    data = d2l.SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)
    return data, d2l.LinearRegressionScratch(2, lr=lr)


def test_nonfinite_loss_names_epoch_batch_and_a_smaller_lr() -> None:
    data, model = exploding()
    trainer = d2l.Trainer(max_epochs=3)
    with pytest.raises(d2l.NonFiniteLossError) as caught:
        trainer.fit(model, data)
    message = str(caught.value)
    print(message)
    assert isinstance(caught.value, FloatingPointError)
    batch = trainer.train_batch_idx + 1  # in epoch 1
    assert message == (f"The training loss became inf in epoch 1, batch {batch}; lr=100 is "
                       "probably too large: try lr=10. The parameters were not updated with "
                       "it. To train on anyway, use Trainer(..., stop_on_nonfinite=False).")
    assert all(torch.isfinite(p).all() for p in model.parameters())  # not updated with inf


def test_nonfinite_loss_in_a_later_epoch_counts_batches_within_it() -> None:
    data, model = exploding(lr=2.5)  # diverges more slowly
    trainer = d2l.Trainer(max_epochs=50)
    with pytest.raises(d2l.NonFiniteLossError) as caught:
        trainer.fit(model, data)
    epoch, batch = divmod(trainer.train_batch_idx, trainer.num_train_batches)
    assert epoch >= 1
    assert f"in epoch {epoch + 1}, batch {batch + 1};" in str(caught.value)
    assert "lr=2.5 is probably too large: try lr=0.25" in str(caught.value)


def test_stop_on_nonfinite_false_trains_on_without_error() -> None:
    data, model = exploding()
    trainer = d2l.Trainer(max_epochs=2, stop_on_nonfinite=False)
    trainer.fit(model, data)
    assert trainer.train_batch_idx == 2 * trainer.num_train_batches
    assert not math.isfinite(model.board.last("val_loss"))




# --- Losses that cannot train, and mistakes in what fit is given ------------------------------


class Returns(d2l.LinearRegressionScratch):
    """A regression model whose training_step returns ``what(loss)``."""

    def __init__(self, what, lr=0.03):
        super().__init__(2, lr)
        self.what = what

    def training_step(self, batch):
        return self.what(self.loss(self(*batch[:-1]), batch[-1]))


@pytest.mark.parametrize("what, error, says", [
    (lambda loss: None, TypeError, "training_step returned None, but it must return the loss"),
    (lambda loss: loss.item(), TypeError, "do not call .item\\(\\) or float\\(\\)"),
    (lambda loss: loss.detach(), RuntimeError, "does not depend on any tensor that requires"),
])
def test_a_training_step_that_returns_no_usable_loss_is_named(tiny_regression, what, error,
                                                              says) -> None:
    with pytest.raises(error, match=says):
        d2l.Trainer(max_epochs=1).fit(Returns(what), tiny_regression())


def test_a_loss_without_mean_is_told_to_average() -> None:
    class NoMean(d2l.LinearRegressionScratch):
        def loss(self, y_hat, y):
            return (y_hat - y) ** 2 / 2

    data = d2l.SyntheticRegressionData(torch.tensor([2.0, -3.4]), 4.2, num_train=16, num_val=8)
    with pytest.raises(ValueError, match=r"one value per example.*`return l.mean\(\)`"):
        d2l.Trainer(max_epochs=1).fit(NoMean(2, lr=0.03), data)


def test_nan_in_the_data_is_blamed_on_the_data_not_the_learning_rate(tiny_regression) -> None:
    data = tiny_regression()
    data.X[3, 0] = float("nan")
    with pytest.raises(d2l.NonFiniteLossError, match="the batch's inputs contain nan or inf"):
        d2l.Trainer(max_epochs=1).fit(d2l.LinearRegressionScratch(2, lr=0.03), data)


def test_fit_given_a_class_or_a_plain_torch_module_says_what_it_needs(tiny_regression) -> None:
    with pytest.raises(TypeError, match=r"fit got the class SyntheticRegressionData as its data"):
        d2l.Trainer(max_epochs=1).fit(d2l.LinearRegressionScratch(2, lr=0.03),
                                      d2l.SyntheticRegressionData)
    with pytest.raises(TypeError, match="fit needs a d2l.Module .* but got a Linear"):
        d2l.Trainer(max_epochs=1).fit(torch.nn.Linear(2, 1), tiny_regression())


def test_clip_gradients_before_any_gradient_does_nothing() -> None:
    model = d2l.LinearRegressionScratch(2, lr=0.03)
    d2l.Trainer(max_epochs=1).clip_gradients(1.0, model)
    assert all(p.grad is None for p in model.parameters())


def test_frozen_parameters_are_refused_by_sgd() -> None:
    w = torch.zeros(2)
    with pytest.raises(ValueError, match="does not require a gradient, so it would never change"):
        d2l.SGD([w], lr=0.1)
