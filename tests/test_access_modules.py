"""Fast unit tests (no browser) for the access mode's smaller modules, each on hand-written markup.

ariafix (ARIA that cannot work), listfix (lists a reader cannot count), quiet
(floating ads, separators), textwalk (the one text walker), pagemodel (where the
article and its title are), urls (never raising), duplicates (the site's own
copies of the toolbar set aside), and the newer name and landmark repairs. The
expected values are written from what the markup means, not from running the code.
"""

from __future__ import annotations

import lxml.etree
import lxml.html
import pytest

from eldermode.transforms import Context, Profile
from eldermode.transforms.ariafix import group_named_generics, mend_aria
from eldermode.transforms.duplicates import hide_duplicates
from eldermode.transforms.images import name_images
from eldermode.transforms.landmarks import infer_landmarks
from eldermode.transforms.listfix import mend_lists
from eldermode.transforms.markup import generated_blocks, without_generated
from eldermode.transforms.names import name_form_fields
from eldermode.transforms.pagemodel import page_model
from eldermode.transforms.quiet import drop_floating_ads, hide_separators
from eldermode.transforms.textwalk import BLOCK, compact, squash, text_of, walk
from eldermode.transforms.urls import join_url, split_url

PARA = "根据有关规定，结合本区政府信息公开工作的统计数据撰写本报告，报告包括主动公开的情况。"


def page(body: str, head: str = "<title>某页-某区人民政府</title>") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")


def ctx(mode: str = "access") -> Context:
    return Context(profile=Profile(mode=mode))


def by_id(root, id_: str):
    return root.get_element_by_id(id_)


# ---------------------------------------------------------------- ariafix


def test_unknown_aria_attributes_and_invalid_values_are_removed_valid_ones_kept():
    root = page('<div id="a" aria-regiontype="nav" aria-hidden="yes" aria-live="polite" aria-label="栏目">x</div>')
    mend_aria(root, ctx())
    a = by_id(root, "a")
    assert "aria-regiontype" not in a.attrib  # no such attribute
    assert "aria-hidden" not in a.attrib  # "yes" is no value a browser accepts
    assert a.get("aria-live") == "polite" and a.get("aria-label") == "栏目"


def test_references_to_missing_ids_are_trimmed_to_those_that_exist():
    root = page('<span id="l1">姓名</span><input id="f" aria-labelledby="l1 #l2 nowhere">'
                '<div id="g" aria-describedby="#tip">x</div>')
    mend_aria(root, ctx())
    assert by_id(root, "f").get("aria-labelledby") == "l1"
    assert "aria-describedby" not in by_id(root, "g").attrib  # a CSS selector is no id reference


def test_unknown_role_tokens_go_and_a_fallback_role_stays():
    root = page('<div id="a" role="logobox">x</div><div id="b" role="foo navigation">y</div>')
    mend_aria(root, ctx())
    assert by_id(root, "a").get("role") is None
    assert by_id(root, "b").get("role") == "navigation"


def test_widget_roles_cut_off_from_their_widget_are_dropped_with_what_only_they_allowed():
    root = page('<ul><li id="t" role="tab" aria-selected="true">要闻</li></ul>'
                '<div role="tablist"><a id="ok" role="tab" aria-selected="true">通知</a></div>'
                '<div id="empty" role="tablist"><a href="/x">链接</a></div>')
    mend_aria(root, ctx())
    tab = by_id(root, "t")
    assert tab.get("role") is None and tab.get("aria-selected") is None
    assert by_id(root, "ok").get("role") == "tab"  # inside its tablist: the author's widget works
    assert by_id(root, "empty").get("role") is None  # a tablist without tabs


