"""Elder mode measured in Debian's Chromium: text sizes, reflow, contrast (axe), calm page, toolbar, CSP, site CSS.

The demo site (examples/site, the seed report in UTF-8 and GBK) runs behind ElderModeMiddleware
in a real uvicorn; a few extra routes add a strict-CSP copy of the seed and a page with a
modern stylesheet. Screenshots (before/after, 1280 and 375 px) go to tests/artifacts/screenshots/.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route

import support
from eldermode.middleware.rewrite import ElderModeMiddleware
from eldermode.middleware.settings import Settings

pytestmark = pytest.mark.browser

LEVEL_PX = {"standard": 20, "large": 24, "xlarge": 30}
STRICT_CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'"
MODERN_CSS = (
    b"/* a modern site stylesheet: cssutils would drop or garble every rule here */\n"
    b":is(h1, h2).m-title { letter-spacing: 1px; }\n"
    b".m-card { & .m-inner { border: 1px solid #000; } }\n"
    b"@supports (display: grid) { .m-grid { display: grid; grid-template-columns: 1fr; } }\n"
    b"@container (min-width: 10px) { .m-c { font-size: clamp(12px, 1vw + 10px, 18px); } }\n"
    b".m-x { margin: max(1px, min(2px, 3px)); }\n"
)
MODERN_PAGE = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>现代样式</title>'
    '<link rel="stylesheet" href="/modern/modern.css"></head><body>'
    '<h1 class="m-title">标题</h1><div class="m-grid"><p class="m-c">正文小字</p></div></body></html>'
)

CAROUSEL_JS = (Path(__file__).parent / "fixtures" / "elder" / "carousel.js").read_bytes()
CAROUSEL_PAGE = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>轮播</title></head><body>'
    '<div class="swiper"><div class="swiper-wrapper"><div>一</div><div>二</div><div>三</div></div></div>'
    '<marquee>滚动通知：今日停水</marquee><script src="/carousel/carousel.js"></script></body></html>'
)

# Every rendered text node: its computed font size and whether it lies (partly) outside the viewport
# without a table scroll container around it.
TEXT_NODES_JS = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    if (!node.textContent.trim()) continue;
    const el = node.parentElement;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rect = range.getBoundingClientRect();
    if (rect.width < 2 || rect.height < 2) continue;  // not rendered, or visually hidden (1px clip)
    out.push({size: parseFloat(style.fontSize), text: node.textContent.trim().slice(0, 24), tag: el.tagName,
              toolbar: !!el.closest('[data-eldermode="toolbar"]')});
  }
  return out;
}"""

OVERFLOW_JS = """() => {
  const width = document.documentElement.clientWidth;
  const outside = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.em-table-scroll')) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width > 0 && rect.right > width + 1) outside.push(el.tagName + '.' + el.className);
  }
  return {scrollWidth: document.documentElement.scrollWidth, clientWidth: width, outside: outside.slice(0, 10),
          tableScrolls: [...document.querySelectorAll('.em-table-scroll')].map(c => c.scrollWidth > c.clientWidth)};
}"""


def demo_app() -> Starlette:
    site = support.load_example("site_app").build_site_app()
    seed = support.seed_page_path().read_bytes()

    async def csp_page(request):
        return Response(seed, media_type="text/html; charset=utf-8", headers={"Content-Security-Policy": STRICT_CSP})

    async def modern_page(request):
        return HTMLResponse(MODERN_PAGE)

    async def modern_css(request):
        return Response(MODERN_CSS, media_type="text/css")

    async def carousel_page(request):
        return HTMLResponse(CAROUSEL_PAGE)

    async def carousel_js(request):
        return Response(CAROUSEL_JS, media_type="application/javascript")

    return Starlette(routes=[
        Route("/csp/report-2020.html", csp_page),
        Route("/modern/page.html", modern_page),
        Route("/modern/modern.css", modern_css),
        Route("/carousel/page.html", carousel_page),
        Route("/carousel/carousel.js", carousel_js),
        Mount("/", app=site),
    ])


