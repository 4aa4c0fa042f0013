"""Access-mode benchmark: the whole 无障碍 pipeline and each access step, against the lxml floor.

Run by hand on an otherwise idle machine (numbers go to the README; no test asserts them):

    python benchmarks/bench_access.py [--repeat 200]
    python benchmarks/bench_access.py --axe     # axe-core before/after table of the demo site (Chromium)

The floor is what any rewrite must pay: decode + lxml parse + serialise of the
seed page (``parse_document`` + ``serialize_document``). Each step is timed on
a fresh parse, after the steps before it, so its cost is what it adds in the
real pipeline.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PAGES = REPO / "tests" / "fixtures" / "pages"  # the project's own copy of the seed report


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def axe_table() -> None:
    """axe-core violations (nodes by impact) of each demo page: original, and in access mode through the
    middleware, in Debian's Chromium. Prints the Markdown table the README carries."""
    import sys

    sys.path.insert(0, str(REPO / "tests"))
    import support
    from playwright.sync_api import sync_playwright

    from eldermode.middleware import ElderModeMiddleware, Settings

    site = support.load_example("site_app").build_site_app()
    plain = support.start_app_server(site)
    through = support.start_app_server(ElderModeMiddleware(site, settings=Settings(speech=False)))
    impacts = ("critical", "serious", "moderate", "minor")
    print("| page | before: critical / serious / moderate / minor | access mode: critical / serious / moderate / minor |")
    print("|---|---|---|")
    try:
        with sync_playwright() as p:
            browser = support.launch_chromium(p)
            for page_path in sorted(path.name for path in support.SITE_DIR.glob("*.html")):
                row = []
                for base, query in ((plain.base_url, ""), (through.base_url, "?eldermode=access")):
                    page = browser.new_page()
                    page.goto(f"{base}/{page_path}{query}", wait_until="load")
                    grouped = support.violations_by_impact(support.run_axe(page))
                    row.append(" / ".join(str(sum(len(v["nodes"]) for v in grouped[i])) for i in impacts))
                    page.close()
                print(f"| {page_path} | {row[0]} | {row[1]} |")
            browser.close()
    finally:
        plain.stop()
        through.stop()


def main() -> None:
    from eldermode.transforms import Context, Profile
    from eldermode.transforms.document import parse_document, serialize_document
    from eldermode.transforms.pipeline import ACCESS_REPAIRS, PIPELINES, rewrite_page
    from eldermode.transforms.outputs import page_text_view

    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=150)
    parser.add_argument("--axe", action="store_true", help="print the axe-core before/after table instead")
    args = parser.parse_args()
    if args.axe:
        axe_table()
        return
    steps = PIPELINES["access"]
    access_names = {name for name, _ in ACCESS_REPAIRS} | {"skip-link"}
    for name, content_type in (("report-2020.html", "text/html; charset=utf-8"),
                               ("report-2020.gbk.html", "text/html; charset=gb2312")):
        body = (PAGES / name).read_bytes()
        floor, whole, view = [], [], []
        per_step: dict[str, list[float]] = {step: [] for step, _ in steps}
        for _ in range(args.repeat + 3):
            t0 = time.perf_counter()
            serialize_document(parse_document(body, content_type))
            floor.append(time.perf_counter() - t0)

            t0 = time.perf_counter()
            rewrite_page(body, content_type, Context(profile=Profile(mode="access"), url="/p"))
            whole.append(time.perf_counter() - t0)

            doc = parse_document(body, content_type)
            ctx = Context(profile=Profile(mode="access"), url="/p")
            for step_name, step in steps:
                t0 = time.perf_counter()
                step(doc.root, ctx)
                per_step[step_name].append(time.perf_counter() - t0)

            t0 = time.perf_counter()
            page_text_view(body, content_type, Context(profile=Profile(mode="access"), url="/p"))
            view.append(time.perf_counter() - t0)
        base = median_ms(floor[3:])
        print(f"## {name} (median of {args.repeat} runs)")
        print(f"  floor (parse + serialise)      {base:7.2f} ms")
        print(f"  whole access rewrite           {median_ms(whole[3:]):7.2f} ms   {median_ms(whole[3:]) / base:4.2f} × floor")
        ours = sum(median_ms(per_step[s][3:]) for s in per_step if s in access_names)
        print(f"  access repairs (this issue)    {ours:7.2f} ms   {ours / base:4.2f} × floor")
        print(f"  text view (parse → view page)  {median_ms(view[3:]):7.2f} ms")
        for step_name in per_step:
            marker = "*" if step_name in access_names else " "
            print(f"   {marker} {step_name:<16} {median_ms(per_step[step_name][3:]):6.3f} ms")
        print()


if __name__ == "__main__":
    main()
