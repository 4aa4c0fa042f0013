"""Text preparation for speech: sentence segmentation and Chinese read-aloud normalisation.

Segmentation works on the page's own text and returns offsets, so the page
transform can mark exactly the characters of each sentence. Normalisation is
applied per segment just before synthesis: engines read "2020年" as 二千零二十年,
telephone numbers as whole cardinals and "%" in English, so numbers, dates,
codes and Latin abbreviations are rewritten into the words a Chinese reader says.
"""

from __future__ import annotations

import functools
import re
import unicodedata

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

DIGIT_NAMES = "零一二三四五六七八九"
PHONE_DIGIT_NAMES = "零幺二三四五六七八九"  # telephone numbers say 1 as 幺, as operators and 12345 do

# Sentence ends: a terminator plus any closing quotes/brackets that belong to the sentence.
_TERMINATORS = "。！？；!?;…"
_CLOSERS = "”’」』》）)】〕]\"'"
_SOFT_BREAKS = "，、：,:—"  # where an over-long sentence is cut, best first is the last one before the limit
_END = "[" + re.escape(_TERMINATORS + _CLOSERS) + "]*"
_BREAKS = re.compile(r"[\r\n]|[" + re.escape(_TERMINATORS) + "]" + _END)
_BREAKS_EN = re.compile(r"[\r\n]|[" + re.escape(_TERMINATORS) + "]" + _END + r"|\." + _END + r"(?=\s|$)")
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_CJK = re.compile("[" + _CJK + "]")


def speech_lang(lang: str | None) -> str:
    """``"en"`` for English pages, ``"zh"`` for everything else (the product's audience)."""
    return "en" if (lang or "").lower().startswith("en") else "zh"


def sentence_lang(text: str, page_lang: str) -> str:
    """The voice language for one sentence: English for a sentence written in English on a Chinese
    page (mostly Latin letters and no hanzi — a spelled-out English sentence helps nobody)."""
    lang = speech_lang(page_lang)
    if lang == "zh" and not _HAS_CJK.search(text):
        letters = sum(ch.isascii() and ch.isalpha() for ch in text)
        if letters >= 12 and letters >= 0.5 * len(text.replace(" ", "")):
            return "en"
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
        if m.group()[0] in "\r\n":
            _add_trimmed(text, start, m.start(), max_len, spans)
        else:
            _add_trimmed(text, start, m.end(), max_len, spans)
        start = m.end()
    _add_trimmed(text, start, len(text), max_len, spans)
    return spans


def _add_trimmed(text: str, start: int, end: int, max_len: int, out: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    if not any(ch.isalnum() for ch in text[start:end]):
        if out and out[-1][1] <= start and text[out[-1][1]:start].strip() == "":
            out[-1] = (out[-1][0], end)  # a stray closing mark belongs to the sentence before it
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


# --------------------------------------------------------------------------- numbers


def digits(number: str, phone: bool = False) -> str:
    """Read a digit string one digit at a time (二零一九); ``phone`` says 1 as 幺."""
    names = PHONE_DIGIT_NAMES if phone else DIGIT_NAMES
    return "".join(names[int(d)] for d in number if d.isdigit())


def _section(n: int) -> str:
    """0 < n < 10000 in Chinese, zeros between digits collapsed to one 零."""
    out = ""
    pending_zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d == 0:
            pending_zero = pending_zero or bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += DIGIT_NAMES[d] + unit
    return out


_BIG_UNITS = ("", "万", "亿", "万亿")


def cardinal(n: int) -> str:
    """An integer read as a quantity: 14850 → 一万四千八百五十, 100010 → 十万零一十."""
    if n < 0:
        return "负" + cardinal(-n)
    if n == 0:
        return "零"
    if n >= 10**16:
        return digits(str(n))
    sections = []
    while n:
        sections.append(n % 10000)
        n //= 10000
    out = ""
    gap = False
    for index in range(len(sections) - 1, -1, -1):
        sec = sections[index]
        if sec == 0:
            gap = gap or bool(out)
            continue
        if out and (gap or sec < 1000):
            out += "零"
        out += _section(sec) + _BIG_UNITS[index]
        gap = False
    if out.startswith("一十"):
        out = out[1:]
    return out


def _number(text: str) -> str:
    """A decimal number as a quantity: 98.7 → 九十八点七, 0.50 → 零点五零, 1,234 → 一千二百三十四."""
    text = text.replace(",", "")
    whole, _, fraction = text.partition(".")
    spoken = cardinal(int(whole)) if whole else "零"
    if fraction:
        spoken += "点" + digits(fraction)
    return spoken


# Measure words after which a lone 2 is said 两 (两件, not 二件) and after which a
# number is a count, never a code.
_MEASURE = "件个项条次名人户家位元角台辆套张份篇期场所座处册本字米吨倍支批块种类级岁天周届期年月日小时分秒万亿千百"
_COUNT_UNITS = _MEASURE + "%‰"

_NUM = r"\d+(?:\.\d+)?"


def _quantity(text: str, next_char: str = "") -> str:
    if text == "2" and next_char and next_char in _MEASURE and next_char not in "月日号":
        return "两"
    spoken = _number(text)
    # 两千 / 两万 / 两亿 is what people say; 二千 sounds like reading a form.
    if spoken.startswith("二") and len(spoken) > 1 and spoken[1] in "千万亿":
        spoken = "两" + spoken[1:]
    return spoken


# --------------------------------------------------------------------------- normalisation rules

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B))}
_FULLWIDTH.update({ord("％"): "%", ord("．"): ".", ord("－"): "-", ord("～"): "~", ord("／"): "/", ord("＋"): "+"})

