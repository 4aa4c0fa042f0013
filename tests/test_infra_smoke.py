"""Smoke tests of the shared test infrastructure (conftest.py, support.py) and of the demo site in examples/.

They prove the fixtures every other test relies on do what they say: the
seed pages load, serve_app runs a real server, run_process starts and stops a
real process, Chromium renders the Chinese seed page, and axe-core finds the
seed page's known accessibility faults.
"""

from __future__ import annotations

import re
import sys
import urllib.error
import urllib.request

import pytest

import support

REPORT_TITLE = "鄂城区2020年政府信息公开工作年报"


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read()


# ---------------------------------------------------------------- seed pages


def test_seed_pages_are_the_same_report_in_two_encodings(seed_html_bytes, seed_gbk_bytes):
    utf8_text = seed_html_bytes.decode("utf-8")
    gbk_text = seed_gbk_bytes.decode("gb18030")
    assert REPORT_TITLE in utf8_text
    assert 'charset=gb2312"' in gbk_text
    # Apart from the declared charset the two files carry the same page.
    assert gbk_text.replace("charset=gb2312", "charset=utf-8") == utf8_text
    with pytest.raises(UnicodeDecodeError):
        seed_gbk_bytes.decode("utf-8")


# ---------------------------------------------------------------- demo site through serve_app


SITE_PAGES = ["/", "/list.html", "/report-2020.html", "/report-2020-gbk.html"]


def test_demo_site_serves_pages_and_labels_gbk_as_gb2312(serve_app, seed_gbk_bytes):
    base = serve_app(support.load_example("site_app").build_site_app())
    status, headers, body = fetch(base + "/")
    assert status == 200
    assert headers["content-type"].startswith("text/html")
    home = body.decode("utf-8")
    assert "更多&gt;&gt;" in home and 'id="floatAd"' in home and 'type="image"' in home

    status, headers, body = fetch(base + "/report-2020-gbk.html")
    assert status == 200
    assert headers["content-type"] == "text/html; charset=gb2312"
    # The demo copy differs from the seed only in the one off-site footer link, made local.
    assert body == seed_gbk_bytes.replace(b'href="http://bszs.conac.cn/"', b'href="/dzjg/"')

    status, headers, body = fetch(base + "/images/photo-50k.jpg")
    assert status == 200 and headers["content-type"] == "image/jpeg"
    assert body[:3] == b"\xff\xd8\xff" and 40_000 <= len(body) <= 52_000


def test_demo_site_dead_links_get_the_sites_own_404_page(serve_app):
    base = serve_app(support.load_example("site_app").build_site_app())
    status, headers, body = fetch(base + "/zwgk/")
    assert status == 404
    assert headers["content-type"].startswith("text/html")
    assert "您访问的页面不存在" in body.decode("utf-8")


def test_demo_site_references_only_local_files_that_exist(serve_app):
    base = serve_app(support.load_example("site_app").build_site_app())
    for page in SITE_PAGES:
        status, headers, body = fetch(base + page)
        assert status == 200, page
        charset = "gb18030" if "gb2312" in headers["content-type"] else "utf-8"
        html = body.decode(charset)
        references = re.findall(r'(?:src|href)="([^"]*)"', html) + re.findall(r"url\(([^)]*)\)", html)
        assert references, page
        for ref in references:
            assert not re.match(r"(?i)(https?:)?//", ref), f"{page} points off the machine: {ref}"
            if ref.startswith("/") and re.search(r"\.(css|js|png|jpe?g|gif)$", ref):
                assert fetch(base + ref)[0] == 200, f"{page} references a missing file {ref}"


# ---------------------------------------------------------------- servers and processes


def test_start_app_server_stops_listening_after_stop():
    handle = support.start_app_server(support.load_example("site_app").build_site_app())
    assert fetch(handle.base_url + "/list.html")[0] == 200
    handle.stop()
    assert not handle.thread.is_alive()
    assert support.url_answers(handle.base_url + "/list.html") is None


def test_run_process_waits_for_the_url_and_kills_the_process(run_process, free_port):
    port = free_port()
    running = run_process(
        [sys.executable, "-m", "uvicorn", "--factory", "--app-dir", str(support.EXAMPLES_DIR),
         "site_app:build_site_app", "--host", "127.0.0.1", "--port", str(port)],
        f"http://127.0.0.1:{port}/",
    )
    status, _, body = fetch(f"http://127.0.0.1:{port}/list.html")
    assert status == 200 and "政府信息公开年报" in body.decode("utf-8")
    running.stop()
    assert running.proc.poll() is not None
    assert support.url_answers(f"http://127.0.0.1:{port}/") is None


