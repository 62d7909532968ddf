"""The built site, read by headless Chromium as a reader's browser would read it.

For every page of ``_toc.yml``: it loads without a console error or a failed request, asks no
other site for anything, has its mathematics typeset, its images loaded and described, its
interactive figures drawn, its solutions folded until opened, and offers its source (and, for
a notebook, the executed notebook) for download. Across the site: the search finds each page by
a word found on no other page, the next/previous links walk the book in order, and every slider
of every interactive figure changes its figure.
"""

from __future__ import annotations

import functools
import re
from html import unescape
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import pytest
import snowballstemmer

import booksite
from booksite import PageVisit

pytestmark = pytest.mark.browser

PAGES = booksite.toc_pages()


def _is_notebook(page: str) -> bool:
    try:
        return booksite.is_notebook(booksite.source_path(page).read_text(encoding="utf-8"))
    except FileNotFoundError:  # reported by the tests of the page
        return False


NOTEBOOKS = [page for page in PAGES if _is_notebook(page)]


def source(page: str) -> str:
    return booksite.source_path(page).read_text(encoding="utf-8")


def directives(page: str, name: str) -> int:
    """How many ``{name}`` (or gated ``{name}-start``) directives the page's source opens."""
    return len(re.findall(rf"^ *(?::{{3,}}|`{{3,}}) *\{{{name}(?:-start)?\}}", source(page), re.M))


def listing(items: list[str]) -> str:
    return "\n  " + "\n  ".join(items)


# -- every page ---------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_page_loads_without_errors(site, page: str) -> None:
    visit = site.visit(page)
    assert not visit.console_errors, f"console errors on {page}:" + listing(visit.console_errors)
    assert not visit.failed_requests, f"failed requests on {page}:" + listing(
        visit.failed_requests)
    assert not visit.late, f"{page}: {visit.late} did not finish drawing within 30 s"


@pytest.mark.parametrize("page", PAGES)
def test_page_asks_no_other_site(site, page: str) -> None:
    visit = site.visit(page)
    assert not visit.foreign_requests, (f"{page} asked other sites for:"
                                        + listing(visit.foreign_requests))


@pytest.mark.parametrize("page", PAGES)
def test_math_is_typeset(site, page: str) -> None:
    shown = site.visit(page).shown
    if booksite.has_math(source(page)):
        assert shown["math"] > 0, f"{page} has math in its source but none on the page"
        assert shown["typeset"] > 0, f"MathJax typeset nothing on {page}"
    assert not shown["untypeset"], f"math left as TeX on {page}:" + listing(shown["untypeset"])
    assert not shown["math_errors"], f"MathJax errors on {page}:" + listing(shown["math_errors"])


@pytest.mark.parametrize("page", PAGES)
def test_images_load_and_have_alt_text(site, page: str) -> None:
    images = site.visit(page).shown["images"]
    broken = [i["src"] for i in images if not i["complete"] or i["width"] == 0]
    unlabelled = [i["src"] for i in images if not (i["alt"] or "").strip()]
    assert not broken, f"images that did not load on {page}:" + listing(broken)
    assert not unlabelled, f"images without alt text on {page}:" + listing(unlabelled)


@pytest.mark.parametrize("page", PAGES)
def test_interactive_figures_are_drawn(site, page: str) -> None:
    figures = site.visit(page).shown["interactive"]
    if "show_interactive(" in source(page):
        assert figures, f"{page} calls show_interactive but shows no interactive figure"
    assert all(f["drawn"] for f in figures), (
        f"{sum(not f['drawn'] for f in figures)} of {len(figures)} interactive figures on "
        f"{page} were not drawn by plotly")
    assert all(f["label"].strip() for f in figures), f"an interactive figure on {page} has no alt"


