"""The annotated seed page in headless Chromium: axe's table rules and Chromium's own accessibility tree.

Expected header counts, by hand from the report:
- 二、主动公开: split into 5 tables, one per section (the section is each part's caption), with header
  rows of 4, 4, 4, 3, 3 cells = 18 column headers; 9 row headers.
- 三、收到和处理: the note + 申请人情况, 自然人, 法人或其他组织, 总计 + 5 kinds = 10 column headers;
  4 + 7 + 16 = 27 row headers.
- 四、行政复议、行政诉讼: 2 + 7 + 10 = 19 column headers.
Data cells: 25 + 161 + 15 = 201.
"""

from __future__ import annotations

from collections import Counter

import pytest
import support

from eldermode.middleware import ElderModeMiddleware, Settings

pytestmark = pytest.mark.browser

TABLE_RULES = ["td-headers-attr", "th-has-data-cells", "td-has-header", "scope-attr-valid", "empty-table-header",
               "table-duplicate-name"]


def site(body: bytes):
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8")]})
        await send({"type": "http.response.body", "body": body})

    return app


@pytest.fixture(scope="module")
def base_url(serve_app_session, seed_html_bytes):
    return serve_app_session(ElderModeMiddleware(site(seed_html_bytes), settings=Settings()))


def ax_roles(page) -> Counter:
    cdp = page.context.new_cdp_session(page)
    nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    return Counter(n["role"]["value"] for n in nodes if not n.get("ignored") and n.get("role"))


def ax_role_of(page, selector: str) -> str:
    cdp = page.context.new_cdp_session(page)
    root = cdp.send("DOM.getDocument", {"depth": 0})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    (ax,) = cdp.send("Accessibility.getPartialAXTree", {"nodeId": node, "fetchRelatives": False})["nodes"][:1]
    return "ignored" if ax.get("ignored") else ax["role"]["value"]


def test_original_page_fails_td_has_header(page, base_url):
    page.goto(base_url + "/report.html?eldermode=off")
    results = support.run_axe(page, rules=TABLE_RULES)
    assert support.violation_ids(results) == {"td-has-header"}
    roles = ax_roles(page)
    assert roles["columnheader"] == 0 and roles["rowheader"] == 0
    assert roles["LayoutTable"] == 1  # Chromium already calls the footer a layout table


@pytest.mark.parametrize("mode", ["access", "elder"])
def test_annotated_seed_passes_axe_table_rules(page, base_url, mode):
    page.goto(f"{base_url}/report.html?eldermode={mode}")
    results = support.run_axe(page, rules=TABLE_RULES)
    assert results["violations"] == []
    assert results["incomplete"] == []
    passed = {r["id"] for r in results["passes"]}
    assert passed == set(TABLE_RULES)


def test_chromium_sees_the_expected_headers(page, base_url):
    page.goto(base_url + "/report.html?eldermode=access")
    roles = ax_roles(page)
    assert roles["table"] == 5 + 1 + 1
    assert roles["columnheader"] == 18 + 10 + 19
    assert roles["rowheader"] == 9 + 27
    assert roles["cell"] == 201
    # role=presentation: Chromium drops the footer's table semantics entirely (an ignored node, not even
    # LayoutTable as in the original page), and so does every browser, where Firefox only guessed "layout".
    assert ax_role_of(page, "table[role=presentation]") == "ignored"
    assert roles["LayoutTableCell"] == 0


def test_linear_view_opens_without_javascript(new_page, base_url):
    page = new_page(java_script_enabled=False)
    page.goto(base_url + "/report.html?eldermode=access")
    details = page.locator("details[data-eldermode=table-reading]")
    assert details.count() == 3
    second = details.nth(1)
    assert not second.locator("li").first.is_visible()
    second.locator("summary").click()
    item = second.locator("li", has_text="1.属于国家秘密 | 申请人情况 › 法人或其他组织 › 商业企业: 0")
    assert item.is_visible()
    caption = page.locator("caption").first
    assert caption.text_content() == "二、主动公开政府信息情况：第二十条第（一）项"
    hidden = caption.locator(".em-table-title")  # the title part is for screen readers only
    assert hidden.text_content() == "二、主动公开政府信息情况：" and hidden.bounding_box()["width"] <= 1
