"""``eldermode speak``: pre-rendered files, and a warm-up the server then serves from without synthesising."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html import unescape
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
import support
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from eldermode.middleware.cli import main
from eldermode.middleware.rewrite import ElderModeMiddleware
from eldermode.middleware.services import Services
from eldermode.middleware.settings import Settings
from eldermode.middleware.speech_service import SpeechService, build_speaker
from eldermode.voices import check_wav
from eldermode.voices.espeak_cli import find_espeak

PAGE = (
    '<html lang="zh-CN"><head><meta charset="utf-8"><title>公告</title></head><body>'
    '<div class="nav"><a href="/">首页</a></div>'
    '<div id="content"><h1>公告</h1><p>热线电话12345全天开通。办结率98.7%。</p>'
    "<p>" + "请市民朋友相互转告。" * 3 + "</p></div></body></html>"
)


@pytest.fixture(autouse=True)
def _engine() -> None:
    if find_espeak() is None:
        if support.is_ci():
            pytest.fail("espeak-ng is not installed (CI=true)", pytrace=False)
        pytest.skip("espeak-ng is not installed")


def test_speak_writes_sentences_index_and_whole_article(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("ELDERMODE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ELDERMODE_SPEECH_BACKEND", "espeak-ng")
    page = tmp_path / "notice.html"
    page.write_text(PAGE, encoding="utf-8")
    out = tmp_path / "out"
    assert main(["speak", str(page), "--out", str(out), "--format", "wav", "--quiet"]) == 0
    index = json.loads((out / "notice" / "index.json").read_text(encoding="utf-8"))
    texts = [s["text"] for s in index["segments"]]
    assert texts == ["公告", "热线电话12345全天开通。", "办结率98.7%。"] + ["请市民朋友相互转告。"] * 3
    durations = [check_wav((out / "notice" / s["file"]).read_bytes()).duration for s in index["segments"]]
    assert all(d > 0.3 for d in durations)
    whole = check_wav((out / "notice.wav").read_bytes()).duration
    assert whole > sum(durations)  # all sentences plus the pauses between them


def test_speak_without_pages_is_a_usage_error(capsys) -> None:
    assert main(["speak"]) == 2
    assert "give pages" in capsys.readouterr().err


def test_progress_bar_on_a_terminal_and_summary_line(tmp_path: Path) -> None:
    page = tmp_path / "notice.html"
    page.write_text(PAGE, encoding="utf-8")
    env = {"ELDERMODE_CACHE_DIR": str(tmp_path / "cache"), "ELDERMODE_SPEECH_BACKEND": "espeak-ng",
           "PATH": "/usr/bin:/bin"}
    # stderr is a pipe here, so the bar is replaced by one summary line per page
    done = subprocess.run([sys.executable, "-m", "eldermode.middleware.cli", "speak", str(page)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^notice: 6 sentences, [\d.]+ min of audio", done.stderr, re.M)


class CountingVoice:
    """Stands in for the engine in the server after a warm-up: every call is a cache miss."""

    name = "counting"
    audio_format = "wav"

    def __init__(self) -> None:
        self.runs = 0

    def synthesize(self, text: str, *, voice: str, rate: int) -> bytes:
        self.runs += 1
        raise AssertionError(f"synthesised after warm-up: {text}")

    def close(self) -> None:
        pass


def test_warm_up_from_a_url_list_fills_the_cache_the_server_uses(tmp_path: Path, serve_app, monkeypatch) -> None:
    async def notice(request):
        return Response(PAGE.encode("utf-8"), media_type="text/html; charset=utf-8")

    site = Starlette(routes=[Route("/notice.html", notice)])
    origin = serve_app(site)
    urls = tmp_path / "urls.txt"
    urls.write_text(f"# pages to warm\n{origin}/notice.html\n", encoding="utf-8")
    monkeypatch.setenv("ELDERMODE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("ELDERMODE_SPEECH_BACKEND", "espeak-ng")
    assert main(["speak", "--urls", str(urls), "--quiet"]) == 0

    # the server, on the same cache directory, with an engine that must not be needed
    settings = Settings(cache_dir=str(tmp_path / "cache"), secret="warm")
    voice = CountingVoice()
    speaker = build_speaker(settings)
    speaker.voice.close()
    speaker.voice = voice
    services = Services(site, settings)
    services.speech = SpeechService(settings, speaker=speaker)
    base = serve_app(ElderModeMiddleware(site, settings, services=services))
    page = httpx.get(base + "/notice.html?eldermode=elder").text
    token = re.search(r'data-em-page="([^"]+)"', page).group(1)
    sentences = {seg: (f"{token}.{seg}", unescape(text)) for seg, text in re.findall(
        r'data-em-seg="(\d+)">([^<]*)<', page)}
    assert len(sentences) == 6
    for key, text in sentences.values():
        formats = ["wav"] + (["ogg"] if "ogg" in speaker.formats else [])
        for fmt in formats:
            response = httpx.get(f"{base}/__eldermode/speech/seg/{key}?l=zh&r=normal&f={fmt}&t={quote(text)}")
            assert response.status_code == 200, response.text
    assert voice.runs == 0
