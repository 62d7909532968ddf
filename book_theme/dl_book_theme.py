"""The book's own additions to the Jupyter Book site (a local Sphinx extension, in _config.yml).

- **Light pages.** plotly.js (4.8 MB) is linked only from pages that show an interactive
  figure. The theme's Font Awesome script (1.5 MB, every icon there is) is replaced by one
  that holds only the icons the site uses, taken from that same script when the site is built.
- **The site's CSS and JavaScript** (``static/dl-book.css``, ``static/dl-book.js``):
  equations that fit, dark-mode figures, accessible labels and keyboard sliders, solution
  titles that open their solution, search snippets without TeX.
- **The whole book as a PDF** (``make pdf``, ``scripts/make_pdf.py``): every page's download
  menu links it; the single-page build it is printed from gets the html builder's node handlers.
- **Short tracebacks.** The kernels that execute the pages read an IPython startup file that
  installs ``dl_book_tracebacks`` (the last frames and the message, no paths of this machine).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PLOTLY_JS = "plotly/plotly.min.js"  # in html_static_path (copied there by the build script)
INTERACTIVE_MARK = 'class="dl-interactive"'
CODE_CELL_MARK = '<div class="cell'  # myst-nb's code cells: the pages with live code

# Font Awesome's classes that are not icon names.
_FA_STYLES = {"fa-solid": "fas", "fas": "fas", "fa-regular": "far", "far": "far",
              "fa-brands": "fab", "fab": "fab"}
_FA_MODIFIERS = re.compile(r"^fa-(\d+x|2xs|xs|sm|lg|xl|2xl|fw|spin|pulse|border|inverse|beat|"
                           r"fade|bounce|flip|shake|rotate-\d+|rotate-by|flip-\w+|pull-\w+|"
                           r"stack(-\dx)?|ul|li|solid|regular|brands|light|thin|duotone|sharp)$")


# -- icons ----------------------------------------------------------------------------------------

def icons_in_html(html: str) -> set[tuple[str, str]]:
    """The (style, icon) pairs that the HTML asks Font Awesome for.

    >>> sorted(icons_in_html('<i class="fa-solid fa-magnifying-glass fa-lg"></i>'
    ...                      '<span class="fas fa-code"></span><i class="theme-switch"></i>'))
    [('fas', 'code'), ('fas', 'magnifying-glass')]
    """
    found = set()
    for classes in re.findall(r'class="([^"]*\bfa[srb]?\b[^"]*|[^"]*\bfa-(?:solid|regular|'
                              r'brands)\b[^"]*)"', html):
        names = classes.split()
        style = next((_FA_STYLES[n] for n in names if n in _FA_STYLES), None)
        if style is None:
            continue
        for name in names:
            if name.startswith("fa-") and name not in _FA_STYLES and not _FA_MODIFIERS.match(name):
                found.add((style, name[3:]))
    return found


_ICON = re.compile(r'(?:"([\w-]+)"|([\w$]+)):\[(\d+),(\d+),\[([^\]]*)\],"(\w*)",'
                   r'("(?:[^"\\]|\\.)*")\]')


def icon_packs(script: str) -> dict[str, dict[str, list]]:
    """Font Awesome's icon packs in its all-in-one script: style -> name -> [w, h, path]."""
    packs: dict[str, dict[str, list]] = {}
    for start in re.finditer(r"var p=\{", script):
        end = script.find('(function(){d("', start.end())
        if end < 0:
            continue
        style = script[end + 15:end + 18]
        pack = packs.setdefault(style, {})
        for match in _ICON.finditer(script, start.end() - 1, end):
            name = match.group(1) or match.group(2)
            entry = [int(match.group(3)), int(match.group(4)), json.loads(match.group(7))]
            pack.setdefault(name, entry)
            for alias in re.findall(r'"([\w-]+)"', match.group(5)):
                pack.setdefault(alias, entry)
    return packs


