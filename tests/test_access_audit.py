"""``eldermode audit``: the inventory before/after, the repairs listed, axe before/after in Chromium."""

from __future__ import annotations

import json
import subprocess
import sys

import lxml.html
import pytest

import support
from eldermode.transforms.audit import audit_page, format_audit, inventory


def test_inventory_counts_what_the_page_offers():
    root = lxml.html.document_fromstring(
        '<html lang="zh-CN"><head><title>标题</title></head><body><a href="#main">跳到正文</a>'
        '<header>站名</header><nav><a href="/a">甲</a></nav><main id="main"><h1>标题</h1><h2>一</h2>'
        '<img src="a.png"><img src="b.png" alt=""><a href="/x"><img src="c.png"></a>'
        '<a href="javascript:void(0)">打印</a><input name="q"><input placeholder="搜索">'
        '<iframe src="/m"></iframe></main></body></html>'
    )
    found = inventory(root)
    assert found["lang"] == "zh-CN" and found["title"] == "标题"
    assert found["landmarks"] == {"banner": 1, "main": 1, "navigation": 1}
    assert found["headings"] == {"h1": 1, "h2": 1}
    assert (found["images"], found["images_without_alt"]) == (3, 2)
    assert (found["links"], found["links_without_name"], found["script_links"]) == (4, 1, 1)
    assert (found["fields"], found["fields_without_name"]) == (2, 1)
    assert found["frames_without_title"] == 1
    assert found["skip_link"] is True


def test_audit_of_the_seed_page_says_what_changed(seed_gbk_bytes):
    result = audit_page(seed_gbk_bytes, "text/html; charset=gb2312", "/report.html")
    assert result.encoding == "gb18030"
    had, after = result.had, result.after
    assert had["landmarks"] == {} and had["headings"] == {} and had["lang"] == ""
    assert after["landmarks"]["main"] == 1 and after["landmarks"]["navigation"] == 2
    assert after["headings"] == {"h1": 1, "h2": 6, "h3": 7}
    assert (had["images_without_alt"], after["images_without_alt"]) == (5, 0)
    assert (had["links_without_name"], after["links_without_name"]) == (4, 0)
    assert after["skip_link"] and not had["skip_link"]
    actions = {(d["transform"], d["action"]) for d in result.did}
    assert ("landmarks", "added main") in actions and ("headings", "inferred level-2 heading") in actions
    text = format_audit(result)
    assert "landmarks" in text and "not a statement of conformance" in text
    assert "axe-core: not run" in text


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "eldermode.middleware.cli", *args], capture_output=True,
                          text=True, timeout=180, cwd=support.REPO_ROOT)


def test_cli_json_without_browser():
    done = run_cli("audit", str(support.seed_page_path()), "--json", "--no-browser")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["page"] == "/report-2020.html"
    assert data["summary"]["landmarks: added main"] == 1
    assert data["summary"]["headings: inferred level-2 heading"] == 6
    assert data["axe"] is None and data["left"] == []


def test_cli_refuses_what_is_not_a_page(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    done = run_cli("audit", str(empty), "--no-browser")
    assert done.returncode == 1 and "not an HTML page" in done.stderr
    done = run_cli("audit", str(tmp_path / "missing.html"), "--no-browser")
    assert done.returncode == 1 and "cannot read" in done.stderr


@pytest.mark.browser
def test_cli_axe_before_and_after(axe_available):
    done = run_cli("audit", str(support.seed_page_path()), "--json")
    assert done.returncode == 0, done.stderr
    axe = json.loads(done.stdout)["axe"]
    assert "error" not in axe, axe
    before, after = axe["before"]["counts"], axe["after"]["counts"]
    assert before.get("critical", 0) > 0 and before.get("serious", 0) > 0
    assert after.get("critical", 0) == 0 and after.get("serious", 0) == 0
    assert {"image-alt", "link-name", "landmark-one-main"} <= set(axe["before"]["rules"])
    assert not {"image-alt", "link-name", "landmark-one-main"} & set(axe["after"]["rules"])
