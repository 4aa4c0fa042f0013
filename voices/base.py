"""The ``Voice`` protocol every speech backend implements, its errors, and WAV validation.

A backend turns prepared text into audio bytes in one declared format. It is
synchronous and may block for a while: callers on an event loop run it in a
thread. Output is always checked here before anyone may cache or serve it — an
empty or malformed file is an error, never audio.
"""

from __future__ import annotations

import io
import wave
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = [
    "RATES",
    "VOICES",
    "BackendUnavailable",
    "InvalidAudio",
    "SpeechError",
    "SynthesisTimeout",
    "Voice",
    "WavInfo",
    "check_wav",
    "rate_wpm",
    "voice_for_lang",
]

# Speaking rates (words per minute for espeak-ng) behind the 语速 control.
RATES = {"slow": 130, "normal": 165, "fast": 210}

# Engine voice per page language. Debian's espeak-ng 1.51 ``cmn`` reads many hanzi
# as English-spelled pinyin with tone digits; ``cmn-latn-pinyin`` reads them right.
VOICES = {"zh": "cmn-latn-pinyin", "en": "en"}


class SpeechError(RuntimeError):
    """Synthesis failed; the message says why (shown to operators, never audio)."""


class BackendUnavailable(SpeechError):
    """No speech engine is installed or it cannot start."""


class SynthesisTimeout(SpeechError):
    """The engine did not finish in time (the worker was killed and replaced)."""


class InvalidAudio(SpeechError):
    """The engine produced an empty or malformed file."""


@runtime_checkable
class Voice(Protocol):
    """A speech backend: prepared text in, audio bytes of ``audio_format`` out."""

    name: str  # "pyttsx3", "espeak-ng"
    audio_format: str  # "wav"

    def synthesize(self, text: str, *, voice: str, rate: int) -> bytes:
        """Audio for ``text`` spoken with engine voice ``voice`` at ``rate`` words per minute."""
        ...

    def close(self) -> None: ...


def voice_for_lang(lang: str | None, overrides: dict[str, str] | None = None) -> str:
    """The engine voice for a page language: Mandarin for Chinese, English for English."""
    key = "en" if (lang or "").lower().startswith("en") else "zh"
    return (overrides or {}).get(key) or VOICES[key]


def rate_wpm(rate: str | int) -> int:
    """Words per minute for a 语速 name (slow/normal/fast) or a number (clamped to 80–450)."""
    if isinstance(rate, str):
        if rate in RATES:
            return RATES[rate]
        rate = int(rate)
    return max(80, min(450, int(rate)))


@dataclass(frozen=True)
class WavInfo:
    channels: int
    sample_width: int
    frame_rate: int
    frames: int

    @property
    def duration(self) -> float:
        return self.frames / self.frame_rate if self.frame_rate else 0.0


def check_wav(data: bytes) -> WavInfo:
    """Parse ``data`` as a PCM WAV with audio in it; raise :class:`InvalidAudio` otherwise.

    Also rejects headers whose sizes disagree with the data (``espeak-ng --stdout``
    writes placeholder sizes, which some players refuse).
    """
    if len(data) <= 44 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        raise InvalidAudio(f"not a WAV file with audio ({len(data)} bytes)")
    if int.from_bytes(data[4:8], "little") != len(data) - 8:
        raise InvalidAudio("WAV header size does not match the data")
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            info = WavInfo(wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), wav.getnframes())
    except (wave.Error, EOFError) as exc:
        raise InvalidAudio(f"malformed WAV: {exc}") from exc
    if info.frames == 0:
        raise InvalidAudio("WAV has no samples")
    expected = 44 + info.frames * info.channels * info.sample_width
    if len(data) < expected:
        raise InvalidAudio("WAV is shorter than its header says")
    return info
