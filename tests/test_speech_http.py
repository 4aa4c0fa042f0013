"""/__eldermode/speech/ over real HTTP (uvicorn on loopback) with the real espeak-ng engine."""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from html import unescape
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import support
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from eldermode.middleware.rewrite import ElderModeMiddleware
from eldermode.middleware.services import Services
from eldermode.middleware.settings import Settings
from eldermode.middleware.speech_service import SpeechService
from eldermode.middleware.speech_pages import SpeechPages
from eldermode.voices import check_wav
from eldermode.voices.cache import DiskCache
from eldermode.voices.espeak_cli import EspeakCLIVoice, find_espeak
from eldermode.voices.speaker import Speaker, sox_formats

_SPAN = re.compile(r'data-em-seg="(\d+)">([^<]*)<')
_SCRIPT = re.compile(r'<script [^>]*data-em-page="([^"]+)" data-em-url="([^"]*)" data-em-profile="([^"]*)"')


class GatedVoice:
    """The real espeak-ng CLI, counting runs; optionally each run waits for ``gate`` (to fill the queue)."""

    name = "espeak-ng"
    audio_format = "wav"

    def __init__(self, gate: threading.Event | None = None):
        if find_espeak() is None:
            if support.is_ci():
                pytest.fail("espeak-ng is not installed (CI=true)", pytrace=False)
            pytest.skip("espeak-ng is not installed")
        self.engine = EspeakCLIVoice()
        self.gate = gate
        self.runs = 0
        self.started = threading.Event()
        self._lock = threading.Lock()

    def synthesize(self, text: str, *, voice: str, rate: int) -> bytes:
        with self._lock:
            self.runs += 1
        self.started.set()
        if self.gate is not None:
            self.gate.wait(30)
        return self.engine.synthesize(text, voice=voice, rate=rate)

    def close(self) -> None:
        pass


def _site(seed: bytes) -> Starlette:
    async def report(request):
        return Response(seed, media_type="text/html; charset=utf-8")

    return Starlette(routes=[Route("/report-2020.html", report)])


@pytest.fixture
def make_server(serve_app, seed_html_bytes, tmp_path: Path):
    """``make_server(voice=…, **settings) -> (base_url, services)``: the seed site behind the middleware."""

    def make(voice=None, **overrides):
        settings = Settings(cache_dir=str(tmp_path), secret="test-secret", **overrides)
        app = _site(seed_html_bytes)
        services = Services(app, settings)
        if voice is not None:
            services.speech = SpeechService(settings, speaker=Speaker(voice, DiskCache(tmp_path / "speech")))
        middleware = ElderModeMiddleware(app, settings, services=services)
        return serve_app(middleware), services

    return make


def _sentences(base: str) -> list[tuple[str, str]]:
    """(key, text) of the first piece of each numbered sentence of the elder page; key = "TOKEN.N?u=…&m=…"."""
    page = httpx.get(base + "/report-2020.html?eldermode=elder").text
    token, url, profile = (unescape(v) for v in _SCRIPT.search(page).groups())
    seen: dict[str, tuple[str, str]] = {}
    for seg, text in _SPAN.findall(page):
        seen.setdefault(seg, (f"{token}.{seg}?u={quote(url)}&m={quote(profile)}", unescape(text)))
    return list(seen.values())


def _url(base: str, key: str, text: str, **params: str) -> str:
    extra = "".join(f"&{k}={v}" for k, v in params.items())
    return f"{base}/__eldermode/speech/seg/{key}&l=zh&t={quote(text)}{extra}"


def test_signed_sentence_of_the_page_is_spoken(make_server) -> None:
    voice = GatedVoice()
    base, _ = make_server(voice)
    key, text = _sentences(base)[0]
    assert text == "鄂城区2020年政府信息公开工作年报"
    response = httpx.get(_url(base, key, text))
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    assert response.headers["accept-ranges"] == "bytes"
    assert "immutable" in response.headers["cache-control"]
    assert check_wav(response.content).duration > 1.0
    again = httpx.get(_url(base, key, text))
    assert again.content == response.content and voice.runs == 1  # second time from the cache
    etag = response.headers["etag"]
    assert httpx.get(_url(base, key, text), headers={"If-None-Match": etag}).status_code == 304


