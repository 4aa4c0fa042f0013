"""Links that stay where they point: a ``<base href>`` applied and removed; links to the proxied upstream made relative.

A page's ``<base href>`` moves every relative URL of the document, eldermode's own too: its
query-only mode links (``?eldermode=elder``), the skip link (``#em-main``), its assets and
endpoints (``/__eldermode/…``), which would then load from — or send the visitor to — the
base's host, or another page of this one. So the ``base`` step resolves the page's own
relative URLs against the base, as the browser would, and takes the ``href`` off the base:
the page's links, images and styles point where they did, and everything eldermode adds
resolves against the page's own URL. (A script that builds URLs from ``document.baseURI``
sees the page's URL instead; that is the price.)
"""

from __future__ import annotations

import lxml.html

from . import Context
from .urls import join_url, split_url

__all__ = ["apply_base", "relativize_upstream_links"]

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


def apply_base(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """The ``base`` step: the page's ``<base>`` applied to its own links, then removed.

    The first ``href`` is resolved against the page's URL (``<base href="../">``) and then every
    relative URL against it; a base browsers ignore (``javascript:``, ``data:``) moves nothing. The
    first ``target`` goes onto the page's links and forms that have none, so eldermode's own links
    (the skip link, the mode links) do not open new windows.
    """
    bases = list(root.iter("base"))
    if not bases:
        return
    href = next((el.get("href") for el in bases if el.get("href") is not None), None)
    target = next((el.get("target") for el in bases if el.get("target") is not None), None)
    for el in bases:
        el.drop_tree()
    if target is not None:
        for el in root.iter("a", "area", "form"):
            if el.get("target") is None:
                el.set("target", target)
    if href is None:
        return
    base = join_url(ctx.url or "/", href.strip())
    scheme = split_url(base).scheme.lower()
    if scheme not in ("", "http", "https") or (not scheme and not base.startswith("/")):
        ctx.report.note("links", "dropped a base browsers ignore", base[:80])
        return
    root.rewrite_links(lambda link: _resolved(base, link), resolve_base_href=False)
    for el in root.xpath("//img[@srcset]|//source[@srcset]"):
        el.set("srcset", ", ".join(_srcset_candidates(base, el.get("srcset"))))
    ctx.report.note("links", "applied the page's base", base[:80])


def _resolved(base: str, link: str) -> str:
    """``link`` resolved against ``base`` as a browser does (links with a scheme stay; unparseable ones too)."""
    return join_url(base, link.strip())


def _srcset_candidates(base: str, srcset: str) -> list[str]:
    """Each "URL [descriptor]" of a srcset with its URL resolved against ``base``."""
    out = []
    for candidate in srcset.split(","):
        words = candidate.split()
        if words:
            out.append(" ".join([_resolved(base, words[0]), *words[1:]]))
    return out
