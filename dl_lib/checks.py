"""Argument checks that name the argument, the value and the fix (used by the constructors).

Each check accepts what a learner naturally passes — Python numbers, NumPy numbers, 0-d
tensors — and returns a plain Python number, so that nothing downstream sees ``np.int64``.

>>> whole_number("Trainer", "max_epochs", np.int64(3), minimum=1)
3
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np


def _plain(value: Any) -> Any:
    """``value`` as a Python number when it is a NumPy number or a one-element tensor."""
    if isinstance(value, np.generic):
        return value.item()
    if type(value).__name__ == "Tensor" and getattr(value, "numel", lambda: 0)() == 1 \
            and getattr(value, "dim", lambda: 1)() == 0:
        return value.item()
    return value


def whole_number(owner: str, name: str, value: Any, minimum: int, hint: str = "") -> int:
    """``value`` as an ``int`` if it is a whole number of at least ``minimum``, else ``ValueError``.

    >>> whole_number("SyntheticRegressionData", "batch_size", 0, minimum=1, hint="batch_size=32")
    Traceback (most recent call last):
    ...
    ValueError: SyntheticRegressionData got batch_size=0, but batch_size must be a whole number of at least 1 (for example batch_size=32).
    """
    plain = _plain(value)
    ok = (isinstance(plain, numbers.Integral) and not isinstance(plain, bool)
          and plain >= minimum)
    if not ok:
        example = f" (for example {hint})" if hint else ""
        raise ValueError(f"{owner} got {name}={value!r}, but {name} must be a whole number "
                         f"of at least {minimum}{example}.")
    return int(plain)


def real_number(owner: str, name: str, value: Any, minimum: float, inclusive: bool = True,
                hint: str = "") -> float:
    """``value`` as a finite ``float`` at least (or, not inclusive, above) ``minimum``.

    >>> real_number("SGD", "lr", np.float32(0.5), minimum=0, inclusive=False)
    0.5
    >>> real_number("SGD", "lr", float("inf"), minimum=0, inclusive=False, hint="lr=0.1")
    Traceback (most recent call last):
    ...
    ValueError: SGD got lr=inf, but lr must be a finite number greater than 0 (for example lr=0.1).
    """
    plain = _plain(value)
    ok = (isinstance(plain, numbers.Real) and not isinstance(plain, bool)
          and math.isfinite(plain) and (plain >= minimum if inclusive else plain > minimum))
    if not ok:
        bound = f"of at least {minimum:g}" if inclusive else f"greater than {minimum:g}"
        example = f" (for example {hint})" if hint else ""
        raise ValueError(f"{owner} got {name}={value!r}, but {name} must be a finite number "
                         f"{bound}{example}.")
    return float(plain)


def learning_rate(owner: str, lr: Any) -> float:
    """A learning rate: a finite number greater than 0.

    >>> learning_rate("MLP", 0.1)
    0.1
    """
    return real_number(owner, "lr", lr, minimum=0, inclusive=False, hint="lr=0.1")


def batch_size(owner: str, value: Any) -> int:
    """A batch size: a whole number of at least 1.

    >>> batch_size("FashionMNIST", np.int64(256))
    256
    """
    return whole_number(owner, "batch_size", value, minimum=1, hint="batch_size=256")