@pytest.fixture(scope="session")
def elder_base(serve_app_session) -> str:
    return serve_app_session(ElderModeMiddleware(demo_app(), Settings()))


def open_elder(page, url: str, timeout: float = 20.0) -> None:
    """Load ``url`` and, once the site's stylesheets are analysed, load it again (a returning visitor)."""
    page.goto(url)
    link = page.query_selector('link[data-eldermode="overrides"]')
    if link is not None:
        href = link.evaluate("el => el.href")  # absolute
        deadline = time.monotonic() + timeout
        while page.request.get(href).headers.get("cache-control") == "no-store" and time.monotonic() < deadline:
            time.sleep(0.1)
    page.goto(url)


def text_sizes(page) -> list[dict]:
    nodes = page.evaluate(TEXT_NODES_JS)
    assert len(nodes) > 100, "the page did not render its text"
    return nodes


# ---------------------------------------------------------------- text size


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
@pytest.mark.parametrize("level", ["standard", "xlarge"])
@pytest.mark.parametrize("seed", ["report-2020.html", "report-2020-gbk.html"])
def test_every_visible_text_reaches_the_level(new_page, elder_base, viewport, level, seed):
    page = new_page(viewport)
    open_elder(page, f"{elder_base}/{seed}?eldermode=elder&eldermode-text={level}")
    nodes = text_sizes(page)
    small = [n for n in nodes if n["size"] < LEVEL_PX[level] - 0.01 and not n["toolbar"]]
    assert not small, small[:10]
    # The toolbar's labels follow the level as far as its one row allows on a phone (at 特大 on a
    # 375 px screen about 22 px); never below 20 px, and on a desktop always the level.
    toolbar = [n["size"] for n in nodes if n["toolbar"]]
    assert toolbar and min(toolbar) >= (LEVEL_PX[level] if viewport == "desktop" else 20) - 0.01


def test_original_page_is_small_text(new_page, elder_base):
    # The same measurement on the original page finds the 12 px text the issue starts from.
    page = new_page("desktop")
    page.goto(f"{elder_base}/report-2020.html")
    assert min(n["size"] for n in text_sizes(page)) <= 12


def test_headings_stay_above_body_text(new_page, elder_base):
    page = new_page("desktop")
    open_elder(page, f"{elder_base}/report-2020.html?eldermode=elder&eldermode-text=large")
    sizes = page.evaluate("""() => ({
      title: parseFloat(getComputedStyle(document.querySelector('.article .title')).fontSize),
      section: parseFloat(getComputedStyle(document.querySelector('#zoom strong span')).fontSize),
      body: parseFloat(getComputedStyle(document.querySelector('#zoom p span')).fontSize),
      lineHeight: parseFloat(getComputedStyle(document.querySelector('#zoom p')).lineHeight),
      para: parseFloat(getComputedStyle(document.querySelector('#zoom p')).fontSize),
    })""")
    assert sizes["body"] == 24
    # 24px title and 12pt section headings over 10.5pt body text in the original keep that order.
    assert sizes["title"] > sizes["section"] > sizes["body"]
    assert sizes["lineHeight"] >= 1.5 * sizes["para"]
    # Paragraph pitch (last line of one to first line of the next) at least 1.5x the line pitch.
    gap = page.evaluate("""() => { const [a, b] = [...document.querySelectorAll('#zoom > p')].slice(2, 4);
        return b.getBoundingClientRect().top - a.getBoundingClientRect().bottom; }""")
    assert gap + sizes["lineHeight"] >= 1.5 * sizes["lineHeight"]


def test_site_stylesheet_served_separately_gets_overrides(new_page, elder_base):
    # examples/site/css/style.css sets `.nav li a{font-size:16px}` over a 14px body text size:
    # elder mode keeps that 16:14 ratio above the level once the sheet is analysed.
    page = new_page("desktop")
    open_elder(page, f"{elder_base}/report-2020.html?eldermode=elder")
    nav = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('.nav li a')).fontSize)")
    assert nav == pytest.approx(20 * 16 / 14, abs=0.1)


