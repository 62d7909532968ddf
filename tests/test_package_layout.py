"""dl_lib stays a house of small rooms: short modules and functions, no import cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "dl_lib"
MODULES = sorted(PACKAGE.glob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_modules_and_functions_are_short(path: Path) -> None:
    source = path.read_text()
    assert len(source.splitlines()) <= 300, f"{path.name} is over 300 lines: split it by idea"
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(ast.parse(source))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > 60]
    assert not long, f"functions over 60 lines in {path.name}: {long}"


def imports_of(path: Path) -> set[str]:
    """The dl_lib modules that ``path`` imports at its top level (``from .x import ...``)."""
    found = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {node.module} if node.module else {a.name for a in node.names}
    return found


def test_no_module_imports_back_into_one_that_imports_it() -> None:
    graph = {p.stem: imports_of(p) for p in MODULES if p.stem != "__init__"}

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(n == goal or (n not in seen and reaches(n, goal, seen | {n}))
                   for n in graph.get(start, ()))

    cycles = [m for m in graph if reaches(m, m, set())]
    assert not cycles, f"import cycles through {cycles}"


def test_the_trainer_leaves_checkpoint_contents_signals_and_board_internals_to_others() -> None:
    source = (PACKAGE / "trainer.py").read_text()
    for word in ("signal.", "Point(", "board.data", "state_dict()\n        }", "torch.save"):
        assert word not in source, f"trainer.py handles {word!r} itself"
