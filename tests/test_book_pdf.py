"""The whole book as one PDF (``scripts/make_pdf.py``), read back with pypdf.

The site build makes the PDF (``scripts/build_book.sh``); ``make test`` runs these tests after it.
The PDF is compared with the built site (``_build/html``): every section of ``_toc.yml`` in
order after the contents, no TeX source where MathJax should have typeset, at least as many
images as the site has figures, and every exercise's solution printed.
"""

from __future__ import annotations

import html
import re
import sys
import unicodedata
from pathlib import Path
from typing import Any, Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
import booksite  # noqa: E402  (toc_pages)

pytestmark = [pytest.mark.built_site, pytest.mark.pdf]

PDF = ROOT / "_build" / "pdf" / "book.pdf"
HTML = ROOT / "_build" / "html"
# TeX that MathJax turns into typeset mathematics: in the PDF only where a code listing has it.
TEX_MARKERS = ("\\frac", "\\mathbf", "\\begin{", "$$", "\\(", "\\[", "\\sum", "\\hat",
               "\\operatorname", "\\top")


def squash(text: str) -> str:
    """Text to compare across HTML and PDF: ligatures and the like undone, no white space.

    >>> squash("The ﬁrst  line,\\nthe next")
    'Thefirstline,thenext'
    """
    return re.sub(r"\s+|\u00ad", "", unicodedata.normalize("NFKC", text))


def html_text(fragment: str) -> str:
    """The text of an HTML fragment: tags dropped, entities decoded.

    >>> html_text('<p>a &amp; <em>b</em><a class="headerlink" href="#x">#</a></p>')
    'a & b'
    """
    fragment = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", fragment, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def main_content(page: str) -> str:
    """The article (the page's own content, no menus) of a built page of the site."""
    text = (HTML / f"{page}.html").read_text(encoding="utf-8")
    start, end = text.find("<article"), text.find("</article>")
    assert start >= 0 and end > start, f"{page}: no <article> in the built page"
    return text[start:end]


def first_heading(article: str) -> str:
    """The text of the first heading of a page's article.

    >>> first_heading('<article><section><h1>2.1 Data<a class="headerlink">#</a></h1>')
    '2.1 Data'
    """
    match = re.search(r"<h([1-6])[^>]*>(.*?)</h\1>", article, re.S)
    assert match, "no heading"
    return html_text(match.group(2))


def figure_count(article: str) -> int:
    """The figures of a page's article: its images and its interactive (plotly) figures.

    >>> figure_count('<img src="data:x"/><div class="dl-interactive" role="figure"><img/>')
    3
    """
    return len(re.findall(r"<img\b", article)) + article.count('class="dl-interactive"')


def code_text(article: str) -> str:
    """The text of every code listing and output (``<pre>``) of a page's article."""
    return "\n".join(html_text(block) for block in re.findall(r"<pre\b[^>]*>(.*?)</pre>",
                                                               article, re.S))


def plain_chunks(text: str, size: int = 24) -> list[str]:
    """A run of plain text cut at word boundaries into pieces of at least ``size`` characters
    (a shorter rest is dropped).

    >>> plain_chunks("one two three four five six", size=8)
    ['one two three', 'four five']
    """
    chunks, words = [], []
    for word in text.split():
        words.append(word)
        if len(" ".join(words)) >= size:
            chunks.append(" ".join(words))
            words = []
    return chunks


def solution_snippets(article: str) -> list[list[str]]:
    """For each solution of a page, the pieces of its text to look for in the PDF: its prose
    without mathematics or tables, then its code and outputs (a few solutions are all
    equations and code).

    >>> solution_snippets('<section id="solution-content"><p>Line up <code>x</code> the '
    ...                   'shapes from the right, then <span class="math">\\\\(n\\\\)</span>'
    ...                   ' ones.</p><table><tr><td>the cells of a long table</td></tr></table>'
    ...                   '</section>')
    [['the shapes from the right,']]
    >>> solution_snippets('<section id="solution-content"><div class="math">x</div><pre>'
    ...                   'print(torch.ones(3) + 1)</pre></section>')
    [['print(torch.ones(3) + 1)']]
    """
    not_plain = re.compile(r'<(pre|style|table|script)\b.*?</\1>|<div class="math[^"]*">.*?</div>'
                           r'|<span class="math[^"]*">.*?</span>|<code\b.*?</code>', re.S)
    found = []
    for body in re.findall(r'<section id="solution-content">(.*?)</section>', article, re.S):
        runs = html_text(not_plain.sub("\0", body)).split("\0")
        runs += [html_text(code) for code in re.findall(r"<pre\b[^>]*>(.*?)</pre>", body, re.S)]
        found.append([chunk for run in runs for chunk in plain_chunks(run)])
    return found


def flat_outline(reader: Any, entries: list | None = None) -> list[tuple[str, int]]:
    """The PDF's outline (bookmarks) as (title, page index) pairs, in order."""
    found = []
    for entry in reader.outline if entries is None else entries:
        if isinstance(entry, list):
            found += flat_outline(reader, entry)
        else:
            found.append((entry.title, reader.get_destination_page_number(entry)))
    return found


# -- what the tests compare -------------------------------------------------------------------

@pytest.fixture(scope="module")
def reader() -> Any:
    if not PDF.is_file():
        pytest.fail(f"no {PDF.relative_to(ROOT)}: run `make book`")
    from pypdf import PdfReader

    return PdfReader(PDF)


