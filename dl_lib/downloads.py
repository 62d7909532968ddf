"""d2l's data hub: named files with their SHA-1, fetched once and checked (section 5.7).

``download`` returns a file that is already in its folder when its SHA-1 is right. It
downloads only where downloads are allowed (``DL_LIB_DOWNLOAD``, read by ``settings``); a
missing file it may not fetch, or a file whose SHA-1 is wrong, is an error that names the
file, the folders and the fix. It never overwrites a file, and it writes nothing into d2l's
default folder ``../data`` (it reads it; see ``places``).
"""

from __future__ import annotations

import hashlib
import os
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from pathlib import Path

from . import settings
from .data_folders import D2L_DATA_DIR, download_root
from .fashion_mnist_files import DatasetNotFoundError
from .idx_files import CorruptDatasetError

DATA_URL = "http://d2l-data.s3-accelerate.amazonaws.com/"
"""Where d2l keeps most of its data files."""

DATA_HUB: dict[str, tuple[str, str]] = {
    "airfoil": (DATA_URL + "airfoil_self_noise.dat", "76e5be1548fd8222e5074cf0faae75edff8cf93f"),
    "hotdog": (DATA_URL + "hotdog.zip", "fba480ffa8aa7e0febbb511d181409f899b9baa5"),
    "banana-detection": (DATA_URL + "banana-detection.zip",
                         "5de26c8fce5ccdea9f91267273464dc968d20d72"),
    "voc2012": (DATA_URL + "VOCtrainval_11-May-2012.tar",
                "4e443f8a2eca6b1dac8a6c57641b67dd40621a49"),
    "cifar10_tiny": (DATA_URL + "kaggle_cifar10_tiny.zip",
                     "2068874e4b9a9f0fb07ebe0ad2b29754449ccacd"),
    "dog_tiny": (DATA_URL + "kaggle_dog_tiny.zip", "0cb91d09b814ecdc07b50f31f8dcad3e81d6a86d"),
    "ptb": (DATA_URL + "ptb.zip", "319d85e578af0cdc590547f26231e4e31cdf1e42"),
    "glove.6b.50d": (DATA_URL + "glove.6B.50d.zip", "0b8703943ccdb6eb788e6f091b8946e82231bc4d"),
    "glove.6b.100d": (DATA_URL + "glove.6B.100d.zip",
                      "cd43bfb07e44e6f27cbcc7bc9ae3d80284fdaf5a"),
    "glove.42b.300d": (DATA_URL + "glove.42B.300d.zip",
                       "b5116e234e9eb9076672cfeabf5469f3eec904fa"),
    "wiki.en": (DATA_URL + "wiki.en.zip", "c1816da3821ae9f43899be655002f6c723e91b88"),
    "wikitext-2": ("https://s3.amazonaws.com/research.metamind.io/wikitext/wikitext-2-v1.zip",
                   "3c914d17d80b1459be871a5039ac23e752a53cbe"),
    "aclImdb": (DATA_URL + "aclImdb_v1.tar.gz", "01ada507287d82875905620988597833ad4e0903"),
    "SNLI": ("https://nlp.stanford.edu/projects/snli/snli_1.0.zip",
             "9fcde07509c7e87ec61c640c1b2753d9041758e4"),
    "pokemon": (DATA_URL + "pokemon.zip", "c065c0e2593b8b161a2d7873e42418bf6a21106c"),
    "fra-eng": (DATA_URL + "fra-eng.zip", "94646ad1522d915e7b0f9296181140edcf86a4f5"),
    "kaggle_house_train": (DATA_URL + "kaggle_house_pred_train.csv",
                           "585e9cc93e70b39160e7921475f9bcd7d31219ce"),
    "kaggle_house_test": (DATA_URL + "kaggle_house_pred_test.csv",
                          "fa19780a7b011d9b009e8bff8e99922a8ee2eb90"),
}
"""Name -> (url, SHA-1) of d2l's files (as in d2l 1.0.3, plus the house-price CSV files)."""


def sha1(path: str | os.PathLike[str]) -> str:
    """The SHA-1 of a file's bytes, as 40 hex digits (read in 1 MiB chunks).

    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "abc.txt"
    >>> _ = path.write_bytes(b"abc")
    >>> sha1(path)
    'a9993e364706816aba3e25717850c26c9cd0d89d'
    """
    digest = hashlib.sha1()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _hub_entry(name: str) -> tuple[str, str]:
    if name not in DATA_HUB:
        raise KeyError(f"{name!r} is neither a URL nor a name in DATA_HUB; the names are: "
                       f"{', '.join(sorted(DATA_HUB))}")
    return DATA_HUB[name]


def _wrong_sha1(path: Path, url: str, expected: str, actual: str) -> CorruptDatasetError:
    return CorruptDatasetError(
        f"{path} is not the file it should be: its SHA-1 is {actual}, but {url} has SHA-1 "
        f"{expected}. It was left as it is. To fix it, replace it with the right file, or "
        "delete it so that it is downloaded again (where downloads are allowed)."
    )


def _missing(name: str, looked: list[Path], target: Path, url: str,
             reason: str) -> DatasetNotFoundError:
    where = "\n".join(f"  - {folder / name}" for folder in looked)
    return DatasetNotFoundError(
        f"{name} was not found. Looked for it in:\n{where}\n{reason}\nTo fix it, either\n"
        f"  - download {url} and put it into {target}\n"
        "  - or allow downloads: unset DL_LIB_DOWNLOAD, or set DL_LIB_DOWNLOAD=1"
    )


