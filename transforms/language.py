"""The page language: ``lang`` on ``<html>`` inferred from the text when the author left it out."""

from __future__ import annotations

import re

import lxml.html

from . import Context

__all__ = ["detect_language", "set_lang"]

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
_SKIP = frozenset({"script", "style", "noscript", "template"})


def visible_text(root: lxml.html.HtmlElement, limit: int = 20000) -> str:
    """Text of the page outside scripts and styles, up to ``limit`` characters."""
    pieces: list[str] = []
    size = 0
    body = root.find("body")
    for el in (body if body is not None else root).iter():
        if not isinstance(el.tag, str) or el.tag in _SKIP:
            if el.tail:
                pieces.append(el.tail)
            continue
        for text in (el.text, el.tail):
            if text:
                pieces.append(text)
                size += len(text)
        if size > limit:
            break
    return "".join(pieces)[:limit]


def detect_language(text: str) -> str:
    """``zh-CN`` when Han characters make up a real share of the text, else ``en`` (or "")."""
    han = len(_HAN.findall(text))
    latin = len(_LATIN_WORD.findall(text))
    if han >= 10 and han >= latin:
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