_UNITS = {
    "km/h": "公里每小时", "m/s": "米每秒", "km²": "平方公里", "km2": "平方公里", "m²": "平方米", "m2": "平方米",
    "㎡": "平方米", "m³": "立方米", "m3": "立方米", "km": "公里", "cm": "厘米", "mm": "毫米", "kg": "千克",
    "mg": "毫克", "ml": "毫升", "mL": "毫升", "kWh": "千瓦时", "kW·h": "千瓦时", "kW": "千瓦", "kw": "千瓦",
    "MW": "兆瓦", "GB": "吉字节", "MB": "兆字节", "TB": "太字节", "KB": "千字节", "°C": "摄氏度", "℃": "摄氏度",
    "Hz": "赫兹", "kHz": "千赫", "MHz": "兆赫", "GHz": "吉赫", "min": "分钟", "t": "吨", "g": "克", "m": "米",
    "h": "小时", "s": "秒", "L": "升",
}
_UNIT_RE = "|".join(re.escape(u) for u in sorted(_UNITS, key=len, reverse=True))

_DASH = r"[-–—~至到]"

_RULES: list[tuple[re.Pattern[str], object]] = []


def _rule(pattern: str):
    def register(fn):
        _RULES.append((re.compile(pattern), fn))
        return fn

    return register


def _year(y: str) -> str:
    return digits(y)


def _plausible_year(y: str) -> bool:
    return 1000 <= int(y) <= 2199


