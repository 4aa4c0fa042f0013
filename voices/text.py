"""Text preparation for speech: sentence segmentation, the voice language, and the normalisation entry point.

Segmentation works on the page's own text and returns offsets, so the page
transform can mark exactly the characters of each sentence. Normalisation is
applied per segment just before synthesis: :func:`normalize` picks the language's
rules (Chinese: :mod:`.zh_rules`, which say numbers with :mod:`.numerals`).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from .numerals import cardinal, digits
from .zh_rules import CJK, normalize_zh

__all__ = [
    "MAX_SEGMENT",
    "cardinal",
    "digits",
    "normalize",
    "normalize_zh",
    "segment",
    "sentence_lang",
    "sentence_spans",
    "speech_lang",
]

MAX_SEGMENT = 120  # characters: long enough for a normal sentence, short enough for fast first audio

# Sentence ends: a terminator plus any closing quotes/brackets that belong to the sentence.
_TERMINATORS = "。！？；!?;…"
_CLOSERS = "”’」』》）)】〕]\"'"
_SOFT_BREAKS = "，、：,:—"  # where an over-long sentence is cut, best first is the last one before the limit
_END = "[" + re.escape(_TERMINATORS + _CLOSERS) + "]*"
# ``[\r\n]|[terminator]`` + closers, written to start with one character class: the regular expression engine then
# skips in C to the next candidate instead of trying both branches at every character (twice as fast over Chinese).
_BREAKS = re.compile(r"[\r\n" + re.escape(_TERMINATORS) + "](?:(?<=[" + re.escape(_TERMINATORS) + "])" + _END + ")?")
_BREAKS_EN = re.compile(r"[\r\n]|[" + re.escape(_TERMINATORS) + "]" + _END + r"|\." + _END + r"(?=\s|$)")
_HAS_CJK = _CJK_CHARS = re.compile("[" + CJK + "]")
# A character ``str.isalnum()`` is true of: a word character (``\w``: alphanumeric or "_") but not "_". Searched in C
# from the sentence's start, with no slice and no generator (each cost more than the rest of a sentence's trimming).
_ALNUM = re.compile(r"[^\W_]")


def speech_lang(lang: str | None) -> str:
    """``"en"`` for English pages, ``"zh"`` for everything else (the product's audience)."""
    return "en" if (lang or "").lower().startswith("en") else "zh"


def sentence_lang(text: str, page_lang: str) -> str:
    """The voice language for one sentence: English for a sentence written in English on a Chinese
    page (mostly Latin letters and no hanzi — a spelled-out English sentence helps nobody), Chinese
    for a Chinese sentence on a page that says it is English (many government templates declare
    ``lang="en"`` over Chinese text; the English voice would name each hanzi as a symbol)."""
    lang = speech_lang(page_lang)
    if lang == "zh" and not _HAS_CJK.search(text):
        letters = sum(ch.isascii() and ch.isalpha() for ch in text)
        if letters >= 12 and letters >= 0.5 * len(text.replace(" ", "")):
            return "en"
    elif lang == "en" and _HAS_CJK.search(text):
        hanzi = len(_CJK_CHARS.findall(text))
        letters = sum(ch.isascii() and ch.isalpha() for ch in text)
        if hanzi >= 2 and hanzi >= letters:
            return "zh"
    return lang


# --------------------------------------------------------------------------- segmentation


def sentence_spans(text: str, max_len: int = MAX_SEGMENT, lang: str = "zh") -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences in ``text``, whitespace trimmed, none longer than ``max_len``.

    Breaks after 。！？； (and ! ? ; …) with their closing quotes, at line breaks,
    and, in English, after ". " — then cuts over-long pieces at the last comma-like
    mark before the limit (or hard at the limit when there is none).
    """
    spans: list[tuple[int, int]] = []
    start = 0
    for m in (_BREAKS_EN if lang == "en" else _BREAKS).finditer(text):
        at, end = m.span()  # (one call; the first character read from the text, not from a copy of the match)
        _add_trimmed(text, start, at if text[at] in "\r\n" else end, max_len, spans)
        start = end
    _add_trimmed(text, start, len(text), max_len, spans)
    return spans


def _add_trimmed(text: str, start: int, end: int, max_len: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    if _ALNUM.search(text, start, end) is None:  # punctuation only
        if (out and out[-1][1] <= start and end - out[-1][0] <= max_len
                and text[out[-1][1]:start].strip() == ""):
            out[-1] = (out[-1][0], end)  # a stray closing mark belongs to the sentence before it, within the limit
        return
    while end - start > max_len:
        cut = _soft_cut(text, start, start + max_len)
        _add_trimmed(text, start, cut, max_len, out)
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if start < end:
        out.append((start, end))


def _soft_cut(text: str, start: int, limit: int) -> int:
    """Where to cut ``text[start:]`` no later than ``limit``: after a comma-like mark, a space, or hard."""
    floor = start + (limit - start) // 3  # never leave a uselessly short first piece
    for marks in (_SOFT_BREAKS, " "):
        for k in range(limit - 1, floor, -1):
            if text[k] in marks:
                return k + 1
    k = limit
    # never cut a run of digits or Latin letters in half: it would be read as two numbers
    while k > floor and text[k - 1].isascii() and text[k - 1].isalnum() and text[k].isascii() and text[k].isalnum():
        k -= 1
    return k if k > floor else limit


def segment(text: str, max_len: int = MAX_SEGMENT, lang: str = "zh") -> list[str]:
    """The sentences of ``text`` (see :func:`sentence_spans`)."""
    return [text[s:e] for s, e in sentence_spans(text, max_len, lang)]


@functools.lru_cache(maxsize=8192)  # a page's sentences are asked for again and again
def normalize(text: str, lang: str = "zh") -> str:
    """Prepared text for the engine: Chinese rules for Chinese, whitespace collapsed for English."""
    if speech_lang(lang) == "en":
        return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    return normalize_zh(text)
