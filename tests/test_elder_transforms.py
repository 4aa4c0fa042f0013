"""Elder mode on the tree: inline-style rewrite, calm page, table containers, viewport, toolbar, pipeline."""

from __future__ import annotations

import lxml.html
import pytest

from eldermode.transforms import Context, PageOptions, Profile
from eldermode.transforms.elder import (
    calm_page,
    ensure_viewport,
    is_layout_table,
    link_site_overrides,
    rewrite_inline_style,
    rewrite_inline_styles,
    wrap_tables,
)
from eldermode.transforms.pipeline import rewrite_page
from eldermode.transforms.toolbar import help_page, inject_toolbar


def ctx_for(mode: str = "elder", url: str = "/a/page.html", lang: str = "zh-CN", **profile) -> Context:
    return Context(profile=Profile(mode=mode, **profile), url=url, lang=lang)


def tree(html: str) -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(html)


# ---------------------------------------------------------------- inline styles


def test_small_inline_font_size_is_left_for_the_stylesheet():
    # 10.5pt = 14px is body text: elder.css's !important floor beats a normal inline declaration.
    assert rewrite_inline_style("font-size:10.5pt;font-family:仿宋_GB2312") is None
    assert rewrite_inline_style("text-indent:2em;line-height:28px") is None


def test_larger_inline_font_size_keeps_its_ratio_in_rem():
    # 12pt = 16px is 16/14 of body text: it stays above the body at every level.
    assert rewrite_inline_style("font-size:12pt;font-family:黑体") == "font-size:1.14rem !important;font-family:黑体"
    assert rewrite_inline_style("font-size:28px") == "font-size:2rem !important"
    assert rewrite_inline_style("font-size:150%") == "font-size:max(1rem, 1.5em) !important"


def test_author_important_declarations_lose_their_important():
    assert rewrite_inline_style("color:#999 !important;margin:0") == "color:#999;margin:0"
    # A small !important size would beat the stylesheet floor: it is dropped.
    assert rewrite_inline_style("font-size:9pt !important;font-weight:bold") == "font-weight:bold"


def test_untouched_declarations_are_kept_byte_for_byte():
    style = "background:url('a;b.png') no-repeat;width:clamp(10px, 50% + 2px, 90vw);font-size:20px"
    rewritten = rewrite_inline_style(style)
    assert rewritten is not None
    assert "background:url('a;b.png') no-repeat" in rewritten
    assert "width:clamp(10px, 50% + 2px, 90vw)" in rewritten


def test_junk_styles_never_raise():
    for junk in ("font-size:", ";;;", "font-size:!important", "}{", "font-size:12px /* x;y */ !important", "x"):
        rewrite_inline_style(junk)


def test_inline_rewrite_is_idempotent_and_counted():
    root = tree('<html><body><p style="font-size:12pt">a</p><p style="font-size:12pt">b</p></body></html>')
    ctx = ctx_for()
    rewrite_inline_styles(root, ctx)
    once = lxml.html.tostring(root)
    rewrite_inline_styles(root, ctx)
    assert lxml.html.tostring(root) == once
    assert ctx.report.entries == [("elder-style", "rewrote inline styles", "2")]


# ---------------------------------------------------------------- calm page


def test_floating_ad_removed_in_elder_and_marked_in_access(seed_html_bytes):
    for mode, expect_present in (("elder", False), ("access", True)):
        root = lxml.html.document_fromstring(seed_html_bytes.decode("utf-8"))
        calm_page(root, ctx_for(mode))
        ad = root.get_element_by_id("floatAd", None)
        assert (ad is not None) == expect_present
        if ad is not None:
            assert ad.get("data-em-calm") == "float"


def test_named_float_layout_blocks_and_long_sections_are_not_ads():
    root = tree(
        '<html><body><div class="fl"><img src="a.png">栏目</div>'
        '<div id="float_news"><img src="b.png">' + "新闻正文" * 20 + "</div>"
        '<div class="ad-banner"><a href="/x"><img src="c.gif"></a></div></body></html>'
    )
    calm_page(root, ctx_for())
    html = lxml.html.tostring(root, encoding="unicode")
    assert 'class="fl"' in html and "float_news" in html
    assert "ad-banner" not in html


def test_unnamed_fixed_box_with_picture_and_close_is_a_popup():
    root = tree(
        '<html><body><div style="position:fixed;right:0;bottom:0"><img src="p.gif"><span>关闭</span></div>'
        '<div style="position:absolute"><p>' + "正文" * 30 + "</p></div></body></html>"
    )
    calm_page(root, ctx_for())
    assert len(root.findall(".//div")) == 1


