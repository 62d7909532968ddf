"""``Trainer``: fits a ``Module`` to a ``DataModule`` (sections 3.2 and 3.4).

Beyond d2l: it trains on a GPU when asked and one exists, stops with a clear error when the
loss stops being finite, survives Ctrl-C between batches, and saves and resumes checkpoints.
"""

from __future__ import annotations

import math
import signal
import sys
import threading
import warnings
from contextlib import contextmanager
from typing import Any, Iterator

import torch

from .checkpoint import load_checkpoint, rng_states, save_atomically, set_rng_states
from .device import gpu, num_gpus as available_gpus
from .figure_view import in_notebook
from .hyperparams import HyperParameters

_warned = {"no_gpu": False}


class NonFiniteLossError(FloatingPointError):
    """The training loss became ``nan`` or ``inf``.

    >>> issubclass(NonFiniteLossError, FloatingPointError)
    True
    """


class Trainer(HyperParameters):
    """Train ``model`` on ``data`` for ``max_epochs`` epochs: ``Trainer(10).fit(model, data)``.

    >>> from dl_lib import SyntheticRegressionData, LinearRegressionScratch, set_seed
    >>> set_seed(0)
    >>> data = SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)
    >>> model = LinearRegressionScratch(2, lr=0.03)
    >>> Trainer(max_epochs=3).fit(model, data)
    >>> bool((model.w.reshape(-1) - data.w).abs().max() < 0.5)  # about 0.2 after 3 epochs
    True
    """

    def __init__(self, max_epochs: int, num_gpus: int = 0, gradient_clip_val: float = 0,
                 stop_on_nonfinite: bool = True) -> None:
        self.save_hyperparameters()
        self.gpus = [gpu(i) for i in range(min(num_gpus, available_gpus()))]
        if num_gpus > len(self.gpus) and not _warned["no_gpu"]:
            _warned["no_gpu"] = True
            warnings.warn(f"num_gpus={num_gpus} but only {len(self.gpus)} GPU(s) are available; "
                          f"training on {'the CPU' if not self.gpus else self.gpus}.", stacklevel=2)
        self.epoch = 0
        self._resume: tuple[int, int] | None = None

    @property
    def device(self) -> torch.device:
        """Where the model and batches live: the first GPU in use, else the CPU."""
        return self.gpus[0] if self.gpus else torch.device("cpu")

    def prepare_data(self, data: Any) -> None:
        """Take the loaders from ``data`` (moved to the GPU once, when one is used)."""
        self.train_dataloader = data.train_dataloader()
        self.val_dataloader = data.val_dataloader()
        if self.gpus:
            self.train_dataloader = _to_device(self.train_dataloader, self.device)
            self.val_dataloader = _to_device(self.val_dataloader, self.device)
        self.num_train_batches = len(self.train_dataloader)
        self.num_val_batches = len(self.val_dataloader) if self.val_dataloader is not None else 0

    def prepare_model(self, model: Any) -> None:
        """Link the model to this trainer, set its board's x range and move it to the device."""
        model.trainer = self
        model.board.xlim = [0, self.max_epochs]
        if self.gpus:
            model.to(self.device)
        self.model = model

    def prepare_batch(self, batch: Any) -> Any:
        """Move a batch to the device (a no-op for tensors already there)."""
        if self.gpus:
            batch = [a.to(self.device) for a in batch]
        return batch

    def fit(self, model: Any, data: Any, ckpt_path: str | None = None) -> None:
        """Train for ``max_epochs`` epochs; with ``ckpt_path``, resume from that checkpoint.

        Ctrl-C stops at the end of the current batch; calling ``fit`` again with the same
        model continues from the interrupted epoch.
        """
        self.prepare_data(data)
        self.prepare_model(model)
        self.optim = model.configure_optimizers()
        start, self.train_batch_idx, self.val_batch_idx = 0, 0, 0
        if self._resume is not None and self._resume[0] == id(model):
            start = self._resume[1]
            self.train_batch_idx = start * self.num_train_batches
            self.val_batch_idx = start * self.num_val_batches
        if ckpt_path is not None:
            start = self._load_checkpoint(ckpt_path)
        self._resume = None
        self.epoch = start
        try:
            with _interrupt_between_batches(self):
                for self.epoch in _epochs(start, self.max_epochs, model.board):
                    self.fit_epoch()
                    if self._interrupt_requested:  # an overridden fit_epoch did not stop
                        self.epoch += 1
                        _stop_if_interrupted(self)
        except KeyboardInterrupt:
            self._resume = (id(model), self.epoch)
            print(f"Training interrupted in epoch {self.epoch + 1} of {self.max_epochs}; "
                  "the model keeps the parameters it has learned. Call fit(model, data) "
                  "again to continue from that epoch.", file=sys.stderr)
        finally:
            model.board.show()

    def fit_epoch(self) -> None:
        """One pass over the training batches, then one over the validation batches."""
        self.model.train()
        for batch in self.train_dataloader:
            loss = self.model.training_step(self.prepare_batch(batch))
            self.check_loss(loss)
            self.optim.zero_grad()
            loss.backward()
            if self.gradient_clip_val > 0:
                self.clip_gradients(self.gradient_clip_val, self.model)
            self.optim.step()
            self.train_batch_idx += 1
            _stop_if_interrupted(self)
        if self.val_dataloader is None:
            return
        self.model.eval()
        with torch.no_grad():
            for batch in self.val_dataloader:
                self.model.validation_step(self.prepare_batch(batch))
                self.val_batch_idx += 1

    def check_loss(self, loss: torch.Tensor) -> None:
        """Raise ``NonFiniteLossError`` if ``loss`` is nan or inf (unless switched off)."""
        if not self.stop_on_nonfinite or math.isfinite(float(loss.detach())):
            return
        lr = getattr(self.model, "lr", None)
        hint = f"lr={lr} is probably too large: try lr={lr / 10:g}" if lr else "lower the lr"
        batch = self.train_batch_idx - self.epoch * self.num_train_batches + 1
        raise NonFiniteLossError(
            f"The training loss became {float(loss.detach())} in epoch {self.epoch + 1}, batch "
            f"{batch}; {hint}. The parameters were not updated with it. To train on anyway, "
            "use Trainer(..., stop_on_nonfinite=False)."
        )

    def clip_gradients(self, grad_clip_val: float, model: Any) -> None:
        """Scale all gradients down together so that their joint norm is at most ``grad_clip_val``."""
        params = [p for p in model.parameters() if p.requires_grad and p.grad is not None]
        norm = torch.sqrt(sum(torch.sum(p.grad ** 2) for p in params))
        if norm > grad_clip_val:
            for param in params:
                param.grad[:] *= grad_clip_val / norm

    def save_checkpoint(self, filepath: str) -> None:
        """Save model, optimizer, finished epochs, batch counters, board and RNG states, atomically."""
        model = self.model
        state = {
            "epoch": self.epoch + 1 if self._finished_epoch() else self.epoch,
            "train_batch_idx": self.train_batch_idx,
            "val_batch_idx": self.val_batch_idx,
            "model": model.state_dict(),
            "parameters": [p.detach().cpu() for p in model.parameters()],
            "optimizer": self.optim.state_dict() if hasattr(self.optim, "state_dict") else {},
            "board": {k: [(p.x, p.y) for p in v] for k, v in model.board.data.items()},
            "rng": rng_states(),
        }
        save_atomically(state, filepath)

    def _finished_epoch(self) -> bool:
        return self.train_batch_idx >= (self.epoch + 1) * self.num_train_batches

    def _load_checkpoint(self, path: str) -> int:
        from .progress_board import Point

        state = load_checkpoint(path)
        self.model.load_state_dict(state["model"])
        with torch.no_grad():
            for param, saved in zip(self.model.parameters(), state["parameters"]):
                param.copy_(saved)
        if hasattr(self.optim, "load_state_dict") and state["optimizer"]:
            self.optim.load_state_dict(state["optimizer"])
        self.model.board.data = {k: [Point(x, y) for x, y in v] for k, v in state["board"].items()}
        epoch = int(state["epoch"])  # an unfinished epoch restarts from its first batch
        self.train_batch_idx = epoch * self.num_train_batches
        self.val_batch_idx = epoch * self.num_val_batches
        set_rng_states(state["rng"])
        return epoch


