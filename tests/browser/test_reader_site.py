"""The site as a reader meets it, at 1280 px and on a phone's 400 px (issue 13).

Math that fits, figures that can be read, light pages, no serious accessibility violation
(axe-core) and sliders that work from the keyboard, a copy button that copies code only,
tracebacks without the build machine's paths, solution titles that open the solution, one
search box on the landing page, search snippets without TeX, no page wider than a phone, and
figures without a light slab in dark mode.

Every page's weight and axe's findings are printed at the end of the run (conftest.py).
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

import booksite

pytestmark = pytest.mark.browser

PAGES = booksite.toc_pages()
PHONE = booksite.PHONE_WIDTH
MAX_PAGE_BYTES = 1_500_000  # a page without an interactive figure
MIN_TEXT_PX = 10.0  # figure text as displayed at 1280 px
PLOTLY = "_static/plotly/plotly.min.js"


def source(page: str) -> str:
    return booksite.source_path(page).read_text(encoding="utf-8")


def listing(items: list[str]) -> str:
    return "\n  " + "\n  ".join(items)


def _overlaps(a: dict, b: dict) -> bool:
    return (min(a["right"], b["right"]) - max(a["left"], b["left"]) > 0.5
            and min(a["bottom"], b["bottom"]) - max(a["top"], b["top"]) > 0.5)


def equation_problems(visit, scrolling_allowed: bool) -> list[str]:
    """Display equations whose number overlaps them, that stick out of the window, or
    (where scrolling is not allowed) that are wider than their box."""
    problems = []
    width = visit.shown["window_width"]
    for eq in visit.shown["equations"]:
        name, box, number = eq["name"], eq["box"], eq["number"]
        if number is not None and _overlaps(box, number):
            problems.append(f"equation {name}: its number is drawn over it")
        if number is not None and number["right"] > width + 0.5:
            problems.append(f"equation {name}: its number is outside the window")
        if box["right"] > width + 0.5:
            problems.append(f"equation {name}: its box sticks out of the window")
        clipped = eq["scroll_width"] > eq["client_width"] + 1
        if clipped and not scrolling_allowed:
            problems.append(f"equation {name}: clipped ({eq['scroll_width']} px wide in a "
                            f"{eq['client_width']} px box)")
        if clipped and eq["overflow_x"] not in ("auto", "scroll"):
            problems.append(f"equation {name}: wider than its box, which does not scroll")
    return problems


# -- 3. math that fits --------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_equations_fit_at_1280_px(site, page: str) -> None:
    problems = equation_problems(site.visit(page), scrolling_allowed=False)
    assert not problems, f"{page} at 1280 px:" + listing(problems)


@pytest.mark.parametrize("page", PAGES)
def test_equations_scroll_in_their_box_at_400_px(site, page: str) -> None:
    problems = equation_problems(site.visit(page, PHONE), scrolling_allowed=True)
    assert not problems, f"{page} at {PHONE} px:" + listing(problems)


# -- 9. no page wider than a phone --------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_page_is_no_wider_than_a_phone(site, page: str) -> None:
    shown = site.visit(page, PHONE).shown
    assert shown["page_width"] <= shown["window_width"], (
        f"{page} is {shown['page_width']} px wide in a {shown['window_width']} px window: "
        "the reader must scroll sideways")


# -- 4. figures that can be read ----------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_figure_text_is_readable_at_1280_px(site, page: str) -> None:
    small = []
    for figure in site.visit(page).shown["figures"]:
        if not figure["natural_width"]:
            continue
        shown_px = figure["text_px"] * min(figure["shown_width"] / figure["natural_width"], 1)
        if shown_px < MIN_TEXT_PX:
            small.append(f"{figure['alt']!r}: text {shown_px:.1f} px high as shown "
                         f"({figure['text_px']} px in a {figure['natural_width']} px image "
                         f"shown {figure['shown_width']} px wide)")
    assert not small, f"figure text under {MIN_TEXT_PX:g} px on {page}:" + listing(small)


# -- 5. light pages -----------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_page_weight(site, page: str) -> None:
    visit = site.visit(page)
    total = sum(visit.transferred.values())
    interactive = bool(visit.shown["interactive"])
    heaviest = sorted(visit.transferred.items(), key=lambda item: -item[1])[:5]
    print(f"{page}: {total / 1e6:.2f} MB in {len(visit.transferred)} requests "
          f"(heaviest: {', '.join(f'{name} {size / 1e3:.0f} kB' for name, size in heaviest)})")
    loads_plotly = any(name.endswith(PLOTLY) for name in visit.transferred)
    assert loads_plotly == interactive, (
        f"{page} {'loads' if loads_plotly else 'does not load'} plotly.js but shows "
        f"{len(visit.shown['interactive'])} interactive figures")
    if not interactive:
        assert total <= MAX_PAGE_BYTES, (
            f"{page} transfers {total / 1e6:.2f} MB (at most {MAX_PAGE_BYTES / 1e6:.1f} MB for "
            "a page without an interactive figure); heaviest:" + listing(
                [f"{name}: {size / 1e3:.0f} kB" for name, size in heaviest]))


# -- 6. accessibility ---------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_axe_finds_no_serious_violation(site, page: str) -> None:
    if not booksite.AXE.is_file():
        pytest.fail(f"axe-core is not installed ({booksite.AXE}): run `make setup` (npm ci)",
                    pytrace=False)
    violations = site.visit(page).axe
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, f"axe on {page}:" + listing(
        [f"{v['impact']} {v['id']} ({v['count']}x): {v['help']}" + listing(v["nodes"])
         for v in serious])


_SLIDER_STATE = """([f, s]) => {
    const gd = document.querySelectorAll('div.dl-interactive .js-plotly-plot')[f];
    return {active: gd.layout.sliders[s].active,
            visible: gd.data.map(t => t.visible === undefined ? true : t.visible)};
}"""


def test_every_slider_works_from_the_keyboard(site, context) -> None:
    """Each slider is in the tab order, and the arrow keys move it and redraw its figure."""
    with_sliders = {p: [f["sliders"] for f in site.visit(p).shown["interactive"]] for p in PAGES}
    with_sliders = {p: counts for p, counts in with_sliders.items() if sum(counts)}
    if not with_sliders:
        pytest.skip("no page of this build has an interactive figure with a slider")
    problems, tested = [], 0
    for page, counts in with_sliders.items():
        tab = context.new_page()
        tab.goto(site.url(page), wait_until="load")
        booksite.settle(tab)
        tab.wait_for_function("() => document.querySelectorAll('input.dl-slider-keys').length"
                              f" >= {sum(counts)}", timeout=10_000)
        for figure, count in enumerate(counts):
            box = tab.locator("div.dl-interactive").nth(figure)
            for slider in range(count):
                where = f"{page}, figure {figure + 1}, slider {slider + 1}"
                keys = box.locator("input.dl-slider-keys").nth(count - 1 - slider)
                if keys.evaluate("el => el.tabIndex") < 0:
                    problems.append(f"{where}: not in the tab order")
                    continue
                if not (keys.get_attribute("aria-label") or "").strip():
                    problems.append(f"{where}: the slider has no name")
                # Reach it with Tab from the element before it, as a keyboard user does.
                keys.evaluate("el => { const b = document.createElement('button');"
                              " b.id = 'dl-before'; el.before(b); b.focus(); }")
                tab.keyboard.press("Tab")
                if not keys.evaluate("el => document.activeElement === el"):
                    problems.append(f"{where}: Tab does not reach the slider")
                    continue
                before = tab.evaluate(_SLIDER_STATE, [figure, slider])
                key = "ArrowLeft" if before["active"] > 0 else "ArrowRight"
                tab.keyboard.press(key)
                tab.wait_for_timeout(300)
                after = tab.evaluate(_SLIDER_STATE, [figure, slider])
                expected = before["active"] + (1 if key == "ArrowRight" else -1)
                if after["active"] != expected:
                    problems.append(f"{where}: {key} left the slider at step "
                                    f"{after['active'] + 1}, not {expected + 1}")
                elif after["visible"] == before["visible"]:
                    problems.append(f"{where}: {key} did not change the figure")
                valuetext = keys.get_attribute("aria-valuetext") or ""
                if not valuetext.strip():
                    problems.append(f"{where}: the slider does not say its value")
                tab.evaluate("() => document.getElementById('dl-before').remove()")
                tested += 1
        tab.close()
    assert not problems, f"sliders that the keyboard cannot work ({tested} tested):" + listing(
        problems)


# -- 7. the copy button copies code only --------------------------------------------------------

def _prompt_listings(page: str) -> list[str]:
    """The ``>>>`` listings of a page's source, as written."""
    blocks = re.findall(r"^```(?:python|pycon)?\n(>>> .*?)^```", source(page), re.S | re.M)
    return [block for block in blocks if block.startswith(">>> ")]


