"""The 朗读 page transform: sentences numbered in reading order, the page signed once, speech hooks added, idempotent."""

from __future__ import annotations

from types import SimpleNamespace

import lxml.html

from eldermode.transforms import Context, PageOptions, Profile
from eldermode.transforms.pipeline import rewrite_page
from eldermode.middleware.speech_pages import SpeechPages
from eldermode.transforms.speech import SENTENCE_SEP, collect_segments, page_token, prepare_speech, speakable_text

SECRET = b"s" * 32


def _ctx(url: str = "/a.html", speech: bool = True, secret: bytes | None = SECRET, lang: str = "") -> Context:
    services = SimpleNamespace(speech_secret=secret, speech_pages=SpeechPages()) if secret is not None else None
    return Context(profile=Profile(mode="elder"), url=url, options=PageOptions(speech=speech), services=services,
                   lang=lang)


def _page(body: str, lang: str = "zh-CN") -> lxml.html.HtmlElement:
    return lxml.html.document_fromstring(
        f'<html lang="{lang}"><head><title>关于开展工作的通知</title></head><body>{body}</body></html>'
    )


ARTICLE = (
    '<div class="nav"><a href="/">首页</a></div>'
    '<div class="article"><h1>关于开展工作的通知</h1>'
    '<div id="zoom">'
    '<p>第一句话。第二句<b>加粗的</b>部分，继续说完！</p>'
    '<p>共办理<a href="/x">14850件</a>。<br>换行后的话</p>'
    '<table><tr><th>项目</th><td>数量</td></tr><tr><td>申请</td><td>15</td></tr></table>'
    '<p style="display:none">隐藏的文字。</p>'
    '<script>var notRead = "脚本。";</script>'
    '<p>最后一句。</p>'
    '</div></div>'
)


def _segments(root) -> list[tuple[str, str]]:
    """(number, text) of every marked sentence, grouped by data-em-seg, in document order."""
    groups: dict[str, list] = {}
    for el in root.iter():
        if isinstance(el.tag, str) and el.get("data-em-seg") is not None:
            groups.setdefault(el.get("data-em-seg"), []).append(el)
    return [
        (spans[0].get("data-em-seg"), speakable_text("".join(s.text_content() for s in spans)))
        for spans in groups.values()
    ]


def test_sentences_are_marked_in_reading_order_title_first() -> None:
    root = _page(ARTICLE)
    prepare_speech(root, _ctx())
    texts = [text for _, text in _segments(root)]
    assert texts == [
        "关于开展工作的通知",
        "第一句话。",
        "第二句加粗的部分，继续说完！",
        "共办理14850件。",
        "换行后的话",
        "最后一句。",
    ]


def test_text_sitting_between_the_blocks_of_a_container_is_read_where_it_stands() -> None:
    # An editor's <div id="zoom">: loose lines with <br>, a table, a paragraph, and loose text again.
    # Only the paragraph was read before: the loose text around the blocks fell through.
    body = ('<div id="zoom">各乡镇人民政府：<br>现将有关事项<b>通知</b>如下。'
            '<table><tr><th>项目</th><td>数量</td></tr></table>'
            '表中数据截至6月底。<p>请认真贯彻执行。</p>特此通知。<span style="display:none">隐藏。</span></div>')
    expected = ["各乡镇人民政府：", "现将有关事项通知如下。", "表中数据截至6月底。", "请认真贯彻执行。", "特此通知。"]
    assert collect_segments(_page(body), _ctx()) == expected
    root = _page(body)
    prepare_speech(root, _ctx())
    assert [text for _, text in _segments(root)][:len(expected)] == expected
    zoom = root.find(".//div[@id='zoom']")
    assert zoom.text_content() == _page(body).find(".//div[@id='zoom']").text_content()  # the text is unchanged


def _stored(root, ctx) -> list[str]:
    """The sentences the transform put in the store under the token on the page's speech.js tag."""
    token = root.find("head/script[@data-eldermode='speech']").get("data-em-page")
    lang, sentences = ctx.services.speech_pages.get(token)
    return sentences


def test_the_page_is_signed_once_and_its_numbered_sentences_are_stored() -> None:
    root = _page(ARTICLE)
    ctx = _ctx()
    prepare_speech(root, ctx)
    stored = _stored(root, ctx)
    for number, text in _segments(root):
        assert stored[int(number)] == text
    script = root.find("head/script[@data-eldermode='speech']")
    token = script.get("data-em-page")
    signed = SENTENCE_SEP.join(stored)  # (page_token takes the sentences joined, as the store is given them)
    assert token == page_token(SECRET, "zh", "/a.html", signed)
    assert token != page_token(b"another secret" * 3, "zh", "/a.html", signed)
    assert token != page_token(SECRET, "zh", "/b.html", signed)  # the URL is signed too
    assert script.get("data-em-url") == "/a.html" and script.get("data-em-profile")
    assert root.find(".//*[@data-em-say]") is None  # no signature per sentence