def icon_script(wanted: set[tuple[str, str]], packs: dict[str, dict[str, list]]) -> str:
    """A small script that draws the wanted icons as inline SVG, as Font Awesome's does."""
    icons: dict[str, dict[str, list]] = {}
    for style, name in sorted(wanted):
        entry = packs.get(style, {}).get(name)
        if entry is None:
            raise ValueError(f"Font Awesome has no icon {style} fa-{name}: the theme changed")
        icons.setdefault(style, {})[name] = entry
    data = json.dumps(icons, separators=(",", ":"), sort_keys=True)
    return (HERE / "icons.js.in").read_text(encoding="utf-8").replace(
        "/*ICONS*/{}", data)


# -- Sphinx hooks -------------------------------------------------------------------------------

def add_scripts_where_needed(app: Any, pagename: str, templatename: str, context: dict,
                             doctree: Any) -> None:
    """Link plotly.js from the pages that show an interactive figure, and only from those;
    the live-code button (``make serve``) from the pages with code cells."""
    body = context.get("body", "")
    if INTERACTIVE_MARK in body:
        app.add_js_file(PLOTLY_JS)
    if CODE_CELL_MARK in body:
        app.add_js_file("dl-live.js", loading_method="defer")


def link_book_pdf(app: Any, pagename: str, templatename: str, context: dict,
                  doctree: Any) -> None:
    """Offer the whole book as one PDF (``make pdf`` puts it at ``dl_book_pdf`` in the site)
    in each page's download menu, after the theme's entries for that page."""
    for group in context.get("header_buttons", []):
        if group.get("label") == "download-buttons":
            group["buttons"].append({
                "type": "link", "url": context["pathto"](app.config.dl_book_pdf, 1),
                "text": "PDF (whole book)", "icon": "fas fa-book",
                "tooltip": "Download the whole book as one PDF", "label": "download-book-pdf"})


def replace_font_awesome(app: Any, exception: Exception | None) -> None:
    """Overwrite the theme's 1.5 MB Font Awesome script with the icons the pages use."""
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    target = out / "_static" / "scripts" / "fontawesome.js"
    if not target.is_file():
        return
    original = target.read_text(encoding="utf-8")
    if "dl-book-icons" in original:  # replaced by an earlier build
        original = _theme_font_awesome().read_text(encoding="utf-8")
    wanted = {("fas", "xmark")}  # the theme's JavaScript adds this one to its banners
    for page in out.rglob("*.html"):
        wanted |= icons_in_html(page.read_text(encoding="utf-8"))
    target.write_text(icon_script(wanted, icon_packs(original)), encoding="utf-8")
    target.with_name("fontawesome.js.map").unlink(missing_ok=True)
    subset_icon_fonts(out)
    purge_theme_css(out)


_ICON_CHAR = re.compile(r'\\([ef][0-9a-fA-F]{3})(?![0-9a-fA-F])|([\ue000-\uf8ff])')


def css_icon_codepoints(css: str) -> set[int]:
    r"""The Font Awesome characters that a style sheet draws with the icon font, outside the
    ``.fa-<name>`` rules of ``<i>`` icons (which the icon script draws as SVG instead).

    >>> sorted(hex(c) for c in css_icon_codepoints(
    ...     '.fa-bars:before{content:"\\f0c9"}html{--pst-icon-bell:"\uf0f3"}'
    ...     '.toc:after{content:"\\f107"}'))
    ['0xf0f3', '0xf107']
    """
    found = set()
    for selectors, body in re.findall(r"([^{}]*)\{([^{}]*)\}", css):
        names = [name.strip() for name in selectors.split(",") if name.strip()]
        if names and all(name.startswith(".fa") for name in names):
            continue
        for escaped, char in _ICON_CHAR.findall(body):
            found.add(int(escaped, 16) if escaped else ord(char))
    return found


FONT_FILES = ("fa-solid-900", "fa-regular-400", "fa-brands-400")


