"""Short tracebacks for the book's executed cells: the reader's own code, the last frames
and the message, with no path of the machine that built the site.

The site's build runs each page in a Jupyter kernel that reads an IPython startup file (written
by ``dl_book_theme.py``) that calls ``install()``: IPython's documented hook for a custom
exception handler, ``InteractiveShell.set_custom_exc``. A cell that raises (a cell tagged
``raises-exception``) then shows, instead of IPython's 40 frames through the library::

    Traceback (most recent call last; 9 frames inside the libraries not shown):
      Cell In[5], line 2
        model(X)
      File torch/nn/modules/linear.py, line 125, in forward
        return F.linear(input, self.weight, self.bias)
    RuntimeError: mat1 and mat2 shapes cannot be multiplied (4x3 and 2x1)

Downloaded notebooks run without it: on a reader's machine, IPython's own tracebacks.
"""

from __future__ import annotations

import re
import sys
import traceback
from pathlib import Path
from typing import Any, Callable

LAST_FRAMES = 2  # frames shown after the reader's own code
PROJECT = Path(__file__).resolve().parents[1]


def short_path(filename: str, project: Path = PROJECT) -> str:
    """A file's path as a reader can place it: within its package, or the project.

    >>> short_path("/work/x/.venv/lib/python3.11/site-packages/torch/nn/functional.py")
    'torch/nn/functional.py'
    >>> short_path("/usr/lib/python3.11/json/decoder.py")
    'json/decoder.py'
    >>> short_path("/home/me/book/dl_lib/trainer.py", Path("/home/me/book"))
    'dl_lib/trainer.py'
    >>> short_path("/somewhere/else/helper.py")
    'helper.py'
    """
    path = Path(filename)
    for marker in ("site-packages", "dist-packages"):
        if marker in path.parts:
            return "/".join(path.parts[len(path.parts) - path.parts[::-1].index(marker):])
    if path.is_absolute() and path.is_relative_to(project):
        return path.relative_to(project).as_posix()
    match = re.search(r"/lib/python\d+(\.\d+)?/(.+)$", filename)
    if match:
        return match.group(2)
    return path.name


def short_traceback(etype: type, value: BaseException, tb: Any,
                    cell_name: Callable[[str], str | None] = lambda filename: None,
                    last: int = LAST_FRAMES, project: Path = PROJECT) -> list[str]:
    """The lines of a short traceback: every frame of the reader's cells (those that
    ``cell_name`` names), then the last ``last`` frames, then the exception's message.

    >>> def inner(): raise ValueError("bad value")
    >>> def outer(): inner()
    >>> try:
    ...     outer()
    ... except ValueError as error:
    ...     lines = short_traceback(type(error), error, error.__traceback__, last=1)
    >>> print("\\n".join(lines))  # doctest: +ELLIPSIS
    Traceback (most recent call last; 2 frames not shown):
      File ..., line 1, in inner
        def inner(): raise ValueError("bad value")
    ValueError: bad value
    """
    message = "".join(traceback.format_exception_only(etype, value)).rstrip("\n")
    for filename in re.findall(r'File "([^"]+)"', message):  # a SyntaxError names its file
        message = message.replace(f'File "{filename}"',
                                  cell_name(filename) or f"File {short_path(filename, project)}")
    if issubclass(etype, SyntaxError):  # raised while compiling the cell: no frame is the reader's
        return message.splitlines()
    frames = traceback.extract_tb(tb)
    mine = [i for i, frame in enumerate(frames) if cell_name(frame.filename)]
    shown = sorted(set(mine) | set(range(max(len(frames) - last, 0), len(frames))))
    hidden = len(frames) - len(shown)
    lines = ["Traceback (most recent call last" +
             (f"; {hidden} frame{'s' * (hidden != 1)} not shown):" if hidden else "):")]
    previous = -1
    for index in shown:
        if index != previous + 1 and previous >= 0:
            lines.append("  ...")
        frame = frames[index]
        name = cell_name(frame.filename)
        if name:
            lines.append(f"  {name}, line {frame.lineno}")
        else:
            lines.append(f"  File {short_path(frame.filename, project)}, line {frame.lineno}, "
                         f"in {frame.name}")
        if frame.line:
            lines.append(f"    {frame.line.strip()}")
        previous = index
    lines.extend(message.splitlines())
    return lines


def install(shell: Any) -> None:
    """Show every exception of ``shell``'s cells as a short traceback."""
    def cell_name(filename: str) -> str | None:
        named = shell.compile.format_code_name(filename)
        return f"{named[0]} {named[1]}" if named else None

    def handler(self: Any, etype: type, value: BaseException, tb: Any,
                tb_offset: int | None = None) -> list[str]:
        sys.last_type, sys.last_value, sys.last_traceback = etype, value, tb
        while tb is not None and tb.tb_frame.f_code.co_filename.endswith(
                "IPython/core/interactiveshell.py"):
            tb = tb.tb_next  # IPython's own run_code frame
        stb = short_traceback(etype, value, tb, cell_name)
        self._showtraceback(etype, value, stb)
        return stb

    shell.set_custom_exc((Exception,), handler)
