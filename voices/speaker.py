"""The Speaker: page text in, cached audio out — the one speech object the HTTP side and the CLI use.

It prepares the text (normalisation), picks the engine voice for the language,
looks in the cache, makes sure one segment is synthesised once however many
requests ask for it at the same time (threads here; instances through the
cache's ``claim``), and encodes WAV to Ogg Vorbis or MP3 with sox when asked.
Thread-safe; blocking — call it from a worker thread on an event loop.
"""

from __future__ import annotations

import io
import logging
import shutil
import subprocess
import threading
import time
import wave
from collections import OrderedDict
from concurrent.futures import Future

from .base import BackendUnavailable, SpeechError, Voice, check_wav, rate_wpm, voice_for_lang
from .cache import AudioCache, audio_key
from .text import normalize, sentence_lang

__all__ = ["MEDIA_TYPES", "Speaker", "concatenate_wavs", "encode", "sox_formats"]

log = logging.getLogger("eldermode.speech")

MEDIA_TYPES = {"wav": "audio/wav", "ogg": "audio/ogg", "mp3": "audio/mpeg"}
_HOT_ITEM_MAX = 2 * 1024 * 1024  # a sentence is 10–500 KB; whole articles stay out of memory
_SOX_ARGS = {"ogg": ["-t", "ogg", "-C", "3"], "mp3": ["-t", "mp3", "-C", "32"]}


def sox_formats() -> tuple[str, ...]:
    """Compressed formats this machine can encode (sox with libsox-fmt-all), best first."""
    return ("ogg", "mp3") if shutil.which("sox") else ()


class Speaker:
    def __init__(
        self,
        voice: Voice | None,
        cache: AudioCache | None = None,
        *,
        voice_overrides: dict[str, str] | None = None,
        unavailable_reason: str = "",
        claim_seconds: float = 30.0,
        hot_max_bytes: int = 32 * 1024 * 1024,
    ):
        self.voice = voice
        self.cache = cache
        self.voice_overrides = dict(voice_overrides or {})
        self.unavailable_reason = unavailable_reason or "no speech engine is installed"
        self.claim_seconds = claim_seconds
        self.formats = ("wav",) + sox_formats()
        self.syntheses = 0  # engine runs, for tests and the benchmark
        self._lock = threading.Lock()
        self._inflight: dict[str, Future[bytes]] = {}
        self._hot: OrderedDict[str, bytes] = OrderedDict()  # recently served audio, in memory
        self._hot_bytes = 0
        self.hot_max_bytes = hot_max_bytes

    @property
    def available(self) -> bool:
        return self.voice is not None

    def prepared(self, text: str, lang: str, rate: str | int, audio_format: str) -> tuple[str, str, int, str]:
        """``(spoken text, engine voice, wpm, cache key)`` for one segment."""
        if audio_format not in MEDIA_TYPES:
            raise ValueError(f"unknown audio format {audio_format!r}")
        lang = sentence_lang(text, lang)
        spoken = normalize(text, lang)
        voice = voice_for_lang(lang, self.voice_overrides)
        wpm = rate_wpm(rate)
        return spoken, voice, wpm, audio_key(spoken, voice, wpm, audio_format)

    def cached(self, text: str, lang: str = "zh", rate: str | int = "normal", audio_format: str = "wav") -> bytes | None:
        return self._lookup(self.prepared(text, lang, rate, audio_format)[3])

    def _lookup(self, key: str) -> bytes | None:
        """Memory first (no I/O for the sentences being read right now), then the shared cache."""
        with self._lock:
            hit = self._hot.get(key)
            if hit is not None:
                self._hot.move_to_end(key)
                return hit
        if self.cache is None:
            return None
        hit = self.cache.get(key)
        if hit is not None:
            self._remember(key, hit)
        return hit

    def _remember(self, key: str, data: bytes) -> None:
        if len(data) > _HOT_ITEM_MAX:
            return  # a long recording does not belong in the hot set
        with self._lock:
            if key in self._hot:
                return
            self._hot[key] = data
            self._hot_bytes += len(data)
            while self._hot_bytes > self.hot_max_bytes:
                _, old = self._hot.popitem(last=False)
                self._hot_bytes -= len(old)

    def render(self, text: str, lang: str = "zh", rate: str | int = "normal", audio_format: str = "wav") -> bytes:
        """Audio for one segment of page text; from the cache when it is there."""
        spoken, voice, wpm, key = self.prepared(text, lang, rate, audio_format)
        if not spoken:
            raise SpeechError("nothing to say")
        if audio_format == "wav":
            return self._once(key, lambda: self._synthesize(spoken, voice, wpm))
        if audio_format not in self.formats:
            raise SpeechError(f"this server cannot encode {audio_format} (sox is not installed)")
        return self._once(key, lambda: encode(self.render(text, lang, rate, "wav"), audio_format))

    def _synthesize(self, spoken: str, voice: str, wpm: int) -> bytes:
        if self.voice is None:
            raise BackendUnavailable(self.unavailable_reason)
        with self._lock:
            self.syntheses += 1
        data = self.voice.synthesize(spoken, voice=voice, rate=wpm)
        check_wav(data)
        return data

    def _once(self, key: str, make) -> bytes:
        """The cached entry for ``key``, or ``make()`` run once for all concurrent callers."""
        hit = self._lookup(key)
        if hit is not None:
            return hit
        with self._lock:
            future = self._inflight.get(key)
            leader = future is None
            if leader:
                future = self._inflight[key] = Future()
        if not leader:
            return future.result()
        try:
            data = self._make_shared(key, make)
            self._remember(key, data)
            future.set_result(data)
            return data
        except BaseException as exc:
            future.set_exception(exc)
            raise
        finally:
            with self._lock:
                self._inflight.pop(key, None)

    def _make_shared(self, key: str, make) -> bytes:
        if self.cache is None:
            return make()
        if not self.cache.claim(key, self.claim_seconds):
            # another instance is rendering this segment: wait for its result
            deadline = time.monotonic() + self.claim_seconds
            while time.monotonic() < deadline:
                time.sleep(0.05)
                hit = self.cache.get(key)
                if hit is not None:
                    return hit
        try:
            hit = self.cache.get(key)  # it may have landed between our miss and the claim
            if hit is not None:
                return hit
            data = make()
            try:
                self.cache.put(key, data)
            except OSError as exc:  # a full or read-only disk costs the cache, not the audio
                log.warning("audio cache write failed: %s", exc)
            return data
        finally:
            self.cache.release(key)

    def render_article(self, segments: list[str], lang: str = "zh", rate: str | int = "normal", pause: float = 0.35) -> bytes:
        """One WAV of all ``segments`` in order, with a short pause between sentences."""
        return concatenate_wavs([self.render(s, lang, rate, "wav") for s in segments], pause)

    def close(self) -> None:
        if self.voice is not None:
            self.voice.close()