def _code_of(listing_text: str) -> str:
    return "\n".join(line[4:] for line in listing_text.splitlines()
                     if line.startswith((">>> ", "... ")) or line in (">>>", "..."))


def test_copy_button_copies_only_the_code_of_a_listing(site, browser) -> None:
    pages = [page for page in PAGES if _prompt_listings(page)]
    if not pages:
        pytest.skip("no page of this build has a >>> listing")
    page = pages[0]
    context = site.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.base_url[:-1])
    try:
        tab = context.new_page()
        tab.goto(site.url(page), wait_until="load")
        blocks = tab.locator("div.highlight-python pre, div.highlight-pycon pre, "
                             "div.highlight-default pre")
        texts = blocks.evaluate_all("pres => pres.map(p => p.textContent)")
        index = next((i for i, text in enumerate(texts) if text.startswith(">>> ")), None)
        assert index is not None, f"{page}: no >>> listing on the page"
        pre = blocks.nth(index)
        pre.hover()
        pre.locator("xpath=..").locator("button.copybtn").click()
        copied = tab.evaluate("() => navigator.clipboard.readText()")
    finally:
        context.close()
    expected = _code_of(texts[index])
    assert ">>>" not in copied, f"{page}: the copy button copied the prompts:\n{copied}"
    assert copied.strip() == expected.strip(), (
        f"{page}: the copy button copied\n{copied}\ninstead of the code\n{expected}")
    compile(copied, "<copied>", "exec")  # it pastes and runs


