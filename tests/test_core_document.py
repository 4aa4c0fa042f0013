"""Decoding and serialising pages: charset precedence, GB2312/GBK as GB18030, doctype, meta charset."""

from __future__ import annotations

import codecs

import pytest

from eldermode.transforms.document import (
    NotHTML,
    detect_encoding,
    parse_document,
    serialize_document,
)

# 镕 (U+9555) is in GBK but not in GB2312: the character lxml's gb2312 decoder stops at.
OUTSIDE_GB2312 = "朱镕基"


def page(text: str, meta: str = "") -> str:
    return f"<!DOCTYPE html><html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


def test_header_charset_wins_over_meta():
    body = page("政府信息公开", '<meta charset="big5">').encode("gbk")
    assert detect_encoding(body, "text/html; charset=GBK") == ("gb18030", "header")


def test_bom_wins_over_header():
    # WHATWG encoding sniffing: a BOM overrides the transport layer's label.
    body = codecs.BOM_UTF8 + page("年报").encode("utf-8")
    assert detect_encoding(body, "text/html; charset=gbk") == ("utf-8", "bom")


def test_meta_charset_when_header_has_none():
    body = page("政府信息公开年报", '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">').encode("gbk")
    assert detect_encoding(body, "text/html") == ("gb18030", "meta")


def test_gb2312_label_decodes_characters_outside_gb2312():
    text = f"第一段{OUTSIDE_GB2312}同志的讲话。第二段在后面。"
    body = page(text, '<meta charset="gb2312">').encode("gbk")
    doc = parse_document(body, "text/html; charset=gb2312")
    out = serialize_document(doc).decode("utf-8")
    assert OUTSIDE_GB2312 in out
    assert "第二段在后面" in out  # the rest of the page is not dropped


def test_utf8_page_mislabelled_gb2312_is_read_as_utf8():
    body = page("鄂城区政府信息公开", '<meta charset="gb2312">').encode("utf-8")
    doc = parse_document(body, "text/html; charset=gb2312")
    assert doc.encoding == "utf-8"
    assert "鄂城区政府信息公开" in serialize_document(doc).decode("utf-8")


def test_undeclared_gbk_is_detected():
    body = page("鄂城区人民政府关于政府信息公开工作年度报告的说明，本报告中使用数据统计期限为全年。" * 3).encode("gbk")
    doc = parse_document(body, "text/html")
    assert doc.encoding == "gb18030"
    assert "鄂城区人民政府" in serialize_document(doc).decode("utf-8")


def test_output_is_utf8_with_doctype_meta_and_characters_not_entities(seed_gbk_bytes):
    doc = parse_document(seed_gbk_bytes, "text/html; charset=gb2312")
    out = serialize_document(doc)
    text = out.decode("utf-8")
    assert text.startswith("<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Transitional//EN\"")
    assert "<meta charset=\"utf-8\">" in text
    assert "gb2312" not in text.lower().split("</head>")[0]
    assert "&#" not in text
    assert "鄂城区2020年政府信息公开工作年报" in text
    assert "联系电话：027-60896105" in text  # the end of the page survives


def test_gbk_and_utf8_seed_pages_give_the_same_tree(seed_html_bytes, seed_gbk_bytes):
    utf8 = serialize_document(parse_document(seed_html_bytes, "text/html; charset=utf-8"))
    gbk = serialize_document(parse_document(seed_gbk_bytes, "text/html; charset=gb2312"))
    assert utf8 == gbk


@pytest.mark.parametrize("meta", ['<meta charset="gbk">', '<meta http-equiv="Content-Type" content="text/html; charset=big5">',
                                  '<meta charset="utf-8">', ""], ids=["gbk", "big5", "utf-8", "none"])
@pytest.mark.parametrize("text", ["鄂城区政府信息公开 &#20844;&amp;开 café ½", "年报\x0b第二段\x01", "plain ascii"],
                         ids=["chinese", "controls", "ascii"])
