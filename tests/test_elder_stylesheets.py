"""The site-stylesheet service behind a real uvicorn: off-path analysis, override sheet, byte-for-byte site CSS."""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

import eldermode.middleware.stylesheets as stylesheets_module
from eldermode.middleware.rewrite import ElderModeMiddleware
from eldermode.middleware.settings import Settings

SITE_CSS = b".article .title{font-size:24px;color:#b5121b}\n.nav{background:#8e0c13;color:#fff}\n"
MODERN_CSS = (
    b"/* modern */\n:is(h1,h2) .x{color:#777}\n.card{& .t{font-size:12px}}\n"
    b"@supports (display:grid){.g{display:grid}}\n@container (min-width:400px){.c{font-size:clamp(12px,1vw + 10px,18px)}}\n"
    b".y{color:rgb(0 0 0 / 50%)}\n"
)
BROKEN_CSS = b"\xff\xfe{{{ .a{font-size:9px;;; }} @media {{ .b{ color: #"
HUGE_CSS = b".z{font-size:9px}\n" * 40000  # 680 KB, above the 512 KB limit
PAGE = (
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>t</title>'
    '<link rel="stylesheet" href="/css/site.css"><link rel="stylesheet" href="/css/modern.css">'
    '<link rel="stylesheet" href="/css/broken.css"><link rel="stylesheet" href="/css/huge.css">'
    "<style>.side{font-size:18px}</style></head><body><div class='article'><div class='title'>标题</div>"
    "<p>正文</p></div></body></html>"
)


def css_route(body: bytes, etag: str):
    async def handler(request):
        return Response(body, media_type="text/css", headers={"ETag": etag})

    return handler


def site_app() -> Starlette:
    async def page(request):
        return HTMLResponse(PAGE)

    return Starlette(routes=[
        Route("/page.html", page),
        Route("/css/site.css", css_route(SITE_CSS, '"s1"')),
        Route("/css/modern.css", css_route(MODERN_CSS, '"m1"')),
        Route("/css/broken.css", css_route(BROKEN_CSS, '"b1"')),
        Route("/css/huge.css", css_route(HUGE_CSS, '"h1"')),
    ])


@pytest.fixture
def elder_site(serve_app):
    middleware = ElderModeMiddleware(site_app(), Settings())
    base = serve_app(middleware)
    with httpx.Client(base_url=base, cookies={"eldermode": "elder"}, timeout=10) as client:
        yield middleware, client
    middleware.services.stylesheets.close()


def override_url(client: httpx.Client) -> str:
    page = client.get("/page.html")
    assert page.status_code == 200
    start = page.text.index('data-eldermode="overrides"')
    tag = page.text[page.text.rindex("<link", 0, start) : page.text.index(">", start)]
    return tag.split('href="')[1].split('"')[0]


def wait_complete(client: httpx.Client, url: str, timeout: float = 20.0) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while True:
        response = client.get(url)
        if response.headers["cache-control"] != "no-store" or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


def test_modern_site_css_reaches_the_browser_byte_for_byte(elder_site):
    _, client = elder_site
    override_url(client)
    for path, body in (("/css/modern.css", MODERN_CSS), ("/css/site.css", SITE_CSS), ("/css/broken.css", BROKEN_CSS)):
        response = client.get(path)
        assert response.content == body
        assert response.headers["content-type"].startswith("text/css")


def test_page_never_waits_for_analysis_and_overrides_follow(elder_site, monkeypatch):
    middleware, client = elder_site
    gate = threading.Event()
    real = stylesheets_module.analyse_stylesheet

    def slow_analysis(text, **kwargs):
        gate.wait(10)
        return real(text, **kwargs)

    monkeypatch.setattr(stylesheets_module, "analyse_stylesheet", slow_analysis)
    url = override_url(client)  # the page came back while its <style> analysis is blocked
    first = client.get(url)
    assert first.status_code == 200 and first.headers["cache-control"] == "no-store"
    assert ".title" not in first.text
    gate.set()
    done = wait_complete(client, url)
    assert done.headers["cache-control"].startswith("public")
    # The site's 24px title keeps its size above body text (24/14 rem), the <style> block's 18px too.
    assert 'html[data-em-mode="elder"] .article .title{font-size:1.71rem !important}' in done.text
    assert 'html[data-em-mode="elder"] .side{font-size:1.29rem !important}' in done.text
    # The site's CSS itself is never in the override sheet.
    assert "clamp(" not in done.text and ":is(" not in done.text


def test_broken_and_huge_sheets_are_skipped_and_the_rest_still_applies(elder_site):
    middleware, client = elder_site
    url = override_url(client)
    done = wait_complete(client, url)
    assert done.headers["cache-control"].startswith("public")
    entries = middleware.services.stylesheets._entries
    assert entries["link:/css/huge.css"].analysis.reason == "too large"
    assert entries["link:/css/huge.css"].analysis.rules_read == 0
    assert entries["link:/css/broken.css"].analysis is not None
    assert ".article .title{font-size:1.71rem" in done.text


def test_each_sheet_is_analysed_once_per_validator(elder_site, monkeypatch):
    middleware, client = elder_site
    analysed: list[str] = []
    real = stylesheets_module.analyse_stylesheet

    def counting(text, **kwargs):
        analysed.append(text[:20])
        return real(text, **kwargs)

    monkeypatch.setattr(stylesheets_module, "analyse_stylesheet", counting)
    url = override_url(client)
    wait_complete(client, url)
    count = len(analysed)
    assert count == 4  # site, modern, broken and the <style> block (huge is refused by size)
    middleware.services.stylesheets.recheck_s = 0.0  # every request re-validates now
    for _ in range(3):
        client.get(url)
        middleware.services.stylesheets.wait_idle()
        time.sleep(0.1)
    assert len(analysed) == count  # same ETags: the analyses stand


def test_unknown_digest_gets_an_empty_uncached_sheet(elder_site):
    _, client = elder_site
    response = client.get("/__eldermode/overrides/0123456789abcdef0123.css")
    assert response.status_code == 200 and response.headers["cache-control"] == "no-store"
    assert "{" not in response.text


def test_a_worker_that_did_not_render_the_page_serves_its_override_sheet(serve_app):
    # Two middleware instances stand for two proxy workers: the page is rendered by one,
    # its override sheet is requested from the other (load balancing, or a restart).
    first, second = ElderModeMiddleware(site_app(), Settings()), ElderModeMiddleware(site_app(), Settings())
    try:
        with httpx.Client(base_url=serve_app(first), cookies={"eldermode": "elder"}, timeout=10) as a, \
                httpx.Client(base_url=serve_app(second), cookies={"eldermode": "elder"}, timeout=10) as b:
            url = override_url(a)
            assert "page=/page.html" in url
            done = wait_complete(b, url)
            assert done.headers["cache-control"].startswith("public")
            assert ".article .title{font-size:1.71rem" in done.text
            # A digest the page does not produce is not registered from it.
            forged = url.replace(url.split("/overrides/")[1].split(".css")[0], "0" * 20)
            assert "no analysis" in b.get(forged).text
    finally:
        first.services.stylesheets.close()
        second.services.stylesheets.close()
