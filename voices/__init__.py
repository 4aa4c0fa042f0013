"""eldermode.voices: server-side speech (朗读) — text preparation, engines, audio cache. No HTML here.

* :mod:`.text` — sentence segmentation, the voice language, and the normalisation entry point;
* :mod:`.zh_rules`, :mod:`.numerals`, :mod:`.zh_symbols` — the Chinese read-aloud rules, how numbers
  are said, the spoken names of symbols;
* :mod:`.base` — the ``Voice`` protocol, errors, WAV validation, voices and rates;
* :mod:`.pyttsx3_pool` / :mod:`.espeak_cli` — the two engines;
* :mod:`.cache` — content-addressed audio cache (disk or Redis) with single-flight;
* :mod:`.speaker` — the one object the HTTP side calls: text in, cached audio out.
"""

from __future__ import annotations

from .base import (
    RATES,
    VOICES,
    BackendUnavailable,
    InvalidAudio,
    SpeechError,
    SynthesisTimeout,
    Voice,
    check_wav,
    rate_wpm,
    voice_for_lang,
)

__all__ = [
    "RATES",
    "VOICES",
    "BackendUnavailable",
    "InvalidAudio",
    "SpeechError",
    "SynthesisTimeout",
    "Voice",
    "check_wav",
    "create_voice",
    "rate_wpm",
    "voice_for_lang",
]

BACKENDS = ("auto", "pyttsx3", "espeak-ng", "none")


def create_voice(backend: str = "auto", *, workers: int = 2, timeout: float = 20.0) -> Voice:
    """The speech engine named ``backend``; ``auto`` prefers pyttsx3, then the espeak-ng CLI.

    Raises :class:`BackendUnavailable` when none can run (the HTTP side answers 503).
    """
    if backend not in BACKENDS:
        raise ValueError(f"speech backend {backend!r}: expected one of {', '.join(BACKENDS)}")
    if backend == "none":
        raise BackendUnavailable("speech is switched off (speech backend 'none')")
    errors = []
    if backend in ("auto", "pyttsx3"):
        from .pyttsx3_pool import Pyttsx3Voice

        try:
            return Pyttsx3Voice(workers=workers, timeout=timeout)
        except BackendUnavailable as exc:
            if backend == "pyttsx3":
                raise
            errors.append(str(exc))
    from .espeak_cli import EspeakCLIVoice

    try:
        return EspeakCLIVoice(timeout=timeout)
    except BackendUnavailable as exc:
        errors.append(str(exc))
    raise BackendUnavailable("no speech engine: " + "; ".join(errors))