# ---------------------------------------------------------------- reflow and calm page


@pytest.mark.parametrize("level", ["standard", "xlarge"])
def test_no_sideways_scroll_at_375_except_in_table_containers(new_page, elder_base, level):
    page = new_page("mobile")
    open_elder(page, f"{elder_base}/report-2020.html?eldermode=elder&eldermode-text={level}")
    result = page.evaluate(OVERFLOW_JS)
    assert result["scrollWidth"] <= result["clientWidth"], result
    assert result["outside"] == [], result
    # On a phone the tables read as cards; the grid (behind 查看原表格) scrolls inside its own container.
    assert len(result["tableScrolls"]) == 3
    assert page.evaluate("() => [...document.querySelectorAll('.em-table-cards')].filter(c => c.checkVisibility()).length") == 3
    page.click("details.em-table-grid summary >> nth=2")
    assert page.evaluate("() => { const c = document.querySelectorAll('.em-table-scroll')[2]; return c.scrollWidth > c.clientWidth; }")
    assert page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_original_page_scrolls_sideways_at_375(new_page, elder_base):
    page = new_page("mobile")
    page.goto(f"{elder_base}/report-2020.html")
    result = page.evaluate(OVERFLOW_JS)
    assert result["scrollWidth"] > result["clientWidth"]


def test_floating_ad_gone_in_elder_and_access_mode(new_page, elder_base):
    # Issues 11 and 12: floating ads are removed in access mode too (no longer kept and only hidden
    # for reduced motion), so a screen reader never meets one and it never covers eldermode's controls.
    page = new_page("desktop")
    page.goto(f"{elder_base}/report-2020.html")
    assert page.query_selector("#floatAd") is not None  # the original has it
    page.goto(f"{elder_base}/report-2020.html?eldermode=elder")
    assert page.query_selector("#floatAd") is None
    calm = new_page("desktop", reduced_motion="reduce")
    calm.goto(f"{elder_base}/report-2020.html?eldermode=access")
    assert calm.query_selector("#floatAd") is None


def test_carousel_and_marquee_stand_still_in_elder_mode(new_page, elder_base):
    transform = "el => getComputedStyle(el).transform"
    page = new_page("desktop")
    page.goto(f"{elder_base}/carousel/page.html")
    page.wait_for_function("() => getComputedStyle(document.querySelector('.swiper-wrapper')).transform !== 'none'")
    page.goto(f"{elder_base}/carousel/page.html?eldermode=elder")
    seen = set()
    for _ in range(6):
        seen.add(page.eval_on_selector(".swiper-wrapper", transform))
        page.wait_for_timeout(60)
    assert seen == {"none"}
    assert page.query_selector("marquee") is None
    assert page.is_visible("text=滚动通知：今日停水")


# ---------------------------------------------------------------- contrast


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_default_colours_pass_axe_color_contrast(new_page, elder_base, axe_available, viewport):
    page = new_page(viewport)
    open_elder(page, f"{elder_base}/report-2020.html?eldermode=elder")
    results = support.run_axe(page, rules=["color-contrast"])
    assert results["violations"] == [], [n["target"] for v in results["violations"] for n in v["nodes"]][:10]
    assert results["passes"], "axe checked no text"


@pytest.mark.parametrize("scheme", ["high", "yellow"])
def test_high_contrast_schemes_reach_7_to_1(new_page, elder_base, axe_available, scheme):
    page = new_page("desktop")
    open_elder(page, f"{elder_base}/report-2020.html?eldermode=elder&eldermode-contrast={scheme}")
    results = support.run_axe(page, rules=["color-contrast-enhanced"])
    assert results["violations"] == [], [n["target"] for v in results["violations"] for n in v["nodes"]][:10]
    assert results["passes"]
    # Pictures are never recoloured: no filter anywhere on the way to an image.
    filters = page.evaluate("""() => [document.documentElement, document.body, ...document.images]
        .map(el => getComputedStyle(el).filter).filter(f => f !== 'none')""")
    assert filters == []


