"""无障碍 mode in a real browser: Debian's Chromium, axe-core, the keyboard.

The seed report (UTF-8 and GBK) goes through the real middleware on a real
uvicorn server, in access mode. axe-core's critical and serious findings must
be gone; the structure a screen reader navigates by must be there.
"""

from __future__ import annotations


import pytest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

import support
from eldermode.middleware import ElderModeMiddleware, Settings

pytestmark = pytest.mark.browser

REPORT_TITLE = "鄂城区2020年政府信息公开工作年报"
# Rules whose critical/serious findings the access mode may leave, with the reason. Empty: on the seed page
# nothing the page lacks stops the repair (contrast is repaired by access.js in the browser).
ALLOWED_SERIOUS: dict[str, str] = {}
SITE_PAGES = sorted(p.name for p in support.SITE_DIR.glob("*.html"))


def seed_app(utf8: bytes, gbk: bytes) -> Starlette:
    async def report(request):
        return Response(utf8, media_type="text/html; charset=utf-8")

    async def report_gbk(request):
        # What GBK CMSs send: GBK bytes labelled gb2312.
        return Response(gbk, headers={"content-type": "text/html; charset=gb2312"})

    return Starlette(routes=[Route("/report.html", report), Route("/report-gbk.html", report_gbk)])


@pytest.fixture(scope="module")
def access_base(serve_app_session, seed_html_bytes, seed_gbk_bytes) -> str:
    app = ElderModeMiddleware(seed_app(seed_html_bytes, seed_gbk_bytes), settings=Settings(speech=False))
    return serve_app_session(app)


@pytest.fixture(scope="module")
def demo_bases(serve_app_session) -> tuple[str, str]:
    """(plain demo site, demo site behind the middleware)."""
    site = support.load_example("site_app").build_site_app()
    return serve_app_session(site), serve_app_session(ElderModeMiddleware(site, settings=Settings(speech=False)))


def serious(results: dict) -> dict[str, list[str]]:
    grouped = support.violations_by_impact(results)
    return {v["id"]: [", ".join(n["target"]) for n in v["nodes"]] for v in grouped["critical"] + grouped["serious"]}


@pytest.mark.parametrize("path", ["/report.html", "/report-gbk.html"])
def test_seed_page_in_access_mode(page, access_base, axe_available, path):
    page.goto(access_base + path + "?eldermode=access", wait_until="load")
    results = support.run_axe(page)
    left = {rule: nodes for rule, nodes in serious(results).items() if rule not in ALLOWED_SERIOUS}
    assert left == {}

    assert page.locator("main, [role=main]").count() == 1
    assert page.get_by_role("heading", level=1).all_inner_texts() == [REPORT_TITLE]
    h2 = page.get_by_role("heading", level=2).all_inner_texts()
    assert [t.strip()[:2] for t in h2] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    h3 = [t.strip() for t in page.get_by_role("heading", level=3).all_inner_texts()]
    assert [t[:3] for t in h3] == ["(一)", "(二)", "(三)", "(四)", "(五)", "(一)", "(二)"]
    assert page.get_by_role("navigation", name="主导航").count() == 1
    assert page.get_by_role("navigation", name="当前位置").count() == 1
    assert page.get_by_role("search").count() == 1

    # The logo link, the share button and the floating ad are named; every image has an alt.
    assert page.get_by_role("link", name="鄂城区人民政府", exact=True).count() == 1
    assert page.get_by_role("button", name="分享").count() == 1
    # The floating ad is removed in access mode, never promoted to a landmark.
    assert page.locator("#floatAd").count() == 0
    assert page.get_by_role("complementary").count() == 0
    assert page.locator("img:not([alt])").count() == 0
    # Every form field of the page has an accessible name.
    unnamed = page.evaluate("""() => [...document.querySelectorAll('input, select, textarea')]
        .filter(el => el.type !== 'hidden' && !el.closest('[data-eldermode]'))
        .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                      && !el.getAttribute('title') && !(el.type === 'image' && el.getAttribute('alt')))
        .map(el => el.outerHTML)""")
    assert unnamed == []


