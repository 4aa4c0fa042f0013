"""The /__eldermode/speech/ endpoints: sentence audio, whole-article audio, opt-in arbitrary text.

Which text may the server speak? Only sentences of pages it rewrote. The page
transform (transforms/speech.py) signs every sentence with an HMAC under a
server secret and puts the key in the page; speech.js sends the sentence back
with its key (``seg/KEY?t=…``) and the server synthesises only when the key
verifies. This is stateless — no key→text store to fill, bound or lose on a
restart — and works across instances that share the secret (``secret`` setting;
without one a random secret is kept in the cache directory). Arbitrary text
(``say?text=…``) is a separate endpoint, off unless ``speech_arbitrary_text``.

Audio is WAV, or Ogg Vorbis / MP3 when sox is installed, chosen by ``f=`` or
``Accept``; responses support ``Range`` and are cacheable forever (the URL
determines the audio). Synthesis goes through a bounded queue: beyond
``speech_queue`` distinct pending segments the answer is 429 with Retry-After;
with no engine installed it is 503 with a message saying so. A whole-article
download is made one at a time (joining and encoding it is seconds of CPU),
kept in the audio cache, and its ETag is known from the page's bytes, so a
revalidation does no audio work at all.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
import os
import re
import threading
import time
from pathlib import Path
from urllib.parse import quote

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from eldermode.transforms.speech import segment_key, speakable_text
from eldermode.voices import BackendUnavailable, SpeechError, SynthesisTimeout, create_voice
from eldermode.voices.base import RATES
from eldermode.voices.cache import DiskCache, RedisCache
from eldermode.voices.speaker import MEDIA_TYPES, Speaker, encode
from eldermode.voices.text import MAX_SEGMENT, speech_lang

from .endpoints import error_response, services_of, settings_of

__all__ = ["SpeechService", "article_segments", "cmd_speak", "load_secret", "register_cli", "speech_routes", "speech_service",
           "start_speech_in_background"]

log = logging.getLogger("eldermode.speech")

RETRY_AFTER = "2"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
_KEY = re.compile(r"^[A-Za-z0-9_-]{22}$")


# --------------------------------------------------------------------------- secret


def load_secret(settings) -> bytes:
    """The key that signs sentence keys: from the ``secret`` setting, else kept in the cache directory.

    The file is created once (O_EXCL, mode 0600) so all worker processes of one
    instance agree; if the directory is not writable the secret lives only as
    long as the process (pages served before a restart then get 403 for speech).
    """
    if settings.secret:
        return hashlib.sha256(b"eldermode speech key\0" + settings.secret.encode("utf-8")).digest()
    path = Path(settings.cache_dir) / "speech-secret"
    for _ in range(50):
        try:
            data = path.read_bytes()
            if len(data) == 32:
                return data
            if data:
                break  # damaged: fall through to a process-local secret rather than guess
        except FileNotFoundError:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another worker is writing it: read it on the next turn
            except OSError as exc:
                log.warning("cannot keep the speech secret in %s (%s); using a per-process secret", path, exc)
                break
            else:
                secret = os.urandom(32)
                with os.fdopen(fd, "wb") as f:
                    f.write(secret)
                return secret
        except OSError:
            break
        time.sleep(0.01)
    return os.urandom(32)


# --------------------------------------------------------------------------- the service


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
                    self._speaker = _build_speaker(self.settings)
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

    def verify(self, key: str, lang: str, text: str) -> bool:
        return bool(_KEY.match(key)) and hmac.compare_digest(key, segment_key(self.secret, lang, text))

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
                raise _Busy()
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
                raise _Busy()
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


class _Busy(Exception):
    pass


class NoArticleText(Exception):
    """The page has no text to read aloud."""


MAX_ARTICLE_SEGMENTS = 600  # about 40,000 characters: a very long report
# An encoded article (MP3 at 32 kbit/s: 6 MB for the seed report's 26 minutes) is kept in the audio
# cache; a longer one (a WAV download of a long report) is made again, still one at a time.
ARTICLE_CACHE_MAX = 32 * 1024 * 1024
_ARTICLE_VERSION = "1"  # bump when the joining or the encoder settings change what a key sounds like
ARTICLE_RETRY_AFTER = "15"  # an article takes seconds to make, not the fraction of a sentence


def _build_speaker(settings) -> Speaker:
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
        cache = DiskCache(Path(settings.cache_dir) / "speech", max_bytes=settings.cache_max_bytes)
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


# --------------------------------------------------------------------------- helpers


def _choose_format(request: Request, formats: tuple[str, ...]) -> str | None:
    """``f=`` when given, else the best of ``formats`` the Accept header prefers; ``*/*`` means WAV."""
    wanted = request.query_params.get("f")
    if wanted:
        return wanted if wanted in formats else None
    accept = request.headers.get("accept", "")
    best, best_q = "wav", 0.0
    by_type = {MEDIA_TYPES[f]: f for f in formats}
    by_type["audio/x-wav"] = by_type["audio/wave"] = "wav"
    by_type["audio/mp3"] = "mp3" if "mp3" in formats else None
    for item in accept.split(","):
        media, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        fmt = by_type.get(media.strip().lower())
        if fmt and q > best_q:
            best, best_q = fmt, q
    return best


def _rate(request: Request) -> str | None:
    rate = request.query_params.get("r", "normal")
    return rate if rate in RATES else None


IMMUTABLE = "public, max-age=31536000, immutable"  # a sentence URL always means the same audio


def audio_response(request: Request, data: bytes, audio_format: str, etag: str, vary: bool,
                   filename: str | None = None, cache_control: str = IMMUTABLE) -> Response:
    """``data`` with Content-Type, validators, caching, and single-range ``Range`` support."""
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": cache_control,
        "ETag": f'"{etag}"',
        "X-Content-Type-Options": "nosniff",
    }
    if vary:
        headers["Vary"] = "Accept"
    if filename:
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    media_type = MEDIA_TYPES[audio_format]
    if f'"{etag}"' in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    size = len(data)
    range_header = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if range_header and (not if_range or if_range == f'"{etag}"'):
        match = _RANGE.match(range_header.strip())
        if match and (match.group(1) or match.group(2)):
            first, last = match.groups()
            if first:
                start = int(first)
                end = min(int(last), size - 1) if last else size - 1
            else:
                start = max(size - int(last), 0)
                end = size - 1
            if start >= size or end < start:
                return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
            return Response(data[start : end + 1], status_code=206, media_type=media_type, headers=headers)
        # a multi-range or malformed Range is ignored: the whole file is a valid answer
    return Response(data, media_type=media_type, headers=headers)


async def _speak(request: Request, text: str, lang: str) -> Response:
    service = speech_service(services_of(request))
    rate = _rate(request)
    if rate is None:
        return error_response("r must be slow, normal or fast", 400)
    try:
        speaker = await service.ready_speaker()
        audio_format = _choose_format(request, speaker.formats)
        if audio_format is None:
            return error_response(f"f must be one of: {', '.join(speaker.formats)}", 406)
        data = await service.audio(text, lang, rate, audio_format)
    except _Busy:
        return error_response("朗读服务繁忙，请稍后再试 (speech queue is full)", 429, **{"Retry-After": RETRY_AFTER})
    except BackendUnavailable as exc:
        return error_response(f"朗读暂不可用：服务器未安装语音引擎 (speech unavailable: {exc})", 503)
    except SynthesisTimeout:
        return error_response("朗读超时，请重试 (speech synthesis timed out)", 503, **{"Retry-After": RETRY_AFTER})
    except SpeechError as exc:
        log.warning("speech synthesis failed: %s", exc)
        return error_response("朗读失败 (speech synthesis failed)", 500)
    etag = speaker.prepared(text, lang, rate, audio_format)[3]
    return audio_response(request, data, audio_format, etag, vary="f" not in request.query_params)


# --------------------------------------------------------------------------- handlers


async def segment_audio(request: Request) -> Response:
    """Audio of one signed sentence: ``seg/KEY?t=TEXT&l=zh|en&r=slow|normal|fast[&f=wav|ogg|mp3]``."""
    key = request.path_params["key"]
    text = speakable_text(request.query_params.get("t", ""))
    lang = speech_lang(request.query_params.get("l", "zh"))
    if not text:
        return error_response("t (the sentence) is required", 400)
    if len(text) > MAX_SEGMENT * 2:
        return error_response("sentence too long", 413)
    service = speech_service(services_of(request))
    if not service.verify(key, lang, text):
        return error_response("this sentence was not signed by this server (reload the page)", 403)
    return await _speak(request, text, lang)


async def arbitrary_audio(request: Request) -> Response:
    """Audio of any text, when ``speech_arbitrary_text`` is on: ``say?text=…&l=&r=&f=``."""
    settings = settings_of(request)
    if not settings.speech_arbitrary_text:
        return error_response("arbitrary-text speech is switched off on this server (setting speech_arbitrary_text)", 404)
    text = speakable_text(request.query_params.get("text", ""))
    if not text:
        return error_response("text is required", 400)
    if len(text) > settings.speech_max_text:
        return error_response(f"text too long: {len(text)} characters, the limit is {settings.speech_max_text}", 413)
    return await _speak(request, text, speech_lang(request.query_params.get("l", "zh")))


def article_segments(body: bytes, content_type: str | None, url: str, settings) -> tuple[list[str], str]:
    """(sentences, speech language) of an original page, exactly as the page transform splits them."""
    from eldermode.transforms import Context, Profile
    from eldermode.transforms.document import parse_document
    from eldermode.transforms.language import set_lang
    from eldermode.transforms.speech import collect_segments

    doc = parse_document(body, content_type)
    ctx = Context(profile=Profile(mode="elder"), url=url, options=settings.page_options())
    set_lang(doc.root, ctx)
    return collect_segments(doc.root, ctx), speech_lang(ctx.lang)


async def article_audio(request: Request) -> Response:
    """The whole article of a page of this site as one download: ``page?url=/path&r=`` (MP3 when sox is
    installed, else WAV) or ``page.wav`` / ``page.mp3`` / ``page.ogg``."""
    from eldermode.transforms.document import NotHTML

    from .services import FetchError

    services = services_of(request)
    settings = settings_of(request)
    rate = _rate(request)
    if rate is None:
        return error_response("r must be slow, normal or fast", 400)
    url = request.query_params.get("url", "")
    try:
        page = await services.fetch_page(url, like=request.scope)
    except FetchError as exc:
        return error_response(str(exc), exc.status)
    if page.status != 200:
        return error_response(f"the page answered {page.status}", 502 if page.status >= 500 else 404)
    service = speech_service(services)
    speaker = await service.ready_speaker()
    # a whole article is long (the seed report: 26 minutes, 68 MB as WAV): compress when we can
    wanted = request.path_params.get("ext") or ("mp3" if "mp3" in speaker.formats else "wav")
    if wanted not in speaker.formats:
        return error_response(f"format must be one of: {', '.join(speaker.formats)}", 406)
    key = service.article_key(page.body, page.content_type, rate, wanted)
    stem = Path(url.split("?", 1)[0].rstrip("/")).stem or "article"

    def respond(data: bytes) -> Response:
        return audio_response(request, data, wanted, key, vary=False, filename=f"{stem}.{wanted}",
                              cache_control="private, max-age=300")  # the page may change

    if f'"{key}"' in request.headers.get("if-none-match", ""):
        return respond(b"")  # the visitor has this article already: no join, no encode, no cache read
    try:
        data = await service.article(
            key, lambda: article_segments(page.body, page.content_type, url, settings), rate, wanted)
    except _Busy:
        return error_response("朗读服务繁忙，请稍后再试 (speech queue is full)", 429, **{"Retry-After": ARTICLE_RETRY_AFTER})
    except NotHTML:
        return error_response("that URL is not an HTML page", 415)
    except NoArticleText:
        return error_response("no article text found on that page", 404)
    except BackendUnavailable as exc:
        return error_response(f"朗读暂不可用：服务器未安装语音引擎 (speech unavailable: {exc})", 503)
    except SpeechError as exc:
        log.warning("article synthesis or encoding failed: %s", exc)
        return error_response("朗读失败 (speech synthesis failed)", 500)
    return respond(data)


async def status(request: Request) -> Response:
    """Whether 朗读 works here. speech.js asks when the visitor reaches for a 朗读 control, which
    also starts the engine before the click (a cold pyttsx3 pool takes a few hundred ms)."""
    service = speech_service(services_of(request))
    speaker = await service.ready_speaker()
    return JSONResponse(
        {
            "available": speaker.available,
            "engine": speaker.voice.name if speaker.voice else None,
            "formats": list(speaker.formats),
            "reason": "" if speaker.available else speaker.unavailable_reason,
            "arbitrary_text": bool(settings_of(request).speech_arbitrary_text),
        },
        headers={"Cache-Control": "no-store"},
    )


def speech_routes(prefix: str) -> list[Route]:
    base = prefix + "speech/"
    return [
        Route(base + "seg/{key}", segment_audio, methods=["GET", "HEAD"]),
        Route(base + "say", arbitrary_audio, methods=["GET", "HEAD"]),
        Route(base + "page", article_audio, methods=["GET", "HEAD"]),
        Route(base + "page.{ext}", article_audio, methods=["GET", "HEAD"]),
        Route(base + "status", status, methods=["GET"]),
    ]


# --------------------------------------------------------------------------- eldermode speak


def register_cli(sub) -> None:
    """``eldermode speak FILE_OR_URL… [--out DIR] [--urls LIST]``: pre-render pages' audio."""
    import argparse

    p = sub.add_parser(
        "speak",
        help="pre-render the 朗读 audio of pages (warms the audio cache; --out also writes the files)",
        description="Synthesise every sentence the 朗读 button would read on each page, into the audio cache "
        "the server uses (cache_dir or redis_url). With --out DIR, also write DIR/<page>/NNN.<format>, "
        "DIR/<page>/index.json and the whole article as DIR/<page>.<format>.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("sources", metavar="FILE_OR_URL", nargs="*")
    p.add_argument("--urls", metavar="LIST", help="file with one page URL or path per line (cache warm-up)")
    p.add_argument("--out", metavar="DIR", help="write the audio files here too")
    p.add_argument("--rate", choices=tuple(RATES), default="normal", help="语速 (default normal)")
    p.add_argument("--format", choices=("wav", "ogg", "mp3"), default=None,
                   help="format of the files in --out (default mp3 when sox is installed, else wav)")
    p.add_argument("--lang", help="page language when the page does not say (zh or en)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_speak)


class _Progress:
    """A one-line progress bar on stderr (a line per page when stderr is not a terminal)."""

    def __init__(self, total_pages: int, quiet: bool):
        import sys

        self.stream = sys.stderr
        self.tty = self.stream.isatty()
        self.quiet = quiet
        self.total_pages = total_pages

    def update(self, page: int, done: int, total: int, name: str) -> None:
        if self.quiet or not self.tty:
            return
        width = 30
        filled = int(width * done / total) if total else width
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} sentences · "
                          f"page {page}/{self.total_pages} {name[:40]}\033[K")
        self.stream.flush()

    def page_done(self, page: int, total: int, name: str, seconds: float, audio_seconds: float) -> None:
        if self.quiet:
            return
        if self.tty:
            self.stream.write("\r\033[K")
        self.stream.write(f"{name}: {total} sentences, {audio_seconds / 60:.1f} min of audio, {seconds:.1f} s\n")
        self.stream.flush()


def cmd_speak(args) -> int:
    import json
    from concurrent.futures import ThreadPoolExecutor

    from eldermode.transforms.document import NotHTML
    from eldermode.voices import check_wav
    from eldermode.voices.speaker import concatenate_wavs

    from .cli import EXIT_OK, EXIT_USAGE, CommandError, _settings_from, load_source

    sources = list(args.sources)
    if args.urls:
        try:
            lines = Path(args.urls).read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise CommandError(f"cannot read {args.urls}: {exc.strerror or exc}") from exc
        sources += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not sources:
        raise CommandError("speak: give pages (FILE_OR_URL…) or --urls LIST", EXIT_USAGE)
    settings = _settings_from(args)
    speaker = _build_speaker(settings)
    if not speaker.available:
        raise CommandError(f"speak: no speech engine: {speaker.unavailable_reason}")
    file_format = args.format or ("mp3" if "mp3" in speaker.formats else "wav")
    if file_format not in speaker.formats:
        raise CommandError(f"speak: this machine cannot encode {file_format} (install sox)", EXIT_USAGE)
    # what speech.js will ask for: Ogg when the server can make it, and the WAV it is made from
    warm_formats = ("ogg",) if "ogg" in speaker.formats else ("wav",)
    out = Path(args.out) if args.out else None
    progress = _Progress(len(sources), args.quiet)
    failed = 0
    try:
        for number, source in enumerate(sources, 1):
            started = time.monotonic()
            body, content_type, path = load_source(source)
            try:
                segments, lang = article_segments(body, content_type, path, settings)
            except NotHTML as exc:
                raise CommandError(f"speak: {source} is not an HTML page ({exc})") from exc
            if args.lang and not segments:
                lang = speech_lang(args.lang)
            name = Path(path.split("?", 1)[0].rstrip("/")).stem or "index"
            if not segments:
                print(f"{name}: no article text found", file=__import__("sys").stderr)
                failed += 1
                continue
            done = 0
            wavs: list[bytes] = [b""] * len(segments)

            def render(index: int) -> int:
                for fmt in warm_formats:
                    speaker.render(segments[index], lang, args.rate, fmt)
                wavs[index] = speaker.render(segments[index], lang, args.rate, "wav")
                return index

            progress.update(number, 0, len(segments), name)
            with ThreadPoolExecutor(max_workers=2) as pool:  # the engine has two workers
                for _ in pool.map(render, range(len(segments))):
                    done += 1
                    progress.update(number, done, len(segments), name)
            audio_seconds = sum(check_wav(w).duration for w in wavs)
            if out is not None:
                folder = out / name
                folder.mkdir(parents=True, exist_ok=True)
                index = []
                for i, text in enumerate(segments):
                    data = wavs[i] if file_format == "wav" else speaker.render(text, lang, args.rate, file_format)
                    filename = f"{i + 1:03d}.{file_format}"
                    (folder / filename).write_bytes(data)
                    index.append({"n": i + 1, "text": text, "file": filename,
                                  "seconds": round(check_wav(wavs[i]).duration, 2)})
                (folder / "index.json").write_text(
                    json.dumps({"source": source, "lang": lang, "rate": args.rate, "segments": index},
                               ensure_ascii=False, indent=1),
                    encoding="utf-8",
                )
                whole = concatenate_wavs(wavs)
                if file_format != "wav":
                    whole = encode(whole, file_format)
                (out / f"{name}.{file_format}").write_bytes(whole)
            progress.page_done(number, len(segments), name, time.monotonic() - started, audio_seconds)
    except SpeechError as exc:
        raise CommandError(f"speak: synthesis failed: {exc}") from exc
    finally:
        speaker.close()
    return EXIT_OK if not failed else 1