# ---------------------------------------------------------------- toolbar


def focus_control(page, label: str, limit: int = 40) -> None:
    for _ in range(limit):
        if page.evaluate("() => document.activeElement.textContent.trim()").lstrip("✓ ") == label:
            return
        page.keyboard.press("ArrowRight")
    raise AssertionError(f"arrow keys never reached {label!r}")


def open_settings(page) -> None:
    """Open the toolbar's 设置 panel (a <details>) unless it is open."""
    if not page.evaluate("() => document.querySelector('[data-eldermode=toolbar] details').open"):
        page.click('[data-eldermode="toolbar"] summary')


def announced(page, previous: str) -> str:
    page.wait_for_function(
        "(prev) => { const s = document.querySelector('[data-em-status]').textContent; return s && s !== prev; }",
        arg=previous,
        timeout=3000,
    )
    return page.eval_on_selector("[data-em-status]", "el => el.textContent")


def test_toolbar_is_keyboard_operable_and_announces_every_change(new_page, elder_base):
    page = new_page("desktop")
    page.goto(f"{elder_base}/report-2020.html?eldermode=elder")
    page.evaluate("() => { window.__stillHere = true; }")
    for _ in range(3):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('[role=toolbar]')"):
            break
    toolbar = page.evaluate("""() => { const t = document.activeElement.closest('[role=toolbar]');
        return t && {name: t.getAttribute('aria-label'), fixed: getComputedStyle(t.parentElement).position}; }""")
    assert toolbar == {"name": "辅助工具条", "fixed": "static"}

    focus_control(page, "设置")
    page.keyboard.press("Enter")  # the settings panel opens from the keyboard
    assert page.evaluate("() => document.querySelector('[data-eldermode=toolbar] details').open")
    focus_control(page, "大")
    page.keyboard.press("Space")
    message = announced(page, "")
    assert "大" in message and "字号" in message
    assert page.evaluate("() => document.documentElement.dataset.emText") == "large"
    pressed = page.evaluate("""() => [...document.querySelectorAll('button[data-em-choice=text][aria-pressed]')]
        .map(b => [b.textContent.replace('✓', '').trim(), b.getAttribute('aria-pressed')])""")
    assert pressed == [["标准", "false"], ["大", "true"], ["特大", "false"]]
    assert min(n["size"] for n in text_sizes(page)) >= 24  # applied at once, no reload
    assert page.evaluate("() => window.__stillHere") is True

    labels = page.evaluate("""() => [...document.querySelectorAll('[role=toolbar] button[data-em-choice]')]
        .map(b => b.textContent.trim())""")
    for label in labels:
        page.keyboard.press("Home")
        focus_control(page, label.lstrip("✓ "))
        page.keyboard.press("Enter")
        message = announced(page, message)
        assert message, label
    assert page.evaluate("() => window.__stillHere") is True

    # The choices persist: the next page comes from the server with them (cookie).
    state = page.evaluate("() => ({...document.documentElement.dataset})")
    page.goto(f"{elder_base}/list.html")
    after = page.evaluate("() => ({...document.documentElement.dataset})")
    for key in ("emText", "emContrast", "emSpacing", "emCursor", "emGuide"):
        assert after[key] == state[key], key


def test_single_keys_do_nothing_and_alt_shift_shortcuts_work(new_page, elder_base):
    page = new_page("desktop")
    page.goto(f"{elder_base}/report-2020.html?eldermode=elder")
    page.click("#zoom p")
    for key in ("=", "+", "-", "c", "t", "0"):
        page.keyboard.press(key)
    assert page.evaluate("() => document.documentElement.dataset.emText") == "standard"
    page.keyboard.press("Alt+Shift+Equal")
    assert page.evaluate("() => document.documentElement.dataset.emText") == "large"
    page.keyboard.press("Alt+Shift+KeyC")
    assert page.evaluate("() => document.documentElement.dataset.emContrast") == "high"
    page.keyboard.press("Alt+Shift+KeyT")
    assert page.evaluate("() => !!document.activeElement.closest('[role=toolbar]')")


