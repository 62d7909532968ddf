"""Checkpoints: what they hold, atomic writes, resuming (also in a new process), safe loading."""

from __future__ import annotations

import errno
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

import dl_lib as d2l
from dl_lib import checkpoint
from tiny_models import TinyNet

ROOT = Path(__file__).resolve().parents[1]


def trained(tiny_regression, epochs: int, seed: int = 0):
    d2l.set_seed(seed)
    data = tiny_regression()
    model = TinyNet()
    trainer = d2l.Trainer(max_epochs=epochs)
    trainer.fit(model, data)
    return trainer, model, data


def test_checkpoint_holds_model_optimizer_epoch_and_rng_states(tiny_regression,
                                                               tmp_path: Path) -> None:
    trainer, model, _ = trained(tiny_regression, 2)
    path = tmp_path / "run.ckpt"
    trainer.save_checkpoint(str(path))
    state = checkpoint.load_checkpoint(path)
    assert state["trainer"] == {"epoch": 2}  # epochs finished
    assert state["model_class"] == "TinyNet" and state["hparams"]["lr"] == model.lr
    assert state["model"].keys() == model.state_dict().keys()
    for key, value in model.state_dict().items():
        assert torch.equal(state["model"][key], value)
    momentum = state["optimizer"]["state"][0]["momentum_buffer"]
    assert torch.equal(momentum, trainer.optim.state_dict()["state"][0]["momentum_buffer"])
    assert set(state["rng"]) == {"python", "numpy", "torch", "cuda"}
    assert torch.equal(state["rng"]["torch"], torch.get_rng_state())
    assert state["board"]["data"]["val_loss"] == [(p.x, p.y)
                                                   for p in model.board.data["val_loss"]]


def test_resume_from_checkpoint_equals_uninterrupted_training(tiny_regression,
                                                              tmp_path: Path) -> None:
    _, straight, _ = trained(tiny_regression, 4)
    trainer, _, data = trained(tiny_regression, 2)
    path = tmp_path / "run.ckpt"
    trainer.save_checkpoint(str(path))
    torch.manual_seed(123)  # a different initialisation and RNG state, both to be replaced
    resumed = TinyNet()
    again = d2l.Trainer(max_epochs=4)
    epochs = []
    original = again.fit_epoch
    again.fit_epoch = lambda: (epochs.append(again.epoch), original())[1]
    again.fit(resumed, data, ckpt_path=str(path))
    assert epochs == [2, 3]
    assert again.train_batch_idx == 20 and again.val_batch_idx == 8
    for a, b in zip(straight.parameters(), resumed.parameters()):
        assert torch.equal(a, b)  # needs the momentum buffers and the RNG state restored
    assert straight.board.data == resumed.board.data


def test_resume_from_a_mid_epoch_checkpoint_restarts_that_epoch(tiny_regression,
                                                                tmp_path: Path) -> None:
    d2l.set_seed(0)
    data, model = tiny_regression(), TinyNet()
    trainer = d2l.Trainer(max_epochs=3)
    original = model.training_step
    calls = []

    def training_step(batch):
        calls.append(1)
        if len(calls) == 8:  # batch 3 of epoch 2
            trainer.interrupt.requested = True  # as a Ctrl-C does
        return original(batch)

    model.training_step = training_step
    with pytest.raises(KeyboardInterrupt):
        trainer.fit(model, data)
    path = tmp_path / "mid.ckpt"
    trainer.save_checkpoint(str(path))
    assert checkpoint.load_checkpoint(path)["trainer"]["epoch"] == 1  # epoch 2 is unfinished

    again, resumed = d2l.Trainer(max_epochs=3), TinyNet()
    again.fit(resumed, data, ckpt_path=str(path))
    assert again.epoch == 2
    assert again.train_batch_idx == 3 * 5 and again.val_batch_idx == 3 * 2
    train_x = [p.x for p in resumed.board.data["train_loss"]]
    assert max(train_x) <= 3  # no point beyond the last epoch


