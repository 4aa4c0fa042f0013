"""A table's title from the page: the heading-like block right before it."""

from __future__ import annotations

import re

from .common import MARK
from .text import cell_text, has_descendant as _has_descendant, normalise_text

_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[、.．]\s*\D|表\s*\d)")


def _heading_text(el) -> str:
    """The text of ``el`` if it reads like a heading for the table that follows it, else ""."""
    if not isinstance(el.tag, str) or el.get(MARK) is not None:
        return ""
    text = cell_text(el)
    if not text or len(text) > 60 or _has_descendant(el, ("table",)):
        return ""
    if el.tag in _HEADING_TAGS:
        return text
    if el.tag not in ("p", "div", "strong", "b", "span", "font", "center"):
        return ""
    bold = el.tag in ("strong", "b") or _has_descendant(el, ("strong", "b"))
    return _titles(text, bold)


def _titles(text: str, bold: bool = False) -> str:
    """``text`` when it reads like a table's title (numbered or bold, not a sentence), else ""."""
    if not text or text[-1] in "。；;，,":
        return ""
    return text if (_NUMBERED.match(text) or bold) else ""


def _loose_title(el) -> str:
    """The text standing loose right before ``el`` (a report whose text sits in <body> between its tables:
    ``二、…情况<br><table>``), when it reads like a title. The same text once 朗读 wrapped it in a span is
    that span, found by :func:`previous_element`, so a page rewritten twice gets the same caption."""
    prev = el.getprevious()
    parent = el.getparent()
    loose = prev.tail if prev is not None else (parent.text if parent is not None else None)
    text = normalise_text(loose or "")
    return _titles(text) if len(text) <= 60 else ""


def previous_element(el):
    """The element before ``el``, skipping comments and elements without text (a table counts)."""
    prev = el.getprevious()
    while prev is not None and (not isinstance(prev.tag, str) or (not cell_text(prev) and prev.tag != "table")):
        prev = prev.getprevious()
    return prev


def caption_from_page(table_el) -> str:
    """The heading right before the table (climbing out of wrappers the table opens), or ""."""
    el = table_el
    for _ in range(4):
        loose = _loose_title(el)
        if loose:
            return loose
        prev = previous_element(el)
        if prev is not None:
            text = _heading_text(prev)
            # <div><p>…</p><p>三、…情况</p></div><table>: the heading is the wrapper's last block.
            for _ in range(3):
                if text or prev.tag not in ("div", "section", "article") or not len(prev):
                    break
                prev = prev[-1]
                while prev is not None and not isinstance(prev.tag, str):
                    prev = prev.getprevious()
                if prev is None:
                    break
                text = _heading_text(prev)
            return text
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "td", "th"):
            return ""
        el = parent
    return ""
