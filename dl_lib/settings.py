"""Every setting dl_lib takes from the environment, and its few process-wide switches.

This is the one module that reads ``os.environ``. Each variable is read when it is used (so a
notebook can change it between cells and a test can ``monkeypatch.setenv`` it), and a value
that cannot be understood is an error naming the variable and the values it accepts.
The README's table of variables is checked against ``VARIABLES`` by a test.

>>> sorted(VARIABLES)
['DL_LIB_DATA', 'DL_LIB_DOWNLOAD', 'DL_LIB_FIGURE_DIR', 'DL_LIB_ONEDNN']
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEBIAN_FASHION_MNIST = Path("/usr/share/datasets/fashion-mnist")
"""Where Debian's ``dataset-fashion-mnist`` package puts the IDX files."""

CACHE_DIR = Path.home() / ".cache" / "dl_lib"
"""Where downloads go when no ``root`` and no ``DL_LIB_DATA`` say otherwise."""

VARIABLES: dict[str, str] = {
    "DL_LIB_DATA": "a folder holding the data sets (Fashion-MNIST's IDX files, downloads); "
                   "when set, it must hold them",
    "DL_LIB_DOWNLOAD": "`0`/`false`/`no`/`off` forbids downloads (tests and builds); "
                       "default: allowed where the data is missing",
    "DL_LIB_FIGURE_DIR": "in a plain script, save every figure and training board there as PNG",
    "DL_LIB_ONEDNN": "`0`/`false`/`no`/`off` switches off oneDNN's fp32 kernel for the models' "
                     "matrix products, `1`/`true`/`yes`/`on` uses it wherever it works; "
                     "default: used where it is measured faster (dl_lib/kernel_choice.py)",
}

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def parse_switch(name: str, value: str | None, default: bool) -> bool:
    """A boolean environment value: 1/true/yes/on or 0/false/no/off, any case; unset: ``default``.

    >>> parse_switch("X", "Off", True), parse_switch("X", None, True), parse_switch("X", "YES", False)
    (False, True, True)
    >>> parse_switch("DL_LIB_DOWNLOAD", "nope", True)
    Traceback (most recent call last):
    ...
    ValueError: DL_LIB_DOWNLOAD='nope' is not understood: use 1, true, yes or on to switch it on, 0, false, no or off to switch it off (or unset it for the default, on).
    """
    if value is None or value.strip() == "":
        return default
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise ValueError(
        f"{name}={value!r} is not understood: use 1, true, yes or on to switch it on, "
        f"0, false, no or off to switch it off (or unset it for the default, "
        f"{'on' if default else 'off'})."
    )


def _switch(name: str, default: bool) -> bool:
    return parse_switch(name, os.environ.get(name), default)


def download_allowed() -> bool:
    """Whether dl_lib may download a data set that is missing (``DL_LIB_DOWNLOAD``).

    >>> isinstance(download_allowed(), bool)
    True
    """
    return _switch("DL_LIB_DOWNLOAD", True)


def onednn_requested() -> bool:
    """Whether oneDNN's kernel may be used at all (``DL_LIB_ONEDNN``; on by default).

    >>> isinstance(onednn_requested(), bool)
    True
    """
    return _switch("DL_LIB_ONEDNN", True)


def onednn_forced() -> bool:
    """Whether ``DL_LIB_ONEDNN`` asks for oneDNN's kernel outright (set to on), rather than
    leaving the choice to a measurement (unset).

    >>> isinstance(onednn_forced(), bool)
    True
    """
    value = os.environ.get("DL_LIB_ONEDNN")
    return bool(value and value.strip()) and _switch("DL_LIB_ONEDNN", True)


def data_dir() -> Path | None:
    """The folder in ``DL_LIB_DATA``, or None when it is unset.

    >>> data_dir() is None or isinstance(data_dir(), Path)
    True
    """
    value = os.environ.get("DL_LIB_DATA", "").strip()
    return Path(value).expanduser() if value else None


def figure_dir() -> Path | None:
    """The folder in ``DL_LIB_FIGURE_DIR`` (None when unset); an existing file there is an error.

    >>> figure_dir() is None or figure_dir().is_dir() or not figure_dir().exists()
    True
    """
    value = os.environ.get("DL_LIB_FIGURE_DIR", "").strip()
    if not value:
        return None
    folder = Path(value).expanduser()
    if folder.exists() and not folder.is_dir():
        raise NotADirectoryError(
            f"DL_LIB_FIGURE_DIR={value!r} is a file, but it must name a folder for the figures: "
            "set it to a folder (it is created if missing) or unset it."
        )
    return folder


@dataclass
class Switches:
    """Process-wide choices and one-time flags, kept together so that tests can reset them.

    >>> s = Switches(); s.figure_format, s.figsize
    ('png', (3.5, 2.5))
    """

    figure_format: str = "png"
    figsize: tuple[float, float] = (3.5, 2.5)
    figures_saved: int = 0
    warned: set[str] = field(default_factory=set)
    next_alt: str | None = None


switches = Switches()
"""The one instance dl_lib uses; ``monkeypatch.setattr(settings, "switches", Switches())`` resets."""
