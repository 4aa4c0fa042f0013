"""朗读 benchmark: text normalisation per sentence, engine real-time factor, time to first audio, cached latency under load.

Run by hand on an otherwise idle machine (numbers go to the README; no test asserts them):

    python benchmarks/bench_speech.py                 # everything (≈ 2 minutes)
    python benchmarks/bench_speech.py --only text     # text | rtf | first | load

"text" times the Chinese normaliser itself (``normalize_zh``, not the cached ``normalize``) on
the seed report's sentences and on the inputs of the peers' test suites (when
``$ELDERMODE_PEER_SUITES`` or ../shared/peer-suites holds them).

"first" and "load" run ``eldermode demo`` (the demo site behind the real reverse proxy) in a
child process with a fresh cache directory, and fetch what speech.js fetches: the page, then
the first sentence of the report's first paragraph as Ogg (what Chromium asks for) and WAV.
"load" needs wrk (Debian package ``wrk``).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from html import unescape
from pathlib import Path
from urllib.parse import quote

import httpx

REPO = Path(__file__).resolve().parents[1]
PAGES = REPO / "tests" / "fixtures" / "pages"  # the project's own copy of the seed report
SPAN = re.compile(r'data-em-seg="(\d+)">([^<]*)<')
SCRIPT = re.compile(r'data-em-page="([^"]+)" data-em-url="([^"]*)" data-em-profile="([^"]*)"')


def seed_sentences() -> list[str]:
    """The sentences 朗读 reads on the seed report, in order."""
    from eldermode.middleware.services import Services
    from eldermode.middleware.settings import Settings
    from eldermode.middleware.speech_service import article_segments

    body = (PAGES / "report-2020.html").read_bytes()
    services = Services(None, Settings(secret="bench"))
    return article_segments(body, "text/html; charset=utf-8", "/report-2020.html", services)[0]


# ---------------------------------------------------------------- text normalisation


def peer_suite_inputs() -> list[str]:
    """The input side of every case of the peers' suites (empty when they are absent)."""
    sys.path.insert(0, str(REPO / "tests"))
    import support

    root = support.peer_suites_dir()
    if root is None:
        return []
    inputs = []
    for pattern, separator in (("tn/wetext/*.txt", "=>"), ("tn/nemo/*.txt", "~")):
        for path in sorted(root.glob(pattern)):
            inputs += [line.partition(separator)[0].strip() for line in path.read_text(encoding="utf-8").splitlines()
                       if separator in line]
    return inputs


def bench_text(rounds: int = 200) -> None:
    from eldermode.voices.text import normalize_zh

    # Wall-clock rounds are disturbed by other jobs on a shared machine; the thread's CPU time is not
    # (it counts only the time this thread ran), so its mean is the cost per sentence.
    print(f"## Text normalisation (normalize_zh, uncached; {rounds} rounds: wall median and best, mean CPU time)")
    print(f"{'sentences':<44} {'n':>5} {'chars/sentence':>15} {'µs median':>10} {'µs best':>8} {'µs CPU':>10}")
    for label, texts in (("seed report (every sentence 朗读 reads)", seed_sentences()),
                         ("peers' suite inputs (wetext + nemo)", peer_suite_inputs())):
        if not texts:
            print(f"{label:<44} absent")
            continue
        per_round = []
        cpu_start = time.thread_time()
        for _ in range(rounds):
            start = time.perf_counter()
            for text in texts:
                normalize_zh(text)
            per_round.append((time.perf_counter() - start) / len(texts))
        cpu_mean = (time.thread_time() - cpu_start) / (rounds * len(texts)) * 1e6
        chars = sum(map(len, texts)) / len(texts)
        median, best = statistics.median(per_round) * 1e6, min(per_round) * 1e6
        print(f"{label:<44} {len(texts):>5} {chars:>15.1f} {median:>10.1f} {best:>8.1f} {cpu_mean:>10.1f}")
    print()


# ---------------------------------------------------------------- real-time factor


def bench_rtf() -> None:
    from eldermode.voices import check_wav, voice_for_lang
    from eldermode.voices.espeak_cli import EspeakCLIVoice
    from eldermode.voices.pyttsx3_pool import Pyttsx3Voice
    from eldermode.voices.text import normalize

    sentences = [normalize(s) for s in seed_sentences()[1:41]]  # 40 sentences of the body text
    paragraph = "".join(sentences[:3])
    voice = voice_for_lang("zh")
    print("## Synthesis real-time factor (seed report, cmn-latn-pinyin, 165 wpm)")
    print(f"{'engine':<28} {'workload':<26} {'wall s':>8} {'audio s':>8} {'RTF':>8} {'× real time':>12}")
    engines = [("espeak-ng CLI", EspeakCLIVoice())]
    pool = Pyttsx3Voice(workers=2)
    pool.synthesize("预热。", voice=voice, rate=165)  # workers spawned and ready
    engines.append(("pyttsx3 (2 spawned workers)", pool))
    from concurrent.futures import ThreadPoolExecutor

    for name, engine in engines:
        for label, texts, parallel in (
            (f"1 paragraph ({len(paragraph)} chars)", [paragraph], 1),
            ("40 sentences, one at a time", sentences, 1),
            ("40 sentences, 2 at a time", sentences, 2),
        ):
            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=parallel) as executor:
                audio = list(executor.map(lambda t: engine.synthesize(t, voice=voice, rate=165), texts))
            wall = time.perf_counter() - start
            seconds = sum(check_wav(a).duration for a in audio)
            print(f"{name:<28} {label:<26} {wall:>8.3f} {seconds:>8.1f} {wall / seconds:>8.4f} {seconds / wall:>11.0f}×")
    pool.close()
    print()


