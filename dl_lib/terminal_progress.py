"""A progress bar over epochs in a terminal; nothing in notebooks, logs or the book."""

from __future__ import annotations

import sys
from typing import Any, Iterator

from .figure_view import in_notebook


def epochs(start: int, stop: int, board: Any = None) -> Iterator[int]:
    """Epoch numbers ``start .. stop-1``, drawn as a bar with the board's latest values when
    stderr is a terminal outside Jupyter.

    >>> list(epochs(1, 3))
    [1, 2]
    """
    if in_notebook() or not sys.stderr.isatty():
        yield from range(start, stop)
        return
    from tqdm.auto import tqdm

    bar = tqdm(range(start, stop), initial=start, total=stop, unit="epoch", leave=True)
    for epoch in bar:
        yield epoch
        if board is not None:
            bar.set_postfix({k: f"{v[-1].y:.3f}" for k, v in board.data.items() if v})
