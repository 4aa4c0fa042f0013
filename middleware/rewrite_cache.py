"""A bounded in-memory cache of rewritten pages, so a page many visitors read is rewritten once.

Government pages change rarely and are read by many; the rewrite (parse, every transform,
serialise) costs several milliseconds, a lookup costs a hash of the original bytes. The key
covers everything the output depends on: the original bytes and their declared type, the
visitor's profile and the page URL (links carry the query). A transform whose output depends
on changing state sets ``ctx.data["uncacheable"]`` and its page is not stored.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

__all__ = ["RewriteCache"]


class RewriteCache:
    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[bytes, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @staticmethod
    def key(body: bytes, content_type: str, coding: str, profile_key: str, page_url: str) -> bytes:
        digest = hashlib.blake2b(body, digest_size=20)
        for part in (content_type, coding, profile_key, page_url):
            digest.update(b"\x00" + part.encode("utf-8", "surrogateescape"))
        return digest.digest()

    def get(self, key: bytes) -> bytes | None:
        if self.max_bytes <= 0:
            return None
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: bytes, value: bytes) -> None:
        if self.max_bytes <= 0 or len(value) > self.max_bytes // 4:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._size -= len(old)
            self._entries[key] = value
            self._size += len(value)
            while self._size > self.max_bytes:
                _, evicted = self._entries.popitem(last=False)
                self._size -= len(evicted)
