"""Checkpoint files: what a training run needs to resume, written atomically, checksummed and
loaded without running code (used by ``Trainer``).

A file is one header line, ``dl_lib-checkpoint sha256=<hex>``, then ``torch.save``'s bytes.
Each object saves its own part: the trainer its counters, the model its tensors and (through
``on_save_checkpoint``) its board, the optimizer its ``state_dict``.
"""

from __future__ import annotations

import errno
import hashlib
import io
import numbers
import os
import random
import tempfile
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import torch

MAGIC = b"dl_lib-checkpoint sha256="


class CheckpointError(ValueError):
    """A file that is not a usable checkpoint, or one that does not fit the model.

    >>> issubclass(CheckpointError, ValueError)
    True
    """


def rng_states() -> dict[str, Any]:
    """The states of Python's, NumPy's and torch's random generators, as safe-to-load data.

    >>> sorted(rng_states())
    ['cuda', 'numpy', 'python', 'torch']
    """
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    return {
        "python": random.getstate(),
        "numpy": [kind, torch.from_numpy(np.asarray(keys).copy()), pos, has_gauss, cached],
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }


def set_rng_states(states: dict[str, Any]) -> None:
    """Restore what ``rng_states`` returned.

    >>> s = rng_states(); a = torch.rand(1); set_rng_states(s); torch.equal(a, torch.rand(1))
    True
    """
    version, internal, gauss = states["python"]
    random.setstate((version, tuple(internal), gauss))
    kind, keys, pos, has_gauss, cached = states["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(states["torch"])
    if states["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])


def save_atomically(obj: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``obj`` as a checksummed checkpoint: to a temporary file beside ``path``, flushed
    to disk, then renamed over ``path``.

    A failure at any point leaves an existing file at ``path`` as it was, and no temporary
    file behind; a failure to write (a full disk, say) is an ``OSError`` that names ``path``.

    >>> p = Path(tempfile.mkdtemp()) / "x.ckpt"
    >>> save_atomically({"a": 1}, p) == p, load_checkpoint(p)
    (True, {'a': 1})
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        buffer = io.BytesIO()
        torch.save(obj, buffer)
        payload = buffer.getvalue()
        header = MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n"
        with os.fdopen(fd, "wb") as f:
            f.write(header)
            f.write(payload)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as error:
        _close_quietly(fd)
        Path(tmp).unlink(missing_ok=True)
        kept = ("the previous checkpoint there is unchanged" if path.exists()
                else "nothing was saved")
        fix = ("free some disk space" if error.errno == errno.ENOSPC
               else "check that you may write to that folder")
        raise OSError(error.errno, f"could not write the checkpoint {path} "
                      f"({error.strerror or error}); {kept}. To save it, {fix} "
                      "or save to another path.") from error
    except BaseException:
        _close_quietly(fd)
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _close_quietly(fd: int) -> None:
    try:
        os.close(fd)
    except OSError:
        pass  # already closed by the file object that wrapped it


def load_checkpoint(path: str | os.PathLike[str]) -> Any:
    """Load a checkpoint, checking its checksum, with ``weights_only=True`` (never code).

    >>> load_checkpoint("/no/such.ckpt")
    Traceback (most recent call last):
    ...
    FileNotFoundError: no checkpoint at /no/such.ckpt; save one with trainer.save_checkpoint(path)
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"no checkpoint at {path}; save one with trainer.save_checkpoint(path)"
        )
    data = path.read_bytes()
    header, _, payload = data.partition(b"\n")
    if not header.startswith(MAGIC):
        raise CheckpointError(f"{path} is not a dl_lib checkpoint ({_what_it_is(data)}). "
                              "Checkpoints are written by trainer.save_checkpoint(path).")
    if hashlib.sha256(payload).hexdigest().encode() != header[len(MAGIC):]:
        raise CheckpointError(f"{path} is damaged: its contents do not match the checksum "
                              "saved with them (a truncated copy or changed bytes). Use "
                              "another copy, or train again.")
    return torch.load(io.BytesIO(payload), map_location="cpu", weights_only=True)


def _what_it_is(data: bytes) -> str:
    if not data:
        return "it is empty"
    if data[:2] == b"PK" or data[:1] == b"\x80":
        return ("it is a plain torch.save file, such as a state_dict: load that with "
                "model.load_state_dict(torch.load(path))")
    try:
        data[:200].decode("utf-8")
        return "it is a text file"
    except UnicodeDecodeError:
        return "its first bytes are not a checkpoint's header"


def plain_hparams(model: Any) -> dict[str, Any]:
    """The model's hyperparameters that are plain values (numbers, strings, ...), for a check.

    >>> from types import SimpleNamespace
    >>> plain_hparams(SimpleNamespace(hparams={"lr": 0.1, "w": torch.zeros(1), "n": 3}))
    {'lr': 0.1, 'n': 3}
    """
    kinds = (numbers.Number, str, bool, type(None))
    return {k: v for k, v in getattr(model, "hparams", {}).items()
            if isinstance(v, kinds) or (isinstance(v, (tuple, list))
                                        and all(isinstance(x, kinds) for x in v))}


def trained_tensors(optim: Any) -> list[torch.Tensor]:
    """The tensors an optimizer updates: what a checkpoint must keep, registered or not.

    >>> w = torch.zeros(2, requires_grad=True)
    >>> [t.shape for t in trained_tensors(torch.optim.SGD([w], lr=0.1))]
    [torch.Size([2])]
    """
    if hasattr(optim, "param_groups"):
        return [p for group in optim.param_groups for p in group["params"]]
    return list(getattr(optim, "params", []))


def describe(model_class: str, hparams: dict[str, Any]) -> str:
    """``MLP(num_hiddens=32, lr=0.1)``: how a checkpoint names the model that wrote it.

    >>> describe("MLP", {"num_hiddens": 32})
    'MLP(num_hiddens=32)'
    """
    return f"{model_class}({', '.join(f'{k}={v!r}' for k, v in hparams.items())})"


def check_fits(state: dict[str, Any], model: Any, path: Path) -> None:
    """Refuse a checkpoint written by another kind of model or other hyperparameters (its
    learning rate aside: a changed ``lr`` is used, with a warning).

    >>> import dl_lib as d2l
    >>> data = d2l.SyntheticRegressionData(torch.tensor([2.0, -3.4]), 4.2)
    >>> trainer = d2l.Trainer(max_epochs=1)
    >>> trainer.fit(d2l.LinearRegressionScratch(2, lr=0.03), data)
    >>> state = checkpoint_state(trainer)
    >>> check_fits(state, d2l.LinearRegressionScratch(2, lr=0.03), Path("run.pt"))  # fits
    >>> check_fits(state, d2l.LinearRegressionScratch(3, lr=0.03), Path("run.pt"))
    Traceback (most recent call last):
    ...
    dl_lib.checkpoint.CheckpointError: run.pt was saved by ... num_inputs differs. ...
    """
    saved, now = state["hparams"], plain_hparams(model)
    here = describe(type(model).__name__, now)
    there = describe(state["model_class"], saved)
    if state["model_class"] != type(model).__name__:
        raise CheckpointError(f"{path} was saved by {there}, but this model is {here}: build "
                              "the model the checkpoint was saved from.")
    differ = sorted(k for k in set(saved) | set(now) if k != "lr" and saved.get(k) != now.get(k))
    if differ:
        raise CheckpointError(
            f"{path} was saved by {there}, but this model is {here}: "
            f"{', '.join(f'{k} differs' for k in differ)}. Build the model with the "
            "checkpoint's hyperparameters to resume it.")
    if "lr" in saved and "lr" in now and saved["lr"] != now["lr"]:
        warnings.warn(f"{path} was trained with lr={saved['lr']!r}; training goes on with this "
                      f"model's lr={now['lr']!r}.", stacklevel=4)


def checkpoint_state(trainer: Any) -> dict[str, Any]:
    """Everything needed to resume ``trainer``'s run, gathered from each object's own hooks.

    >>> import dl_lib as d2l
    >>> data = d2l.SyntheticRegressionData(torch.tensor([2.0, -3.4]), 4.2)
    >>> trainer = d2l.Trainer(max_epochs=1)
    >>> trainer.fit(d2l.LinearRegressionScratch(2, lr=0.03), data)
    >>> state = checkpoint_state(trainer)
    >>> state["model_class"], state["trainer"]
    ('LinearRegressionScratch', {'epoch': 1})
    """
    model, optim = trainer.model, trainer.optim
    state: dict[str, Any] = {
        "trainer": trainer.state_dict(),
        "model_class": type(model).__name__,
        "hparams": plain_hparams(model),
        "model": model.state_dict(),
        "trained": [t.detach().cpu() for t in trained_tensors(optim)],
        "optimizer": optim.state_dict() if hasattr(optim, "state_dict") else {},
        "rng": rng_states(),
    }
    if hasattr(model, "on_save_checkpoint"):
        model.on_save_checkpoint(state)
    return state


def restore(trainer: Any, path: str | os.PathLike[str]) -> None:
    """Put the run saved at ``path`` back into ``trainer``, its model and its optimizer.

    >>> import dl_lib as d2l
    >>> data = d2l.SyntheticRegressionData(torch.tensor([2.0, -3.4]), 4.2)
    >>> trainer = d2l.Trainer(max_epochs=1)
    >>> trainer.fit(d2l.LinearRegressionScratch(2, lr=0.03), data)
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     trainer.save_checkpoint(Path(folder) / "run.pt")
    ...     again = d2l.Trainer(max_epochs=2)
    ...     again.fit(d2l.LinearRegressionScratch(2, lr=0.03), data,
    ...               ckpt_path=Path(folder) / "run.pt")  # calls restore, then epoch 2
    >>> again.epoch
    1
    """
    path = Path(path)
    state = load_checkpoint(path)
    if not isinstance(state, dict) or "trainer" not in state:
        raise CheckpointError(f"{path} holds no training state: it was not written by "
                              "trainer.save_checkpoint(path).")
    model, optim = trainer.model, trainer.optim
    check_fits(state, model, path)
    model.load_state_dict(state["model"])
    tensors = trained_tensors(optim)
    if [tuple(t.shape) for t in tensors] != [tuple(t.shape) for t in state["trained"]]:
        raise CheckpointError(f"{path} holds trained tensors of shapes "
                              f"{[tuple(t.shape) for t in state['trained']]}, but this model's "
                              f"optimizer trains {[tuple(t.shape) for t in tensors]}.")
    with torch.no_grad():
        for tensor, saved in zip(tensors, state["trained"]):
            tensor.copy_(saved)
    if hasattr(optim, "load_state_dict") and state["optimizer"]:
        lr = getattr(model, "lr", None)
        optim.load_state_dict(state["optimizer"])
        if lr is not None:
            set_learning_rate(optim, lr)
    if hasattr(model, "on_load_checkpoint"):
        model.on_load_checkpoint(state)
    trainer.load_state_dict(state["trainer"])
    set_rng_states(state["rng"])


def set_learning_rate(optim: Any, lr: float) -> None:
    """Make ``optim`` step with ``lr`` (the model's, which a resumed run keeps).

    >>> optim = torch.optim.SGD([torch.zeros(2, requires_grad=True)], lr=0.1)
    >>> set_learning_rate(optim, 0.01); optim.param_groups[0]["lr"]
    0.01
    """
    if hasattr(optim, "param_groups"):
        for group in optim.param_groups:
            group["lr"] = lr
    elif hasattr(optim, "lr"):
        optim.lr = lr
