"""Links from the page to eldermode's own stylesheet and the profile marks that CSS keys on."""

from __future__ import annotations

import lxml.html

from . import Context

__all__ = ["link_elder_assets", "link_mode_stylesheet", "mark_profile"]


def asset_url(ctx: Context, name: str) -> str:
    return f"{ctx.options.prefix}assets/{name}?v={ctx.options.asset_version}"


def mark_profile(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """``data-em-*`` attributes on ``<html>`` naming the visitor's choices, for the mode stylesheet."""
    p = ctx.profile
    for name, value in (("mode", p.mode), ("text", p.text), ("contrast", p.contrast),
                        ("spacing", p.spacing), ("cursor", p.cursor), ("guide", p.guide)):
        root.set(f"data-em-{name}", value)


def link_mode_stylesheet(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Append ``<link rel=stylesheet>`` to eldermode's stylesheet last in ``<head>``, so it wins the cascade."""
    head = root.find("head")
    if head is None:
        head = root.makeelement("head", {})
        root.insert(0, head)
    if head.find("link[@data-eldermode='stylesheet']") is not None:
        return
    link = head.makeelement(
        "link", {"rel": "stylesheet", "href": asset_url(ctx, "eldermode.css"), "data-eldermode": "stylesheet"}
    )
    link.tail = "\n"
    head.append(link)


# Elder-mode and toolbar assets, in the order they must cascade (after the mode stylesheet).
# elder.css is linked in every active mode: its rules are scoped to elder mode except the
# prefers-reduced-motion block, which calms pages in every mode.
_ELDER_ASSETS = (("elder.css", "elder-css"), ("toolbar.css", "toolbar-css"))


def link_elder_assets(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Link elder.css and the toolbar's CSS (last in ``<head>``) and its script (deferred, no inline code)."""
    head = root.find("head")
    if head is None:
        head = root.makeelement("head", {})
        root.insert(0, head)
    for name, mark in _ELDER_ASSETS:
        if head.find(f"link[@data-eldermode='{mark}']") is None:
            link = head.makeelement("link", {"rel": "stylesheet", "href": asset_url(ctx, name), "data-eldermode": mark})
            link.tail = "\n"
            head.append(link)
    if head.find("script[@data-eldermode='toolbar-js']") is None:
        script = head.makeelement("script", {"src": asset_url(ctx, "toolbar.js"), "defer": "", "data-eldermode": "toolbar-js"})
        script.tail = "\n"
        head.append(script)