def _to_device(loader: Any, device: torch.device) -> Any:
    return loader.to(device) if hasattr(loader, "to") else loader


def _epochs(start: int, stop: int, board: Any) -> Iterator[int]:
    """Epoch numbers, with a terminal progress bar outside notebooks when stderr is a terminal."""
    if in_notebook() or not sys.stderr.isatty():
        yield from range(start, stop)
        return
    from tqdm.auto import tqdm

    bar = tqdm(range(start, stop), initial=start, total=stop, unit="epoch", leave=True)
    for epoch in bar:
        yield epoch
        bar.set_postfix({k: f"{v[-1].y:.3f}" for k, v in board.data.items() if v})


@contextmanager
def _interrupt_between_batches(trainer: Trainer) -> Iterator[None]:
    """Turn the first Ctrl-C into a request that ``fit_epoch`` honours after the batch."""
    trainer._interrupt_requested = False
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def request(signum: int, frame: Any) -> None:
        if trainer._interrupt_requested:
            raise KeyboardInterrupt
        trainer._interrupt_requested = True

    previous = signal.signal(signal.SIGINT, request)
    try:
        yield
        _stop_if_interrupted(trainer)
    finally:
        signal.signal(signal.SIGINT, previous)


def _stop_if_interrupted(trainer: Trainer) -> None:
    if getattr(trainer, "_interrupt_requested", False):
        trainer._interrupt_requested = False
        raise KeyboardInterrupt
