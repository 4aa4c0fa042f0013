"""Regression tests for what a security review of the core found: each one failed before its fix.

In-process (httpx's ASGI transport); the proxy's own cases are in test_core_proxy.py.
"""

from __future__ import annotations

import asyncio
import threading

import httpx
from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Route

from eldermode.middleware import ElderModeMiddleware, Settings
from eldermode.middleware.modes import choose_profile

PAGE = ("<!DOCTYPE html><html lang='zh-CN'><head><title>年报</title></head><body><h1>年报</h1><p>正文</p>"
        "<a href='next.html'>下一篇</a></body></html>")


def app_serving(html: str, **settings) -> ElderModeMiddleware:
    async def anything(request):  # a CMS or static server that answers for odd paths too
        return HTMLResponse(html)

    return ElderModeMiddleware(Starlette(routes=[Route("/{path:path}", anything)]), settings=Settings(**settings))


def get(app, url: str, **kwargs) -> httpx.Response:
    async def run():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://gov.example") as c:
            return await c.get(url, **kwargs)

    return asyncio.run(run())


def cookie_scope(cookie: bytes) -> dict:
    return {"type": "http", "path": "/", "query_string": b"", "headers": [(b"cookie", cookie)]}


# ---------------------------------------------------------------- the mode cookie


def test_a_huge_backslash_cookie_is_read_in_linear_time():
    # http.cookies.SimpleCookie is quadratic here (CVE-2024-7592) and runs on the event loop.
    cookie = b'a="' + b"\\\\" * 20000 + b'"; eldermode=elder'
    done = threading.Event()
    result = {}

    def read():
        result["mode"] = choose_profile(cookie_scope(cookie), Settings()).profile.mode
        done.set()

    threading.Thread(target=read, daemon=True).start()
    assert done.wait(5.0), "a 40 KB Cookie header blocked the worker"
    assert result["mode"] == "elder"


def test_the_mode_cookie_is_found_after_site_cookies_of_any_shape():
    for site_cookie in ("username=张三".encode("utf-8"), b'prefs={"font":1}', b"last=2020-01-01 10:00", b"flag"):
        assert choose_profile(cookie_scope(site_cookie + b"; eldermode=elder"), Settings()).profile.mode == "elder"


# ---------------------------------------------------------------- the entry link in mode off


def entry_position(html: str) -> tuple[str, int]:
    text = get(app_serving(html), "/p.html").text
    return text, text.index('data-eldermode="entry"')


def test_entry_link_is_not_spliced_into_a_script_string():
    text, at = entry_position('<html><head><script>var w = "<body>";</script></head><body><p>x</p></body></html>')
    assert at > text.index("</script>")


def test_entry_link_is_not_hidden_in_a_comment():
    text, at = entry_position("<html><head><!-- old: <body bgcolor=white> --></head><body><p>x</p></body></html>")
    assert at > text.index("--></head>")


def test_entry_link_does_not_cut_a_body_attribute():
    text, _ = entry_position('<html><head></head><body onload="if (a > 0) start()"><p>x</p></body></html>')
    assert 'onload="if (a > 0) start()">' in text


# ---------------------------------------------------------------- links that must stay on this site


def test_toolbar_and_mode_links_stay_on_this_site_for_odd_paths():
    # nginx, Apache and Starlette's StaticFiles answer GET /%5Cevil.example/..%2Fp.html with /p.html;
    # browsers read "\\" as "/", so a link written from the decoded path would leave the site.
    for path in ("/%5Cevil.example/..%2Fp.html", "//evil.example/p.html"):
        text = get(app_serving(PAGE), path + "?eldermode=elder").text
        assert 'href="/\\' not in text and 'href="//' not in text and 'action="/\\' not in text, path


def test_text_view_refuses_paths_that_could_leave_the_site():
    app = app_serving(PAGE)
    for url in ("/\\evil.example/../index.html", "/a/../../x.html", "/a\x00b.html", "//evil.example/x"):
        r = get(app, "/__eldermode/text", params={"url": url})
        assert r.status_code == 400, url
        assert "evil" not in r.text
    assert get(app, "/__eldermode/text", params={"url": "/report.html"}).status_code == 200


def test_endpoints_read_a_page_the_site_sends_compressed():
    import gzip

    from starlette.responses import Response

    table = "<table><tr><th>项目</th><th>数量</th></tr><tr><td>申请</td><td>12</td></tr></table>"

    async def page(request):
        return Response(gzip.compress(PAGE.replace("</h1>", "</h1>" + table).encode()),
                        media_type="text/html; charset=utf-8", headers={"Content-Encoding": "gzip"})

    app = ElderModeMiddleware(Starlette(routes=[Route("/p.html", page)]), settings=Settings())
    text = get(app, "/__eldermode/text", params={"url": "/p.html"})
    assert text.status_code == 200 and "<li>申请 | 数量: 12</li>" in text.text
    tables = get(app, "/__eldermode/tables", params={"url": "/p.html"})
    assert tables.status_code == 200 and tables.json()["tables"]