@_rule(r"https?://[^\s\u3000-\u303f\uff00-\uffef" + _CJK + r"]+|www\.[A-Za-z0-9.\-/]+|[A-Za-z0-9._\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
def _url(m: re.Match[str]) -> str:
    text = re.sub(r"^https?://", "", m.group()).rstrip("/.")
    names = {".": " 点 ", "/": " 斜杠 ", "@": " 艾特 ", "-": " 杠 ", "_": " 下划线 ", ":": " 冒号 "}
    out = []
    for ch in text:
        if ch.isdigit():
            out.append(DIGIT_NAMES[int(ch)])
        elif ch.isalpha():
            out.append(f" {ch.upper()} ")
        else:
            out.append(names.get(ch, " "))
    return " " + re.sub(r"\s+", " ", "".join(out)).strip() + " "


# 〔2019〕60号 / [2019]60号 / (2019)60号, and the common typo with the closing bracket lost: 〔201960号
@_rule(r"[〔\[［【(（]\s*((?:19|20)\d{2})\s*[〕\]］】)）]?\s*第?(\d{1,5})\s*号")
def _document_number(m: re.Match[str]) -> str:
    return f"{digits(m.group(1))}年{cardinal(int(m.group(2)))}号"


# Landline 027-60896105, 0711 3222000, with an optional extension; mobile 13812345678; 400-810-1234.
@_rule(r"(?<![\d.])(0\d{2,3})[-\s—]?(\d{7,8})(?:\s*(?:-|转|分机)\s*(\d{1,6}))?(?![\d.])")
def _landline(m: re.Match[str]) -> str:
    spoken = f"{digits(m.group(1), True)}，{digits(m.group(2), True)}"
    if m.group(3):
        spoken += f"转{digits(m.group(3), True)}"
    return spoken


@_rule(r"(?<![\d.])(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?![\d.])")
def _mobile(m: re.Match[str]) -> str:
    return "，".join(digits(g, True) for g in m.groups())


@_rule(r"(?<![\d.])([48]00)[-\s]?(\d{3})[-\s]?(\d{4})(?![\d.])")
def _service_number(m: re.Match[str]) -> str:
    return "，".join(digits(g, True) for g in m.groups())


# Numbers introduced as telephone, fax or post codes; numbers named as a 热线 (hotline).
@_rule(r"(电话|热线|拨打|传真|手机|邮编|邮政编码|短信|QQ|微信号)(\s*(?:号码)?\s*[:：是为]?\s*[“\"]?)(\d{3,12})(?![\d.%])")
def _introduced_code(m: re.Match[str]) -> str:
    return m.group(1) + m.group(2) + digits(m.group(3), m.group(1) not in ("邮编", "邮政编码"))


@_rule(r"(?<![\d.])(\d{3,6})(?=[”\"」』]?\s*[" + _CJK + r"]{0,4}(?:热线|专线|服务台|报警|急救|火警))")
def _hotline_before_name(m: re.Match[str]) -> str:
    return digits(m.group(1), True)


# The national government service hotlines 123xx / 12xxx and 96xxx read digit by digit
# even without 热线 next to them ("市政府12345转办案件") — unless used as a count (12345件).
@_rule(r"(?<![\d.,])(12\d{3}|96\d{3})(?![\d.,%‰" + _COUNT_UNITS + r"])")
def _hotline(m: re.Match[str]) -> str:
    return digits(m.group(1), True)


# Dates: 2020年1月1日, 2021-01-27, 2021/1/27, 2021.01.27
@_rule(r"(?<!\d)((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?|([-/.])(\d{1,2})\4(\d{1,2})(?![\d.]))")
def _date(m: re.Match[str]) -> str:
    year = m.group(1)
    month, day = (m.group(2), m.group(3)) if m.group(2) else (m.group(5), m.group(6))
    if not (1 <= int(month) <= 12) or (day and not 1 <= int(day) <= 31):
        return m.group()
    spoken = f"{digits(year)}年{cardinal(int(month))}月"
    if day:
        spoken += f"{cardinal(int(day))}日"
    return spoken


# Year ranges and years: 2019-2020年 / 2019至2020年 / 2020年 / 2020年度
@_rule(r"(?<!\d)(\d{4})\s*" + _DASH + r"\s*(\d{4})\s*(?=年)")
def _year_range(m: re.Match[str]) -> str:
    if not (_plausible_year(m.group(1)) and _plausible_year(m.group(2))):
        return m.group()
    return f"{digits(m.group(1))}年至{digits(m.group(2))}"


@_rule(r"(?<![\d.])(\d{4})(?=\s*年)")
def _year_only(m: re.Match[str]) -> str:
    return digits(m.group(1)) if _plausible_year(m.group(1)) else m.group()


# Clock times 9:00 / 14:30 / 8:05:30
@_rule(r"(?<![\d:])([01]?\d|2[0-4])[:：]([0-5]\d)(?:[:：]([0-5]\d))?(?![\d:])")
def _clock(m: re.Match[str]) -> str:
    hour, minute, second = m.group(1), m.group(2), m.group(3)
    spoken = f"{cardinal(int(hour))}点"
    if int(minute) or second:
        spoken += ("零" if int(minute) < 10 and int(minute) else "") + f"{cardinal(int(minute))}分"
    if second and int(second):
        spoken += f"{cardinal(int(second))}秒"
    return spoken


# Percentages and per-mille, also as ranges: 98.7%  5%-10%  5-10%
@_rule(r"(" + _NUM + r")\s*(%|‰)?\s*" + _DASH + r"\s*(" + _NUM + r")\s*(%|‰)")
def _percent_range(m: re.Match[str]) -> str:
    base = "百分之" if m.group(4) == "%" else "千分之"
    return f"{base}{_number(m.group(1))}至{base}{_number(m.group(3))}"


@_rule(r"(" + _NUM + r")\s*(%|‰)")
def _percent(m: re.Match[str]) -> str:
    if m.group(2) == "%" and m.group(1) == "100":
        return "百分之百"
    return ("百分之" if m.group(2) == "%" else "千分之") + _number(m.group(1))


# Fractions 1/3 (dates were taken above)
@_rule(r"(?<![\d/])(\d{1,4})/(\d{1,4})(?![\d/])")
def _fraction(m: re.Match[str]) -> str:
    if int(m.group(2)) == 0:
        return m.group()
    return f"{cardinal(int(m.group(2)))}分之{cardinal(int(m.group(1)))}"


# Numeric ranges 3-5天  10~20  1.5—2.0米  2019-2020 (years without 年)
@_rule(r"(?<![\d.])(" + _NUM + r")\s*[-–—~]\s*(" + _NUM + r")(?![\d])")
def _range(m: re.Match[str]) -> str:
    a, b = m.group(1), m.group(2)
    if len(a) == 4 == len(b) and _plausible_year(a) and _plausible_year(b):
        return f"{digits(a)}至{digits(b)}"
    nxt = m.string[m.end() : m.end() + 1]
    return f"{_quantity(a)}至{_quantity(b, nxt)}"


# Units after a number: 5km → 五公里, 36.5℃
@_rule(r"(" + _NUM + r")\s*(" + _UNIT_RE + r")(?![A-Za-z²³])")
def _unit(m: re.Match[str]) -> str:
    return _quantity(m.group(1)) + _UNITS[m.group(2)]


# Leading zeros and long digit strings that are not amounts are codes: read digit by digit.
@_rule(r"(?<![\d.])(0\d+|\d{9,})(?![\d.])")
def _code(m: re.Match[str]) -> str:
    nxt = m.string[m.end() : m.end() + 1]
    if m.group(1)[0] != "0" and nxt and nxt in _COUNT_UNITS:
        return _number(m.group(1))
    return digits(m.group(1))


# Thousands separators 1,234,567 and plain numbers, decimals.
@_rule(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d])")
def _plain_number(m: re.Match[str]) -> str:
    text = m.group(1) + (m.group(2) or "")
    before = m.string[m.start() - 1 : m.start()]
    nxt = m.string[m.end() : m.end() + 1]
    if before == "第":
        return _number(text)
    return _quantity(text, nxt)