@pytest.mark.parametrize("page", PAGES)
def test_solutions_are_folded_until_opened(site, context, page: str) -> None:
    shown = site.visit(page).shown
    assert shown["exercises"] == directives(page, "exercise"), (
        f"{page}: not every exercise of the source is a sphinx-exercise box on the page")
    solutions = shown["solutions"]
    assert len(solutions) == directives(page, "solution"), (
        f"{page}: not every solution of the source is on the page")
    if not solutions:
        return
    open_ = [i + 1 for i, s in enumerate(solutions)
             if s["visible"] or "dropdown" not in s["classes"].split()]
    assert not open_, f"solutions shown unfolded on {page}: numbers {open_}"
    # A reader opens each one with the button on its title.
    tab = context.new_page()
    tab.goto(site.url(page), wait_until="load")
    for index in range(len(solutions)):
        solution = tab.locator("div.solution").nth(index)
        body = solution.locator(":scope > :not(.admonition-title)").first
        assert body.is_hidden(), f"solution {index + 1} of {page} is open before a click"
        solution.locator(".admonition-title button.toggle-button").click()
        body.wait_for(state="visible", timeout=5_000)
        assert body.inner_text().strip(), f"solution {index + 1} of {page} opened empty"


@pytest.mark.parametrize("page", PAGES)
def test_source_downloads(site, context, page: str) -> None:
    """The download menu offers the .md source, and for a notebook the executed .ipynb."""
    tab = context.new_page()
    tab.goto(site.url(page), wait_until="load")
    tab.locator(".dropdown-download-buttons button.dropdown-toggle").click()
    md_link = tab.locator("a.btn-download-source-button")
    md_link.wait_for(state="visible", timeout=5_000)
    assert md_link.inner_text().strip() == ".md"
    response = tab.request.get(md_link.evaluate("a => a.href"))
    assert response.status == 200, f"{page}: the .md download gives HTTP {response.status}"
    md_text = response.text()
    assert md_text == source(page), f"{page}: the .md download differs from the page's source"

    ipynb_link = tab.locator("a.btn-download-notebook-button")
    if page not in NOTEBOOKS:
        assert ipynb_link.count() == 0, f"{page} is not a notebook but offers an .ipynb"
        return
    assert ipynb_link.count() == 1, (f"{page} offers no .ipynb download: did the build run "
                                     "scripts/publish_notebooks.py?")
    assert ipynb_link.is_visible() and ipynb_link.inner_text().strip() == ".ipynb"
    with tab.expect_download() as started:
        ipynb_link.click()
    download = started.value
    assert download.failure() is None, f"{page}: the .ipynb download failed"
    assert download.suggested_filename == Path(page).name + ".ipynb"
    notebook = nbformat.reads(Path(download.path()).read_text(encoding="utf-8"), as_version=4)
    nbformat.validate(notebook)
    # The reader's notebook: the .md's cells less the build's bookkeeping (remove-cell).
    expected = jupytext.reads(md_text, fmt="md:myst")
    expected.cells = [cell for cell in expected.cells
                      if "remove-cell" not in cell.get("metadata", {}).get("tags", [])]
    assert len(notebook.cells) == len(expected.cells), (
        f"{page}: the .ipynb has {len(notebook.cells)} cells, the .md without its remove-cell "
        f"cells {len(expected.cells)}")
    for number, (got, want) in enumerate(zip(notebook.cells, expected.cells), 1):
        assert (got.cell_type, got.source) == (want.cell_type, want.source), (
            f"{page}: cell {number} of the .ipynb differs from the .md")
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert not code or any(c.execution_count for c in code), f"{page}: the .ipynb is not executed"


# -- across the site ----------------------------------------------------------------------------

_STEM = snowballstemmer.stemmer("porter").stemWord  # the stemmer of Sphinx's English search


# Sphinx 7's search looks words up in plain JavaScript objects: these names find the object's
# own methods and the search never finishes (a Sphinx bug, not one of the book).
_JS_OBJECT_NAMES = {"constructor", "hasownproperty", "isprototypeof", "propertyisenumerable",
                    "tolocalestring", "tostring", "valueof"}


