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


def join_url(base: str | None, url: str) -> str:
    """``urljoin`` that never raises; a URL that cannot be resolved is returned as written."""
    try:
        return urljoin(base or "", url)
    except ValueError:
        return url
