"""A small model shared by the trainer and checkpoint tests."""

from __future__ import annotations

import torch

import dl_lib as d2l


class TinyNet(d2l.Module):
    """A two-layer regression net trained by torch's SGD with momentum (optimizer state)."""

    def __init__(self, lr: float = 0.05) -> None:
        super().__init__()
        self.save_hyperparameters()
        self.net = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.ReLU(),
                                       torch.nn.Linear(4, 1))

    def loss(self, y_hat, y):
        return torch.nn.functional.mse_loss(y_hat, y)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.lr, momentum=0.9)
