"""Fashion-MNIST held in memory as tensors and served in batches cut by index (section 4.2).

Where the files are looked for, in order: the ``root`` argument, the folder in the
``DL_LIB_DATA`` environment variable, Debian's ``/usr/share/datasets/fashion-mnist``, and
last a download by torchvision into ``~/.cache/dl_lib`` unless ``DL_LIB_DOWNLOAD=0``.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from .data_module import CACHE_DIR, DataModule, TensorLoader, check_batch_size, default_data_root
from .idx_files import CorruptDatasetError, read_split
from .plotting import show_images

DEBIAN_DIR = Path("/usr/share/datasets/fashion-mnist")
FILES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
LABELS = ["t-shirt", "trouser", "pullover", "dress", "coat",
          "sandal", "shirt", "sneaker", "bag", "ankle boot"]
_cache: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray]] = {}


class DatasetNotFoundError(FileNotFoundError):
    """Fashion-MNIST's files are in none of the places looked at.

    >>> issubclass(DatasetNotFoundError, FileNotFoundError)
    True
    """


def candidate_dirs(root: str | os.PathLike[str] | None) -> list[Path]:
    """The folders searched for the IDX files, in order.

    >>> candidate_dirs("/data")[:2]
    [PosixPath('/data'), PosixPath('/data/FashionMNIST/raw')]
    """
    dirs: list[Path] = []
    for base in [root, os.environ.get("DL_LIB_DATA"), DEBIAN_DIR, CACHE_DIR]:
        if base:
            base = Path(base).expanduser()
            dirs += [base, base / "FashionMNIST" / "raw", base / "fashion-mnist"]
    return list(dict.fromkeys(dirs))


def _find(folder: Path, stem: str) -> Path | None:
    for name in (stem, stem + ".gz"):
        if (folder / name).is_file():
            return folder / name
    return None


def find_split(root: str | os.PathLike[str] | None, train: bool) -> tuple[Path, Path] | None:
    """The image and label files of one split, from the first folder that has both.

    >>> find_split(None, train=False)[0].name.startswith("t10k-images-idx3-ubyte")
    True
    """
    for folder in candidate_dirs(root):
        images, labels = (_find(folder, stem) for stem in FILES[train])
        if images and labels:
            return images, labels
    return None


def download_allowed() -> bool:
    """False when ``DL_LIB_DOWNLOAD=0`` (as in the tests and the book build).

    >>> download_allowed() == (os.environ.get("DL_LIB_DOWNLOAD", "1") != "0")
    True
    """
    return os.environ.get("DL_LIB_DOWNLOAD", "1") != "0"


def _not_found(root: Any, reason: str) -> DatasetNotFoundError:
    looked = "\n".join(f"  - {d}" for d in candidate_dirs(root))
    return DatasetNotFoundError(
        "Fashion-MNIST was not found. Looked for train-/t10k-images-idx3-ubyte[.gz] and "
        f"train-/t10k-labels-idx1-ubyte[.gz] in:\n{looked}\n{reason}\nTo fix it, either\n"
        "  - install Debian's copy:  sudo apt-get update && sudo apt-get install dataset-fashion-mnist\n"
        "  - or point to a folder that has the files:  FashionMNIST(root='/path') or "
        "export DL_LIB_DATA=/path\n"
        "  - or allow a download with torchvision:  export DL_LIB_DOWNLOAD=1"
    )


def _download(root: Any) -> None:
    target = Path(root).expanduser() if root else CACHE_DIR
    if not download_allowed():
        raise _not_found(root, "Downloading is switched off (DL_LIB_DOWNLOAD=0).")
    print(f"Fashion-MNIST not found locally; downloading it with torchvision into {target} ...",
          file=sys.stderr)
    try:
        import torchvision

        for train in (True, False):
            torchvision.datasets.FashionMNIST(str(target), train=train, download=True)
    except Exception as error:  # any network or disk failure ends in the same advice
        raise _not_found(root, f"The download failed: {error}") from error


def load_split(root: Any, train: bool) -> tuple[np.ndarray, np.ndarray]:
    """Images ``[N, 28, 28]`` and labels ``[N]`` of one split as uint8 arrays (cached).

    >>> images, labels = load_split(None, train=False)
    >>> images.shape, labels.shape
    ((10000, 28, 28), (10000,))
    """
    paths = find_split(root, train)
    if paths is None:
        _download(root)
        paths = find_split(root, train)
        if paths is None:
            raise _not_found(root, "A download finished but left no readable files.")
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    if key not in _cache:
        _cache[key] = read_split(*paths)  # raises before anything is cached
    return _cache[key]


def check_resize(resize: Any) -> tuple[int, int]:
    """Return ``resize`` as ``(height, width)`` if both are whole numbers of at least 1.

    >>> check_resize([32, 32])
    (32, 32)
    """
    ok = (isinstance(resize, (tuple, list)) and len(resize) == 2
          and all(isinstance(s, int) and not isinstance(s, bool) and s >= 1 for s in resize))
    if not ok:
        raise ValueError(
            f"resize must be (height, width) with two whole numbers of at least 1, not {resize!r}"
        )
    return int(resize[0]), int(resize[1])


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

    >>> split = ImageSplit(torch.zeros(3, 1, 2, 2, dtype=torch.uint8), torch.tensor([4, 5, 6]))
    >>> len(split), split[1][0].shape, split[1][1]
    (3, torch.Size([1, 2, 2]), 5)
    """

    def __init__(self, images: torch.Tensor, labels: torch.Tensor) -> None:
        self.images, self.labels = images, labels

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, i: int) -> tuple[torch.Tensor, int]:
        return self.images[i].float() / 255, int(self.labels[i])


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
        check_batch_size(batch_size)
        size = check_resize(resize)
        self.save_hyperparameters()
        self.root = root or default_data_root()
        splits = []
        for train in (True, False):
            images, labels = load_split(root, train)
            X = resize_images(torch.from_numpy(images.copy()).unsqueeze(1), size)
            splits.append(ImageSplit(X, torch.from_numpy(labels.astype(np.int64))))
        self.train, self.val = splits

    def text_labels(self, indices: Any) -> list[str]:
        """The names of the classes with the given numbers.

        >>> FashionMNIST.text_labels(None, [0, 9])
        ['t-shirt', 'ankle boot']
        """
        return [LABELS[int(i)] for i in indices]

    def get_dataloader(self, train: bool) -> TensorLoader:
        """Batches ``(X, y)``: float images ``[B, 1, H, W]`` in [0, 1] and int64 labels."""
        split = self.train if train else self.val
        return TensorLoader((split.images, split.labels), self.batch_size, shuffle=train,
                            transform=to_unit_float)

    def visualize(self, batch: Sequence[torch.Tensor], nrows: int = 1, ncols: int = 8,
                  labels: Sequence[str] = (), alt: str | None = None) -> None:
        """Show the first ``nrows * ncols`` images of a batch with their labels as titles."""
        X, y = batch[0], batch[1]
        if not labels:
            labels = self.text_labels(y)
        show_images(X.squeeze(1), nrows, ncols, titles=list(labels), alt=alt)
