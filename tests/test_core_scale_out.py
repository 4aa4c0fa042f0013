"""Two real proxy instances sharing one real redis-server: each page version is rewritten once, not once per instance.

A real uvicorn upstream, two ``eldermode proxy`` processes with the same ``redis_url`` and
secret, and the session's private redis-server (tests/conftest.py). Instance A rewrites a
page; instance B answers the same page from the shared copy (``Eldermode-Cache: shared``),
and serves the override sheet A's analysis produced without analysing anything itself.
"""

from __future__ import annotations

import time

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

PAGE = ("<!DOCTYPE html><html lang=zh-CN><head><title>通知</title>"
        "<link rel=stylesheet href=/site.css></head><body><main><h1>关于开展年度报告工作的通知</h1>"
        "<p style=\"font-size:12px\">各单位：请于三月底前报送年度报告。</p></main></body></html>")
CSS = "body { font-size: 12px; } .news li { height: 22px; overflow: hidden; }"  # a fixed height gives way


def site(hits: list) -> Starlette:
    async def page(request):
        hits.append(request.url.path)
        return Response(PAGE, media_type="text/html; charset=utf-8", headers={"ETag": '"v1"'})

    async def css(request):
        return Response(CSS, media_type="text/css", headers={"ETag": '"c1"'})

    return Starlette(routes=[Route("/notice.html", page), Route("/site.css", css)])


@pytest.fixture
def two_instances(serve_app, run_process, free_port, redis_url, tmp_path):
    hits: list = []
    upstream = serve_app(site(hits))
    bases = []
    for name in ("a", "b"):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        run_process(["eldermode", "proxy", "--upstream", upstream, "--listen", f"127.0.0.1:{port}"],
                    ready_url=base + "/__eldermode/health",
                    env={"ELDERMODE_REDIS_URL": redis_url, "ELDERMODE_SECRET": "shared secret",
                         "ELDERMODE_SPEECH_BACKEND": "none", "ELDERMODE_CACHE_DIR": str(tmp_path / name)})
        bases.append(base)
    return bases, hits


def test_a_page_rewritten_by_one_instance_is_served_by_the_other(two_instances):
    (a, b), _ = two_instances
    first = httpx.get(a + "/notice.html?eldermode=elder", timeout=20)
    assert first.status_code == 200 and first.headers["eldermode-cache"] == "miss"
    assert 'data-em-mode="elder"' in first.text
    second = httpx.get(b + "/notice.html?eldermode=elder", timeout=20)
    assert second.headers["eldermode-cache"] == "shared"
    assert second.content == first.content
    # B keeps its own copy now, and another profile is a different page version
    assert httpx.get(b + "/notice.html?eldermode=elder", timeout=20).headers["eldermode-cache"] == "hit"
    assert httpx.get(b + "/notice.html?eldermode=access", timeout=20).headers["eldermode-cache"] == "miss"


def test_an_override_sheet_analysed_by_one_instance_is_served_whole_by_the_other(two_instances):
    (a, b), _ = two_instances
    page = httpx.get(a + "/notice.html?eldermode=elder", timeout=20).text
    start = page.index("/__eldermode/overrides/")
    href = page[start:page.index('"', start)].replace("&amp;", "&")
    deadline = time.monotonic() + 30
    while True:  # A analyses in the background; its sheet is marked no-store until complete
        sheet = httpx.get(a + href, timeout=20)
        if sheet.headers["cache-control"] != "no-store" or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert sheet.headers["cache-control"].startswith("public")
    other = httpx.get(b + href, timeout=20)  # B's first answer: A's finished sheet, not an empty one
    assert other.headers["cache-control"].startswith("public")
    assert other.text == sheet.text and ".news li" in other.text  # the site rule it overrides
