"""The sentences of the pages eldermode rewrote, by page token: the only text the sentence endpoint speaks.

A rewrite marks each sentence with its number alone and the page with one token (an HMAC
of the page's URL, language and sentences: :func:`eldermode.transforms.speech.page_token`),
and puts the page's sentences here. The endpoint speaks sentence N of a token only when the
text asked for is that sentence. A token this process does not hold (another worker rewrote
the page, a restart, an eviction) is looked up in the shared store (Redis, with
``redis_url``), else the endpoint rewrites the page again to learn its sentences
(middleware/speech_http.py). Bounded by characters kept; oldest pages go first.
"""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict

from eldermode.transforms.speech import SENTENCE_SEP as SEP  # (the page's signature joins them so too)

__all__ = ["SpeechPages", "speech_pages"]

SHARED_TTL = 24 * 3600


class SpeechPages:
    def __init__(self, max_chars: int = 4 * 1024 * 1024, shared=None):
        self.max_chars = max_chars
        self.shared = shared  # a SharedStore, or None
        self._lock = threading.Lock()
        self._pages: OrderedDict[str, str] = OrderedDict()  # token -> "lang\x1fs0\x1fs1…"
        self._chars = 0
        self._split: OrderedDict[str, tuple[str, list[str]]] = OrderedDict()  # a few pages being read now

    def put(self, token: str, lang: str, sentences: str) -> None:
        """The page's ``sentences``, already joined by :data:`SEP` (as they were signed). (Called by the speech
        transform, on the rewrite thread.)"""
        joined = f"{lang}{SEP}{sentences}"
        self._put_local(token, joined)
        if self.shared is not None:
            self.shared.put(token, joined.encode("utf-8"), SHARED_TTL)

    def _put_local(self, token: str, joined: str) -> None:
        if len(joined) > self.max_chars // 4:
            return
        with self._lock:
            old = self._pages.pop(token, None)
            if old is not None:
                self._chars -= len(old)
            self._pages[token] = joined
            self._chars += len(joined)
            while self._chars > self.max_chars:
                gone, text = self._pages.popitem(last=False)
                self._chars -= len(text)
                self._split.pop(gone, None)

    def get(self, token: str) -> tuple[str, list[str]] | None:
        """(language, sentences) of a page this process holds."""
        with self._lock:
            split = self._split.get(token)
            if split is not None:
                return split
            joined = self._pages.get(token)
            if joined is None:
                return None
            self._pages.move_to_end(token)
            lang, *sentences = joined.split(SEP)
            self._split[token] = (lang, sentences)
            while len(self._split) > 8:
                self._split.popitem(last=False)
            return lang, sentences

    async def find(self, token: str) -> tuple[str, list[str]] | None:
        """Like :meth:`get`, then the shared store (off the event loop)."""
        found = self.get(token)
        if found is not None or self.shared is None:
            return found
        data = await asyncio.to_thread(self.shared.get, token)
        if data is None:
            return None
        self._put_local(token, data.decode("utf-8", "replace"))
        return self.get(token)


def speech_pages(services) -> SpeechPages | None:
    return getattr(services, "speech_pages", None)
