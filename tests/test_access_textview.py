"""The 纯文本 text view: unit tests of the reading view, and the /__eldermode/text endpoint on a real server."""

from __future__ import annotations

import urllib.error
import urllib.request

import lxml.html

import support
from support import text_view_page
from eldermode.middleware import ElderModeMiddleware, Settings

PARA = "根据有关规定，结合我区政府信息公开工作有关统计数据撰写本报告。" * 2

PAGE = f"""<html><head><title>某区年报-某区人民政府</title></head><body>
<div class="nav"><a href="/">首页</a><a href="/zwgk/">政务公开</a><a href="/zwfw/">政务服务</a></div>
<div class="article"><div class="title">某区年报</div>
<div class="info">发布日期：2021年01月27日 <a href="javascript:window.print()">打印</a></div>
<div id="zoom"><p>{PARA}</p>
<p><strong>一、总体情况</strong></p>
<p>详见<a href="annex.html">附件</a>和<img src="/images/chart.png" alt="统计图">。<img src="/s.gif" alt=""></p>
<ul><li>第一项</li><li>第二项</li></ul>
<table><tr><td></td><td>本年</td><td>上年</td></tr><tr><td>申请数</td><td>15</td><td>12</td></tr>
<tr><td>办结数</td><td>15</td><td>11</td></tr></table>
<p><b>二、存在问题</b></p><p>{PARA}</p></div></div>
<div class="footer">主办单位：某区人民政府</div></body></html>"""


def view(html: str = PAGE, url: str = "/zwgk/2021/report.html"):
    return lxml.html.document_fromstring(text_view_page(html.encode("utf-8"), "text/html; charset=utf-8", url))


def test_reading_order_headings_paragraphs_lists_links_images():
    out = view()
    main = out.find(".//main")
    assert [el.tag for el in main][:3] == ["h1", "p", "p"]
    assert main[0].text == "某区年报"
    headings = [(el.tag, el.text) for el in main if el.tag in ("h1", "h2", "h3")]
    assert headings == [("h1", "某区年报"), ("h2", "一、总体情况"), ("h2", "二、存在问题")]
    text = main.text_content()
    assert text.index("一、总体情况") < text.index("详见") < text.index("第一项") < text.index("二、存在问题")
    # Links keep their (resolved) targets; images are their alt text; decorative ones vanish.
    link = main.find(".//a")
    assert (link.text, link.get("href")) == ("附件", "/zwgk/2021/annex.html")
    assert "[图片：统计图]" in text and "s.gif" not in lxml.html.tostring(out, encoding="unicode")
    assert [li.text for li in main.find("ul")] == ["第一项", "第二项"]
    # Buttons, navigation and the footer are not part of the reading view.
    assert "打印" not in text and "政务服务" not in text and "主办单位" not in text


def test_table_stays_a_table_with_its_linear_reading():
    out = view()
    main = out.find(".//main")
    table = main.find("table")
    assert table is not None
    cells = [[c.text for c in tr] for tr in table.iter("tr")]
    assert cells[1] == ["申请数", "15", "12"]
    assert all(tr.tag == "tr" for tr in table.iter("tr"))
    assert table.getnext().tag == "details"  # the cell-by-cell reading follows the table
    assert "申请数" in table.getnext().text_content() and "15" in table.getnext().text_content()
    assert not any(a.startswith("style") for el in table.iter() for a in el.attrib)


def test_back_link_and_title():
    out = view()
    assert out.find(".//title").text == "纯文本：某区年报"
    back = out.find(".//nav/a")
    assert back.get("href") == "/zwgk/2021/report.html?eldermode=access"
    assert out.get("lang") == "zh-CN"


def test_text_view_page_decodes_gbk(seed_gbk_bytes):
    out = text_view_page(seed_gbk_bytes, "text/html; charset=gb2312", "/report-2020-gbk.html").decode("utf-8")
    root = lxml.html.document_fromstring(out)
    assert [h.text for h in root.iter("h1")] == ["鄂城区2020年政府信息公开工作年报"]
    assert len(list(root.iter("h2"))) == 6 and len(list(root.iter("table"))) == 3


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, response.headers.get("content-type", ""), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("content-type", ""), exc.read()


def test_endpoint_serves_the_view_and_refuses_other_hosts(serve_app):
    site = support.load_example("site_app").build_site_app()
    base = serve_app(ElderModeMiddleware(site, settings=Settings()))
    status, content_type, body = fetch(base + "/__eldermode/text?url=/report-2020.html")
    assert status == 200 and content_type.startswith("text/html")
    root = lxml.html.document_fromstring(body.decode("utf-8"))
    assert [h.text for h in root.iter("h1")] == ["鄂城区2020年政府信息公开工作年报"]
    assert len(list(root.iter("table"))) == 3
    # The toolbar's 纯文本 link on the rewritten page points at this endpoint.
    status, _, page = fetch(base + "/report-2020.html?eldermode=access")
    assert b'/__eldermode/text?url=/report-2020.html' in page
    for bad in ("http://example.com/", "//example.com/x", "/__eldermode/health", "relative.html"):
        status, _, body = fetch(base + "/__eldermode/text?url=" + urllib.request.quote(bad, safe=""))
        assert status == 400, bad
        assert b"example.com" not in body
    status, _, _ = fetch(base + "/__eldermode/text?url=/no-such-page.html")
    assert status == 404


def test_view_outline_starts_at_the_title_even_below_a_site_h1():
    out = view(PAGE.replace('<div class="nav">', '<h1>某区人民政府</h1><div class="nav">'))
    headings = [(el.tag, el.text) for el in out.find(".//main") if el.tag in ("h1", "h2", "h3")]
    assert headings == [("h1", "某区年报"), ("h2", "一、总体情况"), ("h2", "二、存在问题")]


def test_view_adds_the_title_when_the_content_lacks_it():
    out = view(PAGE.replace('<div class="title">某区年报</div>', ""))
    main = out.find(".//main")
    assert main[0].tag == "h1" and main[0].text == "某区年报"  # from the document's <title>


def test_script_and_data_links_never_become_links_in_the_view():
    page = PAGE.replace('<a href="annex.html">附件</a>',
                        '<a href="JavaScript:alert(1)">甲</a><a href="data:text/html,x">乙</a>'
                        '<a href="vbscript:x">丙</a><a href="mailto:a@b.cn">信箱</a>')
    main = view(page).find(".//main")
    assert [a.get("href") for a in main.iter("a")] == ["mailto:a@b.cn"]
    assert "乙" in main.text_content() and "丙" in main.text_content()


def test_a_separator_hidden_from_screen_readers_is_still_written_in_the_view():
    # The access pipeline moves a lone "·" or "|" into data-em-sep (drawn, not read); the view is built
    # from that page, and the "·" of a foreign name is part of the text.
    page = PAGE.replace(f"<p>{PARA}</p>\n<p><strong>", "<p>意大利建筑师卢西亚诺<span>·</span>皮亚出席。</p>\n<p><strong>", 1)
    main = view(page).find(".//main")
    assert "卢西亚诺·皮亚出席" in main.text_content()
