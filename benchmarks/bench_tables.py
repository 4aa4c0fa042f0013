"""Cost of the ``tables`` transform: the seed page, the project's own table pages, a generated 100 x 50 table, scaling.

Run: ``python benchmarks/bench_tables.py`` (prints numbers; nothing is asserted).
Targets (issue 9): inference + annotation (classification, inference, annotation with the
split by section, reading) on the seed page within 1x the page's lxml parse + serialise
time; the whole step (with the in-page linear readings) is shown beside it; cost linear in cells.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from eldermode.transforms import Context, Profile
from eldermode.transforms.document import parse_document, serialize_document
from eldermode.transforms.tables import MAX_CELLS, annotate_tables, read_tables

REPO = Path(__file__).resolve().parents[1]
SEED = REPO / "tests" / "fixtures" / "pages" / "report-2020.html"
OWN = REPO / "tests" / "fixtures" / "tables" / "pages"


def timed(fn, setup=lambda: None, repeat: int = 30) -> tuple[float, float]:
    """(min, median) seconds of ``fn(setup())`` over ``repeat`` runs; setup is not timed."""
    samples = []
    for _ in range(repeat):
        arg = setup()
        start = time.perf_counter()
        fn(arg)
        samples.append(time.perf_counter() - start)
    return min(samples), statistics.median(samples)


def tables_step(doc) -> None:
    annotate_tables(doc.root, Context(profile=Profile(mode="access")))


def infer_and_annotate(doc) -> None:
    read_tables(doc.root.find("body"), "zh-CN")


def bench_page(name: str, body: bytes, repeat: int) -> None:
    parse_min, parse_med = timed(lambda _: serialize_document(parse_document(body)), repeat=repeat)
    core_min, core_med = timed(infer_and_annotate, setup=lambda: parse_document(body), repeat=repeat)
    step_min, step_med = timed(tables_step, setup=lambda: parse_document(body), repeat=repeat)
    print(f"{name}:\n  lxml parse+serialise  min {parse_min * 1e3:7.2f} ms  median {parse_med * 1e3:7.2f} ms\n"
          f"  inference+annotation  min {core_min * 1e3:7.2f} ms  median {core_med * 1e3:7.2f} ms"
          f"  ({core_min / parse_min:.0%} of parse+serialise, by minimum)\n"
          f"  whole tables step     min {step_min * 1e3:7.2f} ms  median {step_med * 1e3:7.2f} ms"
          f"  ({step_min / parse_min:.0%})")


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


def main() -> None:
    print(f"python {sys.version.split()[0]}")
    if SEED.exists():
        bench_page("seed page report-2020.html (3 data tables, 201 data cells)", SEED.read_bytes(), repeat=100)
    for path in sorted(OWN.glob("*.html")):
        bench_page(f"own page {path.name}", path.read_bytes(), repeat=50)
    bench_page("generated 100 x 50 table, 3-level headers (4,800 data cells)", grid_page(100, 50), repeat=20)
    print("scaling (generated tables, 3-level headers):")
    for rows, cols in ((25, 40), (50, 40), (100, 40), (200, 40), (400, 40), (800, 40)):
        body = grid_page(rows, cols)
        cells = rows * cols
        step_min, step_med = timed(tables_step, setup=lambda b=body: parse_document(b), repeat=5)
        note = f"  (more than MAX_CELLS={MAX_CELLS}: classified and formed, then left alone)" if cells > MAX_CELLS else ""
        print(f"  {rows:>4} x {cols} = {cells:>6} cells: min {step_min * 1e3:8.1f} ms, "
              f"{step_min / cells * 1e6:.2f} us per cell{note}")


if __name__ == "__main__":
    main()
