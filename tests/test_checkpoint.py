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