def test_marquee_and_autoplay_stop():
    root = tree(
        '<html><body><marquee scrollamount="3">通知</marquee><video autoplay src="v.mp4"></video>'
        '<iframe src="/player?autoplay=1&id=3"></iframe><bgsound src="a.mid"></body></html>'
    )
    calm_page(root, ctx_for())
    assert root.find(".//marquee") is None
    assert root.find(".//div").get("class") == "em-marquee" and root.find(".//div").text == "通知"
    video = root.find(".//video")
    assert video.get("autoplay") is None and video.get("controls") is not None
    assert "autoplay=0" in root.find(".//iframe").get("src")
    assert root.find(".//bgsound") is None


# ---------------------------------------------------------------- tables


def test_seed_data_tables_get_scroll_containers_and_layout_table_is_marked(seed_html_bytes):
    root = lxml.html.document_fromstring(seed_html_bytes.decode("utf-8"))
    ctx = ctx_for()
    wrap_tables(root, ctx)
    containers = root.findall(".//div[@data-eldermode='table-scroll']")
    # The report has three statistics tables (border=1 Word tables) and a footer layout table.
    assert len(containers) == 3
    for container in containers:
        assert container.get("role") == "region" and container.get("tabindex") == "0"
        assert container.get("aria-label").startswith("表格")
        assert container[0].tag == "table"
    footer_table = root.find(".//div[@class='footer']//table")
    assert "em-layout-table" in footer_table.get("class").split()
    before = lxml.html.tostring(root)
    wrap_tables(root, ctx)
    assert lxml.html.tostring(root) == before


@pytest.mark.parametrize(
    "markup, layout",
    [
        ('<table><tr><th>a</th><td>1</td></tr><tr><th>b</th><td>2</td></tr></table>', False),
        ('<table border="1"><tr><td>a</td><td>1</td></tr><tr><td>b</td><td>2</td></tr></table>', False),
        ('<table role="presentation"><tr><th>a</th></tr></table>', True),
        ('<table width="100%"><tr><td><img src=a></td><td>text</td></tr></table>', True),
        ('<table><tr><td><table><tr><td>x</td></tr></table></td></tr></table>', True),
    ],
)
def test_layout_or_data_table(markup, layout):
    table = lxml.html.fragment_fromstring(markup)
    assert is_layout_table(table) is layout


# ---------------------------------------------------------------- viewport


def test_viewport_added_and_zoom_never_disabled():
    root = tree("<html><head><title>t</title></head><body></body></html>")
    ensure_viewport(root, ctx_for())
    assert root.find(".//meta[@name='viewport']").get("content") == "width=device-width, initial-scale=1"
    root = tree('<html><head><meta name="viewport" content="width=device-width, maximum-scale=1, user-scalable=no"></head><body></body></html>')
    ensure_viewport(root, ctx_for())
    content = root.find(".//meta[@name='viewport']").get("content")
    assert "user-scalable" not in content and "maximum-scale" not in content and "width=device-width" in content


# ---------------------------------------------------------------- toolbar


def test_toolbar_is_a_named_toolbar_of_real_buttons_that_works_without_js():
    root = tree("<html><body><p>正文</p></body></html>")
    inject_toolbar(root, ctx_for(url="/news/a.html?id=7&page=2", text="large"))
    bar = root.find("body")[0]
    assert bar.get("data-eldermode") == "toolbar"
    assert bar.get("role") == "region" and bar.get("aria-label") == "辅助工具"  # a landmark, named
    toolbar = bar.find("div[@role='toolbar']")
    assert toolbar.get("aria-label") == "辅助工具条"
    form = toolbar.find("form")
    assert form.get("role") is None  # role=toolbar is not allowed on <form>
    assert form.get("method") == "get" and form.get("action") is None  # submits to the page itself
    hidden = {(i.get("name"), i.get("value")) for i in form.findall(".//input[@type='hidden']")}
    # The page's own query survives a no-JS submit, and the mode is kept.
    assert hidden == {("id", "7"), ("page", "2"), ("eldermode", "elder")}
    sizes = {b.text: b.get("aria-pressed") for b in form.findall(".//button[@data-em-choice='text']") if b.get("aria-pressed")}
    assert sizes == {"标准": "false", "大": "true", "特大": "false"}
    bigger = form.find(".//button[@data-em-step='1']")
    assert (bigger.get("name"), bigger.get("value"), bigger.text) == ("eldermode-text", "xlarge", "A+")
    assert bigger.get("aria-label").startswith("A+")  # the visible label is part of the name (WCAG 2.5.3)
    # The row: mode, A−, A+, 朗读, then 设置 — a <details>, so it opens with JavaScript off.
    row = [el.tag + ":" + (el.text or "") for el in form if el.tag != "input"]
    assert row == ["span:长者模式", "button:A−", "button:A+", "button:朗读", "details:"]
    settings = form.find("details")
    assert settings.find("summary").text == "设置"
    # Every group of the panel carries a visible label that names it.
    labels = []
    for group in settings.findall(".//*[@role='group']"):
        label = group.find("span[@class='em-tb-label']")
        assert label is not None and group.get("aria-labelledby") == label.get("id")
        labels.append(label.text)
    assert labels == ["浏览模式", "字号", "配色", "行距", "鼠标", "辅助线", "朗读", "其他"]
    speak = form.find(".//button[@data-em-action='speak']")
    assert speak is not None and speak.get("type") == "button" and speak.text == "朗读"
    for action in ("speak-rate", "speak-point", "speak-table"):
        assert form.find(f".//button[@data-em-action='{action}']") is not None
    status = bar.find(".//*[@role='status']")
    assert status is not None and status.get("aria-live") == "polite"
    text_link = form.find(".//a[@data-em-link='text']")
    assert text_link.get("href") == "/__eldermode/text?url=/news/a.html%3Fid%3D7%26page%3D2"
    # 帮助 knows the page it came from, so its 返回 leads back there.
    assert form.find(".//a[@data-em-link='help']").get("href") == "/__eldermode/help?from=/news/a.html%3Fid%3D7%26page%3D2"
    assert root.find(".//script") is None and not any(el.get("style") for el in bar.iter())