def test_toolbar_works_without_javascript(new_page, elder_base):
    page = new_page("mobile", java_script_enabled=False)
    page.goto(f"{elder_base}/report-2020.html?eldermode=elder")
    page.click("button[data-em-step='1']")  # A+ in the row
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.documentElement.dataset.emText") == "large"
    open_settings(page)  # <details>: opens without JavaScript
    page.click(".em-tb-group button[data-em-choice=text][value=xlarge]")
    page.wait_for_load_state("load")
    assert page.evaluate("() => document.documentElement.dataset.emText") == "xlarge"
    assert page.get_attribute(".em-tb-group button[data-em-choice=text][value=xlarge]", "aria-pressed") == "true"
    assert min(n["size"] for n in text_sizes(page) if not n["toolbar"]) >= 30


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_toolbar_and_navigation_targets_are_44_px(new_page, elder_base, viewport):
    page = new_page(viewport)
    page.goto(f"{elder_base}/report-2020.html?eldermode=elder")
    small = page.evaluate("""() => [...document.querySelectorAll('[role=toolbar] :is(button, a), .nav a')]
        .filter(el => el.getClientRects().length)
        .map(el => [el.textContent.trim(), el.getBoundingClientRect()])
        .filter(([, r]) => r.width < 44 || r.height < 44).map(([t]) => t)""")
    assert small == []


@pytest.mark.parametrize("level", ["standard", "xlarge"])
def test_phone_toolbar_is_one_row_with_labelled_settings_behind_a_disclosure(new_page, elder_base, level):
    page = new_page("mobile", is_mobile=True, has_touch=True)
    page.goto(f"{elder_base}/report-2020.html?eldermode=elder&eldermode-text={level}")
    bar = page.eval_on_selector('[data-eldermode="toolbar"]', "el => el.getBoundingClientRect().height")
    assert bar <= 64
    row = page.evaluate("""() => [...document.querySelectorAll('.em-tb > :is(span, button), .em-tb summary')]
        .filter(el => el.getClientRects().length).map(el => [el.textContent.trim(), el.getBoundingClientRect().top])""")
    assert [label for label, _ in row] == ["长者模式", "A−", "A+", "朗读", "设置"]
    assert len({round(top / 10) for _, top in row[1:]}) == 1  # one row
    assert not page.is_visible("button[data-em-choice=contrast][value=high]")
    page.click('[data-eldermode="toolbar"] summary')
    assert page.is_visible("button[data-em-choice=contrast][value=high]")
    labels = page.eval_on_selector_all(".em-tb-label", "els => els.filter(e => e.getClientRects().length).map(e => e.textContent)")
    assert labels[:3] == ["浏览模式", "字号", "配色"] and "其他" in labels
    page.click("button[data-em-choice=contrast][value=high]")
    assert page.evaluate("() => document.documentElement.dataset.emContrast") == "high"
    # Every control of eldermode's own at least 60 px tall.
    short = page.evaluate("""() => [...document.querySelectorAll('[data-eldermode=toolbar] :is(a[href], button, summary)')]
        .filter(el => el.getClientRects().length && el.getBoundingClientRect().height < 60).map(el => el.textContent)""")
    assert short == []


def test_large_pointer_and_reading_guide(new_page, elder_base):
    page = new_page("desktop")
    page.goto(f"{elder_base}/report-2020.html?eldermode=elder")
    assert "cursor-arrow.svg" not in page.eval_on_selector("#zoom p", "el => getComputedStyle(el).cursor")
    open_settings(page)
    page.click("button[data-em-choice=cursor]")
    cursor = page.eval_on_selector("#zoom p", "el => getComputedStyle(el).cursor")
    assert "cursor-arrow.svg" in cursor
    svg = page.request.get(cursor.split('url("')[1].split('")')[0])
    assert svg.status == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert page.query_selector(".em-guide-line") is None
    page.click("button[data-em-choice=guide]")
    page.mouse.move(300, 500)
    top = page.eval_on_selector(".em-guide-line", "el => el.getBoundingClientRect().top")
    page.mouse.move(300, 600)
    assert page.eval_on_selector(".em-guide-line", "el => el.getBoundingClientRect().top") == top + 100
    page.click("button[data-em-choice=guide]")
    assert page.query_selector(".em-guide-line") is None


