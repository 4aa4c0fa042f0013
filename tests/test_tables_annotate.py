"""The ``tables`` transform on real and small pages: classification, header inference, annotation, reading.

The seed page's expectations come from tests/golden/tables/report-2020.json,
written by tests/golden/tables/make_report_2020.py from the report's meaning.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import lxml.html
import pytest
import tables_golden

from eldermode.transforms import Context, Profile
from eldermode.transforms.pipeline import rewrite_page
from eldermode.transforms.tables.model import document_id_lookup, form_table
from eldermode.transforms.tables import (
    annotate_tables,
    cell_text,
    format_readings,
    normalise_text,
    read_page,
)
from eldermode.transforms.tables.text import plain_text_only

GOLDEN = Path(__file__).parent / "golden" / "tables"
FIXTURES = Path(__file__).parent / "fixtures" / "tables"


def expected_report() -> list[dict]:
    return json.loads((GOLDEN / "report-2020.json").read_text("utf-8"))


def readings_as_golden(readings) -> list[dict]:
    return [
        {
            "caption": r.caption,
            "description": r.description,
            "rows": r.rows,
            "cols": r.cols,
            "cells": [{"row": c.row, "col": c.col, "value": c.value, "y": c.y, "x": c.x} for c in r.cells],
        }
        for r in readings
    ]


def page(body_html: str, lang: str = "zh-CN") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html lang='{lang}'><head></head><body>{body_html}</body></html>")


def run(root, lang="zh-CN") -> Context:
    ctx = Context(profile=Profile(mode="access"), lang=lang)
    annotate_tables(root, ctx)
    return ctx


def sentences(body_html: str) -> list[str]:
    """The sentences of the first table read on a page made of ``body_html``."""
    return [c.text for c in run(page(body_html)).data["tables"][0].cells]


# ----------------------------------------------------------------------------- the seed page


@pytest.fixture(scope="module")
def seed_readings(seed_html_bytes):
    return read_page(seed_html_bytes)


def test_seed_every_data_cell_has_the_expected_row_and_column_path(seed_readings):
    got = readings_as_golden(seed_readings)
    want = expected_report()
    assert len(got) == 3
    for g, w in zip(got, want):
        assert {k: v for k, v in g.items() if k != "cells"} == {k: v for k, v in w.items() if k != "cells"}
        assert len(g["cells"]) == len(w["cells"]), w["caption"]
        for gc, wc in zip(g["cells"], w["cells"]):
            assert gc == wc


def test_seed_sentences_read_as_the_issue_says(seed_readings):
    sentences = [c.text for r in seed_readings for c in r.cells]
    assert (
        "三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密 | 申请人情况 › 法人或其他组织 › 商业企业: 0" in sentences
    )
    assert "第二十条第（六）项 › 行政处罚 | 处理决定数量: （空）" in sentences
    assert "行政复议 › 总计: 14" in sentences
    summary = seed_readings[1].summary
    assert summary == "三、收到和处理政府信息公开申请情况：26行×10列的表格，161个数据单元格；列标题3层，行标题3层。"


@pytest.fixture(scope="module")
def access_page(seed_html_bytes):
    ctx = Context(profile=Profile(mode="access"))
    out = rewrite_page(seed_html_bytes, "text/html", ctx)
    return out, lxml.html.document_fromstring(out.decode("utf-8")), ctx


def data_tables(root):
    """The annotated tables, each split table as one list of its parts."""
    out = []
    for t in root.iter("table"):
        if t.get("data-eldermode") == "table":
            out.append([t])
        elif t.get("data-eldermode") == "table-part":
            out[-1].append(t)
    return out


SECTIONS = ["第二十条第（一）项", "第二十条第（五）项", "第二十条第（六）项", "第二十条第（八）项", "第二十条第（九）项"]


def test_seed_annotation_th_scope_ids_headers(access_page):
    _, root, _ = access_page
    tables = list(root.iter("table"))
    assert len(tables) == 8 and [len(parts) for parts in data_tables(root)] == [5, 1, 1]
    lookup = document_id_lookup(root)
    for table in (part for parts in data_tables(root) for part in parts):
        t = form_table(table)
        cells_by_el = {c.element: c for c in t.cells}
        for c in t.cells:
            el = c.element
            if el.tag == "th":
                assert el.get("scope") in ("col", "row")
                assert el.get("headers") is not None or c.x == 0 or c.y < 3  # row headers name their headers
            for token in (el.get("headers") or "").split():
                target = lookup(token)
                # every id referenced exists, is a th, and belongs to the same table; never the cell itself
                assert target is not None and target.tag == "th" and target in cells_by_el and target is not el
            if el.tag == "td" and cell_text(el):
                # th + scope alone is exact in these tables (after the split): no headers list repeats it
                assert el.get("headers") is None
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids))


def test_headers_lists_where_the_grid_alone_is_not_exact():
    """A blank td in a header band (the standard's scan stops there): data cells name their headers."""
    root = page("<p>一、收支情况</p><table border=1><tr><td></td><td>2019年</td><td>2020年</td></tr>"
                "<tr><td>收入</td><td>12</td><td>15</td></tr><tr><td>支出</td><td>10</td><td>11</td></tr></table>")
    run(root)
    tds = [td for td in root.iter("td") if cell_text(td)]
    assert tds and all(td.get("headers") for td in tds)
    for td in tds:
        assert all(root.get_element_by_id(token).tag == "th" for token in td.get("headers").split())


def test_seed_no_td_left_in_header_bands(access_page):
    _, root, _ = access_page
    first, (second,), (third,) = data_tables(root)
    for table, top in ((second, 3), (third, 3)):
        t = form_table(table)
        assert all(c.element.tag == "th" for c in t.cells if c.y < top)
    # Each section of table 二 is its own table: the section is its caption, its header row its first row.
    assert [cell_text(part.find("caption")) for part in first] == [f"二、主动公开政府信息情况：{s}" for s in SECTIONS]
    for part in first:
        t = form_table(part)
        assert all(c.element.tag == "th" and c.element.get("scope") == "col" for c in t.cells if c.y == 0)
        assert not [c for c in t.cells if c.width == t.xwidth and t.xwidth > 1]  # no full-width row left


def test_seed_caption_and_corner_note(access_page):
    _, root, _ = access_page
    first, (second,), (third,) = data_tables(root)
    captions = [cell_text(t.find("caption")) for t in (first[0], second, third)]
    assert captions == ["二、主动公开政府信息情况：第二十条第（一）项", "三、收到和处理政府信息公开申请情况",
                        "四、政府信息公开行政复议、行政诉讼情况"]
    note = root.get_element_by_id(second.get("aria-describedby"))
    assert cell_text(note).startswith("（本列数据的勾稽关系为")
    assert first[0].get("aria-describedby") is None and third.get("aria-describedby") is None
    # The note is nobody's header among the data cells.
    for td in second.iter("td"):
        assert note.get("id") not in (td.get("headers") or "").split()


def test_seed_spec_algorithm_on_the_annotated_page_gives_the_golden_paths(access_page):
    """What Firefox/JAWS compute from the headers attributes is exactly the expected reading."""
    out, _, _ = access_page
    score = tables_golden.compare(tables_golden.load("report-2020.json"), tables_golden.standard_reading(out))
    assert (score.exact, score.total) == (201, 201) and not score.extra, score.details()


def test_seed_footer_table_is_presentation_and_untouched(access_page, seed_html_bytes):
    _, root, _ = access_page
    footer = list(root.iter("table"))[-1]
    assert footer.get("role") == "presentation"
    assert footer.find(".//th") is None and footer.get("data-eldermode") is None
    nxt = footer.getnext()
    assert nxt is None or nxt.get("data-eldermode") != "table-reading"


def test_seed_linear_view_after_each_data_table(access_page):
    _, root, _ = access_page
    counts = []
    for parts in data_tables(root):
        table = parts[-1]  # after the last part of a split table
        anchor = table.getparent() if table.getparent().get("data-eldermode") == "table-scroll" else table
        details = anchor.getnext()
        assert details.tag == "details" and details.get("data-eldermode") == "table-reading"
        assert details.find("summary").text.startswith("逐格朗读本表")
        counts.append(len(details.findall("ol/li")))
    assert counts == [25, 161, 15]


@pytest.mark.parametrize("mode", ["access", "elder"])
def test_seed_rewrite_is_idempotent(seed_html_bytes, mode):
    once = rewrite_page(seed_html_bytes, "text/html", Context(profile=Profile(mode=mode)))
    twice = rewrite_page(once, "text/html; charset=utf-8", Context(profile=Profile(mode=mode)))
    assert once == twice
    root = lxml.html.document_fromstring(once.decode("utf-8"))
    assert len(root.xpath("//details[@data-eldermode='table-reading']")) == 3


def test_seed_elder_mode_keeps_details_outside_the_scroll_container(seed_html_bytes):
    out = rewrite_page(seed_html_bytes, "text/html", Context(profile=Profile(mode="elder")))
    root = lxml.html.document_fromstring(out.decode("utf-8"))
    for details in root.xpath("//details[@data-eldermode='table-reading']"):
        assert details.getprevious().get("data-eldermode") in ("table-scroll", "table")


def test_seed_report_notes_every_repair(access_page):
    _, _, ctx = access_page
    assert ctx.report.count("tables", "annotated headers") == 3
    assert ctx.report.count("tables", "added caption") == 3
    assert ctx.report.count("tables", "marked layout table") == 1
    assert ctx.report.count("tables", "added linear reading") == 3


def test_seed_gbk_page_reads_the_same(seed_gbk_bytes):
    assert readings_as_golden(read_page(seed_gbk_bytes)) == expected_report()


# ----------------------------------------------------------------------------- text


@pytest.mark.parametrize(
    "html, expected",
    [
        ("<td><p>三、本</p><p>年<span>度办</span>\n &nbsp; &nbsp;</p><p>理结果</p></td>", "三、本年度办理结果"),
        ("<td>\u3000第二十条　第（一）项 </td>", "第二十条第（一）项"),
        ("<td><p>Board</p><p>Games</p></td>", "Board Games"),
        ("<td>本年<br>增/减</td>", "本年增/减"),
        ("<td>15 件</td>", "15 件"),
        ("<td>&nbsp;</td>", ""),
        ("<td><img alt='合计'> 3</td>", "合计 3"),
        ("<td>a<script>x()</script>b</td>", "ab"),
        # block boundaries survive the fast path for plain cells
        ("<td><p><span>12</span></p></td>", "12"),
        ("<td><p>1</p><p>2</p></td>", "1 2"),
        ("<td>a<p>b</p></td>", "a b"),
        ("<td><p>a</p>b</td>", "a b"),
        ("<td>Total<br>2020</td>", "Total 2020"),
    ],
)
def test_cell_text_joins_cjk_pieces(html, expected):
    root = lxml.html.fragment_fromstring(f"<table><tr>{html}</tr></table>")
    td = root.find(".//td")
    assert cell_text(td) == expected
    assert cell_text(td, plain=plain_text_only(root)) == expected


def test_normalise_text_only_drops_spaces_between_wide_characters():
    assert normalise_text("信息 公开 2020 年") == "信息公开 2020 年"
    assert normalise_text(" a  b ") == "a b"


# ----------------------------------------------------------------------------- small pages

SIMPLE = """
<p>一、收支情况</p>
<table border="1">
<tr><td>项目</td><td>2019年</td><td>2020年</td></tr>
<tr><td>收入</td><td>12</td><td>15</td></tr>
<tr><td>支出</td><td>10</td><td>&nbsp;</td></tr>
</table>
"""


def test_simple_td_table_gets_headers_caption_and_reading():
    root = page(SIMPLE)
    ctx = run(root)
    table = root.find(".//table")
    rows = table.findall(".//tr")
    assert [c.tag for c in rows[0]] == ["th", "th", "th"]
    assert [c.get("scope") for c in rows[0]] == ["col", "col", "col"]
    assert [c.tag for c in rows[1]] == ["th", "td", "td"] and rows[1][0].get("scope") == "row"
    assert table.find("caption").text == "一、收支情况"
    assert table.find("caption").get("class") == "em-visually-hidden"
    (reading,) = ctx.data["tables"]
    assert [c.text for c in reading.cells] == [
        "收入 | 2019年: 12", "收入 | 2020年: 15", "支出 | 2019年: 10", "支出 | 2020年: （空）"]
    # The corner 项目 is short: it heads the row-header column, and the row headers point at it.
    corner_id = rows[0][0].get("id")
    assert corner_id in rows[1][0].get("headers").split()


def test_english_page_labels():
    root = page(SIMPLE.replace("一、收支情况", "Income"), lang="en")
    ctx = run(root, lang="en")
    details = root.find(".//details")
    assert details.find("summary").text.startswith("Table as text")
    assert ctx.data["tables"][0].cells[3].text.endswith(": (empty)")
    assert "3 rows × 3 columns" in ctx.data["tables"][0].summary


def test_generated_ids_never_collide_with_the_page():
    root = page("<p id='em-t0-h1'>x</p><span id='em-t0-h4'></span>" + SIMPLE)
    run(root)
    ids = root.xpath("//@id")
    assert len(ids) == len(set(ids))
    for token in root.xpath("//th/@headers")[0].split():
        assert root.get_element_by_id(token).tag == "th"


def test_author_table_is_read_not_rewritten():
    html = (FIXTURES / "wai_irregular.html").read_text("utf-8")
    root = page(html)
    before = lxml.html.tostring(root.find(".//table"), with_tail=False)
    ctx = run(root)
    assert lxml.html.tostring(root.find(".//table"), with_tail=False) == before
    (reading,) = ctx.data["tables"]
    assert reading.source == "author"
    texts = [c.text for c in reading.cells]
    assert "Teddy Bears | Mars › Sold: 30,000" in texts
    assert "Board Games | Venus › Sold: 9,000" in texts
    assert root.find(".//details") is not None


def test_author_headers_attribute_table_read_through_headers():
    texts = sentences((FIXTURES / "wai_multilevel.html").read_text("utf-8"))
    assert "Contact | Example 1 Ltd: James Phillips" in texts
    assert "Contact | Example 4 Inc: Alex Howe" in texts


@pytest.mark.parametrize(
    "html, reason",
    [
        ("<table><tr><td>logo</td><td><table border=1><tr><td>a</td><td>1</td></tr>"
         "<tr><td>b</td><td>2</td></tr></table></td></tr></table>", "contains a table"),
        ("<table><tr><td>姓名</td><td><input name=n></td></tr><tr><td>电话</td><td><input name=t></td></tr></table>",
         "form controls"),
        ("<table border=0><tr><td>ICP备案号</td><td>主办单位</td></tr></table>", "one row or one column"),
        ("<table><tr><td><a href=/a>首页</a></td><td><a href=/b>新闻</a></td></tr>"
         "<tr><td><a href=/c>公开</a></td><td><a href=/d>服务</a></td></tr></table>", "navigation links"),
    ],
)
def test_layout_tables_marked_presentation(html, reason):
    root = page(html)
    ctx = run(root)
    outer = root.find(".//table")
    assert outer.get("role") == "presentation"
    assert ("tables", "marked layout table", f"table 0: {reason}") in ctx.report.entries
    assert all(c.element.tag == "td" for c in form_table(outer).cells)  # (a nested data table is its own business)


def test_layout_guess_never_overrides_author_signals():
    # A caption tells browsers it is data: no role added, nothing annotated (one row is too little to read).
    root = page("<table><caption>名单</caption><tr><td>张三</td><td>李四</td></tr></table>")
    run(root)
    table = root.find(".//table")
    assert table.get("role") is None and table.find(".//th") is None


def test_author_roles_and_descriptions_are_kept():
    root = page("<table role='presentation' border=1><tr><td>项目</td><td>数量</td></tr>"
                "<tr><td>甲</td><td>1</td></tr></table>")
    run(root)
    assert root.find(".//th") is None
    html = SIMPLE.replace('<table border="1">', '<table border="1" aria-describedby="mine">')
    root = page("<p id=mine>说明</p>" + html.replace("项目", "（单位：万元，本表数据为年度累计数）"))
    run(root)
    assert root.find(".//table").get("aria-describedby") == "mine"


def test_text_only_table_with_clean_header_row():
    assert sentences("<table border=1><tr><td>姓名</td><td>职务</td><td>分工</td></tr>"
                     "<tr><td>张三</td><td>局长</td><td>全面工作</td></tr>"
                     "<tr><td>李四</td><td>副局长</td><td>财务</td></tr></table>")[:2] == ["姓名: 张三", "职务: 局长"]


def test_unclear_text_table_left_alone():
    html = "<table border=1><tr><td>通知一</td><td>详见附件</td></tr><tr><td>通知二</td><td>详见附件</td></tr></table>"
    root = page(html)
    before = lxml.html.tostring(root)
    ctx = run(root)
    assert lxml.html.tostring(root) == before
    assert ctx.report.count("tables", "left table alone") == 1


def test_thead_marks_the_top_band():
    assert sentences("<table><thead><tr><td>地区</td><td>人数</td></tr><tr><td>（人）</td><td>2020</td></tr></thead>"
                     "<tr><td>甲</td><td>3</td></tr><tr><td>乙</td><td>4</td></tr></table>")[0] == "甲 | 人数 › 2020: 3"


def test_no_body_no_tables_no_error():
    root = lxml.html.document_fromstring("<html><head><title>x</title></head></html>")
    ctx = Context(profile=Profile(mode="access"))
    annotate_tables(root, ctx)
    assert ctx.data.get("tables") in (None, [])


# ----------------------------------------------------------------------------- formats


def test_formats(seed_readings):
    text = format_readings(seed_readings, "text")
    assert text.splitlines()[0].startswith("二、主动公开政府信息情况：19行×4列")
    assert len([line for line in text.splitlines() if " | " in line or ": " in line]) >= 201
    records = json.loads(format_readings(seed_readings, "json"))
    assert [len(t["cells"]) for t in records] == [25, 161, 15]
    assert records[1]["cells"][0]["row"] == ["一、本年新收政府信息公开申请数量"]
    rows = list(csv.reader(io.StringIO(format_readings(seed_readings, "csv"))))
    assert rows[0] == ["table", "caption", "row", "col", "rowspan", "colspan", "row_path", "col_path", "value"]
    assert len(rows) == 1 + 201
    assert rows[1 + 25 + 28][6:] == ["三、本年度办理结果 › （三）不予公开 › 1.属于国家秘密", "申请人情况 › 自然人", "0"]
    with pytest.raises(ValueError):
        format_readings(seed_readings, "xml")



def test_author_th_that_heads_nothing_gets_no_reading():
    # th in a page template, each with data in its row and column: the standard gives no cell a header.
    root = page("<table><tr><td>1</td><th>A</th><td>2</td></tr><tr><td>3</td><th>B</th><td>4</td></tr>"
                "<tr><td>5</td><td>6</td><td>7</td></tr></table>")
    ctx = run(root)
    assert ctx.data["tables"] == []
    assert root.find(".//details") is None


def test_text_table_with_thead_keeps_its_columns_as_data():
    assert sentences("<table><thead><tr><td>姓名</td><td>职务</td><td>分工</td></tr></thead>"
                     "<tbody><tr><td>张三</td><td>局长</td><td>全面工作</td></tr>"
                     "<tr><td>李四</td><td>副局长</td><td>财务</td></tr></tbody></table>") == [
        "姓名: 张三", "职务: 局长", "分工: 全面工作", "姓名: 李四", "职务: 副局长", "分工: 财务"]


def test_label_with_blank_values_is_a_data_row_not_a_header_row():
    assert sentences("<table border=1><tr><td>项目</td><td>上年</td><td>本年</td></tr>"
                     "<tr><td>行政处罚</td><td></td><td></td></tr>"
                     "<tr><td>行政强制</td><td>1</td><td>2</td></tr></table>")[:2] == [
        "行政处罚 | 上年: （空）", "行政处罚 | 本年: （空）"]


def test_summary_says_when_a_table_has_no_row_headers(seed_readings):
    assert seed_readings[2].summary == (
        "四、政府信息公开行政复议、行政诉讼情况：4行×15列的表格，15个数据单元格；列标题3层，无行标题。")
    root = page(SIMPLE.replace("<p>一、收支情况</p>", "<h2>Income</h2>"), lang="en")
    summary = run(root, lang="en").data["tables"][0].summary
    assert summary == ("Income: table of 3 rows × 3 columns, 4 data cells; "
                       "1 level(s) of column headers, 1 level(s) of row headers.")


@pytest.mark.parametrize(
    "before, caption",
    [
        ("<p>说明文字很长，不是标题。</p><p><b>表1 收支情况</b></p>", "表1 收支情况"),
        ("<h3>Income and spending</h3>", "Income and spending"),
        ("<div><p>正文。</p><p>二、主动公开政府信息情况</p></div>", "二、主动公开政府信息情况"),
        ("<p>本机关2020年共收到申请15件。</p>", ""),
        ("<p>一、总体情况</p><p>全年共公开信息120条，详见下表。</p>", ""),
    ],
)
def test_caption_from_the_heading_before_the_table(before, caption):
    root = page(before + SIMPLE.replace("<p>一、收支情况</p>", ""))
    run(root)
    cap = root.find(".//table/caption")
    assert (cap.text if cap is not None else "") == caption


def test_borderless_label_value_list_is_left_alone():
    html = ("<table><tr><td>索引号</td><td>000014349/2020-00123</td></tr>"
            "<tr><td>发布机构</td><td>区政府办公室</td></tr><tr><td>发文日期</td><td>2020年03月01日</td></tr></table>")
    root = page(html)
    ctx = run(root)
    assert ctx.data["tables"] == [] and root.find(".//th") is None
    assert ctx.report.count("tables", "left table alone") == 1


def test_bare_years_head_their_columns():
    assert sentences("<table border=1><tr><td>项目</td><td>2019</td><td>2020</td></tr>"
                     "<tr><td>收入</td><td>12</td><td>15</td></tr>"
                     "<tr><td>支出</td><td>10</td><td>11</td></tr></table>")[:2] == ["收入 | 2019: 12", "收入 | 2020: 15"]


def test_numbers_that_look_like_years_in_a_data_row_stay_data():
    assert sentences("<table border=1><tr><td>项目</td><td>上年</td><td>本年</td><td>累计</td></tr>"
                     "<tr><td>收入</td><td>1998</td><td>2005</td><td>2001</td></tr>"
                     "<tr><td>支出</td><td>10</td><td>11</td><td>21</td></tr></table>")[0] == "收入 | 上年: 1998"


# ----------------------------------------------------------------------------- misaligned colspans


MISALIGNED = ("<p>一、收支情况</p><table border=1><tr><td>项目</td><td colspan=2>2019年</td><td>2020年</td></tr>"
              "<tr><td>收入</td><td>12</td><td colspan=2>15</td></tr>"
              "<tr><td>支出</td><td>10</td><td colspan=2>11</td></tr></table>")


def test_misaligned_colspans_follow_their_header_row():
    """Word's finer grid put 15 under 2019年 and 2020年 side by side: by position it is 2020年's value."""
    root = page(MISALIGNED)
    ctx = run(root)
    assert [c.text for c in ctx.data["tables"][0].cells] == [
        "收入 | 2019年: 12", "收入 | 2020年: 15", "支出 | 2019年: 10", "支出 | 2020年: 11"]
    rows = root.find(".//table").findall(".//tr")
    assert [c.get("colspan") for c in rows[0]] == [None, "2", None]
    assert [c.get("colspan") for c in rows[1]] == [None, "2", None]  # the body row now has its header's spans
    assert ctx.report.count("tables", "realigned colspans") == 1


def test_a_value_spanning_two_headers_is_left_as_written():
    """Fewer cells than header columns: no order to go by, so 12 keeps both of its headers."""
    html = ("<p>一、收支情况</p><table border=1><tr><td>项目</td><td>上半年</td><td>下半年</td></tr>"
            "<tr><td>收入</td><td colspan=2>12</td></tr><tr><td>支出</td><td>10</td><td>11</td></tr></table>")
    root = page(html)
    assert sentences(html)[0] == "收入 | 上半年 › 下半年: 12"
    run(root)
    assert root.find(".//table").findall(".//tr")[1][1].get("colspan") == "2"


# ----------------------------------------------------------------------------- row-header levels


CODES = ("<table border=0 style='border-collapse:collapse'><col width=60><col width=160><col width=80>"
         "<tr><td>科目编码</td><td>科目名称</td><td>合计</td></tr>"
         "<tr><td>201</td><td>一般公共服务支出</td><td>15</td></tr>"
         "<tr><td>20101</td><td>人大事务</td><td>12</td></tr>"
         "<tr><td>2010101</td><td>行政运行</td><td>9</td></tr>"
         "<tr><td colspan=2>合计</td><td>15</td></tr></table>")


def test_budget_code_parents_head_their_rows_from_hidden_leading_columns():
    root = page(CODES)
    ctx = run(root)
    assert [c.text for c in ctx.data["tables"][0].cells] == [
        "201 › 一般公共服务支出 | 合计: 15", "201 一般公共服务支出 › 20101 › 人大事务 | 合计: 12",
        "201 一般公共服务支出 › 20101 人大事务 › 2010101 › 行政运行 | 合计: 9", "合计 | 合计: 15"]
    table = root.find(".//table")
    rows = table.findall(".//tr")
    level = [[(c.get("scope"), c.get("rowspan"), c.get("colspan"), cell_text(c)) for c in tr
              if c.get("data-eldermode") == "table-level"] for tr in rows]
    assert level == [
        [("col", None, "2", "")],  # the header row: an empty slot heading nothing
        [("col", None, "2", "")],  # 201 has no parent
        [("row", "2", None, "201 一般公共服务支出"), ("col", None, None, "")],
        [("row", None, None, "20101 人大事务")],  # column 0 covered by 201's cell from the row above
        [("col", None, "2", "")],
    ]
    # The author's <col> widths stay on their columns: two zero-width columns go in front.
    assert [(c.tag, c.get("span")) for c in table if c.tag in ("col", "colgroup")][:2] == [("colgroup", None), ("col", None)]
    assert table[0].tag == "colgroup" and table[0][0].get("span") == "2"
    # Firefox and the standard read headers: the data cell names its parents' level cells too.
    lookup = document_id_lookup(root)
    ids = rows[3][-1].get("headers").split()
    assert [cell_text(lookup(i)) for i in ids][-4:] == ["201 一般公共服务支出", "20101 人大事务", "2010101", "行政运行"]


def test_sections_sharing_one_header_row_become_hidden_row_headers():
    html = ("<p>一、收入情况</p><table border=1 style='border-collapse:collapse'>"
            "<tr><td>项目</td><td>预算数</td><td>执行数</td></tr>"
            "<tr><td colspan=3>一、一般公共预算收入</td></tr><tr><td>税收收入</td><td>86</td><td>88</td></tr>"
            "<tr><td colspan=3>二、政府性基金预算收入</td></tr><tr><td>土地出让收入</td><td>60</td><td>51</td></tr>"
            "<tr><td>收入合计</td><td>146</td><td>139</td></tr></table>")
    root = page(html)
    ctx = run(root)
    assert [c.text for c in ctx.data["tables"][0].cells] == [
        "一、一般公共预算收入 › 税收收入 | 预算数: 86", "一、一般公共预算收入 › 税收收入 | 执行数: 88",
        "二、政府性基金预算收入 › 土地出让收入 | 预算数: 60", "二、政府性基金预算收入 › 土地出让收入 | 执行数: 51",
        "收入合计 | 预算数: 146", "收入合计 | 执行数: 139"]
    rows = root.find(".//table").findall(".//tr")
    hidden, visible = rows[1][0], rows[1][1]
    assert (hidden.tag, hidden.get("scope"), hidden.get("rowspan"), cell_text(hidden)) == ("th", "row", "2", "一、一般公共预算收入")
    # The visible section row heads no column (by position a th scope=col would head every column below it).
    assert (visible.tag, visible.get("scope"), visible.get("aria-hidden")) == ("th", "row", "true")
    # The grand total after the last section belongs to none: an empty slot there.
    assert rows[5][0].get("scope") == "col" and cell_text(rows[5][0]) == ""


def test_sections_with_header_rows_of_their_own_get_no_levels():
    html = ("<table border=1><tr><td colspan=3>第二十条第（一）项</td></tr><tr><td>信息内容</td><td>本年新制作数量</td>"
            "<td>本年新公开数量</td></tr><tr><td>规章</td><td>2</td><td>2</td></tr>"
            "<tr><td colspan=3>第二十条第（五）项</td></tr><tr><td>信息内容</td><td>上一年项目数量</td><td>本年增/减</td></tr>"
            "<tr><td>行政许可</td><td>120</td><td>-3</td></tr></table>")
    root = page(html)
    run(root)
    assert root.find(".//*[@data-eldermode='table-level']") is None


def test_a_title_row_left_in_a_table_with_levels_spans_the_hidden_columns_too():
    # The author wrote a caption, so the title and unit rows stay in the table: they must cover the
    # widened grid, or the title shrinks to the hidden columns' width and an empty column shows.
    html = ("<table border=1><caption>表一</caption>"
            "<tr><td colspan=2>2021年一般公共预算支出表</td><td></td></tr><tr><td colspan=3>单位：万元</td></tr>"
            + CODES.split("<col width=80>", 1)[1].replace("</table>", "") + "</table>")
    root = page(html)
    run(root)
    table = root.find(".//table")
    assert table.find(".//*[@data-eldermode='table-level']") is not None  # the levels are there
    grid = form_table(table)
    empty = [(x, y) for y in range(grid.yheight) for x in range(grid.xwidth) if grid.cell_at(x, y) is None]
    assert empty == []  # every row covers every column, the title and unit rows included


def test_shared_sections_holding_links_are_left_as_written():
    # The visible section row is hidden from readers when a level cell says it; a link in it would be a
    # focus stop a screen reader cannot hear, so such a table gets no section levels.
    html = ("<table border=1><tr><td>项目</td><td>预算数</td><td>执行数</td></tr>"
            "<tr><td colspan=3><a href='/d1.html'>一、一般公共预算收入</a></td></tr><tr><td>税收收入</td><td>86</td><td>88</td></tr>"
            "<tr><td colspan=3><a href='/d2.html'>二、政府性基金预算收入</a></td></tr><tr><td>土地出让收入</td><td>60</td><td>51</td></tr>"
            "</table>")
    root = page(html)
    run(root)
    assert root.find(".//*[@aria-hidden='true']") is None
    assert root.find(".//*[@data-eldermode='table-level']") is None


def test_cell_places_give_each_sentences_cell_without_a_cell_reading():
    # What the elder cards read: (row path, column path, value, y, x) of each sentence in turn, a blank value kept.
    from eldermode.transforms.tables.transform import read_page

    (reading,) = read_page("<table><tr><th>项目</th><th>数量</th><th>金额</th></tr>"
                           "<tr><th>甲</th><td>1</td><td>3.5</td></tr><tr><th>乙</th><td>2</td><td></td></tr>"
                           "</table>".encode(), "text/html", "zh-CN")
    assert list(reading.cell_places()) == [
        (["甲"], ["数量"], "1", 1, 1), (["甲"], ["金额"], "3.5", 1, 2),
        (["乙"], ["数量"], "2", 2, 1), (["乙"], ["金额"], "", 2, 2),
    ]
    assert reading.cell_fields() == [  # the same, by field
        [["甲"], ["甲"], ["乙"], ["乙"]], [["数量"], ["金额"], ["数量"], ["金额"]], ["1", "3.5", "2", ""],
        [1, 1, 2, 2], [1, 2, 1, 2],
    ]
    assert reading._cells is None