def test_marking_keeps_the_text_and_the_authors_markup() -> None:
    root = _page(ARTICLE)
    before = root.find(".//div[@id='zoom']").text_content()
    prepare_speech(root, _ctx())
    zoom = root.find(".//div[@id='zoom']")
    assert zoom.text_content() == before
    bold = zoom.find(".//b")
    assert bold.getparent().get("data-em-seg") is None  # the <b> stays where it was
    assert bold.find("span").get("data-em-seg") == bold.getprevious().get("data-em-seg")  # one sentence, two spans
    assert zoom.find(".//a").get("href") == "/x"


def test_tables_hidden_text_and_scripts_are_not_in_the_continuous_reading() -> None:
    root = _page(ARTICLE)
    prepare_speech(root, _ctx())
    texts = " ".join(text for _, text in _segments(root))
    assert "隐藏" not in texts and "脚本" not in texts and "项目" not in texts
    assert root.find(".//table").find(".//*[@data-em-seg]") is None


def test_table_linear_readings_are_signed_for_table_reading() -> None:
    body = ARTICLE.replace(
        "</table>",
        '</table><details data-eldermode="table-reading" class="em-table-reading"><summary>逐格朗读本表</summary>'
        "<p>本表2行2列。</p><ol><li>申请，数量：15。</li></ol></details>",
    )
    root = _page(body)
    ctx = _ctx()
    prepare_speech(root, ctx)
    details = root.find(".//details")
    assert details.find("summary").find("span") is None
    assert details.find(".//*[@data-em-seg]") is None  # items are numbered from the reading, not one by one
    first = int(details.get("data-em-seg-from"))
    stored = _stored(root, ctx)
    assert stored[first:first + 2] == ["本表2行2列。", "申请，数量：15。"]
    assert "本表2行2列。" not in stored[:first]  # the article's sentences come first
    # and they stay out of the article reading
    assert "申请，数量" not in " ".join(collect_segments(_page(body), _ctx()))


def test_a_reading_item_is_one_piece_unless_too_long_for_one() -> None:
    long_item = "，".join(f"第{n}项说明文字较长" for n in range(1, 21)) + "。"  # ≈ 200 characters
    body = ARTICLE.replace(
        "</table>",
        '</table><details data-eldermode="table-reading"><summary>逐格朗读本表</summary>'
        f"<p>本表2行2列；列标题1层。</p><ol><li>申请 ,\n  数量：15</li><li>{long_item}</li><li>末项：3</li></ol>"
        "</details>",
    )
    root = _page(body)
    ctx = _ctx()
    prepare_speech(root, ctx)
    details = root.find(".//details")
    first = int(details.get("data-em-seg-from"))
    stored = _stored(root, ctx)
    # two sentences, one item: read as one piece; whitespace as speech.js sends it
    assert stored[first:first + 4] == ["本表2行2列；列标题1层。", "申请 , 数量：15", "", "末项：3"]
    spans = _segments(details.findall(".//li")[1])
    assert len(spans) > 1 and "".join(t for _, t in spans) == long_item
    assert all(stored[int(number)] == text and len(text) <= 120 for number, text in spans)


def test_a_reading_written_on_this_rewrite_is_numbered_from_its_model_as_from_the_tree() -> None:
    """The tables step's own reading has its items' texts taken from its model, not read back: the same page."""
    from eldermode.transforms.tables import annotate_tables

    long_cell = "，".join(f"第{n}项说明文字较长" for n in range(1, 21)) + "。"  # ≈ 200 characters: split in spans
    rows = "".join(f"<tr><th>项目{i}</th><td>{long_cell if i == 2 else i}</td><td>{i * 3}</td></tr>" for i in range(5))
    body = ARTICLE.replace(
        '<table><tr><th>项目</th><td>数量</td></tr><tr><td>申请</td><td>15</td></tr></table>',
        f"<table><caption>办理情况</caption><tr><th>名称</th><th>说明</th><th>数量</th></tr>{rows}</table>",
    )
    pages = []
    for from_model in (True, False):
        root = _page(body)
        ctx = _ctx()
        annotate_tables(root, ctx)
        assert ctx.data["tables"][0].details is not None
        if not from_model:
            ctx.data["tables"] = []  # as on a page whose reading was already there: read from the tree
        prepare_speech(root, ctx)
        pages.append((lxml.html.tostring(root), _stored(root, ctx)))
    assert pages[0] == pages[1]
    stored = pages[0][1]
    assert "" in stored and any(long_cell[:9] in text for text in stored)  # the long item: a slot "", spans after


