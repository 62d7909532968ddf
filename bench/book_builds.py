"""Benchmarks of the book's execution: one page quiet and loaded; rebuilds (issue 18, 3-5).

Used by ``bench/run.py``: ``page_quiet_and_loaded`` always, ``rebuilds`` with ``--book``
(it builds a copy of the whole book from scratch, so it takes as long as a clean build).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import page_cache  # noqa: E402

PAGE = ROOT / "book" / "chapter_3" / "linear-regression-scratch.md"
Row = tuple[str, str, str, str]


@contextmanager
def cpu_hogs(count: int | None = None) -> Iterator[None]:
    """``count`` busy processes (default: one per core) for the duration of the block."""
    hogs = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
            for _ in range(count or os.cpu_count() or 1)]
    try:
        yield
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()


def page_quiet_and_loaded(rows: list[Row], page: Path = PAGE, repeats: int = 2) -> None:
    """One page executed as the build executes it (its own kernel, page_cache's thread
    settings), alternately on the machine as it is and beside one CPU hog per core."""
    project = page_cache.Project()
    page_cache.execute(project, page)  # warm-up: the kernel's imports come from disk once
    quiet, loaded = [], []
    for _ in range(repeats):
        quiet.append(page_cache.execute(project, page)[1])
        with cpu_hogs():
            loaded.append(page_cache.execute(project, page)[1])
    q, l = statistics.median(quiet), statistics.median(loaded)
    settings = ", ".join(f"{k}={v}" for k, v in page_cache.KERNEL_ENV.items() if "OMP" in k)
    rows.append((f"6. one page executed ({page.relative_to(ROOT)}; {settings})",
                 f"loaded ({os.cpu_count()} CPU hogs) {l:.1f} s",
                 f"quiet {q:.1f} s", f"{l / q:.2f}x when loaded"))


def _copy_project(target: Path) -> None:
    ignore = shutil.ignore_patterns(".git", ".venv", "node_modules", "_build", "screenshots",
                                    "__pycache__", "*.egg-info", ".pytest_cache")
    shutil.copytree(ROOT, target, ignore=ignore, symlinks=True)
    for name in (".venv", "node_modules"):
        (target / name).symlink_to(ROOT / name)


def _build(copy: Path, out: Path) -> tuple[float, float, int, str]:
    """Run the copy's build; (seconds, seconds executing pages, pages executed, last line)."""
    start = time.perf_counter()
    result = subprocess.run(["bash", str(copy / "scripts" / "build_book.sh"), str(out)],
                            capture_output=True, text=True)
    seconds = time.perf_counter() - start
    text = result.stdout + result.stderr
    if result.returncode != 0:
        raise RuntimeError(f"the build of {copy} failed:\n{text[-3000:]}")
    executed = sum(line.startswith("executed ") for line in text.splitlines())
    summary = [line for line in text.splitlines() if " page(s) executed" in line]
    exec_seconds = float(summary[-1].rsplit(" in ", 1)[1].split()[0]) if summary else 0.0
    return seconds, exec_seconds, executed, summary[-1] if summary else ""


def _make_test(copy: Path) -> tuple[float, int]:
    """Seconds of the copy's ``make test`` (unit tests, chapter tests, the build and the
    browser tests) and how many pages it executed."""
    start, since = time.perf_counter(), time.time()
    result = subprocess.run(["make", "-C", str(copy), "test"], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"make test in {copy} failed:\n{(result.stdout + result.stderr)[-3000:]}")
    records = (copy / "_build" / ".page_keys").rglob("*.json")
    executed = sum(json.loads(r.read_text()).get("stored_at", 0) >= since for r in records)
    return time.perf_counter() - start, executed


def _warm_copy(target: Path) -> None:
    """A copy of the project with this tree's build folder: the environment and caches as a
    developer's last ``make test`` left them (the data-set copies of the benchmark aside)."""
    _copy_project(target)
    if (ROOT / "_build").is_dir():
        shutil.copytree(ROOT / "_build", target / "_build", symlinks=True,
                        ignore=shutil.ignore_patterns("data"))


def _least_used_function(out: Path, lib: Path) -> tuple[str, str, list[str]]:
    """The dl_lib function that the fewest pages (at least one) ran: (file, name, pages)."""
    users: dict[tuple[str, str], list[str]] = {}
    for record in (out / "_build" / ".page_keys").rglob("*.json"):
        data = json.loads(record.read_text())
        for rel, names in data.get("deps", {}).get("units", {}).items():
            for name in names:
                users.setdefault((rel, name), []).append(data["page"])
    candidates = [(len(pages), rel, name, pages) for (rel, name), pages in users.items()
                  if "#" not in name and (lib / rel).exists()]
    _, rel, name, pages = min(candidates)
    return rel, name, sorted(pages)


def _change_function(path: Path, name: str) -> None:
    """Add a statement that does nothing (after the last one, so perhaps never reached) to the
    end of the function's body: its syntax tree changes, what it computes does not."""
    import ast

    source = path.read_text()
    node = dict(page_cache.units(ast.parse(source)))[name]
    lines = source.splitlines(keepends=True)
    last = node.body[-1]
    indent = " " * last.col_offset
    lines.insert(last.end_lineno, f"{indent}_benchmark_edit = None  # a change to the body\n")
    path.write_text("".join(lines))


def rebuilds(rows: list[Row]) -> None:
    """A copy of the project, built from scratch, again unchanged, and after a change to one
    dl_lib function (the one the fewest pages ran)."""
    with tempfile.TemporaryDirectory(prefix="bench-book-") as folder:
        copy, out = Path(folder) / "project", Path(folder) / "out"
        _copy_project(copy)
        clean, clean_exec, n_clean, _ = _build(copy, out)
        same, same_exec, n_same, _ = _build(copy, out)
        rel, name, users = _least_used_function(out, copy / "dl_lib")
        _change_function(copy / "dl_lib" / rel, name)
        one, one_exec, n_one, _ = _build(copy, out)
        warm = Path(folder) / "warm"
        _warm_copy(warm)
        tests, n_tests = _make_test(warm)
    rows.append(("7a. clean build (scripts/build_book.sh into an empty folder)",
                 f"{clean:.0f} s ({n_clean} pages executed in {clean_exec:.0f} s)",
                 "before: the same", "-"))
    rows.append(("7b. rebuild, nothing changed", f"{same:.0f} s ({n_same} pages executed)",
                 f"clean build {clean:.0f} s", f"{same / clean:.2f}x the clean build"))
    rows.append((f"7c. rebuild after a change to dl_lib/{rel}::{name}",
                 f"{one:.0f} s ({n_one} page(s) executed: {', '.join(users)})",
                 f"before: every page executed again (clean build {clean:.0f} s)",
                 f"{one / clean:.2f}x the clean build"))
    rows.append(("7e. make test, warm environment (a copy of this tree with its build folder)",
                 f"{tests:.0f} s ({n_tests} pages executed)", f"clean build {clean:.0f} s",
                 f"{tests / clean:.2f}x the clean build (target <= 1.5x)"))
    rows.append(("7d. page executions per make test", "1 (chapter tests; the build reuses them)",
                 "before: 2 (chapter tests and build)", "second run: make reproducible"))
