"""The lang transform: the page's language from its own text, never from scripts or eldermode's UI."""

from __future__ import annotations

import lxml.html

from eldermode.transforms import Context, Profile
from eldermode.transforms.language import set_lang


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
