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