def encode(wav: bytes, audio_format: str) -> bytes:
    """WAV bytes encoded to ``ogg`` (Vorbis) or ``mp3`` by sox, through pipes."""
    proc = subprocess.run(
        ["sox", "-t", "wav", "-", *_SOX_ARGS[audio_format], "-"],
        input=wav,
        capture_output=True,
        timeout=300,  # a whole article
        check=False,
    )
    if proc.returncode != 0 or len(proc.stdout) < 64:
        raise SpeechError(f"sox could not encode {audio_format}: {proc.stderr.decode('utf-8', 'replace').strip()}")
    return proc.stdout


def concatenate_wavs(parts: list[bytes], pause: float = 0.35) -> bytes:
    """Join same-format WAVs into one, ``pause`` seconds of silence between them."""
    if not parts:
        raise SpeechError("nothing to say")
    out = io.BytesIO()
    with wave.open(io.BytesIO(parts[0])) as first:
        params = first.getparams()
    silence = b"\0" * (int(params.framerate * pause) * params.sampwidth * params.nchannels)
    with wave.open(out, "wb") as joined:
        joined.setnchannels(params.nchannels)
        joined.setsampwidth(params.sampwidth)
        joined.setframerate(params.framerate)
        for index, part in enumerate(parts):
            with wave.open(io.BytesIO(part)) as w:
                if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (
                    params.nchannels, params.sampwidth, params.framerate
                ):
                    raise SpeechError("segments have different audio formats")
                if index:
                    joined.writeframes(silence)
                joined.writeframes(w.readframes(w.getnframes()))
    return out.getvalue()
