"""Ctrl-C during training: finish the current batch, then stop (section 3.4's loop, made safe).

The first Ctrl-C is remembered and honoured at the next batch boundary, where model and
optimizer agree; a second one stops at once. Either way a ``KeyboardInterrupt`` leaves the
training loop, so a script or a loop over experiments stops as Ctrl-C always does.
"""

from __future__ import annotations

import signal
import threading
from typing import Any


class BatchBoundaryInterrupt:
    """While active, turn the first SIGINT into a request that ``check()`` raises.

    >>> guard = BatchBoundaryInterrupt()
    >>> with guard:
    ...     guard.requested = True  # as the signal handler does
    ...     try:
    ...         guard.check()
    ...     except KeyboardInterrupt:
    ...         print("stopped at the boundary")
    stopped at the boundary
    """

    def __init__(self) -> None:
        self.requested = False
        self._previous: Any = None

    def _handle(self, signum: int, frame: Any) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def __enter__(self) -> "BatchBoundaryInterrupt":
        self.requested = False
        if threading.current_thread() is threading.main_thread():
            self._previous = signal.signal(signal.SIGINT, self._handle)
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._previous is not None:
            signal.signal(signal.SIGINT, self._previous)
            self._previous = None

    def check(self) -> None:
        """Raise ``KeyboardInterrupt`` if Ctrl-C was pressed since the last check."""
        if self.requested:
            self.requested = False
            raise KeyboardInterrupt