def test_lang_written_with_an_underscore_is_corrected_and_nonsense_removed():
    root = page('<p id="a" lang="zh_CN">中文</p><p id="b" lang="中文">中文</p><p id="c" lang="">?</p>')
    mend_aria(root, ctx())
    assert by_id(root, "a").get("lang") == "zh-CN"
    assert by_id(root, "b").get("lang") is None
    assert by_id(root, "c").get("lang") == ""  # "language unknown" is valid


def test_named_div_becomes_a_group_but_a_named_landmark_is_left_alone():
    root = page('<div id="a" aria-label="今日要闻">x</div><div id="b" role="navigation" aria-label="主导航">y</div>'
                '<div id="c">z</div>')
    group_named_generics(root, ctx())
    assert by_id(root, "a").get("role") == "group"
    assert by_id(root, "b").get("role") == "navigation"
    assert by_id(root, "c").get("role") is None


# ---------------------------------------------------------------- listfix


def test_list_with_links_straight_inside_is_made_plain_with_its_items():
    root = page('<ul id="u"><li id="i">首页</li><a href="/x">政务公开</a></ul>')
    mend_lists(root, ctx())
    assert by_id(root, "u").get("role") == "none"
    assert by_id(root, "i").get("role") == "none"


def test_div_holding_only_items_becomes_the_list():
    root = page('<div id="d"><li>一</li><li>二</li></div>')
    mend_lists(root, ctx())
    assert by_id(root, "d").get("role") == "list"


def test_a_lone_item_beside_other_content_is_made_plain():
    root = page('<div><p>说明</p><li id="i">条目</li></div>')
    mend_lists(root, ctx())
    assert by_id(root, "i").get("role") == "none"


def test_items_of_a_list_the_author_made_navigation_are_plain_but_menus_keep_theirs():
    root = page('<ul role="navigation"><li id="a">首页</li></ul><ul role="menu"><li id="b">首页</li></ul>')
    mend_lists(root, ctx())
    assert by_id(root, "a").get("role") == "none"
    assert by_id(root, "b").get("role") is None


@pytest.mark.parametrize("markup, broken", [
    ("<dt>电话</dt><dd>12345</dd>", False),
    ("<div><dt>电话</dt><dd>12345</dd></div>", False),
    ("<dd>12345</dd>", True),  # no term
    ("<dt>电话</dt>", True),  # a term waiting for its description
    ("<dt>电话</dt><span>12345</span>", True),
])
def test_definition_lists(markup, broken):
    root = page(f'<dl id="d">{markup}</dl>')
    mend_lists(root, ctx())
    assert (by_id(root, "d").get("role") == "none") is broken


# The linear reading and the cards eldermode writes from a table, as the tables and table-cards steps leave them.
OWN_BLOCKS = ('<details class="em-table-reading" data-eldermode="table-reading"><summary>表1</summary>'
              '<ol><li>项目：/</li><li id="slash">/</li></ol></details>尾'
              '<div class="em-table-cards" data-eldermode="table-cards"><div class="em-card"><dl><dt>项目：</dt>'
              '<dd>/</dd></dl></div></div>')


def test_lists_and_separators_skip_eldermodes_own_blocks_but_mend_the_sites_beside_them():
    root = page(f'<ul id="u"><li id="i">首页</li><a href="/x">政务公开</a></ul><div id="s">{OWN_BLOCKS}</div>'
                '<div id="n"><span id="bar">|</span></div>')
    mend_lists(root, ctx())
    hide_separators(root, ctx())
    assert by_id(root, "u").get("role") == "none" and by_id(root, "i").get("role") == "none"
    assert by_id(root, "bar").get("data-em-sep") == "|"  # the site's separator, after the blocks
    # A "/" cell in the reading is the table's text ("not applicable"): read, not hidden as a separator.
    assert by_id(root, "slash").text == "/" and by_id(root, "slash").get("data-em-sep") is None
    assert lxml.html.tostring(by_id(root, "s"), encoding="unicode") == f'<div id="s">{OWN_BLOCKS}</div>'


