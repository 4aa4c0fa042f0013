"""Less noise for the ear in 无障碍 mode: floating ads removed, "|" separators hidden from the reader.

A floating ad or 飘窗 is not a part of the page a listener can use: it is
removed in access mode (elder mode's calm step already removes it there), never
made a landmark. The "|", "｜", "·" and "/" printed between navigation links
are drawn for the eye; a screen reader reads each one aloud. Each moves into a
``data-em-sep`` attribute that access.css draws as generated content with an
empty text alternative (``content: attr(data-em-sep) / ""``): still shown, never
read, and — unlike ``aria-hidden`` — no hole that splits the block it sits in.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from . import Context
from .markup import describe, without_generated

__all__ = ["drop_floating_ads", "hide_separators"]

_SEPARATOR = re.compile(r"^[\s\u00a0\u3000]*[|｜丨/·•]+[\s\u00a0\u3000]*$")
# Elements a lone separator may sit in (a list item or a span between links).
_SPACES = " \t\r\n\u00a0\u3000"
_SEPARATOR_HOSTS = ("li", "span", "em", "i", "font", "b")


def _drawn(text: str) -> str:
    """The separator as it is drawn: its mark, with one space on each side that had any."""
    mark = text.strip(_SPACES)
    return (" " if text[:1] in _SPACES else "") + mark + (" " if text[-1:] in _SPACES else "")


# Attribute nodes, found in C: the ElementPath predicate this replaced tested every element in Python.
_CALM_MARKS = etree.XPath("descendant::*/@data-em-calm")


def drop_floating_ads(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Remove what the calm step marked as a floating ad (access mode only)."""
    if ctx.profile.mode != "access":
        return
    body = root.find("body")
    if body is None:
        return
    with without_generated(body, ctx):  # the readings and cards are made after the calm step: never marked
        floats = [value.getparent() for value in _CALM_MARKS(body) if value == "float"]
    for el in floats:
        if el.getparent() is not None:
            el.drop_tree()
            ctx.report.note("calm", "removed floating ad", describe(el))


def hide_separators(root: lxml.html.HtmlElement, ctx: Context) -> None:
    body = root.find("body")
    if body is None:
        return
    with without_generated(body, ctx):  # the readings and cards hold the table's own text
        hidden = _hide(body)
    if hidden:
        ctx.report.note("quiet", "separators hidden from screen readers", str(hidden))


def _hide(body) -> int:
    hidden = 0
    for el in list(body.iter(*_SEPARATOR_HOSTS)):
        # (each reading of .text makes a new string: read once)
        if len(el) == 0 and (text := el.text) and _SEPARATOR.match(text) and el.get("data-em-sep") is None:
            el.set("data-em-sep", _drawn(text))
            el.text = None
            hidden += 1
    # Separators as bare text between links: <a>…</a> | <a>…</a>
    for a in list(body.iter("a")):
        tail = a.tail
        following = a.getnext()
        if tail and _SEPARATOR.match(tail) and following is not None and following.tag == "a":
            span = a.makeelement("span", {"data-em-sep": _drawn(tail), "data-eldermode": "separator"})
            a.tail = None
            a.addnext(span)
            hidden += 1
    return hidden
