"""Headings inferred for pages that have none: the article title as level 1, official-style numbered lines below it.

Chinese official documents (GB/T 9704) number their sections 一、 → （一） → 1. → （1）.
On CMS pages these lines are bold paragraphs, never ``<h2>``…; a screen-reader
user cannot jump between them. Here they get ``role=heading`` + ``aria-level``
(the element and its styles stay as they are). A line is a heading only when it
is short and either bold (or in a heading typeface) or standing alone without
sentence punctuation; a paragraph that merely starts with a numeral stays a
paragraph. Headings the author wrote are never changed.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from . import Context
from .markup import int_attribute
from .pagemodel import page_model
from .textwalk import HEADING_LEVEL, compact, squash, text_content, text_of

__all__ = ["NUMBERED_RANKS", "ensure_title", "heading_rank", "infer_headings"]

_HAN_NUMERAL = "一二三四五六七八九十百零〇"
# Rank 0 is the official 一、 level; the page's levels are assigned from these ranks.
NUMBERED_RANKS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"^[{_HAN_NUMERAL}]{{1,3}}[、．.](?![.．])"),
    re.compile(rf"^[（(][{_HAN_NUMERAL}]{{1,3}}[）)]"),
    re.compile(r"^\d{1,2}[.．、](?![\d.．])"),
    re.compile(r"^[（(]\d{1,2}[）)]"),
)
_HEADING_TAGS = frozenset(HEADING_LEVEL)
_HEADING_TAG_LEVEL = HEADING_LEVEL
# Subtrees that never hold section headings of the running text.
_NOT_PROSE = frozenset({"table", "ul", "ol", "dl", "nav", "header", "footer", "a", "button", "form", "select",
                        "script", "style", "noscript", "textarea", "aside", "figure", "pre"})
_BLOCK_CHILDREN = frozenset({"p", "div", "table", "ul", "ol", "dl", "section", "article", "blockquote"}) | _HEADING_TAGS
# Elements that may carry role=heading themselves; others get an inner span.
_ROLE_HOSTS = frozenset({"div", "p", "span", "font", "strong", "b", "center", "section", "header"})
_BOLD_TAGS = frozenset({"b", "strong"})
_BOLD_STYLE = re.compile(r"font-weight\s*:\s*(?:bold|bolder|[6-9]00)", re.I)
# Official documents set section headings in 黑体 and sub-sections in 楷体; body text is 仿宋.
_HEADING_FONT = re.compile(r"font-family\s*:[^;]*(?:黑体|simhei|heiti|楷体|kaiti)", re.I)
_SENTENCE_INSIDE = re.compile(r"[。；;！？!?]")
_OPEN_ENDING = re.compile(r"[，,：:、]$")
_MAX_BOLD_HEADING = 60
_MAX_PLAIN_HEADING = 25


def heading_rank(text: str) -> int | None:
    """The numbering rank of a line (0 for 一、, 1 for （一）, 2 for 1., 3 for （1）), or None."""
    for rank, pattern in enumerate(NUMBERED_RANKS):
        if pattern.match(text):
            return rank
    return None


def ensure_title(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Mark the article title as the page's level-1 heading; give the page a ``<title>`` when it has none."""
    model = page_model(root, ctx)
    body = model.body
    if body is None:
        return
    h1 = _first_level_one(body, model)
    title_el = model.title
    if h1 is None and title_el is not None and title_el.tag not in _HEADING_TAGS:
        # Level 1, unless the author's next heading is deeper than 2: the title then sits right above
        # it (h2 above an h3), so the page's heading order holds.
        level = max(1, min(_level_after(title_el) - 1, 6))
        marked = _mark_heading(title_el, level)
        h1 = marked if level == 1 else None
        ctx.report.note("headings", f"title marked as level-{level} heading", text_of(title_el)[:80])
    elif h1 is None and title_el is not None and title_el.get("role") is None and title_el.get("aria-level") is None:
        # The author's title is an h2/h3 and the page has no h1: the title is the page's level 1,
        # as long as the heading after it then follows in order (h1 → h3 would skip a level).
        if _level_after(title_el) <= 2:
            title_el.set("aria-level", "1")
            h1 = title_el
            ctx.report.note("headings", "title heading made level 1 (the page has no h1)", text_of(title_el)[:80])
    elif h1 is None and title_el is None:
        h1 = _logo_heading(model)
        if h1 is not None:
            ctx.report.note("headings", "site logo marked as level-1 heading", model.site_name)
        else:
            h1 = _stated_title_heading(model)
            if h1 is not None:
                ctx.report.note("headings", "document title added as level-1 heading", model.title_text[:80])
    elif (h1 is not None and title_el is not None and title_el.tag not in _HEADING_TAGS
          and _title_level(title_el) is None and not _related(h1, title_el)):
        # The page's h1 is the site's name in the banner: the article title goes right below it.
        _mark_heading(title_el, 2)
        ctx.report.note("headings", "title marked as level-2 heading (the page has its own h1)",
                        text_of(title_el)[:80])
    _ensure_document_title(root, ctx, h1)


