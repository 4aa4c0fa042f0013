"""The examples work as documented: the FastAPI app with eldermode as middleware, served by a real uvicorn."""

from __future__ import annotations

import json
import re
import urllib.request

import support


# The mode switch the issue asks for on every rewritten page: plain links, 原版 (the original) among them.
SWITCH_TO_ORIGINAL = re.compile(r'<a [^>]*href="[^"]*eldermode=off[^"]*"[^>]*>原版</a>')


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_fastapi_example_rewrites_its_page_and_passes_json_through(serve_app):
    example = support.load_example("fastapi_app")
    base = serve_app(example.build_app())

    status, headers, body = get(base + "/api/notices")
    assert status == 200 and headers["content-type"] == "application/json"
    assert json.loads(body) == example.NOTICES
    assert b"eldermode" not in body and int(headers["content-length"]) == len(body)

    status, headers, body = get(base + "/notice?eldermode=elder")
    page = body.decode("utf-8")
    assert status == 200 and "关于2021年元旦放假期间政务服务大厅值班安排的通知" in page
    assert SWITCH_TO_ORIGINAL.search(page) and "/__eldermode/assets/" in page
    assert "eldermode=elder" in headers.get("set-cookie", "")

    status, headers, body = get(base + "/notice?eldermode=off")
    assert 'data-eldermode="entry"' in body.decode("utf-8")
    assert "/__eldermode/assets/" not in body.decode("utf-8")

    status, headers, body = get(base + "/images/search.gif")
    assert status == 200 and body == (support.SITE_DIR / "images" / "search.gif").read_bytes()


def test_proxy_toml_example_runs_the_proxy_in_front_of_the_demo_site(serve_app, run_process, free_port):
    site = serve_app(support.load_example("site_app").build_site_app())
    port = free_port()
    proxy = f"http://127.0.0.1:{port}"
    # The file's upstream/listen/workers are overridden by flags (flags win), the rest comes from the file.
    run_process(
        ["eldermode", "--config", str(support.EXAMPLES_DIR / "proxy.toml"), "proxy",
         "--upstream", site, "--listen", f"127.0.0.1:{port}", "--workers", "1"],
        proxy + "/list.html",
    )
    status, headers, body = get(proxy + "/report-2020-gbk.html?eldermode=elder")
    page = body.decode("utf-8")
    assert status == 200 and headers["content-type"].lower().replace(" ", "") == "text/html;charset=utf-8"
    assert "鄂城区2020年政府信息公开工作年报" in page and SWITCH_TO_ORIGINAL.search(page)
    # default_mode = "off" and entry_link = true: a first visit gets the original page plus the entry link.
    status, headers, body = get(proxy + "/list.html")
    assert 'data-eldermode="entry"' in body.decode("utf-8")