def test_toggle_buttons_submit_the_other_state():
    root = tree("<html><body></body></html>")
    inject_toolbar(root, ctx_for(cursor="large"))
    cursor = root.find(".//button[@data-em-choice='cursor']")
    assert (cursor.get("aria-pressed"), cursor.get("value")) == ("true", "normal")
    guide = root.find(".//button[@data-em-choice='guide']")
    assert (guide.get("aria-pressed"), guide.get("value")) == ("false", "on")


def test_toolbar_in_english_on_english_pages_and_injected_once():
    root = tree("<html><body></body></html>")
    ctx = ctx_for(lang="en")
    inject_toolbar(root, ctx)
    inject_toolbar(root, ctx)
    assert len(root.findall(".//*[@data-eldermode='toolbar']")) == 1
    assert root.find(".//*[@role='toolbar']").get("aria-label") == "Accessibility toolbar"


def test_toolbar_without_speech_has_no_speech_controls():
    root = tree("<html><body></body></html>")
    ctx = Context(profile=Profile(mode="elder"), options=PageOptions(speech=False))
    inject_toolbar(root, ctx)
    assert root.find(".//*[@data-em-action='speak']") is None


def test_help_page_lists_alt_shift_shortcuts_only():
    page = help_page("zh", "/__eldermode/")
    assert '<html lang="zh-CN"' in page and "快捷键" in page
    shortcuts = [line.split("</kbd>")[0] for line in page.split("<kbd>")[1:]]
    assert shortcuts and all(s.startswith("Alt+Shift+") for s in shortcuts)
    assert "<script" not in page
    assert "Keyboard shortcuts" in help_page("en", "/__eldermode/")


# ---------------------------------------------------------------- override link


class FakeSheets:
    def __init__(self):
        self.calls = []

    def override_href(self, sources, page_url=""):
        self.calls.append(sources)
        return "/__eldermode/overrides/abc.css"


class FakeServices:
    def __init__(self):
        self.stylesheets = FakeSheets()


def test_override_sheet_linked_with_same_site_sheets_only():
    root = tree(
        '<html><head><link rel="stylesheet" href="../css/a.css"><link rel="stylesheet" href="https://cdn.example/x.css">'
        '<link rel="stylesheet" href="/p.css" media="print"><style>p{font-size:9pt}</style></head><body></body></html>'
    )
    ctx = ctx_for(url="/news/2020/a.html")
    ctx.services = FakeServices()
    link_site_overrides(root, ctx)
    link_site_overrides(root, ctx)
    assert ctx.services.stylesheets.calls == [[("link", "/news/css/a.css"), ("style", "p{font-size:9pt}")]]
    links = root.findall(".//link[@data-eldermode='overrides']")
    assert len(links) == 1 and links[0].get("href") == "/__eldermode/overrides/abc.css"


def test_no_services_no_override_link():
    root = tree("<html><head><style>p{}</style></head><body></body></html>")
    link_site_overrides(root, ctx_for())
    assert root.find(".//link") is None


# ---------------------------------------------------------------- the whole elder pipeline


def test_elder_pipeline_is_idempotent_on_the_seed(seed_html_bytes):
    once = rewrite_page(seed_html_bytes, "text/html; charset=utf-8", ctx_for())
    twice = rewrite_page(once, "text/html; charset=utf-8", ctx_for())
    assert once == twice