def test_save_is_atomic_when_the_disk_is_full(tiny_regression, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    trainer, model, _ = trained(tiny_regression, 1)
    path = tmp_path / "run.ckpt"
    trainer.save_checkpoint(str(path))
    good = path.read_bytes()

    def full_disk(obj, f, *args, **kwargs):
        f.write(b"PK\x03\x04 half a checkpoint")
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(checkpoint.torch, "save", full_disk)
    with torch.no_grad():
        next(model.parameters()).add_(1.0)  # something new to save
    with pytest.raises(OSError) as caught:
        trainer.save_checkpoint(str(path))
    monkeypatch.undo()
    message = str(caught.value)
    print(message)
    assert caught.value.errno == errno.ENOSPC
    assert str(path) in message and "No space left on device" in message
    assert "previous checkpoint there is unchanged" in message
    assert "free some disk space" in message
    assert path.read_bytes() == good
    assert sorted(os.listdir(tmp_path)) == ["run.ckpt"]  # no temporary file left behind
    assert checkpoint.load_checkpoint(path)["trainer"]["epoch"] == 1


def test_save_interrupted_by_ctrl_c_leaves_the_old_file(tiny_regression, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    trainer, _, _ = trained(tiny_regression, 1)
    path = tmp_path / "run.ckpt"
    trainer.save_checkpoint(str(path))
    good = path.read_bytes()

    def interrupted(obj, f, *args, **kwargs):
        f.write(b"partial")
        raise KeyboardInterrupt

    monkeypatch.setattr(checkpoint.torch, "save", interrupted)
    with pytest.raises(KeyboardInterrupt):
        trainer.save_checkpoint(str(path))
    assert path.read_bytes() == good and os.listdir(tmp_path) == ["run.ckpt"]


def test_a_failed_first_save_leaves_nothing(tmp_path: Path, monkeypatch) -> None:
    def full_disk(obj, f, *args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(checkpoint.torch, "save", full_disk)
    with pytest.raises(OSError, match="nothing was saved"):
        checkpoint.save_atomically({"a": 1}, tmp_path / "new.ckpt")
    assert os.listdir(tmp_path) == []


class RunsCode:
    """Unpickling this would run code that creates ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (exec, (f"open({str(self.marker)!r}, 'w').close()",))


def test_a_checkpoint_that_would_run_code_is_refused(tiny_regression, tmp_path: Path) -> None:
    marker = tmp_path / "code-ran"
    evil = tmp_path / "evil.ckpt"
    checkpoint.save_atomically({"epoch": 1, "model": RunsCode(marker)}, evil)
    with pytest.raises(pickle.UnpicklingError, match="exec"):
        checkpoint.load_checkpoint(evil)
    with pytest.raises(pickle.UnpicklingError):
        d2l.Trainer(max_epochs=2).fit(TinyNet(), tiny_regression(), ckpt_path=str(evil))
    assert not marker.exists()
    pickle.loads(pickle.dumps(RunsCode(marker)))  # the file really holds code that runs
    assert marker.exists()


def test_missing_checkpoint_names_the_path_and_how_to_make_one(tiny_regression,
                                                               tmp_path: Path) -> None:
    missing = tmp_path / "nope.ckpt"
    with pytest.raises(FileNotFoundError) as caught:
        d2l.Trainer(max_epochs=1).fit(TinyNet(), tiny_regression(), ckpt_path=str(missing))
    assert str(missing) in str(caught.value)
    assert "trainer.save_checkpoint(path)" in str(caught.value)


RESUME_SCRIPT = textwrap.dedent("""
    import sys
    import torch
    import dl_lib as d2l

    ckpt, out = sys.argv[1], sys.argv[2]
    d2l.set_seed(0)
    data = d2l.SyntheticRegressionData(torch.tensor([2.0, -3.4]), 4.2, num_train=64,
                                       num_val=32, batch_size=8)
    model = d2l.LinearRegressionScratch(2, lr=0.03)
    d2l.Trainer(max_epochs=4).fit(model, data, ckpt_path=ckpt)
    torch.save({"w": model.w.detach(), "b": model.b.detach(),
                "board": {k: [(p.x, p.y) for p in v] for k, v in model.board.data.items()}},
               out)
""")


def synthetic_run(epochs: int):
    d2l.set_seed(0)
    data = d2l.SyntheticRegressionData(torch.tensor([2.0, -3.4]), 4.2, num_train=64,
                                       num_val=32, batch_size=8)
    model = d2l.LinearRegressionScratch(2, lr=0.03)
    trainer = d2l.Trainer(max_epochs=epochs)
    trainer.fit(model, data)
    return trainer, model


def test_resume_in_a_new_process_equals_four_uninterrupted_epochs(tmp_path: Path) -> None:
    _, straight = synthetic_run(4)
    trainer, _ = synthetic_run(2)
    ckpt, out = tmp_path / "two-epochs.ckpt", tmp_path / "result.pt"
    trainer.save_checkpoint(str(ckpt))
    script = tmp_path / "resume.py"
    script.write_text(RESUME_SCRIPT)
    env = {**os.environ, "DL_LIB_DOWNLOAD": "0", "MPLBACKEND": "Agg"}
    env.pop("DL_LIB_FIGURE_DIR", None)
    done = subprocess.run([sys.executable, str(script), str(ckpt), str(out)], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    result = torch.load(out, weights_only=True)
    assert torch.equal(result["w"], straight.w.detach())
    assert torch.equal(result["b"], straight.b.detach())
    assert result["board"] == {k: [(p.x, p.y) for p in v]
                               for k, v in straight.board.data.items()}


# --- Nothing silent: files that are not checkpoints, and checkpoints that do not fit --------


def saved_run(tiny_regression, tmp_path: Path, epochs: int = 2) -> tuple[Path, object]:
    trainer, _, data = trained(tiny_regression, epochs)
    path = tmp_path / "run.ckpt"
    trainer.save_checkpoint(str(path))
    return path, data


@pytest.mark.parametrize("content, says", [
    (b"", "it is empty"),
    (b"epoch: 3\n", "it is a text file"),
    ("state_dict", "it is a plain torch.save file, such as a state_dict"),
])
def test_a_file_that_is_not_a_checkpoint_says_what_it_is(tmp_path: Path, content, says) -> None:
    path = tmp_path / "x.ckpt"
    if content == "state_dict":
        torch.save(TinyNet().state_dict(), path)
    else:
        path.write_bytes(content)
    with pytest.raises(checkpoint.CheckpointError, match=f"not a dl_lib checkpoint \\({says}"):
        checkpoint.load_checkpoint(path)


@pytest.mark.parametrize("damage", ["flip", "truncate"])
def test_a_damaged_checkpoint_is_refused_by_its_checksum(tiny_regression, tmp_path: Path,
                                                        damage: str) -> None:
    path, data = saved_run(tiny_regression, tmp_path)
    raw = bytearray(path.read_bytes())
    if damage == "flip":
        raw[len(raw) // 2] ^= 0xFF
    else:
        raw = raw[: len(raw) - 100]
    path.write_bytes(bytes(raw))
    with pytest.raises(checkpoint.CheckpointError, match="damaged: its contents do not match"):
        d2l.Trainer(max_epochs=4).fit(TinyNet(), data, ckpt_path=str(path))


def test_save_checkpoint_before_fit_says_to_train_first(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match=r"nothing to save: call trainer.fit\(model, data\) first"):
        d2l.Trainer(max_epochs=1).save_checkpoint(str(tmp_path / "x.ckpt"))


def test_resuming_with_max_epochs_already_reached_is_refused(tiny_regression,
                                                             tmp_path: Path) -> None:
    path, data = saved_run(tiny_regression, tmp_path, epochs=2)
    with pytest.raises(ValueError, match="already trained 2 epochs, so max_epochs=2 leaves "
                                         "nothing to do: set max_epochs to more than 2"):
        d2l.Trainer(max_epochs=2).fit(TinyNet(), data, ckpt_path=str(path))


def test_a_checkpoint_of_another_model_names_the_model_that_saved_it(tiny_regression,
                                                                     tmp_path: Path) -> None:
    path, data = saved_run(tiny_regression, tmp_path)
    with pytest.raises(checkpoint.CheckpointError, match=r"was saved by TinyNet\(.*\), but this "
                                                         r"model is LinearRegressionScratch"):
        d2l.Trainer(max_epochs=4).fit(d2l.LinearRegressionScratch(2, lr=0.03), data,
                                      ckpt_path=str(path))


def test_a_lazy_model_does_not_take_on_a_checkpoints_other_sizes(tmp_path: Path) -> None:
    d2l.set_seed(0)
    X, y = torch.randn(40, 1, 2, 2), torch.randint(0, 3, (40,))

    class Images(d2l.DataModule):
        def __init__(self, batch_size=8):
            super().__init__()
            self.save_hyperparameters()

        def get_dataloader(self, train):
            return self.get_tensorloader((X, y), train)

    trainer = d2l.Trainer(max_epochs=1)
    trainer.fit(d2l.MLP(num_outputs=3, num_hiddens=32, lr=0.1), Images())
    trainer.save_checkpoint(str(tmp_path / "mlp.ckpt"))
    bigger = d2l.MLP(num_outputs=3, num_hiddens=64, lr=0.1)
    with pytest.raises(checkpoint.CheckpointError, match="num_hiddens differs"):
        d2l.Trainer(max_epochs=2).fit(bigger, Images(), ckpt_path=str(tmp_path / "mlp.ckpt"))


def test_a_model_with_plain_tensor_parameters_resumes_its_weights(tmp_path: Path) -> None:
    class PlainScratch(d2l.Module):  # d2l's own 3.4 model keeps w and b as plain tensors
        def __init__(self, lr=0.03):
            super().__init__()
            self.save_hyperparameters()
            self.w = torch.normal(0, 0.01, (2, 1), requires_grad=True)
            self.b = torch.zeros(1, requires_grad=True)

        def forward(self, X):
            return X @ self.w + self.b

        def loss(self, y_hat, y):
            return ((y_hat - y) ** 2 / 2).mean()

        def configure_optimizers(self):
            return d2l.SGD([self.w, self.b], self.lr)

    d2l.set_seed(0)
    data = d2l.SyntheticRegressionData(torch.tensor([2.0, -3.4]), 4.2, num_train=64,
                                       num_val=32, batch_size=8)
    trainer, model = d2l.Trainer(max_epochs=2), PlainScratch()
    trainer.fit(model, data)
    trainer.save_checkpoint(str(tmp_path / "plain.ckpt"))
    resumed, again = PlainScratch(), d2l.Trainer(max_epochs=3)
    again.fit_epoch = lambda: None  # restore only
    again.fit(resumed, data, ckpt_path=str(tmp_path / "plain.ckpt"))
    assert torch.equal(resumed.w, model.w) and torch.equal(resumed.b, model.b)


def test_a_changed_learning_rate_is_used_and_said(tiny_regression, tmp_path: Path) -> None:
    path, data = saved_run(tiny_regression, tmp_path)
    model = TinyNet(lr=0.01)
    trainer = d2l.Trainer(max_epochs=3)
    with pytest.warns(UserWarning, match=r"was trained with lr=0\.05; training goes on with "
                                         r"this model's lr=0\.01"):
        trainer.fit(model, data, ckpt_path=str(path))
    assert trainer.optim.param_groups[0]["lr"] == model.lr == 0.01
