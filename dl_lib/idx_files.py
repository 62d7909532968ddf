"""Reading and checking IDX files, the format Fashion-MNIST ships in (section 4.2)."""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

IMAGE_MAGIC, LABEL_MAGIC = 2051, 2049


class CorruptDatasetError(ValueError):
    """An IDX file exists but cannot be the data it should be (truncated, wrong magic, ...).

    >>> issubclass(CorruptDatasetError, ValueError)
    True
    """


def read_idx(path: str | Path, magic: int) -> np.ndarray:
    """Read a (possibly gzipped) IDX file of unsigned bytes and check its header.

    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "labels-idx1-ubyte"
    >>> _ = p.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]))
    >>> read_idx(p, LABEL_MAGIC)
    array([7, 8, 9], dtype=uint8)
    """
    path = Path(path)
    try:
        with open(path, "rb"):
            pass
    except PermissionError as error:
        raise PermissionError(f"{path} cannot be read: permission denied. The file may be "
                              "fine: give yourself read access (chmod a+r) or point dl_lib to "
                              "another copy.") from error
    try:
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
    except (OSError, EOFError, gzip.BadGzipFile) as error:
        raise CorruptDatasetError(
            f"{path} cannot be read or decompressed ({error}); delete it and get it again"
        ) from error
    if len(raw) < 8:
        raise CorruptDatasetError(f"{path} is {len(raw)} bytes long, too short for an IDX "
                                  "header; delete it and get it again")
    found = int.from_bytes(raw[:4], "big")
    if found != magic:
        raise CorruptDatasetError(
            f"{path} starts with magic number {found}, but "
            f"{'a label' if magic == LABEL_MAGIC else 'an image'} file starts with {magic}: "
            "it is not the file its name says, or it is damaged; delete it and get it again"
        )
    ndim = raw[3]
    header = 4 + 4 * ndim
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    expected = header + int(np.prod(dims))
    if len(raw) != expected:
        raise CorruptDatasetError(
            f"{path} holds {len(raw)} bytes, but its header {dims} needs {expected}: "
            "the file is truncated or damaged; delete it and get it again"
        )
    return np.frombuffer(raw, dtype=np.uint8, offset=header).reshape(dims)


def read_split(images_path: str | Path, labels_path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read one split's images ``[N, H, W]`` and labels ``[N]`` and check they pair up.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "i").write_bytes(bytes([0, 0, 8, 3, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 255]))
    >>> _ = (d / "l").write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 1, 4]))
    >>> [a.tolist() for a in read_split(d / "i", d / "l")]
    [[[[255]]], [4]]
    """
    images = read_idx(images_path, IMAGE_MAGIC)
    labels = read_idx(labels_path, LABEL_MAGIC)
    if images.ndim != 3 or labels.ndim != 1:
        raise CorruptDatasetError(
            f"{images_path} should hold images [N, H, W] and {labels_path} labels [N], "
            f"but they have shapes {list(images.shape)} and {list(labels.shape)}"
        )
    if len(images) != len(labels):
        raise CorruptDatasetError(
            f"{images_path} holds {len(images)} images but {labels_path} holds "
            f"{len(labels)} labels; the two files do not belong together: delete both and "
            "get them again from the same release"
        )
    return images, labels