def test_gbk_seed_gets_the_same_elder_changes(seed_gbk_bytes):
    ctx = ctx_for()
    out = rewrite_page(seed_gbk_bytes, "text/html; charset=gb2312", ctx)
    root = lxml.html.document_fromstring(out.decode("utf-8"))
    assert root.get_element_by_id("floatAd", None) is None
    assert len(root.findall(".//div[@data-eldermode='table-scroll']")) == 3
    assert root.find(".//*[@data-eldermode='toolbar']") is not None
    assert root.get("data-em-mode") == "elder"


def test_a_stylesheet_href_that_cannot_be_parsed_is_skipped_not_fatal():
    root = tree('<html><head><link rel="stylesheet" href="http://[x/a.css"><link rel="stylesheet" href="/b.css">'
                "</head><body></body></html>")
    ctx = ctx_for(url="/news/a.html")
    ctx.services = FakeServices()
    link_site_overrides(root, ctx)
    assert ctx.services.stylesheets.calls == [[("link", "/b.css")]]


def test_a_cell_longer_than_libxml2s_text_limit_keeps_its_table_cards():
    # The cards are written as markup; libxml2 refuses a text node past 10 MB of UTF-8 unless told otherwise.
    # A table whose one cell holds a pasted document (3.4 million characters, 10.2 MB) still gets its cards,
    # each value on its card whole.
    from eldermode.transforms import tables
    from eldermode.transforms.document import parse_document
    from eldermode.transforms.elder import table_cards
    from eldermode.transforms.deferred import materialize
    from eldermode.transforms.pipeline import run_steps

    long_value = "数" * 3_400_000
    doc = parse_document(("<html lang=zh-CN><body><table><tr><th>项目</th><th>说明</th></tr>"
                          f"<tr><th>甲</th><td>{long_value}</td></tr><tr><th>乙</th><td>2</td></tr>"
                          "</table></body></html>").encode(), "text/html")
    ctx = ctx_for("elder")
    run_steps(doc.root, ctx, (("tables", tables.annotate_tables), ("table-scroll", wrap_tables),
                              ("table-cards", table_cards)))
    materialize(doc.root, ctx)  # (the cards' markup is kept as bytes until the page is written: parsed here)
    cards = doc.root.find(".//div[@data-eldermode='table-cards']")
    assert cards is not None
    assert [card.findtext("p") for card in cards.iter("div") if card.get("class") == "em-card"] == ["甲", "乙"]
    assert [dd.text == long_value for dd in cards.iter("dd")] == [True, False]
    assert [dd.text for dd in cards.iter("dd")][1] == "2"
    assert [dt.text for dt in cards.iter("dt")] == ["说明：", "说明："]


def test_table_cards_show_markup_characters_in_headers_and_values_as_text():
    # The cards are written as markup: a header or value holding "<", "&", ">" or a carriage return is its text on
    # the card, never an element or an entity.
    from eldermode.transforms import tables
    from eldermode.transforms.document import parse_document
    from eldermode.transforms.elder import table_cards
    from eldermode.transforms.deferred import materialize
    from eldermode.transforms.pipeline import run_steps

    doc = parse_document(("<html lang=zh-CN><body><table><tr><th>项目</th><th>A&amp;B &lt;i&gt;</th>"
                          "<th abbr='金&#13;额'>金额（元）</th></tr>"
                          "<tr><th>&lt;script&gt;x()&lt;/script&gt;</th><td>]]&gt; &amp;amp; a</td><td>1</td></tr>"
                          "<tr><th>乙</th><td>2</td><td>3</td></tr></table></body></html>").encode(), "text/html")
    # (parsing reads a referenced CR as the LF browsers see, so the CR a later edit could leave is put in by hand)
    doc.root.find(".//th[@abbr]").set("abbr", "金\r额")
    ctx = ctx_for("elder")
    run_steps(doc.root, ctx, (("tables", tables.annotate_tables), ("table-scroll", wrap_tables),
                              ("table-cards", table_cards)))
    materialize(doc.root, ctx)  # (the cards' markup is kept as bytes until the page is written: parsed here)
    cards = doc.root.find(".//div[@data-eldermode='table-cards']")
    assert [el.tag for el in cards.iter()].count("script") == 0
    assert [p.text for p in cards.iter("p") if p.get("class") == "em-card-head"] == ["<script>x()</script>", "乙"]
    assert [dt.text for dt in cards.iter("dt")] == ["A&B <i>：", "金\r额：", "A&B <i>：", "金\r额："]
    assert [dd.text for dd in cards.iter("dd")] == ["]]> &amp; a", "1", "2", "3"]
