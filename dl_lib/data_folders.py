"""Where data sets are looked for and where downloads go (sections 4.2 and 5.7).

An explicit ``root`` (or ``DL_LIB_DATA``) is a promise: the data must be there (or be
downloaded there), never silently taken from elsewhere. Without one, the data is looked for in
the system's copy (for Fashion-MNIST, Debian's package), in ``../data`` where d2l's own code
downloads (read only: dl_lib never writes relative to the working folder), and in dl_lib's
cache folder, where downloads go.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Sequence

from . import settings

D2L_DATA_DIR = Path("..") / "data"
"""d2l's default ``root``, relative to the working folder: searched, never written."""


def download_root(root: str | os.PathLike[str] | None) -> Path:
    """Where a missing data set is downloaded: ``root``, else ``$DL_LIB_DATA``, else the cache.

    >>> download_root("/tmp/x")
    PosixPath('/tmp/x')
    """
    if root is not None:
        return Path(root).expanduser()
    return settings.data_dir() or settings.CACHE_DIR


def search_roots(root: str | os.PathLike[str] | None,
                 system_dirs: Sequence[Path] = ()) -> tuple[list[Path], str | None]:
    """The folders to search, and the name of the setting that chose them (None: the defaults).

    >>> search_roots("/data")
    ([PosixPath('/data')], 'root')
    """
    if root is not None:
        return [Path(root).expanduser()], "root"
    env = settings.data_dir()
    if env is not None:
        return [env], "DL_LIB_DATA"
    return [*system_dirs, D2L_DATA_DIR, settings.CACHE_DIR], None


def check_folder(folder: Path, chosen_by: str) -> None:
    """Refuse a chosen folder that is a file or cannot be entered, naming the setting.

    >>> check_folder(Path("/etc/hostname"), "root")
    Traceback (most recent call last):
    ...
    NotADirectoryError: root=/etc/hostname is a file, not a folder: give the folder that holds the data.
    """
    try:
        if folder.exists() and not folder.is_dir():
            raise NotADirectoryError(f"{chosen_by}={folder} is a file, not a folder: give the "
                                     "folder that holds the data.")
        if folder.is_dir():
            os.listdir(folder)
    except PermissionError as error:
        raise PermissionError(f"{chosen_by}={folder} cannot be read ({error.strerror}): give a "
                              "folder you may read, or fix its permissions.") from error
    except OSError as error:
        if isinstance(error, NotADirectoryError):
            raise
        raise OSError(error.errno, f"{chosen_by}={folder} cannot be used "
                      f"({error.strerror}): give another folder.") from error
