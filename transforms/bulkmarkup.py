"""Thousands of new elements at once (a table's linear reading and cards): written as UTF-8 markup, parsed by libxml2 when needed.

The markup is kept as bytes until the page is written (transforms/deferred.py); parsed only for a reader that
needs the elements. Made one by one from Python, each element costs a call into lxml, a Python proxy object made
and freed, and a second call to set its text (about 5,500 instructions for a short ``<dd>``); parsed, about 3,000,
and no Python object but the root. The tree parsed is the one the one-by-one calls would have made: same tags,
attributes and text nodes (an empty text aside: see :func:`parse_element`).
Not for long CJK texts: libxml2 decodes those character by character, dearer than lxml's setter.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

__all__ = ["escaper", "parse_element", "utf8"]

def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def escaper(texts: Iterable[str]):
    """The escape for XML text content ``texts`` need: ``str`` itself (nothing to change, the common case,
    found with a search over them all for each character to escape) or a real one."""
    joined = "".join(texts)
    # Markup characters, and a carriage return (the parser would turn it into a line feed; lxml's text setter
    # keeps it). (Four searches for one character each are a fraction of one regular expression's.)
    return _escape if "&" in joined or "<" in joined or ">" in joined or "\r" in joined else str


def utf8(texts: list[str]) -> list[bytes]:
    """``texts`` in UTF-8, for markup written as bytes: joined by NUL, encoded and split again in C (an
    ``encode`` call a text cost three times more); one by one when a text holds a NUL."""
    out = "\0".join(texts).encode("utf-8").split(b"\0")
    return out if len(out) == len(texts) else [text.encode("utf-8") for text in texts]


def parse_element(markup: bytes):
    """The element ``markup`` (UTF-8) writes (one element with its content), in a document of its own: append
    it where it belongs. Its texts must be escaped (:func:`escaper`); an empty text is no text node."""
    # huge_tree: libxml2 refuses a text node past 10 MB of UTF-8 (3.4 million Chinese characters) otherwise, and
    # lxml's text setter has no such limit: a pasted document in one cell would have cost the page its cards.
    # (A parser per call: lxml parsers are not safe to share between threads.)
    return etree.fromstring(markup, etree.XMLParser(huge_tree=True))
