"""Unit tests for heading inference: the article title and official-style numbered section lines."""

from __future__ import annotations

import lxml.html
import pytest

from eldermode.transforms import Context, Profile
from eldermode.transforms.headings import ensure_title, heading_rank, infer_headings


def run(html: str):
    root = lxml.html.document_fromstring(html)
    ctx = Context(profile=Profile(mode="access"))
    ensure_title(root, ctx)
    infer_headings(root, ctx)
    return root, ctx


def levels(root) -> list[tuple[str, str]]:
    return [(el.get("aria-level"), el.text_content().strip()) for el in root.iter() if el.get("role") == "heading"]


BODY_TEXT = "根据有关规定，结合我区政府信息公开工作有关统计数据撰写本报告，报告主要包括主动公开情况。" * 2

ARTICLE = f"""<html><head><title>某区2020年政府信息公开工作年报-某区人民政府</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/a/">政务公开</a></div>
<div class="article"><div class="title">某区2020年政府信息公开工作年报</div>
<div id="zoom">
<p>{BODY_TEXT}</p>
<p><strong>一、总体情况</strong></p>
<p>{BODY_TEXT}</p>
<p><b>（一）加强组织领导，强化统筹协调。</b></p>
<p>{BODY_TEXT}</p>
<p><span style="font-weight:bold">1.形成工作合力</span></p>
<p>{BODY_TEXT}</p>
<p><b>（1）细化任务</b></p>
<p>{BODY_TEXT}</p>
<p><strong>二、主动公开政府信息情况</strong></p>
<p>{BODY_TEXT}</p>
</div></div></body></html>"""


def test_title_and_numbered_levels():
    root, ctx = run(ARTICLE)
    assert levels(root) == [
        ("1", "某区2020年政府信息公开工作年报"),
        ("2", "一、总体情况"),
        ("3", "（一）加强组织领导，强化统筹协调。"),
        ("4", "1.形成工作合力"),
        ("5", "（1）细化任务"),
        ("2", "二、主动公开政府信息情况"),
    ]
    title = root.find_class("title")[0]
    assert title.tag == "div"  # styles keyed on div.title keep working
    assert ctx.report.count("headings") == 6


@pytest.mark.parametrize(
    "text, rank",
    [("一、总体情况", 0), ("十二、其他", 0), ("（一）组织", 1), ("(三)加强", 1), ("1.形成", 2), ("2．全面", 2),
     ("（1）细化", 3), ("(12)细化", 3), ("2020年工作", None), ("1.5倍", None), ("一是形成合力", None)],
)
def test_heading_rank(text, rank):
    assert heading_rank(text) == rank


def test_numbered_sentence_in_running_text_stays_paragraph():
    html = f"""<html><body><div id="zoom"><p>{BODY_TEXT}</p>
    <p>一、本年度新收政府信息公开申请15件，上年结转0件，共办理15件，均已按时答复，未发生行政复议和行政诉讼。</p>
    <p><b>1.加大政务公开力度。</b>进一步加大学习《条例》等制度规定的落实力度，坚持公开为常态、不公开为例外。</p>
    <p>{BODY_TEXT}</p></div></body></html>"""
    root, _ = run(html)
    assert [lvl for lvl in levels(root)] == []


def test_plain_short_standalone_line_is_a_heading_but_sentence_is_not():
    html = f"""<html><body><div id="zoom"><p>{BODY_TEXT}</p>
    <p>一、总体情况</p><p>二、请于3日内答复。</p><p>{BODY_TEXT}</p></div></body></html>"""
    root, _ = run(html)
    assert levels(root) == [("2", "一、总体情况")]


def test_levels_follow_ranks_in_use_without_gaps():
    html = f"""<html><body><div id="zoom"><p>{BODY_TEXT}</p>
    <p><b>（一）存在的主要问题</b></p><p>{BODY_TEXT}</p><p><b>1.加大力度</b></p><p>{BODY_TEXT}</p></div></body></html>"""
    root, _ = run(html)
    assert levels(root) == [("2", "（一）存在的主要问题"), ("3", "1.加大力度")]