# -- 8. tracebacks without the build machine ----------------------------------------------------

_TRACEBACK = re.compile(r'<div class="[^"]*\btraceback\b[^"]*">\s*<div class="highlight">'
                        r'<pre>(.*?)</pre>', re.S)
_MACHINE = re.compile(r"/work/|/home/|/root/|/tmp/|/usr/lib/|\.venv|site-packages|"
                      + re.escape(str(booksite.ROOT)))


@pytest.mark.built_site
@pytest.mark.parametrize("page", PAGES)
def test_tracebacks_are_short_and_name_no_path_of_the_build_machine(site_dir, page) -> None:
    html = (site_dir / f"{page}.html").read_text(encoding="utf-8")
    problems = []
    for number, match in enumerate(_TRACEBACK.finditer(html), 1):
        text = unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()
        lines = text.splitlines()
        if _MACHINE.search(text):
            problems.append(f"traceback {number} shows a path of the build machine: "
                            + _MACHINE.search(text).group(0))
        if len(lines) > 16:
            problems.append(f"traceback {number} has {len(lines)} lines (at most 16)")
        if not lines or not re.match(r"^[\w.]+(Error|Exception|Interrupt|Warning|Exit)\b|^\w+: ",
                                     lines[-1]):
            problems.append(f"traceback {number} does not end with the error's message: "
                            f"{lines[-1] if lines else ''!r}")
    outputs = re.findall(r'<div class="cell_output docutils container">(.*?)</div>\s*</div>',
                         html, re.S)
    for output in outputs:
        found = _MACHINE.search(unescape(re.sub(r"<[^>]+>", "", output)))
        if found:
            problems.append(f"an output shows a path of the build machine: {found.group(0)}")
    expected = len(re.findall(r":tags: \[[^\]]*raises-exception", source(page)))
    if expected and not _TRACEBACK.search(html):
        problems.append(f"{expected} cells are tagged raises-exception but no traceback shows")
    assert not problems, f"{page}:" + listing(problems)


# -- 9. smaller things --------------------------------------------------------------------------

