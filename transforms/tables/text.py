"""Cell text as a listener hears it (through the shared :mod:`..textwalk`, CJK joined), and what kind of value it is."""

from __future__ import annotations

import re
from functools import lru_cache

from lxml import etree

from ..textwalk import BLOCK, walk
from .common import MARK

SPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"  # CJK, its punctuation, fullwidth forms
SPACE_BETWEEN_WIDE = re.compile(f"(?<=[{_WIDE}]) (?=[{_WIDE}])")


# Cells repeat their short texts ("0", "—", 本年新制作数量): those are normalised once. Long texts (a Word
# cell can hold kilobytes) are not cached, so the caches, shared by every thread for a worker's life, stay small.
_CACHED_LENGTH = 64


def normalise_text(raw: str) -> str:
    """:func:`_normalise_text`, cached for short texts."""
    return _normalise_cached(raw) if len(raw) <= _CACHED_LENGTH else _normalise_text(raw)


def _normalise_text(raw: str) -> str:
    """Whitespace (with U+00A0, U+3000) collapsed; removed entirely between two CJK characters.

    Report cells split one phrase across several ``<p>`` with ``&nbsp;`` runs in
    between ("三、本 … 年度办 … 理结果"); joined they must read "三、本年度办理结果".
    """
    if not raw:
        return ""
    text = SPACE.sub(" ", raw).strip(" ")
    return SPACE_BETWEEN_WIDE.sub("", text) if " " in text else text


_normalise_cached = lru_cache(maxsize=4096)(_normalise_text)


def _not_ours(el) -> bool:
    return el.get(MARK) is None  # eldermode's own nodes (captions it wrote, readings) are not the cell's text


_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_SPECIAL = ("img", "script", "style", "noscript", "template", "input", "select", "textarea", "button")
_MARKED = etree.XPath("boolean(descendant::*/@data-eldermode)")  # three times faster than a predicate
_tostring = etree.tostring


def plain_text_only(el) -> bool:
    """No descendant whose text needs care (image alt, scripts, form controls, eldermode's own nodes)."""
    return next(el.iterdescendants(*_SPECIAL), None) is None and not _MARKED(el)


def _single_chain(el) -> bool:
    """Each element holds at most one child (td > p > span > text): no block boundary inside the text."""
    node = el
    while True:
        n = len(node)
        if n == 0:
            return True
        if n > 1:
            return False
        text = node.text
        child = node[0]
        tail = child.tail
        if (text and not text.isspace()) or (tail and not tail.isspace()):
            return False
        node = child


def cell_text(el, plain: bool = False) -> str:
    """The text a listener should hear for an element: blocks separated, CJK joined, ``alt`` of images.

    ``plain``: the caller checked :func:`plain_text_only` on an ancestor. Then text without Latin
    letters or digits needs no block separators (spaces between CJK characters go anyway), and
    lxml's C serialiser gives it ten times faster than a walk.
    """
    if plain:
        raw = _tostring(el, method="text", encoding="unicode", with_tail=False)
        # One visible character cannot be split by a block boundary; otherwise look at the structure.
        if len(raw) < 2 or not _ASCII_WORD.search(raw) or _single_chain(el):
            return normalise_text(raw)
    # The project's one text walker: blocks and <br> break the text, images give their alt.
    return normalise_text("".join(s for _, _, s in walk(el, keep=_not_ours, blocks=BLOCK, images=True)))


_NUMBER = re.compile(
    r"[+\-−－]?(?:[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?|[.．][0-9０-９]+)\s*"
    r"(?:%|％|‰|[万亿千百]?(?:元|件|个|人次|人|次|项|户|份|条|家|天|日|名|篇|宗|起|所|辆|吨|亩|平方米|公里)?)"
)
_NULLISH = frozenset({"-", "—", "——", "－", "/", "／", "…", "……", "n/a", "N/A", "×", "—/—"})


def kind_of(text: str) -> str:
    """:func:`_kind_of`, cached for short texts."""
    return _kind_cached(text) if len(text) <= _CACHED_LENGTH else _kind_of(text)


def _kind_of(text: str) -> str:
    """``blank``, ``num`` (a number, a percentage, an amount, or a dash standing for none) or ``text``."""
    if not text:
        return "blank"
    if text in _NULLISH or _NUMBER.fullmatch(text):
        return "num"
    return "text"


_kind_cached = lru_cache(maxsize=4096)(_kind_of)


def has_descendant(el, tags) -> bool:
    for _ in el.iterdescendants(*tags):
        return True
    return False
