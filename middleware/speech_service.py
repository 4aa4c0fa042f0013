"""The speech service of one middleware: the Speaker, the secret, the bounded synthesis queue, whole-article jobs.

Synthesis goes through a bounded queue: beyond ``speech_queue`` distinct pending segments
:class:`Busy` is raised (the endpoint answers 429 with Retry-After). A whole-article download
is made one at a time (joining and encoding it is seconds of CPU), kept in the audio cache,
and its key is known from the page's bytes, so a revalidation does no audio work at all.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading

import anyio

from eldermode.voices import BackendUnavailable, create_voice
from eldermode.voices.cache import DiskCache, RedisCache
from eldermode.voices.speaker import Speaker, encode
from eldermode.voices.text import speech_lang

from .speech_secret import load_secret

__all__ = ["ARTICLE_RETRY_AFTER", "RETRY_AFTER", "Busy", "NoArticleText", "SpeechService", "article_segments",
           "build_speaker", "speech_service", "start_speech_in_background"]

log = logging.getLogger("eldermode.speech")

RETRY_AFTER = "2"


class SpeechService:
    """Per middleware instance: the Speaker, the secret and the bounded synthesis queue."""

    def __init__(self, settings, speaker: Speaker | None = None, secret: bytes | None = None):
        self.settings = settings
        self.secret = secret if secret is not None else load_secret(settings)
        self.max_pending = max(1, int(settings.speech_queue))
        self._speaker = speaker
        self._inflight: dict[str, asyncio.Future] = {}
        self._articles: dict[str, asyncio.Future] = {}  # whole articles being made (one at a time)
        self._limiter: anyio.CapacityLimiter | None = None

    @property
    def speaker(self) -> Speaker:
        if self._speaker is None:
            with _BUILD_LOCK:
                if self._speaker is None:
                    self._speaker = build_speaker(self.settings)
        return self._speaker

    async def ready_speaker(self) -> Speaker:
        """The Speaker, built in a worker thread the first time (it spawns engines and scans the cache)."""
        if self._speaker is not None:
            return self._speaker
        return await anyio.to_thread.run_sync(lambda: self.speaker)

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        # as many synthesis threads as engine workers: more would only queue inside the engine
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(2)
        return self._limiter

    async def audio(self, text: str, lang: str, rate: str, audio_format: str) -> bytes:
        """Cached audio, or a place in the synthesis queue; raises _Busy when the queue is full."""
        speaker = self.speaker
        if isinstance(speaker.cache, RedisCache):  # network I/O: keep it off the event loop
            hit = await anyio.to_thread.run_sync(speaker.cached, text, lang, rate, audio_format)
        else:  # a memory or local-disk hit takes well under a millisecond
            hit = speaker.cached(text, lang, rate, audio_format)
        if hit is not None:
            return hit  # pre-rendered audio is served even where no engine is installed
        if not speaker.available:
            raise BackendUnavailable(speaker.unavailable_reason)
        key = speaker.prepared(text, lang, rate, audio_format)[3]
        pending = self._inflight.get(key)
        if pending is None:
            if len(self._inflight) >= self.max_pending:
                raise Busy()
            pending = asyncio.ensure_future(
                anyio.to_thread.run_sync(speaker.render, text, lang, rate, audio_format, limiter=self.limiter)
            )
            self._inflight[key] = pending
            pending.add_done_callback(lambda _f, k=key: self._inflight.pop(k, None))
        return await asyncio.shield(pending)

    def article_key(self, body: bytes, content_type: str | None, rate: str, audio_format: str) -> str:
        """What determines a whole-article download: the page's bytes, the engine, rate and format.

        Known before any work, so it is both the cache key and the ETag (a revalidation costs a page fetch).
        The hashed material starts with "article", so it never names a sentence's entry in the audio cache.
        """
        engine = getattr(getattr(self.speaker, "voice", None), "name", "") or ""
        voices = repr(sorted(getattr(self.speaker, "voice_overrides", {}).items()))
        digest = hashlib.sha256()
        for part in ("article", _ARTICLE_VERSION, engine, voices, rate, audio_format, content_type or ""):
            digest.update(part.encode("utf-8") + b"\0")
        digest.update(body)
        return digest.hexdigest()[:32]

    async def article(self, key: str, segments_of, rate: str, audio_format: str) -> bytes:
        """The whole article as one encoded file: from the audio cache, or made once.

        Joining a long article (68 MB of WAV for the seed report) and encoding it takes
        seconds of CPU and tens of MB, so one article is made at a time, and counts against
        ``speech_queue`` while it is: another article meanwhile is _Busy (429); requests for
        the same article wait for the one being made. ``segments_of()`` → (sentences, language)
        runs only when the article has to be made; it may raise NotHTML or NoArticleText.
        """
        hit = await self._article_lookup(key)
        if hit is not None:
            return hit
        pending = self._articles.get(key)
        if pending is None:
            if self._articles or len(self._inflight) >= self.max_pending:
                raise Busy()
            pending = asyncio.ensure_future(self._make_article(key, segments_of, rate, audio_format))
            marker = "article:" + key
            self._articles[key] = self._inflight[marker] = pending
            pending.add_done_callback(lambda f: self._article_done(f, key, marker))
        return await asyncio.shield(pending)

    def _article_done(self, future: asyncio.Future, key: str, marker: str) -> None:
        self._articles.pop(key, None)
        self._inflight.pop(marker, None)
        if not future.cancelled():
            future.exception()  # retrieved: a visitor who left before the end must not log "never retrieved"

    async def _make_article(self, key: str, segments_of, rate: str, audio_format: str) -> bytes:
        segments, lang = await anyio.to_thread.run_sync(segments_of)
        if not segments:
            raise NoArticleText()
        speaker = self.speaker
        if not speaker.available:
            raise BackendUnavailable(speaker.unavailable_reason)
        segments = segments[:MAX_ARTICLE_SEGMENTS]
        data = await anyio.to_thread.run_sync(speaker.render_article, segments, lang, rate, limiter=self.limiter)
        if audio_format != "wav":
            data = await anyio.to_thread.run_sync(encode, data, audio_format)
        await self._article_store(key, data)
        return data

    async def _article_lookup(self, key: str) -> bytes | None:
        cache = getattr(self.speaker, "cache", None)
        if cache is None:
            return None
        return await anyio.to_thread.run_sync(cache.get, key)  # megabytes: off the event loop

    async def _article_store(self, key: str, data: bytes) -> None:
        cache = getattr(self.speaker, "cache", None)
        if cache is None or len(data) > ARTICLE_CACHE_MAX:
            return
        try:
            await anyio.to_thread.run_sync(cache.put, key, data)
        except OSError as exc:  # a full or read-only disk costs the cache, not the download
            log.warning("audio cache write failed: %s", exc)


_BUILD_LOCK = threading.Lock()


class Busy(Exception):
    """The synthesis queue is full: answer 429 with Retry-After."""


class NoArticleText(Exception):
    """The page has no text to read aloud."""


MAX_ARTICLE_SEGMENTS = 600  # about 40,000 characters: a very long report
# An encoded article (MP3 at 32 kbit/s: 6 MB for the seed report's 26 minutes) is kept in the audio
# cache; a longer one (a WAV download of a long report) is made again, still one at a time.
ARTICLE_CACHE_MAX = 32 * 1024 * 1024
_ARTICLE_VERSION = "2"  # bump when the sentences read, the joining or the encoder settings change what a key sounds like
ARTICLE_RETRY_AFTER = "15"  # an article takes seconds to make, not the fraction of a sentence


def build_speaker(settings) -> Speaker:
    backend = getattr(settings, "speech_backend", "auto")
    try:
        voice = create_voice(backend)
        reason = ""
    except BackendUnavailable as exc:
        log.warning("朗读 unavailable: %s", exc)
        voice, reason = None, str(exc)
    if settings.redis_url:
        cache = RedisCache(settings.redis_url)
    else:
        cache = DiskCache(settings.cache_path / "speech", max_bytes=settings.cache_max_bytes)
    return Speaker(voice, cache, unavailable_reason=reason)


def start_speech_in_background(services) -> threading.Thread:
    """Build the speech engines now, on a thread of their own (the proxy calls this at process start).

    Building spawns engine processes and scans the audio cache (≈ 170 ms); done at first use it
    would hold up that request, and done on the event loop every request.
    """
    service = speech_service(services)
    thread = threading.Thread(target=lambda: service.speaker, name="eldermode-speech-start", daemon=True)
    thread.start()
    return thread


def speech_service(services) -> SpeechService:
    """The SpeechService hung on the middleware's Services (created on first use)."""
    service = getattr(services, "speech", None)
    if service is None:
        service = services.speech = SpeechService(services.settings)
    return service


def article_segments(body: bytes, content_type: str | None, url: str, services) -> tuple[list[str], str]:
    """(sentences, speech language) of a page's article: what its 朗读 reads in elder mode, from the one
    pipeline run with the middleware's ``services`` (the whole-article audio and ``eldermode speak``)."""
    from eldermode.transforms import Profile
    from eldermode.transforms.outputs import page_sentences

    return page_sentences(body, content_type, services.page_context(Profile(mode="elder"), url))