def test_table_cells_are_never_headings():
    html = f"""<html><body><div id="zoom"><p>{BODY_TEXT}</p><p>{BODY_TEXT}</p>
    <table><tr><td><p><b>一、本年新收政府信息公开申请数量</b></p></td><td>15</td></tr></table></div></body></html>"""
    root, _ = run(html)
    assert levels(root) == []


def test_existing_headings_are_kept_and_not_duplicated():
    html = f"""<html><head><title>年报</title></head><body><h1>门户网站</h1>
    <div class="article"><h2 class="title">年报</h2><div id="zoom"><p>{BODY_TEXT}</p>
    <h3>一、总体情况</h3><p>{BODY_TEXT}</p><p>{BODY_TEXT}</p></div></div></body></html>"""
    root, _ = run(html)
    assert [el.tag for el in root.iter("h1", "h2", "h3")] == ["h1", "h2", "h3"]
    assert levels(root) == []  # nothing added: the author's h1 stands, h2/h3 keep their levels


def test_author_role_is_never_overridden():
    html = f"""<html><body><div id="zoom"><p>{BODY_TEXT}</p>
    <p role="note"><b>一、说明</b></p><p>{BODY_TEXT}</p></div></body></html>"""
    root, _ = run(html)
    assert root.xpath("//p[@role='note']")[0].get("aria-level") is None


def test_idempotent():
    root, _ = run(ARTICLE)
    once = lxml.html.tostring(root)
    ctx = Context(profile=Profile(mode="access"))
    ensure_title(root, ctx)
    infer_headings(root, ctx)
    assert lxml.html.tostring(root) == once
    assert ctx.report.count() == 0


def test_document_title_derived_from_heading_when_missing():
    html = f"""<html><head></head><body><div class="article"><div class="title">关于做好防汛工作的通知</div>
    <div id="zoom"><p>{BODY_TEXT}</p><p>{BODY_TEXT}</p></div></div></body></html>"""
    root, ctx = run(html)
    assert root.find("head/title").text == "关于做好防汛工作的通知"
    assert ctx.report.count("headings", "document title derived") == 1


def test_title_in_table_cell_gets_inner_heading_span():
    html = f"""<html><head><title>关于做好防汛工作的通知_某市政府</title></head><body>
    <table><tr><td class="bt">关于做好防汛工作的通知</td></tr><tr><td><div id="zoom"><p>{BODY_TEXT}</p><p>{BODY_TEXT}</p></div></td></tr></table>
    </body></html>"""
    root, _ = run(html)
    td = root.find_class("bt")[0]
    assert td.get("role") is None
    assert td[0].tag == "span" and td[0].get("role") == "heading" and td[0].get("aria-level") == "1"


def test_title_goes_below_a_banner_h1_and_sections_below_it():
    html = ARTICLE.replace('<div class="nav">', '<h1 class="site">某区人民政府</h1><div class="nav">')
    root, ctx = run(html)
    found = levels(root)
    assert found[0] == ("2", "某区2020年政府信息公开工作年报")
    assert [lvl for lvl, _ in found[1:]] == ["3", "4", "5", "6", "3"]
    assert root.find(".//h1").text == "某区人民政府"  # the author's h1 is untouched
    # Idempotent: a second run finds the marked title and changes nothing.
    once = lxml.html.tostring(root)
    again = Context(profile=Profile(mode="access"))
    ensure_title(root, again)
    infer_headings(root, again)
    assert lxml.html.tostring(root) == once


def test_author_headings_set_the_level_of_their_numbering():
    html = f"""<html><body><article><h1>办法</h1><div class="article-body"><p>{BODY_TEXT}</p>
    <h2>一、总则</h2><p>{BODY_TEXT}</p><p><strong>（一）适用范围</strong></p><p>{BODY_TEXT}</p>
    <p><b>1.定义</b></p><p>{BODY_TEXT}</p><h2>二、管理</h2><p><b>（一）职责</b></p><p>{BODY_TEXT}</p></div></article></body></html>"""
    root, _ = run(html)
    assert levels(root) == [("3", "（一）适用范围"), ("4", "1.定义"), ("3", "（一）职责")]
    assert [h.tag for h in root.iter("h1", "h2")] == ["h1", "h2", "h2"]