def test_solution_title_opens_the_solution(site, context) -> None:
    pages = [p for p in PAGES if site.visit(p).shown["solutions"]]
    if not pages:
        pytest.skip("no page of this build has a solution")
    tab = context.new_page()
    tab.goto(site.url(pages[0]), wait_until="load")
    solution = tab.locator("div.solution").first
    body = solution.locator(":scope > :not(.admonition-title)").first
    assert body.is_hidden()
    url = tab.url
    assert solution.locator(".admonition-title a").count() == 0, (
        "a solution's title is a link (to its exercise), not the button that opens it")
    solution.locator(".admonition-title").click(position={"x": 40, "y": 10})
    body.wait_for(state="visible", timeout=5_000)
    assert tab.url == url, f"clicking the solution's title went to {tab.url}"


def test_landing_page_has_one_search_box_and_one_using_this_book(site, context) -> None:
    tab = context.new_page()
    tab.goto(site.base_url, wait_until="load")
    tab.wait_for_url(re.compile(r"\.html"))
    booksite.settle(tab)
    boxes = tab.evaluate("""() => [...document.querySelectorAll(
            '.search-button-field, form.bd-search, input[type=search]')]
        .filter(el => { const r = el.getBoundingClientRect(), s = getComputedStyle(el);
                        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden'; })
        .filter(el => !el.closest('.search-button__search-container'))
        .map(el => el.className || el.tagName)""")
    assert len(boxes) == 1, f"the landing page shows {len(boxes)} search boxes: {boxes}"
    using = tab.evaluate("""() => [...document.querySelectorAll('a')]
        .filter(el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; })
        .filter(el => /^\\s*Using this book\\s*$/i.test(el.textContent))
        .map(el => (el.closest('nav, article, aside') || el).tagName + ' ' + el.className)""")
    assert len(using) == 1, f"'Using this book' is linked {len(using)} times: {using}"


@pytest.mark.parametrize("word", ["loss", "gradient", "matrix"])
def test_search_snippets_show_no_tex(site, context, word: str) -> None:
    tab = context.new_page()
    tab.goto(f"{site.base_url}search.html?q={word}", wait_until="load")
    tab.wait_for_function("() => /Search finished|did not match/.test("
                          "document.querySelector('#search-results')?.textContent || '')",
                          timeout=30_000)
    snippets = tab.locator("#search-results p.context").evaluate_all(
        "ps => ps.map(p => p.textContent)")
    tex = [s[:120] for s in snippets if re.search(r"\\[A-Za-z(\[]|\$|\\\)", s)]
    assert not tex, f"search snippets for {word!r} show TeX:" + listing(tex)


def test_figures_sit_on_no_light_slab_in_dark_mode(site, browser) -> None:
    pages = [p for p in PAGES if site.visit(p).shown["figures"]]
    if not pages:
        pytest.skip("no page of this build has a figure")
    context = site.new_context()
    context.add_init_script("localStorage.setItem('mode', 'dark');"
                            "localStorage.setItem('theme', 'dark');")
    try:
        tab = context.new_page()
        tab.goto(site.url(pages[0]), wait_until="load")
        booksite.settle(tab)
        found = tab.evaluate("""() => [...document.querySelectorAll('img.dl-figure')]
            .filter(img => img.getBoundingClientRect().width > 0).map(img => {
                const holder = img.closest('.text_html') || img.parentElement;
                return {kind: img.className, holder: getComputedStyle(holder).backgroundColor,
                        padding: getComputedStyle(holder).paddingTop,
                        filter: getComputedStyle(img).filter};
            })""")
    finally:
        context.close()
    assert found, f"no figure shown on {pages[0]} in dark mode"
    problems = []
    for figure in found:
        if figure["holder"] not in ("rgba(0, 0, 0, 0)", "transparent") or figure["padding"] != "0px":
            problems.append(f"{figure['kind']}: on a slab {figure['holder']} "
                            f"(padding {figure['padding']})")
        if "dl-figure-plot" in figure["kind"] and "invert" not in figure["filter"]:
            problems.append(f"{figure['kind']}: a light plot on the dark page ({figure['filter']})")
    assert not problems, f"{pages[0]} in dark mode:" + listing(problems)
