"""Corrupt IDX files are named with what is wrong and never half-loaded (``idx_files``)."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import dl_lib as d2l
from dl_lib import fashion_mnist_files, idx_files
from dl_lib.idx_files import CorruptDatasetError


def cached_paths() -> set[str]:
    return {path for key in fashion_mnist_files._cache for path, _, _ in key}


def load(root: Path) -> d2l.FashionMNIST:
    return d2l.FashionMNIST(batch_size=4, root=str(root))


def corrupt_then_fix(root: Path, bad: Path, bad_bytes: bytes, partner: Path | None = None) -> str:
    """Write ``bad_bytes`` to ``bad``, check loading fails and caches nothing of it (nor of its
    ``partner`` file), then restore the file and check loading works; return the message."""
    good = bad.read_bytes()
    bad.write_bytes(bad_bytes)
    with pytest.raises(CorruptDatasetError) as caught:
        load(root)
    assert isinstance(caught.value, ValueError)
    assert str(bad) not in cached_paths()  # nothing half-loaded is kept
    assert partner is None or str(partner) not in cached_paths()
    bad.write_bytes(good)
    data = load(root)
    assert (len(data.train), len(data.val)) == (12, 6)
    assert str(bad) in cached_paths()
    return str(caught.value)


def test_truncated_image_file_is_named_with_its_sizes(fashion_root: Path) -> None:
    bad = fashion_root / "train-images-idx3-ubyte"
    good = bad.read_bytes()
    message = corrupt_then_fix(fashion_root, bad, good[:-100])
    print(message)
    assert message == (f"{bad} holds {len(good) - 100} bytes, but its header [12, 28, 28] "
                       f"needs {len(good)}: the file is truncated or damaged; delete it and "
                       "get it again")


def test_file_too_short_for_a_header(fashion_root: Path) -> None:
    bad = fashion_root / "t10k-labels-idx1-ubyte"
    message = corrupt_then_fix(fashion_root, bad, b"\x00\x00\x08")
    assert str(bad) in message and "3 bytes long" in message
    assert "delete it and get it again" in message


def test_wrong_magic_number_names_file_found_and_expected(fashion_root: Path) -> None:
    bad = fashion_root / "train-labels-idx1-ubyte"
    images = (fashion_root / "train-images-idx3-ubyte").read_bytes()
    message = corrupt_then_fix(fashion_root, bad, images)  # an image file under a label name
    print(message)
    assert message == (f"{bad} starts with magic number 2051, but a label file starts with "
                       "2049: it is not the file its name says, or it is damaged; delete it "
                       "and get it again")


def test_image_and_label_counts_that_differ(fashion_root: Path, idx_tools) -> None:
    labels = fashion_root / "t10k-labels-idx1-ubyte"
    images = fashion_root / "t10k-images-idx3-ubyte"
    five_labels = idx_tools.idx_bytes(idx_tools.small_split(5, 9)[1])
    message = corrupt_then_fix(fashion_root, labels, five_labels, partner=images)
    print(message)
    assert message == (f"{images} holds 6 images but {labels} holds 5 labels; the two files "
                       "do not belong together: delete both and get them again from the "
                       "same release")


def test_truncated_gzip_file_is_named(tmp_path: Path, idx_tools) -> None:
    root = tmp_path / "gz"
    idx_tools.write_split(root, True, *idx_tools.small_split(12, 0), gz=True)
    idx_tools.write_split(root, False, *idx_tools.small_split(6, 1), gz=True)
    bad = root / "train-images-idx3-ubyte.gz"
    message = corrupt_then_fix(root, bad, bad.read_bytes()[:40])
    print(message)
    assert message.startswith(f"{bad} cannot be read or decompressed (")
    assert message.endswith("delete it and get it again")


def test_a_valid_gzip_of_a_truncated_file_is_named(tmp_path: Path, idx_tools) -> None:
    root = tmp_path / "gz"
    idx_tools.write_split(root, True, *idx_tools.small_split(12, 0), gz=True)
    idx_tools.write_split(root, False, *idx_tools.small_split(6, 1), gz=True)
    bad = root / "t10k-images-idx3-ubyte.gz"
    raw = gzip.decompress(bad.read_bytes())
    message = corrupt_then_fix(root, bad, gzip.compress(raw[:-1]))
    assert str(bad) in message and "truncated" in message


def test_a_file_without_read_permission_is_not_called_damaged(fashion_root: Path,
                                                              monkeypatch) -> None:
    bad = fashion_root / "train-labels-idx1-ubyte"

    def no_permission(path, *args, **kwargs):
        if Path(path) == bad:
            raise PermissionError(13, "Permission denied", str(path))
        return open(path, *args, **kwargs)

    monkeypatch.setattr(idx_files, "open", no_permission, raising=False)  # as chmod 0 would
    with pytest.raises(PermissionError, match="permission denied. The file may be fine"):
        load(fashion_root)
