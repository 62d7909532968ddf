"""Execute each page of the book once, and keep its outputs while nothing it ran has changed.

One execution per page serves the chapter tests and the book build: the tests
(``tests/test_chapters.py``) call :func:`ensure_fresh` for each page, which executes a page
only when its key changed and stores the outputs in the build's jupyter-cache
(``<build>/.jupyter_cache``), where myst-nb (``execute_notebooks: cache``) finds them;
``scripts/build_book.sh`` runs ``execute`` first, so a build alone does the same.

A page's key covers exactly what its outputs depend on:

- its code cells (jupyter-cache's hash of them, so editing prose re-executes nothing);
- the source of every library function its run reached — recorded in the page's kernel by
  ``scripts/kernel_ext/page_tracer.py`` — compared as syntax trees, so comments and
  formatting do not count;
- the module-level code (everything outside function bodies: imports, constants, class
  bodies, signatures, decorators) of every library module the run imported;
- the whole text of any library file the page's outputs name (tracebacks and warnings show
  its lines and line numbers), and the whole library if the page's code introspects objects
  (``help``, ``getsource``, ``__doc__``, ``?``...: a docstring read is not a call);
- the kernel's environment: Python, the installed packages' versions, the number of cores,
  the OpenMP settings and start-up modules below, ``DL_LIB_*`` variables (but ``DL_LIB_DOWNLOAD``), the
  execution settings of ``_config.yml``.

Each page is stored as soon as it has executed, so a failed or interrupted build keeps every
page that executed with the current code. A page's old outputs are removed *before* it
executes again, so a stale page is never shown, even when its new run fails.

    .venv/bin/python scripts/page_cache.py execute [--out DIR] [PAGE.md ...]
    .venv/bin/python scripts/page_cache.py status [--out DIR]

``--out DIR`` is jupyter-book's ``--path-output`` (the build folder is ``DIR/_build``).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import fcntl
import hashlib
import importlib.metadata
import json
import os
import re
import sys
import sysconfig
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
KERNEL_EXT = Path(__file__).resolve().parent / "kernel_ext"
sys.path.insert(0, str(KERNEL_EXT))
from page_tracer import units  # noqa: E402

# The environment of every page's kernel, part of every key. OpenMP threads sleep when they
# wait (PASSIVE) instead of spinning: measured on this book's 2-core machine while other jobs
# kept it busy (load average 11-17), two epochs of the 784-256-10 MLP took 150-205 s with
# torch's default two spinning threads, 5-23 s with two passive ones and 13-57 s with one
# (bench/README.md). The number of threads stays torch's default, the machine's cores, so
# that a page prints the same numbers as before and on every run on this machine.
KERNEL_ENV = {
    "OMP_WAIT_POLICY": "PASSIVE",
    "MPLBACKEND": "Agg",
    "PYTHONHASHSEED": "0",
}
# Modules whose ``install(shell)`` every page's kernel runs at start-up, when they exist: the
# book's short tracebacks (book_theme/, issue 13.8). Their text is part of every key.
KERNEL_STARTUP = ("book_theme/dl_book_tracebacks.py",)
# Code that reads docstrings or source without calling the function they belong to.
INTROSPECTION = re.compile(
    r"\bhelp\(|__doc__|getdoc|getsource|getsourcelines|getcomments|pydoc|psource|pinfo|"
    r"pdoc|pdef|__file__|linecache|\?\s*$", re.M)


class PageFailed(Exception):
    """A page that did not execute; nothing was stored for it."""


@dataclass(frozen=True)
class Project:
    """Where the pages, the library and the build are (tests use a small copy elsewhere)."""

    root: Path = ROOT
    out: Path = ROOT  # jupyter-book's --path-output
    lib_name: str = "dl_lib"
    toc_name: str = "_toc.yml"
    kernel_path: tuple[str, ...] = ()  # more PYTHONPATH entries for the kernels
    kernel_env: dict[str, str] = field(default_factory=lambda: dict(KERNEL_ENV))
    kernel_startup: tuple[str, ...] = KERNEL_STARTUP  # relative to root; used if present

    @property
    def lib(self) -> Path:
        return self.root / self.lib_name

    def startup_files(self) -> list[Path]:
        return [self.root / name for name in self.kernel_startup if (self.root / name).is_file()]

    @property
    def build(self) -> Path:
        return self.out / "_build"

    @property
    def cache_dir(self) -> Path:
        return self.build / ".jupyter_cache"

    @property
    def keys_dir(self) -> Path:
        return self.build / ".page_keys"

    def key_file(self, page: Path) -> Path:
        return self.keys_dir / page.relative_to(self.root).with_suffix(".json")

    def doctree(self, page: Path) -> Path:
        return self.build / ".doctrees" / page.relative_to(self.root).with_suffix(".doctree")

    def config(self) -> dict[str, Any]:
        path = self.root / "_config.yml"
        return yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}

    def pages(self) -> list[Path]:
        """The table of contents' pages that are notebooks, in book order."""
        data = yaml.safe_load((self.root / self.toc_name).read_text(encoding="utf-8"))
        names = [data["root"]]

        def walk(entries: list[dict[str, Any]]) -> None:
            for entry in entries:
                if "file" in entry:
                    names.append(entry["file"])
                for key in ("parts", "chapters", "sections"):
                    walk(entry.get(key) or [])

        for key in ("parts", "chapters", "sections"):
            walk(data.get(key) or [])
        found = []
        for name in names:
            stem = re.sub(r"\.(md|ipynb)$", "", name)
            for suffix in (".md", ".ipynb"):
                path = self.root / (stem + suffix)
                if path.exists() and is_notebook(path):
                    found.append(path)
                    break
        return found


