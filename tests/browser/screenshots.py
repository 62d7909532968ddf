"""Full-page screenshots of every page of the built site, with the browser the tests use.

    make screenshots                          # builds the site, then runs this
    .venv/bin/python tests/browser/screenshots.py [--out screenshots] [--width 1280]

Writes ``screenshots/<page path with / as __>.png`` (the folder is not tracked by git).
``DL_BOOK_HTML`` and ``DL_BOOK_TOC`` choose another build, as for the browser tests.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import booksite  # noqa: E402


def screenshot_name(page: str) -> str:
    """The file name of a page's screenshot.

    >>> screenshot_name("book/chapter_3/oo-design")
    'book__chapter_3__oo-design.png'
    """
    return page.replace("/", "__") + ".png"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Full-page screenshots of the built site.")
    parser.add_argument("--out", type=Path, default=booksite.ROOT / "screenshots",
                        help="folder for the PNG files (default: screenshots/)")
    parser.add_argument("--width", type=int, default=booksite.VIEWPORT["width"],
                        help="width of the browser window in pixels")
    args = parser.parse_args(argv)
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
