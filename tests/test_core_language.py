"""The lang transform: the page's language from its own text, never from scripts or eldermode's UI."""

from __future__ import annotations

import re

import lxml.html
import pytest
from hypothesis import given
from hypothesis import strategies as st

import support
from eldermode.transforms import Context, Profile
from eldermode.transforms.language import _han_count, _latin_words, set_lang
from eldermode.transforms.pipeline import rewrite_page


def lang_of(html: str) -> tuple[str | None, Context]:
    root = lxml.html.document_fromstring(html)
    ctx = Context(profile=Profile(mode="access"))
    set_lang(root, ctx)
    return root.get("lang"), ctx


def test_chinese_page_gets_zh_cn():
    assert lang_of("<html><body><p>鄂城区2020年政府信息公开工作年报</p></body></html>")[0] == "zh-CN"


def test_english_page_gets_en():
    assert lang_of("<html><body><p>The annual report on government information disclosure for 2020, "
                   "with statistics on requests received and handled this year.</p></body></html>")[0] == "en"


def test_author_lang_is_kept_and_reported_to_later_steps():
    lang, ctx = lang_of('<html lang="en-GB"><body><p>政府信息公开工作年报政府信息公开</p></body></html>')
    assert lang == "en-GB" and ctx.lang == "en-GB" and ctx.report.entries == []


def test_scripts_styles_frames_and_eldermode_ui_do_not_count():
    html = ("<html><body><script>var a = 'some english words in a script here and more';</script>"
            "<style>body { font-family: Arial, sans-serif; color: black }</style>"
            '<nav data-eldermode="modebar">长者模式 无障碍 原版 浏览模式</nav>'
            "<p>Only a few words</p></body></html>")
    assert lang_of(html)[0] is None  # too little of the page's own text to tell


def test_text_after_nested_elements_is_read():
    html = "<html><body><div><span>Hi</span></div>年度报告<b>政府信息</b>公开</body></html>"
    assert lang_of(html)[0] == "zh-CN"


REPORT_TEXT = ("根据《中华人民共和国政府信息公开条例》规定，现公布本机关二〇二〇年度政府信息公开工作年度报告。"
               "本报告由总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和"
               "行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项六个部分组成。") * 2


def test_a_template_lang_en_over_chinese_text_is_corrected():
    lang, ctx = lang_of(f'<html lang="en"><body><div class="nav">Home | English</div><p>{REPORT_TEXT}</p></body></html>')
    assert lang == "zh-CN" and ctx.lang == "zh-CN"
    assert ctx.report.entries == [("lang", "corrected page language", "en → zh-CN")]


def test_an_english_page_with_chinese_names_keeps_its_lang():
    text = ("The district government published its annual report on information disclosure (政府信息公开工作年度报告) "
            "covering requests received, replies given and reviews, together with the 2020 budget. ") * 6
    lang, ctx = lang_of(f'<html lang="en"><body><p>{text}</p></body></html>')
    assert lang == "en" and ctx.report.entries == []


def test_corpus_pages_declaring_en_over_chinese_are_rewritten_as_chinese():
    pages = support.corpus_pages()
    if not pages:
        pytest.skip(support.CORPUS_MISSING)
    declared_en = [p for p in pages if lxml.html.document_fromstring(p.path.read_bytes()).get("lang") == "en"]
    assert len(declared_en) >= 5, "the shared corpus has seven Chinese pages that declare lang=en"
    for page in declared_en:
        out = rewrite_page(page.path.read_bytes(), page.content_type, Context(profile=Profile(mode="access")))
        assert lxml.html.document_fromstring(out).get("lang") == "zh-CN", page.name


def test_other_declared_languages_are_the_authors_word():
    japanese = "本報告は、情報公開条例に基づき、令和二年度の情報公開の実施状況をまとめたものです。" * 8
    for lang, text in (("ja", japanese), ("en", japanese), ("yue", REPORT_TEXT), ("zh-Hant", REPORT_TEXT)):
        declared, ctx = lang_of(f'<html lang="{lang}"><body><p>{text}</p></body></html>')
        assert declared == lang and ctx.lang == lang and ctx.report.entries == [], lang


_EDGES = [0x33FF, 0x3400, 0x4CFF, 0x4D00, 0x4DBF, 0x4DC0, 0x4DFF, 0x4E00, 0x9FFF, 0xA000, 0xF8FF, 0xF900, 0xFAFF,
          0xFB00, 0x20000, 0x1F600, 0x41, 0x5A, 0x61, 0x7A, 0x40, 0x5B, 0x60, 0x7B, 0xE9, 0x212A, 0x3000, 0x20]


@given(st.lists(st.one_of(st.sampled_from([chr(c) for c in _EDGES]), st.characters()), max_size=60).map("".join))
def test_han_and_latin_counts_are_what_the_character_classes_find(text):
    # The counts are taken in C by byte tables; they must be what the plain regular expressions find.
    assert _han_count(text) == sum(map(len, re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+", text)))
    assert _latin_words(text) == len(re.findall(r"[A-Za-z]{2,}", text))
