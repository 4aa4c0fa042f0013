"""Thousands of new elements at once (a data table's reading cards): written as markup and parsed by libxml2.

Made one by one from Python, each element costs a Python proxy, lxml.html's class lookup (a
Python call) and a check of its tag or attribute names; parsed, none of that happens. The tree
parsed is the one the one-by-one calls would have made: same tags, attributes and text nodes.
"""

from __future__ import annotations

from collections.abc import Iterable

from lxml import etree

__all__ = ["escaper", "parse_element"]

def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")


def escaper(texts: Iterable[str]):
    """The escape for XML text content ``texts`` need: ``str`` itself (nothing to change, the common case,
    found with a search over them all for each character to escape) or a real one."""
    joined = "".join(texts)
    # Markup characters, and a carriage return (the parser would turn it into a line feed; lxml's text setter
    # keeps it). (Four searches for one character each are a fraction of one regular expression's.)
    return _escape if "&" in joined or "<" in joined or ">" in joined or "\r" in joined else str


def parse_element(markup: str):
    """The element ``markup`` writes (one element with its content), in a document of its own: append it
    where it belongs. Its texts must be escaped (:func:`escaper`); an empty text is no text node."""
    return etree.fromstring(markup.encode("utf-8"))
