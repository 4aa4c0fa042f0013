"""Core benchmark: first-rewrite cost against the lxml floor, cold and warm traffic, pass-through, memory, page weight.

Run by hand (numbers go to the README; no test asserts them). Every comparison is made side
by side in one run — the floor and the peer are measured in the same run as eldermode —
because the machine is shared and absolute times drift:

    python benchmarks/bench_core.py            # everything (≈ 6 minutes)
    python benchmarks/bench_core.py --only rewrite   # or steps, proxy, cold, pool, memory, weight
    python benchmarks/bench_core.py --only proxy --before b671ca6   # an older revision beside this one
    python benchmarks/bench_core.py --only instructions   # pass-through under callgrind (not in the default run)
    python benchmarks/bench_core.py --only step-instructions --before REV   # each step's instructions (callgrind)

Needs wrk (Debian package ``wrk``) for the proxy part; uses nginx (``nginx-light``) as
the static upstream when installed, otherwise the demo site under uvicorn; valgrind for the
instruction counts.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import lxml.html

REPO = Path(__file__).resolve().parents[1]
PAGES = REPO / "tests" / "fixtures" / "pages"  # the project's own copy of the seed report
SITE = REPO / "examples" / "site"


# ---------------------------------------------------------------- rewrite cost


def timed(fn, repeat: int) -> float:
    """Median CPU seconds of ``fn()`` on this thread over ``repeat`` runs (after two warm-up runs).

    CPU time, not wall time: on a shared machine wall time mostly measures the wait for a core.
    """
    fn(), fn()
    samples = []
    for _ in range(repeat):
        start = time.thread_time()
        fn()
        samples.append(time.thread_time() - start)
    return statistics.median(samples)


def as_a_worker() -> None:
    """This process's collector set as a proxy worker sets its own (startup objects frozen, its thresholds), so
    a first rewrite here costs what it costs there; an older eldermode measured with --baseline uses its own."""
    try:
        from eldermode.middleware.memory import freeze_startup_objects
    except ImportError:  # a revision from before the proxy tuned its collector
        return
    freeze_startup_objects()


def page_services():
    """The services a middleware gives its transforms (speech keys, stylesheet registry), cache in a temp dir."""
    from eldermode.middleware.services import Services
    from eldermode.middleware.settings import Settings

    return Services(None, Settings(cache_dir=tempfile.mkdtemp(prefix="em-bench-")))


SMALL_PAGE = ("<!DOCTYPE html><html lang=zh-CN><head><meta charset=utf-8><title>通知</title></head><body>"
              "<div class=nav><a href=/>首页</a> <a href=/list.html>通知公告</a></div><div class=article>"
              "<h1>关于做好年度报告工作的通知</h1><p>各单位：请于三月底前报送本单位年度报告。</p></div>"
              "</body></html>").encode("utf-8")


def first_rewrite_pages(repeat: int) -> list[tuple[str, bytes, str, int]]:
    """(label, bytes, encoding, runs) of the kinds of page whose first rewrite is measured."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    from bench_tables import grid_page

    return [
        ("seed report (90 KB)", (PAGES / "report-2020.html").read_bytes(), "utf-8", repeat),
        ("seed report, GBK", (PAGES / "report-2020.gbk.html").read_bytes(), "gb18030", repeat),
        ("100 × 50 table", grid_page(100, 50), "utf-8", max(5, repeat // 6)),
        ("small notice page", SMALL_PAGE, "utf-8", repeat * 3),
    ]


class FirstRewrites:
    """Median CPU ms of a first rewrite of one of :func:`first_rewrite_pages` in one mode, by the
    eldermode this process imports."""

    def __init__(self, repeat: int):
        from eldermode.transforms import Context, Profile
        from eldermode.transforms.pipeline import rewrite_page

        self.pages = first_rewrite_pages(repeat)
        services = page_services()
        as_a_worker()

        def run(body: bytes, mode: str) -> None:
            rewrite_page(body, "text/html", Context(profile=Profile(mode=mode), url="/page.html", services=services))

        self.run = run

    def measure(self, page: int, mode: str) -> float:
        _, body, _, n = self.pages[page]
        return timed(lambda: self.run(body, mode), n) * 1000


def serve_first_rewrites(repeat: int) -> None:
    """The --baseline side of :func:`bench_first_rewrites`: "PAGE MODE" lines in, milliseconds out."""
    bench = FirstRewrites(repeat)
    print("ready", flush=True)
    for line in sys.stdin:
        page, mode = line.split()
        print(f"{bench.measure(int(page), mode):.4f}", flush=True)


def bench_first_rewrites(repeat: int = 30, rounds: int = 3) -> None:
    """A first rewrite (nothing cached) of each kind of page, against the lxml floor of the same bytes,
    and — with --baseline — the older eldermode's, measured in a child process in turn with this one
    (floor, now, before, page by page, ``rounds`` times over; each figure the median of its rounds),
    so that both see the same load on a shared machine."""
    bench = FirstRewrites(repeat)
    before = None
    if BASELINE:
        before = subprocess.Popen([sys.executable, __file__, "--serve-first-rewrites", str(repeat)],
                                  stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                  env={**os.environ, "PYTHONPATH": BASELINE})
        assert before.stdout.readline().strip() == "ready"

    def measure_before(page: int, mode: str) -> float:
        before.stdin.write(f"{page} {mode}\n")
        before.stdin.flush()
        return float(before.stdout.readline())

    samples: dict[tuple[int, str], list[float]] = {}
    try:
        for _ in range(rounds):
            for page, (_, body, encoding, n) in enumerate(bench.pages):
                text = body.decode(encoding)

                def floor():
                    lxml.html.tostring(lxml.html.document_fromstring(text), encoding="utf-8")

                samples.setdefault((page, "floor"), []).append(timed(floor, n) * 1000)
                for mode in ("elder", "access"):
                    samples.setdefault((page, mode), []).append(bench.measure(page, mode))
                    if before is not None:
                        samples.setdefault((page, mode + " before"), []).append(measure_before(page, mode))
    finally:
        if before is not None:
            before.stdin.close()
            before.wait(30)
    ms = {key: statistics.median(values) for key, values in samples.items()}
    print(f"## First rewrite (rewrite cache empty): CPU ms of the rewriting thread, against the lxml parse + "
          f"serialise floor{'; before = --baseline, measured in turn with it' if before else ''}")
    print(f"{'page':<22} {'floor':>7} {'elder':>8} {'× floor':>8} {'before':>8} {'× floor':>8} "
          f"{'access':>8} {'× floor':>8} {'before':>8} {'× floor':>8}")
    for page, (label, body, _, _) in enumerate(bench.pages):
        base = ms[(page, "floor")]
        row = f"{label:<22} {base:7.2f}"
        for mode in ("elder", "access"):
            for key in (mode, mode + " before"):
                row += f" {ms[(page, key)]:8.2f} {ms[(page, key)] / base:8.1f}" if (page, key) in ms else f" {'-':>8} {'-':>8}"
        print(row)
        if body is SMALL_PAGE:
            fixed = ", ".join(f"{key} {ms[(page, key)] - base:.2f} ms" for key in ("elder", "elder before")
                              if (page, key) in ms)
            print(f"(fixed per-page work — the small page's elder rewrite minus its floor: toolbar, bars, asset "
                  f"links, speech setup: {fixed})")
    print()


def bench_rewrite(repeat: int = 60) -> None:
    from eldermode.middleware.rewrite_cache import RewriteCache
    from eldermode.transforms import Context, Profile
    from eldermode.transforms.entry import splice_entry_link
    from eldermode.transforms.pipeline import rewrite_page

    services = page_services()

    print("## Rewrite cost on the seed page (median of", repeat, "runs)")
    print(f"{'input':<10} {'path':<22} {'ms':>8} {'× floor':>8}")
    for name, content_type in (("report-2020.html", "text/html; charset=utf-8"),
                               ("report-2020.gbk.html", "text/html; charset=gb2312")):
        body = (PAGES / name).read_bytes()
        encoding = "gb18030" if "gbk" in name else "utf-8"
        text = body.decode(encoding)

        def floor():
            lxml.html.tostring(lxml.html.document_fromstring(text), encoding="utf-8")

        base = timed(floor, repeat)
        label = "GBK" if "gbk" in name else "UTF-8"
        print(f"{label:<10} {'floor: lxml parse+ser.':<22} {base * 1000:8.2f} {1:8.2f}")
        for mode in ("off", "elder", "access"):
            if mode == "off":
                def run():
                    splice_entry_link(body, "/report-2020.html")
            else:
                def run(mode=mode):
                    rewrite_page(body, content_type, Context(profile=Profile(mode=mode), url="/report-2020.html",
                                                             services=services))
            cost = timed(run, repeat)
            print(f"{label:<10} {mode:<22} {cost * 1000:8.2f} {cost / base:8.2f}")
        # What the middleware pays when the page was rewritten before (the rewrite cache).
        cache = RewriteCache(64 * 1024 * 1024)
        key = cache.key(body, content_type, "", Profile(mode="elder").cache_key(), "/report-2020.html")
        cache.put(key, b"rewritten")

        def hit():
            cache.get(cache.key(body, content_type, "", Profile(mode="elder").cache_key(), "/report-2020.html"))

        cost = timed(hit, repeat)
        print(f"{label:<10} {'elder, seen before':<22} {cost * 1000:8.2f} {cost / base:8.2f}")
    print()



def with_deferred(doc, ctx):
    """``doc`` with the markup its steps kept as bytes (transforms/deferred.py), as pipeline.transform_document
    leaves it for serialize_document: these benchmarks run the steps one by one. (A revision from before that
    module, measured with --before, has none.)"""
    try:
        from eldermode.transforms.deferred import deferred_of
    except ImportError:
        return doc
    doc.deferred = deferred_of(ctx, doc.root)
    return doc


def bench_steps(repeat: int = 30) -> None:
    """Median cost of each pipeline step on the seed page and the 100 × 50 table, to see where a mode's time goes."""
    from eldermode.transforms import Context, Profile
    from eldermode.transforms.document import parse_document, serialize_document
    from eldermode.transforms.pipeline import PIPELINES

    pages = first_rewrite_pages(repeat)
    services = page_services()
    as_a_worker()
    for label, body, _, runs in (pages[0], pages[2]):
        print(f"## Cost of each step on the {label} (ms, median of {runs} runs)")
        for mode in ("elder", "access"):
            samples: dict[str, list[float]] = {}
            for _ in range(runs):
                start = time.thread_time()
                doc = parse_document(body, "text/html; charset=utf-8")
                samples.setdefault("decode+parse", []).append(time.thread_time() - start)
                ctx = Context(profile=Profile(mode=mode), url="/page.html", services=services)
                for name, step in PIPELINES[mode]:
                    start = time.thread_time()
                    step(doc.root, ctx)
                    samples.setdefault(name, []).append(time.thread_time() - start)
                with_deferred(doc, ctx)
                start = time.thread_time()
                serialize_document(doc)
                samples.setdefault("serialize", []).append(time.thread_time() - start)
            costs = {name: statistics.median(values) * 1000 for name, values in samples.items()}
            shown = ", ".join(f"{name} {cost:.2f}" for name, cost in costs.items() if cost >= 0.05)
            print(f"{mode}: total {sum(costs.values()):.2f} — {shown}")
        print()


# ---------------------------------------------------------------- step instructions

# Two functions the measured process calls between steps: under callgrind each dump closes a count,
# so every step gets the instructions it ran, the same on a loaded machine as on a quiet one.
_MARKER_C = "#include <valgrind/callgrind.h>\nvoid em_dump(void) { CALLGRIND_DUMP_STATS; }\n"


def build_marker() -> str | None:
    """Path of the compiled marker library, or None without gcc or valgrind's headers."""
    if shutil.which("gcc") is None or not Path("/usr/include/valgrind/callgrind.h").exists():
        return None
    folder = Path(tempfile.mkdtemp(prefix="em-marker-"))
    (folder / "marker.c").write_text(_MARKER_C)
    subprocess.run(["gcc", "-shared", "-fPIC", "-O1", "-o", str(folder / "marker.so"), str(folder / "marker.c")],
                   check=True)
    return str(folder / "marker.so")


def serve_step_instructions(marker: str, labels_file: str) -> None:
    """The measured side of :func:`bench_step_instructions`, run under callgrind: each page and mode once
    after two warm-up rewrites, a dump after the floor, the parse, every step and the serialisation;
    the label of each dump goes to ``labels_file`` (one line each, "-" for a dump of nothing measured)."""
    import ctypes
    import gc

    from eldermode.transforms import Context, Profile
    from eldermode.transforms.document import parse_document, serialize_document
    from eldermode.transforms.pipeline import PIPELINES

    dump = ctypes.CDLL(marker).em_dump
    pages = first_rewrite_pages(1)
    services = page_services()
    labels: list[str] = []

    def section(label: str, fn):
        dump()
        labels.append("-")
        result = fn()
        dump()
        labels.append(label)
        return result

    for page in (0, 2):
        _, body, encoding, _ = pages[page]
        text = body.decode(encoding)

        def floor():
            lxml.html.tostring(lxml.html.document_fromstring(text), encoding="utf-8")

        for mode in ("elder", "access"):
            def rewrite(mode=mode):
                doc = parse_document(body, "text/html; charset=utf-8")
                ctx = Context(profile=Profile(mode=mode), url="/page.html", services=services)
                for _, step in PIPELINES[mode]:
                    step(doc.root, ctx)
                serialize_document(with_deferred(doc, ctx))

            rewrite(), rewrite(), floor(), floor()
            # The collector runs when allocations pass a threshold, so which step it lands in changes with
            # every edit: off while measuring, its cost counted once at the end ("collect": what the rewrite
            # left, the process's older objects frozen as a proxy worker freezes them, middleware/memory.py).
            gc.collect()
            gc.freeze()
            gc.disable()
            section(f"{page}\t{mode}\tfloor", floor)
            doc = section(f"{page}\t{mode}\tdecode+parse",
                          lambda: parse_document(body, "text/html; charset=utf-8"))
            ctx = Context(profile=Profile(mode=mode), url="/page.html", services=services)
            for name, step in PIPELINES[mode]:
                section(f"{page}\t{mode}\t{name}", lambda step=step: step(doc.root, ctx))
            with_deferred(doc, ctx)
            section(f"{page}\t{mode}\tserialize", lambda: serialize_document(doc))
            del doc, ctx
            section(f"{page}\t{mode}\tcollect", gc.collect)
            gc.enable()
            gc.unfreeze()
    Path(labels_file).write_text("\n".join(labels) + "\n")


def step_instructions(baseline: str | None, marker: str) -> dict[tuple[int, str, str], int]:
    """(page, mode, step) → instructions, from one callgrind run of this eldermode (or ``baseline``)."""
    folder = Path(tempfile.mkdtemp(prefix="em-steps-"))
    labels = folder / "labels"
    env = dict(os.environ, PYTHONHASHSEED="0")  # (hashes decide set and dict layouts: fixed, so counts repeat)
    if baseline:
        env["PYTHONPATH"] = baseline
    # One count per thread: the stylesheet service analyses a site's sheets on a thread of its own, which would
    # otherwise be counted in whichever step is running meanwhile; only the rewriting (main) thread's is read.
    subprocess.run(["valgrind", "--tool=callgrind", "--separate-threads=yes", f"--callgrind-out-file={folder / 'cg.out'}",
                    sys.executable, __file__, "--serve-step-instructions", marker, str(labels)],
                   env=env, check=True, capture_output=True)
    counts = {}
    for index, label in enumerate(labels.read_text().splitlines(), start=1):
        if label == "-":
            continue
        text = (folder / f"cg.out.{index}-01").read_text()
        page, mode, name = label.split("\t")
        counts[(int(page), mode, name)] = int(re.search(r"^summary: (\d+)", text, re.MULTILINE).group(1))
    shutil.rmtree(folder, ignore_errors=True)
    return counts


def bench_step_instructions() -> None:
    """Each step's CPU instructions on the seed page and the 100 × 50 table, under callgrind (repeatable),
    beside the lxml parse + serialise floor of the same bytes and, with --baseline, the older eldermode's."""
    marker = build_marker() if shutil.which("valgrind") else None
    if marker is None:
        print("valgrind, its headers or gcc missing (apt-get install valgrind gcc): step instructions skipped\n")
        return
    now = step_instructions(None, marker)
    before = step_instructions(BASELINE, marker) if BASELINE else {}
    names = {0: "seed report (90 KB)", 2: "100 × 50 table"}
    print("## Instructions of each step (callgrind, millions; one rewrite after two warm-up rewrites)")
    for page in (0, 2):
        for mode in ("elder", "access"):
            def row(counts):
                steps = {name: n for (p, m, name), n in counts.items() if p == page and m == mode}
                floor = steps.pop("floor")
                total = sum(steps.values())
                shown = ", ".join(f"{name} {n / 1e6:.1f}" for name, n in steps.items() if n >= 0.05e6)
                return floor, total, shown

            floor, total, shown = row(now)
            print(f"{names[page]}, {mode}: total {total / 1e6:.1f} M = {total / floor:.2f}× the floor "
                  f"({floor / 1e6:.1f} M) — {shown}")
            if before:
                floor_b, total_b, shown_b = row(before)
                print(f"  before: total {total_b / 1e6:.1f} M = {total_b / floor_b:.2f}× — {shown_b}")
    print()


# ---------------------------------------------------------------- servers


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=1).read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not come up")


def start(args: list[str], env: dict | None = None, cwd: Path | None = None) -> subprocess.Popen:
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                            env={**os.environ, **(env or {})}, cwd=cwd)


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def start_upstream(root: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx:
        conf_dir = Path(tempfile.mkdtemp(prefix="em-nginx-"))
        (conf_dir / "nginx.conf").write_text(f"""
daemon off; worker_processes 1; pid {conf_dir}/nginx.pid; error_log {conf_dir}/error.log;
events {{ worker_connections 1024; }}
http {{ access_log off; include /etc/nginx/mime.types; default_type application/octet-stream;
  charset_types text/html; client_body_temp_path {conf_dir}; proxy_temp_path {conf_dir};
  fastcgi_temp_path {conf_dir}; uwsgi_temp_path {conf_dir}; scgi_temp_path {conf_dir};
  server {{ listen 127.0.0.1:{port}; root {root}; etag on; }} }}
""")
        proc = start([nginx, "-c", str(conf_dir / "nginx.conf"), "-p", str(conf_dir)])
        kind = "nginx"
    else:
        proc = start([sys.executable, "-m", "uvicorn", "--factory", "examples.site_app:build_site_app",
                      "--port", str(port), "--log-level", "warning", "--no-access-log"], cwd=REPO)
        kind = "uvicorn (demo site app)"
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/report-2020.html")
    print(f"upstream: {kind} at {url}")
    return proc, url


BASELINE: str | None = None  # --baseline: an older eldermode measured in the same run as "before"


def start_eldermode(upstream: str, workers: int = 1, baseline: bool = False,
                    env: dict | None = None) -> tuple[subprocess.Popen, str]:
    port = free_port()
    eldermode = Path(sys.executable).with_name("eldermode")
    extra = {"ELDERMODE_SPEECH_BACKEND": "none", **(env or {})}  # speech engines are not what is measured
    if baseline:
        extra["PYTHONPATH"] = BASELINE  # its eldermode.* packages come first on the path
    proc = start([str(eldermode), "proxy", "--upstream", upstream, "--listen", f"127.0.0.1:{port}",
                  "--workers", str(workers), "--log-level", "warning"], env=extra)
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/__eldermode/health")
    return proc, url


def start_minimal(upstream: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = start([sys.executable, str(REPO / "benchmarks" / "minimal_proxy.py"), upstream, str(port)])
    url = f"http://127.0.0.1:{port}"
    wait_until_up(url + "/report-2020.html")
    return proc, url


# ---------------------------------------------------------------- wrk


# Every request a different URL (the query is part of the rewrite's key; nginx ignores it), so
# every request is a first rewrite; responses that carry Eldermode-Fallback are counted.
COLD_LUA = r"""
local threads = {}
function setup(thread) thread:set("id", #threads) table.insert(threads, thread) end
function init(args) prefix = args[1] or "x" n = 0 fallbacks = 0 misses = 0 end
function request()
  n = n + 1
  return wrk.format("GET", wrk.path .. "?cold=" .. prefix .. "-" .. id .. "-" .. n)
end
function response(status, headers, body)
  if headers["eldermode-fallback"] ~= nil or headers["Eldermode-Fallback"] ~= nil or status ~= 200 then
    fallbacks = fallbacks + 1
  end
  if headers["eldermode-cache"] == "miss" then misses = misses + 1 end
end
function done(summary, latency, requests)
  local total, rewritten = 0, 0
  for _, t in ipairs(threads) do total = total + t:get("fallbacks") rewritten = rewritten + t:get("misses") end
  io.write(string.format("FALLBACKS %d\nMISSES %d\n", total, rewritten))
end
"""

# The memory run's mix, in sixteenths: 3 first rewrites (elder, 无障碍, a small page compressed),
# 5 pages read before (50 of them, elder), 2 in 无障碍, 3 pages in mode off, 3 images.
MIXED_LUA = r"""
local threads = {}
function setup(thread) thread:set("id", #threads) table.insert(threads, thread) end
function init(args) prefix = args[1] or "x" n = 0 end
function request()
  n = n + 1
  local k = n % 16
  local cold = "?cold=" .. prefix .. "-" .. id .. "-" .. n
  if k == 0 then
    return wrk.format("GET", "/report-2020.html" .. cold, {Cookie = "eldermode=elder"})
  elseif k == 1 then
    return wrk.format("GET", "/report-2020.html" .. cold, {Cookie = "eldermode=access"})
  elseif k == 2 then
    return wrk.format("GET", "/index.html" .. cold, {Cookie = "eldermode=elder", ["Accept-Encoding"] = "br, gzip"})
  elseif k <= 7 then
    return wrk.format("GET", "/report-2020.html?warm=" .. (n % 50), {Cookie = "eldermode=elder"})
  elseif k <= 9 then
    return wrk.format("GET", "/list.html?warm=" .. (n % 50), {Cookie = "eldermode=access"})
  elseif k <= 12 then
    return wrk.format("GET", "/list.html")
  else
    return wrk.format("GET", "/images/photo-50k.jpg")
  end
end
"""


def wrk(url: str, connections: int, seconds: int, cookie: str | None = None, lua: str | None = None,
        headers: tuple[str, ...] = ()) -> dict:
    args = ["wrk", "-t", "2" if connections > 1 else "1", "-c", str(connections), "-d", f"{seconds}s", "--latency",
            "--timeout", "10s"]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    for header in headers:
        args += ["-H", header]
    script = None
    if lua:
        script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
        script.write(lua)
        script.close()
        args += ["-s", script.name]
    tail = [url] + (["--", f"{os.getpid()}-{time.monotonic_ns()}"] if lua else [])
    try:
        out = subprocess.run(args + tail, capture_output=True, text=True, check=True).stdout
    finally:
        if script:
            os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def latency(pct: str) -> float:
        value, unit = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)\b", out).groups()
        return float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    fallbacks = re.search(r"FALLBACKS (\d+)", out)
    misses = re.search(r"MISSES (\d+)", out)
    total = re.search(r"(\d+) requests in", out)
    return {"rps": rps, "p50": latency("50"), "p99": latency("99"), "non2xx": int(errors.group(1)) if errors else 0,
            "fallbacks": int(fallbacks.group(1)) if fallbacks else 0, "misses": int(misses.group(1)) if misses else 0, "requests": int(total.group(1)) if total else 0}


def bench_proxy(seconds: int, rounds: int = 2) -> None:
    print(f"## Proxy throughput (wrk, 20 connections, {seconds} s) and single-client latency (1 connection)")
    upstream_proc, upstream = start_upstream(SITE)
    procs = [upstream_proc]
    try:
        minimal_proc, minimal = start_minimal(upstream)
        eldermode_proc, eldermode = start_eldermode(upstream)
        procs += [minimal_proc, eldermode_proc]
        rows = [
            ("direct to upstream", upstream, None, upstream_proc),
            ("minimal aiohttp proxy", minimal, None, minimal_proc),
            ("eldermode, mode off", eldermode, None, eldermode_proc),
            ("eldermode, mode elder", eldermode, "eldermode=elder", eldermode_proc),
        ]
        if BASELINE:
            before_proc, before = start_eldermode(upstream, baseline=True)
            procs.append(before_proc)
            rows.insert(3, ("before, mode off", before, None, before_proc))
        print(f"{'path':<24} {'resource':<18} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'1-client p50':>13} "
              f"{'CPU µs/req':>11}")
        results = {}
        # Round after round, interleaved, so the peer and eldermode see the same moments of a shared machine.
        for round_ in range(rounds):
            for resource in ("/report-2020.html", "/images/photo-50k.jpg"):
                for label, base, cookie, proc in rows:
                    if cookie and resource.endswith(".jpg"):
                        continue  # an image is never rewritten; mode does not apply
                    cpu = group_cpu_seconds(proc.pid)
                    load = wrk(base + resource, 20, seconds, cookie)
                    cpu = (group_cpu_seconds(proc.pid) - cpu) * 1e6 / (load["requests"] or 1)
                    single = wrk(base + resource, 1, max(3, seconds // 2), cookie)
                    results.setdefault((label, resource), []).append((load, single, cpu))
                    bad = f"  ({load['non2xx']} non-2xx!)" if load["non2xx"] else ""
                    print(f"{label:<24} {resource.rsplit('/', 1)[1]:<18} {load['rps']:8.0f} {load['p50']:8.2f} "
                          f"{load['p99']:8.2f} {single['p50']:12.2f} {cpu:11.0f}{bad}", flush=True)

        def best(label, resource):
            runs = results[(label, resource)]
            return (max(r[0]["rps"] for r in runs), min(r[1]["p50"] for r in runs), min(r[2] for r in runs))

        for resource in ("/report-2020.html", "/images/photo-50k.jpg"):
            floor, direct = best("minimal aiohttp proxy", resource), best("direct to upstream", resource)
            for label in ("eldermode, mode off", "before, mode off"):
                if (label, resource) not in results:
                    continue
                ours = best(label, resource)
                # and round by round (the two measured a few seconds apart), the median of the rounds' ratios
                pairs = list(zip(results[("minimal aiohttp proxy", resource)], results[(label, resource)]))
                by_round = statistics.median(o[0]["rps"] / m[0]["rps"] for m, o in pairs)
                cpu_round = statistics.median(m[2] / o[2] for m, o in pairs)
                print(f"pass-through {resource.rsplit('/', 1)[1]}, {label}: {ours[0] / floor[0]:.2f}× the minimal "
                      f"proxy's req/s (best of {rounds} each; median of the rounds' ratios {by_round:.2f}×), "
                      f"{floor[2] / ours[2]:.2f}× its requests per CPU second (rounds: {cpu_round:.2f}×); "
                      f"adds {ours[1] - direct[1]:.2f} ms p50 for one client")
    finally:
        for proc in procs:
            stop(proc)
    print()


def bench_instructions(seconds: int) -> None:
    """Pass-through CPU instructions per request, each proxy under callgrind in turn (the minimal proxy, this
    eldermode in mode off and, with --baseline, the older one): a count that a loaded machine does not
    change, where req/s and CPU time do. User-space instructions only (the kernel's share of a request
    is not counted), so the ratio it gives is lower than the req/s ratio of an idle machine."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        print("valgrind not installed (apt-get install valgrind): instruction counts skipped\n")
        return
    print(f"## Pass-through instructions per request (callgrind; wrk, 4 connections, {seconds} s; nginx upstream)")
    upstream_proc, upstream = start_upstream(SITE)
    eldermode = str(Path(sys.executable).with_name("eldermode"))

    def eldermode_args(port: int) -> list[str]:
        return [eldermode, "proxy", "--upstream", upstream, "--listen", f"127.0.0.1:{port}", "--workers", "1",
                "--log-level", "warning"]

    variants = [("minimal aiohttp proxy", lambda port: [sys.executable, str(REPO / "benchmarks" / "minimal_proxy.py"),
                                                         upstream, str(port)], {}),
                ("eldermode, mode off", eldermode_args, {"ELDERMODE_SPEECH_BACKEND": "none"})]
    if BASELINE:
        variants.append(("before, mode off", eldermode_args, {"ELDERMODE_SPEECH_BACKEND": "none", "PYTHONPATH": BASELINE}))
    counts: dict[tuple[str, str], float] = {}
    print(f"{'path':<24} {'resource':<18} {'requests':>9} {'instructions/req':>17}")
    try:
        for resource in ("/report-2020.html", "/images/photo-50k.jpg"):
            for label, args, env in variants:
                port = free_port()
                out = Path(tempfile.mkdtemp(prefix="em-callgrind-")) / "callgrind.out"
                proc = start(["valgrind", "--tool=callgrind", "--instr-atstart=no", f"--callgrind-out-file={out}",
                              *args(port)], env=env)
                try:
                    url = f"http://127.0.0.1:{port}{resource}"
                    wait_until_up(url, timeout=300)
                    for _ in range(5):
                        urllib.request.urlopen(url, timeout=30).read()
                    subprocess.run(["callgrind_control", "-i", "on", str(proc.pid)], capture_output=True, check=True)
                    load = wrk(url, 4, seconds)
                    subprocess.run(["callgrind_control", "-i", "off", str(proc.pid)], capture_output=True, check=True)
                finally:
                    stop(proc, timeout=120)
                total = int(re.search(r"^totals: (\d+)", out.read_text(), re.MULTILINE).group(1))
                shutil.rmtree(out.parent, ignore_errors=True)
                counts[(label, resource)] = total / (load["requests"] or 1)
                print(f"{label:<24} {resource.rsplit('/', 1)[1]:<18} {load['requests']:>9} "
                      f"{counts[(label, resource)]:>17,.0f}", flush=True)
        for resource in ("/report-2020.html", "/images/photo-50k.jpg"):
            floor = counts[("minimal aiohttp proxy", resource)]
            print(f"{resource.rsplit('/', 1)[1]}: " + ", ".join(
                f"{label} {floor / counts[(label, resource)]:.2f}× the minimal proxy's requests per instruction"
                for label, _, _ in variants[1:]))
    finally:
        stop(upstream_proc)
    print()


# ---------------------------------------------------------------- cold traffic


def group_cpu_seconds(pgid: int) -> float:
    """CPU seconds (user + system) used so far by every live process of a process group (a proxy and its workers)."""
    return sum(group_thread_cpu(pgid))


def group_thread_cpu(pgid: int) -> tuple[float, float]:
    """(main threads, other threads): CPU seconds so far of a process group's threads.

    A proxy worker's main thread runs its event loop (server, upstream client, cache lookups);
    its other threads are the rewrite thread, the stylesheet analyser and asyncio's helpers.
    """
    main = total = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            main_fields = (stat.parent / "task" / stat.parent.name / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) != pgid:  # fields after the command: state, ppid, pgrp, …, utime (12), stime (13)
            continue
        # The process's own times include threads that have ended (a rewrite thread replaced after a
        # timeout); its main thread's are in task/<pid>.
        total += int(fields[11]) + int(fields[12])
        main += int(main_fields[11]) + int(main_fields[12])
    other = total - main
    tick = os.sysconf("SC_CLK_TCK")
    return main / tick, other / tick


def rewrite_alone_ms(repeat: int = 15) -> float:
    """CPU ms of one first rewrite of the seed page in elder mode, in this process (distinct URLs)."""
    from eldermode.transforms import Context, Profile
    from eldermode.transforms.pipeline import rewrite_page

    services = page_services()
    body = (SITE / "report-2020.html").read_bytes()
    count = iter(range(10**9))

    def run():
        rewrite_page(body, "text/html", Context(profile=Profile(mode="elder"), url=f"/r.html?cold={next(count)}",
                                                services=services, options=services.page_options))

    return timed(run, repeat) * 1000


def bench_cold(seconds: int) -> None:
    """Every request a first rewrite (elder), 20 connections, 1 and 2 workers; warm for comparison."""
    print(f"## Cold elder traffic: every request a different page (wrk, 20 connections, {seconds} s)")
    upstream_proc, upstream = start_upstream(SITE)
    variants = [("eldermode", False)] + ([("before (--baseline)", True)] if BASELINE else [])
    print(f"{'build':<22} {'workers':>7} {'traffic':<6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'originals':>10} "
          f"{'CPU ms/req':>11} {'loop':>6} {'rewrite':>8}")
    try:
        for workers in (1, 2):
            for label, baseline in variants:
                proc, base = start_eldermode(upstream, workers, baseline=baseline)
                try:
                    wrk(base + "/report-2020.html?cold=warmup", 2, 2, "eldermode=elder", lua=COLD_LUA)
                    for traffic, lua in (("cold", COLD_LUA), ("warm", None)):
                        main, other = group_thread_cpu(proc.pid)
                        r = wrk(base + "/report-2020.html", 20, seconds, "eldermode=elder", lua=lua)
                        main2, other2 = group_thread_cpu(proc.pid)
                        per = 1000 / (r["requests"] or 1)
                        loop, rewrite = (main2 - main) * per, (other2 - other) * per
                        originals = f"{r['fallbacks']}" if lua else "-"
                        print(f"{label:<22} {workers:>7} {traffic:<6} {r['rps']:8.0f} {r['p50']:8.1f} {r['p99']:8.1f} "
                              f"{originals:>10} {loop + rewrite:11.2f} {loop:6.2f} {rewrite:8.2f}", flush=True)
                finally:
                    stop(proc)
            print(f"  the same first rewrite alone, in this process, same minute: {rewrite_alone_ms():.1f} ms CPU")
    finally:
        stop(upstream_proc)
    print("(originals: responses that were the original page — Eldermode-Fallback — or not 200; CPU ms/req: the\n"
          " proxy's own CPU per request, split into its event loops (loop) and its other threads (rewrite: the\n"
          " rewrite thread); an idle 2-core machine serves at most 2000 / that many requests per second. CPU\n"
          " time still grows on a busy machine (shared caches), hence the rewrite alone measured beside it)")
    print()


# ---------------------------------------------------------------- process pool or workers


_POOL_SERVICES = None


def _pool_start() -> None:
    global _POOL_SERVICES
    _POOL_SERVICES = page_services()


def _pool_rewrite(body: bytes, url: str) -> bytes:
    from eldermode.transforms import Context, Profile
    from eldermode.transforms.pipeline import rewrite_page

    return rewrite_page(body, "text/html", Context(profile=Profile(mode="elder"), url=url, services=_POOL_SERVICES,
                                                   options=_POOL_SERVICES.page_options))


def _pool_echo(body: bytes, size: int) -> bytes:
    return bytes(size)


def bench_pool(pages: int = 40) -> None:
    """Issue 13 item 2: rewrites on every core by a process pool in each worker, or by N workers.

    Measured: first rewrites a second of 1 thread, 2 threads (one process: the GIL) and a pool of
    2 processes; and what a pool adds to each page — shipping the page out and the rewrite back —
    in the process that would run the event loop.
    """
    from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

    print(f"## Process pool or worker processes ({pages} distinct first rewrites, elder, seed page)")
    _pool_start()
    body = (SITE / "report-2020.html").read_bytes()
    out_size = len(_pool_rewrite(body, "/r.html"))
    urls = [f"/r.html?pool={i}" for i in range(pages)]
    rates = {}
    start = time.perf_counter()
    for url in urls:
        _pool_rewrite(body, url)
    rates["1 thread"] = pages / (time.perf_counter() - start)
    with ThreadPoolExecutor(2) as threads:
        list(threads.map(_pool_rewrite, [body] * 4, urls[:4]))
        start = time.perf_counter()
        list(threads.map(_pool_rewrite, [body] * pages, urls))
        rates["2 threads, 1 process"] = pages / (time.perf_counter() - start)
    with ProcessPoolExecutor(2, initializer=_pool_start) as pool:
        list(pool.map(_pool_rewrite, [body] * 8, urls[:8]))  # both processes warm
        start = time.perf_counter()
        list(pool.map(_pool_rewrite, [body] * pages, urls))
        rates["pool of 2 processes"] = pages / (time.perf_counter() - start)
        n = 200
        cpu, wall = time.process_time(), time.perf_counter()
        for _ in range(n):
            pool.submit(_pool_echo, body, out_size).result()
        cpu, wall = (time.process_time() - cpu) / n * 1000, (time.perf_counter() - wall) / n * 1000
    print("  ".join(f"{label}: {rate:.1f}/s" for label, rate in rates.items()))
    print(f"a pool's cost per page in the event-loop process: {cpu:.2f} ms CPU, {wall:.2f} ms round trip "
          f"({len(body) // 1024} KB out, {out_size // 1024} KB back); one rewrite alone: {rewrite_alone_ms():.1f} ms CPU")
    print()


# ---------------------------------------------------------------- memory


def peak_rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


def current_rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+) kB", status).group(1))


def bench_memory(megabytes: int = 200) -> None:
    print(f"## Memory while proxying a {megabytes} MB download")
    root = Path(tempfile.mkdtemp(prefix="em-download-"))
    root.chmod(0o755)  # nginx workers run as an unprivileged user
    (root / "report-2020.html").write_bytes((SITE / "report-2020.html").read_bytes())
    with open(root / "big.bin", "wb") as f:
        block = os.urandom(1024 * 1024)
        for _ in range(megabytes):
            f.write(block)
    upstream_proc, upstream = start_upstream(root)
    eldermode_proc, eldermode = start_eldermode(upstream)
    try:
        before = current_rss_kib(eldermode_proc.pid)
        start_time = time.perf_counter()
        size = 0
        with urllib.request.urlopen(eldermode + "/big.bin", timeout=120) as response:
            while chunk := response.read(1024 * 1024):
                size += len(chunk)
        elapsed = time.perf_counter() - start_time
        peak = peak_rss_kib(eldermode_proc.pid)
        print(f"downloaded {size / 1e6:.0f} MB in {elapsed:.2f} s ({size / 1e6 / elapsed:.0f} MB/s); proxy RSS before "
              f"{before / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB (growth {(peak - before) / 1024:.1f} MiB)")
    finally:
        stop(eldermode_proc)
        stop(upstream_proc)
        shutil.rmtree(root, ignore_errors=True)
    print()


def bench_memory_mixed(requests: int) -> None:
    """Resident memory of one worker after ``requests`` mixed requests (first rewrites, repeats, off, images).

    With ``--baseline`` the older build runs the same traffic at the same time, on its own proxy and upstream.
    """
    import threading

    cache_mib = 64
    print(f"## Memory after {requests} mixed requests (1 worker, rewrite cache bound {cache_mib} MiB, 20 connections)")
    variants = [("now", False)] + ([("before", True)] if BASELINE else [])
    lines: dict[str, list[str]] = {}

    def one(label: str, baseline: bool) -> None:
        upstream_proc, upstream = start_upstream(SITE)
        proc, base = start_eldermode(upstream, 1, baseline=baseline,
                                     env={"ELDERMODE_REWRITE_CACHE_BYTES": str(cache_mib << 20)})
        try:
            time.sleep(1)
            start_rss = current_rss_kib(proc.pid)
            done = 0
            marks = []
            while done < requests:
                r = wrk(base + "/", 20, 10, lua=MIXED_LUA)
                done += r["requests"]
                marks.append((done, current_rss_kib(proc.pid)))
            end = current_rss_kib(proc.pid)
            trail = ", ".join(f"{n}: {rss / 1024:.0f}" for n, rss in marks)
            lines[label] = [f"{label}: RSS at start {start_rss / 1024:.1f} MiB; after {done} requests {end / 1024:.1f} "
                            f"MiB (+{(end - start_rss) / 1024:.1f} MiB; bound asked: cache {cache_mib} + 48 MiB)",
                            f"{label}: RSS (MiB) by requests done: {trail}"]
        finally:
            stop(proc)
            stop(upstream_proc)

    threads = [threading.Thread(target=one, args=variant) for variant in variants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for label, _ in variants:
        print("\n".join(lines.get(label, [f"{label}: failed"])))
    print()


# ---------------------------------------------------------------- page weight


def bench_weight() -> None:
    """Bytes on the wire for the seed page: original, rewritten, rewritten compressed (through the proxy)."""
    import gzip as gzip_module

    print("## Page weight of the seed report through the proxy (bytes on the wire)")
    upstream_proc, upstream = start_upstream(SITE)
    proc, base = start_eldermode(upstream, 1)
    try:
        original = (SITE / "report-2020.html").read_bytes()
        print(f"original {len(original):>8}   original gzip -6 {len(gzip_module.compress(original, 6)):>8}")
        for accept in ("identity", "gzip", "br, gzip"):
            request = urllib.request.Request(base + "/report-2020.html?eldermode=elder",
                                             headers={"Accept-Encoding": accept})
            with urllib.request.urlopen(request, timeout=30) as response:
                body = response.read()
                coding = response.headers.get("Content-Encoding", "identity")
                vary = response.headers.get("Vary", "")
            print(f"elder, Accept-Encoding: {accept:<9} → {coding:<8} {len(body):>8} bytes   Vary: {vary}")
    finally:
        stop(proc)
        stop(upstream_proc)
    print()


def extract_revision(rev: str) -> str:
    """A temporary directory holding revision ``rev``'s eldermode/{middleware,transforms,voices}, for --baseline."""
    import io
    import tarfile

    root = Path(tempfile.mkdtemp(prefix="em-before-"))
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev, "middleware", "transforms", "voices"],
                             capture_output=True, check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(root / "eldermode", filter="data")
    print(f"before: {rev} ({subprocess.run(['git', '-C', str(REPO), 'rev-parse', '--short', rev], capture_output=True, text=True).stdout.strip()}) from {root}")
    return str(root)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=("rewrite", "steps", "step-instructions", "proxy", "instructions", "cold",
                                           "pool", "memory", "weight"))
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration per measurement")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds of the pass-through measurement")
    parser.add_argument("--requests", type=int, default=30000, help="mixed requests for the memory run")
    parser.add_argument("--serve-first-rewrites", type=int, metavar="REPEAT", help=argparse.SUPPRESS)
    parser.add_argument("--serve-step-instructions", nargs=2, metavar=("MARKER", "LABELS"), help=argparse.SUPPRESS)
    parser.add_argument("--baseline", metavar="DIR",
                        help="an older eldermode to measure beside this one (DIR holds eldermode/{middleware,"
                             "transforms,voices}, e.g. from `git archive`), as the 'before' rows")
    parser.add_argument("--before", metavar="REV",
                        help="a git revision of this repository, extracted with `git archive` and measured as "
                             "--baseline")
    args = parser.parse_args()
    if args.serve_first_rewrites:
        serve_first_rewrites(args.serve_first_rewrites)
        return
    if args.serve_step_instructions:
        serve_step_instructions(*args.serve_step_instructions)
        return
    global BASELINE
    BASELINE = args.baseline or (extract_revision(args.before) if args.before else None)
    print(f"# eldermode core benchmark — {time.strftime('%Y-%m-%d %H:%M')} — {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}\n")
    if args.only in (None, "rewrite"):
        bench_first_rewrites()
        bench_rewrite()
    if args.only in (None, "rewrite", "steps"):
        bench_steps()
    if args.only == "step-instructions":  # (only when asked: ≈ 2 minutes, 4 with --before)
        bench_step_instructions()
    if args.only in (None, "proxy"):
        if shutil.which("wrk") is None:
            print("wrk not installed (apt-get install wrk): proxy throughput skipped\n")
        else:
            bench_proxy(args.seconds, args.rounds)
    if args.only == "instructions" and shutil.which("wrk") is not None:  # (only when asked: ≈ 8 minutes)
        bench_instructions(args.seconds)
    if args.only in (None, "cold"):
        if shutil.which("wrk") is None:
            print("wrk not installed (apt-get install wrk): cold traffic skipped\n")
        else:
            bench_cold(args.seconds)
    if args.only in (None, "pool"):
        bench_pool()
    if args.only in (None, "memory"):
        bench_memory()
        if shutil.which("wrk") is not None:
            bench_memory_mixed(args.requests)
    if args.only in (None, "weight"):
        bench_weight()


if __name__ == "__main__":
    main()