def test_seed_page_before_has_the_faults_access_mode_repairs(page, access_base, axe_available):
    """The same server in mode off: the original page's critical/serious faults (the baseline)."""
    page.goto(access_base + "/report.html?eldermode=off", wait_until="load")
    before = serious(support.run_axe(page))
    assert {"image-alt", "input-image-alt", "link-name", "html-has-lang", "color-contrast"} <= set(before)


def test_keyboard_skip_link_first_and_moves_focus_into_main(page, access_base):
    page.goto(access_base + "/report.html?eldermode=access", wait_until="load")
    page.keyboard.press("Tab")
    first = page.evaluate("() => [document.activeElement.tagName, document.activeElement.textContent,"
                          " document.activeElement.getBoundingClientRect().width]")
    assert first[:2] == ["A", "跳到主要内容"]
    assert first[2] > 10  # visible when focused
    page.keyboard.press("Enter")
    in_main = page.evaluate("() => !!document.activeElement.closest('main, [role=main]')")
    assert in_main
    # The next Tab continues inside main, not back at the top of the page.
    page.keyboard.press("Tab")
    assert page.evaluate("() => !!document.activeElement.closest('main, [role=main]')")


def test_pseudo_buttons_work_from_the_keyboard_and_focus_is_visible(page, access_base):
    page.goto(access_base + "/report.html?eldermode=access", wait_until="load")
    # A javascript: link that acts as a button answers Enter (natively) and Space (access.js), like a real button.
    # (The seed's 【字号 大 中 小】 links are hidden as duplicates of the toolbar; 打印 is a pseudo-button too.)
    printing = page.get_by_role("button", name="打印", exact=True)
    printing.evaluate("el => el.addEventListener('click', e => { e.preventDefault(); window.__pressed = true; })")
    printing.focus()
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Enter")
    page.wait_for_function("() => window.__pressed === true", timeout=5000)
    page.evaluate("() => { window.__pressed = false; }")
    page.keyboard.press("Space")
    page.wait_for_function("() => window.__pressed === true", timeout=5000)


def _rule_nodes(results: dict) -> dict[str, int]:
    return {v["id"]: len(v["nodes"]) for v in results["violations"]}


def axe_in_context(page, context: dict) -> dict:
    """axe.run on part of the page (``{"include": …}`` / ``{"exclude": …}``), axe injected as support does."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(support.AXE_PATH))
    return page.evaluate("(context) => axe.run(context)", context)


TOOLBAR = [['[data-eldermode="toolbar"]']]


@pytest.mark.parametrize("name", SITE_PAGES)
def test_never_worse_on_the_demo_site(page, demo_bases, axe_available, name):
    plain, through = demo_bases
    page.goto(f"{plain}/{name}", wait_until="load")
    before = _rule_nodes(support.run_axe(page))
    page.goto(f"{through}/{name}?eldermode=access", wait_until="load")
    # eldermode's own toolbar is judged by its own test below, not as a change to the page.
    results = axe_in_context(page, {"exclude": TOOLBAR})
    after = _rule_nodes(results)
    worse = {rule: (before.get(rule, 0), n) for rule, n in after.items() if n > before.get(rule, 0)}
    assert worse == {}
    assert sum(after.values()) < sum(before.values())
    assert serious(results) == {}  # and the demo pages keep no critical or serious finding


def test_the_toolbar_itself_adds_no_violation(page, demo_bases, axe_available):
    _, through = demo_bases
    page.goto(f"{through}/report-2020.html?eldermode=access", wait_until="load")
    assert _rule_nodes(axe_in_context(page, {"include": TOOLBAR})) == {}


@pytest.mark.parametrize("path", ["/report.html", "/report-gbk.html"])
def test_text_view_has_no_axe_findings_and_keeps_the_tables(page, access_base, axe_available, path):
    page.goto(f"{access_base}/__eldermode/text?url={path}", wait_until="load")
    results = support.run_axe(page)
    assert [v["id"] for v in results["violations"]] == []
    assert page.get_by_role("heading", level=1).all_inner_texts() == [REPORT_TITLE]
    assert page.get_by_role("table").count() == 3
    assert page.locator("details[open]").count() == 3  # each table's cell-by-cell reading, open
