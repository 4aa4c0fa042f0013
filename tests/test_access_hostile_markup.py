"""Regression tests from the security review: author markup that hung, crashed or slowed the access repairs.

- a linked image whose href has no "/" (``list.html``) sent ``images._section_for`` into an endless loop;
- ``aria-level="一"`` / ``"²"`` (``"²".isdigit()`` is True, ``int("²")`` raises) broke the text view (500)
  and made elder/access mode fail open; the same guard sat on tabindex and image width/height;
- unparseable URLs (``http://[x``) raised ValueError in the image and link naming;
- a long ``javascript:gogogo…`` href made the navigating-script regex quadratic.
"""

from __future__ import annotations

import asyncio

import httpx
import lxml.html
import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from eldermode.middleware import ElderModeMiddleware, Settings
from eldermode.transforms import Context, Profile
from eldermode.transforms.markup import int_attribute, parse_int
from eldermode.transforms.focus import restore_focus
from eldermode.transforms.images import name_images
from eldermode.transforms.names import name_controls
from eldermode.transforms.pipeline import rewrite_page
from support import text_view_page


def page(body: str, title: str = "政务公开-某区人民政府") -> str:
    return f'<!DOCTYPE html><html lang="zh-CN"><head><title>{title}</title></head><body>{body}</body></html>'


def tree(body: str):
    return lxml.html.document_fromstring(page(body))


def rewrite(body: str, mode: str, url: str = "/zwgk/index.html") -> lxml.html.HtmlElement:
    """The page rewritten in ``mode``; a failing transform raises TransformError (the middleware would fail open)."""
    out = rewrite_page(page(body).encode(), "text/html; charset=utf-8", Context(profile=Profile(mode=mode), url=url))
    return lxml.html.document_fromstring(out.decode("utf-8"))


# ---------------------------------------------------------------- images: relative hrefs without "/"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("mode", ["access", "elder"])
def test_linked_image_with_a_relative_href_finishes_in_every_mode(mode):
    out = rewrite('<p>正文</p><a href="list.html"><img src="pic.jpg"></a>', mode)
    assert out.find(".//img") is not None


@pytest.mark.timeout(60)
def test_relative_href_is_resolved_against_the_page_to_find_its_section():
    # list.html on /zwgk/index.html is /zwgk/list.html: the section linked as 政务公开.
    root = tree('<a href="/zwgk/">政务公开</a><a href="list.html"><img src="pic.jpg"></a>')
    name_images(root, Context(profile=Profile(mode="access"), url="/zwgk/index.html"))
    assert root.find(".//img").get("alt") == "政务公开"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("href", ["list.html", "list", "?page=2", "..", ".", "a//b", "//", "///", "x/", "#top",
                                  "list.html/", "http://[x", "javascript:void(0)"])
@pytest.mark.parametrize("url", ["/zwgk/index.html", "", "index.html", "/"])
def test_image_naming_terminates_and_never_raises_on_odd_hrefs(href, url):
    root = tree(f'<a href="{href}"><img src="pic.jpg"></a>')
    ctx = Context(profile=Profile(mode="access"), url=url)
    name_images(root, ctx)
    assert ctx.data["access.unnamed_images"] == ["pic.jpg"]  # nothing on the page names it


@pytest.mark.timeout(60)
@pytest.mark.parametrize("mode", ["access", "elder"])
def test_unparseable_urls_in_images_links_and_frames_do_not_break_the_mode(mode):
    out = rewrite('<p>正文</p><a href="http://[x"><img src="http://[y/logo.png"></a><a href="http://[z"></a>'
                  '<iframe src="http://[w/f.html"></iframe><img src="http://[v/top_banner.jpg">', mode)
    assert len(out.findall(".//img")) == 2


def test_text_view_never_links_a_url_it_cannot_parse():
    body = text_view_page(page('<div class="article"><p>正文内容。<a href="java\tscript://[x%0aalert(1)">甲</a>'
                               '<a href="http://[x">乙</a><a href="/ok.html">丙</a></p></div>').encode(),
                          "text/html; charset=utf-8", "/zwgk/a.html")
    main = lxml.html.document_fromstring(body.decode("utf-8")).find(".//main")
    assert [a.get("href") for a in main.iter("a")] == ["/ok.html"]
    assert "甲" in main.text_content() and "乙" in main.text_content()


# ---------------------------------------------------------------- integer attributes


@pytest.mark.parametrize(("raw", "expected"), [
    ("3", 3), (" 3 ", 3), ("+3", 3), ("-1", -1), ("0", 0),
    ("²", None), ("一", None), ("３", None), ("٣", None), ("3.5", None), ("3px", None), ("", None), ("-", None),
    ("9" * 5000, None),  # int() refuses more than 4300 digits; a level that long is no level at all
])
def test_parse_int_takes_ascii_whole_numbers_only(raw, expected):
    assert parse_int(raw, None) == expected
    assert int_attribute(lxml.html.fragment_fromstring(f'<div aria-level="{raw}"></div>'), "aria-level", 7) == (
        7 if expected is None else expected)