def test_own_blocks_are_put_back_in_place_when_a_step_fails():
    root = page(f'<div id="s">前{OWN_BLOCKS}后</div>')
    with pytest.raises(ZeroDivisionError), without_generated(root):
        assert root.find(".//details") is None and root.find(".//dl") is None  # out of the walk
        1 / 0
    assert lxml.html.tostring(by_id(root, "s"), encoding="unicode") == f'<div id="s">前{OWN_BLOCKS}后</div>'


def test_the_blocks_the_table_steps_write_are_recorded_and_a_page_that_had_some_is_searched():
    from eldermode.transforms.elder import table_cards, wrap_tables
    from eldermode.transforms.tables import annotate_tables

    grid = ('<table><caption>表1</caption><tr><th></th><th>人数</th><th>金额</th></tr>'
            '<tr><th>一月</th><td>1</td><td>2</td></tr><tr><th>二月</th><td>3</td><td>4</td></tr></table>')
    root, context = page(f'<div id="a">{grid}</div><div id="b">{grid}</div>'), ctx("elder")
    for step in (annotate_tables, wrap_tables, table_cards):
        step(root, context)
    searched = generated_blocks(root)  # (no context: the walk)
    assert [b.get("data-eldermode") for b in searched] == ["table-cards", "table-reading"] * 2
    assert generated_blocks(root, context) == searched  # the record, in document order
    assert generated_blocks(by_id(root, "b"), context) == searched[2:]  # only those inside the element asked of
    assert generated_blocks(searched[0], context) == []  # a block is not inside itself
    rewritten = lxml.html.tostring(root.find("body"), encoding="unicode")[6:-7]
    searched[3].drop_tree()  # (a block a later step took out of the page is no longer in it)
    assert generated_blocks(root, context) == searched[:3]
    # A page rewritten before holds blocks no step of this pass wrote: there is no record, and they are found.
    again, context = page(rewritten), ctx("elder")
    for step in (annotate_tables, wrap_tables, table_cards):
        step(again, context)
    assert [b.get("data-eldermode") for b in generated_blocks(again, context)] == ["table-cards", "table-reading"] * 2
    assert "markup.generated" not in context.data


# ---------------------------------------------------------------- quiet


def test_separators_between_links_are_drawn_not_read():
    root = page('<div id="n"><a href="/a">首页</a> | <a href="/b">政务公开</a><span id="s">｜</span>'
                '<a href="/c">互动交流</a></div>')
    hide_separators(root, ctx())
    n = by_id(root, "n")
    assert compact(n.text_content()) == "首页政务公开互动交流"  # no "|" left for a reader
    assert [el.get("data-em-sep") for el in n.iter() if el.get("data-em-sep")] == [" | ", "｜"]
    assert root.find(".//*[@aria-hidden]") is None  # no hole in the block (see quiet.py)


def test_a_bar_in_running_text_is_not_a_separator():
    root = page('<p id="p"><a href="/a">甲</a> | 乙方</p>')
    hide_separators(root, ctx())
    assert "|" in by_id(root, "p").text_content()


def test_floating_ads_are_removed_in_access_mode_only():
    markup = '<div id="ad" data-em-calm="float"><a href="/x">飘窗</a></div><p>正文</p>'
    access = page(markup)
    drop_floating_ads(access, ctx("access"))
    assert access.find(".//*[@id='ad']") is None
    elder = page(markup)
    drop_floating_ads(elder, ctx("elder"))
    assert elder.find(".//*[@id='ad']") is not None  # elder mode's calm step has its own way with it


# ---------------------------------------------------------------- textwalk


def test_squash_and_compact_know_chinese_spaces():
    assert squash("  当前\u3000位置：\u00a0首页 \n") == "当前 位置： 首页"
    assert compact(" 当 前\u3000位\u200b置 ") == "当前位置"
    assert squash(None) == compact(None) == ""


