"""无障碍 mode over real government pages nobody tuned it for: axe-core before and after, page by page.

Every page of the shared corpus (and the project's own pages in
tests/fixtures/access/) is served from a loopback server with the Content-Type
its site sent, through the real middleware, into Debian's Chromium. The browser
may fetch nothing but loopback: every other request is aborted, so the pages'
external assets never load. axe-core runs on each page in mode off and in
access mode. Access mode must leave no critical or serious node, and for every
axe rule it must never have more violating nodes than the original page.

One browser and one context serve the whole module; each page is measured once
(both modes) and the results are shared by the two tests.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

import support
from eldermode.middleware import ElderModeMiddleware, Settings

pytestmark = pytest.mark.browser

OWN_DIR = support.TESTS_DIR / "fixtures" / "access"
SERIOUS = ("critical", "serious")


def own_pages() -> list[support.CorpusPage]:
    """The project's own pages for shapes the corpus lacks, with the Content-Type written in pages.json."""
    manifest = json.loads((OWN_DIR / "pages.json").read_text(encoding="utf-8"))
    return [support.CorpusPage(name, OWN_DIR / name, entry["content_type"], entry.get("kind", ""), "eldermode")
            for name, entry in sorted(manifest.items())]


# Pages where access mode does not reach the target yet, with what is left and why. Strict: a page that
# starts to pass must be taken off these lists.
LEFT_SERIOUS: dict[str, str] = {}
WORSE: dict[str, str] = {}


def all_params(known: dict[str, str] | None = None) -> list:
    params = support.corpus_params() + [pytest.param(p, id="own-" + p.name) for p in own_pages()]
    if not known:
        return params
    marked = []
    for param in params:
        page = param.values[0]
        if page is not None and page.name in known:
            param = pytest.param(page, id=param.id, marks=pytest.mark.xfail(reason=known[page.name], strict=True))
        marked.append(param)
    return marked


def corpus_app(pages: list[support.CorpusPage]) -> Starlette:
    by_path = {"/" + quote(p.name): p for p in pages}

    async def serve(request):
        page = by_path.get(request.url.path)
        if page is None:
            return Response(b"not found", status_code=404, media_type="text/plain")
        return Response(page.path.read_bytes(), headers={"content-type": page.content_type})

    return Starlette(routes=[Route("/{name:path}", serve)])


def _loopback_only(route) -> None:
    host = urlsplit(route.request.url).hostname or ""
    if host in ("127.0.0.1", "localhost"):
        route.continue_()
    else:
        route.abort()


def node_counts(results: dict) -> tuple[Counter, Counter]:
    """(violating nodes per rule, violating nodes per impact) of one axe run."""
    by_rule: Counter = Counter()
    by_impact: Counter = Counter()
    for violation in results.get("violations", []):
        by_rule[violation["id"]] += len(violation["nodes"])
        by_impact[violation.get("impact") or "minor"] += len(violation["nodes"])
    return by_rule, by_impact


class Measured:
    """axe results per page and mode, measured on first request, shared by the module's tests."""

    def __init__(self, browser, base: str):
        self.base = base
        self.context = browser.new_context(viewport=support.VIEWPORTS["desktop"], locale="zh-CN")
        self.context.route("**/*", _loopback_only)
        self.results: dict[tuple[str, str], dict] = {}

    def axe(self, page: support.CorpusPage, mode: str) -> dict:
        key = (page.name, mode)
        if key not in self.results:
            tab = self.context.new_page()
            try:
                tab.goto(f"{self.base}/{quote(page.name)}?eldermode={mode}", wait_until="load", timeout=30000)
                self.results[key] = support.run_axe(tab)
            finally:
                tab.close()
        return self.results[key]


@pytest.fixture(scope="module")
def measured(browser, serve_app_session, axe_available):
    pages = support.corpus_pages() + own_pages()
    app = ElderModeMiddleware(corpus_app(pages), settings=Settings(speech=False))
    measured = Measured(browser, serve_app_session(app))
    yield measured
    measured.context.close()
    _write_artifact(measured)


def _write_artifact(measured: Measured) -> None:
    """tests/artifacts/axe-corpus.json: nodes per rule and impact, per page and mode (for the README table)."""
    out: dict = {}
    for (name, mode), results in measured.results.items():
        by_rule, by_impact = node_counts(results)
        out.setdefault(name, {})[mode] = {"rules": dict(by_rule), "impacts": dict(by_impact)}
    if out:
        support.ARTIFACTS_DIR.mkdir(parents=True, exist_ok=True)
        path = Path(support.ARTIFACTS_DIR) / "axe-corpus.json"
        previous = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        previous.update(out)
        path.write_text(json.dumps(previous, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")


@pytest.mark.parametrize("corpus_page", all_params(LEFT_SERIOUS))
def test_no_critical_or_serious_node_in_access_mode(measured, corpus_page):
    results = measured.axe(corpus_page, "access")
    left = {v["id"]: [", ".join(map(str, n["target"])) for n in v["nodes"]]
            for v in results.get("violations", []) if v.get("impact") in SERIOUS}
    assert left == {}


@pytest.mark.parametrize("corpus_page", all_params(WORSE))
def test_access_mode_is_never_worse_than_the_original_for_any_rule(measured, corpus_page):
    before, _ = node_counts(measured.axe(corpus_page, "off"))
    after, _ = node_counts(measured.axe(corpus_page, "access"))
    worse = {rule: (before[rule], n) for rule, n in after.items() if n > before[rule]}
    assert worse == {}
