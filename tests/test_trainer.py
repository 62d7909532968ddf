"""Trainer's d2l contract, gradient clipping, Ctrl-C between batches, and reproducibility."""

from __future__ import annotations

import signal

import pytest
import torch

import dl_lib as d2l
from dl_lib import settings
from dl_lib import trainer as trainer_module
from tiny_models import TinyNet

# tiny_regression() serves 5 training batches of 8 and 2 validation batches of 8.
N_TRAIN, N_VAL = 5, 2


def test_prepare_data_sets_loaders_and_batch_counts(tiny_regression) -> None:
    trainer, data = d2l.Trainer(max_epochs=1), tiny_regression()
    trainer.prepare_data(data)
    assert (trainer.num_train_batches, trainer.num_val_batches) == (N_TRAIN, N_VAL)
    assert len(list(trainer.train_dataloader)) == N_TRAIN
    assert len(list(trainer.val_dataloader)) == N_VAL


def test_prepare_model_links_trainer_and_sets_board_xlim() -> None:
    trainer, model = d2l.Trainer(max_epochs=7), d2l.LinearRegressionScratch(2, lr=0.1)
    trainer.prepare_model(model)
    assert model.trainer is trainer and trainer.model is model
    assert list(model.board.xlim) == [0, 7]


def test_fit_sets_optim_epoch_batch_counters_and_plots(tiny_regression) -> None:
    torch.manual_seed(0)
    trainer, model = d2l.Trainer(max_epochs=3), d2l.LinearRegressionScratch(2, lr=0.03)
    trainer.fit(model, tiny_regression())
    assert isinstance(trainer.optim, d2l.SGD)
    assert trainer.epoch == 2
    assert trainer.train_batch_idx == 3 * N_TRAIN and trainer.val_batch_idx == 3 * N_VAL
    # 2 training points and 1 validation point per epoch, at x = fraction of epochs done
    assert len(model.board.data["train_loss"]) == 7  # 15 batches averaged 2 by 2
    assert [p.x for p in model.board.data["val_loss"]] == [1, 2, 3]
    assert model.board.xlabel == "epoch"


def test_fit_calls_a_fit_epoch_added_with_add_to_class(tiny_regression) -> None:
    original = d2l.Trainer.fit_epoch
    seen = []
    try:
        @d2l.add_to_class(d2l.Trainer)
        def fit_epoch(self):
            seen.append((self.epoch, self.train_batch_idx, self.val_batch_idx,
                         type(self.optim).__name__))

        d2l.Trainer(max_epochs=3).fit(d2l.LinearRegressionScratch(2, lr=0.1), tiny_regression())
    finally:
        d2l.Trainer.fit_epoch = original
    assert seen == [(0, 0, 0, "SGD"), (1, 0, 0, "SGD"), (2, 0, 0, "SGD")]
    assert d2l.Trainer.fit_epoch is original


def test_fit_without_validation_data(tiny_regression) -> None:
    class TrainOnly(type(tiny_regression())):
        def val_dataloader(self):
            return None

    trainer, model = d2l.Trainer(max_epochs=2), d2l.LinearRegressionScratch(2, lr=0.03)
    trainer.fit(model, TrainOnly())
    assert trainer.num_val_batches == 0 and trainer.train_batch_idx == 2 * N_TRAIN
    assert "val_loss" not in model.board.data


def test_clip_gradients_equals_torch_clip_grad_norm() -> None:
    torch.manual_seed(0)
    model = d2l.MLPScratch(num_inputs=4, num_outputs=3, num_hiddens=5, lr=0.1, sigma=1.0)
    twin = d2l.MLPScratch(num_inputs=4, num_outputs=3, num_hiddens=5, lr=0.1, sigma=1.0)
    twin.load_state_dict(model.state_dict())
    X, y = torch.randn(8, 4), torch.randint(0, 3, (8,))
    for m in (model, twin):
        (m.loss(m(X), y) * 100).backward()
    d2l.Trainer(max_epochs=1).clip_gradients(0.5, model)
    torch.nn.utils.clip_grad_norm_(twin.parameters(), 0.5)
    for a, b in zip(model.parameters(), twin.parameters()):
        torch.testing.assert_close(a.grad, b.grad)
    norm = torch.sqrt(sum((p.grad ** 2).sum() for p in model.parameters()))
    torch.testing.assert_close(norm, torch.tensor(0.5))


def test_gradient_clip_val_is_used_by_fit(tiny_regression, monkeypatch) -> None:
    calls = []
    monkeypatch.setattr(d2l.Trainer, "clip_gradients",
                        lambda self, val, model: calls.append(val))
    d2l.Trainer(max_epochs=1, gradient_clip_val=1.5).fit(
        d2l.LinearRegressionScratch(2, lr=0.03), tiny_regression())
    assert calls == [1.5] * N_TRAIN


def test_asking_for_missing_gpus_warns_once_and_trains_on_cpu(tiny_regression,
                                                              monkeypatch) -> None:
    monkeypatch.setattr(trainer_module, "available_gpus", lambda: 0)
    monkeypatch.setattr(settings, "switches", settings.Switches())
    with pytest.warns(UserWarning, match=r"num_gpus=1 but only 0 GPU\(s\) are available"):
        trainer = d2l.Trainer(max_epochs=1, num_gpus=1)
    assert trainer.device == torch.device("cpu")
    trainer.fit(d2l.LinearRegressionScratch(2, lr=0.03), tiny_regression())


# --- Reproducibility -------------------------------------------------------------------------


