"""Fashion-MNIST held in memory as tensors and served in batches cut by index (section 4.2).

Where the files are looked for (see ``data_folders``): an explicit ``root`` or
``DL_LIB_DATA`` only — the data must be there or be downloaded there; otherwise the folder of
Debian's ``dataset-fashion-mnist`` package, d2l's ``../data`` and dl_lib's cache, with a download
into the cache as the last resort unless ``DL_LIB_DOWNLOAD`` forbids it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from . import checks, settings
from .data_folders import check_folder, download_root, search_roots
from .data_module import DataModule, TensorLoader
from .idx_files import read_split
from .plotting import show_images

FILES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
LABELS = ["t-shirt", "trouser", "pullover", "dress", "coat",
          "sandal", "shirt", "sneaker", "bag", "ankle boot"]
MAX_RESIZED_BYTES = 512 * 2**20
"""Above this size the resized images are not kept: each batch is resized when served."""
_cache: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray]] = {}


class DatasetNotFoundError(FileNotFoundError):
    """Fashion-MNIST's files are in none of the places looked at.

    >>> issubclass(DatasetNotFoundError, FileNotFoundError)
    True
    """


def folders_in(base: Path) -> list[Path]:
    """The folders under one search root that may hold the IDX files.

    >>> folders_in(Path("/data"))[:2]
    [PosixPath('/data'), PosixPath('/data/FashionMNIST/raw')]
    """
    return [base, base / "FashionMNIST" / "raw", base / "fashion-mnist"]


def candidate_dirs(root: str | os.PathLike[str] | None) -> list[Path]:
    """Every folder searched for the IDX files, in order.

    >>> candidate_dirs("/data")
    [PosixPath('/data'), PosixPath('/data/FashionMNIST/raw'), PosixPath('/data/fashion-mnist')]
    """
    roots, _ = search_roots(root, [settings.DEBIAN_FASHION_MNIST])
    return list(dict.fromkeys(d for base in roots for d in folders_in(base)))


def _find(folder: Path, stem: str) -> Path | None:
    for name in (stem, stem + ".gz"):
        try:
            if (folder / name).is_file():
                return folder / name
        except OSError:  # a symlink loop, say: not a usable file
            return None
    return None


def find_files(folder: Path) -> dict[str, Path]:
    """The IDX files (of the four) present in ``folder``, by stem.

    >>> sorted(find_files(Path("/nonexistent")))
    []
    """
    found = {}
    for stems in FILES.values():
        for stem in stems:
            path = _find(folder, stem)
            if path is not None:
                found[stem] = path
    return found


def find_dataset(root: str | os.PathLike[str] | None) -> dict[str, Path] | None:
    """The four files from the first folder holding all of them; None if no folder does.

    A chosen folder (``root`` or ``DL_LIB_DATA``) holding only some of them is an error that
    names the missing ones: a split is never mixed from two places.

    >>> sorted(find_dataset(None))[0]
    't10k-images-idx3-ubyte'
    """
    roots, chosen_by = search_roots(root, [settings.DEBIAN_FASHION_MNIST])
    for base in roots:
        if chosen_by:
            check_folder(base, chosen_by)
        for folder in folders_in(base):
            found = find_files(folder)
            if len(found) == 4:
                return found
            if found and chosen_by:
                missing = [stem for stems in FILES.values() for stem in stems if stem not in found]
                raise DatasetNotFoundError(
                    f"{folder} (from {chosen_by}) holds only part of Fashion-MNIST: "
                    f"{', '.join(missing)} (or .gz) missing. Put all four files there, or "
                    "point to a folder that has them all.")
    return None


def download_allowed() -> bool:
    """Whether a missing data set may be downloaded (see ``settings.download_allowed``).

    >>> download_allowed() == settings.download_allowed()
    True
    """
    return settings.download_allowed()


def _not_found(root: Any, reason: str) -> DatasetNotFoundError:
    looked = "\n".join(f"  - {d}" for d in candidate_dirs(root))
    _, chosen_by = search_roots(root)
    if chosen_by:
        return DatasetNotFoundError(
            f"Fashion-MNIST is not in the folder you chose ({chosen_by}). Looked for "
            f"train-/t10k-images-idx3-ubyte[.gz] and train-/t10k-labels-idx1-ubyte[.gz] in:\n"
            f"{looked}\n{reason}\nTo fix it, check the folder's name, put the four files "
            f"there, or {'unset DL_LIB_DATA' if chosen_by == 'DL_LIB_DATA' else 'leave out root='}"
            " to use the copy dl_lib finds by itself (sudo apt-get install "
            "dataset-fashion-mnist installs one).")
    return DatasetNotFoundError(
        "Fashion-MNIST was not found. Looked for train-/t10k-images-idx3-ubyte[.gz] and "
        f"train-/t10k-labels-idx1-ubyte[.gz] in:\n{looked}\n{reason}\nTo fix it, either\n"
        "  - install Debian's copy:  sudo apt-get update && sudo apt-get install dataset-fashion-mnist\n"
        "  - or point to a folder that has the files:  FashionMNIST(root='/path') or "
        "export DL_LIB_DATA=/path\n"
        "  - or allow a download with torchvision:  export DL_LIB_DOWNLOAD=1"
    )


def _download(root: Any) -> None:
    target = download_root(root)
    if not download_allowed():
        raise _not_found(root, "Downloading is switched off (DL_LIB_DOWNLOAD is off).")
    print(f"Fashion-MNIST not found locally; downloading it with torchvision into {target} ...",
          file=sys.stderr)
    try:
        import torchvision

        for train in (True, False):
            torchvision.datasets.FashionMNIST(str(target), train=train, download=True)
    except Exception as error:  # any network or disk failure ends in the same advice
        raise _not_found(root, f"The download failed: {error}") from error


def locate(root: Any) -> dict[str, Path]:
    """The four IDX files, found (or downloaded where allowed); else ``DatasetNotFoundError``.

    >>> locate(None)["train-images-idx3-ubyte"].name.startswith("train-images")
    True
    """
    files = find_dataset(root)
    if files is None:
        _download(root)
        files = find_dataset(root)
        if files is None:
            raise _not_found(root, "A download finished but left no readable files.")
    return files


def load_split(root: Any, train: bool,
               files: dict[str, Path] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Images ``[N, 28, 28]`` and labels ``[N]`` of one split as uint8 arrays (cached).

    >>> images, labels = load_split(None, train=False)
    >>> images.shape, labels.shape
    ((10000, 28, 28), (10000,))
    """
    files = files or locate(root)
    paths = tuple(files[stem] for stem in FILES[train])
    key = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths)
    if key not in _cache:
        _cache[key] = read_split(*paths)  # raises before anything is cached
    return _cache[key]


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
