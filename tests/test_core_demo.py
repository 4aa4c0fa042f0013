"""`eldermode demo` as a real process: every demo page in every mode, the cookie across pages, a browser switching mode."""

from __future__ import annotations

import re
import time
from pathlib import Path

import httpx
import pytest
import support

SITE = Path(__file__).resolve().parents[1] / "examples" / "site"
PAGES = ["/", "/list.html", "/report-2020.html", "/report-2020-gbk.html"]


@pytest.fixture
def demo(run_process):
    port, site_port = support.free_ports(2)
    base = f"http://127.0.0.1:{port}"
    proc = run_process(["eldermode", "demo", "--port", str(port), "--site-port", str(site_port)],
                       ready_url=base + "/__eldermode/health")
    deadline = time.monotonic() + 10
    while "Ctrl+C" not in proc.output() and time.monotonic() < deadline:
        time.sleep(0.05)
    return base, proc


def test_a_busy_port_stops_the_demo_with_a_message():
    import socket
    import subprocess
    import sys

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        site_port = support.free_port()
        result = subprocess.run([str(Path(sys.executable).with_name("eldermode")), "demo", "--port", str(port),
                                 "--site-port", str(site_port)], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_demo_prints_the_urls_to_open(demo):
    base, proc = demo
    out = proc.output()
    assert f"{base}/report-2020.html?eldermode=elder" in out
    assert f"{base}/report-2020.html?eldermode=access" in out


@pytest.mark.parametrize("mode", ["elder", "access"])
def test_every_demo_page_in_each_mode(demo, mode):
    base, _ = demo
    for path in PAGES:
        r = httpx.get(f"{base}{path}?eldermode={mode}", timeout=20)
        assert r.status_code == 200, path
        assert r.headers["content-type"] == "text/html; charset=utf-8", path
        assert f'data-em-mode="{mode}"' in r.text, path
        assert 'lang="zh-CN"' in r.text, path


def test_off_mode_is_the_original_file_plus_the_entry_link(demo):
    base, _ = demo
    for path, name in (("/report-2020.html", "report-2020.html"), ("/report-2020-gbk.html", "report-2020-gbk.html")):
        body = httpx.get(f"{base}{path}?eldermode=off", timeout=20).content
        original = (SITE / name).read_bytes()
        without_entry = re.sub(rb'<div data-eldermode="entry".*?</div>', b"", body, count=1, flags=re.S)
        assert without_entry == original, path
        assert body != original


def test_cookie_keeps_the_mode_across_pages(demo):
    base, _ = demo
    with httpx.Client(timeout=20) as client:
        client.get(base + "/?eldermode=elder")
        for path in PAGES[1:]:
            assert 'data-em-mode="elder"' in client.get(base + path).text, path
        client.get(base + "/list.html?eldermode=off")
        assert "data-em-mode" not in client.get(base + "/report-2020.html").text


def test_gbk_report_comes_out_as_the_same_utf8_chinese(demo):
    base, _ = demo
    utf8 = httpx.get(base + "/report-2020.html?eldermode=access", timeout=20).text
    gbk = httpx.get(base + "/report-2020-gbk.html?eldermode=access", timeout=20).text
    assert "鄂城区2020年政府信息公开工作年报" in gbk
    assert "\ufffd" not in gbk
    title = re.search(r"<title>(.*?)</title>", gbk).group(1)
    assert title == re.search(r"<title>(.*?)</title>", utf8).group(1)


def test_a_visitor_switches_mode_with_the_entry_link_javascript_off(demo, browser):
    base, _ = demo
    context = browser.new_context(java_script_enabled=False, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(base + "/report-2020.html")
        assert page.locator("html").get_attribute("data-em-mode") is None
        page.get_by_role("link", name="长者模式").first.click()
        page.wait_for_load_state()
        assert page.locator("html").get_attribute("data-em-mode") == "elder"
        page.goto(base + "/list.html")
        assert page.locator("html").get_attribute("data-em-mode") == "elder"
    finally:
        context.close()
