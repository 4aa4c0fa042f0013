"""The /__eldermode/speech/ endpoints: sentence audio, whole-article audio, opt-in arbitrary text, status.

Which text may the server speak? Only sentences of pages it rewrote. The page
transform (transforms/speech.py) numbers every sentence, signs the page once (a
token: an HMAC under the server secret, middleware/speech_secret.py, over the page's
URL, language and sentences) and puts the page's sentences in the sentence store
(middleware/speech_pages.py). speech.js asks for ``seg/TOKEN.N?t=TEXT&u=URL&m=PROFILE``;
the server speaks only when TEXT is sentence N of that page. A token the store does
not hold (another worker or instance rewrote the page, a restart, an eviction) is
looked up in the shared store, else learnt again by rewriting the page at ``u`` for
profile ``m`` (one at a time): only a token the rewrite reproduces is accepted, so a
page that changed since asks the visitor to reload. Arbitrary text (``say?text=…``)
is a separate endpoint, off unless ``speech_arbitrary_text``.

Audio is WAV, or Ogg Vorbis / MP3 when sox is installed, chosen by ``f=`` or
``Accept``; responses support ``Range`` and are cacheable forever (the URL
determines the audio; middleware/audio_http.py). The queue and article jobs are
in middleware/speech_service.py; with no engine installed the answer is 503 with a
message saying so.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import anyio

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from eldermode.transforms import Profile
from eldermode.transforms.pipeline import rewrite_page
from eldermode.transforms.speech import speakable_text
from eldermode.voices import BackendUnavailable, SpeechError, SynthesisTimeout
from eldermode.voices.text import MAX_SEGMENT, speech_lang

from .audio_http import audio_response, choose_format, rate_param
from .endpoint_kit import error_response, services_of, settings_of
from .services import FetchError
from .speech_pages import speech_pages
from .speech_service import ARTICLE_RETRY_AFTER, RETRY_AFTER, Busy, NoArticleText, article_segments, speech_service

__all__ = ["routes"]

log = logging.getLogger("eldermode.speech")


async def _speak(request: Request, text: str, lang: str) -> Response:
    service = speech_service(services_of(request))
    rate = rate_param(request)
    if rate is None:
        return error_response("r must be slow, normal or fast", 400)
    try:
        speaker = await service.ready_speaker()
        audio_format = choose_format(request, speaker.formats)
        if audio_format is None:
            return error_response(f"f must be one of: {', '.join(speaker.formats)}", 406)
        data = await service.audio(text, lang, rate, audio_format)
    except Busy:
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


_KEY = re.compile(r"^([A-Za-z0-9_-]{22})\.(\d{1,6})$")
_RELEARN = anyio.CapacityLimiter(1)  # pages rewritten again to learn their sentences: one at a time


async def segment_audio(request: Request) -> Response:
    """Audio of sentence N of a page eldermode rewrote: ``seg/TOKEN.N?t=TEXT&u=URL&m=PROFILE&r=…[&f=…]``."""
    match = _KEY.match(request.path_params["key"])
    text = speakable_text(request.query_params.get("t", ""))
    if not text:
        return error_response("t (the sentence) is required", 400)
    if len(text) > MAX_SEGMENT * 2:
        return error_response("sentence too long", 413)
    page = await _page_sentences(request, match.group(1)) if match else None
    number = int(match.group(2)) if match else -1
    if page is None or number >= len(page[1]) or page[1][number] != text:
        return error_response("this sentence is not on a page this server rewrote (reload the page)", 403)
    return await _speak(request, text, page[0])


async def _page_sentences(request: Request, token: str) -> tuple[str, list[str]] | None:
    """(language, sentences) of the page with this token: from the store, else by rewriting the page again."""
    services = services_of(request)
    store = speech_pages(services)
    if store is None:
        return None
    found = await store.find(token)
    if found is not None:
        return found
    url = request.query_params.get("u", "")
    profile = Profile.from_cookie(request.query_params.get("m", ""))
    if not url or not profile.active:
        return None
    async with _RELEARN:
        found = store.get(token)  # learnt while this request waited
        if found is not None:
            return found
        try:
            local, page = await services.fetch_html(url, like=request.scope)
        except FetchError:
            return None
        ctx = services.page_context(profile, local)
        try:
            await anyio.to_thread.run_sync(rewrite_page, page.body, page.content_type, ctx)
        except Exception as exc:  # noqa: BLE001 - the page cannot be rewritten: nothing to speak
            log.info("speech: %s could not be rewritten to learn its sentences: %r", local, exc)
            return None
    return store.get(token)


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


async def article_audio(request: Request) -> Response:
    """The whole article of a page of this site as one download: ``page?url=/path&r=`` (MP3 when sox is
    installed, else WAV) or ``page.wav`` / ``page.mp3`` / ``page.ogg``."""
    from eldermode.transforms.document import NotHTML


    services = services_of(request)
    rate = rate_param(request)
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
            key, lambda: article_segments(page.body, page.content_type, url, services), rate, wanted)
    except Busy:
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


def routes(prefix: str) -> list[Route]:
    base = prefix + "speech/"
    return [
        Route(base + "seg/{key}", segment_audio, methods=["GET", "HEAD"]),
        Route(base + "say", arbitrary_audio, methods=["GET", "HEAD"]),
        Route(base + "page", article_audio, methods=["GET", "HEAD"]),
        Route(base + "page.{ext}", article_audio, methods=["GET", "HEAD"]),
        Route(base + "status", status, methods=["GET"]),
    ]
