"""URL splitting and joining that never raise: author hrefs are often not URLs at all."""

from __future__ import annotations

from urllib.parse import SplitResult, urljoin, urlsplit

__all__ = ["join_url", "split_url"]

_NO_URL = SplitResult("", "", "", "", "")


def split_url(url: str | None) -> SplitResult:
    """``urlsplit`` that never raises: author hrefs like ``http://[x`` read as an empty URL."""
    try:
        return urlsplit(url or "")
    except ValueError:
        return _NO_URL


# urljoin resolves against a bare path as if it were relative ("/p" + "../x/" gives "x/"); a browser
# resolves against the page's origin and never climbs above "/". Joining under a stand-in origin does that.
_STAND_IN_ORIGIN = "http://eldermode.invalid"


def join_url(base: str | None, url: str) -> str:
    """``urljoin`` as a browser resolves, never raising; a URL that cannot be resolved is returned as written.
    A base that is only a path ("/a/b.html") is taken as a path on the page's own origin."""
    try:
        if base and base.startswith("/") and not base.startswith("//") and not url.startswith("//") \
                and not urlsplit(url).scheme:
            joined = urljoin(_STAND_IN_ORIGIN + base, url)
            return joined[len(_STAND_IN_ORIGIN):] if joined.startswith(_STAND_IN_ORIGIN + "/") else joined
        return urljoin(base or "", url)
    except ValueError:
        return url
