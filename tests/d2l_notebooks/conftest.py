"""The scripts here are notebooks run as subprocesses by tests/test_d2l_compat.py: pytest's
--doctest-modules must not import (and so run) them while collecting."""

collect_ignore_glob = ["*.py"]