def test_text_of_leaves_out_scripts_styles_and_frames_and_reads_br_as_space():
    el = lxml.html.fragment_fromstring('<div>甲<script>var x=1;</script><style>p{}</style>乙<br>丙'
                                       '<iframe>备用</iframe><textarea>值</textarea>丁</div>')
    assert text_of(el) == "甲乙 丙丁"


def test_walk_marks_block_boundaries_and_keeps_tails_of_skipped_elements():
    el = lxml.html.fragment_fromstring("<div>一<p>二</p><script>x</script>三<img alt='图'></div>")
    events = [(kind, s) for _, kind, s in walk(el, blocks=BLOCK, images=True)]
    assert events == [("text", "一"), ("open", "\n"), ("text", "二"), ("close", "\n"), ("tail", "三"), ("img", "图")]


def test_walk_keep_refuses_a_subtree_but_not_its_tail():
    el = lxml.html.fragment_fromstring("<div>甲<span data-x='1'>乙</span>丙</div>")
    text = "".join(s for _, _, s in walk(el, keep=lambda node: node.get("data-x") is None))
    assert text == "甲丙"


def test_walk_is_iterative_on_very_deep_pages():
    el = node = lxml.html.fragment_fromstring("<div></div>")
    for _ in range(5000):  # built by hand: the parser itself stops at 256 levels
        node = lxml.etree.SubElement(node, "span")
    node.text = "深"
    assert text_of(el) == "深"


# ---------------------------------------------------------------- pagemodel


def test_page_model_finds_the_article_its_title_and_the_site_name():
    root = page(f'<div class="nav"><a href="/">首页</a><a href="/a">要闻</a></div>'
                f'<div class="detail"><h2 id="t">关于开展调查的通知</h2><div id="zoom"><p>{PARA}</p><p>{PARA}</p></div></div>',
                head="<title>关于开展调查的通知_某区人民政府</title>")
    model = page_model(root, ctx())
    assert model.content is by_id(root, "zoom")
    assert model.title is by_id(root, "t")
    assert (model.title_text, model.site_name) == ("关于开展调查的通知", "某区人民政府")


def test_meta_article_title_and_site_name_win_over_the_title_element():
    root = page("<p>x</p>", head='<meta name="ArticleTitle" content="年度报告"><meta name="SiteName" content="某市政府">'
                               "<title>首页 | 门户</title>")
    model = page_model(root, ctx())
    assert (model.title_text, model.site_name) == ("年度报告", "某市政府")


def test_an_article_written_as_one_div_per_paragraph_is_their_parent():
    # No <p> at all: each paragraph is a div; the last one is longest, but the article is all of them.
    divs = "".join(f"<div>{PARA[:n]}</div>" for n in (30, 40, 35)) + f"<div>{PARA}{PARA}</div>"
    root = page(f'<div class="top"><a href="/">首页</a></div><div id="art">{divs}</div>')
    assert page_model(root, ctx()).content is by_id(root, "art")


def test_page_model_is_built_once_per_page():
    root = page(f"<div><p>{PARA}</p><p>{PARA}</p></div>")
    context = ctx()
    assert page_model(root, context) is page_model(root, context)


# ---------------------------------------------------------------- urls


@pytest.mark.parametrize("url", ["http://[x", "http://[::1", None, ""])
def test_split_url_never_raises(url):
    assert split_url(url).path in ("", "/")


def test_join_url_resolves_and_leaves_what_it_cannot_as_written():
    assert join_url("https://www.example.gov.cn/a/b.html", "../c.html") == "https://www.example.gov.cn/c.html"
    assert join_url("http://[x/", "c.html") == "c.html"
    assert join_url(None, "/x") == "/x"


