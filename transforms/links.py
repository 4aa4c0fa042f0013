"""Absolute links to the proxied upstream made relative, so visitors stay on the proxy's origin."""

from __future__ import annotations

import lxml.html

from . import Context

__all__ = ["relativize_upstream_links"]

_URL_ATTRIBUTES = (("a", "href"), ("area", "href"), ("form", "action"), ("img", "src"), ("link", "href"),
                   ("script", "src"), ("iframe", "src"), ("source", "src"),
                   ("base", "href"))  # a <base> at the upstream would send /__eldermode/ requests there


def relativize_upstream_links(root: lxml.html.HtmlElement, ctx: Context) -> None:
    origins = tuple(o.lower() for o in ctx.options.rewrite_origins)
    if not origins:
        return
    # Both schemes: pages often mix http:// and https:// links to their own host.
    prefixes = {o.split("://", 1)[1] for o in origins}
    count = 0
    for tag, attribute in _URL_ATTRIBUTES:
        for el in root.iter(tag):
            value = el.get(attribute)
            if not value:
                continue
            stripped = value.strip()
            lowered = stripped.lower()
            for prefix in prefixes:
                for scheme in ("http://", "https://", "//"):
                    head = scheme + prefix
                    if lowered.startswith(head) and (len(lowered) == len(head) or lowered[len(head)] in "/?#"):
                        el.set(attribute, stripped[len(head):] or "/")
                        count += 1
                        break
                else:
                    continue
                break
    if count:
        ctx.report.note("links", "made upstream links relative", str(count))
