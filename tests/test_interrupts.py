"""Ctrl-C: the first waits for the batch boundary, a second one stops at once."""

from __future__ import annotations

import signal

import pytest

from dl_lib.interrupts import BatchBoundaryInterrupt


def test_first_sigint_is_deferred_to_check_and_a_second_raises_at_once() -> None:
    before = signal.getsignal(signal.SIGINT)
    guard = BatchBoundaryInterrupt()
    with guard:
        signal.raise_signal(signal.SIGINT)  # deferred
        assert guard.requested
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)  # the second: at once
        with pytest.raises(KeyboardInterrupt):
            guard.check()
        guard.check()  # the request was used up
    assert signal.getsignal(signal.SIGINT) is before