@pytest.fixture(scope="module")
def pdfium_pages(reader: Any) -> Iterator[list[Any]]:
    """The PDF's pages as PDFium reads them: it gives their text and images about 20 times
    faster than pypdf, which decodes every image to count it."""
    import pypdfium2

    document = pypdfium2.PdfDocument(PDF)
    yield list(document)
    document.close()


@pytest.fixture(scope="module")
def pages_text(pdfium_pages: list[Any]) -> list[str]:
    """The text of each page of the PDF."""
    return [page.get_textpage().get_text_bounded() for page in pdfium_pages]


@pytest.fixture(scope="module")
def body_start(reader: Any) -> int:
    """The index of the first page after the table of contents."""
    outline = flat_outline(reader)
    titles = [title for title, _ in outline]
    assert "Contents" in titles, "the PDF's outline has no Contents"
    contents = outline[titles.index("Contents")][1]
    after = [page for _, page in outline[titles.index("Contents") + 1:] if page > contents]
    assert after, "nothing follows the table of contents"
    return after[0]


@pytest.fixture(scope="module")
def articles() -> dict[str, str]:
    """The built site's article of each page of _toc.yml, in book order."""
    if not (HTML / "index.html").is_file():
        pytest.fail("no built site in _build/html: run `make book`")
    return {page: main_content(page) for page in booksite.toc_pages()}


def test_every_section_in_book_order(articles, pages_text, body_start) -> None:
    """The title page has the book's title, then each page of _toc.yml (chapter introductions
    included) follows the table of contents in order, each under its first heading."""
    titles = [first_heading(article) for article in articles.values()]
    text = squash(pages_text[0]) + squash("".join(pages_text[body_start:]))
    position, problems = 0, []
    for title in titles:
        found = text.find(squash(title), position)
        if found < 0:
            problems.append(f"{title!r} " + ("is not in the PDF" if squash(title) not in text
                                             else "comes too early"))
        else:
            position = found + len(squash(title))
    assert not problems, "sections missing or out of order:\n  " + "\n  ".join(problems)


def test_outline_lists_every_section(articles, reader) -> None:
    """The PDF's bookmarks list every page's title, in book order, each on its own page."""
    outline = flat_outline(reader)
    squashed = [squash(title) for title, _ in outline]
    pages_of = []
    for title in (first_heading(article) for article in articles.values()):
        assert squash(title) in squashed, f"{title!r} is not in the PDF's outline"
        pages_of.append(outline[squashed.index(squash(title))][1])
    assert pages_of == sorted(pages_of), f"the outline's sections are out of order: {pages_of}"


def test_no_tex_source_in_the_text(articles, pages_text) -> None:
    """MathJax typeset every equation: TeX commands appear no more often than the site's code
    listings and outputs have them."""
    code = "\n".join(code_text(article) for article in articles.values())
    text = "\n".join(pages_text)
    extra = {marker: (text.count(marker), code.count(marker)) for marker in TEX_MARKERS
             if text.count(marker) > code.count(marker)}
    assert not extra, f"TeX in the PDF (marker: (in the PDF, in the site's code)): {extra}"


def test_every_figure_is_an_image(articles, pdfium_pages) -> None:
    """The PDF holds at least as many images as the site has figures (the matplotlib figures
    and the interactive ones, which are printed as pictures of how they are drawn)."""
    import pypdfium2.raw

    figures = sum(figure_count(article) for article in articles.values())
    images = sum(len(list(page.get_objects(filter=[pypdfium2.raw.FPDF_PAGEOBJ_IMAGE],
                                           max_depth=5))) for page in pdfium_pages)
    assert figures > 0, "the site has no figures: is _build/html the book?"
    assert images >= figures, f"{images} images in the PDF, {figures} figures on the site"


def test_solutions_are_printed(articles, pages_text, body_start) -> None:
    """Each exercise's solution is printed open: as many solution titles as the site has
    solutions, and a piece of each solution's text in the PDF (the text of a page does not
    always come out in reading order, so one piece of each is looked for, not all of it)."""
    text = squash("".join(pages_text[body_start:]))
    solutions = {page: solution_snippets(article) for page, article in articles.items()}
    total = sum(len(found) for found in solutions.values())
    assert total > 0, "the site has no solutions"
    titles = text.count(squash("Solution to"))
    assert titles >= total, f"{titles} solution titles in the PDF, {total} solutions on the site"
    missing = [f"{page}, solution {number}: {chunks[:2]}"
               for page, found in solutions.items()
               for number, chunks in enumerate(found, 1)
               if not any(squash(chunk) in text for chunk in chunks)]
    assert not missing, f"solutions not printed ({len(missing)} of {total}):\n  " + "\n  ".join(
        missing)


def test_every_page_links_the_pdf_the_site_holds(articles) -> None:
    """Each page's download menu offers the PDF, and the site holds this very PDF there."""
    in_site = HTML / "_downloads" / "book.pdf"
    assert in_site.is_file() and in_site.read_bytes() == PDF.read_bytes(), (
        f"{in_site.relative_to(ROOT)} is missing or not {PDF.relative_to(ROOT)}")
    for page in articles:
        built = (HTML / f"{page}.html").read_text(encoding="utf-8")
        links = re.findall(r'<a href="([^"]*_downloads/book\.pdf)"', built)
        assert links, f"{page}: its download menu does not link the PDF"
        assert all((HTML / page).parent.joinpath(link).resolve() == in_site.resolve()
                   for link in links), f"{page}: {links} does not lead to the PDF"