def subset_icon_fonts(out: Path) -> None:
    """Cut Font Awesome's fonts (158 kB for the solid one alone) down to the characters the
    style sheets use (admonition icons and a few others), as WOFF files, and point the
    theme's style sheet at them."""
    from fontTools import subset

    static = out / "_static"
    theme_css = static / "styles" / "pydata-sphinx-theme.css"
    webfonts = static / "vendor" / "fontawesome" / "webfonts"
    if not theme_css.is_file() or not webfonts.is_dir():
        return
    codepoints: set[int] = set()
    for css in sorted(static.rglob("*.css")):
        codepoints |= css_icon_codepoints(css.read_text(encoding="utf-8"))
    text = theme_css.read_text(encoding="utf-8")
    for name in FONT_FILES:
        source = webfonts / f"{name}.ttf"
        sources = (f'url(../vendor/fontawesome/webfonts/{name}.woff2) format("woff2"),'
                   f'url(../vendor/fontawesome/webfonts/{name}.ttf) format("truetype")')
        if not source.is_file() or sources not in text:
            continue
        options = subset.Options()
        options.flavor = "woff"
        font = subset.load_font(str(source), options)
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=codepoints)
        subsetter.subset(font)
        subset.save_font(font, str(webfonts / f"{name}.subset.woff"), options)
        text = text.replace(
            sources, f'url(../vendor/fontawesome/webfonts/{name}.subset.woff) format("woff")')
    theme_css.write_text(text, encoding="utf-8")


# Parts of Bootstrap (components and utility classes) and of the theme's styles for other
# extensions (sphinx-design) that a page of this book may not use: a rule is dropped when each
# of its selectors needs a class with one of these prefixes that no page and no script of the
# site has. The ``.fa-<name>`` rules of webfont icons go too (the icon script draws them).
UNUSED_PREFIXES = ("-Color", "accordion", "alert", "badge", "bs-popover", "btn-close", "card",
                   "carousel", "focus-ring", "form-", "icon-link", "input-group", "invalid-",
                   "is-invalid", "is-valid", "link-", "list-group", "modal", "object-fit",
                   "offcanvas", "page-item", "page-link", "pagination", "placeholder", "popover",
                   "progress", "ratio", "sd-", "spinner", "table-", "toast", "valid-",
                   "was-validated",
                   # Bootstrap's utilities and layout variants
                   "align-", "bg-", "blockquote-", "border-", "bottom-", "btn-check", "btn-group",
                   "btn-lg", "btn-outline-", "btn-toolbar", "col-", "collapse-horizontal",
                   "column-gap-", "d-", "display-", "dropend", "dropstart", "dropup", "end-",
                   "figure-", "fixed-", "flex-", "float-", "font-monospace", "fs-", "fst-", "fw-",
                   "g-", "gap-", "gx-", "gy-", "h-", "img-thumbnail", "initialism",
                   "justify-content-", "lh-", "list-inline", "m-", "mb-", "me-", "mh-", "min-v",
                   "ms-", "mt-", "mw-", "mx-", "my-", "nav-fill", "nav-justified", "nav-pills",
                   "nav-tabs", "nav-underline", "object-", "offset-", "opacity-", "order-",
                   "overflow-", "p-", "pb-", "pe-", "position-", "ps-", "pt-", "px-", "py-",
                   "rounded", "row-cols-", "row-gap-", "shadow", "start-", "sticky-",
                   "stretched-link", "text-", "top-", "translate-", "user-select-", "vh-",
                   "visually-hidden-focusable", "vw-", "w-", "z-")


def known_classes(out: Path) -> set[str]:
    """Every class on a page of the site, and every word of its scripts (which may add one)."""
    known: set[str] = set()
    for page in out.rglob("*.html"):
        for classes in re.findall(r'class="([^"]*)"', page.read_text(encoding="utf-8")):
            known.update(classes.split())
    for script in (out / "_static").rglob("*.js"):
        if "plotly" in script.parts or "mathjax" in script.parts:
            continue
        known.update(re.findall(r"[A-Za-z0-9_-]+", script.read_text(encoding="utf-8",
                                                                    errors="ignore")))
    return known


