"""One pipeline everywhere: every corpus page, and each of the project's own page shapes, through the
command line and through a real ``eldermode proxy`` process gives the same answers — the rewritten page
(elder and access mode), the tables JSON, the 朗读 sentences and the 纯文本 text view.

Both sides read the same settings (a speech secret, the upstream) from the environment, so a
difference can only come from running another pipeline or other services — as when the proxy's
朗读 step ran and raised on a page the command line rendered without it, or when ``eldermode
tables`` and the text view ran a subset of the steps of their own.

What is compared, per page:
- ``eldermode render URL --mode M`` and the proxy's page in mode M: the same bytes;
- ``eldermode tables URL --format json`` and ``/__eldermode/tables?url=``: the same tables;
- ``eldermode text URL`` and ``/__eldermode/text?url=``: the same bytes;
- ``eldermode speak --list URL`` (what the whole-article audio reads) and the sentences the proxy's
  elder page marks for 朗读, gathered as speech.js gathers them: the same sentences.

And the issue's numbers as an operator reads them: every page in elder and access mode at every
text level through the proxy, then its ``/__eldermode/metrics``: no whole-page fallback, no failed step.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import lxml.html
import pytest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

import support
from support import corpus_pages, spoken_sentences
from test_core_shapes import SHAPES, SHAPES_DIR


@dataclass(frozen=True)
class Page:
    name: str
    path: Path
    content_type: str


PAGES = [Page(p.name, p.path, p.content_type) for p in corpus_pages()]
PAGES += [Page(name, SHAPES_DIR / name, content_type) for name, (content_type, _) in SHAPES.items()]
needs_corpus = pytest.mark.skipif(not corpus_pages(), reason=support.CORPUS_MISSING)
pytestmark = [pytest.mark.slow, needs_corpus]


@dataclass(frozen=True)
class Site:
    upstream: str  # the pages as their site serves them
    proxy: str  # the same site behind a real `eldermode proxy` process
    env: dict[str, str]  # the settings both sides read

    def cli(self, *args: str, exit_codes: tuple[int, ...] = (0,)) -> bytes:
        """What ``eldermode ARGS`` writes on standard output (it must exit with one of ``exit_codes``)."""
        eldermode = str(Path(sys.executable).parent / "eldermode")
        done = subprocess.run([eldermode, *args], capture_output=True, timeout=600, env={**os.environ, **self.env})
        assert done.returncode in exit_codes, (args, done.stderr.decode()[-500:])
        return done.stdout

    def get(self, path: str) -> httpx.Response:
        response = httpx.get(self.proxy + path, timeout=60, headers={"accept-encoding": "identity"})
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        assert response.headers.get("eldermode-fallback") is None, path
        return response


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    by_name = {page.name: page for page in PAGES}

    async def serve(request):
        page = by_name.get(request.path_params["name"])
        if page is None:
            return Response("not found", status_code=404)
        return Response(page.path.read_bytes(), media_type=None, headers={"content-type": page.content_type})

    served = support.start_app_server(Starlette(routes=[Route("/{name}", serve)]))
    env = {"ELDERMODE_SECRET": "one-pipeline", "ELDERMODE_UPSTREAM": served.base_url,
           "ELDERMODE_CACHE_DIR": str(tmp_path_factory.mktemp("cache")), "ELDERMODE_METRICS_ALLOW": "127.0.0.1"}
    port = support.free_port()
    proxy = f"http://127.0.0.1:{port}"
    running = support.start_process(["eldermode", "proxy", "--listen", f"127.0.0.1:{port}"],
                                    proxy + "/__eldermode/health", env=env)
    try:
        yield Site(served.base_url, proxy, env)
    finally:
        running.stop()
        served.stop()


def test_every_page_is_rendered_the_same_through_the_command_line_and_the_proxy(site):
    differ = []
    for page in PAGES:
        for mode in ("elder", "access"):
            through_proxy = site.get(f"/{page.name}?eldermode={mode}").content
            rendered = site.cli("render", f"{site.upstream}/{page.name}", "--mode", mode)
            if rendered != through_proxy:
                differ.append((page.name, mode))
    assert differ == []


def test_every_page_has_the_same_tables_through_the_command_line_and_the_proxy(site):
    differ, tables = [], 0
    for page in PAGES:
        through_proxy = site.get(f"/__eldermode/tables?url=/{page.name}").json()
        assert through_proxy["url"] == f"/{page.name}"
        from_cli = json.loads(site.cli("tables", f"{site.upstream}/{page.name}", "--format", "json"))
        tables += len(from_cli)
        if from_cli != through_proxy["tables"]:
            differ.append(page.name)
    assert differ == []
    assert tables > 0  # (the corpus has data tables: a comparison of empty lists would prove nothing)


def test_every_page_has_the_same_text_view_through_the_command_line_and_the_proxy(site):
    differ = []
    for page in PAGES:
        through_proxy = site.get(f"/__eldermode/text?url=/{page.name}")
        assert through_proxy.headers["content-type"].startswith("text/html")
        if site.cli("text", f"{site.upstream}/{page.name}") != through_proxy.content:
            differ.append(page.name)
    assert differ == []


def test_every_page_speaks_the_same_sentences_through_the_command_line_and_the_proxy(site):
    # `eldermode speak --list` prints what the whole-article audio reads; the proxy's elder page carries
    # the sentences its 朗读 button reads. One article, so the download is what the button reads.
    # (exit code 1: some pages have no article to read — a login form, a frameset, an app shell)
    listed = site.cli("speak", "--list", *(f"{site.upstream}/{page.name}" for page in PAGES),
                      exit_codes=(0, 1)).decode("utf-8")
    from_cli: dict[str, list[str]] = {}
    current = None
    for line in listed.splitlines():
        if line.startswith("# "):
            current = from_cli.setdefault(line[2:].rsplit("/", 1)[-1], [])
        elif line:
            current.append(line)
    differ, spoken = [], 0
    for page in PAGES:
        root = lxml.html.document_fromstring(site.get(f"/{page.name}?eldermode=elder").content)
        sentences = spoken_sentences(root)
        spoken += len(sentences)
        if from_cli.get(page.name, []) != sentences:
            differ.append(page.name)
    assert differ == []
    assert spoken > 1000  # (the corpus reads thousands of sentences)


def _counters(metrics_text: str, name: str) -> dict[str, float]:
    """``{labels: value}`` of one counter in Prometheus' text format (``eldermode_NAME_total{…} value``)."""
    found = {}
    for line in metrics_text.splitlines():
        if line.startswith(f"eldermode_{name}_total"):
            labels, _, value = line[len(f"eldermode_{name}_total"):].rpartition(" ")
            found[labels] = float(value)
    return found