_FIRST_HEADING = etree.XPath("descendant::*[self::h1 or self::h2 or self::h3 or self::h4 or self::h5 or self::h6"
                             " or @role='heading'][1]")


def _level_after(el) -> int:
    """The level of the first heading after ``el`` (1 when there is none: anything may follow)."""
    # A walk in document order that stops at the first heading: XPath's following::*[…][1] tests every
    # element to the end of the page first. Without a role=heading on the page, the heading tags are
    # found in C.
    by_role = any(value == "heading" for value in _ROLES(el))
    node = el
    while node is not None:
        for sibling in node.itersiblings():
            if by_role:
                for found in sibling.iter(etree.Element):
                    if found.tag in _HEADING_TAGS or found.get("role") == "heading":
                        return _heading_level(found)
            else:
                found = next(sibling.iter(*_HEADING_TAG_LEVEL), None)
                if found is not None:
                    return _heading_level(found)
        node = node.getparent()
    return 1


_ROLES = etree.XPath("/descendant::*/@role")  # attribute nodes: far cheaper than a predicate on every element


def _heading_level(el) -> int:
    level = int_attribute(el, "aria-level", None)
    return level if level is not None else _HEADING_TAG_LEVEL.get(el.tag, 2)


# Void and phrasing elements the parser may take for the content (a <wbr> that swallowed the text).
_NO_HEADING_INSIDE = frozenset({"wbr", "br", "img", "input", "span", "font", "a", "b", "strong", "em", "i"})
# Where a heading may not stand: a browser moves one out of a table's rows (above the whole table), and
# a header cell may hold no heading at all.
_NO_HEADING_HOST = frozenset({"th", "tr", "tbody", "thead", "tfoot", "table"})


def _stated_title_heading(model):
    """Pages that show no title line at all: the document's stated title (``<title>``, ArticleTitle)
    opens the article text as a level-1 heading for readers only (``em-visually-hidden``), so a
    listener can find where the page's own content starts. Not when the heading after it is deeper
    than level 2."""
    content = model.content
    while content is not None and content.tag in _NO_HEADING_INSIDE:
        content = content.getparent()
    if content is None or content.tag in ("body", "html") or not model.title_text:
        return None
    if content.tag in _NO_HEADING_HOST:
        return None
    first = _FIRST_HEADING(content)
    if first and _heading_level(first[0]) > 2 or not first and _level_after(content) > 2:
        return None
    h1 = content.makeelement("h1", {"class": "em-visually-hidden", "data-eldermode": "heading"})
    h1.text = model.title_text
    h1.tail, content.text = content.text, None
    content.insert(0, h1)
    return h1


def _related(a, b) -> bool:
    return a is b or any(x is b for x in a.iterancestors()) or any(x is a for x in b.iterancestors())


def _title_level(title) -> int | None:
    """The heading level the title element already has (its tag, its role, or our span inside it)."""
    level = _HEADING_TAG_LEVEL.get(title.tag)
    if level:
        return int_attribute(title, "aria-level", None) or level
    for el in (title, title[0] if len(title) else None):
        level = int_attribute(el, "aria-level", None) if el is not None and el.get("role") == "heading" else None
        if level is not None:
            return level
    return None


_HOME = frozenset({"/", "./", "index.html", "index.htm", "/index.html", "/index.htm", "/index.shtml"})


def _logo_heading(model):
    """Pages without an article (home, lists) are titled by the site's logo: the block holding only the
    home link's image becomes the level-1 heading, named by the site's name."""
    if not model.site_name:
        return None
    author_levels = [_HEADING_TAG_LEVEL[el.tag] for el in model.tags("h2", "h3", "h4", "h5", "h6")]
    if author_levels and min(author_levels) > 2:
        return None  # an h1 straight above the page's own h3s would break the heading order
    for a in model.tags("a")[:20]:
        if (a.get("href") or "").strip() not in _HOME:
            continue
        images = list(a.iter("img"))
        parent = a.getparent()
        if len(images) != 1 or compact(text_content(a)) or parent is None or parent.tag not in _ROLE_HOSTS:
            continue
        if len(parent) != 1 or compact(parent.text) or compact(a.tail) or parent.get("role"):
            continue
        if images[0].get("alt") is None:
            images[0].set("alt", model.site_name)
        return _mark_heading(parent, 1)
    return None


def _first_level_one(body, model):
    h1s = model.tags("h1")  # the page model's index: a walk of a big table page for none cost more than the rest
    if h1s:
        return h1s[0]
    for level in model.aria_levels:  # (found with the model, eldermode's readings and cards set aside)
        if level.strip() == "1" and (level.getparent().get("role") == "heading" or level.getparent().tag in _HEADING_TAGS):
            return level.getparent()
    return None


