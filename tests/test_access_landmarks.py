"""Unit tests for landmark inference, the skip link and the per-site override file."""

from __future__ import annotations

import lxml.html

from eldermode.transforms import Context, PageOptions, Profile
from eldermode.transforms.headings import ensure_title
from eldermode.transforms.landmarks import add_skip_link, existing_landmarks, infer_landmarks
from eldermode.transforms.modebar import inject_modebar
from eldermode.transforms.overrides import apply_overrides

PARA = "根据有关规定，结合我区政府信息公开工作有关统计数据撰写本报告，报告主要包括主动公开情况。" * 2

CMS_PAGE = f"""<html><head><title>某区年报-某区人民政府</title></head><body>
<div class="top"><span>今天是</span><a href="javascript:void(0)">智能问答</a><a href="javascript:void(0)">长者模式</a></div>
<div class="header"><a href="/"><img src="/images/logo.png"></a></div>
<div class="nav"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/zwfw/">政务服务</a></li></ul></div>
<div class="w1200">
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
<form action="/search/"><input type="text" name="q"></form>
<div class="article"><div class="title">某区年报</div><div id="zoom"><p>{PARA}</p><p>{PARA}</p></div></div>
</div>
<div class="footer">主办单位：某区人民政府 <a href="/sitemap/">网站地图</a></div>
</body></html>"""


def run(html: str, options: PageOptions | None = None):
    root = lxml.html.document_fromstring(html)
    ctx = Context(profile=Profile(mode="access"), options=options or PageOptions())
    apply_overrides(root, ctx)
    ensure_title(root, ctx)
    infer_landmarks(root, ctx)
    inject_modebar(root, ctx)
    add_skip_link(root, ctx)
    return root, ctx


def roles(root) -> dict[str, list[tuple[str, str]]]:
    found: dict[str, list[tuple[str, str]]] = {}
    for el in root.iter():
        if isinstance(el.tag, str) and el.get("role") and el.get("data-eldermode") != "modebar":
            label = (el.get("class") or el.get("id") or el.tag)
            found.setdefault(el.get("role"), []).append((label, el.get("aria-label") or ""))
    return found


def test_cms_blocks_get_their_landmarks():
    root, ctx = run(CMS_PAGE)
    found = roles(root)
    assert found["main"] == [("article", "")]
    assert found["banner"] == [("header", "")]
    assert found["contentinfo"] == [("footer", "")]
    assert sorted(found["navigation"]) == [("nav", "主导航"), ("position", "当前位置")]
    assert found["search"] == [("form", "")]
    assert found["region"] == [("top", "顶部工具栏")]
    assert ctx.report.count("landmarks") == 8  # 7 landmarks + the skip link


def test_skip_link_is_first_in_body_and_targets_focusable_main():
    root, _ = run(CMS_PAGE)
    body = root.find("body")
    first = body[0]
    assert first.tag == "a" and first.get("data-eldermode") == "skiplink"
    assert first.text == "跳到主要内容"
    assert body[1].get("data-eldermode") == "modebar"  # the bar comes after the skip link
    main = root.xpath("//*[@role='main']")[0]
    assert first.get("href") == "#" + main.get("id")
    assert main.get("tabindex") == "-1"


def test_english_page_gets_english_names():
    html = CMS_PAGE.replace("当前位置：", "Location: ")
    root = lxml.html.document_fromstring(html)
    ctx = Context(profile=Profile(mode="access"), lang="en")
    infer_landmarks(root, ctx)
    add_skip_link(root, ctx)
    assert root.find("body")[0].text == "Skip to main content"
    assert root.find_class("nav")[0].get("aria-label") == "Main navigation"


def test_existing_landmarks_are_never_duplicated_or_changed():
    html = CMS_PAGE.replace('<div class="header">', '<header class="header">').replace(
        '<img src="/images/logo.png"></a></div>', '<img src="/images/logo.png"></a></header>'
    ).replace('<div class="article">', '<main class="article">').replace(
        f"<p>{PARA}</p></div></div>", f"<p>{PARA}</p></div></main>"
    ).replace('<div class="nav">', '<div class="nav" role="navigation" aria-label="站点导航">')
    root, ctx = run(html)
    assert len(root.xpath("//main | //*[@role='main']")) == 1
    assert not root.xpath("//*[@role='banner']")  # <header> already is the banner
    nav = root.find_class("nav")[0]
    assert nav.get("aria-label") == "站点导航"
    # Our breadcrumb navigation is named distinctly from the author's.
    assert root.find_class("position")[0].get("aria-label") == "当前位置"
    # The skip link targets the author's <main>.
    main = root.find("body").find(".//main")
    assert root.find("body")[0].get("href") == "#" + main.get("id")


