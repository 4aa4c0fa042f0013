"""Less noise for the ear in 无障碍 mode: floating ads removed, "|" separators hidden from the reader.

A floating ad or 飘窗 is not a part of the page a listener can use: it is
removed in access mode (elder mode's calm step already removes it there), never
made a landmark. The "|", "｜", "·" and "/" printed between navigation links
are drawn for the eye; a screen reader reads each one aloud, so they are
wrapped in (or marked) ``aria-hidden="true"`` and still shown.
"""

from __future__ import annotations

import re

import lxml.html

from . import Context
from .markup import describe

__all__ = ["drop_floating_ads", "hide_separators"]

_SEPARATOR = re.compile(r"^[\s\u00a0\u3000]*[|｜丨/·•]+[\s\u00a0\u3000]*$")
# Elements a lone separator may sit in (a list item or a span between links).
_SEPARATOR_HOSTS = ("li", "span", "em", "i", "font", "b")


def drop_floating_ads(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Remove what the calm step marked as a floating ad (access mode only)."""
    if ctx.profile.mode != "access":
        return
    body = root.find("body")
    if body is None:
        return
    for el in list(body.iterfind(".//*[@data-em-calm='float']")):
        if el.getparent() is not None:
            el.drop_tree()
            ctx.report.note("calm", "removed floating ad", describe(el))


def hide_separators(root: lxml.html.HtmlElement, ctx: Context) -> None:
    body = root.find("body")
    if body is None:
        return
    hidden = 0
    for el in list(body.iter(*_SEPARATOR_HOSTS)):
        if len(el) == 0 and el.text and _SEPARATOR.match(el.text) and el.get("aria-hidden") is None:
            el.set("aria-hidden", "true")
            hidden += 1
    # Separators as bare text between links: <a>…</a> | <a>…</a>
    for a in list(body.iter("a")):
        tail = a.tail
        following = a.getnext()
        if tail and _SEPARATOR.match(tail) and following is not None and following.tag == "a":
            span = a.makeelement("span", {"aria-hidden": "true", "data-eldermode": "separator"})
            span.text = tail
            a.tail = None
            a.addnext(span)
            hidden += 1
    if hidden:
        ctx.report.note("quiet", "separators hidden from screen readers", str(hidden))
