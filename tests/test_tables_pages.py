"""The project's own table pages read by ``read_page`` (what ``eldermode tables`` and the JSON endpoint give).

Each page's readings must match its hand-written golden (tests/golden/tables/pages/): the
same tables in order, each with the golden's caption and description, and every data cell
with the golden's row path and column path (as sets) and value — nothing missing, nothing extra.
Mode off must stay byte-identical for every page.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import tables_golden

from eldermode.transforms.tables import read_page

PAGES = Path(__file__).parent / "fixtures" / "tables" / "pages"
NAMES = sorted(p.stem for p in PAGES.glob("*.html"))


def key(row, col, value):
    return (frozenset(row), frozenset(col), value)


@pytest.mark.parametrize("name", NAMES)
def test_readings_match_the_golden(name):
    golden = tables_golden.load(f"pages/{name}.json")
    readings = read_page((PAGES / f"{name}.html").read_bytes(), "text/html; charset=utf-8")
    assert [(r.caption, r.description) for r in readings] == [(g["caption"], g["description"]) for g in golden]
    for reading, table in zip(readings, golden):
        heard = Counter(key(c.row, c.col, c.value) for c in reading.cells)
        want = Counter(key(c["row"], c["col"], c["value"]) for c in tables_golden.golden_cells(table))
        assert heard == want, (table["caption"], want - heard, heard - want)


def test_the_pages_hold_at_least_30_data_tables():
    assert sum(len(tables_golden.load(f"pages/{n}.json")) for n in NAMES) >= 30


@pytest.mark.parametrize("name", NAMES)
def test_mode_off_is_byte_identical(name):
    # Through the real middleware (test_core_middleware's helpers), without the entry link.
    from test_core_middleware import call, run, upstream, wrap

    body = (PAGES / f"{name}.html").read_bytes()
    _, _, sent, _ = run(call(wrap(upstream(body), entry_link=False), query=b"eldermode=off"))
    assert sent == body