# Whatever digits are left (".5", the tail of a version number 1.2.3) are read one by one.
@_rule(r"(\.)?(\d+)")
def _leftover_digits(m: re.Match[str]) -> str:
    return ("点" if m.group(1) else "") + digits(m.group(2))


# Latin letters: engines read capitals as English or pinyin words; spell them
# letter by letter, which espeak-ng's Mandarin voice names properly (IPV6 → I P V 六).
@_rule(r"[A-Za-z]+")
def _latin(m: re.Match[str]) -> str:
    return " " + " ".join(m.group().upper()) + " "


_SYMBOLS = [
    (re.compile(r"(?<=[" + _CJK + r"A-Za-z\s])\+(?=[" + _CJK + r"A-Za-z\s“\"])"), "加"),
    (re.compile(r"&"), "和"),
    (re.compile(r"(?<=[" + _CJK + r"])/(?=[" + _CJK + r"])"), "或"),
    (re.compile(r"[/\\|#*_=<>^`{}]"), " "),
    (re.compile(r"[~～]"), "至"),
    (re.compile(r"%"), "百分号"),  # a percent sign with no number before it
    (re.compile(r"‰"), "千分号"),
    # ASCII punctuation glued to Chinese is read with no pause: use the full-width marks.
    (re.compile(r",\s*"), "，"),
    (re.compile(r"(?<!\d):\s*"), "："),
    (re.compile(r";\s*"), "；"),
    (re.compile(r"!"), "！"),
    (re.compile(r"\?"), "？"),
    (re.compile(r"[ \t\u3000\xa0]+"), " "),
]


def normalize_zh(text: str) -> str:
    """The words a Mandarin reader says for ``text`` (numbers, dates, codes, abbreviations spelled out)."""
    text = unicodedata.normalize("NFC", text).translate(_FULLWIDTH)
    text = re.sub(r"\s+", " ", text)
    for pattern, replace in _RULES:
        text = pattern.sub(replace, text)  # type: ignore[arg-type]
    for pattern, replacement in _SYMBOLS:
        text = pattern.sub(replacement, text)
    # spaces matter only between Latin letters; elsewhere they are noise in the cache key
    text = re.sub(r"(?<![A-Z]) | (?![A-Z])", "", text)
    return text.strip()


@functools.lru_cache(maxsize=8192)  # a page's sentences are asked for again and again
def normalize(text: str, lang: str = "zh") -> str:
    """Prepared text for the engine: Chinese rules for Chinese, whitespace collapsed for English."""
    if speech_lang(lang) == "en":
        return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()
    return normalize_zh(text)
