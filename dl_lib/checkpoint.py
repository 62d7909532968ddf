"""Atomic checkpoint files, loaded without running code (used by ``Trainer``)."""

from __future__ import annotations

import errno
import os
import random
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import torch


def rng_states() -> dict[str, Any]:
    """The states of Python's, NumPy's and torch's random generators, as safe-to-load data.

    >>> sorted(rng_states())
    ['cuda', 'numpy', 'python', 'torch']
    """
    kind, keys, pos, has_gauss, cached = np.random.get_state()
    return {
        "python": random.getstate(),
        "numpy": [kind, torch.from_numpy(np.asarray(keys).copy()), pos, has_gauss, cached],
        "torch": torch.get_rng_state(),
        "cuda": torch.cuda.get_rng_state_all() if torch.cuda.is_available() else [],
    }


def set_rng_states(states: dict[str, Any]) -> None:
    """Restore what ``rng_states`` returned.

    >>> s = rng_states(); a = torch.rand(1); set_rng_states(s); torch.equal(a, torch.rand(1))
    True
    """
    version, internal, gauss = states["python"]
    random.setstate((version, tuple(internal), gauss))
    kind, keys, pos, has_gauss, cached = states["numpy"]
    np.random.set_state((kind, keys.numpy().astype(np.uint32), pos, has_gauss, cached))
    torch.set_rng_state(states["torch"])
    if states["cuda"] and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(states["cuda"])


def save_atomically(obj: Any, path: str | os.PathLike[str]) -> Path:
    """``torch.save`` to a temporary file beside ``path``, flush it to disk, then rename.

    A failure at any point leaves an existing file at ``path`` as it was, and no temporary
    file behind; a failure to write (a full disk, say) is an ``OSError`` that names ``path``.

    >>> p = Path(tempfile.mkdtemp()) / "x.ckpt"
    >>> save_atomically({"a": 1}, p) == p, load_checkpoint(p)
    (True, {'a': 1})
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(obj, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        kept = ("the previous checkpoint there is unchanged" if path.exists()
                else "nothing was saved")
        fix = ("free some disk space" if error.errno == errno.ENOSPC
               else "check that you may write to that folder")
        raise OSError(error.errno, f"could not write the checkpoint {path} "
                      f"({error.strerror or error}); {kept}. To save it, {fix} "
                      "or save to another path.") from error
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def load_checkpoint(path: str | os.PathLike[str]) -> Any:
    """Load a checkpoint with ``weights_only=True``: tensors and plain data, never code.

    >>> load_checkpoint("/no/such.ckpt")
    Traceback (most recent call last):
    ...
    FileNotFoundError: no checkpoint at /no/such.ckpt; save one with trainer.save_checkpoint(path)
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"no checkpoint at {path}; save one with trainer.save_checkpoint(path)"
        )
    return torch.load(path, map_location="cpu", weights_only=True)
