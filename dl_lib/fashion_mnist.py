"""Fashion-MNIST held in memory as tensors and served in batches cut by index (section 4.2).

Finding and reading its files is ``fashion_mnist_files``'s job.
"""

from __future__ import annotations

import sys
from typing import Any, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from . import checks
from .data_folders import download_root
from .data_module import DataModule, TensorLoader
from .fashion_mnist_files import FILES, load_split, locate
from .fashion_mnist_files import candidate_dirs, find_split  # noqa: F401 (used by 4.2's page)
from .plotting import show_images

LABELS = ["t-shirt", "trouser", "pullover", "dress", "coat",
          "sandal", "shirt", "sneaker", "bag", "ankle boot"]
MAX_RESIZED_BYTES = 512 * 2**20
"""Above this size the resized images are not kept: each batch is resized when served."""


def check_labels(indices: Any, num_classes: int = len(LABELS)) -> torch.Tensor:
    """Class numbers as an int64 tensor, refusing bools, fractions and numbers out of range.

    >>> check_labels([0, 9]).tolist()
    [0, 9]
    >>> check_labels([-1])
    Traceback (most recent call last):
    ...
    ValueError: class numbers must be between 0 and 9, but got -1: a negative number does not count from the end here.
    """
    labels = torch.as_tensor(indices)
    if labels.dtype == torch.bool or labels.is_floating_point() or labels.is_complex():
        raise TypeError(f"class numbers must be integers, not {labels.dtype}: convert them "
                        "with .long() (a bool tensor is a mask, not a class number).")
    labels = labels.long().reshape(-1)
    bad = labels[(labels < 0) | (labels >= num_classes)]
    if len(bad):
        note = (": a negative number does not count from the end here"
                if int(bad[0]) < 0 else "")
        raise ValueError(f"class numbers must be between 0 and {num_classes - 1}, but got "
                         f"{int(bad[0])}{note}.")
    return labels


def check_resize(resize: Any) -> tuple[int, int]:
    """Return ``resize`` as ``(height, width)`` if both are whole numbers of at least 1.

    >>> check_resize([32, 32])
    (32, 32)
    """
    try:
        if not (isinstance(resize, (tuple, list)) and len(resize) == 2):
            raise ValueError
        height, width = (checks.whole_number("FashionMNIST", "resize", s, 1) for s in resize)
    except ValueError:
        raise ValueError(f"FashionMNIST got resize={resize!r}, but resize must be (height, "
                         "width) with two whole numbers of at least 1, for example "
                         "resize=(32, 32).") from None
    return height, width


def resize_images(images: torch.Tensor, size: tuple[int, int], chunk: int = 10_000) -> torch.Tensor:
    """Bilinear (antialiased) resize of uint8 images ``[N, 1, H, W]``, done once, in chunks.

    >>> resize_images(torch.zeros(2, 1, 28, 28, dtype=torch.uint8), (32, 32)).shape
    torch.Size([2, 1, 32, 32])
    """
    if tuple(images.shape[-2:]) == size:
        return images
    parts = []
    for start in range(0, len(images), chunk):
        part = images[start:start + chunk].float()
        part = F.interpolate(part, size=size, mode="bilinear", antialias=True, align_corners=False)
        parts.append(part.round_().clamp_(0, 255).to(torch.uint8))
    return torch.cat(parts)


