"""pytest set-up shared by every test: offline data, no windows, and the chapters' >>> examples.

Sybil collects each ``>>>`` example written in a ```python fence of a chapter as its own test;
the examples of one page share a namespace, top to bottom, like the page itself.
"""

import doctest
import os

os.environ.setdefault("DL_LIB_DOWNLOAD", "0")
os.environ.setdefault("MPLBACKEND", "Agg")

from sybil import Sybil  # noqa: E402
from sybil.parsers.myst import PythonCodeBlockParser  # noqa: E402

FLAGS = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS

pytest_collect_file = Sybil(
    parsers=[PythonCodeBlockParser(doctest_optionflags=FLAGS)],
    patterns=["*.md"],
    path="book",
    setup=lambda namespace: os.chdir(os.path.dirname(os.path.abspath(__file__))),
).pytest()