def _ensure_document_title(root, ctx: Context, h1) -> None:
    head = root.find("head")
    if head is None:
        return
    title = head.find("title")
    if title is not None and squash(text_content(title)):
        return
    text = text_of(h1) if h1 is not None else page_model(root, ctx).title_text
    if not text:
        return
    if title is None:
        title = head.makeelement("title", {})
        title.tail = "\n"
        head.append(title)
    title.text = text
    ctx.report.note("headings", "document title derived", text[:80])


def _mark_heading(el, level: int):
    if el.tag in _ROLE_HOSTS:
        host = el
    else:
        # A td or li keeps its own role; the heading goes on a span around its content.
        host = el.makeelement("span", {"data-eldermode": "heading"})
        host.text, el.text = el.text, None
        for child in list(el):
            host.append(child)
        el.append(host)
    host.set("role", "heading")
    host.set("aria-level", str(level))
    return host


def infer_headings(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Numbered section lines of the article become headings, levels by numbering rank below the title."""
    model = page_model(root, ctx)
    if model.body is None:
        return
    scope = model.content
    if scope is None:
        return  # no article text: numbered lines elsewhere are menus and lists, not sections
    entries: list[tuple[lxml.html.HtmlElement, int | None, str, int | None]] = []
    _scan(scope, entries)
    if not any(level is None for *_, level in entries):
        return
    # Headings already in the text fix the level of their numbering rank: an author's
    # <h2>一、总则</h2> puts every （一） line at level 3.
    known: dict[int, int] = {}
    for _, rank, _, level in entries:
        if level is not None and rank is not None:
            known.setdefault(rank, level)
    previous = base = _level_before(scope, model)
    # Other ranks get the levels after the title in the order the page uses them, so a page
    # numbering only （一） still starts at the level below the title and no level is skipped.
    fresh = sorted({rank for _, rank, _, level in entries if level is None and rank not in known})
    level_of_rank = {rank: min(index + base + 1, 6) for index, rank in enumerate(fresh)}
    for el, rank, text, level in entries:
        if level is not None:
            previous = level
            continue
        smaller = [r for r in known if r < rank]
        if rank in known:
            wanted = known[rank]
        elif smaller:
            wanted = known[max(smaller)] + fresh.index(rank) + 1 - sum(1 for r in fresh if r < max(smaller))
        else:
            wanted = level_of_rank[rank]
        level = max(min(wanted, previous + 1, 6), 1)
        _mark_heading(el, level)
        previous = level
        ctx.report.note("headings", f"inferred level-{level} heading", text[:80])


def _level_before(scope, model) -> int:
    """The heading level in force where the article text starts (1 when the title precedes it)."""
    title = model.title
    if title is not None:
        return _title_level(title) or 1
    return 1


def _scan(el, entries: list) -> None:
    """Candidate lines (level None) and the headings already there (with their level), in document order."""
    for child in el:
        tag = child.tag
        if not isinstance(tag, str) or tag in _NOT_PROSE:
            continue
        level = _HEADING_TAG_LEVEL.get(tag) or (
            int_attribute(child, "aria-level", None) if child.get("role") == "heading" else None)
        if level is not None:
            entries.append((child, heading_rank(compact(text_of(child))), "", level))
            continue
        if child.get("role") or child.get("aria-level") or child.get("data-eldermode"):
            continue
        if tag == "p" or (tag == "div" and not any(g.tag in _BLOCK_CHILDREN for g in child)):
            candidate = _heading_candidate(child)
            if candidate is not None:
                entries.append((child, *candidate, None))
            continue
        _scan(child, entries)


def _heading_candidate(el) -> tuple[int, str] | None:
    raw = text_content(el)  # in C: rules out long paragraphs and unnumbered lines cheaply
    if len(raw) > 8 * _MAX_BOLD_HEADING or heading_rank(raw.lstrip(" \t\r\n\u00a0\u3000")) is None:
        return None
    text = compact(text_of(el))
    if not text or len(text) > _MAX_BOLD_HEADING:
        return None
    rank = heading_rank(text)
    if rank is None:
        return None
    bold, total = _emphasis(el)
    whole_bold = total > 0 and bold >= total - 2  # trailing punctuation is often outside the <b>
    if whole_bold:
        return rank, text
    if len(text) <= _MAX_PLAIN_HEADING and not _SENTENCE_INSIDE.search(text) and not _OPEN_ENDING.search(text):
        return rank, text
    return None


def _emphasis(el, inherited: bool = False) -> tuple[int, int]:
    """(bold characters, all characters) of the element's text."""
    bold_here = inherited or el.tag in _BOLD_TAGS or _is_bold_style(el.get("style"))
    size = len(compact(el.text))
    bold = size if bold_here else 0
    total = size
    for child in el:
        if isinstance(child.tag, str) and child.tag not in ("script", "style"):
            b, t = _emphasis(child, bold_here)
            bold += b
            total += t
        if tail_text := child.tail:
            tail = len(compact(tail_text))
            total += tail
            if bold_here:
                bold += tail
    return bold, total


def _is_bold_style(style: str | None) -> bool:
    return bool(style) and bool(_BOLD_STYLE.search(style) or _HEADING_FONT.search(style))