def test_visitor_system_preferences_are_honoured(new_page, elder_base):
    colour = "el => getComputedStyle(el).color"
    plain = new_page("desktop")
    plain.goto(f"{elder_base}/report-2020.html?eldermode=elder")
    assert plain.eval_on_selector("#zoom p span", colour) == "rgb(26, 26, 26)"
    more = new_page("desktop", contrast="more")
    more.goto(f"{elder_base}/report-2020.html?eldermode=elder")
    assert more.eval_on_selector("#zoom p span", colour) == "rgb(0, 0, 0)"
    forced = new_page("desktop", forced_colors="active")
    forced.goto(f"{elder_base}/report-2020.html?eldermode=elder")
    # Forced colours replace ours: the page text takes the system's CanvasText, not our #1a1a1a.
    assert forced.eval_on_selector("#zoom p span", colour) != "rgb(26, 26, 26)"


def test_help_page_lists_shortcuts(new_page, elder_base):
    page = new_page("desktop")
    page.goto(f"{elder_base}/report-2020.html?eldermode=elder")
    open_settings(page)
    page.click("[data-em-link=help]")
    assert page.title() == "辅助工具条使用帮助"
    assert all(k.startswith("Alt+Shift+") for k in page.eval_on_selector_all("kbd", "els => els.map(e => e.textContent)"))


# ---------------------------------------------------------------- strict CSP, modern CSS


def test_strict_csp_page_works(new_page, elder_base):
    page = new_page("mobile")
    page.add_init_script(
        "window.__blocked = []; document.addEventListener('securitypolicyviolation', e => window.__blocked.push(e.blockedURI + ' ' + e.sourceFile));"
    )
    page.goto(f"{elder_base}/csp/report-2020.html?eldermode=elder")
    page.click("button[data-em-step='1']")  # A+
    assert page.evaluate("() => document.documentElement.dataset.emText") == "large"  # toolbar.js ran
    assert min(n["size"] for n in text_sizes(page) if not n["toolbar"]) >= 24
    blocked = page.evaluate("() => window.__blocked")
    assert blocked, "the seed's own inline script and styles should be blocked by this CSP"
    assert not [b for b in blocked if "__eldermode" in b], blocked


def test_modern_stylesheet_reaches_the_browser_byte_for_byte(new_page, elder_base):
    page = new_page("desktop")
    open_elder(page, f"{elder_base}/modern/page.html?eldermode=elder")
    assert page.request.get(f"{elder_base}/modern/modern.css").body() == MODERN_CSS
    # Its @supports rule applies in the browser (cssutils would have garbled it on the way).
    assert page.eval_on_selector(".m-grid", "el => getComputedStyle(el).display") == "grid"
    assert min(n["size"] for n in page.evaluate(TEXT_NODES_JS)) >= 20


# ---------------------------------------------------------------- screenshots for the README


@pytest.mark.parametrize("viewport", ["desktop", "mobile"])
def test_screenshots_before_and_after(new_page, elder_base, screenshots_dir: Path, viewport):
    shots = {
        "before": "",
        "elder": "?eldermode=elder",
        "elder-xlarge": "?eldermode=elder&eldermode-text=xlarge",
        "elder-yellow": "?eldermode=elder&eldermode-contrast=yellow",
    }
    for name, query in shots.items():
        page = new_page(viewport)
        open_elder(page, f"{elder_base}/report-2020.html{query}")
        path = screenshots_dir / f"elder-{name}-{support.VIEWPORTS[viewport]['width']}.png"
        page.screenshot(path=str(path))
        assert path.stat().st_size > 10_000
