"""朗读 in Chromium: pressing the button requests the first sentence, plays it and highlights it."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import lxml.html
import pytest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from eldermode.middleware.rewrite import ElderModeMiddleware
from eldermode.middleware.services import Services
from eldermode.middleware.settings import Settings
from eldermode.transforms import Context, Profile
from eldermode.transforms.speech import prepare_speech

pytestmark = pytest.mark.browser

PLAYING = """() => {
  const a = document.querySelector('audio[data-eldermode="speech-audio"]');
  return !!a && !a.paused && a.currentTime > 0 && a.readyState >= 2;
}"""


def _bare_page(services: Services) -> bytes:
    """A page with no toolbar, marked by the speech transform alone (as a site without elder mode would be)."""
    root = lxml.html.document_fromstring(
        '<html lang="zh-CN"><head><meta charset="utf-8"><title>通知</title></head><body>'
        '<div id="content"><h1>通知</h1><p>第一句话很短。第二句话也不长。</p>'
        "<p>" + "这是正文的一部分内容。" * 4 + "</p></div></body></html>"
    )
    prepare_speech(root, Context(profile=Profile(mode="elder"), url="/bare.html", services=services))
    return b"<!DOCTYPE html>\n" + lxml.html.tostring(root, encoding="utf-8")


@pytest.fixture
def site(serve_app, seed_html_bytes: bytes, tmp_path: Path) -> str:
    settings = Settings(cache_dir=str(tmp_path), secret="browser-test", entry_link=False)
    holder: dict = {}

    async def report(request):
        return Response(seed_html_bytes, media_type="text/html; charset=utf-8")

    async def bare(request):
        return Response(holder["bare"], media_type="text/html; charset=utf-8")

    app = Starlette(routes=[Route("/report-2020.html", report), Route("/bare.html", bare)])
    services = Services(app, settings)
    holder["bare"] = _bare_page(services)
    return serve_app(ElderModeMiddleware(app, settings, services=services))


def test_pressing_speak_plays_the_first_sentence_and_highlights_it(site: str, page) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/__eldermode/speech/seg/" in r.url else None)
    page.goto(site + "/report-2020.html?eldermode=elder")
    page.wait_for_load_state("load")
    first_key = page.get_attribute('script[data-eldermode="speech"]', "data-em-page") + ".0"  # sentence 0 of the page's token
    assert page.evaluate("() => document.querySelector('audio[data-eldermode=\"speech-audio\"]').paused")
    assert requests == []  # nothing plays, nothing is even fetched, before the visitor asks

    page.click('[data-eldermode="toolbar"] button[data-em-action="speak"]')
    page.wait_for_function(PLAYING, timeout=20000)

    assert requests and f"/seg/{first_key}?" in requests[0]  # the first sentence was asked for first
    highlighted = page.eval_on_selector_all(".em-say-current", "els => els.map(e => e.dataset.emSeg)")
    assert highlighted and set(highlighted) == {"0"}
    style = page.eval_on_selector(".em-say-current", "e => [getComputedStyle(e).backgroundColor, "
                                  "getComputedStyle(e).textDecorationLine]")
    assert style[0] not in ("rgba(0, 0, 0, 0)", "transparent") and style[1] == "underline"  # visibly marked
    assert page.get_attribute('[data-eldermode="toolbar"] button[data-em-action="speak"]', "aria-pressed") == "true"

    page.click('[data-eldermode="speech-controls"] button[data-em-action="speak-pause"]')
    assert page.evaluate("() => document.querySelector('audio[data-eldermode=\"speech-audio\"]').paused")
    assert page.text_content('[data-eldermode="speech-controls"] button[data-em-action="speak-pause"]') == "继续"
    page.click('[data-eldermode="speech-controls"] button[data-em-action="speak-stop"]')
    assert page.eval_on_selector_all(".em-say-current", "els => els.length") == 0
    assert page.is_hidden('[data-eldermode="speech-controls"] button[data-em-action="speak-stop"]')


def test_page_without_toolbar_gets_a_working_speak_button(site: str, page) -> None:
    page.goto(site + "/bare.html")
    page.wait_for_load_state("load")
    button = '[data-eldermode="speech-controls"] button[data-em-action="speak"]'
    assert page.is_visible(button)  # shown by speech.js (hidden in the HTML for no-JS visitors)
    page.click(button)
    page.wait_for_function(PLAYING, timeout=20000)
    assert page.eval_on_selector(".em-say-current", "e => e.textContent") == "通知"


def test_rate_control_changes_the_requested_speed(site: str, page) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/__eldermode/speech/seg/" in r.url else None)
    page.goto(site + "/report-2020.html?eldermode=elder")
    page.wait_for_load_state("load")
    page.click('[data-eldermode="toolbar"] summary')  # 语速 sits in the toolbar's 设置 panel
    page.click('[data-eldermode="toolbar"] button[data-em-action="speak-rate"]')  # normal → slow
    assert page.text_content('[data-eldermode="toolbar"] button[data-em-action="speak-rate"]').endswith("慢")
    page.click('[data-eldermode="toolbar"] button[data-em-action="speak"]')
    page.wait_for_function(PLAYING, timeout=20000)
    assert "&r=slow&" in requests[0]


def test_point_to_read_only_when_switched_on(site: str, page) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/__eldermode/speech/seg/" in r.url else None)
    page.goto(site + "/report-2020.html?eldermode=elder")
    page.wait_for_load_state("load")
    sentence = '[data-em-seg="5"]'
    key = page.get_attribute('script[data-eldermode="speech"]', "data-em-page") + ".5"
    page.hover(sentence)
    page.wait_for_timeout(900)
    assert requests == []  # 指读 is off: pointing reads nothing

    page.click('[data-eldermode="toolbar"] summary')  # in the toolbar's 设置 panel
    page.click('[data-eldermode="toolbar"] button[data-em-action="speak-point"]')
    assert page.get_attribute('[data-eldermode="toolbar"] button[data-em-action="speak-point"]', "aria-pressed") == "true"
    page.hover(sentence)
    page.wait_for_function(PLAYING, timeout=20000)
    assert f"/seg/{key}?" in requests[-1]
    assert page.eval_on_selector_all(".em-say-current", "els => els.map(e => e.dataset.emSeg)")[0] == "5"

    link = '[data-eldermode="speech-controls"] a[data-em-link="speech-download"]'
    page.focus(link)
    page.wait_for_function(
        "key => [...performance.getEntriesByType('resource')].some(e => e.name.includes('/seg/' + key))",
        arg=page.get_attribute('script[data-eldermode="speech"]', "data-em-page") + "." + page.get_attribute(link, "data-em-name"), timeout=20000,
    )
    page.wait_for_function(PLAYING, timeout=20000)


def test_table_reading_reads_the_linear_sentences_of_the_nearest_table(site: str, page) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/__eldermode/speech/seg/" in r.url else None)
    page.goto(site + "/report-2020.html?eldermode=elder")
    page.wait_for_load_state("load")
    readings = page.locator("details[data-eldermode='table-reading']")
    assert readings.count() >= 1
    page.locator("table").nth(1).scroll_into_view_if_needed()
    page.click('[data-eldermode="toolbar"] summary')  # in the toolbar's 设置 panel
    page.click('[data-eldermode="toolbar"] button[data-em-action="speak-table"]')
    page.wait_for_function(PLAYING, timeout=20000)
    reading = page.locator(".em-say-current").first
    assert reading.evaluate("e => !!e.closest(\"details[data-eldermode='table-reading']\")")
    assert reading.evaluate("e => e.closest('details').open")
    first = page.get_attribute('script[data-eldermode="speech"]', "data-em-page") + "." + reading.evaluate(
        "e => e.closest('details').dataset.emSegFrom")  # the reading's first item: its summary paragraph
    assert f"/seg/{first}?" in requests[0]


def test_pointing_at_an_item_of_a_table_reading_reads_that_item(site: str, page) -> None:
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if "/__eldermode/speech/seg/" in r.url else None)
    page.goto(site + "/report-2020.html?eldermode=access")
    page.wait_for_load_state("load")
    details = page.locator("details[data-eldermode='table-reading']").first
    details.locator("summary").click()
    page.click('[data-eldermode="toolbar"] summary')  # in the toolbar's 设置 panel
    page.click('[data-eldermode="toolbar"] button[data-em-action="speak-point"]')
    item = details.locator("li").nth(2)
    # the item's number: the reading's first number plus the item's place among its paragraphs and items
    number = item.evaluate("e => { const d = e.closest('details'); "
                           "return +d.dataset.emSegFrom + [...d.querySelectorAll('p, li')].indexOf(e); }")
    item.hover()
    page.wait_for_function(PLAYING, timeout=20000)
    key = page.get_attribute('script[data-eldermode="speech"]', "data-em-page") + f".{number}"
    assert f"/seg/{key}?" in requests[-1]
    assert parse_qs(urlsplit(requests[-1]).query)["t"] == [" ".join(item.inner_text().split())]
    assert page.eval_on_selector_all(".em-say-current", "els => els.map(e => e.tagName)") == ["LI"]