def places(folder: str | os.PathLike[str]) -> tuple[list[Path], Path]:
    """The folders a file is looked for in, and the one a download goes to.

    d2l's default ``../data`` is searched but never written (dl_lib writes nothing relative
    to the working folder): there, downloads go to ``DL_LIB_DATA`` or dl_lib's cache folder.

    >>> places("/data")
    ([PosixPath('/data')], PosixPath('/data'))
    >>> looked, target = places("../data"); looked[0], looked[1] == target
    (PosixPath('../data'), True)
    """
    folder = Path(folder).expanduser()
    if folder == D2L_DATA_DIR:
        target = download_root(None)
        return [folder, target], target
    return [folder], folder


def download(url: str, folder: str = "../data", sha1_hash: str | None = None) -> str:
    """Return the local path of ``url``'s file in ``folder``, downloading it if it is missing.

    ``url`` may also be a name in ``DATA_HUB`` (then the hub gives the URL and SHA-1). A file
    already there is returned when its SHA-1 is ``sha1_hash`` (or when no hash is given);
    with another SHA-1 it is an error (``CorruptDatasetError``), never replaced silently.
    A missing file is downloaded only when ``settings.download_allowed()``; otherwise
    ``DatasetNotFoundError`` says which file, where it looked, and how to get it. With d2l's
    default ``folder``, see ``places``.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "abc.txt").write_bytes(b"abc")
    >>> path = download("http://example.com/abc.txt", folder,
    ...                 "a9993e364706816aba3e25717850c26c9cd0d89d")
    >>> pathlib.Path(path).read_bytes()
    b'abc'
    """
    if not url.startswith("http"):
        url, sha1_hash = _hub_entry(url)
    name = url.split("/")[-1]
    looked, target = places(folder)
    for path in (place / name for place in looked):
        if path.is_file():
            if sha1_hash is None:
                return str(path)
            actual = sha1(path)
            if actual != sha1_hash:
                raise _wrong_sha1(path, url, sha1_hash, actual)
            return str(path)
    path = target / name
    if not settings.download_allowed():
        raise _missing(name, looked, target, url,
                       "Downloading is switched off (DL_LIB_DOWNLOAD=0).")
    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"Downloading {path} from {url}...", file=sys.stderr)
    fd, partial = tempfile.mkstemp(dir=path.parent, prefix=name, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=60) as response:
            for chunk in iter(lambda: response.read(1 << 20), b""):
                out.write(chunk)
        if sha1_hash is not None and (actual := sha1(partial)) != sha1_hash:
            raise CorruptDatasetError(
                f"The file downloaded from {url} has SHA-1 {actual}, not {sha1_hash}, so it was "
                f"not kept and {path} was not written. Try again later, or put the right file "
                f"into {path.parent} by hand."
            )
        os.replace(partial, path)
    except OSError as error:  # network and disk failures end in the same advice
        raise _missing(name, looked, target, url, f"The download failed: {error}") from error
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return str(path)


def extract(filename: str, folder: str | None = None) -> None:
    """Unpack a ``.zip``, ``.tar`` or ``.tar.gz`` file into ``folder`` (default: its own folder).

    >>> import tempfile, pathlib, zipfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with zipfile.ZipFile(folder / "a.zip", "w") as z:
    ...     z.writestr("a/hello.txt", "hi")
    >>> extract(str(folder / "a.zip"))
    >>> (folder / "a" / "hello.txt").read_text()
    'hi'
    """
    ext = os.path.splitext(filename)[1]
    if ext not in (".zip", ".tar", ".gz"):
        raise ValueError(f"cannot extract {filename}: only .zip, .tar and .tar.gz files are "
                         "supported")
    target = folder if folder is not None else os.path.dirname(filename)
    if ext == ".zip":
        with zipfile.ZipFile(filename, "r") as archive:
            archive.extractall(target)
    else:
        with tarfile.open(filename, "r") as archive:
            if hasattr(tarfile, "data_filter"):  # refuses members that leave the folder
                archive.extractall(target, filter="data")
            else:  # pragma: no cover - Python < 3.11.4
                archive.extractall(target)


def download_extract(name: str, folder: str | None = None) -> str:
    """Fetch ``DATA_HUB[name]`` with ``download(name)``, unpack it beside itself, return a folder.

    The folder returned is ``<folder>`` beside the archive when ``folder`` is given, else the
    archive's path without its extension (``.zip``, ``.tar`` or ``.tar.gz``).

    >>> import os, pathlib, tempfile, zipfile
    >>> top = pathlib.Path(tempfile.mkdtemp()); (top / "work").mkdir(); (top / "data").mkdir()
    >>> with zipfile.ZipFile(top / "data" / "demo.zip", "w") as z:
    ...     z.writestr("demo/a.txt", "A")
    >>> DATA_HUB["demo"] = (DATA_URL + "demo.zip", sha1(top / "data" / "demo.zip"))
    >>> here = os.getcwd(); os.chdir(top / "work")
    >>> pathlib.Path(download_extract("demo"), "a.txt").read_text()
    'A'
    >>> os.chdir(here); del DATA_HUB["demo"]
    """
    fname = download(name)
    base_dir = os.path.dirname(fname)
    if fname.endswith(".tar.gz"):
        data_dir = fname[: -len(".tar.gz")]
    else:
        data_dir = os.path.splitext(fname)[0]
    extract(fname, base_dir)
    return os.path.join(base_dir, folder) if folder else data_dir
