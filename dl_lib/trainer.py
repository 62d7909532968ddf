"""``Trainer``: fits a ``Module`` to a ``DataModule`` (sections 3.2 and 3.4).

The loop that d2l's readers know. What it leans on lives elsewhere: the checks of its
arguments and of each loss (``training_checks``), Ctrl-C at batch boundaries
(``interrupts``), checkpoints (``checkpoint``) and the terminal progress bar
(``terminal_progress``).
"""

from __future__ import annotations

import math
import sys
import warnings
import weakref
from typing import Any

import torch

from . import checkpoint, checks, settings
from .device import gpu, num_gpus as available_gpus
from .hyperparams import HyperParameters
from .interrupts import BatchBoundaryInterrupt
from .terminal_progress import epochs
from .training_checks import NonFiniteLossError, check_fit_arguments, check_loss, explain_nonfinite

__all__ = ["Trainer", "NonFiniteLossError"]


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
        max_epochs = checks.whole_number("Trainer", "max_epochs", max_epochs, 1, "max_epochs=10")
        num_gpus = checks.whole_number("Trainer", "num_gpus", num_gpus, 0,
                                       "num_gpus=0 trains on the CPU")
        gradient_clip_val = checks.real_number("Trainer", "gradient_clip_val", gradient_clip_val,
                                               0, hint="gradient_clip_val=0 switches it off")
        self.save_hyperparameters()
        self.gpus = [gpu(i) for i in range(min(num_gpus, available_gpus()))]
        if num_gpus > len(self.gpus) and "no_gpu" not in settings.switches.warned:
            settings.switches.warned.add("no_gpu")
            warnings.warn(f"num_gpus={num_gpus} but only {len(self.gpus)} GPU(s) are available; "
                          f"training on {'the CPU' if not self.gpus else self.gpus}.", stacklevel=2)
        self.epoch = 0
        self.interrupt = BatchBoundaryInterrupt()
        self._interrupted: tuple[weakref.ref[Any], int] | None = None

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
        if self.num_train_batches == 0:
            raise ValueError(f"{type(data).__name__}'s training loader has no batches, so "
                             "there is nothing to train on: check its data and get_dataloader.")

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

        Ctrl-C stops at the end of the current batch (twice: at once) with a
        ``KeyboardInterrupt``; calling ``fit`` again with the same model continues from the
        interrupted epoch.
        """
        check_fit_arguments(model, data)
        self.prepare_data(data)
        self.prepare_model(model)
        self.optim = model.configure_optimizers()
        self.load_state_dict({"epoch": self._resume_epoch(model)})
        if ckpt_path is not None:
            checkpoint.restore(self, ckpt_path)
            if self.epoch >= self.max_epochs:
                raise ValueError(f"{ckpt_path} has already trained {self.epoch} epochs, so "
                                 f"max_epochs={self.max_epochs} leaves nothing to do: set "
                                 f"max_epochs to more than {self.epoch} to train further.")
        try:
            with self.interrupt:
                for self.epoch in epochs(self.epoch, self.max_epochs, model.board):
                    self.fit_epoch()
                    if self.interrupt.requested:  # an overridden fit_epoch did not stop
                        self.epoch += 1  # ... but it finished its epoch
                        self.interrupt.check()
        except KeyboardInterrupt:
            self._interrupted = (weakref.ref(model), self.epoch)
            print(f"Training interrupted in epoch {self.epoch + 1} of {self.max_epochs}, "
                  "between two batches; the model keeps what it has learned. Call "
                  "fit(model, data) again to continue from that epoch.", file=sys.stderr)
            raise
        finally:
            model.board.show()

    def fit_epoch(self) -> None:
        """One pass over the training batches, then one over the validation batches."""
        self.model.train()
        for batch in self.train_dataloader:
            batch = self.prepare_batch(batch)
            loss = self.model.training_step(batch)
            self.check_loss(loss, batch)
            self.optim.zero_grad()
            loss.backward()
            if self.gradient_clip_val > 0:
                self.clip_gradients(self.gradient_clip_val, self.model)
            self.optim.step()
            self.train_batch_idx += 1
            self.interrupt.check()
        if self.val_dataloader is None:
            return
        self.model.eval()
        with torch.no_grad():
            for batch in self.val_dataloader:
                self.model.validation_step(self.prepare_batch(batch))
                self.val_batch_idx += 1

    def check_loss(self, loss: Any, batch: Any = ()) -> None:
        """Refuse a loss that cannot train (see ``training_checks``); stop on nan or inf
        with ``NonFiniteLossError`` unless ``stop_on_nonfinite=False``."""
        check_loss(loss, batch)
        if self.stop_on_nonfinite and not math.isfinite(float(loss.detach())):
            where = (f"epoch {self.epoch + 1}, batch "
                     f"{self.train_batch_idx - self.epoch * self.num_train_batches + 1}")
            raise NonFiniteLossError(explain_nonfinite(loss, self.model, batch, where))

    def clip_gradients(self, grad_clip_val: float, model: Any) -> None:
        """Scale all gradients down together so that their joint norm is at most ``grad_clip_val``."""
        params = [p for p in model.parameters() if p.requires_grad and p.grad is not None]
        if not params:
            return  # nothing has a gradient yet: nothing to clip
        norm = torch.sqrt(sum(torch.sum(p.grad ** 2) for p in params))
        if norm > grad_clip_val:
            for param in params:
                param.grad[:] *= grad_clip_val / norm

    def state_dict(self) -> dict[str, int]:
        """The finished epochs (an unfinished one restarts from its first batch), for a checkpoint."""
        finished = self.train_batch_idx >= (self.epoch + 1) * self.num_train_batches
        return {"epoch": self.epoch + 1 if finished else self.epoch}

    def load_state_dict(self, state: dict[str, int]) -> None:
        """Continue from the start of epoch ``state["epoch"]``."""
        self.epoch = int(state["epoch"])
        self.train_batch_idx = self.epoch * self.num_train_batches
        self.val_batch_idx = self.epoch * self.num_val_batches

    def save_checkpoint(self, filepath: str) -> None:
        """Save the run (model, optimizer, finished epochs, board, RNG states), atomically."""
        if not hasattr(self, "optim"):
            raise RuntimeError("this trainer has not trained a model yet, so there is "
                               "nothing to save: call trainer.fit(model, data) first.")
        checkpoint.save_atomically(checkpoint.checkpoint_state(self), filepath)

    def _resume_epoch(self, model: Any) -> int:
        """The epoch to start from: the interrupted one when ``model`` was interrupted here."""
        interrupted, self._interrupted = self._interrupted, None
        if interrupted is not None and interrupted[0]() is model:
            return interrupted[1]
        return 0


def _to_device(loader: Any, device: torch.device) -> Any:
    return loader.to(device) if hasattr(loader, "to") else loader
