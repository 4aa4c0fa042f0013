"""The page language: ``lang`` on ``<html>`` inferred from the text when the author left it out."""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from . import Context

__all__ = ["detect_language", "set_lang"]

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


_TEXT = etree.XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript or ancestor::template"
    " or ancestor::*[@data-eldermode])]"
)


def visible_text(root: lxml.html.HtmlElement, limit: int = 20000) -> str:
    """The page's own text (not scripts, styles or what eldermode injected), up to ``limit`` characters."""
    pieces: list[str] = []
    size = 0
    for text in _TEXT(root):
        pieces.append(text)
        size += len(text)
        if size > limit:
            break
    return "".join(pieces)[:limit]


def detect_language(text: str) -> str:
    """``zh-CN`` when Han characters make up a real share of the text, else ``en`` (or "")."""
    han = len(_HAN.findall(text))
    latin = len(_LATIN_WORD.findall(text))
    if han >= 4 and han >= latin:
        return "zh-CN"
    if latin >= 10:
        return "en"
    return ""


def set_lang(root: lxml.html.HtmlElement, ctx: Context) -> None:
    declared = (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    if declared:
        ctx.lang = declared
        return
    lang = detect_language(visible_text(root))
    if lang:
        root.set("lang", lang)
        ctx.lang = lang
        ctx.report.note("lang", "set page language", lang)
