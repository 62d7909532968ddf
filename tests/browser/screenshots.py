"""Full-page screenshots of every page of the built site, with the browser the tests use; or,
with ``--pdf``, pictures of a few pages of the book's PDF (``make pdf``).

    make screenshots                          # builds the site and the PDF, then runs this
    .venv/bin/python tests/browser/screenshots.py [--out screenshots] [--width 1280]
    .venv/bin/python tests/browser/screenshots.py --pdf _build/pdf/book.pdf --out screenshots/pdf

Writes ``screenshots/<page path with / as __>.png`` (the folder is not tracked by git), or
for the PDF ``page-<n>-<what>.png``: the title page, the contents, and the first page that
shows both a numbered equation and a figure (drawn by pypdfium2).
``DL_BOOK_HTML`` and ``DL_BOOK_TOC`` choose another build, as for the browser tests.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import booksite  # noqa: E402


def screenshot_name(page: str) -> str:
    """The file name of a page's screenshot.

    >>> screenshot_name("book/chapter_3/oo-design")
    'book__chapter_3__oo-design.png'
    """
    return page.replace("/", "__") + ".png"


def pdf_pages_to_show(pdf: Any) -> dict[str, int]:
    """The PDF pages worth a look, by name: the title page, the contents, and the first page
    with a figure and a numbered display equation (its number, "(3)", alone on a line)."""
    import pypdfium2.raw as pdfium_raw

    shown = {"title": 0, "contents": 1}
    for index in range(len(pdf)):
        page = pdf[index]
        has_image = any(obj.type == pdfium_raw.FPDF_PAGEOBJ_IMAGE
                        for obj in page.get_objects(max_depth=3))
        text = page.get_textpage().get_text_range()
        if has_image and re.search(r"^\(\d+\)\s*$", text, re.M):
            shown["equation-and-figure"] = index
            break
    return shown


def pdf_screenshots(path: Path, out: Path, scale: float = 1.5) -> list[Path]:
    """Draw the pages of ``pdf_pages_to_show`` as PNG files in ``out``."""
    import pypdfium2 as pdfium

    out.mkdir(parents=True, exist_ok=True)
    pdf = pdfium.PdfDocument(path)
    written = []
    for name, index in pdf_pages_to_show(pdf).items():
        target = out / f"page-{index + 1}-{name}.png"
        pdf[index].render(scale=scale).to_pil().save(target)
        written.append(target)
    pdf.close()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Full-page screenshots of the built site.")
    parser.add_argument("--out", type=Path, default=booksite.ROOT / "screenshots",
                        help="folder for the PNG files (default: screenshots/)")
    parser.add_argument("--width", type=int, default=booksite.VIEWPORT["width"],
                        help="width of the browser window in pixels")
    parser.add_argument("--pdf", type=Path,
                        help="picture a few pages of this PDF instead of the site's pages")
    args = parser.parse_args(argv)
    if args.pdf is not None:
        if not args.pdf.is_file():
            print(f"No PDF at {args.pdf}: run `make pdf` first.", file=sys.stderr)
            return 1
        for target in pdf_screenshots(args.pdf, args.out):
            print(target)
        return 0
    if not (booksite.HTML / "index.html").is_file():
        print(f"No built site in {booksite.HTML}: run `make book` first.", file=sys.stderr)
        return 1
    executable = booksite.find_chromium()
    if executable is None:
        print("Chromium is not installed (Debian: apt-get install chromium, or make system).",
              file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    pages = booksite.toc_pages()
    with booksite.serve(booksite.HTML) as base_url, sync_playwright() as playwright:
        browser = booksite.launch(playwright, executable)
        context = browser.new_context(
            viewport={"width": args.width, "height": booksite.VIEWPORT["height"]})
        tab = context.new_page()
        for page in pages:
            response = tab.goto(f"{base_url}{page}.html", wait_until="load")
            late = booksite.settle(tab)
            target = args.out / screenshot_name(page)
            tab.screenshot(path=str(target), full_page=True)
            notes = [f"HTTP {response.status}"] if response and response.status != 200 else []
            notes += [f"{name} did not finish" for name in late]
            print(f"{target}" + (f"  ({', '.join(notes)})" if notes else ""))
        browser.close()
    print(f"{len(pages)} screenshots in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
