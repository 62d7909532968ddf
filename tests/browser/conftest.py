"""Fixtures of the browser tests: the built site served on 127.0.0.1, one headless Chromium for
the whole session, and what each page did when it was loaded (gathered once per page).

Run after ``make book``: ``.venv/bin/pytest -m browser tests/browser`` (``make test`` does).
``DL_BOOK_HTML`` points the tests at another build (see ``booksite.py``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, Iterator
from urllib.parse import urlsplit

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import booksite  # noqa: E402
from booksite import PageVisit  # noqa: E402

# What a page shows once drawn, gathered in one pass.
_INSPECT = """() => {
    const visible = el => {
        const style = getComputedStyle(el), box = el.getBoundingClientRect();
        return style.visibility !== 'hidden' && style.display !== 'none'
            && Number(style.opacity) > 0 && box.width > 0 && box.height > 0;
    };
    const maths = [...document.querySelectorAll('.math')];
    return {
        title: document.title,
        math: maths.length,
        typeset: document.querySelectorAll('mjx-container').length,
        untypeset: maths.filter(m => !m.querySelector('mjx-container'))
                        .map(m => m.textContent.trim().slice(0, 80)),
        math_errors: [...document.querySelectorAll('mjx-merror, [data-mjx-error]')]
                        .map(e => (e.getAttribute('data-mjx-error') || e.textContent).slice(0, 80)),
        images: [...document.images].map(img => ({
            src: (img.getAttribute('src') || '').slice(0, 80), alt: img.getAttribute('alt'),
            width: img.naturalWidth, complete: img.complete})),
        interactive: [...document.querySelectorAll('div.dl-interactive')].map(d => ({
            label: d.getAttribute('aria-label') || '',
            drawn: !!d.querySelector('.plot-container svg.main-svg'),
            sliders: d.querySelectorAll('.slider-container .slider-group').length})),
        exercises: document.querySelectorAll('div.exercise').length,
        solutions: [...document.querySelectorAll('div.solution')].map(s => ({
            classes: s.className,
            visible: [...s.children].filter(c => !c.classList.contains('admonition-title'))
                                    .some(visible)})),
        // Display equations as laid out: the formula's box, its number's box, and whether
        // the formula is wider than its box (then it must scroll, inside its box).
        equations: [...document.querySelectorAll('div.math')].map((d, i) => {
            const c = d.querySelector(':scope > mjx-container');
            const e = d.querySelector(':scope > span.eqno');
            if (!c || !visible(c)) return null;
            const box = r => ({left: r.left, right: r.right, top: r.top, bottom: r.bottom});
            return {name: e ? e.textContent.replace('#', '').trim() : `unnumbered #${i + 1}`,
                    box: box(c.getBoundingClientRect()),
                    number: e ? box(e.getBoundingClientRect()) : null,
                    scroll_width: c.scrollWidth, client_width: c.clientWidth,
                    overflow_x: getComputedStyle(c).overflowX};
        }).filter(Boolean),
        page_width: document.documentElement.scrollWidth,
        window_width: window.innerWidth,
        // Each figure's smallest text as displayed: its height in the image's pixels
        // (data-text-px, from dl_lib) times the scale at which the page shows the image.
        figures: [...document.querySelectorAll('img.dl-figure')].map(img => {
            const column = (img.closest('article') || document.body).clientWidth;
            const shown = img.clientWidth || Math.min(img.naturalWidth, column);
            return {alt: (img.getAttribute('alt') || '').slice(0, 70),
                    text_px: parseFloat(img.dataset.textPx || '0'),
                    natural_width: img.naturalWidth, shown_width: shown};
        }),
    };
}"""

_AXE_RUN = """async () => {
    const result = await axe.run(document, {resultTypes: ['violations']});
    return result.violations.map(v => ({
        id: v.id, impact: v.impact, help: v.help, count: v.nodes.length,
        nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ': '
                                            + n.html.slice(0, 120))}));
}"""


class Site:
    """The site as the browser sees it: URLs of pages, fresh browser contexts, page visits."""

    def __init__(self, browser: Any, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.origin = urlsplit(base_url).netloc
        self._visits: dict[str, PageVisit] = {}

    def url(self, page: str) -> str:
        return f"{self.base_url}{page}.html"

    def page_name(self, url: str) -> str:
        """``book/x`` for ``http://127.0.0.1:port/book/x.html?...#...``."""
        path = urlsplit(url).path
        return path[1:].removesuffix(".html") if path.endswith(".html") else path[1:]

    def foreign(self, url: str) -> bool:
        parts = urlsplit(url)
        return parts.scheme in ("http", "https", "ws", "wss") and parts.netloc != self.origin

    def new_context(self, width: int = booksite.VIEWPORT["width"]) -> Any:
        return self.browser.new_context(viewport={**booksite.VIEWPORT, "width": width},
                                        accept_downloads=True)

    def watch(self, context: Any, page: Any, visit: PageVisit) -> None:
        """Record console errors, uncaught exceptions, failed and foreign requests."""
        def on_response(response: Any) -> None:
            if response.status >= 400:
                visit.failed_requests.append(f"{response.url} (HTTP {response.status})")

        page.on("console", lambda m: m.type == "error" and visit.console_errors.append(
            f"{m.text} [at {m.location.get('url', '?')}]"))
        page.on("pageerror", lambda e: visit.console_errors.append(f"uncaught: {e}"))
        page.on("requestfailed", lambda r: visit.failed_requests.append(
            f"{r.url} ({r.failure})"))
        page.on("response", on_response)
        context.on("request", lambda r: self.foreign(r.url) and visit.foreign_requests.append(
            r.url))
        page.on("websocket", lambda ws: self.foreign(ws.url) and visit.foreign_requests.append(
            ws.url))

    def visit(self, page_name: str, width: int = booksite.VIEWPORT["width"]) -> PageVisit:
        """Load a page once in a window ``width`` pixels wide (later calls return the first
        visit's record): what it showed, what it transferred, and (at the default width)
        what axe-core finds."""
        key = page_name if width == booksite.VIEWPORT["width"] else f"{page_name}@{width}"
        if key not in self._visits:
            url = self.url(page_name)
            visit = PageVisit(url, width=width)
            context = self.new_context(width)
            finished: list[Any] = []
            try:
                page = context.new_page()
                self.watch(context, page, visit)
                page.on("requestfinished", lambda request: finished.append(request))
                response = page.goto(url, wait_until="load")
                if response is None or response.status != 200:
                    visit.failed_requests.append(
                        f"{url} (HTTP {response.status if response else 'no response'})")
                visit.late = booksite.settle(page)
                visit.shown = page.evaluate(_INSPECT)
                for request in finished:
                    if request.url.startswith(self.base_url):
                        sizes = request.sizes()
                        name = request.url[len(self.base_url):].split("?")[0]
                        visit.transferred[name] = (visit.transferred.get(name, 0)
                                                   + sizes["responseBodySize"]
                                                   + sizes["responseHeadersSize"])
                if width == booksite.VIEWPORT["width"] and booksite.AXE.is_file():
                    page.add_script_tag(content=booksite.AXE.read_text(encoding="utf-8"))
                    visit.axe = page.evaluate(_AXE_RUN)
            finally:
                context.close()
            self._visits[key] = visit
        return self._visits[key]


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The built site; the tests fail when there is none."""
    if not (booksite.HTML / "index.html").is_file():
        pytest.fail(f"No built site in {booksite.HTML}: run `make book` first "
                    "(or point DL_BOOK_HTML to a built site).", pytrace=False)
    return booksite.HTML


@pytest.fixture(scope="session")
def base_url(site_dir: Path) -> Iterator[str]:
    with booksite.serve(site_dir) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for every test; the tests skip when there is none."""
    executable = booksite.find_chromium()
    if executable is None:
        pytest.skip("Chromium is not installed (Debian: apt-get install chromium, or `make "
                    "system`; or set DL_BOOK_CHROMIUM): the built site was not checked")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = booksite.launch(playwright, executable)
        yield chromium
        chromium.close()