def test_range_requests(make_server) -> None:
    base, _ = make_server(GatedVoice())
    key, text = _sentences(base)[1]
    whole = httpx.get(_url(base, key, text)).content
    size = len(whole)
    first = httpx.get(_url(base, key, text), headers={"Range": "bytes=0-43"})
    assert first.status_code == 206
    assert first.headers["content-range"] == f"bytes 0-43/{size}"
    assert first.content == whole[:44]
    tail = httpx.get(_url(base, key, text), headers={"Range": "bytes=-100"})
    assert tail.status_code == 206 and tail.content == whole[-100:]
    middle = httpx.get(_url(base, key, text), headers={"Range": f"bytes=1000-{size + 500}"})
    assert middle.headers["content-range"] == f"bytes 1000-{size - 1}/{size}" and middle.content == whole[1000:]
    beyond = httpx.get(_url(base, key, text), headers={"Range": f"bytes={size}-"})
    assert beyond.status_code == 416 and beyond.headers["content-range"] == f"bytes */{size}"


def test_tampered_or_unknown_text_is_refused(make_server) -> None:
    voice = GatedVoice()
    base, _ = make_server(voice)
    (key, text), (key2, text2) = _sentences(base)[:2]
    token, _, query = key.partition("?")
    assert httpx.get(_url(base, key, text + "，以及任何别的话")).status_code == 403
    assert httpx.get(_url(base, key2, text)).status_code == 403  # a sentence of the page, not sentence N
    assert httpx.get(_url(base, f"{token.split('.')[0]}.99999?{query}", text)).status_code == 403
    forged = "A" * 22 + ".0?" + query  # a token no rewrite of the page produces
    assert httpx.get(_url(base, forged, text)).status_code == 403
    assert httpx.get(_url(base, "short?u=/report-2020.html", "任意文字")).status_code == 403
    assert voice.runs == 0


def test_a_page_this_server_forgot_is_learnt_again_by_rewriting_it(make_server) -> None:
    voice = GatedVoice()
    base, services = make_server(voice)
    key, text = _sentences(base)[5]
    services.speech_pages = SpeechPages()  # a restart, another worker, or an eviction
    assert httpx.get(_url(base, key, text)).status_code == 200
    token = key.split(".")[0]
    assert services.speech_pages.get(token) is not None
    # without the page's URL and profile nothing can be learnt: refused, not guessed
    services.speech_pages = SpeechPages()
    assert httpx.get(_url(base, key.split("?")[0] + "?u=", text)).status_code == 403


def test_arbitrary_text_is_off_by_default(make_server) -> None:
    voice = GatedVoice()
    base, _ = make_server(voice)
    response = httpx.get(f"{base}/__eldermode/speech/say?text={quote('任意文字')}")
    assert response.status_code == 404
    assert "speech_arbitrary_text" in response.text
    assert voice.runs == 0


def test_arbitrary_text_when_enabled_and_over_long_text_rejected(make_server) -> None:
    voice = GatedVoice()
    base, _ = make_server(voice, speech_arbitrary_text=True, speech_max_text=20)
    ok = httpx.get(f"{base}/__eldermode/speech/say?text={quote('你好，世界。')}")
    assert ok.status_code == 200 and check_wav(ok.content)
    long = httpx.get(f"{base}/__eldermode/speech/say?text={quote('很长' * 20)}")
    assert long.status_code == 413
    assert "40" in long.text and "20" in long.text  # says how long it was and the limit
    assert voice.runs == 1


def test_no_backend_is_503_with_a_clear_message(make_server) -> None:
    base, _ = make_server(speech_backend="none")
    key, text = _sentences(base)[0]
    response = httpx.get(_url(base, key, text))
    assert response.status_code == 503
    assert "朗读暂不可用" in response.text and "speech" in response.text
    status = httpx.get(f"{base}/__eldermode/speech/status").json()
    assert status["available"] is False and status["reason"]
    # the page itself is still served and still offers the controls (speech.js reports the 503)
    assert "data-em-seg" in httpx.get(base + "/report-2020.html?eldermode=elder").text


def test_full_queue_answers_429_with_retry_after(make_server) -> None:
    gate = threading.Event()
    voice = GatedVoice(gate)
    base, _ = make_server(voice, speech_queue=1)
    (key1, text1), (key2, text2) = _sentences(base)[:2]
    with ThreadPoolExecutor(max_workers=1) as pool:
        first = pool.submit(httpx.get, _url(base, key1, text1), timeout=60)
        assert voice.started.wait(30)  # the first sentence holds the only place in the queue
        busy = httpx.get(_url(base, key2, text2))
        assert busy.status_code == 429
        assert int(busy.headers["retry-after"]) > 0
        gate.set()
        assert first.result().status_code == 200
    assert httpx.get(_url(base, key2, text2)).status_code == 200  # room again


