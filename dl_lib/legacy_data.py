"""The earlier edition's data helpers, which d2l 1.0.3 still ships (its sections 3.2–3.6).

``synthetic_data`` and ``load_array`` behave exactly as d2l's: the same random numbers for the
same seed, a plain ``torch.utils.data.DataLoader``. ``load_data_fashion_mnist`` serves
dl_lib's in-memory ``FashionMNIST`` (found where ``FashionMNIST`` finds it, no worker
processes) in batches of the same shapes and types as d2l's torchvision loaders.
"""

from __future__ import annotations

import numbers
from typing import Any, Iterator, Sequence

import torch

from . import checks
from .fashion_mnist import LABELS, FashionMNIST


def synthetic_data(w: torch.Tensor, b: Any, num_examples: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``num_examples`` rows ``X ~ N(0, 1)`` and labels ``y = Xw + b + N(0, 0.01²)`` as a column
    (``w``: a vector or a column of one weight per feature).

    >>> _ = torch.manual_seed(0)
    >>> X, y = synthetic_data(torch.tensor([2, -3.4]), 4.2, 1000)
    >>> X.shape, y.shape
    (torch.Size([1000, 2]), torch.Size([1000, 1]))
    >>> float((y - X @ torch.tensor([[2], [-3.4]]) - 4.2).std()) < 0.02
    True
    """
    w = torch.as_tensor(w)
    if w.dim() not in (1, 2) or (w.dim() == 2 and w.shape[1] != 1):
        raise ValueError(f"synthetic_data needs the weights w as a vector or a column, but got "
                         f"shape {tuple(w.shape)}: pass one weight per feature, for example "
                         "torch.tensor([2, -3.4]).")
    if not w.is_floating_point():
        raise TypeError(f"synthetic_data needs floating-point weights, but w has dtype {w.dtype}: "
                        "write them with a decimal point, as in torch.tensor([2.0, -3.4]).")
    num_examples = checks.whole_number("synthetic_data", "num_examples", num_examples, 1,
                                       "num_examples=1000")
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def load_array(data_arrays: Sequence[torch.Tensor], batch_size: int,
               is_train: bool = True) -> torch.utils.data.DataLoader:
    """A ``DataLoader`` over tensors of equal length, shuffled every pass when ``is_train``.

    >>> X, y = torch.arange(10.0).reshape(5, 2), torch.arange(5)
    >>> [b.tolist() for _, b in load_array((X, y), 2, is_train=False)]
    [[0, 1], [2, 3], [4]]
    """
    if isinstance(data_arrays, torch.Tensor):
        raise TypeError("load_array takes a tuple of tensors, such as (features, labels), "
                        "not a single tensor: write load_array((X, y), batch_size).")
    tensors = tuple(torch.as_tensor(a) for a in data_arrays)
    lengths = sorted({len(t) for t in tensors})
    if len(lengths) != 1:
        raise ValueError(f"load_array needs tensors with the same number of rows, but got "
                         f"{[len(t) for t in tensors]}: pair each example with its label.")
    batch_size = checks.batch_size("load_array", batch_size)
    dataset = torch.utils.data.TensorDataset(*tensors)
    return torch.utils.data.DataLoader(dataset, batch_size, shuffle=is_train)


def get_dataloader_workers() -> int:
    """d2l's number of processes for reading data: 4.

    ``load_data_fashion_mnist`` needs none (its batches are cut from memory); a notebook may
    still hand this number to its own ``DataLoader``.

    >>> get_dataloader_workers()
    4
    """
    return 4


class FashionMNISTLoader:
    """One split of ``load_data_fashion_mnist``: iterate it for ``(X, y)`` batches.

    Like a ``DataLoader``, it has ``len()`` (the number of batches), ``batch_size`` and
    ``dataset`` (``dataset[i]`` is ``(image [1, H, W] in [0, 1], label)``).

    >>> loader = load_data_fashion_mnist(1000)[1]
    >>> len(loader), loader.batch_size, len(loader.dataset), loader.dataset[0][0].shape
    (10, 1000, 10000, torch.Size([1, 28, 28]))
    """

    def __init__(self, data: FashionMNIST, train: bool) -> None:
        self.data, self.train = data, train
        self.dataset = data.train if train else data.val
        self.batch_size = data.batch_size
        self.num_workers = 0

    def __len__(self) -> int:
        return len(self.data.get_dataloader(self.train))

    def __iter__(self) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
        return iter(self.data.get_dataloader(self.train))


def load_data_fashion_mnist(batch_size: int, resize: int | tuple[int, int] | None = None
                            ) -> tuple[FashionMNISTLoader, FashionMNISTLoader]:
    """Fashion-MNIST's training and test splits in batches ``(X, y)``, as d2l's loaders give them.

    ``X`` is float32 ``[batch_size, 1, H, W]`` in [0, 1] (28×28, or ``resize``: one number
    for a square, or ``(height, width)``), ``y`` int64; the training batches are shuffled
    anew on every pass, the test batches are not.

    >>> train_iter, test_iter = load_data_fashion_mnist(32)
    >>> X, y = next(iter(train_iter))
    >>> X.shape, X.dtype, y.shape, y.dtype, len(train_iter), len(test_iter)
    (torch.Size([32, 1, 28, 28]), torch.float32, torch.Size([32]), torch.int64, 1875, 313)
    """
    batch_size = checks.batch_size("load_data_fashion_mnist", batch_size)
    if resize is None:
        size: tuple[int, int] = (28, 28)
    elif isinstance(resize, numbers.Integral) and not isinstance(resize, bool):
        size = (int(resize), int(resize))
    elif isinstance(resize, (tuple, list)) and len(resize) == 2:
        size = (resize[0], resize[1])
    else:
        raise ValueError(f"load_data_fashion_mnist got resize={resize!r}, but resize must be "
                         "one whole number (a square, for example resize=64) or (height, width).")
    data = FashionMNIST(batch_size=batch_size, resize=size)
    return FashionMNISTLoader(data, train=True), FashionMNISTLoader(data, train=False)


def get_fashion_mnist_labels(labels: Any) -> list[str]:
    """The names of Fashion-MNIST's classes with the given numbers.

    >>> get_fashion_mnist_labels(torch.tensor([0, 9, 2]))
    ['t-shirt', 'ankle boot', 'pullover']
    """
    names = []
    for label in labels:
        number = int(label)
        if number != label or not 0 <= number < len(LABELS):
            raise ValueError(f"get_fashion_mnist_labels got the class number {label!r}, but "
                             f"Fashion-MNIST's classes are numbered 0 to {len(LABELS) - 1}: pass "
                             "labels y, or predictions y_hat.argmax(dim=1), not probabilities.")
        names.append(LABELS[number])
    return names
