"""Hyperparameters saved from ``__init__`` arguments, and ``add_to_class`` (book section 3.2)."""

from __future__ import annotations

import inspect
from typing import Any, Callable, Iterable, TypeVar

T = TypeVar("T")


def add_to_class(Class: type) -> Callable[[T], T]:
    """Attach the decorated function to ``Class`` as a method (a teaching device).

    >>> class A:
    ...     b = 1
    >>> @add_to_class(A)
    ... def show(self):
    ...     return f"b is {self.b}"
    >>> A().show()
    'b is 1'
    """

    def wrapper(obj: T) -> T:
        setattr(Class, obj.__name__, obj)  # type: ignore[attr-defined]
        return obj

    return wrapper


class HyperParameters:
    """Base class whose ``save_hyperparameters`` turns ``__init__`` arguments into attributes.

    >>> class B(HyperParameters):
    ...     def __init__(self, a, b, c):
    ...         self.save_hyperparameters(ignore=["c"])
    >>> x = B(a=1, b=2, c=3)
    >>> x.a, x.b, hasattr(x, "c"), x.hparams
    (1, 2, False, {'a': 1, 'b': 2})
    """

    hparams: dict[str, Any]

    def save_hyperparameters(self, ignore: Iterable[str] = ()) -> None:
        """Store the caller's arguments (except ``ignore``) in ``self.hparams`` and as attributes.

        It must be called directly from an ``__init__`` method of this object.

        >>> class C(HyperParameters):
        ...     def __init__(self, lr=0.1):
        ...         self.save_hyperparameters()
        >>> C().lr
        0.1
        """
        frame = inspect.currentframe()
        caller = frame.f_back if frame is not None else None
        try:
            if (
                caller is None
                or caller.f_code.co_name != "__init__"
                or caller.f_locals.get("self") is not self
            ):
                where = caller.f_code.co_name if caller is not None else "?"
                raise RuntimeError(
                    f"save_hyperparameters() was called from {where}(), but it reads the "
                    "arguments of the method that calls it, so it must be called directly "
                    f"inside {type(self).__name__}.__init__ (for example as its first line)."
                )
            skip = set(ignore) | {"self"}
            self.hparams = {
                name: value
                for name, value in caller.f_locals.items()
                if name not in skip and not name.startswith("_")
                and name in caller.f_code.co_varnames[: _num_args(caller.f_code)]
            }
        finally:
            del frame, caller
        check_hyperparameters(type(self).__name__, self.hparams)
        for name, value in self.hparams.items():
            setattr(self, name, value)


def _num_args(code: Any) -> int:
    """How many of ``code.co_varnames`` are arguments rather than local variables."""
    count = code.co_argcount + code.co_kwonlyargcount
    if code.co_flags & inspect.CO_VARARGS:
        count += 1
    if code.co_flags & inspect.CO_VARKEYWORDS:
        count += 1
    return count


_RULES: dict[str, tuple[str, Callable[[Any], bool], str]] = {
    "lr": ("a number greater than 0", lambda v: v > 0, "for example lr=0.1"),
    "batch_size": ("a whole number of at least 1", lambda v: isinstance(v, int) and v >= 1,
                   "for example batch_size=256"),
    "max_epochs": ("a whole number of at least 1", lambda v: isinstance(v, int) and v >= 1,
                   "for example max_epochs=10"),
    "num_gpus": ("a whole number of at least 0", lambda v: isinstance(v, int) and v >= 0,
                 "num_gpus=0 trains on the CPU"),
    "gradient_clip_val": ("a number of at least 0", lambda v: v >= 0,
                          "gradient_clip_val=0 switches clipping off"),
}


def check_hyperparameters(owner: str, hparams: dict[str, Any]) -> None:
    """Reject well-known hyperparameters with impossible values, naming the value and the fix.

    >>> check_hyperparameters("Model", {"lr": -1})
    Traceback (most recent call last):
    ...
    ValueError: Model got lr=-1, but lr must be a number greater than 0 (for example lr=0.1).
    """
    for name, (must, ok, hint) in _RULES.items():
        if name not in hparams:
            continue
        value = hparams[name]
        valid = not isinstance(value, bool) and isinstance(value, (int, float))
        try:
            valid = valid and bool(ok(value))
        except TypeError:
            valid = False
        if not valid:
            raise ValueError(f"{owner} got {name}={value!r}, but {name} must be {must} ({hint}).")
