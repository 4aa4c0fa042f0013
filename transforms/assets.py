"""Links from the page to eldermode's own stylesheet and the profile marks that CSS keys on."""

from __future__ import annotations

import lxml.html

from . import Context

__all__ = ["asset_url", "link_asset", "link_elder_assets", "link_mode_stylesheet", "mark_profile"]


def asset_url(ctx: Context, name: str) -> str:
    return f"{ctx.options.prefix}assets/{name}?v={ctx.options.asset_version}"


def link_asset(root: lxml.html.HtmlElement, ctx: Context, name: str, mark: str, **extra: str):
    """Link one of eldermode's assets last in ``<head>``, once: a stylesheet for ``.css``, a deferred
    script for ``.js`` (never inline code). Marked ``data-eldermode=mark``; returns the new element,
    or None when it was there already."""
    head = root.find("head")
    if head is None:
        head = root.makeelement("head", {})
        root.insert(0, head)
    tag = "script" if name.endswith(".js") else "link"
    if head.find(f"{tag}[@data-eldermode='{mark}']") is not None:
        return None
    url = asset_url(ctx, name)
    attrib = {"src": url, "defer": ""} if tag == "script" else {"rel": "stylesheet", "href": url}
    attrib["data-eldermode"] = mark
    attrib.update(extra)
    element = head.makeelement(tag, attrib)
    element.tail = "\n"
    head.append(element)
    return element


def mark_profile(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """``data-em-*`` attributes on ``<html>`` naming the visitor's choices, for the mode stylesheet."""
    p = ctx.profile
    for name, value in (("mode", p.mode), ("text", p.text), ("contrast", p.contrast),
                        ("spacing", p.spacing), ("cursor", p.cursor), ("guide", p.guide)):
        root.set(f"data-em-{name}", value)


def link_mode_stylesheet(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Append ``<link rel=stylesheet>`` to eldermode's stylesheet last in ``<head>``, so it wins the cascade."""
    link_asset(root, ctx, "eldermode.css", "stylesheet")


# Elder-mode and toolbar assets, in the order they must cascade (after the mode stylesheet).
# elder.css is linked in every active mode: its rules are scoped to elder mode except the
# prefers-reduced-motion block, which calms pages in every mode.
_ELDER_ASSETS = (("elder.css", "elder-css"), ("toolbar.css", "toolbar-css"))


def link_elder_assets(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Link elder.css and the toolbar's CSS (last in ``<head>``) and its script (deferred, no inline code)."""
    for name, mark in _ELDER_ASSETS:
        link_asset(root, ctx, name, mark)
    link_asset(root, ctx, "toolbar.js", "toolbar-js")
