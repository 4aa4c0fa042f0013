"""Links from the page to eldermode's own stylesheet and the profile marks that CSS keys on."""

from __future__ import annotations

import lxml.html

from . import Context

__all__ = ["link_mode_stylesheet", "mark_profile"]


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
