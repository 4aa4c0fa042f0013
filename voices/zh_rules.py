"""Chinese read-aloud normalisation: the ordered rules that turn written report text into the words a reader says.

Engines read "2020年" as 二千零二十年, telephone numbers as whole cardinals, "-5℃" with
the minus unspoken and "%" in English; each rule below recognises one written form
and replaces it with its spoken words. Order matters: a more specific form (a date,
a telephone number, a currency amount) is taken before the general number rules see
its digits, and a rule's output contains no ASCII digits, so later rules never read
a number twice.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

from .numerals import DIGIT_NAMES, MEASURE, cardinal, digits, number, quantity
from .zh_symbols import CURRENCIES, LIST_MARKERS, MATH_SIGNS, OPERATORS, UNITS

__all__ = ["CJK", "normalize_zh"]

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"

_COUNT_UNITS = MEASURE + "%‰"
_NUM = r"\d+(?:\.\d+)?"
_AMOUNT = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_DASH = r"[-–—~至到]"
# A minus right after one of these is a subtraction or a range, never a negative sign.
_OPERAND = r"[\dA-Za-z.%‰)）\]］】〕}]"

_FULLWIDTH = {cp: cp - 0xFEE0 for cp in list(range(0xFF10, 0xFF1A)) + list(range(0xFF21, 0xFF3B)) + list(range(0xFF41, 0xFF5B))}
_FULLWIDTH.update({ord("％"): "%", ord("．"): ".", ord("－"): "-", ord("～"): "~", ord("／"): "/", ord("＋"): "+",
                   ord("＄"): "$", ord("＝"): "=", ord("＜"): "<", ord("＞"): ">", ord("−"): "-", ord("﹣"): "-"})

_UNIT_RE = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))

_Rule = Callable[[re.Match[str]], str]
_RULES: list[tuple[re.Pattern[str], _Rule, bool]] = []  # (pattern, replacement, needs a digit)


def _rule(pattern: str, needs_digit: bool = True) -> Callable[[_Rule], _Rule]:
    def register(fn: _Rule) -> _Rule:
        _RULES.append((re.compile(pattern), fn, needs_digit))
        return fn

    return register


def _plausible_year(y: str) -> bool:
    return 1000 <= int(y) <= 2199


def _after(m: re.Match[str], n: int = 1) -> str:
    return m.string[m.end() : m.end() + n]


def _before(m: re.Match[str], n: int = 1) -> str:
    return m.string[max(0, m.start() - n) : m.start()]


# --------------------------------------------------------------------------- addresses and list markers


@_rule(r"https?://[^\s\u3000-\u303f\uff00-\uffef" + CJK + r"]+|www\.[A-Za-z0-9.\-/]+|[A-Za-z0-9._\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}",
       needs_digit=False)
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


# ① ⑴ ⒈ ㈠ …: a list number, said as the number with a short pause before the item's text.
@_rule("[" + "".join(LIST_MARKERS) + "]", needs_digit=False)
def _list_marker(m: re.Match[str]) -> str:
    nxt, prev = _after(m), _before(m, 2).rstrip()[-1:]
    pause_before = "，" if prev and (prev.isalnum() or prev in LIST_MARKERS) else ""  # ① … ② … read as a list
    return pause_before + cardinal(LIST_MARKERS[m.group()]) + ("、" if nxt.isalnum() and nxt not in LIST_MARKERS else "")


# A list number "1." opening an item (附件：1.知识竞答工作要求) is said with a pause, not as a decimal point.
@_rule(r"(?:^|(?<=[：:\s]))(\d{1,2})[.．](?=\s*[" + CJK + r"])")
def _list_number(m: re.Match[str]) -> str:
    return cardinal(int(m.group(1))) + "、"


# 公元前202年, 公元2934年, 2334bc, 1823年3月bc: an era makes any year a year, read digit by digit.
@_rule(r"(公元前?|纪元)\s*(\d{1,4})(?=\s*年)")
def _era_year(m: re.Match[str]) -> str:
    return m.group(1) + digits(m.group(2))


@_rule(r"(?<![\d.])(\d{1,4})(\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?)?\s*([aAbB])\.?\s*([dDcC])\.?(?![A-Za-z])")
def _era_suffix(m: re.Match[str]) -> str:
    era = (m.group(3) + m.group(4)).lower()
    if era not in ("ad", "bc"):
        return m.group()
    rest = re.sub(r"^\s*年", "", m.group(2) or "")
    return ("公元" if era == "ad" else "公元前") + digits(m.group(1)) + "年" + rest


# 〔2019〕60号 / [2019]60号 / (2019)60号, and the common typo with the closing bracket lost: 〔201960号
@_rule(r"[〔\[［【(（]\s*((?:19|20)\d{2})\s*[〕\]］】)）]?\s*第?(\d{1,5})\s*号")
def _document_number(m: re.Match[str]) -> str:
    return f"{digits(m.group(1))}年{cardinal(int(m.group(2)))}号"


# --------------------------------------------------------------------------- telephone numbers and codes

# Landline 027-60896105, （027）87654321, 0711 3222000, with an optional extension; a city's 12345: 023-12345.
@_rule(r"(?<![\d.])(?:[(（](0\d{2,3})[)）]\s*|(0\d{2,3})[-\s—]?)(\d{7,8}|12[13]\d\d)(?:\s*(?:-|转|分机)\s*(\d{1,6}))?(?![\d.])")
def _landline(m: re.Match[str]) -> str:
    spoken = f"{digits(m.group(1) or m.group(2), True)}，{digits(m.group(3), True)}"
    if m.group(4):
        spoken += f"转{digits(m.group(4), True)}"
    return spoken


@_rule(r"(?<![\d.])(1[3-9]\d)[-\s]?(\d{4})[-\s]?(\d{4})(?![\d.])")
def _mobile(m: re.Match[str]) -> str:
    return "，".join(digits(g, True) for g in m.groups())


@_rule(r"(?<![\d.])([48]00)[-\s]?(\d{3})[-\s]?(\d{4})(?![\d.])")
def _service_number(m: re.Match[str]) -> str:
    return "，".join(digits(g, True) for g in m.groups())


# IPv4 addresses: each part digit by digit (127.0.0.1 → 一二七点零点零点一).
@_rule(r"(?<![\d.])(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?![\d.])")
def _ip_address(m: re.Match[str]) -> str:
    return "点".join(digits(g) for g in m.groups())


# Numbers introduced as telephone, fax or post codes; numbers named as a 热线 (hotline).
@_rule(r"(电话|热线|拨打|传真|手机|邮编|邮政编码|短信|QQ|微信号)(\s*(?:号码)?\s*[:：是为]?\s*[“\"]?)(\d{3,12})(?![\d.%])")
def _introduced_code(m: re.Match[str]) -> str:
    return m.group(1) + m.group(2) + digits(m.group(3), m.group(1) not in ("邮编", "邮政编码"))


# Site record numbers in every government page's footer: 京ICP备20014478号-1, 京公网安备11010202007625号.
@_rule(r"(ICP备|ICP证|公网安备|备案号)\s*[:：]?\s*(\d+)\s*号(?:\s*-\s*(\d+))?")
def _record_number(m: re.Match[str]) -> str:
    return m.group(1) + digits(m.group(2)) + "号" + (f"杠{digits(m.group(3))}" if m.group(3) else "")


# Index numbers and other codes of dash-joined parts with letters (索引号 360A12-07-2024-0008-1):
# every part digit by digit, the dashes said 杠.
@_rule(r"(?<![0-9A-Za-z.-])(?=[0-9A-Za-z-]*[A-Za-z])[0-9A-Za-z]+(?:-[0-9A-Za-z]+){2,}(?![0-9A-Za-z-])")
def _dashed_code(m: re.Match[str]) -> str:
    return "杠".join(re.sub(r"\d+", lambda d: digits(d.group()), part) for part in m.group().split("-"))


# Standard numbers GB/T 2260-2007, GB 50016-2014, DB42/T 1234-2020: the number and its year digit by digit.
@_rule(r"(?<![A-Za-z0-9])((?:GB|DB\d{2}|[A-Z]{2,3})(?:/[TZ])?)\s*(\d+(?:\.\d+)*)\s*[-—]\s*((?:19|20)\d{2})(?!\d)")
def _standard_number(m: re.Match[str]) -> str:
    code = re.sub(r"\d+", lambda d: digits(d.group()), m.group(1))
    return f"{code} {digits(m.group(2)).replace('.', '点')}杠{digits(m.group(3))}"


# Licence plates 鄂A-12345, 鄂G·D1234: letters and digits one by one (not a hotline, not an amount).
_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼使领"


@_rule(r"([" + _PROVINCES + r"])([A-Z])\s*[-·•]?\s*([A-Z0-9]{5,6})(?![A-Za-z0-9])")
def _licence_plate(m: re.Match[str]) -> str:
    tail = re.sub(r"\d+", lambda d: digits(d.group(), True), m.group(3))
    return m.group(1) + m.group(2) + tail


# Digits after 尾号 / 分机 / 转 / 编号 … are a code (尾号1702 → 尾号幺七零二), unless a count follows (转2次).
@_rule(r"(尾号|分机号?|转|工号|编号|卡号|账号|房号)(\s*(?:是|为)?\s*[:：]?\s*)(\d{1,12})(?![\d.,]|\s*[" + _COUNT_UNITS + r"])")
def _code_after_name(m: re.Match[str]) -> str:
    return m.group(1) + m.group(2) + digits(m.group(3), m.group(1) in ("尾号", "分机", "分机号", "转"))


@_rule(r"(?<![\d.])(\d{3,6})(?=[”\"」』]?\s*[" + CJK + r"]{0,4}(?:热线|专线|服务台|报警|急救|火警|求助))")
def _hotline_before_name(m: re.Match[str]) -> str:
    return digits(m.group(1), True)


# Emergency numbers 110 119 120 122 … are also counts (120人), so they are read as numbers
# only where the sentence calls them: 打110, 向110求助, 110接警.
_CALLING = ("打", "拨", "呼叫", "致电", "报警", "求助", "求救", "急救", "火警", "电话", "热线")


@_rule(r"(?<![\d.])(110|112|114|119|120|122|12110)(?![\d.,%‰]|\s*[" + _COUNT_UNITS + r"])")
def _emergency_number(m: re.Match[str]) -> str:
    before, after = _before(m, 4), _after(m, 6)
    if any(w in before for w in _CALLING) or any(w in after for w in _CALLING + ("接警", "指挥")):
        return digits(m.group(1), True)
    return m.group()


# The national government service hotlines 121xx / 123xx (12345, 12306, 12315 …) and the
# 955xx / 96xxx service lines read digit by digit even without 热线 next to them
# ("市政府12345转办案件") — unless used as a count (12345件).
@_rule(r"(?<![\d.,])(12[13]\d{2}|955\d{2}|96\d{3})(?![\d.,%‰" + _COUNT_UNITS + r"])")
def _hotline(m: re.Match[str]) -> str:
    return digits(m.group(1), True)


# --------------------------------------------------------------------------- ranges, temperatures, money

_TIME_TOKEN = r"\d{1,2}[:：][0-5]\d(?:[:：][0-5]\d)?"
_DATE_TOKEN = (r"(?:19|20)\d{2}(?:[-/.·](?:0?[1-9]|1[0-2])(?:[-/.·](?:0?[1-9]|[12]\d|3[01]))?"
               r"|\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*[日号])?)?)|\d{1,2}\s*月\s*\d{1,2}\s*[日号]")


# A dash between two times or two dates is said 至: 9:00—17:30, 2018.03—2021.01, 1月1日-3月31日.
@_rule(r"(?<![\d.])(?<!\d[:：])(" + _TIME_TOKEN + "|" + _DATE_TOKEN + r")\s*[-–—~]{1,2}\s*(?=(?:" + _TIME_TOKEN + "|" + _DATE_TOKEN + r")(?!\d))")
def _time_or_date_range(m: re.Match[str]) -> str:
    return m.group(1) + "至"


# The same unit on both ends: 1月-3月, 5页-8页, 第5页-第8页 (the dash would otherwise read as a minus).
@_rule(r"(?<![\d.])(" + _NUM + r")\s*([" + CJK + r"%‰])\s*[-–—~]\s*(?=第?" + _NUM + r"\s*\2)")
def _same_unit_range(m: re.Match[str]) -> str:
    return m.group(1) + m.group(2) + "至"


# Below zero on a thermometer is said 零下: -5℃ → 零下五摄氏度, -5~-3℃ → 零下五至零下三摄氏度.
@_rule(r"(?<!" + _OPERAND + r")(?<!" + _OPERAND + r"\s)-\s?(?=" + _NUM + r"\s*(?:℃|°C|°|摄氏度)|" + _NUM + r"\s*[~至到]\s*-?" + _NUM + r"\s*(?:℃|°C|摄氏度))")
def _below_zero(m: re.Match[str]) -> str:
    return "零下"


_CURRENCY_RE = "|".join(re.escape(c) for c in sorted(CURRENCIES, key=len, reverse=True))
_CURRENCY_CODES = "|".join(c for c in sorted(CURRENCIES, key=len, reverse=True) if c.isalpha())
_SCALE = r"万亿|亿|万|千"


def _amount(text: str, word: str) -> str:
    whole, _, cents = text.replace(",", "").partition(".")
    if cents.strip("0") == "":  # ¥1,280,000.00 is said 一百二十八万元
        return "两" if whole == "2" else quantity(whole, word)  # $2 → 两美元
    return quantity(whole + "." + cents, word)


# The currency word comes after the amount: ￥13.5 → 十三点五元, $1.5万 → 一点五万美元, CNY 1.25 → 一点二五元.
@_rule(r"(?<![A-Za-z])(" + _CURRENCY_RE + r")\s*(" + _AMOUNT + r")\s*(" + _SCALE + r")?")
def _money_symbol(m: re.Match[str]) -> str:
    word = CURRENCIES[m.group(1)]
    spoken = _amount(m.group(2), word) + (m.group(3) or "")
    if m.string.startswith(word, m.end()):  # ￥5万元: the page names the currency itself
        return spoken
    return spoken + word


@_rule(r"(?<![\d.,])(" + _AMOUNT + r")\s*(" + _SCALE + r")?\s*(" + _CURRENCY_CODES + r")(?![A-Za-z])")
def _money_code_after(m: re.Match[str]) -> str:
    word = CURRENCIES[m.group(3)]
    return _amount(m.group(1), word) + (m.group(2) or "") + word


# --------------------------------------------------------------------------- dates and times


def _day_reading(year: str, month: str, day: str | None, year_digits: bool = True) -> str:
    spoken = f"{digits(year) if year_digits else cardinal(int(year))}年{cardinal(int(month))}月"
    return spoken + (f"{cardinal(int(day))}日" if day else "")


# Dates: 2020年1月1日, 2021-01-27, 2021/1/27, 2021.01.27, 2019·2·10
@_rule(r"(?<!\d)((?:19|20)\d{2})\s*(?:年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*[日号])?|([-/.·])(\d{1,2})\4(\d{1,2})(?![\d.]))")
def _date(m: re.Match[str]) -> str:
    year = m.group(1)
    month, day = (m.group(2), m.group(3)) if m.group(2) else (m.group(5), m.group(6))
    if not (1 <= int(month) <= 12) or (day and not 1 <= int(day) <= 31):
        return m.group()
    return _day_reading(year, month, day)


_NOT_A_MONTH_AFTER = r"(?![\d.%‰A-Za-z]|\s*[" + _COUNT_UNITS.replace("年", "").replace("月", "") + r"])"


# Year and month, before the fraction and decimal rules see them: 2002/01, 2008-08, 2008.08.
# 2019.5 alone stays a decimal (an amount); with one month digit the dot form is a date
# only inside a range (任职 2018.3至2021.1).
@_rule(r"(?<![\d.])((?:19|20)\d{2})([-/.])(0[1-9]|1[0-2]|[1-9])" + _NOT_A_MONTH_AFTER)
def _year_month(m: re.Match[str]) -> str:
    year, sep, month = m.groups()
    if sep == "." and len(month) == 1:
        in_range = _before(m) in ("至", "到") or re.match(r"\s*[至到]", m.string[m.end() :])
        if not in_range:
            return m.group()
    return _day_reading(year, month, None)


# Month-year and day-month-year as written on forms: 08/2008, 08-08-2008 (a day above 12 goes first).
@_rule(r"(?<![\d.])(\d{1,2})([-/.])(\d{1,2})\2((?:19|20)\d{2})(?![\d.])")
def _day_month_year(m: re.Match[str]) -> str:
    a, b = int(m.group(1)), int(m.group(3))
    month, day = (a, b) if a <= 12 < b else (b, a)
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return m.group()
    return _day_reading(m.group(4), str(month), str(day))


@_rule(r"(?<![\d.])(0[1-9]|1[0-2])([-/.])((?:19|20)\d{2})(?![\d.])")
def _month_year(m: re.Match[str]) -> str:
    return _day_reading(m.group(3), m.group(1), None)


# Zero-padded month-day 08-08, 08/08, 08.08 (no amount or fraction is written with a leading zero).
@_rule(r"(?<![\d.:/\-])(0[1-9])([-/.])(0[1-9]|[12]\d|3[01])(?![\d.:/\-]|\s*[月日号])")
def _month_day(m: re.Match[str]) -> str:
    return f"{cardinal(int(m.group(1)))}月{cardinal(int(m.group(3)))}日"


# Two-digit years in slashed dates: 12/2/2 → 一二年二月二日.
@_rule(r"(?<![\d./])(\d{2})/(\d{1,2})/(\d{1,2})(?![\d./])")
def _short_date(m: re.Match[str]) -> str:
    if not (1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31):
        return m.group()
    return _day_reading(m.group(1), m.group(2), m.group(3))


# A zero-padded month or day: 02月 → 二月, 08日 → 八日.
@_rule(r"(?<![\d.])0([1-9])(?=\s*[月日号])")
def _padded_month_or_day(m: re.Match[str]) -> str:
    return DIGIT_NAMES[int(m.group(1))]


# Year ranges and years: 2019-2020年 / 2019至2020年 / 2020年 / 2020年度
@_rule(r"(?<!\d)(\d{4})\s*" + _DASH + r"\s*(\d{4})\s*(?=年)")
def _year_range(m: re.Match[str]) -> str:
    if not (_plausible_year(m.group(1)) and _plausible_year(m.group(2))):
        return m.group()
    return f"{digits(m.group(1))}年至{digits(m.group(2))}"


@_rule(r"(?<![\d.])(\d{4})(?=\s*年)")
def _year_only(m: re.Match[str]) -> str:
    return digits(m.group(1)) if _plausible_year(m.group(1)) else m.group()


# Generations: 90后 → 九零后, 00后 → 零零后 (a decade, not ninety of something).
@_rule(r"(?<![\d.])([5-9][05]|0[05]|10)(?=后(?![天年月日期续]))")
def _generation(m: re.Match[str]) -> str:
    return digits(m.group(1))


_AM_PM = r"(\s*[aApP]\.?\s*[mM]\.?(?![A-Za-z]))?"


# Clock times 9:00 / 14:30 / 8:05:30 / 8:00 a.m.; two o'clock is 两点.
@_rule(r"(?<![\d.])(?<!\d[:：])([01]?\d|2[0-4])[:：]([0-5]\d)(?:[:：]([0-5]\d))?(?![\d:：])" + _AM_PM)
def _clock(m: re.Match[str]) -> str:
    hour, minute, second, am_pm = int(m.group(1)), int(m.group(2)), m.group(3), m.group(4)
    seconds = int(second or 0)
    spoken = ("两" if hour == 2 else cardinal(hour)) + "点"
    if minute or seconds:  # 发布日期 …19:21:00 is said 十九点二十一分, as 9:00 is 九点
        spoken += ("零" if 0 < minute < 10 else "") + f"{cardinal(minute)}分"
    if seconds:
        spoken += f"{cardinal(seconds)}秒"
    if am_pm:
        morning = am_pm.strip().lower().startswith("a")
        spoken = ("上午" if morning else "下午" if hour < 12 else "") + spoken
    return spoken


# Ratios and scales that are not clock times: 78:96 → 七十八比九十六, 1:1000 → 一比一千,
# 三次产业结构 8.7:48.5:42.8 → 八点七比四十八点五比四十二点八.
@_rule(r"(?<![\d.])(?<!\d[:：])" + _NUM + r"(?:[:：]" + _NUM + r")+(?![\d:：])")
def _ratio(m: re.Match[str]) -> str:
    return "比".join(number(part) for part in re.split("[:：]", m.group()))


# --------------------------------------------------------------------------- signs

_OPERATOR_RE = "|".join(re.escape(o) for o in sorted(OPERATORS, key=len, reverse=True))


# = < > <= >= × ÷ between two operands: 2 = 1 + 1 → 二等于一加一, 2>=1 → 二大于等于一.
@_rule(r"(?<=[\dA-Za-z%‰)）])\s*(" + _OPERATOR_RE + r")\s*(?=[-\d±(（])")
def _operator(m: re.Match[str]) -> str:
    return OPERATORS[m.group(1)]


@_rule("[" + "".join(MATH_SIGNS) + "]", needs_digit=False)
def _math_sign(m: re.Match[str]) -> str:
    return MATH_SIGNS[m.group()]


# A minus sign before a number is said 负 (-2 → 负二, -98% → 负百分之九十八); after an
# operand (3-5, A-1) it is a range or a code and the rules below read it.
@_rule(r"(?<!" + _OPERAND + r")(?<!" + _OPERAND + r"\s)-\s?(?=\d|百分之|千分之)")
def _negative(m: re.Match[str]) -> str:
    return "负"


# A plus sign before a number marks an increase where a sign can stand — at the start, after a
# pause, after 增长/上升/提高/同比/为 …: 增长+3.2% → 增长正百分之三点二. Between two things it is
# 加 (6枢纽+2泵站), which the symbol table says.
_SIGN_AFTER = "长升高加比幅速为是达"


@_rule(r"(?<!" + _OPERAND + r")(?<!" + _OPERAND + r"\s)\+\s?(?=\d)")
def _positive(m: re.Match[str]) -> str:
    prev = _before(m, 2).rstrip()[-1:]
    if not prev or unicodedata.category(prev).startswith("P") or prev in _SIGN_AFTER:
        return "正"
    return m.group()


# --------------------------------------------------------------------------- numbers

# Percentages and per-mille, also as ranges: 98.7%  5%-10%  5-10%
@_rule(r"(" + _NUM + r")\s*(%|‰)?\s*" + _DASH + r"\s*(" + _NUM + r")\s*(%|‰)")
def _percent_range(m: re.Match[str]) -> str:
    base = "百分之" if m.group(4) == "%" else "千分之"
    return f"{base}{number(m.group(1))}至{base}{number(m.group(3))}"


@_rule(r"(" + _NUM + r")\s*(%|‰)")
def _percent(m: re.Match[str]) -> str:
    if m.group(2) == "%" and m.group(1) == "100":
        return "百分之百"
    return ("百分之" if m.group(2) == "%" else "千分之") + number(m.group(1))


# Fractions 1/3, 1 / 2 (dates were taken above)
@_rule(r"(?<![\d/])(\d{1,4})\s*/\s*(\d{1,4})(?![\d/])")
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
    return f"{quantity(a)}至{quantity(b, _after(m, 2))}"


# Units after a number: 5km → 五公里, 36.5℃
@_rule(r"(" + _NUM + r")\s*(" + _UNIT_RE + r")(?![A-Za-z²³])")
def _unit(m: re.Match[str]) -> str:
    return quantity(m.group(1)) + UNITS[m.group(2)]


# Leading zeros and long digit strings that are not amounts are codes: read digit by digit
# (an amount carries a unit or thousands separators; 第 + a long number is an ordinal).
@_rule(r"(?<![\d.])(0\d+|\d{9,})(?![\d.])")
def _code(m: re.Match[str]) -> str:
    nxt = _after(m)
    if m.group(1)[0] != "0" and ((nxt and nxt in _COUNT_UNITS) or _before(m) == "第"):
        return number(m.group(1))
    return digits(m.group(1))


# Thousands separators 1,234,567 and plain numbers, decimals.
@_rule(r"(?<![\d.])(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?(?![\d])")
def _plain_number(m: re.Match[str]) -> str:
    text = m.group(1) + (m.group(2) or "")
    if _before(m) == "第":
        return number(text)
    return quantity(text, _after(m, 2))


# Whatever digits are left (".5", the tail of a version number 1.2.3) are read one by one.
@_rule(r"(\.)?(\d+)")
def _leftover_digits(m: re.Match[str]) -> str:
    return ("点" if m.group(1) else "") + digits(m.group(2))


# Latin letters: engines read capitals as English or pinyin words; spell them
# letter by letter, which espeak-ng's Mandarin voice names properly (IPV6 → I P V 六).
@_rule(r"[A-Za-z]+", needs_digit=False)
def _latin(m: re.Match[str]) -> str:
    return " " + " ".join(m.group().upper()) + " "


_SYMBOLS = [
    (re.compile(r"(?<=[" + CJK + r"A-Za-z\s])\+(?=[" + CJK + r"A-Za-z\s“\"])"), "加"),
    (re.compile(r"&"), "和"),
    (re.compile(r"(?<=[" + CJK + r"])/(?=[" + CJK + r"])"), "或"),
    (re.compile(r"[/\\|#*_=<>^`{}]"), " "),
    (re.compile(r"[~～]"), "至"),
    (re.compile(r"℃|°C"), "摄氏度"),  # a unit left after a range (5~8℃)
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


_ANY_DIGIT = re.compile(r"\d")


def normalize_zh(text: str) -> str:
    """The words a Mandarin reader says for ``text`` (numbers, dates, codes, signs and abbreviations spelled out)."""
    text = unicodedata.normalize("NFC", text).translate(_FULLWIDTH)
    text = re.sub(r"\s+", " ", text)
    # Most rules read numbers; a sentence without a digit (half of a report's) skips them.
    has_digit = _ANY_DIGIT.search(text) is not None
    for pattern, replace, needs_digit in _RULES:
        if has_digit or not needs_digit:
            text = pattern.sub(replace, text)
    for pattern, replacement in _SYMBOLS:
        text = pattern.sub(replacement, text)
    # spaces matter only between Latin letters; elsewhere they are noise in the cache key
    text = re.sub(r"(?<![A-Z]) | (?![A-Z])", "", text)
    return text.strip()
