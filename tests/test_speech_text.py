"""Chinese text preparation for speech: the normalisation table and sentence segmentation.

Every expected reading below is what a Mandarin announcer says for the input,
written by hand (telephone numbers say 1 as 幺; years, codes and document numbers
are read digit by digit; quantities as cardinals).
"""

from __future__ import annotations

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eldermode.voices.text import cardinal, normalize, normalize_zh, segment, sentence_spans

NORMALISATION = [
    # years, dates, times
    ("2020年", "二零二零年"),
    ("2020年度", "二零二零年度"),
    ("2019-2020年", "二零一九年至二零二零年"),
    ("本报告中使用数据统计期限为2020年1月1日至12月31日。", "本报告中使用数据统计期限为二零二零年一月一日至十二月三十一日。"),
    ("发布日期：2021-01-27", "发布日期：二零二一年一月二十七日"),
    ("2021/1/27", "二零二一年一月二十七日"),
    ("9:05开始", "九点零五分开始"),
    ("14:30", "十四点三十分"),
    # counts and quantities
    ("14850件", "一万四千八百五十件"),
    ("信息3186条", "信息三千一百八十六条"),
    ("发布依申请事项816项", "发布依申请事项八百一十六项"),
    ("共有专栏19个,其中新增4个", "共有专栏十九个，其中新增四个"),
    ("10人", "十人"),
    ("100010元", "十万零一十元"),
    ("1005份", "一千零五份"),
    ("1,234,567元", "一百二十三万四千五百六十七元"),
    ("2个", "两个"),
    ("2000人", "两千人"),
    ("第2项", "第二项"),
    ("国务院令第711号", "国务院令第七百一十一号"),
    # decimals, percentages, fractions
    ("办结率98.7%", "办结率百分之九十八点七"),
    ("回复率100%", "回复率百分之百"),
    ("增长0.5%", "增长百分之零点五"),
    ("5%-10%", "百分之五至百分之十"),
    ("3.14", "三点一四"),
    ("1/3", "三分之一"),
    # telephone, hotline, post code: digit by digit
    ("027-60896105", "零二七，六零八九六幺零五"),
    ("联系电话：0711-3222000转8001", "联系电话：零七幺幺，三二二二零零零转八零零幺"),
    ("13812345678", "幺三八，幺二三四，五六七八"),
    ("“12345”市长热线", "“幺二三四五”市长热线"),
    ("累计办理市政府12345转办案件14850件", "累计办理市政府幺二三四五转办案件一万四千八百五十件"),
    ("邮编436000", "邮编四三六零零零"),
    # document numbers, including the bracket the seed page lost
    ("国办公开办函〔2019〕60号", "国办公开办函二零一九年六十号"),
    ("(国办公开办函〔201960号)", "(国办公开办函二零一九年六十号)"),
    ("鄂政办发[2020]5号", "鄂政办发二零二零年五号"),
    # ranges and units
    ("3-5天", "三至五天"),
    ("10~20人", "十至二十人"),
    ("5km", "五公里"),
    ("36.5℃", "三十六点五摄氏度"),
    ("120㎡", "一百二十平方米"),
    # Latin abbreviations spelled letter by letter, symbols in words
    ("完成网站IPV6改造", "完成网站I P V六改造"),
    ("LED显示屏", "L E D显示屏"),
    ("5G网络", "五G网络"),
    ("“互联网+政务服务”", "“互联网加政务服务”"),
    ("本年增/减", "本年增或减"),
    (".5", "点五"),
    ("版本1.2.3", "版本一点二点三"),
]


@pytest.mark.parametrize("text,expected", NORMALISATION)
def test_normalise_chinese(text: str, expected: str) -> None:
    assert normalize_zh(text) == expected


@pytest.mark.parametrize(
    "number,expected",
    [(0, "零"), (10, "十"), (15, "十五"), (110, "一百一十"), (20030, "二万零三十"), (100000000, "一亿"),
     (120000000, "一亿二千万"), (1000000001, "十亿零一")],
)
def test_cardinal(number: int, expected: str) -> None:
    assert cardinal(number) == expected


def test_english_is_only_whitespace_collapsed() -> None:
    assert normalize("  In 2020,\n 98.7% were  closed. ", "en-GB") == "In 2020, 98.7% were closed."


def test_normalised_text_keeps_no_digits_or_percent() -> None:
    text = "累计办理市政府12345转办案件14850件,办结率98.7%、回访满意度达到了93.2%。"
    spoken = normalize_zh(text)
    assert not any(ch.isdigit() or ch == "%" for ch in spoken)


def test_segments_at_chinese_terminators_and_keeps_closing_quotes() -> None:
    text = "他说：“好。”然后走了！真的吗？是的；再见\n下一行"
    assert segment(text) == ["他说：“好。”", "然后走了！", "真的吗？", "是的；", "再见", "下一行"]


def test_spans_point_at_the_original_characters() -> None:
    text = "  第一句。  第二句！"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["第一句。", "第二句！"]
    assert spans[0][0] == 2


