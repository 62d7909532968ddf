"""Devices and seeds: ``cpu``, ``gpu``, ``num_gpus``, ``try_gpu``, ``try_all_gpus``, ``set_seed``."""

from __future__ import annotations

import random

import numpy as np
import torch


def cpu() -> torch.device:
    """The CPU device.

    >>> cpu()
    device(type='cpu')
    """
    return torch.device("cpu")


def gpu(i: int = 0) -> torch.device:
    """The ``i``-th CUDA device (it need not exist; see ``try_gpu``).

    >>> gpu(1)
    device(type='cuda', index=1)
    """
    return torch.device(f"cuda:{i}")


def num_gpus() -> int:
    """How many CUDA GPUs torch can use here.

    >>> num_gpus() >= 0
    True
    """
    return torch.cuda.device_count()


def try_gpu(i: int = 0) -> torch.device:
    """``gpu(i)`` if it exists, else ``cpu()``.

    >>> try_gpu(10_000)
    device(type='cpu')
    """
    return gpu(i) if num_gpus() >= i + 1 else cpu()


def try_all_gpus() -> list[torch.device]:
    """All GPUs, or ``[cpu()]`` when there are none.

    >>> len(try_all_gpus()) >= 1
    True
    """
    return [gpu(i) for i in range(num_gpus())] or [cpu()]


def set_seed(seed: int) -> None:
    """Seed Python's ``random``, NumPy and torch (CPU and every GPU) at once.

    >>> set_seed(0); a = torch.rand(2)
    >>> set_seed(0); torch.equal(a, torch.rand(2))
    True
    """
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
