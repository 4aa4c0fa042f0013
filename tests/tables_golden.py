"""Hand-written table goldens and the exact-set comparison every table reader test uses.

A golden file (tests/golden/tables/*.json) is a list of tables, each
``{"caption", "description", "cells": [{"row": [...], "col": [...], "value": ...}]}``
or, for the project's own pages, written more compactly as blocks of a grid:
``{"caption", "description", "blocks": [{"rows": [row path, ...], "cols": [col path, ...],
"values": [[...], ...]}]}`` — cell (i, j) of a block is heard as ``rows[i]``, ``cols[j]``,
``values[i][j]``; a value ``null`` means there is no data cell there.

What a reader reports (the AT-SPI tree of a browser, or the HTML standard's algorithm on
the annotated page) is a list of tables ``{"caption", "layout_guess", "cells": [{"role",
"text", "row_headers", "col_headers"}]}``. A data cell is exact when its row header cells
and its column header cells, as sets of texts, equal the golden's row path and column path.
A table split into one table per section (each section brings its own header rows) is
heard with the section as the part table's caption, ``"<caption>：<section>"``: the
section then counts as the outermost row header of that part's cells.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden" / "tables"
_SPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_BETWEEN_WIDE = re.compile(f"(?<=[{_WIDE}]) (?=[{_WIDE}])")
SECTION_SEPARATOR = "："


def normalise(text: str) -> str:
    text = _SPACE.sub(" ", text or "").strip()
    return _BETWEEN_WIDE.sub("", text)


def golden_cells(table: dict) -> list[dict]:
    """Every data cell of a golden table as {"row", "col", "value"}."""
    if "cells" in table:
        return [{"row": c["row"], "col": c["col"], "value": c["value"]} for c in table["cells"]]
    out = []
    for block in table["blocks"]:
        assert len(block["values"]) == len(block["rows"]), (table.get("caption"), "values/rows")
        for row, values in zip(block["rows"], block["values"]):
            assert len(values) == len(block["cols"]), (table.get("caption"), row, "values/cols")
            for col, value in zip(block["cols"], values):
                if value is not None:
                    out.append({"row": row, "col": col, "value": value})
    return out


def load(name: str) -> list[dict]:
    return json.loads((GOLDEN / name).read_text(encoding="utf-8"))


def _key(row, col, value) -> tuple:
    return (frozenset(normalise(r) for r in row), frozenset(normalise(c) for c in col), normalise(value))


@dataclass
class Score:
    exact: int = 0
    total: int = 0
    missing: list = field(default_factory=list)  # golden cells not heard exactly
    extra: list = field(default_factory=list)  # data cells heard that the golden does not have
    captions: list = field(default_factory=list)  # (expected, heard) where they differ

    def __str__(self) -> str:
        return f"{self.exact}/{self.total} exact"

    def details(self, limit: int = 12) -> str:
        lines = [str(self)]
        lines += [f"  caption: want {w!r} heard {h!r}" for w, h in self.captions[:limit]]
        lines += [f"  missing: {m}" for m in self.missing[:limit]]
        lines += [f"  extra:   {e}" for e in self.extra[:limit]]
        return "\n".join(lines)

    def add(self, other: "Score") -> None:
        self.exact += other.exact
        self.total += other.total
        self.missing += other.missing
        self.extra += other.extra
        self.captions += other.captions


def data_tables(heard: list[dict]) -> list[dict]:
    """Tables a screen reader treats as data tables and that have at least one header cell."""
    return [t for t in heard if not t.get("layout_guess")
            and any(c["role"] != "cell" or c["row_headers"] or c["col_headers"] for c in t["cells"])]


def compare(golden: list[dict], heard: list[dict]) -> Score:
    """Exact-set comparison of every golden data cell with what the reader reported, table by table."""
    score = Score()
    tables = data_tables(heard)
    k = 0
    for table in golden:
        want = golden_cells(table)
        score.total += len(want)
        caption = normalise(table.get("caption", ""))
        parts = []
        # This golden table's reading: one reported table, or consecutive parts "<caption>：<section>".
        while k < len(tables):
            said = normalise(tables[k]["caption"])
            if not parts and (said == caption or not caption):
                parts.append((tables[k], ""))
                k += 1
                break
            if said.startswith(caption + SECTION_SEPARATOR) if caption else False:
                parts.append((tables[k], said[len(caption) + 1:]))
                k += 1
                continue
            if not parts:
                score.captions.append((caption, said))
                parts.append((tables[k], ""))
                k += 1
            break
        heard_keys: Counter = Counter()
        for part, section in parts:
            for c in part["cells"]:
                if c["role"] != "cell":
                    continue
                row = ([section] if section else []) + c["row_headers"]
                if not c["text"] and not row and not c["col_headers"]:
                    continue  # an empty cell heading nothing and headed by nothing: not a value
                heard_keys[_key(row, c["col_headers"], c["text"])] += 1
        for cell in want:
            key = _key(cell["row"], cell["col"], cell["value"])
            if heard_keys[key] > 0:
                heard_keys[key] -= 1
                score.exact += 1
            else:
                score.missing.append((caption, cell["row"], cell["col"], cell["value"]))
        for key, n in heard_keys.items():
            if n > 0:
                score.extra.append((caption, sorted(key[0]), sorted(key[1]), key[2], n))
    for t in tables[k:]:
        score.extra.append(("(table not in the golden)", t["caption"], len(t["cells"])))
    return score


def standard_reading(html: bytes | str, content_type: str = "text/html; charset=utf-8") -> list[dict]:
    """What the HTML standard's algorithm (ids/headers, scope; what Firefox honours) gives on a page.

    Same shape as the AT-SPI reader's output; a table with no header cell is reported as a
    layout guess (browsers and the standard give its cells nothing).
    """
    from eldermode.transforms.document import parse_document
    from eldermode.transforms.tables.model import HeaderAssigner, document_id_lookup, form_table
    from eldermode.transforms.tables.text import cell_text

    body = html.encode("utf-8") if isinstance(html, str) else html
    root = parse_document(body, content_type).root
    lookup = document_id_lookup(root)
    out = []
    for table_el in root.iter("table"):
        t = form_table(table_el)
        # The table's accessible name: aria-label, else its caption (what both browsers announce).
        caption = (table_el.get("aria-label") or "").strip() or (cell_text(t.caption) if t.caption is not None else "")
        assigner = HeaderAssigner(t, lookup)
        cells = []
        for c in t.cells:
            parts = assigner.parts(c)
            text = cell_text(c.element)
            role = "cell"
            if c.is_header:
                role = "columnheader" if t.is_column_header(c) or c.scope in ("col", "colgroup") else "rowheader"
            cells.append({"role": role, "text": text,
                          "row_headers": [cell_text(h.element) for h in parts.row + parts.rowgroup],
                          "col_headers": [cell_text(h.element) for h in parts.col + parts.colgroup]})
        out.append({"caption": caption, "layout_guess": not any(c.is_header for c in t.cells), "cells": cells})
    return out
