"""``Module`` and ``Classifier``: the base classes of models (sections 3.2 and 4.3)."""

from __future__ import annotations

from typing import Any, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from . import checks
from .functional import check_class_labels
from .hyperparams import HyperParameters
from .progress_board import ProgressBoard


class Module(nn.Module, HyperParameters):
    """Base class of models: a ``torch.nn.Module`` with a loss, an optimizer and a board.

    Subclasses set ``self.net`` (or override ``forward``) and ``loss``; ``Trainer`` calls
    ``training_step`` and ``validation_step`` for each batch.

    >>> class Line(Module):
    ...     def __init__(self, lr=0.1):
    ...         super().__init__()
    ...         self.save_hyperparameters()
    ...         self.net = nn.Linear(1, 1)
    ...     def loss(self, y_hat, y):
    ...         return ((y_hat - y) ** 2).mean()
    >>> model = Line()
    >>> model(torch.zeros(4, 1)).shape, type(model.configure_optimizers()).__name__
    (torch.Size([4, 1]), 'SGD')
    """

    def __init__(self, plot_train_per_epoch: int = 2, plot_valid_per_epoch: int = 1) -> None:
        super().__init__()
        for name, value in (("plot_train_per_epoch", plot_train_per_epoch),
                            ("plot_valid_per_epoch", plot_valid_per_epoch)):
            checks.whole_number(type(self).__name__, name, value, 1, f"{name}=1")
        self.save_hyperparameters()
        self.board = ProgressBoard()

    def loss(self, y_hat: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """The loss of predictions ``y_hat`` against targets ``y``; subclasses define it."""
        raise NotImplementedError(f"{type(self).__name__} must define loss(self, y_hat, y)")

    def forward(self, X: torch.Tensor) -> torch.Tensor:
        """Apply ``self.net``; subclasses without a ``net`` override this."""
        if not hasattr(self, "net"):
            raise NotImplementedError(
                f"{type(self).__name__} has no self.net: set one in __init__ or define forward"
            )
        return self.net(X)

    def plot(self, key: str, value: torch.Tensor, train: bool) -> None:
        """Put a point of curve ``train_key`` or ``val_key`` on the board, by epoch."""
        trainer = getattr(self, "trainer", None)
        if trainer is None:
            raise RuntimeError("plot() needs self.trainer: train the model with Trainer.fit first")
        if isinstance(value, torch.Tensor) and value.numel() != 1:
            raise ValueError(f"the {key} to plot has shape {tuple(value.shape)}, one value per "
                             "example, but a curve (and training) needs one number: average "
                             "it, e.g. `return l.mean()` at the end of loss.")
        self.board.xlabel = "epoch"
        if train:
            x = trainer.train_batch_idx / trainer.num_train_batches
            n = trainer.num_train_batches / self.plot_train_per_epoch
        else:
            x = trainer.epoch + 1
            n = trainer.num_val_batches / self.plot_valid_per_epoch
        self.board.draw(x, float(value.detach()), ("train_" if train else "val_") + key,
                        every_n=int(n))

    def training_step(self, batch: Sequence[torch.Tensor]) -> torch.Tensor:
        """Loss of one training batch ``(*inputs, y)``, plotted as ``train_loss``."""
        loss = self.loss(self(*batch[:-1]), batch[-1])
        self.plot("loss", loss, train=True)
        return loss

    def validation_step(self, batch: Sequence[torch.Tensor]) -> None:
        """Loss of one validation batch, plotted as ``val_loss``."""
        loss = self.loss(self(*batch[:-1]), batch[-1])
        self.plot("loss", loss, train=False)

    def configure_optimizers(self) -> Any:
        """Minibatch SGD over all parameters with ``self.lr``."""
        return torch.optim.SGD(self.parameters(), lr=self.lr)

    def on_save_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        """Add what the model keeps beyond its tensors (its board's curves) to ``checkpoint``.

        >>> checkpoint = {}; Module().on_save_checkpoint(checkpoint); sorted(checkpoint)
        ['board']
        """
        checkpoint["board"] = self.board.state_dict()

    def on_load_checkpoint(self, checkpoint: dict[str, Any]) -> None:
        """Restore what ``on_save_checkpoint`` added."""
        self.board.load_state_dict(checkpoint["board"])

    def apply_init(self, inputs: Sequence[torch.Tensor], init: Any = None) -> None:
        """Run a forward pass so lazy layers get their shapes, then apply ``init`` to ``net``."""
        self.forward(*inputs)
        if init is not None:
            self.net.apply(init)


class Classifier(Module):
    """Base class of classification models: adds accuracy to validation (section 4.3).

    >>> Y_hat = torch.tensor([[0.1, 0.9], [0.8, 0.2], [0.3, 0.7]])
    >>> Classifier().accuracy(Y_hat, torch.tensor([1, 0, 0]))
    tensor(0.6667)
    """

    def validation_step(self, batch: Sequence[torch.Tensor]) -> None:
        """Plot the validation loss and accuracy of one batch."""
        Y_hat = self(*batch[:-1])
        self.plot("loss", self.loss(Y_hat, batch[-1]), train=False)
        self.plot("acc", self.accuracy(Y_hat, batch[-1]), train=False)

    def accuracy(self, Y_hat: torch.Tensor, Y: torch.Tensor, averaged: bool = True) -> torch.Tensor:
        """Fraction (or, with ``averaged=False``, 0/1 per example) of correct predictions."""
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        preds = Y_hat.argmax(dim=1).type(Y.dtype)
        compare = (preds == Y.reshape(-1)).type(torch.float32)
        return compare.mean() if averaged else compare

    def loss(self, Y_hat: torch.Tensor, Y: torch.Tensor, averaged: bool = True) -> torch.Tensor:
        """Cross-entropy of logits ``Y_hat`` against class numbers ``Y``."""
        Y_hat = Y_hat.reshape((-1, Y_hat.shape[-1]))
        Y = check_class_labels(Y_hat, Y.reshape((-1,)))
        return F.cross_entropy(Y_hat, Y, reduction="mean" if averaged else "none")
