"""Unit tests for names and roles: pseudo-buttons, links, generic 更多 links, form fields, frames, images, focus."""

from __future__ import annotations

import lxml.html
import pytest

from eldermode.transforms import Context, Profile
from eldermode.transforms.focus import restore_focus
from eldermode.transforms.images import name_images
from eldermode.transforms.landmarks import infer_landmarks
from eldermode.transforms.names import name_controls, name_form_fields, name_iframes


def run(body: str, head: str = "<title>某页-某区人民政府</title>"):
    root = lxml.html.document_fromstring(f"<html><head>{head}</head><body>{body}</body></html>")
    ctx = Context(profile=Profile(mode="access"))
    infer_landmarks(root, ctx)
    name_images(root, ctx)
    name_controls(root, ctx)
    name_form_fields(root, ctx)
    name_iframes(root, ctx)
    restore_focus(root, ctx)
    return root, ctx


def one(root, xpath: str):
    found = root.xpath(xpath)
    assert len(found) == 1, found
    return found[0]


# ---------------------------------------------------------------- pseudo-buttons


def test_javascript_links_become_buttons_real_links_do_not():
    root, _ = run('<main><a href="javascript:window.print()">打印</a><a href="/a.html" onclick="track()">文章</a>'
                  '<a href="#" onclick="share()">分享</a></main>')
    assert one(root, "//a[text()='打印']").get("role") == "button"
    assert one(root, "//a[text()='分享']").get("role") == "button"
    article = one(root, "//a[text()='文章']")
    assert article.get("role") is None and article.get("data-em-button") is None


def test_clickable_span_becomes_a_keyboard_button():
    root, _ = run('<main><div id="floatAd"><span onclick="hide()">关闭</span></div></main>')
    span = one(root, "//span")
    assert (span.get("role"), span.get("tabindex"), span.get("data-em-button")) == ("button", "0", "")


def test_outside_every_landmark_script_links_and_clickable_spans_stay_as_written():
    # A button there would split the block around it into pieces axe counts outside any landmark.
    root, _ = run('<nav><a href="/">首页</a></nav><div class="x"><a href="javascript:window.print()">打印</a>'
                  '<span onclick="hide()">关闭</span></div>')
    assert one(root, "//a[text()='打印']").get("role") is None
    assert one(root, "//span").get("role") is None


def test_author_role_and_tabindex_are_kept():
    root, _ = run('<span onclick="x()" role="link" tabindex="-1">详情</span><a href="javascript:x()" role="tab">甲</a>')
    assert one(root, "//span").get("role") == "link" and one(root, "//span").get("tabindex") == "-1"
    assert one(root, "//a").get("role") == "tab"


def test_table_cells_with_onclick_keep_their_role():
    root, _ = run('<table><tr><td onclick="go()">甲</td></tr></table>')
    assert one(root, "//td").get("role") is None


# ---------------------------------------------------------------- link names


def test_icon_link_named_from_title_then_image_file_then_same_target_text():
    root, ctx = run('<div class="nav"><a href="/zwgk/">政务公开</a><a href="/hdjl/">互动交流</a></div>'
                    '<a href="/x/" title="信箱"><img src="/i/a.png"></a>'
                    '<a href="/zwgk/"><img src="/i/b.png"></a>'
                    '<a href="javascript:void(0)" onclick="share()"><img src="/images/share.png"></a>'
                    '<a href="/unknown/"><img src="/i/c.png"></a>')
    assert one(root, "//img[@src='/i/a.png']").get("alt") == "信箱"
    assert one(root, "//img[@src='/i/b.png']").get("alt") == "政务公开"
    assert one(root, "//img[@src='/images/share.png']").get("alt") == "分享"
    # Nothing names the last one: it is announced as an undescribed picture, never by a guessed name,
    # and the audit lists it for a person.
    assert one(root, "//img[@src='/i/c.png']").get("alt") == "图片（未说明）"
    assert ctx.report.count("images", "left unnamed") == 1
    assert ctx.data["access.unnamed_images"] == ["/i/c.png"]


def test_author_aria_label_and_alt_are_kept():
    root, _ = run('<a href="/x/" aria-label="作者的名字"><img src="/images/share.png"></a>'
                  '<a href="/y/"><img src="/images/logo.png" alt="作者写的"></a>'
                  '<a href="/more/" aria-label="更多政务要闻">更多</a>')
    assert one(root, "//a[@href='/x/']").get("aria-label") == "作者的名字"
    assert one(root, "//img[@alt='作者写的']") is not None
    assert one(root, "//a[@href='/more/']").get("aria-label") == "更多政务要闻"


def test_empty_link_to_home_is_named_home():
    root, _ = run('<a href="/"><span class="icon-home"></span></a>')
    assert one(root, "//a").get("aria-label") == "首页"


@pytest.mark.parametrize("more", ["更多>>", "更多", "more", ">>"])
def test_generic_more_links_name_their_section(more):
    root, ctx = run(f'<div class="box"><div class="hd"><h3>政务要闻</h3><a class="more" href="/list.html">{more}</a>'
                    f'</div><ul><li><a href="/1.html">一条新闻</a></li></ul></div>'
                    f'<div class="box"><div class="hd"><span>通知公告</span><a href="/list2.html">{more}</a></div></div>')
    labels = [a.get("aria-label") for a in root.iter("a") if a.get("href", "").startswith("/list")]
    assert labels[0].endswith("政务要闻") and labels[1].endswith("通知公告")
    assert labels[0] != labels[1]
    assert ctx.report.count("names", "named generic link") == 2


