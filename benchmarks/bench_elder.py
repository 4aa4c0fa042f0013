"""Elder-mode benchmark: the elder page rewrite against the lxml floor, and site-stylesheet analysis cost.

Run by hand on an otherwise idle machine (numbers go to the README; no test asserts them):

    python benchmarks/bench_elder.py
    python benchmarks/bench_elder.py --repeat 100

Measures, on the seed report page (tests/fixtures/pages/report-2020.html):

* floor: lxml parse + serialise (raw lxml, and eldermode's own document codec);
* the whole elder pipeline with the page's stylesheets already analysed (the steady state);
* a 100 KB stylesheet: first analysis (cssutils, off the request path) and a cached override-sheet
  lookup (what every later request pays), plus what registering it costs the page rewrite.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path

import lxml.html

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import timed  # noqa: E402 - median of runs after warm-up, shared with the core benchmark

REPO = Path(__file__).resolve().parents[1]
PAGES = REPO / "tests" / "fixtures" / "pages"  # the project's own copy of the seed report
SITE_CSS = REPO / "examples" / "site" / "css" / "style.css"


def stylesheet_of(size: int) -> str:
    """A CMS-like stylesheet of about ``size`` bytes: the demo site's rules under many section prefixes."""
    base = SITE_CSS.read_text(encoding="utf-8")
    parts, n = [], 0
    while sum(map(len, parts)) < size:
        parts.append(base.replace(".", f".s{n}-").replace("@media", "@media"))
        n += 1
    return "".join(parts)[:size].rsplit("}", 1)[0] + "}"


class _Services:
    """Just enough of the middleware's Services for the stylesheet service in a benchmark."""

    def __init__(self):
        from eldermode.middleware.stylesheets import StylesheetAnalyses

        self.stylesheets = StylesheetAnalyses(self)


def bench_page(repeat: int) -> None:
    from eldermode.transforms import Context, Profile
    from eldermode.transforms.document import parse_document, serialize_document
    from eldermode.transforms.pipeline import rewrite_page

    body = (PAGES / "report-2020.html").read_bytes()
    text = body.decode("utf-8")

    def raw_lxml():
        root = lxml.html.document_fromstring(text)
        lxml.html.tostring(root, encoding="utf-8", doctype="<!DOCTYPE html>")

    def codec():
        serialize_document(parse_document(body, "text/html; charset=utf-8"))

    services = _Services()
    rewrite_page(body, "text/html", Context(profile=Profile(mode="elder"), url="/r.html", services=services))
    services.stylesheets.wait_idle()  # the page's <style> block analysed: the steady state

    def elder(text_level: str = "standard"):
        ctx = Context(profile=Profile(mode="elder", text=text_level), url="/r.html", services=services)
        rewrite_page(body, "text/html; charset=utf-8", ctx)

    def elder_offline():
        rewrite_page(body, "text/html; charset=utf-8", Context(profile=Profile(mode="elder"), url="/r.html"))

    floor_raw = timed(raw_lxml, repeat)
    floor = timed(codec, repeat)
    elder_s = timed(elder, repeat)
    offline_s = timed(elder_offline, repeat)
    print(f"seed page {len(body) / 1024:.0f} KB, median of {repeat}")
    print(f"  lxml parse+serialise (raw)          {floor_raw * 1000:7.2f} ms")
    print(f"  document codec parse+serialise      {floor * 1000:7.2f} ms   (the floor)")
    print(f"  elder pipeline, sheets analysed     {elder_s * 1000:7.2f} ms   = {elder_s / floor:.2f}x floor")
    print(f"  elder pipeline, no services         {offline_s * 1000:7.2f} ms   = {offline_s / floor:.2f}x floor")
    bench_steps(body, services, repeat)
    services.stylesheets.close()


# The steps this benchmark is about (issue 5); the rest of the elder pipeline belongs to other features.
ELDER_STEPS = ("elder-assets", "site-overrides", "viewport", "calm", "elder-styles", "table-scroll", "toolbar")


def bench_steps(body: bytes, services, repeat: int) -> None:
    """Median milliseconds of each step of the elder pipeline on a freshly parsed seed page."""
    from eldermode.transforms import Context, Profile
    from eldermode.transforms.document import parse_document
    from eldermode.transforms.pipeline import PIPELINES

    samples: dict[str, list[float]] = {name: [] for name, _ in PIPELINES["elder"]}
    for _ in range(repeat + 2):
        doc = parse_document(body, "text/html; charset=utf-8")
        ctx = Context(profile=Profile(mode="elder"), url="/r.html", services=services)
        for name, step in PIPELINES["elder"]:
            start = time.perf_counter()
            step(doc.root, ctx)
            samples[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(values[2:]) for name, values in samples.items()}
    mine = sum(medians[name] for name in ELDER_STEPS if name in medians)
    print("  per step (median ms):  " + ", ".join(
        f"{name} {ms * 1000:.2f}" for name, ms in sorted(medians.items(), key=lambda kv: -kv[1]) if ms > 0.00005
    ))
    print(f"  the elder-mode steps of issue 5 together   {mine * 1000:7.2f} ms")


def bench_stylesheet(size: int, repeat: int) -> None:
    from eldermode.transforms.css import analyse_stylesheet, override_rules

    sheet = stylesheet_of(size)
    start = time.perf_counter()
    analysis = analyse_stylesheet(sheet, budget_s=60.0)
    first = time.perf_counter() - start
    print(f"stylesheet {len(sheet.encode()) / 1024:.0f} KB, {analysis.rules_read} rules read, "
          f"{analysis.rules_skipped} skipped")
    print(f"  first analysis (cssutils, background thread)   {first * 1000:8.1f} ms")
    start = time.perf_counter()
    override_rules([analysis])
    print(f"  generating the override sheet once             {(time.perf_counter() - start) * 1000:8.1f} ms")

    services = _Services()
    sources = [("style", sheet)]
    href = services.stylesheets.override_href(sources)
    digest = href.rsplit("/", 1)[1].removesuffix(".css")
    services.stylesheets.wait_idle(120)

    async def lookups() -> tuple[float, float]:
        services.stylesheets.override_css(digest)  # renders once
        register = timed(lambda: services.stylesheets.override_href(sources), repeat)
        lookup = timed(lambda: services.stylesheets.override_css(digest), repeat)
        return register, lookup

    register, lookup = asyncio.run(lookups())
    print(f"  registering it during a page rewrite (cached)  {register * 1e6:8.1f} µs  (hashes the 100 KB text)")
    print(f"  override sheet request (cached)                {lookup * 1e6:8.1f} µs")
    services.stylesheets.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=40)
    parser.add_argument("--sheet-kb", type=int, default=100)
    args = parser.parse_args(argv)
    bench_page(args.repeat)
    bench_stylesheet(args.sheet_kb * 1024, args.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