def test_run_process_reports_a_process_that_dies_with_its_output(run_process, free_port):
    with pytest.raises(RuntimeError, match="exited with 3") as failure:
        run_process([sys.executable, "-c", "import sys; print('cannot start: bad flag'); sys.exit(3)"],
                    f"http://127.0.0.1:{free_port()}/", timeout=10)
    assert "cannot start: bad flag" in str(failure.value)


def test_redis_url_is_a_private_working_redis(redis_url):
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(redis_url)
    with socket.create_connection((where.hostname, where.port), timeout=5) as conn:
        conn.sendall(b"*3\r\n$3\r\nSET\r\n$5\r\nsmoke\r\n$2\r\nok\r\n*2\r\n$3\r\nGET\r\n$5\r\nsmoke\r\n")
        reply = b""
        while not reply.endswith(b"ok\r\n"):
            chunk = conn.recv(1024)
            assert chunk, reply
            reply += chunk
    assert reply == b"+OK\r\n$2\r\nok\r\n"


# ---------------------------------------------------------------- browser and axe


def test_browser_decodes_the_utf8_and_gb2312_report_alike(demo_site_url, page, screenshots_dir):
    page.goto(demo_site_url + "/report-2020.html")
    assert page.title() == REPORT_TITLE + "-鄂城区人民政府"
    utf8_text = page.inner_text("#zoom")
    page.screenshot(path=str(screenshots_dir / "infra-report-2020.png"))
    page.goto(demo_site_url + "/report-2020-gbk.html")
    assert page.evaluate("document.characterSet").lower() in ("gbk", "gb2312", "gb18030")
    assert page.title() == REPORT_TITLE + "-鄂城区人民政府"
    assert page.inner_text("#zoom") == utf8_text
    assert "二、主动公开政府信息情况" in utf8_text


@pytest.mark.parametrize("page, width", [("desktop", 1280), ("mobile", 375)], indirect=["page"])
def test_page_fixture_takes_a_viewport(page, width, demo_site_url):
    page.goto(demo_site_url + "/")
    assert page.evaluate("window.innerWidth") == width


def test_axe_finds_critical_and_serious_faults_on_the_seed_page(demo_site_url, page, axe_available):
    page.goto(demo_site_url + "/report-2020.html")
    results = support.run_axe(page)
    grouped = support.violations_by_impact(results)
    critical = {v["id"] for v in grouped["critical"]}
    serious = {v["id"] for v in grouped["serious"]}
    # The logo, share and seal images have no alt; the search button is an <input type="image"> without alt.
    assert {"image-alt", "input-image-alt"} <= critical
    # <html> has no lang attribute.
    assert "html-has-lang" in serious
    assert support.violation_ids(results, ["critical"]) == critical


def test_run_axe_runs_only_the_rules_asked_for(demo_site_url, page, axe_available):
    page.goto(demo_site_url + "/report-2020.html")
    results = support.run_axe(page, rules=["html-has-lang", "document-title"])
    assert {v["id"] for v in results["violations"]} == {"html-has-lang"}
    assert {p["id"] for p in results["passes"]} == {"document-title"}


def test_run_axe_works_under_a_strict_csp(serve_app, page, axe_available):
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    async def strict(request):
        return HTMLResponse(
            '<!DOCTYPE html><html><head><title>t</title></head><body><img src="data:,"></body></html>',
            headers={"Content-Security-Policy": "default-src 'self'; img-src data:; script-src 'self'"},
        )

    base = serve_app(Starlette(routes=[Route("/", strict)]))
    page.goto(base + "/")
    # The page's CSP really is in force: an inline script does not run.
    with pytest.raises(Exception):
        page.add_script_tag(content="window.inlineRan = true")
    assert page.evaluate("window.inlineRan === undefined")
    results = support.run_axe(page, rules=["image-alt", "html-has-lang"])
    assert {v["id"] for v in results["violations"]} == {"image-alt", "html-has-lang"}


def test_asyncio_run_works_after_browser_tests():
    # Runs after the browser tests above (file order): their session-scoped Playwright
    # must not leave this test unable to start an event loop (conftest's loop hiding).
    import asyncio

    async def answer() -> int:
        await asyncio.sleep(0)
        return 42

    assert asyncio.run(answer()) == 42
