"""What the browser tests and the screenshot command share: the built site, its pages in book
order, their sources, a local web server for the site and the headless Chromium that reads it.

Environment variables (all optional):

- ``DL_BOOK_HTML``: the built site (default ``_build/html`` of the project);
- ``DL_BOOK_SOURCE``: the folder the site was built from (default: the project);
- ``DL_BOOK_TOC``: the table of contents it was built with (default ``_toc.yml`` there);
- ``DL_BOOK_CHROMIUM``: the Chromium (or Chrome) executable (default: ``chromium`` on the PATH).
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import yaml

ROOT = Path(__file__).resolve().parents[2]
HTML = Path(os.environ.get("DL_BOOK_HTML", ROOT / "_build" / "html")).resolve()
SOURCE = Path(os.environ.get("DL_BOOK_SOURCE", ROOT)).resolve()
TOC = Path(os.environ.get("DL_BOOK_TOC", SOURCE / "_toc.yml")).resolve()

# Headless, and unable to reach any host but the local server: a page that needs another site
# shows it (as a failed request) instead of quietly fetching it.
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"]
VIEWPORT = {"width": 1280, "height": 900}
PHONE_WIDTH = 400  # the narrow window the layout tests also use
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"  # npm's axe-core (package.json)


@dataclass
class PageVisit:
    """What happened when a page was loaded, and what it showed."""

    url: str
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    foreign_requests: list[str] = field(default_factory=list)
    late: list[str] = field(default_factory=list)
    shown: dict[str, Any] = field(default_factory=dict)
    # What the page transferred: URL (relative to the site) -> bytes (headers and body).
    transferred: dict[str, int] = field(default_factory=dict)
    # axe-core's violations: [{"id", "impact", "nodes": [target, ...], "help"}, ...]
    axe: list[dict[str, Any]] = field(default_factory=list)
    width: int = 1280


def toc_pages(toc: Path = TOC) -> list[str]:
    """The pages of the table of contents (their names without suffix), in book order.

    >>> import tempfile
    >>> toc = Path(tempfile.mkdtemp()) / "_toc.yml"
    >>> _ = toc.write_text("root: intro\\nparts:\\n  - chapters:\\n      - file: a\\n"
    ...                    "        sections:\\n          - file: a1\\n      - file: b\\n")
    >>> toc_pages(toc)
    ['intro', 'a', 'a1', 'b']
    """
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    pages = [data["root"]]

    def walk(entries: list[dict[str, Any]]) -> None:
        for entry in entries:
            if "file" in entry:
                pages.append(entry["file"])
            for key in ("parts", "chapters", "sections"):
                walk(entry.get(key) or [])

    walk(data.get("parts") or [])
    walk(data.get("chapters") or [])
    walk(data.get("sections") or [])
    return [re.sub(r"\.(md|ipynb)$", "", page) for page in pages]


def source_path(page: str) -> Path:
    """The source file of a page."""
    for suffix in (".md", ".ipynb"):
        path = SOURCE / f"{page}{suffix}"
        if path.is_file():
            return path
    raise FileNotFoundError(f"no source for {page!r} in {SOURCE}")


def is_notebook(text: str) -> bool:
    """Whether a MyST file is a notebook (executed, with code cells), not plain Markdown.

    >>> is_notebook("---\\nkernelspec:\\n  name: python3\\n---\\n# Title\\n")
    True
    >>> is_notebook("# Title\\n")
    False
    """
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    return bool(match) and bool(re.search(r"^(kernelspec|jupytext):", match.group(1), re.M))


_FENCE = re.compile(r"^(?P<indent> *)(?P<fence>`{3,}|~{3,})[^\n]*\n.*?^(?P=indent)(?P=fence)[`~]*"
                    r" *$", re.S | re.M)


def prose(text: str) -> str:
    """The text of a page without its front matter, code blocks, inline code and link
    targets (a reader sees a link's text, not its address).

    >>> prose("---\\na: 1\\n---\\nSee `x = $1` and\\n```python\\n$y$\\n```\\nthat.")
    'See  and\\n\\nthat.'
    >>> prose("The [licence](https://example.org/by-sa) and <https://example.org>.")
    'The [licence] and .'
    """
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.S)
    text = _FENCE.sub("", text)
    text = re.sub(r"\]\([^)\s]*\)", "]", text)
    text = re.sub(r"<?https?://[^\s>)]+>?", "", text)
    return re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", "", text, flags=re.S)


def has_math(text: str) -> bool:
    """Whether a MyST page's source has mathematics for MathJax to typeset.

    >>> has_math("The loss $\\\\ell(w)$ falls.")
    True
    >>> has_math("```{math}\\n:label: eq\\nx^2\\n```")
    True
    >>> has_math("Run `echo $HOME`, it costs $ 5 and $ 6.\\n```bash\\nexport A=$B\\n```")
    False
    """
    if re.search(r"^ *(`{3,}|~{3,}|:{3,}) *\{math\}", text, re.M):
        return True
    text = prose(text)
    return bool(re.search(r"\$\$.+?\$\$|\$(?=\S)[^$\n]+?(?<=\S)\$(?!\d)|\\begin\{", text, re.S))


def find_chromium() -> str | None:
    """The Chromium executable to use, or None when there is none."""
    named = os.environ.get("DL_BOOK_CHROMIUM")
    if named:
        return named if Path(named).is_file() else None
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").is_file() else None


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".ipynb": "application/x-ipynb+json", ".md": "text/markdown",
                      ".js": "text/javascript", ".svg": "image/svg+xml",
                      ".woff": "font/woff", ".woff2": "font/woff2"}

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port, in a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def launch(playwright: Any, executable: str) -> Any:
    """Headless Chromium, started by Playwright."""
    return playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)


# Wait until the page is drawn: MathJax has typeset, plotly has drawn, the images are decoded.
_MATHJAX_READY = """() => !document.querySelector('.math')
    || (window.MathJax && window.MathJax.startup && window.MathJax.startup.promise)"""
_PLOTLY_READY = """() => [...document.querySelectorAll('div.dl-interactive')]
    .every(d => d.querySelector('.plot-container svg.main-svg'))"""
_EQUATIONS_FITTED = """() => !document.querySelector('div.math')
    || document.documentElement.dataset.dlEquationsFitted"""
_IMAGES_DECODED = """async () => {
    for (const img of document.images) {
        img.loading = 'eager';
        try { await img.decode(); } catch (e) { /* reported by the images test */ }
    }
}"""


def settle(page: Any, timeout_ms: float = 30_000) -> list[str]:
    """Wait until ``page`` has finished drawing; returns what did not finish in time."""
    late = []
    for name, condition in (("MathJax", _MATHJAX_READY), ("plotly", _PLOTLY_READY)):
        try:
            page.wait_for_function(condition, timeout=timeout_ms)
        except Exception:  # playwright's TimeoutError
            late.append(name)
    if "MathJax" not in late:
        page.evaluate("() => window.MathJax && window.MathJax.startup"
                      " && window.MathJax.startup.promise.then(() => true)")
        with contextlib.suppress(Exception):  # the site's script fits long equations after
            page.wait_for_function(_EQUATIONS_FITTED, timeout=5_000)
    page.evaluate(_IMAGES_DECODED)
    with contextlib.suppress(Exception):
        page.wait_for_load_state("networkidle", timeout=timeout_ms)
    return late
