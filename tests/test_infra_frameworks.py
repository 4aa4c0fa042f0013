"""eldermode inside the Python frameworks sites are built with, each served by a real uvicorn.

Django's ASGI handler sends its header names as written (``Content-Type``); a gate that looked
for lower-case names only let such pages through unrewritten, silently. The Django project in
examples/django_site runs as its own uvicorn process here, and a plain Starlette app and a raw
ASGI app with mixed-case names run beside it (FastAPI: tests/test_infra_examples.py).
"""

from __future__ import annotations

import sys

import httpx
import pytest

import support

from eldermode.middleware import ElderModeMiddleware, Settings

REPORT_TITLE = "鄂城区2020年政府信息公开工作年报"
DJANGO_DIR = support.EXAMPLES_DIR / "django_site"


def check_modes_and_endpoints(base: str) -> None:
    """The checks every integration must pass: elder and access mode, the cookie, and the endpoints."""
    with httpx.Client(timeout=30) as client:
        r = client.get(base + "/report-2020.html?eldermode=elder")
        assert r.status_code == 200 and r.headers["content-type"] == "text/html; charset=utf-8"
        assert 'data-em-mode="elder"' in r.text and REPORT_TITLE in r.text
        assert "eldermode=elder" in r.headers["set-cookie"]
        assert "cookie" in r.headers["vary"].lower() and r.headers["cache-control"].startswith("private")
        plain = client.get(base + "/report-2020.html", headers={"Accept-Encoding": "identity"})
        assert int(plain.headers["content-length"]) == len(plain.content)
        # the cookie keeps the mode on the next page
        assert 'data-em-mode="elder"' in client.get(base + "/list.html").text

        r = client.get(base + "/report-2020-gbk.html?eldermode=access")
        assert r.status_code == 200 and 'data-em-mode="access"' in r.text
        assert REPORT_TITLE in r.text and "\ufffd" not in r.text  # GBK (labelled gb2312) decoded
        assert "跳到主要内容" in r.text and ('role="main"' in r.text or "<main" in r.text)

        r = client.get(base + "/list.html?eldermode=off")
        assert 'data-eldermode="entry"' in r.text and "data-em-mode" not in r.text

        r = client.get(base + "/css/style.css?eldermode=elder")  # not a page: byte for byte
        assert r.content == (support.SITE_DIR / "css" / "style.css").read_bytes()

        assert client.get(base + "/__eldermode/health").json() == {"status": "ok"}
        ready = client.get(base + "/__eldermode/ready")
        assert ready.status_code == 200 and ready.json()["status"] == "ready"
        assert client.get(base + "/__eldermode/assets/elder.css").status_code == 200
        tables = client.get(base + "/__eldermode/tables?url=/report-2020.html").json()
        assert tables["url"] == "/report-2020.html" and len(tables["tables"]) == 3
        text = client.get(base + "/__eldermode/text?url=/report-2020.html")
        assert text.status_code == 200 and REPORT_TITLE in text.text
        assert client.get(base + "/__eldermode/help").status_code == 200
        assert client.get(base + "/__eldermode/speech/status").json()["available"] in (True, False)


def test_django_project_under_uvicorn(run_process, free_port, tmp_path):
    pytest.importorskip("django")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    run_process(
        [sys.executable, "-m", "uvicorn", "govsite.asgi:application", "--host", "127.0.0.1", "--port", str(port)],
        base + "/__eldermode/health", cwd=DJANGO_DIR, env={"ELDERMODE_CACHE_DIR": str(tmp_path)}, timeout=30,
    )
    check_modes_and_endpoints(base)
    # a page Django renders itself, and Django's own 404 for a missing file
    r = httpx.get(base + "/notice?eldermode=elder", timeout=30)
    assert r.status_code == 200 and 'data-em-mode="elder"' in r.text
    assert httpx.get(base + "/nothing-here.html", timeout=30).status_code == 404


def test_plain_starlette_app_under_uvicorn(serve_app, tmp_path):
    site = support.load_example("site_app").build_site_app()
    base = serve_app(ElderModeMiddleware(site, settings=Settings(cache_dir=str(tmp_path))))
    check_modes_and_endpoints(base)


PAGE = "<!DOCTYPE html><html><head><title>通知</title></head><body><p>办事指南</p></body></html>".encode()


async def mixed_case_app(scope, receive, send):
    """A raw ASGI app that writes header names as Django does, and reads the request's as the server sent them."""
    assert scope["type"] == "http"
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"Content-Type", b"text/html; charset=utf-8"), (b"Content-Length", str(len(PAGE)).encode()),
        (b"Cache-Control", b"public, max-age=60"), (b"ETag", b'"v1"'), (b"Vary", b"Accept-Encoding"),
    ]})
    await send({"type": "http.response.body", "body": PAGE})


@pytest.mark.anyio
async def test_mixed_case_header_names_in_both_directions(tmp_path):
    """Response names from the app and request names from the server, in any case, are read the same."""
    app = ElderModeMiddleware(mixed_case_app, settings=Settings(cache_dir=str(tmp_path)))
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": "/n.html", "raw_path": b"/n.html", "query_string": b"",
             "headers": [(b"Host", b"example"), (b"Cookie", b"eldermode=elder")], "scheme": "http",
             "http_version": "1.1", "root_path": "", "client": ("127.0.0.1", 5), "server": ("127.0.0.1", 80)}
    await app(scope, receive, send)
    headers = {}
    for name, value in sent[0]["headers"]:
        headers.setdefault(name.decode().lower(), []).append(value.decode())
    body = b"".join(m.get("body", b"") for m in sent[1:]).decode()
    assert 'data-em-mode="elder"' in body  # the cookie, sent as "Cookie", chose elder mode
    assert headers["content-length"] == [str(len(body.encode()))]  # one Content-Length, the new one
    assert headers["cache-control"] == ["private, max-age=60"]  # public removed, not a second header added
    assert headers["vary"] == ["Accept-Encoding, Sec-Fetch-Dest, Cookie"]  # framed copies differ (no toolbar)
    assert len(headers["etag"]) == 1 and headers["etag"][0].startswith('W/"v1-em')


@pytest.fixture
def anyio_backend():
    return "asyncio"