def to_unit_float(batch: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
    """Turn a batch's uint8 images into float32 in [0, 1], as ``ToTensor`` does.

    >>> to_unit_float((torch.tensor([0, 255], dtype=torch.uint8), torch.tensor([1, 2])))[0]
    tensor([0., 1.])
    """
    X, *rest = batch
    return (torch.div(X, 255), *rest)  # one pass: uint8 / int promotes to float32


class ImageSplit:
    """One split as a data set: ``split[i]`` is ``(image [1, H, W] in [0, 1], label)``.

    ``images`` are uint8 at the requested size, or, when keeping them resized would take too
    much memory, at 28×28 with ``size`` saying what each batch is resized to when served.

    >>> split = ImageSplit(torch.zeros(3, 1, 2, 2, dtype=torch.uint8), torch.tensor([4, 5, 6]))
    >>> len(split), split[1][0].shape, split[1][1]
    (3, torch.Size([1, 2, 2]), 5)
    """

    def __init__(self, images: torch.Tensor, labels: torch.Tensor,
                 size: tuple[int, int] | None = None) -> None:
        self.images, self.labels = images, labels
        self.size = size or tuple(images.shape[-2:])

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        image = resize_images(self.images[i:i + 1], self.size)[0]  # type: ignore[arg-type]
        return image.float() / 255, int(self.labels[i])

    def transform(self, batch: tuple[torch.Tensor, ...]) -> tuple[torch.Tensor, ...]:
        """A served batch: resized when that was left for serving time, then floats in [0, 1]."""
        X, *rest = batch
        return to_unit_float((resize_images(X, self.size), *rest))  # type: ignore[arg-type]


class FashionMNIST(DataModule):
    """The 70,000 labelled 28×28 clothing images, as tensors, in batches cut by index.

    >>> data = FashionMNIST(batch_size=256, resize=(32, 32))
    >>> X, y = next(iter(data.train_dataloader()))
    >>> X.shape, X.dtype, y.dtype, len(data.train), len(data.val)
    (torch.Size([256, 1, 32, 32]), torch.float32, torch.int64, 60000, 10000)
    """

    def __init__(self, batch_size: int = 64, resize: tuple[int, int] = (28, 28),
                 root: str | None = None) -> None:
        super().__init__(root=root)
        batch_size = checks.batch_size("FashionMNIST", batch_size)
        size = resize = check_resize(resize)
        self.save_hyperparameters()
        self.root = str(download_root(root))
        files = locate(root)
        self.folder = files[FILES[True][0]].parent
        """The folder the images were read from."""
        splits = []
        for train in (True, False):
            images, labels = load_split(root, train, files)
            splits.append(make_split(images, labels, size))
        self.train, self.val = splits

    def text_labels(self, indices: Any) -> list[str]:
        """The names of the classes with the given numbers.

        >>> FashionMNIST.text_labels(None, [0, 9])
        ['t-shirt', 'ankle boot']
        """
        return [LABELS[i] for i in check_labels(indices).tolist()]

    def get_dataloader(self, train: bool) -> TensorLoader:
        """Batches ``(X, y)``: float images ``[B, 1, H, W]`` in [0, 1] and int64 labels."""
        split = self.train if train else self.val
        return TensorLoader((split.images, split.labels), self.batch_size, shuffle=train,
                            transform=split.transform)

    def visualize(self, batch: Sequence[torch.Tensor], nrows: int = 1, ncols: int = 8,
                  labels: Sequence[str] = (), alt: str | None = None) -> None:
        """Show the first ``nrows * ncols`` images of a batch with their labels as titles."""
        X, y = batch[0], batch[1]
        if not labels:
            labels = self.text_labels(y[: nrows * ncols])
        show_images(X[: nrows * ncols].squeeze(1), nrows, ncols, titles=list(labels), alt=alt)


def make_split(images: np.ndarray, labels: np.ndarray, size: tuple[int, int]) -> ImageSplit:
    """Hold one split resized once, or, when that would pass ``MAX_RESIZED_BYTES``, at its
    stored size and resized batch by batch (saying so, with the memory it saves).

    >>> make_split(np.zeros((2, 28, 28), np.uint8), np.zeros(2, np.uint8), (32, 32)).images.shape
    torch.Size([2, 1, 32, 32])
    """
    X = torch.from_numpy(images.copy()).unsqueeze(1)
    y = torch.from_numpy(labels.astype(np.int64))
    needed = len(images) * size[0] * size[1]
    if needed <= MAX_RESIZED_BYTES:
        return ImageSplit(resize_images(X, size), y)
    print(f"FashionMNIST: {len(images):,} images at {size[0]}x{size[1]} would take "
          f"{needed / 2**30:.1f} GiB held in memory, so they are kept at "
          f"{images.shape[1]}x{images.shape[2]} and each batch is resized when served.",
          file=sys.stderr)
    return ImageSplit(X, y, size)