def _stems(text: str) -> set[str]:
    return {_STEM(word) for word in re.findall(r"\w+", text.lower())}


def _html_text(path: Path) -> str:
    html = path.read_text(encoding="utf-8")
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return unescape(re.sub(r"<[^>]+>", " ", html))


@functools.cache
def page_stems(page: str, site_dir: Path) -> frozenset[str]:
    """The stems of every word of a page's source and of its built HTML (worked out once)."""
    html = site_dir / f"{page}.html"
    return frozenset(_stems(source(page)) | (_stems(_html_text(html)) if html.is_file() else set()))


def distinctive_word(page: str, site_dir: Path) -> str | None:
    """A word of the page's prose whose stem is on no other page (the longest such word).

    Sphinx's search also matches the terms that merely contain the query's stem, so the stem
    must not be part of any word of another page's source or HTML either.
    """
    others = frozenset().union(*(page_stems(other, site_dir) for other in PAGES if other != page))
    elsewhere = " ".join(sorted(others))
    words = {w for w in re.findall(r"\w+", booksite.prose(source(page)).lower())
             if w.isalpha() and len(w) >= 6 and _STEM(w) not in elsewhere
             and _STEM(w) not in _JS_OBJECT_NAMES}
    return max(sorted(words), key=len) if words else None


@pytest.mark.parametrize("page", PAGES)
def test_search_finds_the_page(site, site_dir, context, page: str) -> None:
    word = distinctive_word(page, site_dir)
    if word is None:
        pytest.skip(f"every word of {page} is also on another page")
    tab = context.new_page()
    visit = PageVisit(f"{site.base_url}search.html?q={word}")
    site.watch(context, tab, visit)
    tab.goto(visit.url, wait_until="load")
    tab.wait_for_function("() => /Search finished|did not match/.test("
                          "document.querySelector('#search-results')?.textContent || '')",
                          timeout=15_000)
    # A page can be listed twice: once for its text, once for a section title that matches.
    found = list(dict.fromkeys(site.page_name(href) for href in tab.locator(
        "#search-results ul.search li a").evaluate_all("links => links.map(a => a.href)")))
    assert found == [page], f"searching for {word!r}, found only on {page}, gives {found}"
    problems = visit.console_errors + visit.failed_requests + visit.foreign_requests
    assert not problems, "the search page:" + listing(problems)


def test_next_and_previous_walk_the_book_in_order(site, context) -> None:
    tab = context.new_page()
    tab.goto(site.base_url, wait_until="load")  # index.html leads to the first page
    tab.wait_for_url(re.compile(r"\.html"))
    walked = [site.page_name(tab.url)]
    while tab.locator("a.right-next").count():
        tab.locator("a.right-next").click()
        tab.wait_for_url(lambda url: site.page_name(url) != walked[-1])
        walked.append(site.page_name(tab.url))
        assert len(walked) <= len(PAGES), f"the next links go on past the book: {walked}"
    assert walked == PAGES, "the next links do not follow _toc.yml"
    back = [walked[-1]]
    while tab.locator("a.left-prev").count():
        tab.locator("a.left-prev").click()
        tab.wait_for_url(lambda url: site.page_name(url) != back[-1])
        back.append(site.page_name(tab.url))
        assert len(back) <= len(PAGES), f"the previous links go on past the book: {back}"
    assert back == PAGES[::-1], "the previous links do not follow _toc.yml backwards"


_FIGURE_STATE = """([f, s]) => {
    const gd = document.querySelectorAll('div.dl-interactive .js-plotly-plot')[f];
    return {active: gd.layout.sliders[s].active,
            label: gd.querySelectorAll('.slider-group')[s]
                     .querySelector('.slider-label').textContent,
            visible: gd.data.map(t => t.visible === undefined ? true : t.visible),
            paths: [...gd.querySelectorAll('.scatterlayer path.js-line')]
                     .map(p => p.getAttribute('d'))};
}"""


