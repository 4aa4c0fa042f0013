"""What step isolation costs: the seed report rewritten clean, and with one step that raises.

A clean page costs nothing extra (the steps run once on one parse); a page where one step raises
is parsed again and re-run without it. Run by hand: ``python benchmarks/bench_isolation.py``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(repeat: int = 30) -> None:
    from eldermode.middleware.services import Services
    from eldermode.middleware.settings import Settings
    from eldermode.transforms import Context, Profile, pipeline

    body = (REPO / "tests" / "fixtures" / "pages" / "report-2020.html").read_bytes()
    services = Services(None, Settings(secret="bench", cache_dir="/tmp/eldermode-bench-cache"))
    clean = pipeline.PIPELINES["elder"]

    def broken(root, ctx):
        raise RuntimeError("bench")

    cases = {
        "clean": clean,
        "first step raises": (("broken", broken),) + clean,
        "last step raises": clean + (("broken", broken),),
    }
    import logging

    logging.getLogger("eldermode").setLevel(logging.ERROR)  # one warning per failed rewrite otherwise
    for name, steps in cases.items():
        pipeline.PIPELINES["elder"] = steps
        samples = []
        for _ in range(repeat):
            ctx = Context(profile=Profile(mode="elder"), url="/r.html", options=services.settings.page_options(),
                          services=services)
            started = time.perf_counter()
            pipeline.rewrite_page(body, "text/html; charset=utf-8", ctx)
            samples.append((time.perf_counter() - started) * 1000)
        print(f"{name:<20} median {statistics.median(samples):6.1f} ms   min {min(samples):6.1f} ms")
    pipeline.PIPELINES["elder"] = clean


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 30)
