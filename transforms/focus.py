"""Keyboard focus the page took away, given back: outline removal, blur-on-focus, positive tabindex.

Old CMS templates hide the focus ring (``outline:none``, IE's ``hidefocus``,
``onfocus="this.blur()"``) and scramble tab order with ``tabindex="5"``. Those
leave keyboard users lost. The visible focus style itself lives in
``middleware/assets/access.css``; this transform removes what would defeat it.
"""

from __future__ import annotations

import re

import lxml.html

from . import Context
from .markup import describe, int_attribute
from .pagemodel import page_model
from .assets import link_asset

__all__ = ["link_access_assets", "restore_focus"]

_NO_OUTLINE = re.compile(r"(?<![-\w])outline(?:-style|-width)?\s*:\s*(?:none|0(?:px)?)\s*(?:!\s*important\s*)?(?:;|(?=\})|$)", re.I)
_BLUR = re.compile(r"\bblur\s*\(", re.I)


def restore_focus(root: lxml.html.HtmlElement, ctx: Context) -> None:
    model = page_model(root, ctx)
    head = root.find("head")
    sheets = list(head.iter("style")) if head is not None else []
    sheets.extend(model.tags("style"))
    for style in sheets:
        if style.text and "outline" in style.text:
            cleaned, count = _NO_OUTLINE.subn("", style.text)
            if count:
                style.text = cleaned
                ctx.report.note("focus", "removed outline:none from page stylesheet", f"{count} declarations")
    # Only focusable elements show a focus ring; an outline rule on a wrapper never hides one.
    for el in model.tags("a", "input", "button", "select", "textarea", "area", "iframe", "summary"):
        attrs = el.attrib
        if "hidefocus" in attrs:
            del attrs["hidefocus"]
            ctx.report.note("focus", "removed hidefocus", describe(el))
        onfocus = attrs.get("onfocus")
        if onfocus and _BLUR.search(onfocus):
            del attrs["onfocus"]
            ctx.report.note("focus", "removed blur-on-focus", describe(el))
        if (int_attribute(el, "tabindex", 0) or 0) > 0:
            attrs["tabindex"] = "0"
            ctx.report.note("focus", "positive tabindex reset to 0", describe(el))
        style = attrs.get("style")
        if style and "outline" in style:
            cleaned, count = _NO_OUTLINE.subn("", style)
            if count:
                attrs["style"] = cleaned.strip()
                ctx.report.note("focus", "removed inline outline:none", describe(el))


def link_access_assets(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Link access.css (skip link, focus ring) and access.js (keys for pseudo-buttons, contrast) last in ``<head>``."""
    link_asset(root, ctx, "access.css", "access-css")
    link_asset(root, ctx, "access.js", "access-js")