def test_twenty_concurrent_requests_for_one_sentence_run_the_engine_once(make_server) -> None:
    gate = threading.Event()
    voice = GatedVoice(gate)
    base, _ = make_server(voice, speech_queue=2)
    key, text = _sentences(base)[3]
    with ThreadPoolExecutor(max_workers=20) as pool:
        futures = [pool.submit(httpx.get, _url(base, key, text), timeout=60) for _ in range(20)]
        assert voice.started.wait(30)
        gate.set()
        responses = [f.result() for f in futures]
    assert [r.status_code for r in responses] == [200] * 20  # followers never count against the queue
    assert len({r.content for r in responses}) == 1
    assert voice.runs == 1


def test_compressed_format_by_accept_or_parameter(make_server) -> None:
    if not sox_formats():
        pytest.skip("sox is not installed")
    base, _ = make_server(GatedVoice())
    key, text = _sentences(base)[0]
    ogg = httpx.get(_url(base, key, text), headers={"Accept": "audio/ogg, audio/wav;q=0.5"})
    assert ogg.headers["content-type"] == "audio/ogg" and ogg.content.startswith(b"OggS")
    assert ogg.headers["vary"] == "Accept"
    anything = httpx.get(_url(base, key, text), headers={"Accept": "*/*"})
    assert anything.headers["content-type"] == "audio/wav"
    mp3 = httpx.get(_url(base, key, text, f="mp3"))
    assert mp3.headers["content-type"] == "audio/mpeg"
    assert httpx.get(_url(base, key, text, f="flac")).status_code == 406


def test_whole_article_download(make_server) -> None:
    base, _ = make_server(GatedVoice())
    response = httpx.get(f"{base}/__eldermode/speech/page.wav?url=/report-2020.html", timeout=300)
    assert response.status_code == 200
    assert response.headers["content-type"] == "audio/wav"
    assert "attachment" in response.headers["content-disposition"]
    assert check_wav(response.content).duration > 600  # the report's text is over ten minutes long
    assert httpx.get(f"{base}/__eldermode/speech/page.wav?url=https://elsewhere.example/").status_code == 400
    assert httpx.get(f"{base}/__eldermode/speech/page.wav?url=/missing.html").status_code == 404


def test_secret_persists_in_the_cache_dir_when_not_configured(tmp_path: Path) -> None:
    from eldermode.middleware.speech_secret import load_secret

    settings = Settings(cache_dir=str(tmp_path / "c"))
    first = load_secret(settings)
    assert len(first) == 32 and load_secret(settings) == first
    assert (tmp_path / "c" / "speech-secret").stat().st_mode & 0o777 == 0o600
    assert load_secret(Settings(cache_dir=str(tmp_path / "other"))) != first
    assert load_secret(Settings(cache_dir=str(tmp_path / "c"), secret="x")) != first


def test_gbk_page_sentences_are_spoken_too(serve_app, seed_gbk_bytes: bytes, tmp_path: Path) -> None:
    async def report(request):
        return Response(seed_gbk_bytes, headers={"Content-Type": "text/html; charset=gb2312"})

    app = Starlette(routes=[Route("/report-2020.html", report)])
    settings = Settings(cache_dir=str(tmp_path), secret="gbk")
    services = Services(app, settings)
    services.speech = SpeechService(settings, speaker=Speaker(GatedVoice(), DiskCache(tmp_path / "speech")))
    base = serve_app(ElderModeMiddleware(app, settings, services=services))
    sentences = _sentences(base)
    texts = [t for _, t in sentences]
    assert "累计办理市政府12345转办案件14850件,办结率98.7%、回访满意度达到了93.2%。" in texts
    key, text = sentences[texts.index("累计办理市政府12345转办案件14850件,办结率98.7%、回访满意度达到了93.2%。")]
    response = httpx.get(_url(base, key, text))
    assert response.status_code == 200 and check_wav(response.content).duration > 3


def test_pre_rendered_audio_is_served_without_an_engine(make_server, tmp_path: Path) -> None:
    base, services = make_server(speech_backend="none")
    (key, text), (key2, text2) = _sentences(base)[:2]
    Speaker(GatedVoice(), DiskCache(tmp_path / "speech")).render(text, "zh", "normal", "wav")  # e.g. eldermode speak
    assert httpx.get(_url(base, key, text, f="wav")).status_code == 200
    assert httpx.get(_url(base, key2, text2, f="wav")).status_code == 503