def _box(locator: Any) -> tuple[float, float]:
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def _state_after(tab, figure: int, slider: int, old: dict, timeout_ms: int = 3000) -> dict:
    """The figure's state once plotly has redrawn it (it may do so a little after the event)."""
    waited = 0
    while True:
        state = tab.evaluate(_FIGURE_STATE, [figure, slider])
        if (state["visible"], state["paths"]) != (old["visible"], old["paths"]) or waited >= timeout_ms:
            return state
        tab.wait_for_timeout(100)
        waited += 100


def test_every_slider_changes_its_figure(site, context) -> None:
    """Clicking a slider's step and dragging its handle each redraw the figure."""
    with_sliders = {p: [f["sliders"] for f in site.visit(p).shown["interactive"]] for p in PAGES}
    with_sliders = {p: counts for p, counts in with_sliders.items() if sum(counts)}
    assert with_sliders, "no page of the book has an interactive figure with a slider"
    problems, tested = [], 0
    for page, counts in with_sliders.items():
        tab = context.new_page()
        tab.goto(site.url(page), wait_until="load")
        booksite.settle(tab)
        for figure, count in enumerate(counts):
            for slider in range(count):
                where = f"{page}, figure {figure + 1}, slider {slider + 1}"
                group = (tab.locator("div.dl-interactive .js-plotly-plot").nth(figure)
                         .locator(".slider-group").nth(slider))
                group.scroll_into_view_if_needed()
                ticks = group.locator(".slider-tick-rect")
                steps = ticks.count()
                if steps < 2:
                    problems.append(f"{where}: {steps} step(s)")
                    continue
                rail_y = _box(group.locator(".slider-rail-rect"))[1]
                before = tab.evaluate(_FIGURE_STATE, [figure, slider])
                # A click on another step ...
                target = steps - 1 if before["active"] != steps - 1 else 0
                tab.mouse.click(_box(ticks.nth(target))[0], rail_y)
                clicked = _state_after(tab, figure, slider, before)
                # ... then a drag of the handle to a third position.
                back = 0 if target != 0 else steps - 1
                tab.mouse.move(*_box(group.locator(".slider-grip-rect")))
                tab.mouse.down()
                tab.mouse.move(_box(ticks.nth(back))[0], rail_y, steps=8)
                tab.mouse.up()
                dragged = _state_after(tab, figure, slider, clicked)
                for action, old, new, step in (("click", before, clicked, target),
                                               ("drag", clicked, dragged, back)):
                    if new["active"] != step:
                        problems.append(f"{where}: a {action} to step {step + 1} left the "
                                        f"slider at step {new['active'] + 1}")
                    elif (old["visible"], old["paths"]) == (new["visible"], new["paths"]):
                        problems.append(f"{where}: a {action} did not change the figure")
                    elif old["label"] == new["label"]:
                        problems.append(f"{where}: a {action} did not change the slider's value")
                tested += 1
        tab.close()
    assert not problems, f"sliders that do not work ({tested} tested):" + listing(problems)


def test_html_loads_nothing_from_other_sites(site_dir) -> None:
    """No script, style, font, image or frame of any page comes from another site."""
    resource = re.compile(r"<(script|img|iframe|source|embed|video|audio)\b[^>]*\bsrc=\"(?P<a>[^\"]*)\""
                          r"|<link\b[^>]*\bhref=\"(?P<b>[^\"]*)\"", re.S)
    found = []
    for path in sorted(site_dir.rglob("*.html")):
        for match in resource.finditer(path.read_text(encoding="utf-8")):
            url = match.group("a") or match.group("b") or ""
            if re.match(r"(https?:)?//", url):
                found.append(f"{path.relative_to(site_dir)}: {url}")
    assert not found, "resources from other sites:" + listing(found)
