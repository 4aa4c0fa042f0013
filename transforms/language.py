"""The page language: ``lang`` on ``<html>`` inferred from the text when the author left it out or got it wrong."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from . import Context
from .textwalk import EMBEDDED, NOT_RENDERED, walk

__all__ = ["detect_language", "set_lang"]

# Han characters are U+3400–U+4DBF, U+4E00–U+9FFF and U+F900–U+FAFF: counted by their UTF-16 high byte, in C (the
# regular expression this replaced tested every character in Python's matcher: ~0.4 M instructions for the
# 2,000 characters read). Every high byte but 0x4D falls wholly in or out; 0x4D (U+4D00–U+4DFF: Han up to
# U+4DBF, then the Yijing hexagrams) is counted by code point, when there is one.
_NOT_HAN_HIGH = bytes(b for b in range(256) if not (0x34 <= b <= 0x4C or 0x4E <= b <= 0x9F or b in (0xF9, 0xFA)))
# ASCII letters become "a", everything else a space, so the words are the runs of letters (non-ASCII characters
# are one "?" each first).
_LETTERS = bytes(ord("a") if chr(b).isascii() and chr(b).isalpha() else ord(" ") for b in range(256))


def _han_count(text: str) -> int:
    """How many Han characters ``text`` holds."""
    high = text.encode("utf-16-be", "surrogatepass")[::2]
    count = len(high.translate(None, _NOT_HAN_HIGH))
    if 0x4D in high:
        count += sum(1 for ch in text if "\u4d00" <= ch <= "\u4dbf")
    return count


def _latin_words(text: str) -> int:
    """How many runs of two or more ASCII letters ``text`` holds (what ``[A-Za-z]{2,}`` finds)."""
    return sum(1 for word in text.encode("ascii", "replace").translate(_LETTERS).split() if len(word) > 1)


# The page's own prose: not scripts, styles or embedded fallbacks, and nothing eldermode injected.
_NOT_TEXT = NOT_RENDERED | EMBEDDED


_MARKED = etree.XPath("boolean(descendant-or-self::*/@data-eldermode)")
_ALL_TEXT = etree.XPath("string()")


def _own(el) -> bool:
    return el.get("data-eldermode") is None


def visible_text(root: lxml.html.HtmlElement, limit: int = 2000) -> str:
    """The page's own text (not scripts, styles or what eldermode injected), up to ``limit`` characters.

    Walks in document order and stops at the limit: the first few thousand characters
    decide the language, and the rest of a large page is never visited.
    """
    body = root.find("body")
    start = body if body is not None else root
    if next(start.iter(*_NOT_TEXT), None) is None and not _MARKED(start):
        # Nothing to leave out (a table page's thousands of cells): all its text is the page's own, read in C.
        return _ALL_TEXT(start)[:limit]
    pieces: list[str] = []
    size = 0
    for _, kind, text in walk(start, skip=_NOT_TEXT, keep=_own):
        if kind == "br":
            continue
        pieces.append(text)
        size += len(text)
        if size >= limit:
            break
    return "".join(pieces)[:limit]


def detect_language(text: str) -> str:
    """``zh-CN`` when Han characters make up a real share of the text, else ``en`` (or "")."""
    han = _han_count(text)
    latin = _latin_words(text)
    if han >= 4 and han >= latin:
        return "zh-CN"
    if latin >= 10:
        return "en"
    return ""


_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\u31f0-\u31ff\u1100-\u11ff\uac00-\ud7af]")


def is_plainly_chinese(text: str) -> bool:
    """Hundreds of Han characters, next to no Latin words and no kana or Hangul (Japanese, Korean): Chinese."""
    han = _han_count(text)
    return han >= 200 and _latin_words(text) * 10 <= han and not _KANA_HANGUL.search(text)


def set_lang(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """The ``lang`` step: ``ctx.lang`` from ``<html lang>``, else inferred from the text and written there.

    A declared ``en`` is corrected when the text is plainly Chinese: templates ship with ``lang="en"``,
    and a screen reader then reads the whole page with an English voice. Any other declared language
    (ja, yue, zh-Hant …) is the author's word.
    A Context made with a language keeps it (the tables' ``lang=`` override: labels in that language).
    """
    if ctx.lang:
        return
    declared = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    if declared:
        if declared.lower().partition("-")[0] == "en" and is_plainly_chinese(visible_text(root)):
            root.set("lang", "zh-CN")
            ctx.lang = "zh-CN"
            ctx.report.note("lang", "corrected page language", f"{declared} → zh-CN")
        else:
            ctx.lang = declared
        return
    lang = detect_language(visible_text(root))
    if lang:
        root.set("lang", lang)
        ctx.lang = lang
        ctx.report.note("lang", "set page language", lang)