def is_notebook(path: Path) -> bool:
    """Whether myst-nb treats the page as a notebook (a .ipynb, or MyST with jupytext
    front matter)."""
    if path.suffix == ".ipynb":
        return True
    from myst_nb.core.read import is_myst_markdown_notebook

    return is_myst_markdown_notebook(path.read_text(encoding="utf-8"))


def read_notebook(project: Project, page: Path) -> nbformat.NotebookNode:
    """The page as myst-nb reads it for the build (same cells, same metadata, same hash)."""
    if page.suffix == ".ipynb":
        return nbformat.read(page, as_version=4)
    from myst_nb.core.read import read_myst_markdown_notebook
    from myst_parser.config.main import MdParserConfig

    extensions = (project.config().get("parse") or {}).get("myst_enable_extensions") or []
    config = MdParserConfig(enable_extensions=set(extensions))
    return read_myst_markdown_notebook(page.read_text(encoding="utf-8"), config=config,
                                       add_source_map=True, path=str(page))


def digest(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


_PARSED: dict[str, tuple[dict[str, str], str]] = {}


def _parsed(text: str) -> tuple[dict[str, str], str]:
    """(digest of each unit, digest of the module-level code) of a module's source; memoized
    by content, so that checking many pages parses each version of a file once."""
    key = hashlib.sha256(text.encode("utf-8")).hexdigest()
    if key not in _PARSED:
        try:
            tree, skeleton = ast.parse(text), ast.parse(text)
        except SyntaxError:
            _PARSED[key] = ({}, digest(text))
        else:
            for _, node in units(skeleton):
                node.body = [ast.Pass()]
            _PARSED[key] = ({name: digest(ast.dump(node)) for name, node in units(tree)},
                            digest(ast.dump(skeleton)))
    return _PARSED[key]


class Library:
    """A snapshot of the library's source: digests of each unit, of each module's
    module-level code, of each file, and of the whole."""

    def __init__(self, lib: Path) -> None:
        self.lib = lib
        self.texts: dict[str, str] = {}
        other = []
        for path in sorted(lib.rglob("*")) if lib.is_dir() else []:
            if "__pycache__" in path.parts or not path.is_file() or path.suffix == ".pyc":
                continue
            rel = path.relative_to(lib).as_posix()
            if path.suffix == ".py":
                self.texts[rel] = path.read_text(encoding="utf-8")
            else:  # package data: counted with module-level code
                other.append((rel, hashlib.sha256(path.read_bytes()).hexdigest()))
        self._units: dict[str, dict[str, str]] = {}
        self._skeletons: dict[str, str] = {}
        self._other = other

    def _parse(self, rel: str) -> None:
        if rel not in self._skeletons:
            self._units[rel], self._skeletons[rel] = _parsed(self.texts[rel])

    def module_level(self, modules: list[str]) -> str:
        """The module-level code (function bodies left out) of ``modules``, and package data."""
        for rel in modules:
            if rel in self.texts:
                self._parse(rel)
        return digest([[rel, self._skeletons.get(rel, "missing")] for rel in sorted(modules)]
                      + [self._other])

    def unit(self, rel: str, name: str) -> str:
        if rel not in self.texts:
            return "missing"
        self._parse(rel)
        return self._units[rel].get(name, "missing")

    def file(self, rel: str) -> str:
        return digest(self.texts[rel]) if rel in self.texts else "missing"

    def whole(self) -> str:
        return digest([sorted(self.texts.items()), self._other])


_PACKAGES: dict[tuple, list[str]] = {}


def installed_packages() -> list[str]:
    """name==version of every installed package (site-packages only: what else is on sys.path
    differs between a test run and a build, e.g. the project's own dl_lib.egg-info); memoized
    until a folder's modification time says something was installed or removed."""
    folders = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    stamp = tuple((f, os.stat(f).st_mtime_ns) for f in folders if os.path.isdir(f))
    if stamp not in _PACKAGES:
        _PACKAGES[stamp] = sorted({f"{d.metadata['Name']}=={d.version}"
                                   for d in importlib.metadata.distributions(path=folders)
                                   if d.metadata["Name"]})
    return _PACKAGES[stamp]


def environment(project: Project) -> str:
    """Everything outside the page and the library that its outputs may depend on."""
    packages = installed_packages()
    variables = {k: v for k, v in os.environ.items()
                 if k.startswith("DL_LIB_") and k != "DL_LIB_DOWNLOAD"}
    startup = {path.name: path.read_text(encoding="utf-8") for path in project.startup_files()}
    return digest({"python": sys.version, "cores": os.cpu_count(), "packages": packages,
                   "kernel": project.kernel_env,
                   "startup": startup, "variables": variables,
                   "execute": {k: v for k, v in (project.config().get("execute") or {}).items()
                               if k != "timeout"}})  # a limit, not a setting of the outputs


def code_hash(project: Project, notebook: nbformat.NotebookNode) -> str:
    """jupyter-cache's hash of the notebook's code cells: what myst-nb matches on."""
    from jupyter_cache.cache.main import JupyterCacheBase

    return JupyterCacheBase(str(project.cache_dir)).create_hashed_notebook(notebook)[1]


def key_parts(code: str, deps: dict[str, Any], library: Library, env: str) -> dict[str, Any]:
    """What a page's key is made of, part by part (so that ``status`` can say what changed)."""
    imported = deps.get("imported", [])
    return {
        "code": code,
        "environment": env,
        **({"module-level code": library.module_level(imported)} if imported else {}),
        **{f"{rel}::{name}": library.unit(rel, name)
           for rel, names in sorted(deps.get("units", {}).items()) for name in names},
        **{f"{rel} (shown)": library.file(rel) for rel in deps.get("files", [])},
        **({"whole library (introspected)": library.whole()} if deps.get("introspects") else {}),
    }


@dataclass
class State:
    """A page's standing: fresh or not, and why."""

    page: Path
    notebook: nbformat.NotebookNode
    code: str
    fresh: bool
    reasons: list[str]
    record: dict[str, Any] | None


def check(project: Project, page: Path, library: Library, env: str) -> State:
    notebook = read_notebook(project, page)
    code = code_hash(project, notebook)
    try:
        record = json.loads(project.key_file(page).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return State(page, notebook, code, False, ["never executed"], None)
    now = key_parts(code, record.get("deps", {}), library, env)
    then = record.get("parts", {})
    reasons = [f"{name} changed" for name in now if now[name] != then.get(name)]
    if not reasons:
        from jupyter_cache import get_cache

        try:
            get_cache(str(project.cache_dir)).match_cache_notebook(notebook)
        except KeyError:
            reasons.append("outputs missing from the cache")
    return State(page, notebook, code, not reasons, reasons, record)


@contextlib.contextmanager
def locked(project: Project) -> Iterator[None]:
    """One process at a time updates the build's cache."""
    project.keys_dir.mkdir(parents=True, exist_ok=True)
    with open(project.keys_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def forget(project: Project, page: Path, code: str) -> None:
    """Remove the page's key, its outputs from the cache and its doctree (Sphinx reads a page
    whose doctree is missing again)."""
    from jupyter_cache import get_cache

    project.key_file(page).unlink(missing_ok=True)
    project.doctree(page).unlink(missing_ok=True)
    if not (project.cache_dir / "global.db").exists():
        return
    cache = get_cache(str(project.cache_dir))
    for record in cache.list_cache_records():
        if record.hashkey == code or record.uri == str(page):
            with contextlib.suppress(KeyError):
                cache.remove_cache(record.pk)


def shown_files(notebook: nbformat.NotebookNode, lib_name: str) -> list[str]:
    """Library files that the outputs name (a traceback or a warning shows their lines)."""
    pattern = re.compile(re.escape(lib_name) + r"[/\\]([\w/\\]+\.py)")
    found = set()
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            text = json.dumps(output)
            found.update(m.replace("\\\\", "/").replace("\\", "/") for m in pattern.findall(text))
    return sorted(found)


def run(project: Project, page: Path, notebook: nbformat.NotebookNode,
        trace: Path) -> float:
    """Execute ``notebook`` in place (in the page's folder, the recorder in its kernel);
    returns the seconds it took. Raises nbclient's CellExecutionError/CellTimeoutError."""
    from nbclient import NotebookClient

    execute = project.config().get("execute") or {}
    timeout = notebook.metadata.get("execution", {}).get("timeout", execute.get("timeout", 900))
    env = {**os.environ, **project.kernel_env}
    # The kernel imports the library from the project (the source the keys are made of),
    # whatever else is installed.
    env["PYTHONPATH"] = os.pathsep.join(
        [str(KERNEL_EXT), str(project.lib.parent), *project.kernel_path,
         *filter(None, [os.environ.get("PYTHONPATH")])])
    env["PAGE_TRACE_LIB"], env["PAGE_TRACE_OUT"] = str(project.lib), str(trace)
    env["PAGE_KERNEL_STARTUP"] = os.pathsep.join(map(str, project.startup_files()))
    client = NotebookClient(
        notebook, timeout=timeout, kernel_name="python3", allow_errors=False,
        record_timing=False,
        extra_arguments=["--InteractiveShellApp.extra_extensions=page_tracer",
                         "--IPKernelApp.log_level=ERROR"],  # not its TCP-encryption notice
        resources={"metadata": {"path": str(page.parent)}})
    start = time.perf_counter()
    client.execute(env=env)
    return time.perf_counter() - start


def execute(project: Project, page: Path, notebook: nbformat.NotebookNode | None = None
            ) -> tuple[nbformat.NotebookNode, float, dict[str, Any]]:
    """Execute the page, without storing anything: (executed notebook, seconds, what it ran)."""
    notebook = read_notebook(project, page) if notebook is None else notebook
    if not any(cell.cell_type == "code" for cell in notebook.cells):
        return notebook, 0.0, {}
    with tempfile.TemporaryDirectory() as folder:
        trace = Path(folder) / "trace.json"
        seconds = run(project, page, notebook, trace)
        record = json.loads(trace.read_text()) if trace.exists() else {}
    code = "\n".join(c.source for c in notebook.cells if c.cell_type == "code")
    deps = {"imported": record.get("imported", []), "units": record.get("units", {}),
            "files": shown_files(notebook, project.lib_name),
            "introspects": bool(record.get("imported")) and bool(INTROSPECTION.search(code))}
    return notebook, seconds, deps


def store(project: Project, state: State, notebook: nbformat.NotebookNode, seconds: float,
          deps: dict[str, Any], library: Library, env: str) -> None:
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cache = get_cache(str(project.cache_dir))
    cache.cache_notebook_bundle(
        CacheBundleIn(notebook, str(state.page), data={"execution_seconds": seconds}),
        check_validity=False, overwrite=True)
    parts = key_parts(state.code, deps, library, env)
    record = {"page": state.page.relative_to(project.root).as_posix(), "key": digest(parts),
              "parts": parts, "deps": deps, "seconds": round(seconds, 2),
              "executed": time.strftime("%Y-%m-%dT%H:%M:%S"), "stored_at": time.time()}
    target = project.key_file(state.page)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, target)
    project.doctree(state.page).unlink(missing_ok=True)


def ensure_fresh(project: Project, page: Path) -> tuple[bool, float]:
    """Execute the page if its key changed, and store it. Returns (executed, seconds).
    An execution error propagates (nbclient's), after the page's old outputs were removed."""
    with locked(project):
        library, env = Library(project.lib), environment(project)
        state = check(project, page, library, env)
        if state.fresh:
            return False, 0.0
        forget(project, page, state.code)
        notebook, seconds, deps = execute(project, page, state.notebook)
        if Library(project.lib).whole() != library.whole():
            raise PageFailed(f"{project.lib_name} changed while {page.name} executed: "
                             "not stored; run it again")
        store(project, state, notebook, seconds, deps, library, env)
        return True, seconds


def cached_notebook(project: Project, page: Path) -> nbformat.NotebookNode:
    """The page with the outputs stored for it (KeyError if there are none)."""
    from jupyter_cache import get_cache

    return get_cache(str(project.cache_dir)).merge_match_into_notebook(
        read_notebook(project, page))[1]


def mark_verified(project: Project, page: Path) -> None:
    """Note that a second execution of the page's current key gave the same outputs."""
    target = project.key_file(page)
    record = json.loads(target.read_text(encoding="utf-8"))
    record["verified"] = record["key"]
    target.write_text(json.dumps(record, indent=1, sort_keys=True), encoding="utf-8")


def verified(project: Project, page: Path) -> bool:
    try:
        record = json.loads(project.key_file(page).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return record.get("verified") == record.get("key")


def error_summary(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return "\n    ".join(text[-12:]) if text else type(error).__name__


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["execute", "status"])
    parser.add_argument("pages", nargs="*", type=Path, help="default: every page in _toc.yml")
    parser.add_argument("--out", type=Path, default=ROOT,
                        help="jupyter-book's --path-output (the build is OUT/_build)")
    args = parser.parse_intermixed_args(argv)
    project = Project(out=args.out.resolve())
    pages = [p.resolve() for p in args.pages] or project.pages()
    if args.command == "status":
        library, env = Library(project.lib), environment(project)
        for page in pages:
            state = check(project, page, library, env)
            rel = page.relative_to(ROOT)
            print(f"{rel}: {'fresh' if state.fresh else 'stale: ' + '; '.join(state.reasons)}")
        return 0
    executed, failed, start = [], [], time.perf_counter()
    for page in pages:
        rel = page.relative_to(ROOT)
        try:
            ran, seconds = ensure_fresh(project, page)
        except KeyboardInterrupt:
            print(f"interrupted while executing {rel}; the pages before it are kept")
            raise
        except Exception as error:  # noqa: BLE001 - one page's failure must not stop the rest
            failed.append(rel)
            print(f"FAILED {rel}:\n    {error_summary(error)}", flush=True)
            continue
        if ran:
            executed.append(rel)
            print(f"executed {rel} in {seconds:.1f} s", flush=True)
    print(f"{len(executed)} of {len(pages)} page(s) executed, {len(pages) - len(executed) - len(failed)}"
          f" unchanged, {len(failed)} failed, in {time.perf_counter() - start:.0f} s")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