def test_join_url_against_a_bare_path_resolves_as_a_browser_does():
    # A browser never climbs above the origin's "/"; urljoin on a bare path drops the leading slash.
    assert join_url("/p", "../x/") == "/x/"
    assert join_url("/a/", "../../images/a.png") == "/images/a.png"
    assert join_url("/a/b.html", "?q=1") == "/a/b.html?q=1"
    assert join_url("/a/b.html", "//cdn.example.cn/y.png") == "//cdn.example.cn/y.png"  # scheme-relative stays
    assert join_url("/a/b.html", "mailto:xx@example.cn") == "mailto:xx@example.cn"


# ---------------------------------------------------------------- duplicates


def test_the_site_own_entries_are_set_aside_so_they_split_nothing():
    root = page('<div id="bar"><a href="/gov">中国政府网</a><a id="wza" href="javascript:;" onclick="aria.start()">'
                '无障碍浏览</a> <a id="old" onclick="setOlder()" href="">进入适老化</a><a href="/en">English</a></div>')
    hide_duplicates(root, ctx())
    bar = by_id(root, "bar")
    assert [a.text for a in bar.iter("a")] == ["中国政府网", "English"]
    box = root.find("body/div[@data-eldermode='duplicates']")
    assert box is not None and box.get("hidden") is not None
    assert [a.get("id") for a in box.iter("a")] == ["wza", "old"]  # still in the page, for the site's scripts
    hide_duplicates(root, ctx())  # a second run changes nothing
    assert len(root.findall("body/div[@data-eldermode='duplicates']")) == 1


def test_an_entry_that_is_a_whole_list_item_is_set_aside_with_the_item_and_stays_in_a_list():
    root = page('<ul id="u"><li><a href="/">首页</a></li><li id="care"><a href="/care/">关怀版</a></li></ul>')
    hide_duplicates(root, ctx())
    care = by_id(root, "care")
    assert care.getparent().tag == "ul" and care.getparent().getparent().get("data-eldermode") == "duplicates"
    assert len(by_id(root, "u")) == 1


def test_a_span_is_an_entry_only_when_its_style_makes_it_a_pointer():
    # Spans styled alike share one decision per style value: the pointer among them is still told apart.
    root = page('<div><span id="p" style="CURSOR: Pointer">无障碍</span><span id="n" style="color:red">无障碍</span>'
                '<span id="m" style="color:red">无障碍</span><span id="q" style="cursor: Pointer">长者模式</span></div>')
    hide_duplicates(root, ctx())
    assert [by_id(root, i).get("data-em-duplicate") for i in "pnmq"] == ["entry", None, None, "entry"]

# ---------------------------------------------------------------- names and landmarks (newer repairs)


def test_a_loose_label_before_the_box_of_its_field_names_the_field():
    root = page('<form><div class="form-group"><label class="control-label">匿名评论：</label>'
                '<div class="checkbox-inline"><input id="c" type="checkbox" disabled checked></div></div>'
                '<div class="form-group"><label>联系手机：</label><div><input id="t" type="text"></div></div>'
                '<div><label for="x">别的</label><div><input id="n" type="text" name="q"></div></div></form>')
    name_form_fields(root, ctx())
    assert by_id(root, "c").get("aria-label") == "匿名评论"
    assert by_id(root, "t").get("aria-label") == "联系手机"
    assert by_id(root, "n").get("aria-label") != "别的"  # that label is tied to another field


def test_main_is_moved_out_of_the_author_region_to_the_block_around_it():
    root = page(f'<div class="header"><a href="/"><img src="logo.png" alt="某区"></a></div>'
                f'<div class="nav"><a href="/">首页</a><a href="/a">要闻</a><a href="/b">公开</a></div>'
                f'<div id="wrap"><div class="position">当前位置：<a href="/">首页</a></div>'
                f'<div id="art" role="region" aria-label="文章详情"><h2>通知</h2><div class="content">'
                f'<p>{PARA}</p><p>{PARA}</p></div></div></div>'
                f'<div class="footer">主办：某区人民政府</div>')
    infer_landmarks(root, ctx())
    assert by_id(root, "wrap").get("role") == "main"
    assert by_id(root, "art").get("role") == "region"  # the author's landmark, as written
    assert len(root.xpath("//*[@role='main']")) == 1


