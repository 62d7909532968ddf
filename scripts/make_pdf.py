"""Print the whole book to one PDF: the single-page build, drawn and printed by headless Chromium.

    make book   (or make pdf)                 # scripts/build_book.sh builds the single page
    .venv/bin/python scripts/make_pdf.py [--html _build/singlehtml] [--out _build/pdf/book.pdf]

The PDF is part of the site (every page's download menu links it), so every build makes it;
it is printed again only when the single page, its images and styles, or this script changed
(their digest is kept beside the PDF, in ``book.pdf.key``): printing takes a minute or two.

The single page (``jupyter-book build . --builder singlehtml``) holds every section in the
order of ``_toc.yml``. Before printing, this script waits until MathJax has typeset and plotly
has drawn, opens every fold (solutions, folded code), puts each interactive figure in as the
picture it shows, adds a title page and a table of contents, and applies the print style
sheet ``scripts/make_pdf.css``. Chromium writes the PDF with an outline (the headings) and tags.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import re
import sys
import time
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
import booksite  # noqa: E402  (the browser tests' server, Chromium and page-settling code)

PRINT_CSS = Path(__file__).with_suffix(".css")
# The single page is written under the root document's name (book/intro.html), but its links,
# scripts and styles are relative to the build's root: Chromium gets it there, at this address.
PRINT_URL = "book.html"
# A4 with these margins; the window is as wide as the text block, so that the figures and
# equations are laid out at the width they are printed at (96 CSS pixels per inch).
MARGIN_MM = {"top": 14, "bottom": 16, "left": 16, "right": 16}
TEXT_WIDTH_PX = round((210 - MARGIN_MM["left"] - MARGIN_MM["right"]) / 25.4 * 96)
# The whole book is one page of some 3 MB: loading, typesetting and drawing it takes a minute
# or two on a busy 2-core machine, far past Playwright's default of 30 s.
TIMEOUT_MS = 600_000
STATIC_VERSION = re.compile(rb"\?v=[0-9a-f]{8}\b")
FOOTER = ('<div style="font-size:8px;width:100%;text-align:center;color:#555;">'
          '<span class="pageNumber"></span></div>')


def book_parts(toc: Path) -> list[tuple[str, list[str]]]:
    """The parts of ``_toc.yml``: (caption, the documents of its chapters), in book order.

    >>> import tempfile
    >>> toc = Path(tempfile.mkdtemp()) / "_toc.yml"
    >>> _ = toc.write_text("root: intro\\nparts:\\n  - caption: A\\n    chapters:\\n"
    ...                    "      - file: a\\n        sections:\\n          - file: a1.md\\n")
    >>> book_parts(toc)
    [('A', ['a', 'a1'])]
    """
    data = yaml.safe_load(toc.read_text(encoding="utf-8"))
    parts = []
    for part in data.get("parts") or []:
        files: list[str] = []

        def walk(entries: list[dict[str, Any]]) -> None:
            for entry in entries:
                if "file" in entry:
                    files.append(str(entry["file"]).removesuffix(".md").removesuffix(".ipynb"))
                walk(entry.get("sections") or [])

        walk(part.get("chapters") or [])
        parts.append((str(part.get("caption", "")), files))
    return parts


def single_page(toc: Path) -> str:
    """The file of the single-page build: the root document of ``_toc.yml``, as HTML.

    >>> import tempfile
    >>> toc = Path(tempfile.mkdtemp()) / "_toc.yml"
    >>> _ = toc.write_text("root: book/intro.md\\nparts: []\\n")
    >>> single_page(toc)
    'book/intro.html'
    """
    root = str(yaml.safe_load(toc.read_text(encoding="utf-8"))["root"])
    return root.removesuffix(".md").removesuffix(".ipynb") + ".html"


def title_page(config: dict[str, Any]) -> str:
    """The HTML of the title page: the book's title, its author and copyright (``_config.yml``).

    >>> title_page({"title": "A & B", "author": "Me", "copyright": "2026"})
    '<div class="dl-print-title"><h1>A &amp; B</h1><p>Me</p><p>© 2026</p></div>'
    """
    lines = [f"<h1>{html.escape(str(config.get('title', 'Untitled')))}</h1>"]
    if config.get("author"):
        lines.append(f"<p>{html.escape(str(config['author']))}</p>")
    if config.get("copyright"):
        lines.append(f"<p>© {html.escape(str(config['copyright']))}</p>")
    return '<div class="dl-print-title">' + "".join(lines) + "</div>"


# Runs in the page: marks where each part, chapter and section starts (a new page), inserts a
# heading for each part (so the PDF's outline nests as the site's sidebar does) and returns the
# table of contents: [{caption, id, entries: [{title, id}]}].
_ARRANGE = """(parts) => {
    const titleOf = section => {
        const heading = section.querySelector('h1, h2, h3, h4');
        if (!heading) return '';
        const copy = heading.cloneNode(true);
        copy.querySelectorAll('a.headerlink').forEach(a => a.remove());
        return copy.textContent.trim();
    };
    const toc = [], missing = [];
    parts.forEach(([caption, docs], p) => {
        const part = {caption, id: 'dl-print-part-' + p, entries: []};
        docs.forEach((doc, k) => {
            const marker = document.getElementById('document-' + doc);
            const section = marker && marker.nextElementSibling;
            if (!section || section.tagName !== 'SECTION') { missing.push(doc); return; }
            let first = section;
            if (k === 0) {
                const heading = document.createElement('h2');
                heading.className = 'dl-print-part';
                heading.id = part.id;
                heading.textContent = caption;
                marker.before(heading);
                first = heading;
            }
            first.classList.add('dl-print-new-page');
            part.entries.push({title: titleOf(section), id: section.id});
        });
        toc.push(part);
    });
    return {toc, missing};
}"""

# Runs in the page: links to the page itself (``book/intro.html#x``) become ``#x``, which the
# PDF keeps as links inside the document.
_LOCAL_LINKS = """(page) => {
    document.querySelectorAll('a[href^="' + page + '#"]').forEach(a => {
        a.setAttribute('href', a.getAttribute('href').slice(page.length));
    });
}"""

# Runs in the page: every fold open (solutions are sphinx-togglebutton admonitions, folded
# code cells are <details>), then the equations fitted again to the width they now have.
_OPEN_FOLDS = """() => {
    document.querySelectorAll('.toggle-hidden').forEach(el => el.classList.remove('toggle-hidden'));
    document.querySelectorAll('details').forEach(el => { el.open = true; });
    delete document.documentElement.dataset.dlEquationsFitted;
    window.dispatchEvent(new Event('resize'));
    return document.querySelectorAll('div.solution').length;
}"""

# Runs in the page: each plotly figure replaced by a picture of it as drawn (at twice the
# resolution), so the PDF holds it as an image like the matplotlib figures.
_PLOTLY_TO_IMAGES = """async () => {
    let done = 0;
    for (const box of document.querySelectorAll('div.dl-interactive')) {
        const plot = box.querySelector('.js-plotly-plot');
        if (!plot || !window.Plotly) continue;
        const width = plot.offsetWidth, height = plot.offsetHeight;
        const url = await window.Plotly.toImage(plot, {format: 'png', width, height, scale: 2});
        const img = document.createElement('img');
        img.src = url;
        img.alt = box.getAttribute('aria-label') || '';
        img.className = 'dl-print-plotly';
        img.style.width = width + 'px';
        const holder = plot.parentElement;
        holder.replaceWith(img);
        await img.decode();
        done += 1;
    }
    return done;
}"""


def toc_link(target: str, text: str) -> str:
    """A link to an element of the page, its text escaped.

    >>> toc_link("a", "1 <A>")
    '<a href="#a">1 &lt;A&gt;</a>'
    """
    return f'<a href="#{html.escape(target)}">{html.escape(text)}</a>'


def toc_html(toc: list[dict[str, Any]]) -> str:
    """The printed table of contents: each part's caption, then its chapters and sections, linked.

    >>> toc = toc_html([{"caption": "P", "id": "p0", "entries": [{"title": "1 A", "id": "a"}]}])
    >>> toc.startswith('<nav class="dl-print-toc"><h2>Contents</h2><ol>')
    True
    >>> '<li class="dl-print-toc-part"><a href="#p0">P</a><ol>' in toc
    True
    >>> toc.endswith('<li><a href="#a">1 A</a></li></ol></li></ol></nav>')
    True
    """
    items = []
    for part in toc:
        entries = "".join(f"<li>{toc_link(e['id'], e['title'])}</li>" for e in part["entries"])
        items.append(f'<li class="dl-print-toc-part">{toc_link(part["id"], part["caption"])}'
                     f"<ol>{entries}</ol></li>")
    return '<nav class="dl-print-toc"><h2>Contents</h2><ol>' + "".join(items) + "</ol></nav>"


def prepare(tab: Any, page: str, config: dict[str, Any],
            parts: list[tuple[str, list[str]]]) -> list[str]:
    """Make the loaded single page ready to print; returns what went wrong (empty if nothing)."""
    problems = [f"{name} did not finish" for name in booksite.settle(tab, TIMEOUT_MS)]
    tab.add_style_tag(content=PRINT_CSS.read_text(encoding="utf-8"))
    if tab.evaluate(_OPEN_FOLDS) == 0:
        problems.append("no solution found")
    # The site's script fits the equations again after a resize (and marks when it has).
    try:
        tab.wait_for_function("() => document.documentElement.dataset.dlEquationsFitted"
                              " || !document.querySelector('div.math')", timeout=60_000)
    except Exception:  # playwright's TimeoutError
        problems.append("the equations were not fitted to the paper's width")
    drawn = tab.evaluate(_PLOTLY_TO_IMAGES)
    if drawn != tab.evaluate("() => document.querySelectorAll('img.dl-print-plotly').length"):
        problems.append("an interactive figure was not turned into a picture")
    tab.evaluate(_LOCAL_LINKS, page)
    arranged = tab.evaluate(_ARRANGE, [[caption, docs] for caption, docs in parts])
    problems += [f"{doc} is not in the single page" for doc in arranged["missing"]]
    front = title_page(config) + toc_html(arranged["toc"])
    tab.evaluate("(front) => document.querySelector('article.bd-article')"
                 ".insertAdjacentHTML('afterbegin', front)", front)
    tab.evaluate("() => document.fonts.ready.then(() => true)")
    return problems


def print_pdf(html_dir: Path, page: str, out: Path, config: dict[str, Any],
              parts: list[tuple[str, list[str]]]) -> list[str]:
    """Load the single page from ``html_dir``, prepare it and print it to ``out``."""
    executable = booksite.find_chromium()
    if executable is None:
        return ["Chromium is not installed (Debian: apt-get install chromium, or make system)"]
    from playwright.sync_api import sync_playwright

    with booksite.serve(html_dir) as base_url, sync_playwright() as playwright:
        browser = booksite.launch(playwright, executable)
        context = browser.new_context(viewport={"width": TEXT_WIDTH_PX, "height": 1000},
                                      color_scheme="light")
        tab = context.new_page()
        tab.set_default_timeout(TIMEOUT_MS)
        tab.emulate_media(media="print")
        tab.route(base_url + PRINT_URL, lambda route: route.fulfill(
            path=str(html_dir / page), content_type="text/html; charset=utf-8"))
        tab.goto(base_url + PRINT_URL, wait_until="load")
        problems = prepare(tab, page, config, parts)
        out.parent.mkdir(parents=True, exist_ok=True)
        tab.pdf(path=str(out), format="A4", print_background=True, outline=True, tagged=True,
                margin={side: f"{mm}mm" for side, mm in MARGIN_MM.items()},
                display_header_footer=True, header_template="<span></span>",
                footer_template=FOOTER)
        browser.close()
    return problems


def print_key(html_dir: Path) -> str:
    """The digest of what the PDF is printed from: every file of the single-page build, this
    script and its style sheet.

    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.html").write_text("x")
    >>> before = print_key(folder)
    >>> _ = (folder / "a.html").write_text("y")
    >>> print_key(folder) != before
    True
    >>> first, later = Path(tempfile.mkdtemp()), Path(tempfile.mkdtemp())
    >>> _ = (first / "a.html").write_text('<link href="_static/a.css" />')
    >>> _ = (later / "a.html").write_text('<link href="_static/a.css?v=720ed60b" />')
    >>> print_key(first) == print_key(later)
    True
    """
    digest = hashlib.sha256()
    files = sorted(p for p in html_dir.rglob("*") if p.is_file() and ".doctrees" not in p.parts)
    for path in [*files, Path(__file__), PRINT_CSS]:
        digest.update(str(path.relative_to(html_dir) if path.is_relative_to(html_dir)
                          else path.name).encode())
        content = path.read_bytes()
        if path.suffix == ".html":
            # Sphinx adds "?v=<checksum>" to its static files' links only once they exist in
            # the output, so a first build differs from the next in that alone; the files
            # themselves are in the digest.
            content = STATIC_VERSION.sub(b"", content)
        digest.update(hashlib.sha256(content).digest())
    return digest.hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Print the whole book to one PDF.")
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "singlehtml",
                        help="the single-page build (default: _build/singlehtml)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "pdf" / "book.pdf",
                        help="the PDF to write (default: _build/pdf/book.pdf)")
    parser.add_argument("--config", type=Path, default=ROOT / "_config.yml")
    parser.add_argument("--toc", type=Path, default=ROOT / "_toc.yml")
    args = parser.parse_args(argv)
    page = single_page(args.toc)
    if not (args.html / page).is_file():
        print(f"No single-page build in {args.html}: run `make pdf`.", file=sys.stderr)
        return 1
    key, key_file = print_key(args.html), args.out.with_name(args.out.name + ".key")
    if args.out.is_file() and key_file.is_file() and key_file.read_text() == key:
        print(f"{args.out} is up to date.")
        return 0
    key_file.unlink(missing_ok=True)
    config = yaml.safe_load(args.config.read_text(encoding="utf-8"))
    start = time.monotonic()
    problems = print_pdf(args.html, page, args.out, config, book_parts(args.toc))
    if problems:
        print("The PDF was not made right:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    key_file.write_text(key)
    size_mb = args.out.stat().st_size / 1e6
    print(f"Wrote {args.out} ({size_mb:.1f} MB) in {time.monotonic() - start:.0f} s.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
