"""FashionMNIST with d2l's interface (section 4.2), on the real files and on tiny IDX files."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np
import pytest
import torch

import dl_lib as d2l
from dl_lib import fashion_mnist, fashion_mnist_files, settings

REAL_DIR = settings.DEBIAN_FASHION_MNIST


def raw_idx(name: str) -> np.ndarray:
    """A real IDX file read independently of dl_lib: header skipped by its declared size."""
    raw = gzip.decompress((REAL_DIR / f"{name}.gz").read_bytes())
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


def test_real_sizes_and_items(real_fashion: d2l.FashionMNIST) -> None:
    data = real_fashion
    assert len(data.train) == 60000 and len(data.val) == 10000
    image, label = data.train[0]
    assert image.shape == (1, 28, 28) and image.dtype == torch.float32
    assert 0 <= image.min() and image.max() <= 1 and image.max() > 0.5
    assert isinstance(label, int) and 0 <= label <= 9


def test_real_values_equal_raw_bytes_over_255(real_fashion: d2l.FashionMNIST) -> None:
    images, labels = raw_idx("train-images-idx3-ubyte"), raw_idx("train-labels-idx1-ubyte")
    image, label = real_fashion.train[123]
    assert torch.equal(image[0], torch.from_numpy(images[123].astype(np.float32)) / 255)
    assert label == int(labels[123])
    val_images, val_labels = raw_idx("t10k-images-idx3-ubyte"), raw_idx("t10k-labels-idx1-ubyte")
    X, y = next(iter(real_fashion.val_dataloader()))  # in order
    assert X.dtype == torch.float32 and y.dtype == torch.int64
    assert X.shape == (256, 1, 28, 28) and y.shape == (256,)
    assert torch.equal(X[:, 0], torch.from_numpy(val_images[:256].astype(np.float32)) / 255)
    assert torch.equal(y, torch.from_numpy(val_labels[:256].astype(np.int64)))


def test_real_training_batches_are_float32_and_int64(real_fashion: d2l.FashionMNIST) -> None:
    loader = real_fashion.train_dataloader()
    X, y = next(iter(loader))
    assert (X.dtype, y.dtype, tuple(X.shape)) == (torch.float32, torch.int64, (256, 1, 28, 28))
    assert len(loader) == 235 and len(real_fashion.val_dataloader()) == 40


def test_text_labels_are_d2l_names(real_fashion: d2l.FashionMNIST) -> None:
    assert real_fashion.text_labels([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]) == [
        "t-shirt", "trouser", "pullover", "dress", "coat",
        "sandal", "shirt", "sneaker", "bag", "ankle boot"]
    assert real_fashion.text_labels(torch.tensor([9, 0])) == ["ankle boot", "t-shirt"]


def test_resize_gives_the_requested_size(fashion_root: Path) -> None:
    data = d2l.FashionMNIST(batch_size=4, resize=(32, 32), root=str(fashion_root))
    assert data.train[0][0].shape == (1, 32, 32)
    X, y = next(iter(data.train_dataloader()))
    assert X.shape == (4, 1, 32, 32) and X.dtype == torch.float32
    assert 0 <= X.min() and X.max() <= 1
    tall = d2l.FashionMNIST(batch_size=4, resize=(40, 20), root=str(fashion_root))
    assert tall.val[0][0].shape == (1, 40, 20)


def test_resize_equals_torchvision_antialiased_resize(fashion_root: Path) -> None:
    TF = pytest.importorskip("torchvision.transforms.functional")
    small = d2l.FashionMNIST(batch_size=4, root=str(fashion_root))
    big = d2l.FashionMNIST(batch_size=4, resize=(32, 32), root=str(fashion_root))
    raw = small.train.images  # uint8 [N, 1, 28, 28]
    expected = TF.resize(raw, [32, 32], antialias=True)
    assert torch.equal(big.train.images, expected)


def test_tiny_root_serves_its_own_files(fashion_root: Path, idx_tools) -> None:
    images, labels = idx_tools.small_split(6, 1)
    data = d2l.FashionMNIST(batch_size=4, root=str(fashion_root))
    assert len(data.train) == 12 and len(data.val) == 6
    X = torch.cat([b[0] for b in data.val_dataloader()])
    y = torch.cat([b[1] for b in data.val_dataloader()])
    assert torch.equal(X[:, 0], torch.from_numpy(images.astype(np.float32)) / 255)
    assert torch.equal(y, torch.from_numpy(labels.astype(np.int64)))


def test_gzipped_files_in_d2l_folder_layout_are_found(tmp_path: Path, idx_tools) -> None:
    raw = tmp_path / "FashionMNIST" / "raw"
    idx_tools.write_split(raw, True, *idx_tools.small_split(5, 2), gz=True)
    idx_tools.write_split(raw, False, *idx_tools.small_split(3, 3), gz=True)
    data = d2l.FashionMNIST(batch_size=2, root=str(tmp_path))
    assert (len(data.train), len(data.val)) == (5, 3)


def test_dl_lib_data_environment_variable_is_searched(tmp_path: Path, idx_tools,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    idx_tools.write_split(tmp_path / "fashion-mnist", True, *idx_tools.small_split(4, 4))
    idx_tools.write_split(tmp_path / "fashion-mnist", False, *idx_tools.small_split(2, 5))
    monkeypatch.setenv("DL_LIB_DATA", str(tmp_path))
    data = d2l.FashionMNIST(batch_size=2)
    assert (len(data.train), len(data.val)) == (4, 2)


def test_visualize_shows_a_batch_with_text_labels(fashion_root: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    shown = {}

    def fake_show_images(imgs, num_rows, num_cols, titles=None, **kwargs):
        shown.update(shape=tuple(imgs.shape), rows=num_rows, cols=num_cols, titles=titles)

    monkeypatch.setattr(fashion_mnist, "show_images", fake_show_images)
    data = d2l.FashionMNIST(batch_size=8, root=str(fashion_root))
    batch = next(iter(data.val_dataloader()))
    data.visualize(batch, ncols=6)
    assert shown["shape"] == (6, 28, 28) and (shown["rows"], shown["cols"]) == (1, 6)
    assert shown["titles"] == data.text_labels(batch[1])


def test_loading_is_cached_by_file(fashion_root: Path) -> None:
    def mine() -> list:
        return [k for k in fashion_mnist_files._cache if str(fashion_root) in k[0][0]]

    first = d2l.FashionMNIST(batch_size=4, root=str(fashion_root))
    assert len(mine()) == 2  # one entry per split
    second = d2l.FashionMNIST(batch_size=8, root=str(fashion_root))
    assert len(mine()) == 2
    assert torch.equal(first.train.images, second.train.images)

# --- Fashion-MNIST not found ------------------------------------------------------------------


def test_missing_dataset_lists_every_place_and_the_fixes(no_dataset_anywhere: Path,
                                                         tmp_path: Path) -> None:
    with pytest.raises(d2l.DatasetNotFoundError) as caught:
        d2l.FashionMNIST()
    message = str(caught.value)
    print(message)
    assert isinstance(caught.value, FileNotFoundError)
    assert "Fashion-MNIST was not found" in message
    assert "train-/t10k-images-idx3-ubyte" in message
    for base in (tmp_path / "debian-empty", tmp_path / "d2l-data", tmp_path / "cache-empty"):
        for folder in (base, base / "FashionMNIST" / "raw", base / "fashion-mnist"):
            assert f"  - {folder}\n" in message
    assert "Downloading is switched off (DL_LIB_DOWNLOAD is off)" in message
    assert "sudo apt-get install dataset-fashion-mnist" in message
    assert "export DL_LIB_DATA=/path" in message and "FashionMNIST(root='/path')" in message
    assert "export DL_LIB_DOWNLOAD=1" in message


def test_dl_lib_data_without_the_files_is_an_error_not_a_fallback(
        no_dataset_anywhere: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(settings, "DEBIAN_FASHION_MNIST", REAL_DIR)  # a copy exists elsewhere
    monkeypatch.setenv("DL_LIB_DATA", str(tmp_path / "from-env"))
    with pytest.raises(d2l.DatasetNotFoundError) as caught:
        d2l.FashionMNIST()
    message = str(caught.value)
    assert "not in the folder you chose (DL_LIB_DATA)" in message
    assert "from-env/FashionMNIST/raw" in message and str(REAL_DIR) not in message
    assert "unset DL_LIB_DATA" in message


def test_a_failed_download_says_it_failed_and_why(no_dataset_anywhere: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture) -> None:
    pytest.importorskip("torchvision")
    import torchvision

    def offline(root, train=True, download=False, **kwargs):
        raise RuntimeError("Error downloading train-images-idx3-ubyte.gz: network unreachable")

    monkeypatch.setenv("DL_LIB_DOWNLOAD", "1")
    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", offline)
    with pytest.raises(d2l.DatasetNotFoundError) as caught:
        d2l.FashionMNIST(root=str(no_dataset_anywhere))
    message = str(caught.value)
    print(message)
    assert "The download failed: Error downloading train-images-idx3-ubyte.gz: " \
           "network unreachable" in message
    assert str(no_dataset_anywhere) in message
    assert isinstance(caught.value.__cause__, RuntimeError)
    assert f"downloading it with torchvision into {no_dataset_anywhere}" in capsys.readouterr().err


def test_a_download_that_leaves_no_files_says_so(no_dataset_anywhere: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("torchvision")
    import torchvision

    monkeypatch.setenv("DL_LIB_DOWNLOAD", "1")
    monkeypatch.setattr(torchvision.datasets, "FashionMNIST", lambda *a, **k: None)
    with pytest.raises(d2l.DatasetNotFoundError, match="A download finished but left no"):
        d2l.FashionMNIST(root=str(no_dataset_anywhere))


@pytest.mark.parametrize("kind", ["typo", "file", "empty", "loop"])
def test_a_chosen_root_without_the_data_is_an_error_not_debians_copy(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str) -> None:
    monkeypatch.setenv("DL_LIB_DOWNLOAD", "0")
    root = tmp_path / "my-data"
    if kind == "file":
        root.write_text("x")
    elif kind == "empty":
        root.mkdir()
    elif kind == "loop":
        root.mkdir()
        (root / "FashionMNIST").symlink_to(root / "FashionMNIST")
    error = NotADirectoryError if kind == "file" else d2l.DatasetNotFoundError
    with pytest.raises(error) as caught:
        d2l.FashionMNIST(root=str(root))
    assert str(root) in str(caught.value) and str(REAL_DIR) not in str(caught.value)


def test_a_root_with_only_the_training_files_names_the_missing_ones(tmp_path: Path,
                                                                    idx_tools) -> None:
    idx_tools.write_split(tmp_path, True, *idx_tools.small_split(12, 0))
    with pytest.raises(d2l.DatasetNotFoundError, match="holds only part of Fashion-MNIST: "
                                                       "t10k-images-idx3-ubyte, "
                                                       "t10k-labels-idx1-ubyte"):
        d2l.FashionMNIST(root=str(tmp_path))


def test_data_that_d2l_downloaded_into_dot_dot_data_is_found(no_dataset_anywhere: Path,
                                                             tmp_path: Path, idx_tools,
                                                             monkeypatch) -> None:
    raw = tmp_path / "d2l-data" / "FashionMNIST" / "raw"
    idx_tools.write_split(raw, True, *idx_tools.small_split(12, 0))
    idx_tools.write_split(raw, False, *idx_tools.small_split(6, 1))
    data = d2l.FashionMNIST(batch_size=4)
    assert data.folder == raw and len(data.train) == 12


def test_a_resize_too_big_for_memory_is_done_batch_by_batch(fashion_root: Path, monkeypatch,
                                                            capsys) -> None:
    monkeypatch.setattr(fashion_mnist, "MAX_RESIZED_BYTES", 1000)
    data = d2l.FashionMNIST(batch_size=4, resize=(64, 64), root=str(fashion_root))
    assert "each batch is resized when served" in capsys.readouterr().err
    assert data.train.images.shape[-2:] == (28, 28)
    X, _ = next(iter(data.train_dataloader()))
    assert X.shape == (4, 1, 64, 64) and X.dtype == torch.float32
    assert data.train[0][0].shape == (1, 64, 64)


def test_text_labels_refuse_numbers_that_are_not_classes() -> None:
    with pytest.raises(ValueError, match="between 0 and 9, but got -1"):
        d2l.FashionMNIST.text_labels(None, [-1])
    with pytest.raises(TypeError, match="a bool tensor is a mask"):
        d2l.FashionMNIST.text_labels(None, torch.tensor([True, False]))
