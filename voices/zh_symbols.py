"""The spoken Chinese names of written symbols: units, currencies, comparison and maths signs, list markers.

Data only (the rules in :mod:`.zh_rules` decide where a symbol is read). Each name is
what a Mandarin announcer says, e.g. ¥ after the amount as 元, ≥ as 大于等于, ① as 一.
"""

from __future__ import annotations

__all__ = ["CURRENCIES", "LIST_MARKERS", "MATH_SIGNS", "OPERATORS", "UNITS"]

UNITS = {
    "km/h": "公里每小时", "m/s": "米每秒", "km²": "平方公里", "km2": "平方公里", "m²": "平方米", "m2": "平方米",
    "㎡": "平方米", "m³": "立方米", "m3": "立方米", "km": "公里", "cm": "厘米", "mm": "毫米", "kg": "千克",
    "mg": "毫克", "ml": "毫升", "mL": "毫升", "kWh": "千瓦时", "kW·h": "千瓦时", "kW": "千瓦", "kw": "千瓦",
    "MW": "兆瓦", "GB": "吉字节", "MB": "兆字节", "TB": "太字节", "KB": "千字节", "°C": "摄氏度", "℃": "摄氏度",
    "Hz": "赫兹", "kHz": "千赫", "MHz": "兆赫", "GHz": "吉赫", "min": "分钟", "ms": "毫秒", "μm": "微米",
    "t": "吨", "g": "克", "m": "米", "h": "小时", "s": "秒", "L": "升",
}

# Written before (symbols, codes) or after (codes) the amount; always said after it: ￥13.5 → 十三点五元.
# ¥ is read as 元: on Chinese pages it is the yuan (the yen is written 日元 or JPY).
CURRENCIES = {
    "￥": "元", "¥": "元", "RMB": "元", "CNY": "元",
    "US$": "美元", "USD": "美元", "$": "美元",
    "HK$": "港元", "HKD": "港元", "MOP$": "澳门元", "MOP": "澳门元", "NT$": "新台币", "TWD": "新台币",
    "A$": "澳元", "AU$": "澳元", "AUD": "澳元", "C$": "加元", "CAD": "加元", "S$": "新加坡元", "SGD": "新加坡元",
    "€": "欧元", "EUR": "欧元", "£": "英镑", "GBP": "英镑", "JPY": "日元", "₩": "韩元", "KRW": "韩元",
    "₽": "卢布", "RUB": "卢布", "₹": "卢比", "INR": "卢比", "CHF": "瑞士法郎",
}

# Signs read wherever they stand (they have no other meaning) ...
MATH_SIGNS = {"≥": "大于等于", "≤": "小于等于", "≠": "不等于", "≈": "约等于", "±": "正负", "∓": "负正"}
# ... and ASCII signs read only between two operands (elsewhere they are markup-ish noise).
OPERATORS = {">=": "大于等于", "<=": "小于等于", "!=": "不等于", "=": "等于", "<": "小于", ">": "大于",
             "×": "乘", "÷": "除以"}


def _markers() -> dict[str, int]:
    table: dict[str, int] = {}
    for first, count in ((0x2460, 20), (0x2474, 20), (0x2488, 20), (0x2776, 10), (0x2780, 10), (0x278A, 10),
                         (0x3220, 10), (0x3280, 10)):
        # ①–⑳, ⑴–⒇, ⒈–⒛, ❶–❿, ➀–➉, ➊–➓, ㈠–㈩, ㊀–㊉
        for k in range(count):
            table[chr(first + k)] = k + 1
    return table


LIST_MARKERS = _markers()