def test_no_main_rather_than_a_main_inside_an_author_landmark_that_spans_the_page():
    root = page(f'<div id="all" role="region" aria-label="页面"><div class="content"><p>{PARA}</p><p>{PARA}</p>'
                f'</div></div>')
    infer_landmarks(root, ctx())
    assert root.xpath("//*[@role='main']") == []


def test_decorative_and_named_images():
    root = page('<a href="/news/1.html"><img id="a" src="pic.jpg">市政府召开常务会议</a>'
                '<img id="b" src="spacer.gif" width="1" height="1"><img id="c" src="x.jpg" title="办事指南">')
    name_images(root, ctx())
    assert by_id(root, "a").get("alt") == ""  # the link's words already say it
    assert by_id(root, "b").get("alt") == ""
    assert by_id(root, "c").get("alt") == "办事指南"


# ---------------------------------------------------------------- one h1 and one main (headings, landmarks)


def access_structure(body: str, head: str = "<title>某页-某区人民政府</title>"):
    from eldermode.transforms.headings import ensure_title, infer_headings

    root = page(body, head)
    context = ctx()
    ensure_title(root, context)
    infer_headings(root, context)
    infer_landmarks(root, context)
    return root


def level_one(root) -> list[str]:
    return [compact(el.text_content()) for el in root.iter() if isinstance(el.tag, str) and (
        el.tag == "h1" and el.get("aria-level") in (None, "1") or el.get("aria-level") == "1")]


def test_an_author_h2_title_becomes_level_one_when_the_page_has_no_h1():
    root = access_structure(f'<div class="detail"><h2 id="t">关于开展调查的通知</h2><div class="content">'
                            f'<p>{PARA}</p><p><b>一、调查范围</b></p><p>{PARA}</p></div></div>',
                            head="<title>关于开展调查的通知_某区人民政府</title>")
    assert by_id(root, "t").tag == "h2" and level_one(root) == ["关于开展调查的通知"]
    assert [(compact(el.text_content()), el.get("aria-level")) for el in root.iter("p") if el.get("role")] == [
        ("一、调查范围", "2")]  # the numbered section right below the title


def test_an_author_h2_title_keeps_its_level_when_an_h4_follows():
    # h1 → h4 would skip two levels; h2 → h4 is the author's own order.
    root = access_structure(f'<div class="detail"><h2 id="t">关于开展调查的通知</h2><div class="content">'
                            f'<p>{PARA}</p><p>{PARA}</p></div><h4>相关附件</h4></div>',
                            head="<title>关于开展调查的通知_某区人民政府</title>")
    assert by_id(root, "t").get("aria-level") is None and level_one(root) == []


def test_a_title_line_is_found_by_its_text_whatever_its_class():
    root = access_structure(f'<div class="wrap"><div class="ftheme" id="t">“从故乡吹来的风”书画展亮相澳门</div>'
                            f'<div class="xl"><p>{PARA}</p><p>{PARA}</p></div></div>',
                            head="<title>“从故乡吹来的风”书画展亮相澳门-湘潭市政府门户网站</title>")
    assert by_id(root, "t").get("role") == "heading" and level_one(root) == ["“从故乡吹来的风”书画展亮相澳门"]


def test_a_title_line_that_joins_the_title_parts():
    root = access_structure('<div class="box"><div class="tit" id="t">12345热线 我要写信</div><form><table>'
                            '<tr><td>姓名：</td><td><input name="xm"></td></tr></table></form></div>',
                            head="<title>我要写信 - 12345热线 - 示例市人民政府</title>")
    assert level_one(root) == ["12345热线我要写信"]


