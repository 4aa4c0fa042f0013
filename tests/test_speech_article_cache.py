"""Whole-article downloads (/__eldermode/speech/page…) are made once, one at a time, and revalidated for free.

Regression tests from the security review: every request re-joined the article's WAV (68 MB for the seed
report) and re-encoded it with sox (~14 s CPU), outside the ``speech_queue`` bound and never cached, so a
few parallel downloads took the demo from 110 MB to 378 MB. Unit tests with a fake engine and a counted
stand-in for sox, called in-process; the real engine and sox are covered by test_speech_http.py.
"""

from __future__ import annotations

import asyncio
import io
import threading
import time
import wave
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

import eldermode.middleware.speech_service as speech_service
from eldermode.middleware import ElderModeMiddleware, Settings
from eldermode.voices.cache import DiskCache
from eldermode.voices.speaker import Speaker

ARTICLE = ("<!DOCTYPE html><html lang='zh-CN'><head><title>{title}</title></head><body><div id='zoom'>"
           "<p>根据有关规定，结合我区政府信息公开工作有关统计数据撰写本报告。</p>"
           "<p>本年度共收到政府信息公开申请十五件，全部按时办结。</p></div></body></html>")


class QuietVoice:
    """Answers every sentence with a tenth of a second of silence, counting runs."""

    name = "quiet"
    audio_format = "wav"

    def __init__(self):
        self.runs = 0

    def synthesize(self, text: str, *, voice: str, rate: int) -> bytes:
        self.runs += 1
        out = io.BytesIO()
        with wave.open(out, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes(b"\0" * 1600)
        return out.getvalue()

    def close(self) -> None:
        pass


class CountingEncoder:
    """Stands in for sox: counts encodes and how many run at once; ``gate`` holds each one until set."""

    def __init__(self, gate: threading.Event | None = None, seconds: float = 0.0):
        self.gate = gate
        self.seconds = seconds
        self.calls = self.running = self.peak = 0
        self.started = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, wav: bytes, audio_format: str) -> bytes:
        with self._lock:
            self.calls += 1
            self.running += 1
            self.peak = max(self.peak, self.running)
        self.started.set()
        if self.gate is not None:
            self.gate.wait(30)
        time.sleep(self.seconds)
        with self._lock:
            self.running -= 1
        return b"ID3" + len(wav).to_bytes(4, "big") + b"\0" * 100


@pytest.fixture
def site(tmp_path: Path, monkeypatch):
    """``site(encoder, **settings) -> (app, voice)``: two article pages behind the middleware, fake engine."""

    def make(encoder: CountingEncoder, **overrides):
        monkeypatch.setattr(speech_service, "encode", encoder)
        pages = {"/a.html": ARTICLE.format(title="甲"), "/b.html": ARTICLE.format(title="乙")}

        async def serve(request):
            return HTMLResponse(pages[request.url.path])

        settings = Settings(cache_dir=str(tmp_path), secret="test", **overrides)
        app = ElderModeMiddleware(Starlette(routes=[Route(p, serve) for p in pages]), settings=settings)
        voice = QuietVoice()
        speaker = Speaker(voice, DiskCache(tmp_path / "speech"))
        speaker.formats = ("wav", "mp3")  # what sox would add; the encoder is the stand-in above
        app.services.speech = speech_service.SpeechService(settings, speaker=speaker)
        return app, voice

    return make


def fetch_all(app, requests: list[tuple[float, str, dict]]) -> list[httpx.Response]:
    """GET each (delay, path, headers) concurrently, each after its delay, as visitors arrive."""
    async def run():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gov.example") as c:
            async def one(delay, path, headers):
                await asyncio.sleep(delay)
                return await c.get(path, headers=headers)
            return await asyncio.gather(*[one(*r) for r in requests])
    return asyncio.run(run())


def get(app, path: str, **headers: str) -> httpx.Response:
    return fetch_all(app, [(0, path, headers)])[0]


MP3_A = "/__eldermode/speech/page.mp3?url=/a.html"


def test_parallel_downloads_of_one_article_share_one_encode(site):
    encoder = CountingEncoder(seconds=0.5)
    app, _ = site(encoder, speech_queue=1)
    responses = fetch_all(app, [(0.1 * i, f"{MP3_A}&i={i}", {}) for i in range(4)])
    assert [r.status_code for r in responses] == [200] * 4
    assert (encoder.calls, encoder.peak) == (1, 1)
    assert len({r.content for r in responses}) == 1


def test_a_downloaded_article_is_served_from_the_cache(site):
    encoder = CountingEncoder()
    app, voice = site(encoder)
    first = get(app, MP3_A)
    runs = voice.runs
    second = get(app, MP3_A)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content and second.headers["etag"] == first.headers["etag"]
    assert encoder.calls == 1 and voice.runs == runs  # no second join, encode or synthesis
    assert get(app, "/__eldermode/speech/page.wav?url=/a.html").headers["content-type"] == "audio/wav"
    assert encoder.calls == 1  # a WAV download is not encoded at all


def test_revalidation_answers_304_before_any_work(site, tmp_path: Path):
    encoder = CountingEncoder()
    app, _ = site(encoder)
    etag = get(app, MP3_A).headers["etag"]
    fresh_encoder = CountingEncoder()
    fresh_app, fresh_voice = site(fresh_encoder)  # another instance: same settings, nothing made or cached
    fresh_app.services.speech.speaker.cache = DiskCache(tmp_path / "empty")
    answer = get(fresh_app, MP3_A, **{"If-None-Match": etag})
    assert answer.status_code == 304 and answer.content == b""
    assert (fresh_encoder.calls, fresh_voice.runs) == (0, 0)


def test_the_etag_follows_the_page_rate_and_format(site):
    app, _ = site(CountingEncoder())
    tags = {get(app, path).headers["etag"] for path in (MP3_A, "/__eldermode/speech/page.mp3?url=/b.html",
                                                        MP3_A + "&r=slow", "/__eldermode/speech/page.wav?url=/a.html")}
    assert len(tags) == 4


def test_another_article_while_one_is_being_made_is_told_to_retry(site):
    gate = threading.Event()
    encoder = CountingEncoder(gate)
    app, _ = site(encoder, speech_queue=8)

    async def run():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gov.example") as c:
            first = asyncio.ensure_future(c.get(MP3_A))
            while not encoder.started.is_set():  # the first article holds the only article slot
                await asyncio.sleep(0.01)
            busy = await c.get("/__eldermode/speech/page.mp3?url=/b.html")
            gate.set()
            return await first, busy, await c.get("/__eldermode/speech/page.mp3?url=/b.html")

    first, busy, later = asyncio.run(run())
    assert first.status_code == 200
    assert busy.status_code == 429 and int(busy.headers["retry-after"]) > 0
    assert later.status_code == 200  # room again once the first is done
    assert encoder.peak == 1


def test_page_without_text_and_non_html_answers(site):
    app, _ = site(CountingEncoder())
    app.services.speech.speaker.formats = ("wav",)
    assert get(app, MP3_A).status_code == 406  # no sox: only WAV
    assert get(app, "/__eldermode/speech/page.wav?url=/missing.html").status_code == 404
