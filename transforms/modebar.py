"""The mode switch on rewritten pages: the 长者模式 · 无障碍 · 原版 bar, and the mode links everything shares.

They are plain links (``?eldermode=elder`` …) so they work with JavaScript off; the elder-mode
toolbar and the entry link of original pages (:mod:`.entry`) build on the same links.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

import lxml.html

from . import Context
from .profile import MENU_MODES

__all__ = ["MODE_LABELS", "PARAM", "inject_modebar", "labels_for", "mode_href"]

PARAM = "eldermode"

MODE_LABELS = {
    "zh": {"elder": "长者模式", "access": "无障碍", "off": "原版", "bar": "浏览模式"},
    "en": {"elder": "Elder mode", "access": "Accessible", "off": "Original", "bar": "Viewing mode"},
}


def labels_for(lang: str) -> dict[str, str]:
    return MODE_LABELS["en" if lang.lower().startswith("en") else "zh"]


def mode_href(url: str, **params: str) -> str:
    """A query-only link (``?…``) to the current page with eldermode parameters set.

    Query-only, so it can never point at another host whatever path was requested.
    """
    query = [(k, v) for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True) if not k.startswith(PARAM)]
    for name, value in params.items():
        query.append((PARAM if name == "mode" else f"{PARAM}-{name}", value))
    return "?" + urlencode(query)


def inject_modebar(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Put the 长者模式 · 无障碍 · 原版 bar first in ``<body>``, in normal flow."""
    body = root.find("body")
    if body is None or ctx.data.get("framed"):
        return  # no bar inside a frame: the page around it has one
    # Both bars are direct children of <body>, so only its children need looking at.
    for child in body:
        if child.get("data-eldermode") in ("modebar", "toolbar"):
            return  # already there, or the full toolbar carries the mode links
    text = labels_for(ctx.lang)
    nav = body.makeelement("nav", {"class": "em-modebar", "data-eldermode": "modebar", "aria-label": text["bar"]})
    ul = nav.makeelement("ul", {})
    nav.append(ul)
    for mode in MENU_MODES:
        li = ul.makeelement("li", {})
        a = li.makeelement("a", {"href": mode_href(ctx.url, mode=mode)})
        a.text = text[mode]
        if mode == ctx.profile.mode:
            a.set("aria-current", "true")
        li.append(a)
        ul.append(li)
    nav.tail = body.text
    body.text = "\n"
    body.insert(0, nav)
    ctx.report.note("modebar", "added mode bar")