def seeded_run(tiny_regression, seed: int) -> d2l.Module:
    d2l.set_seed(seed)
    model = TinyNet()
    d2l.Trainer(max_epochs=3).fit(model, tiny_regression())
    return model


def test_set_seed_makes_two_training_runs_bit_identical(tiny_regression) -> None:
    first, second = seeded_run(tiny_regression, 7), seeded_run(tiny_regression, 7)
    for a, b in zip(first.parameters(), second.parameters()):
        assert torch.equal(a, b)
    assert first.board.data == second.board.data
    assert first.board.raw_points == second.board.raw_points
    assert len(first.board.data["train_loss"]) >= 6
    other = seeded_run(tiny_regression, 8)
    assert not torch.equal(first.net[0].weight, other.net[0].weight)  # the seed matters


# --- Ctrl-C in the middle of an epoch --------------------------------------------------------


class Run:
    """A seeded LinearRegressionScratch fit whose ``interrupt`` fires before training step
    number ``at`` (1-based, counted over all epochs), and that records the parameters at the
    start of every training step."""

    def __init__(self, tiny_regression, max_epochs: int = 3, at: int | None = None,
                 how: str = "flag") -> None:
        d2l.set_seed(0)
        self.data = tiny_regression()
        self.model = d2l.LinearRegressionScratch(2, lr=0.03)
        self.trainer = d2l.Trainer(max_epochs=max_epochs)
        self.before_step: list[list[torch.Tensor]] = []
        original = self.model.training_step

        def training_step(batch):
            self.before_step.append([p.detach().clone() for p in self.model.parameters()])
            if len(self.before_step) == at:
                if how == "flag":
                    self.trainer.interrupt.requested = True
                else:
                    signal.raise_signal(signal.SIGINT)
            return original(batch)

        self.model.training_step = training_step

    def fit(self) -> None:
        self.trainer.fit(self.model, self.data)

    def fit_until_interrupted(self) -> None:
        with pytest.raises(KeyboardInterrupt):  # it stops the caller too, as Ctrl-C does
            self.fit()

    def params(self) -> list[torch.Tensor]:
        return [p.detach().clone() for p in self.model.parameters()]


@pytest.mark.parametrize("how", ["flag", "sigint"])
def test_ctrl_c_mid_epoch_stops_after_the_batch_and_fit_again_continues(
        tiny_regression, capsys, how: str) -> None:
    reference = Run(tiny_regression)
    reference.fit()
    k = 3  # interrupt in batch 3 of epoch 2 (epoch 1 counting from 0)
    at = N_TRAIN + k
    handler_before = signal.getsignal(signal.SIGINT)

    run = Run(tiny_regression, at=at, how=how)
    run.fit_until_interrupted()

    assert "Training interrupted in epoch 2 of 3" in capsys.readouterr().err
    assert signal.getsignal(signal.SIGINT) is handler_before
    assert run.trainer.epoch == 1 and run.trainer.train_batch_idx == at
    assert run.trainer.val_batch_idx == N_VAL  # epoch 2's validation did not run
    # The optimizer stepped exactly train_batch_idx times: the parameters are those the
    # uninterrupted run (same seed, same batches so far) had after that many steps.
    params = run.params()
    assert all(torch.isfinite(p).all() for p in params)
    for p, q in zip(params, reference.before_step[at]):
        assert torch.equal(p, q)
    # The board keeps every point drawn so far, identical to the reference's first points.
    for label, points in run.model.board.data.items():
        assert points == reference.model.board.data[label][:len(points)]
    assert len(run.model.board.data["train_loss"]) == 4  # every 2 of 5 + 3 batches
    assert len(run.model.board.data["val_loss"]) == 1

    run.fit()  # continue: epoch 2 restarts from its first batch, then epoch 3
    assert run.trainer.epoch == 2  # max_epochs - 1
    assert run.trainer.train_batch_idx == 3 * N_TRAIN
    assert run.trainer.val_batch_idx == 3 * N_VAL
    assert len(run.before_step) == 3 * N_TRAIN + k  # the partial epoch's k batches twice
    assert [p.x for p in run.model.board.data["val_loss"]] == [1, 2, 3]
    assert all(torch.isfinite(p).all() for p in run.params())


def test_fit_on_a_fresh_model_after_an_interrupt_starts_from_epoch_one(tiny_regression) -> None:
    run = Run(tiny_regression, at=2)
    run.fit_until_interrupted()
    assert run.trainer.train_batch_idx == 2
    other = d2l.LinearRegressionScratch(2, lr=0.03)
    run.trainer.fit(other, run.data)  # the resume point belongs to the other model
    assert run.trainer.train_batch_idx == 3 * N_TRAIN


def test_an_overridden_fit_epoch_is_still_stopped_by_ctrl_c(tiny_regression, capsys) -> None:
    original = d2l.Trainer.fit_epoch
    epochs = []
    try:
        @d2l.add_to_class(d2l.Trainer)
        def fit_epoch(self):  # a d2l-style override that never checks for Ctrl-C
            epochs.append(self.epoch)
            if self.epoch == 1:
                signal.raise_signal(signal.SIGINT)

        trainer = d2l.Trainer(max_epochs=4)
        model = d2l.LinearRegressionScratch(2, lr=0.03)
        with pytest.raises(KeyboardInterrupt):
            trainer.fit(model, tiny_regression())
        assert epochs == [0, 1]
        assert "interrupted" in capsys.readouterr().err
        trainer.fit(model, tiny_regression())
        assert epochs == [0, 1, 2, 3]  # epoch 1 had finished, so fit goes on with epoch 2
    finally:
        d2l.Trainer.fit_epoch = original