def test_speech_hooks_script_stylesheet_download_and_own_controls_without_toolbar() -> None:
    root = _page(ARTICLE)
    prepare_speech(root, _ctx(url="/news/a.html?id=3"))
    script = root.find("head/script[@data-eldermode='speech']")
    assert script.get("src").startswith("/__eldermode/assets/speech.js")
    assert script.text is None  # no inline code (strict CSP)
    assert script.get("data-em-endpoint") == "/__eldermode/speech/"
    assert root.find("head/link[@data-eldermode='speech']").get("href").startswith("/__eldermode/assets/speech.css")
    bar = root.find(".//*[@data-eldermode='speech-controls']")
    speak = bar.find("button[@data-em-action='speak']")
    assert speak.text == "朗读" and speak.get("type") == "button" and speak.get("hidden") is not None
    assert bar.find("a[@data-em-link='speech-download']").get("href") == "/__eldermode/speech/page?url=/news/a.html%3Fid%3D3"
    # the bar comes before the article's title, not inside the text
    assert bar.getnext().tag == "h1"


def test_no_second_speak_button_when_the_toolbar_has_one() -> None:
    root = _page('<div data-eldermode="toolbar"><button type="button" data-em-action="speak">朗读</button></div>'
                 + ARTICLE)
    prepare_speech(root, _ctx())
    assert len(root.findall(".//button[@data-em-action='speak']")) == 1
    assert root.find(".//*[@data-eldermode='speech-controls']/button[@data-em-action='speak-stop']") is not None


def test_idempotent() -> None:
    root = _page(ARTICLE)
    prepare_speech(root, _ctx())
    once = lxml.html.tostring(root, encoding="unicode")
    prepare_speech(root, _ctx())
    assert lxml.html.tostring(root, encoding="unicode") == once


def test_nothing_without_a_secret_or_with_speech_off() -> None:
    for ctx in (_ctx(secret=None), _ctx(speech=False)):
        root = _page(ARTICLE)
        before = lxml.html.tostring(root)
        prepare_speech(root, ctx)
        assert lxml.html.tostring(root) == before


def test_english_page_gets_english_controls_and_english_keys() -> None:
    root = _page('<div id="content"><h1>Annual report</h1><p>First sentence here. Second one follows.</p>'
                 "<p>" + "More text for the article body. " * 3 + "</p></div>", lang="en")
    ctx = _ctx(lang="en")
    prepare_speech(root, ctx)
    assert root.find(".//button[@data-em-action='speak']").text == "Read aloud"
    number, text = _segments(root)[1]
    assert text == "First sentence here." and _stored(root, ctx)[int(number)] == text
    token = root.find("head/script[@data-eldermode='speech']").get("data-em-page")
    assert ctx.services.speech_pages.get(token)[0] == "en"


def test_collect_segments_matches_what_the_page_marks(seed_html_bytes: bytes) -> None:
    page = seed_html_bytes.decode("utf-8")
    marked_root = lxml.html.document_fromstring(page)
    prepare_speech(marked_root, _ctx(lang="zh-CN"))
    article = [t for _, t in _segments(marked_root) if not _in_details(marked_root, t)]
    collected = collect_segments(lxml.html.document_fromstring(page), _ctx(lang="zh-CN"))
    assert collected == article
    assert collected[0] == "鄂城区2020年政府信息公开工作年报"
    assert "累计办理市政府12345转办案件14850件,办结率98.7%、回访满意度达到了93.2%。" in collected
    assert not any("来源" in t or "打印" in t for t in collected)  # the info line is not the article


def _in_details(root, text: str) -> bool:
    return any(text == speakable_text(li.text_content()) for li in root.iter("li"))


def test_seed_page_through_the_whole_elder_pipeline(seed_html_bytes: bytes) -> None:
    ctx = Context(profile=Profile(mode="elder"), url="/report-2020.html",
                  services=SimpleNamespace(speech_secret=SECRET, settings=None, speech_pages=SpeechPages()))
    out = rewrite_page(seed_html_bytes, "text/html; charset=utf-8", ctx)
    root = lxml.html.document_fromstring(out.decode("utf-8"))
    segments = _segments(root)
    assert len(segments) > 100
    stored = _stored(root, ctx)
    assert all(stored[int(number)] == text for number, text in segments)
    assert all(len(text) <= 120 for _, text in segments)
    assert ctx.report.count("speech") == 1


def test_links_and_buttons_carry_numbered_names_for_point_to_read() -> None:
    root = _page(ARTICLE)
    ctx = _ctx()
    prepare_speech(root, ctx)
    stored = _stored(root, ctx)
    home = root.find(".//div[@class='nav']/a")
    assert stored[int(home.get("data-em-name"))] == "首页"
    download = root.find(".//a[@data-em-link='speech-download']")
    assert stored[int(download.get("data-em-name"))] == "下载本文音频"
    labelled = _page('<a href="/" aria-label="返回首页"><img src="home.png" alt=""></a>' + ARTICLE)
    ctx = _ctx()
    prepare_speech(labelled, ctx)
    assert _stored(labelled, ctx)[int(labelled.find(".//a[@aria-label]").get("data-em-name"))] == "返回首页"