# ---------------------------------------------------------------- form fields


def test_form_field_names_from_placeholder_text_before_cell_and_name():
    root, ctx = run('<form action="/search/"><input type="text" name="q" placeholder="请输入关键字">'
                    '<input type="image" src="/images/go.gif"></form>'
                    '<form action="/post"><table><tr><td>联系电话：</td><td><input name="x1"></td></tr></table>'
                    '姓名：<input name="x2"><select name="yzm"></select>'
                    '<label for="mail">邮箱</label><input id="mail"><input type="hidden" name="t">'
                    '<input type="image" src="/images/submit.gif"></form>')
    assert one(root, "//input[@name='q']").get("aria-label") == "请输入关键字"
    assert one(root, "//input[@src='/images/go.gif']").get("alt") == "搜索"  # image submit in a search form
    assert one(root, "//input[@name='x1']").get("aria-label") == "联系电话"
    assert one(root, "//input[@name='x2']").get("aria-label") == "姓名"
    assert one(root, "//select").get("aria-label") == "验证码"
    assert one(root, "//input[@id='mail']").get("aria-label") is None  # has a <label>
    assert one(root, "//input[@type='hidden']").get("aria-label") is None
    assert one(root, "//input[@src='/images/submit.gif']").get("alt") == "提交"


def test_unnameable_field_is_reported_not_guessed():
    root, ctx = run('<form action="/post"><input name="f_7"></form>')
    assert one(root, "//input").get("aria-label") is None
    assert ctx.report.count("names", "left unnamed") == 1


def test_frames_get_titles_author_titles_kept():
    root, _ = run('<iframe src="https://map.example.cn/embed"></iframe><iframe src="/a" title="地图"></iframe>')
    assert [f.get("title") for f in root.iter("iframe")] == ["内嵌页面：map.example.cn", "地图"]


# ---------------------------------------------------------------- images


def test_spacers_pixels_and_redundant_images_are_decorative():
    root, _ = run('<img src="/images/spacer.gif"><img src="/t.gif" width="1" height="1">'
                  '<a href="/a"><img src="/i/icon.png">政务公开</a>')
    assert [img.get("alt") for img in root.iter("img")] == ["", "", ""]


def test_logo_badge_and_floating_banner_names():
    root, _ = run('<div class="nav"><a href="/ztzl/">专题专栏</a><a href="/zwgk/">政务公开</a></div>'
                  '<div class="header"><a href="/"><img src="/images/logo.png"></a></div>'
                  '<a href="http://bszs.conac.cn/"><img src="/images/x123.png"></a>'
                  '<div id="floatAd"><a href="/ztzl/2021/"><img src="/images/piaochuang.gif"></a></div>',
                  head="<title>年报-鄂城区人民政府</title>")
    alts = {img.get("src"): img.get("alt") for img in root.iter("img")}
    assert alts["/images/logo.png"] == "鄂城区人民政府"
    assert alts["/images/x123.png"] == "党政机关网站标识"
    assert alts["/images/piaochuang.gif"] == "飘窗：专题专栏"


# ---------------------------------------------------------------- focus


def test_focus_traps_removed():
    root, ctx = run('<a href="/a" onfocus="this.blur()" hidefocus="true" tabindex="3" style="outline:none;color:red">甲</a>',
                    head="<title>t</title><style>a:focus{outline:0} a{color:red;outline: none !important}</style>")
    a = one(root, "//a")
    assert a.get("onfocus") is None and a.get("hidefocus") is None
    assert a.get("tabindex") == "0"
    assert a.get("style") == "color:red"
    assert "outline" not in root.find("head/style").text
    assert "color:red" in root.find("head/style").text


def test_idempotent():
    html = ('<a href="javascript:void(0)"><img src="/images/share.png"></a><span onclick="x()">关闭</span>'
            '<form action="/search/"><input name="q"><input type="image" src="/s.gif"></form><iframe src="/m"></iframe>')
    root, _ = run(html)
    once = lxml.html.tostring(root)
    ctx = Context(profile=Profile(mode="access"))
    for step in (infer_landmarks, name_images, name_controls, name_form_fields, name_iframes, restore_focus):
        step(root, ctx)
    assert lxml.html.tostring(root) == once
    assert ctx.report.count() == 0


def test_script_links_that_open_a_page_stay_links():
    root, _ = run("<main><a href=\"javascript:openWin('/zwgk/a.html')\">年报</a>"
                  "<a href=\"javascript:location.href='/b/'\">乙</a><a href=\"javascript:doZoom(16)\">大</a></main>")
    assert [a.get("role") for a in root.iter("a")] == [None, None, "button"]


def test_masthead_picture_is_the_site_name_but_a_linked_banner_is_not():
    root, _ = run('<div class="nav"><a href="/ztzl/">专题专栏</a><a href="/zwgk/">政务公开</a></div>'
                  '<img src="/images/top_banner.jpg"><a href="/ztzl/2021/"><img src="/images/banner.jpg"></a>',
                  head="<title>通知_某县人民政府</title>")
    assert [img.get("alt") for img in root.iter("img")] == ["某县人民政府", "专题专栏"]


def test_picture_link_named_by_its_caption_before_other_links_to_the_target():
    root, _ = run('<a href="/a.html">另一条新闻</a><div class="focus"><a href="/a.html"><img src="/p/1.jpg"></a>'
                  '<div class="cap">年报发布</div></div>')
    assert one(root, "//img").get("alt") == "年报发布"