def test_utf8_bytes_parsed_as_they_are_give_the_tree_their_text_gives(meta, text):
    # A UTF-8 page that decodes whole is parsed from its bytes; a GB18030 one from its text: the same page
    # either way, whatever its meta charset says.
    utf8 = serialize_document(parse_document(page(text, meta).encode("utf-8"), "text/html; charset=utf-8"))
    gb = serialize_document(parse_document(page(text, meta).encode("gb18030"), "text/html; charset=gb18030"))
    assert utf8 == gb
    assert text.split()[0].replace("\x0b", " ").replace("\x01", "").encode("utf-8") in utf8


def test_page_without_meta_gets_one():
    out = serialize_document(parse_document(b"<html><head><title>x</title></head><body>hi</body></html>"))
    assert b'<meta charset="utf-8">' in out


def test_an_empty_list_item_keeps_its_end_tag():
    # libxml2 writes an empty <li> without </li>: the text after it would move inside on the next parse.
    # An item holding a comment is not empty (it has a child node) and is written as it is.
    doc = parse_document(b"<html><body><ul><li></li>after<li><!--c--></li><li>x</li></ul></body></html>")
    out = serialize_document(doc)
    assert b"<li></li>after<li><!--c--></li><li>x</li>" in out
    assert serialize_document(parse_document(out)) == out


def test_xml_declaration_is_accepted():
    body = ('<?xml version="1.0" encoding="gb2312"?>' + page("年报")).encode("gbk")
    doc = parse_document(body, None)
    assert "年报" in serialize_document(doc).decode("utf-8")


def test_truncated_utf8_page_is_still_utf8():
    body = "<html><body><p>政府信息公开".encode("utf-8") + "政".encode("utf-8")[:2]
    assert detect_encoding(body, None)[0] == "utf-8"


@pytest.mark.parametrize(
    "body",
    [b"", b"   \n", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, bytes(1000)],
    ids=["empty", "blank", "png", "zeros"],
)
def test_what_is_not_a_page_raises_not_html(body):
    with pytest.raises(NotHTML):
        parse_document(body, "text/html")


def nested(depth: int) -> bytes:
    return ("<html><body>" + "<div>" * depth + "深处的正文" + "</div>" * depth + "<p>联系电话</p></body></html>").encode()


def test_deep_nesting_keeps_the_whole_page():
    out = serialize_document(parse_document(nested(1000), "text/html; charset=utf-8")).decode("utf-8")
    assert "深处的正文" in out and "联系电话" in out


def test_nesting_beyond_the_parser_limit_is_not_html_rather_than_half_a_page():
    with pytest.raises(NotHTML, match="whole"):
        parse_document(nested(3000), "text/html; charset=utf-8")


def test_a_referenced_carriage_return_is_read_as_the_line_feed_the_browser_gets():
    # libxml2 writes a CR that came from &#13; out raw, and every HTML parser reads raw CR/CRLF as LF:
    # the tree holds LF at once, so what the steps read is what the visitor's browser reads.
    doc = parse_document(page('第一行&#13;&#10;第二行<span title="甲&#xD;乙">丙&#13丁</span>').encode())
    p = doc.root.find(".//p")
    assert p.text == "第一行\n第二行"
    assert p[0].get("title") == "甲\n乙"
    assert p[0].text == "丙\n丁"
    assert b"\r" not in serialize_document(doc)


@pytest.mark.parametrize("mode", ["elder", "access"])
def test_a_page_with_referenced_carriage_returns_rewritten_twice_equals_once(mode):
    from eldermode.transforms import Context, Profile
    from eldermode.transforms.pipeline import rewrite_page

    table = ("<table border=1><tr><td></td><td>2019年&#13;&#10;（万元）</td><td>2020年</td></tr>"
             "<tr><td>税收&#13;收入</td><td>1,200</td><td>1,350</td></tr>"
             "<tr><td>非税收入</td><td>300</td><td>280</td></tr></table>")
    body = page("收入情况如下。&#13;&#10;单位：万元").replace("</p>", "</p>" + table).encode()

    def rewrite(data: bytes) -> bytes:
        return rewrite_page(data, "text/html", Context(profile=Profile(mode=mode), url="/r.html"))

    once = rewrite(body)
    assert rewrite(once) == once
