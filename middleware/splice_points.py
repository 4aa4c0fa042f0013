"""Where the entry link goes in a page seen before, and the link: remembered with the bytes before the ``<body>`` tag.

In mode off every page passes with the entry link spliced after its ``<body>`` tag, and finding
that tag (:func:`body_insertion_point`: comments and raw-text elements passed over whole) is a
regular-expression scan of the page's head — 13 µs on the seed page before it read runs at a time, a sixth of eldermode's whole
cost of passing that page through. Most requests are for pages read before, whose first bytes are
the same each time: an answer that those first bytes alone decide (nothing the scan passes over is
left open before the tag) is kept with them, and a page that starts with exactly
those bytes gets it back after one comparison, with the link made for it (which depends on those bytes,
for a ``<base>``, and on the page's URL). Anything else is scanned as before.
"""

from __future__ import annotations

from eldermode.transforms.entry import ENTRY_MARK, MORE, body_insertion_point, entry_link_for

__all__ = ["SplicePoints"]


class SplicePoints:
    """``body_insertion_point`` and the entry link of pages seen before, by page path; at most ``max_bytes``
    kept, counting each entry's path, head, URL and link and a fixed overhead for its objects. Used from the
    event loop only (no lock).
    """

    MAX_HEAD = 64 * 1024  # a longer head is scanned each time (rare; it would crowd out the rest)
    MAX_URL = 2048  # paths and queries a visitor makes up (every 404 page is a page too) are not remembered
    OVERHEAD = 300  # bytes of the dict slot, the list and the objects' headers, roughly

    def __init__(self, max_bytes: int = 2 * 1024 * 1024):
        self.max_bytes = max_bytes
        # path -> [head, where the link goes, the page URL the link was made for, that link]
        self._heads: dict[str, list] = {}
        self._size = 0

    def find(self, key: str, data: bytes, complete: bool, url: str) -> tuple[int | None, bytes | None]:
        """(``body_insertion_point(data, complete)``, ``entry_link_for`` the bytes before it and ``url``, or None
        when there is no such point), from what ``key``'s page began with last time when it still does."""
        known = self._heads.get(key)
        if known is not None and data.startswith(known[0]):
            if known[2] != url:  # the link carries the page's URL (its query): made again for another
                if len(url) > self.MAX_URL:
                    return known[1], entry_link_for(known[0][: known[1]], url)
                self._size -= _cost(key, known)
                known[2], known[3] = url, entry_link_for(known[0][: known[1]], url)
                self._size += _cost(key, known)
            return known[1], known[3]
        at = body_insertion_point(data, complete)
        if at is None or at == MORE:
            return at, None
        insert = entry_link_for(data[:at], url)  # (depends on the bytes before the tag only)
        head = data[: at + len(ENTRY_MARK)]  # the tag and the bytes that tell whether the link is there already
        if (len(head) <= self.MAX_HEAD and len(key) + len(url) <= self.MAX_URL and len(head) == at + len(ENTRY_MARK)
                and _decisive(head, at)):
            self._keep(key, [head, at, url, insert])
        return at, insert

    def _keep(self, key: str, entry: list) -> None:
        old = self._heads.pop(key, None)
        if old is not None:
            self._size -= _cost(key, old)
        cost = _cost(key, entry)
        while self._heads and self._size + cost > self.max_bytes:
            oldest = next(iter(self._heads))  # first in, first out: a page read often comes back at once
            self._size -= _cost(oldest, self._heads.pop(oldest))
        self._heads[key] = entry
        self._size += cost


def _cost(key: str, entry: list) -> int:
    return SplicePoints.OVERHEAD + len(key) + len(entry[0]) + len(entry[2]) + len(entry[3] or b"")


def _decisive(head: bytes, at: int) -> bool:
    """Whether ``head`` alone decides that the link goes at ``at``, whatever bytes follow it: read as the first
    part of a page, it gives the same answer (nothing the scan passes over is still open before the tag)."""
    return body_insertion_point(head, complete=False) == at
