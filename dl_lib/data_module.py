"""Data modules and the in-memory batch iterator they serve (sections 3.2–3.4)."""

from __future__ import annotations

import math
from typing import Any, Iterator, Sequence

import torch

from . import checks
from .data_folders import download_root
from .hyperparams import HyperParameters


class TensorLoader:
    """Batches cut by index from tensors held in memory; iterate it again for another pass.

    Training loaders reshuffle on every pass. ``len()`` is the number of batches. A
    ``transform`` (for example uint8 → float in [0, 1]) is applied to each whole batch.

    >>> X, y = torch.arange(10.0).reshape(5, 2), torch.arange(5)
    >>> loader = TensorLoader((X, y), batch_size=2)
    >>> len(loader), [b[1].tolist() for b in loader]
    (3, [[0, 1], [2, 3], [4]])
    """

    def __init__(self, tensors: Sequence[torch.Tensor], batch_size: int, shuffle: bool = False,
                 transform: Any = None, generator: torch.Generator | None = None) -> None:
        lengths = {len(t) for t in tensors}
        if len(lengths) != 1:
            raise ValueError(f"all tensors must have the same first dimension, got {sorted(lengths)}")
        self.tensors = tuple(tensors)
        self.batch_size = checks.batch_size("TensorLoader", batch_size)
        self.shuffle, self.transform, self.generator = shuffle, transform, generator

    @property
    def num_examples(self) -> int:
        """How many examples one pass serves."""
        return len(self.tensors[0])

    def __len__(self) -> int:
        return math.ceil(self.num_examples / self.batch_size)

    def __iter__(self) -> Iterator[tuple[torch.Tensor, ...]]:
        n, size = self.num_examples, self.batch_size
        device = self.tensors[0].device
        order = torch.randperm(n, generator=self.generator).to(device) if self.shuffle else None
        for start in range(0, n, size):
            if order is None:
                batch = tuple(t[start:start + size] for t in self.tensors)
            else:
                index = order[start:start + size]
                # index_select is about 3x faster than t[index] for image tensors
                batch = tuple(t.index_select(0, index) for t in self.tensors)
            if self.transform is not None:
                batch = self.transform(batch)
            yield batch

    def to(self, device: torch.device | str) -> "TensorLoader":
        """The same loader over copies of the tensors on ``device`` (moved once, not per batch).

        >>> TensorLoader((torch.zeros(3),), 2).to("cpu").tensors[0].device
        device(type='cpu')
        """
        moved = [t.to(device) for t in self.tensors]
        return TensorLoader(moved, self.batch_size, self.shuffle, self.transform, self.generator)


class DataModule(HyperParameters):
    """Base class of data sets: subclasses define ``get_dataloader(train)``.

    >>> class Squares(DataModule):
    ...     def __init__(self, batch_size=4):
    ...         super().__init__()
    ...         self.save_hyperparameters()
    ...         self.X = torch.arange(4.0)
    ...     def get_dataloader(self, train):
    ...         return self.get_tensorloader((self.X, self.X ** 2), train)
    >>> X, y = next(iter(Squares().val_dataloader()))
    >>> y
    tensor([0., 1., 4., 9.])
    """

    def __init__(self, root: str | None = None, num_workers: int = 0) -> None:
        self.save_hyperparameters()
        if root is None:  # d2l code passes self.root to torchvision, so it must be a folder
            self.root = str(download_root(None))

    def get_dataloader(self, train: bool) -> Any:
        """The loader of the training (``train=True``) or validation split."""
        raise NotImplementedError(
            f"{type(self).__name__} must define get_dataloader(self, train) to serve batches"
        )

    def train_dataloader(self) -> Any:
        """The training loader (shuffled on each pass)."""
        return self.get_dataloader(train=True)

    def val_dataloader(self) -> Any:
        """The validation loader (in order)."""
        return self.get_dataloader(train=False)

    def get_tensorloader(self, tensors: Sequence[torch.Tensor], train: bool,
                         indices: Any = slice(0, None)) -> TensorLoader:
        """Batches of ``tensors[indices]``, shuffled when ``train``, of ``self.batch_size``."""
        if not hasattr(self, "batch_size"):
            raise AttributeError(
                f"{type(self).__name__} has no batch_size: call self.save_hyperparameters() "
                "in its __init__ (after super().__init__()) so that its batch_size argument "
                "is kept, or set self.batch_size there.")
        tensors = tuple(t[indices] for t in tensors)
        return TensorLoader(tensors, self.batch_size, shuffle=train)


class SyntheticRegressionData(DataModule):
    """Examples of ``y = Xw + b + noise`` with standard normal ``X`` (section 3.4).

    >>> data = SyntheticRegressionData(w=torch.tensor([2, -3.4]), b=4.2)
    >>> X, y = next(iter(data.train_dataloader()))
    >>> X.shape, y.shape, len(data.train_dataloader())
    (torch.Size([32, 2]), torch.Size([32, 1]), 32)
    """

    def __init__(self, w: torch.Tensor, b: float, noise: float = 0.01, num_train: int = 1000,
                 num_val: int = 1000, batch_size: int = 32) -> None:
        super().__init__()
        owner = "SyntheticRegressionData"
        batch_size = checks.batch_size(owner, batch_size)
        num_train = checks.whole_number(owner, "num_train", num_train, 1, "num_train=1000")
        num_val = checks.whole_number(owner, "num_val", num_val, 0, "num_val=1000")
        noise = checks.real_number(owner, "noise", noise, 0, hint="noise=0.01")
        self.save_hyperparameters()
        n = num_train + num_val
        w = torch.as_tensor(w, dtype=torch.float32)
        if w.dim() != 1:
            raise ValueError(f"{owner} got w of shape {tuple(w.shape)}: give a vector of "
                             "weights, e.g. w=torch.tensor([2, -3.4]).")
        self.X = torch.randn(n, len(w))
        noise_values = torch.randn(n, 1) * noise
        self.y = torch.matmul(self.X, w.reshape((-1, 1))) + b + noise_values

    def get_dataloader(self, train: bool) -> TensorLoader:
        """Training batches come from the first ``num_train`` examples, validation from the rest."""
        i = slice(0, self.num_train) if train else slice(self.num_train, None)
        return self.get_tensorloader((self.X, self.y), train, i)
