"""Elder mode on the tree: the site's duplicate controls hidden, text blocks and list dates marked for the layout."""

from __future__ import annotations

import lxml.html

from eldermode.transforms import Context, Profile
from eldermode.transforms.duplicates import hide_duplicates
from eldermode.transforms.elder import mark_text_blocks, tie_choice_labels
from eldermode.transforms.pipeline import rewrite_page


def tree(markup: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(markup)


def ctx(mode: str = "elder") -> Context:
    return Context(profile=Profile(mode=mode))


def hidden(root) -> list[str]:
    return [el.text_content() for el in root.iter() if el.get("data-em-duplicate") and el.get("hidden") is not None]


def test_site_entries_to_its_own_accessibility_modes_are_hidden():
    root = tree(
        '<html><body><div class="top"><a href="javascript:void(0)" onclick="openZnwd()">智能问答</a>'
        '<a href="javascript:void(0)" id="wza" onclick="aria.start()">无障碍浏览</a>'
        '<a href="/zzms/">长者模式</a><ul><li><a href="/care/">关怀版</a></li></ul></div>'
        '<p><a href="/news/1.html">我市推进无障碍环境建设</a></p></body></html>'
    )
    hide_duplicates(root, ctx())
    assert hidden(root) == ["无障碍浏览", "长者模式", "关怀版", "关怀版"]  # the link and its whole list item
    # A news title that mentions 无障碍 is no entry; 智能问答 is not ours to hide.
    assert root.get_element_by_id("wza").get("id") == "wza"  # kept in the tree for the site's scripts
    kept = [a.text for a in root.iter("a") if a.get("hidden") is None]
    assert kept == ["智能问答", "我市推进无障碍环境建设"]


def test_entries_bound_by_id_from_a_script_are_hidden():
    # Some sites bind their toolbars by id from a script (<script src=wza.js>): a span with a pointer cursor and
    # no onclick is still the site's own entry; "长者助手" is the elder-mode entry of several provincial sites.
    root = tree(
        '<html><body><ul class="top"><li class="wza"><span id="wza" style="cursor: pointer">无障碍</span></li>'
        '<li class="slh"><span id="slh" style="CURSOR:pointer;color:#fff">长者助手</span></li>'
        '<li><a id="elder" class="slh" title="长者助手"><i></i>长者助手</a></li>'
        '<li><span style="cursor:pointer" onmouseover="showCode()">关注 · 手机版</span></li></ul>'
        '<p>本市开展<span>无障碍</span>环境建设，<span>长者助手</span>服务上线。</p></body></html>'
    )
    hide_duplicates(root, ctx())
    assert hidden(root) == ["无障碍", "无障碍", "长者助手", "长者助手", "长者助手", "长者助手"]  # each with its item
    # Spans in running text are no controls, whatever they say; the other clickable span is not an entry.
    assert root.find(".//p").text_content() == "本市开展无障碍环境建设，长者助手服务上线。"
    assert [el.text_content() for el in root.iter("li") if el.get("hidden") is None] == ["关注 · 手机版"]


def test_font_size_group_is_hidden_with_its_label_and_brackets():
    root = tree(
        '<html><body><div class="info">来源：区行政审批局　【字号：<a href="javascript:doZoom(16)">大</a> '
        '<a href="javascript:doZoom(14)">中</a> <a href="javascript:doZoom(12)">小</a>】　'
        '<a href="javascript:window.print()">打印</a></div></body></html>'
    )
    hide_duplicates(root, ctx("access"))
    info = root.find(".//div")
    group = root.find(".//span[@data-em-duplicate='font-size']")
    assert group is not None and group.get("hidden") is not None
    assert group.text_content() == "【字号：大 中 小】"
    # Set aside at the end of the body, in a hidden box: left in place it would split the block into pieces.
    box = group.getparent()
    assert box.get("data-eldermode") == "duplicates" and box.get("hidden") is not None and box.getparent().tag == "body"
    # What is left in place reads as it should, without an empty "【字号：】".
    assert info.text_content() == "来源：区行政审批局　　打印"


def test_a_lone_size_word_link_is_left_alone():
    root = tree('<html><body><ul><li><a href="/da.html">大</a></li></ul></body></html>')
    hide_duplicates(root, ctx())
    assert hidden(root) == []


def test_running_text_outside_p_and_list_dates_are_marked():
    root = tree(
        "<html><body><div id='zoom'>" + "这是一段没有放在段落元素里的正文，" * 4 + "<br>第二行</div>"
        "<ul><li><a href='/a.html'>通知一</a><span>2021-01-26</span></li>"
        "<li><a href='/b.html'>通知二</a>[2020.11.18]</li>"
        "<li><a href='/c.html'>第2021-01号</a><span>第一期</span></li></ul></body></html>"
    )
    mark_text_blocks(root, ctx())
    assert "em-text" in root.get_element_by_id("zoom").get("class")
    dates = [el.text for el in root.iter() if "em-date" in (el.get("class") or "").split()]
    assert dates == ["2021-01-26", "[2020.11.18]"]
    assert root.findall(".//li")[1][1].tag == "span"  # the loose date got its own element


def test_seed_page_in_elder_mode_hides_duplicates_and_keeps_the_toolbar(seed_html_bytes):
    context = ctx()
    out = rewrite_page(seed_html_bytes, "text/html; charset=utf-8", context).decode("utf-8")
    root = tree(out)
    assert sorted(hidden(root)) == sorted(["无障碍浏览", "长者模式", "【字号：大 中 小】"])
    assert root.find(".//*[@data-eldermode='toolbar']") is not None


def test_loose_text_of_radio_buttons_becomes_their_label():
    root = tree(
        '<html><body><form><input type="radio" name="sex" value="1"> 男 <input type="radio" name="sex" value="2">'
        '<span>女</span><label><input type="checkbox" name="a">已有标签</label>'
        '<input type="checkbox" id="agree"><label for="agree">同意</label></form></body></html>'
    )
    tie_choice_labels(root, ctx())
    labels = {label.text_content(): label.get("for") for label in root.iter("label")}
    radios = root.findall(".//input[@type='radio']")
    assert labels["男"] == radios[0].get("id") and labels["女"] == radios[1].get("id")
    assert len(labels) == 4  # the two labelled ones are left as they were
    assert root.find(".//form").text_content().replace(" ", "") == "男女已有标签同意"
