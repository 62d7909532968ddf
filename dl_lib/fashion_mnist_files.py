"""Finding Fashion-MNIST's four IDX files and reading them, once (section 4.2).

Where the files are looked for (see ``data_folders``): an explicit ``root`` or
``DL_LIB_DATA`` only — the data must be there or be downloaded there; otherwise the folder of
Debian's ``dataset-fashion-mnist`` package, d2l's ``../data`` and dl_lib's cache, with a
download into the cache as the last resort unless ``DL_LIB_DOWNLOAD`` forbids it.
"""

from __future__ import annotations

import gzip
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import numpy as np

from . import settings
from .data_folders import check_folder, download_root, search_roots
from .idx_files import read_split

FILES = {
    True: ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    False: ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
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


def find_split(root: str | os.PathLike[str] | None, train: bool) -> tuple[Path, Path] | None:
    """The image and label files of one split, from where ``find_dataset`` finds all four.

    >>> find_split(None, train=False)[0].name.startswith("t10k-images-idx3-ubyte")
    True
    """
    files = find_dataset(root)
    return None if files is None else (files[FILES[train][0]], files[FILES[train][1]])


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


def copy_for_torchvision(root: str | os.PathLike[str]) -> Path:
    """Put decompressed copies of the four IDX files where torchvision's
    ``FashionMNIST(root, download=False)`` reads them (``root/FashionMNIST/raw``), as d2l code
    that hands ``self.root`` to torchvision expects; files already there are kept.

    >>> import tempfile
    >>> raw = copy_for_torchvision(tempfile.mkdtemp())
    >>> sorted(p.name for p in raw.iterdir())[0]
    't10k-images-idx3-ubyte'
    """
    raw = Path(root).expanduser() / "FashionMNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for stem, path in locate(None).items():
        target = raw / stem
        if not target.exists():
            opener = gzip.open if path.suffix == ".gz" else open
            with opener(path, "rb") as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)
    return raw


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