def test_exactly_one_main_on_a_page_without_article():
    html = """<html><head><title>某区人民政府</title></head><body>
    <div class="header"><a href="/"><img src="/logo.png"></a></div>
    <div class="nav"><a href="/a/">政务公开</a><a href="/b/">政务服务</a><a href="/c/">互动交流</a></div>
    <div class="w1200"><div class="box"><div class="hd">政务要闻</div><ul>
    <li><a href="/1.html">区政府召开第十二次常务会议研究部署政务公开工作</a></li>
    <li><a href="/2.html">我区召开全区政务公开工作推进会</a></li></ul></div></div>
    <div class="footer">主办单位：某区人民政府</div></body></html>"""
    root, _ = run(html)
    mains = root.xpath("//*[@role='main']")
    assert len(mains) == 1 and mains[0].get("class") == "w1200"


def test_no_main_and_no_skip_link_when_nothing_holds_content():
    root, ctx = run("<html><body><div class='nav'><a href='/a'>甲</a><a href='/b'>乙</a></div></body></html>")
    assert not root.xpath("//*[@role='main']")
    assert root.find("body").find("a[@data-eldermode='skiplink']") is None


def test_the_page_own_skip_link_is_kept():
    html = CMS_PAGE.replace("<body>", '<body><a href="#zoom">跳过导航</a>')
    root, _ = run(html)
    assert root.find("body").find(".//a[@data-eldermode='skiplink']") is None


def test_list_and_table_blocks_are_wrapped_not_given_wrong_roles():
    html = f"""<html><body><ul class="menu"><li><a href="/a">甲栏目</a></li><li><a href="/b">乙栏目</a></li></ul>
    <div id="content"><p>{PARA}</p></div></body></html>"""
    root, _ = run(html)
    ul = root.find_class("menu")[0]
    assert ul.get("role") is None
    assert ul.getparent().get("role") == "navigation" and ul.getparent().tag == "div"


def test_idempotent():
    root, _ = run(CMS_PAGE)
    once = lxml.html.tostring(root)
    ctx = Context(profile=Profile(mode="access"))
    infer_landmarks(root, ctx)
    add_skip_link(root, ctx)
    assert lxml.html.tostring(root) == once
    assert ctx.report.count() == 0


def test_override_file_entries_win_over_inference():
    options = PageOptions(landmark_overrides=(
        (".w1200 > .position", "navigation", "面包屑"),
        ("#zoom", "main", ""),
        (".top", "none", ""),
        ("div[", "main", ""),  # invalid CSS: reported, ignored
    ))
    root, ctx = run(CMS_PAGE, options)
    assert root.find_class("position")[0].get("aria-label") == "面包屑"
    assert [el.get("id") for el in root.xpath("//*[@role='main']")] == ["zoom"]
    assert root.find_class("top")[0].get("role") is None
    assert ctx.report.count("overrides", "ignored invalid override") == 1
    assert existing_landmarks(root.find("body"))["main"][0].get("id") == "zoom"


def test_a_logo_straight_in_body_gets_a_banner_of_its_own_never_body():
    # <body><img …><div>article</div>: the picture is the masthead; the role needs an element of its own,
    # not <body> (a body with role=banner makes the whole page the banner, main inside it).
    root, _ = run(f'<html><body><img src="/logo.png" alt="某区人民政府"><div class="article"><h1>某区年报</h1>'
                  f'<p>{PARA}</p><p>{PARA}</p></div></body></html>')
    body = root.find("body")
    assert body.get("role") is None
    banner = [el for el in body.iter() if el.get("role") == "banner"]
    assert [el.tag for el in banner] == ["div"] and banner[0][0].tag == "img"


def test_a_page_rewritten_before_keeps_what_follows_its_main_out_of_the_banner():
    # Found by hypothesis: on a second rewrite eldermode's main wrapper was passed over as one of its own
    # blocks, the picture after it taken for a band before it, and made the banner on <body>.
    from eldermode.transforms.pipeline import rewrite_page

    def rewrite(body: bytes) -> bytes:
        return rewrite_page(body, "text/html; charset=utf-8", Context(profile=Profile(mode="access"), url="/p"))

    once = rewrite("<table><p>一、总体情况</p></table><img>".encode("utf-8"))
    twice = rewrite(once)
    assert lxml.html.document_fromstring(twice).find("body").get("role") is None
    assert twice == once
