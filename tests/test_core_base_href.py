"""A page whose ``<base href>`` points at another host (tests/fixtures/shapes/base-foreign.html: a template
copied from the province's site, base and target left in) or at another path of this one.

Left in, the base moves everything eldermode adds: its assets and endpoints (``/__eldermode/…``) would
load from the other host — a request to a third party, and no elder mode — and its query-only mode
links, the skip link and the 朗读 requests would leave for the base's page. The ``base`` step applies
the base to the page's own URLs and removes it; in mode off the entry link is rooted at the page's
path under a base on this site, and left out under a base at another host.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import lxml.html
import pytest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from support import asgi_get, spoken_sentences, text_view_page
from test_core_shapes import SHAPES_DIR

from eldermode.middleware.rewrite import ElderModeMiddleware
from eldermode.middleware.services import Services
from eldermode.middleware.settings import Settings
from eldermode.transforms import Profile
from eldermode.transforms.pipeline import rewrite_page

PAGE = (SHAPES_DIR / "base-foreign.html").read_bytes()
URL = "/xxgk/tzgg/2022/0825/1.html"
OTHER = "http://www.hbprov.gov.cn"

# Where the page's own URLs point, worked out by hand from the base http://www.hbprov.gov.cn/zwgk/.
PAGE_LINKS = {
    "首页": f"{OTHER}/index.html",
    "通知公告": f"{OTHER}/zwgk/#list",
    "缴费指南": f"{OTHER}/zwgk/2022/0901/jiaofei.html",
}


@pytest.fixture(scope="module")
def services(tmp_path_factory) -> Services:
    return Services(None, Settings(secret="base-test", cache_dir=str(tmp_path_factory.mktemp("cache"))))


def rewritten(mode: str, services: Services, body: bytes = PAGE, url: str = URL):
    return lxml.html.document_fromstring(rewrite_page(body, "text/html", services.page_context(Profile(mode=mode), url)))


def ours(root) -> list[tuple[str, str]]:
    """(attribute, URL) of everything eldermode put in the page: its elements and what they hold."""
    found = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if el.get("data-eldermode") is None and not any(a.get("data-eldermode") for a in el.iterancestors()):
            continue
        for attribute in ("href", "src", "action", "data-em-endpoint"):
            if el.get(attribute) is not None:
                found.append((attribute, el.get(attribute)))
    return found


@pytest.mark.parametrize("mode", ["elder", "access"])
def test_the_base_is_applied_to_the_pages_own_links_and_removed(mode, services):
    root = rewritten(mode, services)
    assert root.find(".//base") is None
    links = {a.text_content().strip(): a for a in root.iter("a") if a.get("data-eldermode") is None}
    for text, href in PAGE_LINKS.items():
        assert links[text].get("href") == href, text
        assert links[text].get("target") == "_blank", text  # the base's target goes with its links
    form = next(f for f in root.iter("form") if f.get("action"))
    assert (form.get("action"), form.get("target")) == (f"{OTHER}/zwgk/search.jsp", "_blank")
    img = next(i for i in root.iter("img") if i.get("alt") == "缴费二维码")
    assert img.get("src") == f"{OTHER}/zwgk/images/qr.png"
    assert img.get("srcset") == f"{OTHER}/zwgk/images/qr.png 1x, {OTHER}/zwgk/images/qr@2x.png 2x"
    sheet = next(link for link in root.iter("link") if link.get("data-eldermode") is None)
    assert sheet.get("href") == f"{OTHER}/zwgk/css/article.css"
    assert f"url({OTHER}/zwgk/images/banner.jpg)" in root.find(".//style").text


@pytest.mark.parametrize("mode", ["elder", "access"])
def test_everything_eldermode_adds_resolves_on_this_site_and_this_page(mode, services):
    root = rewritten(mode, services)
    added = ours(root)
    assert len(added) > 10
    page = "https://elder.example" + URL  # the proxy's own origin, whatever it is
    base = next((urljoin(page, b.get("href")) for b in root.iter("base") if b.get("href")), page)  # as browsers do
    for attribute, value in added:
        resolved = urlsplit(urljoin(base, value))
        assert resolved.netloc == "elder.example", (attribute, value)
        if value.startswith(("?", "#")):
            assert resolved.path == URL, (attribute, value)  # the mode links and the skip link stay on this page
    # none of them opens a new window as the base's target would have made them
    assert all(el.get("target") is None for el in root.iter("a") if el.get("data-eldermode") == "skiplink")
    assert not [a for a in root.iter("a") if a.get("target") and a.get("href", "").startswith(("?", "#", "/__"))]


def test_the_article_is_read_aloud_and_the_text_view_links_where_the_page_does(services):
    root = rewritten("elder", services)
    sentences = spoken_sentences(root)
    assert "个人缴费标准为每人每年350元。" in sentences
    script = root.find(".//script[@data-eldermode='speech']")
    assert (script.get("data-em-endpoint"), script.get("data-em-url")) == ("/__eldermode/speech/", URL)
    view = lxml.html.document_fromstring(text_view_page(PAGE, "text/html", URL))
    main = view.find(".//main")
    assert {a.text: a.get("href") for a in main.iter("a")} == {"缴费指南": PAGE_LINKS["缴费指南"]}
    assert view.find(".//nav/a").get("href") == URL + "?eldermode=access"  # 返回网页: this page, not the base's


def _site(pages: dict[str, bytes]):
    async def serve(request):
        return Response(pages[request.url.path], media_type="text/html; charset=utf-8")

    return Starlette(routes=[Route(path, serve) for path in pages])


def test_in_mode_off_the_entry_link_is_rooted_under_a_local_base_and_left_out_under_a_foreign_one(tmp_path):
    local = PAGE.replace(b'href="http://www.hbprov.gov.cn/zwgk/"', b'href="/zwgk/"')
    app = ElderModeMiddleware(_site({URL: PAGE, "/local.html": local}),
                              Settings(secret="base-test", cache_dir=str(tmp_path)))
    foreign = asgi_get(app, URL)
    assert foreign.status_code == 200 and foreign.content == PAGE  # no link could stay on this site
    assert foreign.headers.get("eldermode-fallback") is None
    rooted = lxml.html.document_fromstring(asgi_get(app, "/local.html?id=3").content)
    entry = rooted.find(".//div[@data-eldermode='entry']")
    assert [(a.get("href"), a.get("target")) for a in entry.iter("a")] == [
        ("/local.html?id=3&eldermode=elder", "_self"), ("/local.html?id=3&eldermode=access", "_self")]


@pytest.mark.browser
def test_in_chromium_eldermode_loads_and_speaks_from_this_site_only(serve_app, page, tmp_path):
    settings = Settings(secret="base-test", cache_dir=str(tmp_path), entry_link=False)
    origin = serve_app(ElderModeMiddleware(_site({URL: PAGE}), settings))
    requests: list[str] = []

    def route(r):
        requests.append(r.request.url)
        if r.request.url.startswith(origin):
            r.continue_()
        else:
            r.abort()  # the page's own images and styles at the other host: no network in tests

    page.route("**/*", route)
    page.goto(origin + URL + "?eldermode=elder")
    page.wait_for_load_state("load")
    own = [u for u in requests if "/__eldermode/" in u]
    assert any(u.startswith(origin + "/__eldermode/assets/elder.css") for u in own)
    assert [u for u in own if not u.startswith(origin)] == []  # nothing of eldermode asked of the other host
    assert page.evaluate("() => document.querySelector('a.em-skip').href") == origin + URL + "?eldermode=elder#em-main"
    assert page.evaluate("() => document.baseURI") == origin + URL + "?eldermode=elder"
    page.click('[data-eldermode="toolbar"] button[data-em-action="speak"]')
    page.wait_for_function("() => !!document.querySelector('.em-say-current')", timeout=20000)
    spoken = [u for u in requests if "/__eldermode/speech/seg/" in u]
    assert spoken and all(u.startswith(origin) for u in spoken)


def test_another_worker_learns_the_pages_override_sheet_with_the_base_applied_as_the_pipeline_did(tmp_path):
    # The override sheet's name is a digest of the page's stylesheets as the pipeline saw them (the base
    # applied: the <style>'s url() resolved). A worker that never rewrote the page reads it again to learn
    # them; it must apply the base too, or it finds other stylesheets and the sheet is never served.
    settings = Settings(secret="base-test", cache_dir=str(tmp_path))
    site = _site({URL: PAGE})
    page = lxml.html.document_fromstring(asgi_get(ElderModeMiddleware(site, settings), URL + "?eldermode=elder").content)
    href = page.find(".//link[@data-eldermode='overrides']").get("href")
    other_worker = ElderModeMiddleware(site, settings)
    sheet = asgi_get(other_worker, href)
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/css")
    assert "no analysis for this page" not in sheet.text  # (what a sheet of stylesheets not found says)


@pytest.mark.parametrize("mode", ["elder", "access"])
def test_a_path_base_resolves_above_the_root_as_a_browser_does(mode, services):
    # "../" past the origin's "/" stays at "/" in a browser; the links must keep their leading slash once
    # the base is gone, or they would resolve against the page's own folder.
    body = ('<html><head><title>通知</title><base href="../../zwgk/"></head><body>'
            '<p><a href="../../tzgg/list.html">通知公告</a><img src="../../images/a.png" alt="示意图"></p>'
            '<p>正文内容，关于开展年度检查工作的通知，请各单位按时报送材料。</p></body></html>').encode()
    root = rewritten(mode, services, body=body, url="/a/b/c.html")
    assert root.find(".//base") is None
    link = next(a for a in root.iter("a") if a.text_content().strip() == "通知公告")
    assert link.get("href") == "/tzgg/list.html"
    assert next(i for i in root.iter("img") if i.get("alt") == "示意图").get("src") == "/images/a.png"
