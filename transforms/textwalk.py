"""The one walk over a page's text: which tags hold no text, which break a line, and the walk itself.

Language detection, the access transforms, headings, speech, the text view and
the tables all read text out of the tree. They differ only in what they leave
out and what they do at a line break, so they share one walker (``walk``) and
one set of tag tables, and each says which groups it skips.
"""

from __future__ import annotations

from typing import Callable, Iterator

import lxml.html
from lxml import etree

__all__ = [
    "BLOCK",
    "CONTROLS",
    "EMBEDDED",
    "GRAPHICS",
    "HEADING_LEVEL",
    "INLINE",
    "NOT_RENDERED",
    "compact",
    "has_text",
    "squash",
    "text_content",
    "text_of",
    "walk",
]

# Never shown as text: scripts, styles, metadata, templates (and <noscript>: eldermode's pages run scripts).
NOT_RENDERED = frozenset({"script", "style", "noscript", "template", "head", "title", "meta", "link"})
# Replaced content: what is written inside is a fallback the visitor does not see.
EMBEDDED = frozenset({"iframe", "frame", "object", "embed", "canvas", "video", "audio"})
# Drawn content and image maps: no running text to read.
GRAPHICS = frozenset({"svg", "math", "map", "area"})
# Form controls: their text is a value or options, not the page's prose.
CONTROLS = frozenset({"input", "select", "textarea", "button"})
# Elements that start a new line (HTML's block-level and table elements): text never runs across them.
BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "caption", "center", "dd", "details", "dialog", "dir", "div", "dl",
    "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hgroup", "hr", "li", "main", "menu", "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "ul",
})
# Phrasing elements: their text joins the line around them.
INLINE = frozenset({
    "a", "abbr", "acronym", "b", "bdi", "bdo", "big", "cite", "code", "data", "del", "dfn", "em", "font", "i",
    "ins", "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strike", "strong", "sub", "sup", "time",
    "tt", "u", "var", "wbr",
})
HEADING_LEVEL = {f"h{i}": i for i in range(1, 7)}

# What text_of leaves out: whatever is not shown as the element's own text.
_NOT_TEXT = NOT_RENDERED | EMBEDDED | {"textarea"}


# squash and compact split at whitespace in C: ``str.split()`` splits at exactly what ``\s`` matches
# (U+00A0 and U+3000 included), and zero-width spaces and BOMs count as spaces too. Three to four
# times faster than a regular expression over Chinese text, and the access steps call them thousands
# of times a page.


def squash(text: str | None) -> str:
    """Whitespace (including U+00A0 and U+3000) collapsed to single spaces, trimmed."""
    return " ".join((text or "").replace("\u200b", " ").replace("\ufeff", " ").split())


def compact(text: str | None) -> str:
    """Text with every kind of whitespace removed: how CJK text is compared."""
    return "".join((text or "").replace("\u200b", " ").replace("\ufeff", " ").split())


def has_text(text: str | None) -> bool:
    """Whether ``compact(text)`` is non-empty, decided at the first character that is not whitespace
    instead of splitting the whole text (a block's text_content can be a whole article)."""
    rest = (text or "").lstrip()
    if not rest:
        return False
    return rest[0] not in "\u200b\ufeff" or bool(compact(rest))


def walk(
    el,
    skip: frozenset = _NOT_TEXT,
    keep: Callable[[object], bool] | None = None,
    blocks: frozenset | None = None,
    images: bool = False,
) -> Iterator[tuple[object, str, str]]:
    """The text under ``el`` in document order, as ``(node, kind, string)``.

    ``kind`` is "text" (``node.text``), "tail" (``node.tail``), "br" (string "\\n"),
    "img" (its ``alt``, only when ``images``), and "open"/"close" (string "\\n")
    around elements whose tag is in ``blocks``. Elements whose tag is in ``skip``,
    and those ``keep`` refuses, are not entered; their tails still count (they
    belong to the parent). Comments count only for their tail. Iterative, so a
    caller may stop early and deep pages cannot overflow the stack.
    """
    # (each reading of .text or .tail makes a new string: each is read once)
    if (text := el.text) and el.tag not in skip:
        yield el, "text", text
    # Children as lists (``el[:]``, one call in C) rather than lxml's child iterators, whose making costs
    # as much as the list; an element without children is done where it is met, never stacked.
    stack: list[tuple] = [(iter(el[:]), None)]
    while stack:
        children, owner = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            if owner is not None:
                if blocks is not None and owner.tag in blocks:
                    yield owner, "close", "\n"
                if tail := owner.tail:
                    yield owner, "tail", tail
            continue
        tag = child.tag
        if isinstance(tag, str) and tag not in skip and (keep is None or keep(child)):
            if tag == "br":
                yield child, "br", "\n"
            elif images and tag == "img":
                yield child, "img", child.get("alt") or ""
            else:
                block = blocks is not None and tag in blocks
                if block:
                    yield child, "open", "\n"
                if text := child.text:
                    yield child, "text", text
                if len(child):
                    stack.append((iter(child[:]), child))
                    continue
                if block:
                    yield child, "close", "\n"
        if tail := child.tail:
            yield child, "tail", tail


def text_of(el: lxml.html.HtmlElement) -> str:
    """The element's visible text (scripts and styles left out), whitespace collapsed; ``<br>`` is a space."""
    return squash("".join(" " if kind == "br" else s for _, kind, s in walk(el)))


def text_content(el) -> str:
    """``el.text_content()``: all the text below ``el`` (comments and its tail left out), written out in C by
    libxml2's text serialiser; lxml.html's method evaluates XPath's string() from Python, 1.7 times the
    instructions (9.6 K against 5.6 K a paragraph, callgrind)."""
    text = etree.tostring(el, method="text", encoding=str, with_tail=False)
    return text