# ---------------------------------------------------------------- the demo proxy in a child process


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Demo:
    def __init__(self, backend: str = "auto"):
        self.cache = tempfile.mkdtemp(prefix="eldermode-bench-speech-")
        self.port = free_port()
        while True:
            try:
                with socket.socket() as s:
                    s.bind(("127.0.0.1", self.port + 1))
                break
            except OSError:
                self.port = free_port()
        env = dict(os.environ, ELDERMODE_CACHE_DIR=self.cache, ELDERMODE_SPEECH_BACKEND=backend,
                   ELDERMODE_SECRET="bench")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "eldermode.middleware.cli", "demo", "--port", str(self.port), "--log-level", "error"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/__eldermode/health", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.1)
        raise RuntimeError("the demo did not start")

    def sentences(self) -> list[tuple[str, str]]:
        page = httpx.get(self.base + "/report-2020.html?eldermode=elder", timeout=30).text
        token, url, profile = (unescape(v) for v in SCRIPT.search(page).groups())
        self.page_query = f"&u={quote(url)}&m={quote(profile)}"  # how speech.js names the page
        seen: dict[str, tuple[str, str]] = {}
        for seg, text in SPAN.findall(page):
            seen.setdefault(seg, (f"{token}.{seg}", unescape(text)))
        return list(seen.values())

    def url(self, key: str, text: str, fmt: str, rate: str = "normal") -> str:
        return (f"{self.base}/__eldermode/speech/seg/{key}?l=zh&r={rate}&f={fmt}"
                f"{getattr(self, 'page_query', '')}&t={quote(text)}")

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.cache, ignore_errors=True)


def _get_ms(client: httpx.Client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url, timeout=60)
    response.raise_for_status()
    return (time.perf_counter() - start) * 1000


def bench_first_audio() -> None:
    print("## Time to first audio: the first sentence of the report's first paragraph (ms, whole response)")
    print(f"{'backend':<10} {'format':<6} {'cold start':>11} {'cold cache':>11} {'cached p50':>11} {'cached p95':>11}")
    for backend in ("pyttsx3", "espeak-ng"):
        for fmt in ("ogg", "wav"):
            demo = Demo(backend)
            try:
                sentences = demo.sentences()
                key, text = sentences[1]  # [0] is the title; [1] opens the first paragraph
                with httpx.Client() as client:
                    cold_start = _get_ms(client, demo.url(key, text, fmt))  # engine starts on first use
                    # another sentence of the same length class, engine warm, cache cold
                    key2, text2 = sentences[2]
                    cold_cache = statistics.median(
                        [_get_ms(client, demo.url(k, t, fmt, rate)) for (k, t), rate in
                         (((key2, text2), "normal"), ((key, text), "slow"), ((key, text), "fast"))]
                    )
                    cached = sorted(_get_ms(client, demo.url(key, text, fmt)) for _ in range(200))
                print(f"{backend:<10} {fmt:<6} {cold_start:>11.1f} {cold_cache:>11.1f} "
                      f"{cached[100]:>11.2f} {cached[190]:>11.2f}")
            finally:
                demo.close()
    print()


def bench_load(duration: int = 10, connections: int = 20) -> None:
    wrk = shutil.which("wrk")
    if not wrk:
        print("## Cached segment under load: skipped (wrk is not installed)\n")
        return
    demo = Demo("auto")
    try:
        sentences = demo.sentences()[1:21]
        with httpx.Client() as client:
            for key, text in sentences:
                client.get(demo.url(key, text, "ogg"), timeout=60).raise_for_status()
        script = Path(tempfile.mkstemp(suffix=".lua")[1])
        paths = [demo.url(k, t, "ogg").removeprefix(demo.base) for k, t in sentences]
        script.write_text(
            "local paths = {" + ",".join(f'"{p}"' for p in paths) + "}\n"
            "local i = 0\nrequest = function()\n  i = i % #paths + 1\n"
            "  return wrk.format('GET', paths[i])\nend\n",
            encoding="utf-8",
        )
        print(f"## Cached segment latency under load (wrk, {connections} connections, {duration} s, "
              f"20 cached Ogg sentences, through the demo reverse proxy)")
        result = subprocess.run(
            [wrk, "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "-s", str(script), demo.base],
            capture_output=True, text=True, timeout=duration + 30,
        ).stdout
        script.unlink()
        for line in result.splitlines():
            if re.match(r"\s+(50|75|90|99)%|Requests/sec|Transfer/sec|\s+Latency|.*requests in", line):
                print("   ", line.strip())
        print()
    finally:
        demo.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=("text", "rtf", "first", "load"))
    args = parser.parse_args()
    print(f"# eldermode speech benchmark — {os.cpu_count()} CPUs, Python {sys.version.split()[0]}\n")
    if args.only in (None, "text"):
        bench_text()
    if args.only in (None, "rtf"):
        bench_rtf()
    if args.only in (None, "first"):
        bench_first_audio()
    if args.only in (None, "load"):
        bench_load()


if __name__ == "__main__":
    main()
