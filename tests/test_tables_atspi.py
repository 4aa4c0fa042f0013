"""Tables as screen readers hear them: each data cell's header cells in the browsers' AT-SPI trees, exact.

Chromium (headed, under Xvfb, --force-renderer-accessibility) and Firefox ESR read
the pages through eldermode; tests/atspi_tables.py asks the accessibility bus for
every cell's ``get_row_header_cells`` / ``get_column_header_cells`` (what Orca speaks,
and what NVDA/JAWS get from the same browser code on Windows). The expectations are
the hand-written goldens (tests/golden/tables/), compared as exact sets: nothing
missing, nothing extra. The HTML standard's algorithm (ids/headers) is checked on the
same cells from the same served page, without a browser.

Pages: the seed report, the project's own table pages (tests/fixtures/tables/pages/,
one golden each), and the shared real-page corpus (only layout tables: they must stay
layout tables, their cells heading nothing, as on the original page).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import support
import tables_golden
from atspi_support import CHROMIUM_ARGS, AtspiSession, what_is_missing

from eldermode.middleware import ElderModeMiddleware, Settings

pytestmark = pytest.mark.browser

HERE = Path(__file__).parent
PAGES = HERE / "fixtures" / "tables" / "pages"
OWN = sorted(p.stem for p in PAGES.glob("*.html"))


def own_golden(name: str) -> list[dict]:
    return tables_golden.load(f"pages/{name}.json")


def site(pages: dict[str, tuple[bytes, str]]):
    async def app(scope, receive, send):
        if scope["type"] != "http":
            return
        found = pages.get(scope["path"])
        if found is None:
            await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]})
            await send({"type": "http.response.body", "body": b"not found"})
            return
        body, content_type = found
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", content_type.encode("latin-1"))]})
        await send({"type": "http.response.body", "body": body})

    return app


@pytest.fixture(scope="module")
def served(serve_app_session, seed_html_bytes):
    pages = {"/report.html": (seed_html_bytes, "text/html; charset=utf-8")}
    for name in OWN:
        pages[f"/own/{name}.html"] = ((PAGES / f"{name}.html").read_bytes(), "text/html; charset=utf-8")
    for corpus_page in support.corpus_pages():
        pages[f"/corpus/{corpus_page.name}"] = (corpus_page.path.read_bytes(), corpus_page.content_type)
    return serve_app_session(ElderModeMiddleware(site(pages), settings=Settings()))


@pytest.fixture(scope="module")
def session():
    missing = what_is_missing()
    if missing:
        if support.is_ci():
            pytest.fail(f"AT-SPI stack: {missing} (tests/run.sh installs it)", pytrace=False)
        pytest.skip(f"AT-SPI stack: {missing}")
    s = AtspiSession()
    yield s
    s.close()


@pytest.fixture(scope="module")
def chromium(browser, session):
    """A second, headed Chromium on the session's display and accessibility bus (the shared one is headless)."""
    headed = browser.browser_type.launch(executable_path=support.CHROMIUM_PATH, headless=False,
                                         args=CHROMIUM_ARGS, env=session.env)
    yield headed
    headed.close()


def chromium_tables(chromium, session, url: str) -> list[dict]:
    page = chromium.new_page()
    try:
        page.goto(url)
        # Wait for the tables the page has: the tree fills in a moment after load.
        n = page.evaluate("document.querySelectorAll('table').length")
        return session.read_tables(page.url, min_tables=min(n, 1))["tables"]
    finally:
        page.close()


def served_bytes(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url) as response:  # noqa: S310 - our own loopback server
        return response.read()


def _expectations():
    yield pytest.param("/report.html", "report-2020.json", id="seed")
    for name in OWN:
        yield pytest.param(f"/own/{name}.html", f"pages/{name}.json", id=name)


@pytest.mark.parametrize("path,golden", list(_expectations()))
def test_chromium_hears_exact_headers(chromium, session, served, path, golden):
    heard = chromium_tables(chromium, session, served + path + "?eldermode=access")
    score = tables_golden.compare(tables_golden.load(golden), heard)
    assert not score.missing and not score.extra and not score.captions, score.details()


@pytest.mark.parametrize("path,golden", list(_expectations()))
def test_standard_algorithm_hears_exact_headers(served, path, golden):
    page = served_bytes(served + path + "?eldermode=access")
    score = tables_golden.compare(tables_golden.load(golden), tables_golden.standard_reading(page))
    assert not score.missing and not score.extra and not score.captions, score.details()


def test_original_seed_page_gives_no_cell_a_header(chromium, session, served):
    heard = chromium_tables(chromium, session, served + "/report.html?eldermode=off")
    assert len(heard) == 3
    assert not any(c["row_headers"] or c["col_headers"] for t in heard for c in t["cells"])


@pytest.mark.slow
@pytest.mark.parametrize("corpus_page", support.corpus_params())
def test_corpus_tables_exact_and_layout_tables_unharmed(chromium, session, served, corpus_page):
    """A corpus page with a statistics table has a hand golden (tests/golden/tables/corpus/<page>.json): exact.

    On every other page the tables are layout tables: in access mode no cell may gain a header. A layout
    table eldermode marks role=presentation leaves the tree; none may turn from layout into data.
    """
    url = f"{served}/corpus/{corpus_page.name}"
    after = chromium_tables(chromium, session, url + "?eldermode=access")
    golden = HERE / "golden" / "tables" / "corpus" / f"{corpus_page.name}.json"
    if golden.exists():
        score = tables_golden.compare(tables_golden.load(f"corpus/{corpus_page.name}.json"), after)
        assert not score.missing and not score.extra and not score.captions, score.details()
        return
    before = chromium_tables(chromium, session, url + "?eldermode=off")
    assert len([t for t in after if not t["layout_guess"]]) <= len([t for t in before if not t["layout_guess"]])
    assert not [c for t in after for c in t["cells"] if c["row_headers"] or c["col_headers"]]


@pytest.fixture(scope="module")
def firefox_ready(session):
    missing = what_is_missing(firefox=True)
    if missing:
        pytest.skip(f"Firefox ESR: {missing}")
    return session


@pytest.mark.slow
@pytest.mark.parametrize("path,golden", list(_expectations()))
def test_firefox_hears_exact_headers(firefox_ready, served, path, golden):
    heard = firefox_ready.firefox_tables(served + path + "?eldermode=access", min_tables=1)["tables"]
    score = tables_golden.compare(tables_golden.load(golden), heard)
    assert not score.missing and not score.extra and not score.captions, score.details()


def report_scores(results: dict) -> str:  # pragma: no cover - for the README numbers, run by hand
    return json.dumps(results, ensure_ascii=False)
