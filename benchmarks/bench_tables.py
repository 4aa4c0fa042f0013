"""Cost of the ``tables`` transform: the seed page, the project's own table pages, a generated 100 x 50 table, scaling.

Run: ``python benchmarks/bench_tables.py [--before REV]`` (prints numbers; nothing is asserted).
Targets (issue 9): inference + annotation (classification, forming the table, inference, the
colspan repair, annotation with the split by section) on the seed page within 1x the page's lxml
parse + serialise time; shown beside it: the same with the linear reading of every data cell
(TableReading, timed apart by wrapping the step's ``read``), and the whole step (with the in-page
readings); cost linear in cells.

``--before REV`` measures the same pages with the tables code of git revision ``REV`` (extracted
with ``git archive`` into a temporary directory and run in a worker process) side by side: each
round times the floor, this tree and ``REV`` one after the other, so a busy machine slows all
three alike; the minimum over the rounds is printed.

``--instructions`` counts instead the CPU instructions of the whole tables step (and of the
floor) under ``valgrind --tool=callgrind``: the same on a loaded machine as on a quiet one. Each
count is a process that runs the step twice minus one that stops just before (imports, parsing and
a warm-up run are in both), halved.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "tests" / "fixtures" / "pages" / "report-2020.html"
OWN = REPO / "tests" / "fixtures" / "tables" / "pages"


def _timers():
    """Timers by kind ("floor", "core", "step"): each takes page bytes and returns {measure: seconds} of one run."""
    from eldermode.transforms import Context, Profile
    from eldermode.transforms.document import parse_document, serialize_document
    from eldermode.transforms.tables import annotate_tables, read_tables
    from eldermode.transforms.tables import transform as steps

    # The linear reading (one sentence per data cell) is output, not inference or annotation: timed apart.
    reading = [0.0]
    read = steps.read

    def timed_read(*args, **kwargs):
        start = time.perf_counter()
        try:
            return read(*args, **kwargs)
        finally:
            reading[0] += time.perf_counter() - start

    steps.read = timed_read

    def floor(body: bytes) -> dict:
        start = time.perf_counter()
        serialize_document(parse_document(body))
        return {"floor": time.perf_counter() - start}

    def core(body: bytes) -> dict:
        doc = parse_document(body)  # not timed
        reading[0] = 0.0
        start = time.perf_counter()
        read_tables(doc.root.find("body"), "zh-CN")
        total = time.perf_counter() - start
        return {"core": total - reading[0], "core+reading": total}

    def step(body: bytes) -> dict:
        doc = parse_document(body)
        start = time.perf_counter()
        annotate_tables(doc.root, Context(profile=Profile(mode="access")))
        return {"step": time.perf_counter() - start}

    return {"floor": floor, "core": core, "step": step}


def _min_of(fn, body: bytes, repeat: int) -> dict:
    best: dict = {}
    for _ in range(repeat):
        for key, value in fn(body).items():
            best[key] = min(best.get(key, value), value)
    return best


class Before:
    """The tables code of another git revision, timed in a worker process (``--worker``)."""

    def __init__(self, rev: str):
        self.rev = rev
        self.tmp = tempfile.TemporaryDirectory(prefix="bench-tables-")
        src = Path(self.tmp.name) / "src"
        src.mkdir()
        archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", str(src)], input=archive, check=True)
        # The package layout the editable install maps (eldermode.transforms -> transforms/, …), as a
        # directory placed first on sys.path: a regular package there wins over the editable finder.
        shim = Path(self.tmp.name) / "shim" / "eldermode"
        shim.mkdir(parents=True)
        (shim / "__init__.py").write_text("")
        for name in ("transforms", "voices", "middleware"):
            if (src / name).is_dir():
                (shim / name).symlink_to(src / name)
        self.shim = shim.parent
        env = dict(os.environ, BENCH_TABLES_SHIM=str(shim.parent))
        self.worker = subprocess.Popen(
            [sys.executable, __file__, "--worker"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)

    def min_of(self, kind: str, path: Path, repeat: int) -> dict:
        self.worker.stdin.write(json.dumps([kind, str(path), repeat]) + "\n")
        self.worker.stdin.flush()
        return json.loads(self.worker.stdout.readline())

    def close(self) -> None:
        self.worker.stdin.close()
        self.worker.wait()
        self.tmp.cleanup()


def worker() -> None:
    sys.path.insert(0, os.environ["BENCH_TABLES_SHIM"])
    timers = _timers()
    import eldermode.transforms.tables as tables

    assert str(Path(tables.__file__).resolve()).startswith(str(Path(os.environ["BENCH_TABLES_SHIM"]).parent)), (
        "worker imported the wrong tree")
    for line in sys.stdin:
        kind, path, repeat = json.loads(line)
        print(json.dumps(_min_of(timers[kind], Path(path).read_bytes(), repeat)), flush=True)


def bench_page(name: str, path: Path, timers, before: Before | None, repeat: int, rounds: int = 5) -> None:
    body = path.read_bytes()
    best: dict[str, float] = {}

    def keep(found: dict, prefix: str = "") -> None:
        for key, value in found.items():
            best[prefix + key] = min(best.get(prefix + key, value), value)

    per = max(1, repeat // rounds)
    for _ in range(rounds):
        for kind in ("floor", "core", "step"):
            keep(_min_of(timers[kind], body, per))
            if before is not None and kind != "floor":
                keep(before.min_of(kind, path, per), "before ")
    floor = best["floor"]
    out = [f"{name}:", f"  {'lxml parse+serialise':<30} {floor * 1e3:7.2f} ms"]
    for label, key in (("inference+annotation", "core"), ("  + the linear reading", "core+reading"),
                       ("whole tables step", "step")):
        for prefix, shown in (("", label), ("before ", f"    before ({before.rev})" if before else "")):
            if prefix + key in best:
                out.append(f"  {shown:<30} {best[prefix + key] * 1e3:7.2f} ms  ({best[prefix + key] / floor:.0%} of "
                           "parse+serialise)")
    print("\n".join(out), flush=True)


def grid_page(rows: int, cols: int, levels: int = 3) -> bytes:
    """A td-only report table: ``levels`` header rows over ``cols`` columns, 2 row-header columns, a corner note."""
    data_cols = cols - 2
    parts = ["<html><head><meta charset=utf-8></head><body><p>一、生成的统计表</p><table border=1>"]
    for level in range(levels):
        row = ["<tr>"]
        if level == 0:
            row.append(f"<td colspan=2 rowspan={levels}>（单位：件，本表为生成的测试数据）</td>")
        width = max(1, data_cols // (2 * 4 ** (levels - 1 - level))) if level < levels - 1 else 1
        x = 0
        n = 0
        while x < data_cols:
            span = min(width, data_cols - x)
            row.append(f"<td colspan={span}>第{level + 1}级{n}</td>" if span > 1 else f"<td>第{level + 1}级{n}</td>")
            x += span
            n += 1
        row.append("</tr>")
        parts.append("".join(row))
    for r in range(rows - levels):
        row = ["<tr>"]
        if r % 10 == 0:
            row.append(f"<td rowspan={min(10, rows - levels - r)}>分组{r // 10}</td>")
        row.append(f"<td>项目{r}</td>")
        row.extend(f"<td>{(r * 31 + c * 7) % 1000}</td>" for c in range(data_cols))
        row.append("</tr>")
        parts.append("".join(row))
    parts.append("</table></body></html>")
    return "".join(parts).encode("utf-8")


def count_run(kind: str, page: str, runs: int) -> None:
    """The ``--count`` side of :func:`bench_instructions`: parse ``page`` three times, warm up, then run
    ``kind`` ("step", or "floor": parse + serialise) ``runs`` times (the first parses are in both processes)."""
    if os.environ.get("BENCH_TABLES_SHIM"):
        sys.path.insert(0, os.environ["BENCH_TABLES_SHIM"])
    from eldermode.transforms import Context, Profile
    from eldermode.transforms.document import parse_document, serialize_document
    from eldermode.transforms.tables import annotate_tables

    body = Path(page).read_bytes()
    docs = [parse_document(body) for _ in range(3)]
    annotate_tables(docs[0].root, Context(profile=Profile(mode="access")))  # caches warm, lazy imports done
    serialize_document(docs[0])
    for doc in docs[1:1 + runs]:
        if kind == "step":
            annotate_tables(doc.root, Context(profile=Profile(mode="access")))
        else:
            serialize_document(parse_document(body))  # the floor: the page's lxml parse + serialise


def _instructions(kind: str, page: Path, env: dict) -> int:
    def collected(runs: int) -> int:
        out = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable,
                              __file__, "--count", kind, str(page), str(runs)],
                             capture_output=True, text=True, env=env, check=True).stderr
        return int(re.search(r"Collected : (\d+)", out).group(1))

    return (collected(2) - collected(0)) // 2


def bench_instructions(before: Before | None) -> None:
    """Instructions of one tables step (this tree and ``before``) and of the floor, seed page and 100 × 50."""
    if shutil.which("valgrind") is None:
        print("--instructions needs valgrind (Debian package valgrind)")
        return
    generated = Path(tempfile.mkdtemp(prefix="bench-tables-pages-"))
    big = generated / "grid-100x50.html"
    big.write_bytes(grid_page(100, 50))
    env = dict(os.environ, PYTHONHASHSEED="0")  # (string hashes decide set and dict layouts: fixed, so counts repeat)
    env.pop("BENCH_TABLES_SHIM", None)
    print("instructions (callgrind), millions: the whole tables step (access mode); the floor (lxml parse + serialise)")
    try:
        for label, page in (("seed page report-2020.html", SEED), ("generated 100 x 50 table", big)):
            now = _instructions("step", page, env)
            row = f"  {label:<28} tables step {now / 1e6:8.1f}"
            if before is not None:
                then = _instructions("step", page, dict(env, BENCH_TABLES_SHIM=str(before.shim)))
                row += f", before ({before.rev}) {then / 1e6:8.1f} ({now / then - 1:+.0%})"
            floor = _instructions("floor", page, env)
            row += f"; floor {floor / 1e6:6.1f} (step {now / floor:.1f}x floor)"
            print(row, flush=True)
    finally:
        big.unlink()
        generated.rmdir()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", metavar="REV", help="also time the tables code of this git revision")
    parser.add_argument("--instructions", action="store_true",
                        help="count CPU instructions under callgrind instead of timing (slow, repeatable)")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count", nargs=3, metavar=("KIND", "PAGE", "RUNS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker()
        return
    if args.count:
        count_run(args.count[0], args.count[1], int(args.count[2]))
        return
    if args.instructions:
        before = Before(args.before) if args.before else None
        try:
            bench_instructions(before)
        finally:
            if before is not None:
                before.close()
        return
    from eldermode.transforms.tables import MAX_CELLS

    timers = _timers()
    before = Before(args.before) if args.before else None
    print(f"python {sys.version.split()[0]}; minimum over rounds; this tree"
          + (f" and {args.before} side by side" if before else ""))
    generated = Path(tempfile.mkdtemp(prefix="bench-tables-pages-"))
    try:
        if SEED.exists():
            bench_page("seed page report-2020.html (3 data tables, 201 data cells)", SEED, timers, before, repeat=200)
        for path in sorted(OWN.glob("*.html")):
            bench_page(f"own page {path.name}", path, timers, before, repeat=50)
        big = generated / "grid-100x50.html"
        big.write_bytes(grid_page(100, 50))
        bench_page("generated 100 x 50 table, 3-level headers (4,800 data cells)", big, timers, before, repeat=20)
        print("scaling (generated tables, 3-level headers), whole tables step:")
        for rows, cols in ((25, 40), (50, 40), (100, 40), (200, 40), (400, 40), (800, 40)):
            page = generated / f"grid-{rows}x{cols}.html"
            page.write_bytes(grid_page(rows, cols))
            cells = rows * cols
            now = _min_of(timers["step"], page.read_bytes(), 5)["step"]
            then = f", before {before.min_of('step', page, 5)['step'] / cells * 1e6:.2f}" if before else ""
            note = f"  (more than MAX_CELLS={MAX_CELLS}: classified and formed, then left alone)" if cells > MAX_CELLS else ""
            print(f"  {rows:>4} x {cols} = {cells:>6} cells: min {now * 1e3:8.1f} ms, "
                  f"{now / cells * 1e6:.2f} us per cell{then}{note}", flush=True)
    finally:
        for page in generated.iterdir():
            page.unlink()
        generated.rmdir()
        if before is not None:
            before.close()


if __name__ == "__main__":
    main()
