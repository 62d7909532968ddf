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

        It must be called directly from an ``__init__`` method of this object. It only
        records: each constructor checks the arguments it owns. ``ignore`` is a list of
        names (a single name as a string is taken whole).

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
            skip = ({ignore} if isinstance(ignore, str) else set(ignore)) | {"self"}
            self.hparams = {
                name: value
                for name, value in caller.f_locals.items()
                if name not in skip and not name.startswith("_")
                and name in caller.f_code.co_varnames[: _num_args(caller.f_code)]
            }
        finally:
            del frame, caller
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
