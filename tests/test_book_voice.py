"""The book speaks with one voice, and its visible code shows the lesson only.

Checked on every page under ``book/`` (the MyST sources, read as text):

- American spelling in the prose: no British -ise/-isation, -yse, -our, -ll- (labelled,
  modelling), -re (centre, metre) or grey forms. Code, math, inline code and the student-notes
  boxes (quoted notes) are not prose.
- Every section page — a page whose title starts with a section number ``# N.M`` — has a
  ``## Summary`` heading, before its ``## Exercises``.
- A cross-reference is a link: no plain "Section 4.3" text outside ``{ref}`` roles.
- "the student" appears only inside the student-notes boxes.
- Code cells the reader sees (all but those tagged ``remove-cell``) hold no build bookkeeping
  (``myst_nb``, ``glue(``, ``assert``), and no visible code line is longer than 88
  characters (what the code box shows at 1280 px without clipping); ``>>>`` listings too.

And, on the built site (marked ``built_site``; ``DL_BOOK_HTML`` names another build): every
page credits *Dive into Deep Learning* (d2l.ai).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
MAX_CODE_LINE = 88


@dataclass
class Block:
    """A piece of a page: prose, a code cell, or another fenced block (```python, ```{math})."""

    kind: str  # "prose", "code-cell" or "fence"
    start: int  # 1-based line number of the block's first line
    lines: list[str] = field(default_factory=list)
    info: str = ""  # the fence's info string, e.g. "python" or "{math}"
    tags: list[str] = field(default_factory=list)
    in_notes: bool = False
    numbers: list[int] = field(default_factory=list)  # the line number of each of ``lines``


COLON_OPEN = re.compile(r"^\s*(:{3,})\{([\w-]+)\}(.*)$")
COLON_CLOSE = re.compile(r"^\s*(:{3,})\s*$")
BACKTICK = re.compile(r"^\s*(`{3,}|~{3,})\s*(.*)$")
TAGS = re.compile(r"^:?tags:\s*\[(.*)\]\s*$")


def parse(text: str) -> list[Block]:
    """Split a MyST page into prose, code cells and fenced blocks, noting which lie inside a
    student-notes box (``:::{admonition} Student notes ...``).

    >>> blocks = parse("---\\nk: v\\n---\\nHi\\n```{code-cell} ipython3\\n:tags: [remove-cell]\\n"
    ...                "x = 1\\n```\\n:::{admonition} Student notes: 1.1\\n:class: note\\n"
    ...                "the student\\n:::\\n")
    >>> [(b.kind, b.lines, b.tags, b.in_notes) for b in blocks]  # doctest: +NORMALIZE_WHITESPACE
    [('prose', ['Hi'], [], False), ('code-cell', ['x = 1'], ['remove-cell'], False),
     ('prose', [':::{admonition} Student notes: 1.1', ':class: note', 'the student'], [], True),
     ('prose', [':::'], [], False)]
    """
    lines = text.splitlines()
    i = 0
    if lines and lines[0].strip() == "---":  # jupytext front matter
        i = 1
        while i < len(lines) and lines[i].strip() != "---":
            i += 1
        i += 1
    blocks: list[Block] = []
    colon_stack: list[bool] = []  # for each open colon fence: is it a notes box?

    def in_notes() -> bool:
        return any(colon_stack)

    def prose(line_no: int, line: str) -> None:
        notes = in_notes()
        if blocks and blocks[-1].kind == "prose" and blocks[-1].in_notes == notes:
            blocks[-1].lines.append(line)
            blocks[-1].numbers.append(line_no)
        else:
            blocks.append(Block("prose", line_no, [line], in_notes=notes, numbers=[line_no]))

    while i < len(lines):
        line = lines[i]
        fence = BACKTICK.match(line)
        if fence:
            marker, info = fence.group(1), fence.group(2).strip()
            j = i + 1
            while j < len(lines) and not re.match(
                    rf"^\s*{re.escape(marker[0])}{{{len(marker)},}}\s*$", lines[j]):
                j += 1
            body = list(zip(range(i + 2, j + 1), lines[i + 1:j]))
            if info.startswith("{code-cell}"):
                tags: list[str] = []
                if body and body[0][1].strip() == "---":  # options as a YAML block
                    k = 1
                    while k < len(body) and body[k][1].strip() != "---":
                        found = TAGS.match(body[k][1].strip())
                        if found:
                            tags += [t.strip(" '\"") for t in found.group(1).split(",")]
                        k += 1
                    body = body[k + 1:]
                else:  # options as :key: value lines
                    while body and body[0][1].startswith(":"):
                        found = TAGS.match(body[0][1].strip())
                        if found:
                            tags += [t.strip(" '\"") for t in found.group(1).split(",")]
                        body = body[1:]
                kind = "code-cell"
            else:
                kind, tags = "fence", []
            blocks.append(Block(kind, i + 1, [text for _, text in body], info, tags, in_notes(),
                                [n for n, _ in body]))
            i = j + 1
            continue
        opened = COLON_OPEN.match(line)
        if opened:
            is_notes = opened.group(2) == "admonition" and "student notes" in opened.group(3).lower()
            colon_stack.append(is_notes)
            prose(i + 1, line)
        elif COLON_CLOSE.match(line) and colon_stack:
            colon_stack.pop()
            prose(i + 1, line)
        else:
            prose(i + 1, line)
        i += 1
    return blocks


INLINE_CODE = re.compile(r"``.+?``|`[^`\n]*`")
ROLE = re.compile(r"\{[\w:-]+\}`[^`]*`")
INLINE_MATH = re.compile(r"\$\$.+?\$\$|\$[^$\n]+\$")
URL = re.compile(r"https?://\S+")


def prose_lines(blocks: list[Block], notes: bool = False) -> list[tuple[int, str]]:
    """The prose of a page as (line number, text) with roles, inline code, math, URLs, labels
    and directive options taken out; display math (``$$`` blocks) is skipped. Only the prose
    outside the notes boxes unless ``notes``.
    """
    out = []
    for block in blocks:
        if block.kind != "prose" or (block.in_notes and not notes):
            continue
        in_math = False
        for number, line in zip(block.numbers, block.lines):
            stripped = line.strip()
            if stripped.startswith("$$") or (in_math and stripped.endswith("$$")):
                if not (stripped.startswith("$$") and len(stripped) > 2 and stripped.endswith("$$")):
                    in_math = not in_math  # a $$ line opens or closes a display block
                continue
            if in_math or re.match(r"^\s*(\(.*\)=|:[\w-]+:)", line):
                continue
            clean = ROLE.sub(" ", line)
            clean = INLINE_CODE.sub(" ", clean)
            clean = INLINE_MATH.sub(" ", clean)
            clean = URL.sub(" ", clean)
            out.append((number, clean))
    return out


# -ise words that are American too (stems without their final e), and words ending in -wise.
ISE_OK = ("advis", "apprais", "appris", "aris", "bruis", "chastis", "circumcis", "compris",
          "compromis", "concis", "cruis", "demis", "despis", "devis", "disguis", "enterpris",
          "excis", "exercis", "expertis", "franchis", "guis", "improvis", "incis",
          "merchandis", "nois", "paradis", "pois", "prais", "precis", "premis", "promis",
          "rais", "repris", "revis", "ris", "supervis", "surpris", "televis", "treatis", "wis")
ISE = re.compile(r"\b[a-z]+is(?:e|es|ed|ing|ation|ations|er|ers|able)\b", re.IGNORECASE)
BRITISH = re.compile(
    r"\b(?:(?:colo|behavio|favo|hono|labo|neighbo|flavo|harbo|humo|rumo|vapo|vigo|savo|armo"
    r"|endeavo|odo|tumo|cando|splendo|parlo|fervo|ardo|clamo)ur\w*"
    r"|analys(?:e|ed|ing)|paralys(?:e|ed|ing)|catalys(?:e|ed|ing)"
    r"|(?:label|model|travel|cancel|signal|level|tunnel|total|fuel)l(?:ed|ing)"
    r"|cent(?:re|res|red)|metres?|kilometres?|licence|catalogue|programmes?|learnt|whilst"
    r"|grey(?:s|ed|ish|-scale|scale)?)\b",
    re.IGNORECASE,
)


def british_words(text: str) -> list[str]:
    """British spellings in a piece of prose.

    >>> british_words("We normalise the colour of grey images, a labelled optimization.")
    ['colour', 'grey', 'labelled', 'normalise']
    >>> british_words("A precise exercise raises noise, otherwise elementwise analyses.")
    []
    """
    found = [m.group(0) for m in BRITISH.finditer(text)]
    for match in ISE.finditer(text):
        word = match.group(0).lower()
        if word.endswith(("wise", "wisely")) or word.startswith(ISE_OK):
            continue
        found.append(match.group(0))
    return sorted(found, key=str.lower)


def pages() -> list[Path]:
    return sorted(BOOK.rglob("*.md"))


def page_id(page: Path) -> str:
    return str(page.relative_to(ROOT))


def title(page: Path) -> str:
    for _, line in prose_lines(parse(page.read_text(encoding="utf-8")), notes=True):
        if line.startswith("# "):
            return line[2:].strip()
    return ""


SECTION_PAGE = re.compile(r"^\d+\.\d+\s")


@pytest.mark.parametrize("page", pages(), ids=page_id)
def test_american_spelling(page: Path) -> None:
    blocks = parse(page.read_text(encoding="utf-8"))
    bad = [f"line {n}: {', '.join(words)}" for n, line in prose_lines(blocks)
           if (words := british_words(line))]
    assert not bad, "British spellings in the prose (use American):\n" + "\n".join(bad)


@pytest.mark.parametrize("page", pages(), ids=page_id)
def test_summary_before_exercises(page: Path) -> None:
    if not SECTION_PAGE.match(title(page)):
        pytest.skip(f"{page.name} is not a section page")
    headings = [line.strip() for _, line in prose_lines(parse(page.read_text(encoding="utf-8")))
                if line.startswith("## ")]
    assert "## Summary" in headings, f"{page.name} has no '## Summary' heading"
    if "## Exercises" in headings:
        assert headings.index("## Summary") < headings.index("## Exercises"), (
            f"{page.name}: the Summary must come before the Exercises")


PLAIN_SECTION = re.compile(r"\bsections?\s+\d+\.\d+\b", re.IGNORECASE)


@pytest.mark.parametrize("page", pages(), ids=page_id)
def test_cross_references_are_links(page: Path) -> None:
    blocks = parse(page.read_text(encoding="utf-8"))
    bad = [f"line {n}: {m.group(0)!r}" for n, line in prose_lines(blocks)
           for m in PLAIN_SECTION.finditer(line)]
    assert not bad, "plain section numbers; write {ref}`sec-...` links instead:\n" + "\n".join(bad)


@pytest.mark.parametrize("page", pages(), ids=page_id)
def test_the_student_only_in_notes(page: Path) -> None:
    bad = []
    for block in parse(page.read_text(encoding="utf-8")):
        if block.in_notes:
            continue
        for number, line in zip(block.numbers, block.lines):
            # "the student-notes box" names the box, not the person
            if re.search(r"\bthe student\b(?![- ]notes?\b)", line, re.IGNORECASE):
                bad.append(f"line {number}: {line.strip()}")
    assert not bad, "'the student' outside the student-notes box:\n" + "\n".join(bad)


BOOKKEEPING = re.compile(r"\bmyst_nb\b|\bglue\(|^\s*assert\s")


@pytest.mark.parametrize("page", pages(), ids=page_id)
def test_visible_code_shows_the_lesson(page: Path) -> None:
    bad = []
    for block in parse(page.read_text(encoding="utf-8")):
        visible_cell = block.kind == "code-cell" and "remove-cell" not in block.tags
        listing = block.kind == "fence" and block.info.split()[:1] in (["python"], ["py"])
        if not (visible_cell or listing):
            continue
        for number, line in zip(block.numbers, block.lines):
            where = f"line {number}"
            if visible_cell and BOOKKEEPING.search(line):
                bad.append(f"{where}: bookkeeping in a visible cell: {line.strip()}")
            if len(line) > MAX_CODE_LINE:
                bad.append(f"{where}: {len(line)} characters (at most {MAX_CODE_LINE})")
    assert not bad, ("visible code must show the lesson only (move glue/asserts into a "
                     "`:tags: [remove-cell]` cell) and fit the code box:\n" + "\n".join(bad))


# The built site --------------------------------------------------------------------------

HTML = Path(os.environ.get("DL_BOOK_HTML", ROOT / "_build" / "html")).resolve()
CREDIT = re.compile(r'href="https://d2l\.ai/?"[^>]*>[^<]*Dive into Deep Learning', re.DOTALL)


def built_pages() -> list[Path]:
    if not HTML.is_dir():
        return []
    found = [p for p in HTML.rglob("*.html")
             if not {"_static", "_sources", "_images"} & set(p.relative_to(HTML).parts)]
    # index.html at the top is only a redirect to the introduction, with no page around it
    return sorted(p for p in found if 'http-equiv="Refresh"' not in p.read_text(errors="replace"))


@pytest.mark.built_site
def test_every_built_page_credits_d2l() -> None:
    found = built_pages()
    if not found:
        pytest.fail(f"no built site in {HTML}: run make book first (or set DL_BOOK_HTML)")
    missing = [str(p.relative_to(HTML)) for p in found
               if not CREDIT.search(p.read_text(encoding="utf-8", errors="replace"))]
    assert not missing, ("pages without the credit to Dive into Deep Learning (d2l.ai):\n"
                         + "\n".join(missing))