def purge_css(css: str, known: set[str]) -> str:
    """The style sheet less the rules that no element of the site can match (see above).

    >>> purge_css(".card{a:1}.btn,.card{b:2}.fa-bars:before{c:3}p{d:4}", {"btn"})
    '.btn,.card{b:2}p{d:4}'
    """
    def dead(selector: str) -> bool:
        classes = re.findall(r"\.([A-Za-z0-9_-]+)", re.sub(r":not\([^)]*\)", "", selector))
        return any(name not in known and (name.startswith(UNUSED_PREFIXES)
                                          or re.fullmatch(r"fa-[\w-]+", name) is not None)
                   for name in classes)

    def rule(match: re.Match) -> str:
        selectors = [part for part in match.group(1).split(",") if part.strip()]
        if selectors and all(dead(part) for part in selectors):
            return ""
        return match.group(0)

    return re.sub(r"(?:(?<=[{}])|^)([^{}@;]+)\{[^{}]*\}", rule, css)


def purge_theme_css(out: Path) -> None:
    """Purge the theme's style sheet and myst-nb's (whose ANSI colours, ``-Color-*``, are
    mostly for outputs this book does not have)."""
    known = known_classes(out)
    static = out / "_static"
    for css in [static / "styles" / "pydata-sphinx-theme.css", *static.glob("mystnb.*.css")]:
        if css.is_file():
            css.write_text(purge_css(css.read_text(encoding="utf-8"), known), encoding="utf-8")
            css.with_name(css.name + ".map").unlink(missing_ok=True)


def _theme_font_awesome() -> Path:
    import pydata_sphinx_theme

    return (Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" /
            "static" / "scripts" / "fontawesome.js")


def kernel_startup(app: Any) -> None:
    """Make the kernels that execute the pages show short tracebacks.

    IPython reads the startup files of the profile in ``IPYTHONDIR``; the build's kernels
    inherit this process's environment, so one set here reaches all of them.
    """
    ipython_dir = Path(app.doctreedir).parent / "kernel_ipython"
    startup = ipython_dir / "profile_default" / "startup"
    startup.mkdir(parents=True, exist_ok=True)
    module = HERE / "dl_book_tracebacks.py"
    (startup / "00-dl-book-tracebacks.py").write_text(
        "def _dl_book_short_tracebacks():\n"
        "    import importlib.util\n"
        f"    spec = importlib.util.spec_from_file_location('dl_book_tracebacks', {str(module)!r})\n"
        "    module = importlib.util.module_from_spec(spec)\n"
        "    spec.loader.exec_module(module)\n"
        "    module.install(get_ipython())\n"
        "_dl_book_short_tracebacks()\n"
        "del _dl_book_short_tracebacks\n", encoding="utf-8")
    os.environ["IPYTHONDIR"] = str(ipython_dir)


def share_html_handlers(app: Any) -> None:
    """Give the single-page builder (``make pdf``) every node handler of the html builder.

    Sphinx falls back to the html handlers only for a builder that has none of its own, and
    sphinx-exercise registers a few for ``singlehtml``: the other extensions' nodes (such as
    sphinx-jupyterbook-latex's hidden toctree copies) would then have no handler there.
    """
    if app.builder.name != "singlehtml":
        return
    handlers = app.registry.translation_handlers
    own = handlers.setdefault("singlehtml", {})
    for name, pair in handlers.get("html", {}).items():
        own.setdefault(name, pair)


def configure(app: Any, config: Any) -> None:
    config.html_static_path.append(str(HERE / "static"))
    config.templates_path.insert(0, str(HERE / "templates"))


def setup(app: Any) -> dict[str, Any]:
    app.connect("config-inited", configure)
    app.connect("builder-inited", share_html_handlers)
    # After sphinx-book-theme has made its download menu (at priority 501).
    app.connect("html-page-context", link_book_pdf, priority=600)
    # An "html" setting: a new or changed value rewrites every page (without reading them again).
    app.add_config_value("dl_book_pdf", "_downloads/book.pdf", "html")
    app.connect("html-page-context", add_scripts_where_needed)
    app.connect("build-finished", replace_font_awesome)
    app.add_css_file("dl-book.css")
    app.add_js_file("dl-book.js", loading_method="defer")
    kernel_startup(app)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
