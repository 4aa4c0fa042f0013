"""How Mandarin says a written number: digit by digit (codes), as a cardinal (counts), as a decimal quantity.

No patterns here: the rules in :mod:`.zh_rules` decide *which* reading a number in a
sentence gets; this module only says the number that way.
"""

from __future__ import annotations

__all__ = ["DIGIT_NAMES", "PHONE_DIGIT_NAMES", "cardinal", "digits", "number", "quantity"]

DIGIT_NAMES = "零一二三四五六七八九"
PHONE_DIGIT_NAMES = "零幺二三四五六七八九"  # telephone numbers say 1 as 幺, as operators and 12345 do

# Measure words after which a lone 2 is said 两 (两件, not 二件).
MEASURE = "件个项条次名人户家位元角台辆套张份篇期场所座处册本字米吨倍支批块种类级岁天周届年月日时分秒万亿千百"


def digits(text: str, phone: bool = False) -> str:
    """Read a digit string one digit at a time (二零一九); ``phone`` says 1 as 幺."""
    names = PHONE_DIGIT_NAMES if phone else DIGIT_NAMES
    return "".join(names[int(d)] for d in text if d.isdigit())


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
        return digits(str(n))  # beyond 万亿 nobody says it as an amount
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


def number(text: str) -> str:
    """A decimal number as a quantity: 98.7 → 九十八点七, 0.50 → 零点五零, 1,234 → 一千二百三十四."""
    text = text.replace(",", "")
    whole, _, fraction = text.partition(".")
    spoken = cardinal(int(whole)) if whole else "零"
    if fraction:
        spoken += "点" + digits(fraction)
    return spoken


def quantity(text: str, after: str = "") -> str:
    """``text`` as an amount, with 两 where people say it; ``after`` is the text that follows the number."""
    counted = after[:1] in MEASURE or after.startswith("小时")
    if text == "2" and after and counted and after[0] not in "月日号" and not after.startswith("分之"):
        return "两"
    spoken = number(text)
    # 两千 / 两万 / 两亿 is what people say; 二千 sounds like reading a form.
    if spoken.startswith("二") and len(spoken) > 1 and spoken[1] in "千万亿":
        spoken = "两" + spoken[1:]
    return spoken