def test_int_attribute_default_when_the_attribute_is_missing():
    assert int_attribute(lxml.html.fragment_fromstring("<div></div>"), "aria-level", 2) == 2


@pytest.mark.timeout(60)
@pytest.mark.parametrize("level", ["一", "²", "３", "", "-3", "0", "99", "9" * 5000])
@pytest.mark.parametrize("mode", ["access", "elder"])
def test_odd_aria_levels_do_not_break_the_modes(level, mode):
    out = rewrite(f'<div class="article"><div role="heading" aria-level="{level}">第一部分</div>'
                  '<p>正文内容。</p><p>一、总体情况</p><p>正文。</p></div>', mode)
    assert out.xpath("//*[@role='heading' and text()='第一部分']")


def test_text_view_reads_odd_aria_levels_as_level_two():
    body = text_view_page(page('<div class="article"><div role="heading" aria-level="一">第一部分</div>'
                               '<p>正文内容。</p><div role="heading" aria-level="²">第二部分</div>'
                               '<div role="heading" aria-level="３">第三部分</div>'
                               '<div role="heading" aria-level="4">第四部分</div></div>').encode(),
                          "text/html; charset=utf-8", "/p.html")
    main = lxml.html.document_fromstring(body.decode("utf-8")).find(".//main")
    headings = [(el.tag, el.text) for el in main if el.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
    # ARIA: a heading without a valid aria-level is level 2; the page title comes first as h1.
    assert headings == [("h1", "政务公开"), ("h2", "第一部分"), ("h2", "第二部分"), ("h2", "第三部分"), ("h4", "第四部分")]


def test_tabindex_only_ascii_positive_numbers_are_reset():
    root = tree('<a href="/a" tabindex="5">甲</a><a href="/b" tabindex=" 2 ">乙</a><a href="/c" tabindex="²">丙</a>'
                '<a href="/d" tabindex="-1">丁</a><a href="/e" tabindex="５">戊</a>')
    restore_focus(root, Context(profile=Profile(mode="access")))
    assert [a.get("tabindex") for a in root.iter("a")] == ["0", "0", "²", "-1", "５"]


def test_tiny_images_are_decorative_only_for_ascii_sizes():
    root = tree('<img src="a.gif" width="1"><img src="b.gif" height="2px"><img src="c.jpg" width="²">'
                '<img src="d.jpg" width="１">')
    name_images(root, Context(profile=Profile(mode="access")))
    # "²" and "１" are no sizes: those two are not spacers, and nothing names them.
    assert [img.get("alt") for img in root.iter("img")] == ["", "", "图片（未说明）", "图片（未说明）"]


# ---------------------------------------------------------------- the text view endpoint


def _get(app, url: str) -> httpx.Response:
    async def run():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gov.example") as client:
            return await client.get(url)
    return asyncio.run(run())


def _site(html: str):
    async def serve(request):
        return HTMLResponse(html)
    return ElderModeMiddleware(Starlette(routes=[Route("/p.html", serve)]), settings=Settings())


def test_text_view_endpoint_with_a_non_numeric_aria_level():
    r = _get(_site(page("<main><div role='heading' aria-level='一'>第一部分</div><p>正文内容。</p></main>")),
             "/__eldermode/text?url=/p.html")
    assert r.status_code == 200
    assert "第一部分" in r.text and "正文内容" in r.text


def test_elder_mode_survives_a_superscript_aria_level():
    r = _get(_site(page("<main><div role='heading' aria-level='²'>第一部分</div><p>正文内容。</p></main>")),
             "/p.html?eldermode=elder")
    assert r.status_code == 200
    assert 'data-em-mode="elder"' in r.text, "the transform raised and the original page was sent instead"


def test_text_view_endpoint_answers_502_when_building_the_view_fails(monkeypatch):
    import eldermode.transforms.outputs as outputs

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(outputs, "page_text_view", broken)
    r = _get(_site(page("<p>正文</p>")), "/__eldermode/text?url=/p.html")
    assert r.status_code == 502
    assert r.headers["content-type"].startswith("text/plain")
    assert "secret internals" not in r.text and "Traceback" not in r.text


# ---------------------------------------------------------------- javascript: hrefs


def _link_role(href: str) -> str | None:
    root = tree(f'<main><a href="{href}">打印</a></main>')
    name_controls(root, Context(profile=Profile(mode="access")))
    return root.find(".//a").get("role")


# The timeout is a hang guard, not a speed bound: the old pattern (go\w*) backtracked quadratically,
# about 1.5 s for 16 KB of "go" and 25 s for the 64 KB below; it now takes microseconds.
@pytest.mark.timeout(20)
def test_long_script_href_without_navigation_is_a_button():
    assert _link_role("javascript:" + "go" * 32000) == "button"
    assert _link_role("javascript:" + "open" * 16000 + "()") == "button"


@pytest.mark.timeout(60)
def test_long_script_href_that_navigates_stays_a_link():
    assert _link_role("javascript:openWin('/zwgk/a.html');" + "void(0);" * 2000) is None
    assert _link_role("javascript:window.location.href='list.shtml'" + " " * 16000) is None
