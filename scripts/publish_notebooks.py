"""Publish each chapter's executed notebook next to its page, and offer it in the page's menu.

Jupyter Book 1 offers only the ``.md`` source of a MyST notebook for download. The build
leaves each notebook page in ``<build>/jupyter_execute/<page>.ipynb``; this script writes it,
with its outputs, to ``<build>/html/<page>.ipynb`` (next to ``<page>.html``) and adds a
``.ipynb`` entry, built like the theme's own ``.md`` entry, to that page's download menu.

The published notebook is the one a reader runs anywhere: the cells tagged ``remove-cell``
(the build's bookkeeping: ``glue``, checks on the run, alt text), which the page does not show
either, are dropped from it.

The outputs come from the execution cache (``<build>/.jupyter_cache``) when there is one:
when myst-nb (1.4) takes a page's outputs from the cache instead of executing it, it writes
the notebook *without* outputs to ``jupyter_execute``, though the page shows them.

Run after ``jupyter-book build`` (``scripts/build_book.sh`` does): ::

    python scripts/publish_notebooks.py [--build _build]

It can run any number of times: a page that already offers its notebook is left as it is.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
MARK = "btn-download-notebook-button"
# The theme's (sphinx-book-theme 1.x) menu entry for the page's source file.
SOURCE_ENTRY = re.compile(
    r'<li><a href="(?P<href>[^"]*_sources/[^"]*)"(?P<attrs>[^>]*?)\s*'
    r'class="btn btn-sm btn-download-source-button dropdown-item"(?P<rest>.*?)</a>\s*</li>',
    re.S)


def notebook_entry(source_entry: str, filename: str) -> str:
    """The ``.ipynb`` menu entry, made from the theme's entry for the source file.

    >>> md = ('<li><a href="../_sources/book/p.md" target="_blank"\\n'
    ...       '   class="btn btn-sm btn-download-source-button dropdown-item"\\n'
    ...       '   title="Download source file">\\n<i class="fas fa-file"></i>\\n'
    ...       '<span class="btn__text-container">.md</span>\\n</a>\\n</li>')
    >>> print(notebook_entry(md, "p.ipynb"))
    <li><a href="p.ipynb" download
       class="btn btn-sm btn-download-notebook-button dropdown-item"
       title="Download notebook file">
    <i class="fas fa-code"></i>
    <span class="btn__text-container">.ipynb</span>
    </a>
    </li>
    """
    entry = re.sub(r'href="[^"]*"', f'href="{filename}"', source_entry, count=1)
    entry = entry.replace(' target="_blank"', " download", 1)
    entry = entry.replace("btn-download-source-button", MARK, 1)
    entry = entry.replace('title="Download source file"', 'title="Download notebook file"', 1)
    entry = entry.replace('class="fas fa-file"', 'class="fas fa-code"', 1)
    return re.sub(r'(<span class="btn__text-container">)[^<]*(</span>)',
                  r"\g<1>.ipynb\g<2>", entry, count=1)


def add_menu_entry(html: str, filename: str) -> str | None:
    """The page with a ``.ipynb`` entry before its ``.md`` one; None if it has no menu.

    >>> add_menu_entry("<p>no menu here</p>", "p.ipynb") is None
    True
    """
    if MARK in html:
        return html
    match = SOURCE_ENTRY.search(html)
    if match is None:
        return None
    entry = notebook_entry(match.group(0), filename)
    return html[:match.start()] + entry + "\n" + html[match.start():]


BOOKKEEPING_TAG = "remove-cell"


def reader_cells(cells: list) -> list:
    """The cells a reader's notebook keeps: all but those tagged ``remove-cell``.

    >>> cells = [nbformat.v4.new_code_cell("x = 1"),
    ...          nbformat.v4.new_code_cell("glue('x', x)", metadata={"tags": ["remove-cell"]}),
    ...          nbformat.v4.new_markdown_cell("Text")]
    >>> [cell.source for cell in reader_cells(cells)]
    ['x = 1', 'Text']
    """
    return [cell for cell in cells
            if BOOKKEEPING_TAG not in cell.get("metadata", {}).get("tags", [])]


def publish(build: Path) -> list[str]:
    """Publish every executed notebook whose page is in the site; returns their page names."""
    html_dir, executed = build / "html", build / "jupyter_execute"
    if not html_dir.is_dir():
        raise SystemExit(f"{html_dir} does not exist: build the site first (make book)")
    cache = None
    if (build / ".jupyter_cache" / "global.db").is_file():
        from jupyter_cache import get_cache

        cache = get_cache(build / ".jupyter_cache")
    published = []
    for notebook in sorted(executed.rglob("*.ipynb")):
        page = notebook.relative_to(executed).with_suffix("")
        page_html = html_dir / page.with_suffix(".html")
        if not page_html.is_file():  # left over from a page that is no longer in the book
            continue
        content = nbformat.read(notebook, as_version=4)
        if cache is not None:
            try:
                _, content = cache.merge_match_into_notebook(content)
            except KeyError:  # not executed through the cache: keep what the build wrote
                pass
        code = [cell for cell in content.cells if cell.cell_type == "code"]
        if code and not any(cell.get("execution_count") for cell in code):
            print(f"warning: {notebook} has no outputs", file=sys.stderr)
        content.metadata.pop("source_map", None)  # myst-nb's, of no use to readers
        content.cells = reader_cells(content.cells)
        target = html_dir / page.with_suffix(".ipynb")
        nbformat.write(content, target)  # validates it
        html = page_html.read_text(encoding="utf-8")
        updated = add_menu_entry(html, target.name)
        if updated is None:
            raise SystemExit(f"{page_html} has no download menu with a source entry: the theme "
                             f"changed; update SOURCE_ENTRY in {__file__}")
        if updated != html:
            page_html.write_text(updated, encoding="utf-8")
        published.append(page.as_posix())
    return published


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", type=Path, default=ROOT / "_build",
                        help="the build folder, with html/ and jupyter_execute/ (default: _build)")
    args = parser.parse_args(argv)
    published = publish(args.build)
    print(f"Published {len(published)} notebook(s) next to their pages.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