def test_over_long_sentence_is_cut_at_a_comma_before_the_limit() -> None:
    clause = "这是一个比较长的分句内容"  # 12 characters
    text = "，".join([clause] * 6) + "。"  # 77 characters, one sentence
    pieces = segment(text, max_len=30)
    assert all(len(p) <= 30 for p in pieces)
    assert "".join(pieces) == text
    assert pieces[0] == clause + "，" + clause + "，"


def test_over_long_sentence_without_commas_is_cut_hard_but_not_inside_a_number() -> None:
    text = "甲" * 27 + "12345" + "乙" * 10
    pieces = segment(text, max_len=30)
    assert pieces == ["甲" * 27, "12345" + "乙" * 10]


def test_punctuation_only_leftovers_join_the_previous_sentence() -> None:
    assert segment("好。\n”") == ["好。\n”"]


def test_english_sentences() -> None:
    text = "Hello world. This is 3.5 percent! Right?"
    assert segment(text, lang="en") == ["Hello world.", "This is 3.5 percent!", "Right?"]


def test_seed_report_paragraphs(seed_html_bytes: bytes) -> None:
    root = lxml.html.document_fromstring(seed_html_bytes.decode("utf-8"))
    paragraphs = [p.text_content() for p in root.get_element_by_id("zoom").findall("p")]
    first = segment(paragraphs[0])
    assert first == [
        "根据《中华人民共和国政府信息公开条例》(国务院令第711号)《国务院办公厅政府信息与政务公开办公室关于政府信息公开"
        "工作年度报告有关事项的通知》(国办公开办函〔201960号)的规定,结合我区政府信息公开工作有关统计数据撰写。",
        "报告主要包括:主动公开、依申请公开、政府信息管理、平台建设、监督保障等工作情况、政府信息公开工作存在主要问题及"
        "下一步工作打算情况。",
        "本报告中使用数据统计期限为2020年1月1日至12月31日。",
    ]
    hotline = next(p for p in paragraphs if "12345" in p)
    assert segment(hotline) == [
        "三是扎实做好“12345”市长热线转办处理工作。",
        "建立全覆盖、全过程、全天候、高效率的政务服务模式,进一步规范办理程序,促进办理程序公开透明,确保办理工作有据可依、有章可循。",
        "进一步重视回访制度的落实,及时详细地将政策依据、办理结果进行回复,确保良好的社会服务效果。",
        "累计办理市政府12345转办案件14850件,办结率98.7%、回访满意度达到了93.2%。",
    ]
    assert [normalize_zh(s) for s in segment(hotline)][-1] == (
        "累计办理市政府幺二三四五转办案件一万四千八百五十件，办结率百分之九十八点七、回访满意度达到了百分之九十三点二。"
    )
    # every sentence of the whole article fits the limit and nothing is lost
    for paragraph in paragraphs:
        pieces = segment(paragraph)
        assert all(len(p) <= 120 for p in pieces)
        assert "".join("".join(pieces).split()) == "".join(paragraph.split())


_MESSY = st.text(st.sampled_from(list("0123456789０１２.,:：-~/%‰年月日号件个第〔〕[]()（）热线电话拨打ABCxyzm²℃kg 。！？；、\n率是的一二")),
                 max_size=40)


@settings(max_examples=500, deadline=None)
@given(_MESSY)
def test_normalisation_never_raises_and_leaves_no_digits_or_percent_signs(text: str) -> None:
    spoken = normalize_zh(text)
    assert not any(ch.isascii() and ch.isdigit() for ch in spoken)
    assert "%" not in spoken and "‰" not in spoken


@settings(max_examples=300, deadline=None)
@given(_MESSY, st.integers(min_value=10, max_value=60))
def test_segmentation_loses_nothing_and_respects_the_limit(text: str, limit: int) -> None:
    spans = sentence_spans(text, max_len=limit)
    assert all(e - s <= limit for s, e in spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))
    kept = "".join(text[s:e] for s, e in spans)
    assert "".join(ch for ch in kept if ch.isalnum()) == "".join(ch for ch in text if ch.isalnum())


def test_english_sentence_on_a_chinese_page_gets_the_english_voice() -> None:
    from eldermode.voices.text import sentence_lang

    assert sentence_lang("Copyright 2021 Ezhou Municipal Government. All rights reserved.", "zh-CN") == "en"
    assert sentence_lang("完成网站IPV6改造。", "zh-CN") == "zh"  # abbreviations inside Chinese stay Chinese
    assert sentence_lang("IPV6", "zh-CN") == "zh"  # too short to be an English sentence
    assert sentence_lang("地址：湖北省鄂州市 Ezhou City, Hubei Province", "zh") == "zh"


def test_chinese_sentence_on_a_page_declared_english_gets_the_chinese_voice() -> None:
    from eldermode.voices.text import normalize, sentence_lang

    # seven pages of the shared corpus declare lang="en" over Chinese text (a template default)
    assert sentence_lang("本报告中使用数据统计期限为2020年1月1日至12月31日。", "en") == "zh"
    assert sentence_lang("Our office moved to Wuhan (武汉) in 2019.", "en") == "en"  # a name in hanzi stays English
    assert sentence_lang("The report was published.", "en") == "en"
    assert normalize("发布日期：2021-01-27", sentence_lang("发布日期：2021-01-27", "en")) == "发布日期：二零二一年一月二十七日"