def test_every_page_at_every_text_level_costs_no_fallback_and_no_failed_step_as_the_proxy_counts(site):
    for page in PAGES:
        for mode in ("elder", "access"):
            for text in ("standard", "large", "xlarge"):
                response = site.get(f"/{page.name}?eldermode={mode}&eldermode-text={text}")
                assert f'data-em-text="{text}"' in response.text or page.name == "frameset.html", (page.name, text)
    metrics = httpx.get(site.proxy + "/__eldermode/metrics", timeout=30)
    assert metrics.status_code == 200
    assert sum(_counters(metrics.text, "rewrites").values()) >= len(PAGES) * 6  # every page rewritten here
    assert {k: v for k, v in _counters(metrics.text, "page_fallbacks").items() if v} == {}
    assert {k: v for k, v in _counters(metrics.text, "step_failures").items() if v} == {}


def test_the_tables_read_off_the_pipeline_are_those_read_page_gives(tmp_path):
    # read_page (the tables alone, no other step) is what the tables goldens check
    # (tests/test_tables_pages.py); the command line and the endpoint read the whole pipeline's.
    from eldermode.middleware.services import Services
    from eldermode.middleware.settings import Settings
    from eldermode.middleware.tables_http import page_readings
    from eldermode.transforms.tables import read_page

    services = Services(None, Settings(secret="one-pipeline", cache_dir=str(tmp_path)))
    own = sorted((support.REPO_ROOT / "tests" / "fixtures" / "tables").rglob("*.html"))
    pages = [(page.path, page.content_type) for page in PAGES] + [(path, "text/html") for path in own]
    differ = [path.name for path, content_type in pages
              if [r.as_dict() for r in read_page(path.read_bytes(), content_type)]
              != [r.as_dict() for r in page_readings(path.read_bytes(), content_type, "/" + path.name, None, services)]]
    assert len(pages) > 50 and differ == []
