"""The entry link of original pages (mode off): what it says, and where it goes in the page's raw bytes.

A page in mode off is never parsed: the link is spliced in right after its ``<body>`` start
tag, found by a scan of the bytes that passes over comments and raw-text elements whole, in
whatever encoding the page uses.
"""

from __future__ import annotations

import html
import re
from functools import lru_cache

from .modebar import MODE_LABELS, mode_href
from .profile import REWRITTEN_MODES
from .urls import split_url

__all__ = ["ENTRY_MARK", "MORE", "body_insertion_point", "entry_link_bytes", "entry_link_for", "splice_after_body",
           "splice_entry_link"]


def _ncr(text: str) -> str:
    """Numeric character references: ASCII bytes that mean the same text in any page encoding."""
    return "".join(ch if ord(ch) < 128 else f"&#{ord(ch)};" for ch in text)


def entry_link_bytes(url: str, rooted: bool = False) -> bytes:
    """:func:`_entry_link` of ``url``, kept for the 1024 last short URLs (a long one a visitor made up is not kept)."""
    return _entry_link(url, rooted) if len(url) <= 2048 else _entry_link.__wrapped__(url, rooted)


@lru_cache(maxsize=1024)
def _entry_link(url: str, rooted: bool = False) -> bytes:
    """The small entry link for pages served in mode ``off``, as ASCII bytes.

    It is spliced into the original bytes without parsing, so it must be valid in
    whatever encoding the page uses: ASCII with numeric character references is.
    ``rooted``: links as the page's path and query, for a page whose ``<base href>`` would move
    query-only links to another page; they open where they are, whatever the base's target.
    """
    text = MODE_LABELS["zh"]
    path = (split_url(url).path or "/") if rooted else ""
    target = ' target="_self"' if rooted else ""
    links = " &#183; ".join(
        f'<a href="{html.escape(path + mode_href(url, mode=mode), quote=True)}"{target}>{_ncr(text[mode])}</a>'
        for mode in REWRITTEN_MODES
    )
    return (
        f'<div data-eldermode="entry" class="em-entry" lang="zh-CN" '
        f'style="font-size:16px;line-height:1.6;padding:4px 8px;background:#fff;color:#000">'
        f"{links}</div>"
    ).encode("ascii")


# The first <body> start tag outside comments and raw-text elements, with quoted attribute values
# (which may contain ">") read as a whole. A "<body" inside a script string, a comment or an
# attribute value is not the body.
# (The "<" is written once, in front: the regex engine then skips to each "<" at C speed. A comment's
# or raw-text element's content is read in runs up to the next "-" or "<", not one byte a step as a lazy
# ".*?" would: 6x faster on the seed page's head, the same matches.)
_RAW_TEXT = rb"script|style|title|textarea|xmp|noscript|iframe|noembed|noframes"  # their text holds no tags
# What every scan of a page's head passes over whole (group 1: the raw-text element's name), and the rest
# of a start tag after its name, quoted values read whole.
_PASSED_OVER = rb"!--[^-]*(?:-(?!->)[^-]*)*-->|(" + _RAW_TEXT + rb")\b[^<]*(?:<(?!/\1\s*>)[^<]*)*</\1\s*>"
_REST_OF_TAG = rb"\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>"
_BODY_TAG = re.compile(rb"<(?:" + _PASSED_OVER + rb"|body" + _REST_OF_TAG + rb")", re.IGNORECASE)


ENTRY_MARK = b'<div data-eldermode="entry"'
MORE = -1  # body_insertion_point: the bytes so far cannot tell yet
# What the scan tries at a "<": a comment, a raw-text element, a body tag. In a page's first bytes one
# that did not match (its end not seen yet) is still open, and a "<body" after it can be text inside it.
_OPENER = re.compile(rb"<(?:!--|(?:" + _RAW_TEXT + rb"|body)\b)", re.IGNORECASE)


def body_insertion_point(data: bytes, complete: bool = True) -> int | None:
    """Where the entry link goes in ``data`` (the end of the ``<body>`` tag), None when it has no such
    tag or is spliced already, or :data:`MORE` when ``data`` is the first part of a page (``complete``
    false) that cannot tell yet: no ``<body>`` tag so far, a comment or raw-text element still open
    before it, or too few bytes after it to see whether the link is there already.
    """
    if complete:
        end = _body_tag_end(data)
        return None if end is None or data.startswith(ENTRY_MARK, end) else end  # spliced already: eldermode before eldermode
    last = 0
    for match in _BODY_TAG.finditer(data):
        # Every gap between the scan's matches: an opener there never ended (<title><!----><body> with
        # the title still open is the title's text), and later bytes may end it.
        if _OPENER.search(data, last, match.start()):
            return MORE
        if data[match.start() + 1] not in b"bB":  # a comment or a raw-text element, passed over whole
            last = match.end()
            continue
        end = match.end()
        if len(data) - end < len(ENTRY_MARK):
            return MORE
        return None if data.startswith(ENTRY_MARK, end) else end
    return MORE


def _body_tag_end(data: bytes) -> int | None:
    """The end of the first ``<body>`` start tag outside comments and raw-text elements, None when there is none."""
    for match in _BODY_TAG.finditer(data):
        if data[match.start() + 1] in b"bB":
            return match.end()
    return None


# A <base> start tag before the <body> one, comments and raw-text elements passed over whole.
_BASE_TAG = re.compile(rb"<(?:" + _PASSED_OVER + rb"|(?:base|body)" + _REST_OF_TAG + rb")", re.IGNORECASE)
_ANY_BASE = re.compile(rb"<base\b", re.IGNORECASE)
_HREF = re.compile(rb"""\shref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))""", re.IGNORECASE)


def entry_link_for(head: bytes, url: str) -> bytes | None:
    """The entry link for a page whose first bytes, up to its ``<body>`` tag, are ``head``; None when no link
    can stay on this site: a ``<base href>`` at another host resolves every relative link there.

    Under a base on this site (a path) the links are rooted at the page's path: query-only ones would
    resolve against the base's path, another page.
    """
    if not _ANY_BASE.search(head):  # (nearly every page: one scan at C speed)
        return entry_link_bytes(url)
    base = _base_href(head)
    if base is None:
        return entry_link_bytes(url)
    parts = split_url(base)
    if parts.netloc or parts.scheme.lower() in ("http", "https"):
        return None
    return entry_link_bytes(url, rooted=True)


def _base_href(head: bytes) -> str | None:
    """The ``href`` of the first ``<base>`` before ``<body>`` (its character references decoded), else None."""
    for match in _BASE_TAG.finditer(head):
        tag = match.group(0)
        if tag[:5].lower() == b"<body":
            return None
        if tag[:5].lower() == b"<base":
            found = _HREF.search(tag)
            if found:
                value = next(g for g in found.groups() if g is not None)
                return html.unescape(value.decode("latin-1")).strip()
    return None


def splice_entry_link(body: bytes, url: str) -> bytes | None:
    """The whole original page with the entry link after ``<body>`` (:func:`entry_link_for`); the page
    as it is under a base at another host; None when it has no ``<body>`` tag."""
    insert = entry_link_for(body, url)
    return body if insert is None else splice_after_body(body, insert)


def splice_after_body(body: bytes, insert: bytes) -> bytes | None:
    """``body`` with ``insert`` right after the ``<body>`` tag, or None when there is no such tag."""
    end = _body_tag_end(body)
    if end is None:
        return None
    if body.startswith(ENTRY_MARK, end):
        return body  # spliced already (eldermode in front of eldermode)
    return body[:end] + insert + body[end:]