_sites: list[Site] = []


@pytest.fixture(scope="session")
def site(browser: Any, base_url: str) -> Site:
    _sites.append(Site(browser, base_url))
    return _sites[-1]


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line on what the browser saw: pages, images, typeset math, figures, sliders."""
    visits = [v for s in _sites for v in s._visits.values() if v.shown]
    if not visits:
        return
    total = {key: sum(len(v.shown[key]) for v in visits)
             for key in ("images", "interactive", "solutions")}
    typeset = sum(v.shown["typeset"] for v in visits)
    sliders = sum(f["sliders"] for v in visits for f in v.shown["interactive"])
    terminalreporter.write_line(
        f"browser: {len(visits)} pages of {booksite.HTML} loaded; {total['images']} images, "
        f"{typeset} typeset formulas, {total['interactive']} interactive figures with "
        f"{sliders} sliders, {total['solutions']} solutions")
    # Each page's weight, and what axe-core found on it, as measured by the tests.
    for visit in visits:
        if visit.width != booksite.VIEWPORT["width"] or not visit.transferred:
            continue
        axe: dict[str, int] = {}
        for violation in visit.axe:
            axe[violation["impact"]] = axe.get(violation["impact"], 0) + violation["count"]
        terminalreporter.write_line(
            f"page {urlsplit(visit.url).path[1:]}: {sum(visit.transferred.values()) / 1e6:.2f} MB "
            f"in {len(visit.transferred)} requests; axe: "
            + (", ".join(f"{n} {impact}" for impact, n in sorted(axe.items())) or "nothing"))


@pytest.fixture
def context(site: Site) -> Iterator[Any]:
    """A fresh browser context (no cookies, storage or cache from other tests)."""
    ctx = site.new_context()
    yield ctx
    ctx.close()
