"""Fixtures shared by the unit tests: small IDX files, tiny data modules, the real data once."""

from __future__ import annotations

import gzip
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import numpy as np
import pytest
import torch

import dl_lib as d2l
from dl_lib import data_folders, fashion_mnist_files, settings

REAL_DIR = settings.DEBIAN_FASHION_MNIST

# --doctest-modules imports every .py file under tests/: the seed scripts would run (and try to
# download) while being collected, and the conftest.py files, all imported under the one name
# "conftest", would clash with each other. Neither holds doctests.
collect_ignore = ["seed_code"]
collect_ignore_glob = ["*conftest.py"]


def idx_bytes(array: np.ndarray, magic: int | None = None) -> bytes:
    """``array`` (uint8) as an IDX file: magic number, one 4-byte size per axis, the bytes."""
    array = np.asarray(array, dtype=np.uint8)
    magic = (0x0800 | array.ndim) if magic is None else magic
    header = magic.to_bytes(4, "big") + b"".join(n.to_bytes(4, "big") for n in array.shape)
    return header + array.tobytes()


def write_split(folder: Path, train: bool, images: np.ndarray, labels: np.ndarray,
                gz: bool = False) -> tuple[Path, Path]:
    """Write one split's image and label IDX files into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for stem, array in zip(fashion_mnist_files.FILES[train], (images, labels)):
        data = idx_bytes(array)
        path = folder / (stem + (".gz" if gz else ""))
        path.write_bytes(gzip.compress(data) if gz else data)
        paths.append(path)
    return paths[0], paths[1]


def small_split(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``n`` random 28×28 uint8 images and labels 0–9."""
    rng = np.random.default_rng(seed)
    return (rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
            rng.integers(0, 10, n, dtype=np.uint8))


@pytest.fixture
def fashion_root(tmp_path: Path) -> Path:
    """A folder with a tiny, valid Fashion-MNIST: 12 training and 6 validation images."""
    root = tmp_path / "fashion"
    write_split(root, True, *small_split(12, 0))
    write_split(root, False, *small_split(6, 1))
    return root


@pytest.fixture
def no_dataset_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty root, with Debian's folder, d2l's ../data, the cache and ``DL_LIB_DATA`` all
    pointing nowhere."""
    monkeypatch.setattr(settings, "DEBIAN_FASHION_MNIST", tmp_path / "debian-empty")
    monkeypatch.setattr(settings, "CACHE_DIR", tmp_path / "cache-empty")
    monkeypatch.setattr(data_folders, "D2L_DATA_DIR", tmp_path / "d2l-data")
    monkeypatch.delenv("DL_LIB_DATA", raising=False)
    monkeypatch.setenv("DL_LIB_DOWNLOAD", "0")
    root = tmp_path / "root-empty"
    root.mkdir()
    return root


@pytest.fixture(scope="session")
def real_fashion() -> d2l.FashionMNIST:
    """The real Fashion-MNIST at 28×28 (loaded once for the session)."""
    if not REAL_DIR.is_dir():
        pytest.skip(f"Fashion-MNIST is not installed in {REAL_DIR}")
    return d2l.FashionMNIST(batch_size=256)


class TinyRegression(d2l.DataModule):
    """``num_train`` + ``num_val`` examples of y = 2x₁ − 3.4x₂ + 4.2 (seeded by the caller)."""

    def __init__(self, num_train: int = 40, num_val: int = 16, batch_size: int = 8) -> None:
        super().__init__()
        self.save_hyperparameters()
        n = num_train + num_val
        self.X = torch.randn(n, 2)
        self.y = self.X @ torch.tensor([[2.0], [-3.4]]) + 4.2 + 0.01 * torch.randn(n, 1)

    def get_dataloader(self, train: bool) -> d2l.TensorLoader:
        i = slice(0, self.num_train) if train else slice(self.num_train, None)
        return self.get_tensorloader((self.X, self.y), train, i)


@pytest.fixture
def tiny_regression() -> Callable[..., TinyRegression]:
    """A factory of small regression data modules (5 training batches of 8 by default)."""
    return TinyRegression


@pytest.fixture
def idx_tools() -> SimpleNamespace:
    """The IDX-writing helpers above, for tests that build their own files."""
    return SimpleNamespace(idx_bytes=idx_bytes, write_split=write_split, small_split=small_split)