def test_the_stated_title_opens_the_text_for_readers_when_the_page_shows_no_title():
    root = access_structure(f'<div class="c1"><div id="c2"><div>事项名称：城乡居民养老保险参保登记，办理地点在各区服务中心</div>'
                            f'<div>{PARA}</div><div>{PARA}</div></div></div>', head="<title>示例市政务服务网</title>")
    h1 = by_id(root, "c2")[0]
    assert h1.tag == "h1" and h1.text == "示例市政务服务网" and "em-visually-hidden" in h1.get("class")


def test_the_stated_title_never_goes_into_a_table_row():
    # The article text found in a span of a layout table's cell: the heading goes into the cell. A heading
    # straight in the row would be moved above the whole table by the browser, out of main.
    from types import SimpleNamespace

    from eldermode.transforms.headings import _stated_title_heading

    root = page(f'<table><tr><td id="c"><span id="s">{PARA}</span></td></tr></table>')
    h1 = _stated_title_heading(SimpleNamespace(content=by_id(root, "s"), title_text="示例市政务服务网"))
    assert h1 is not None and h1.getparent() is by_id(root, "c")
    assert [child.tag for child in root.find(".//tr")] == ["td"]
    header_cell = page(f'<table><tr><th><span id="s">{PARA}</span></th></tr></table>')
    assert _stated_title_heading(SimpleNamespace(content=by_id(header_cell, "s"), title_text="示例")) is None


def test_a_picture_only_article_is_main_with_its_title():
    root = access_structure('<div class="header"><a href="/"><img src="logo.png"></a></div>'
                            '<div id="art"><div class="xl_tit1">开园仪式举行</div><div><p><img src="1.png"></p></div></div>'
                            '<div class="footer">主办：某区人民政府</div>', head="<title>开园仪式举行-某区</title>")
    assert by_id(root, "art").get("role") == "main"


def test_main_is_found_inside_a_wrapper_that_also_holds_the_header():
    root = access_structure('<div id="page"><div class="header"><a href="/"><img src="logo.png"></a></div>'
                            '<div class="nav"><a href="/a">办事</a><a href="/b">公开</a><a href="/c">互动</a></div>'
                            '<div id="login">用户登录 请输入您的账号和密码，忘记密码请联系客服人员处理<input name="u"></div>'
                            '<div class="footer">主办：某省人力资源和社会保障厅</div></div>')
    assert by_id(root, "login").get("role") == "main"
    assert by_id(root, "page").get("role") is None


def test_masthead_and_menu_bands_are_recognised_by_what_they_hold():
    root = access_structure(
        '<table id="top"><tr><td><img src="/images/top_banner.jpg" width="1000"></td></tr></table>'
        '<table id="menu"><tr><td><a href="/">网站首页</a><a href="/xxgk/">信息公开</a><a href="/bsfw/">办事服务</a>'
        '<a href="/hdjl/">互动交流</a></td></tr></table>'
        f'<table><tr><td><div class="bt">关于做好参保工作的通知</div><p>{PARA}</p><p>{PARA}</p></td></tr></table>',
        head="<title>关于做好参保工作的通知_示例县人民政府</title>")
    assert by_id(root, "top").getparent().get("role") == "banner"  # a table keeps its role: a div carries it
    assert by_id(root, "menu").getparent().get("role") == "navigation"


# ---------------------------------------------------------------- zoom (access mode)


def test_access_mode_lets_the_reader_zoom_and_keeps_the_site_width():
    from eldermode.transforms.elder import allow_zoom

    root = page("<p>x</p>", head='<meta name="viewport" content="width=1200, user-scalable=no, maximum-scale=1.0">')
    allow_zoom(root, ctx())
    assert root.find("head/meta").get("content") == "width=1200"
    bare = page("<p>x</p>", head="<title>t</title>")
    allow_zoom(bare, ctx())
    assert bare.find("head/meta") is None  # no viewport is added: the page's layout stays as it was
