"""Reads a browser's tables from the AT-SPI accessibility bus, as Orca would, and prints them as JSON.

Run with Debian's Python (``/usr/bin/python3``: python3-gi and gir1.2-atspi-2.0 are Debian
packages, the project's virtualenv cannot import ``gi``), on a display and session bus where an
AT-SPI bus launcher and the browser already run::

    /usr/bin/python3 tests/atspi_tables.py --app hromium --url http://127.0.0.1:8000/page.html

It finds the application whose name contains ``--app``, its ``DOCUMENT_WEB`` whose URL (or
name) matches, waits (bounded) until the document holds as many tables as ``--min-tables``, then
prints, for every ``TABLE`` in document order::

    {"caption": ..., "rows": n, "cols": m, "layout_guess": bool,
     "cells": [{"role": "cell"|"rowheader"|"columnheader", "row": r, "col": c, "rowspan": .., "colspan": ..,
                "text": ..., "row_headers": [text, ...], "col_headers": [text, ...]}]}

Header texts come from ``TableCell.get_row_header_cells`` / ``get_column_header_cells``: exactly
what a screen reader announces with the cell. This file imports nothing from eldermode (it runs
outside the project's interpreter); tests/test_tables_atspi.py drives it.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
import warnings

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402

warnings.simplefilter("ignore", DeprecationWarning)  # get_document_attributes: the only call both engines answer

_CELL_ROLES = {
    Atspi.Role.TABLE_CELL: "cell",
    Atspi.Role.COLUMN_HEADER: "columnheader",
    Atspi.Role.ROW_HEADER: "rowheader",
}
_TABLE_ROLES = {Atspi.Role.TABLE}
_SPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_BETWEEN_WIDE = re.compile(f"(?<=[{_WIDE}]) (?=[{_WIDE}])")


def normalise(text: str) -> str:
    """The project's rule for comparing texts: whitespace collapsed, none between two CJK characters."""
    text = _SPACE.sub(" ", text or "").strip()
    return _BETWEEN_WIDE.sub("", text)


def text_of(acc, depth: int = 0) -> str:
    """The text an accessible holds, embedded objects (U+FFFC) replaced by their own text."""
    if acc is None or depth > 30:
        return ""
    try:
        raw = Atspi.Text.get_text(acc, 0, -1) if acc.get_text_iface() is not None else None
    except Exception:  # noqa: BLE001 - a node that vanished while we read it
        raw = None
    if raw is None:
        parts = [text_of(acc.get_child_at_index(i), depth + 1) for i in range(acc.get_child_count())]
        return " ".join(p for p in parts if p) or (acc.get_name() or "")
    if "\ufffc" not in raw:
        return raw
    children = [acc.get_child_at_index(i) for i in range(acc.get_child_count())]
    out, k = [], 0
    for ch in raw:
        if ch == "\ufffc":
            out.append(" " + text_of(children[k] if k < len(children) else None, depth + 1) + " ")
            k += 1
        else:
            out.append(ch)
    return "".join(out)


def cell_label(acc) -> str:
    return normalise(text_of(acc) or acc.get_name() or "")


def find(acc, roles, out, depth=0, inside_roles=()):
    """Descendants of ``acc`` with one of ``roles``, in document order (not descending into matches)."""
    if acc is None or depth > 200:
        return out
    for i in range(acc.get_child_count()):
        child = acc.get_child_at_index(i)
        if child is None:
            continue
        if child.get_role() in roles:
            out.append(child)
        else:
            find(child, roles, out, depth + 1)
    return out


def all_tables(acc, out, depth=0):
    """Every TABLE under ``acc``, nested ones too (after their parent), in document order."""
    if acc is None or depth > 200:
        return out
    for i in range(acc.get_child_count()):
        child = acc.get_child_at_index(i)
        if child is None:
            continue
        if child.get_role() in _TABLE_ROLES:
            out.append(child)
        all_tables(child, out, depth + 1)
    return out


def read_table(table) -> dict:
    attrs = table.get_attributes() or {}
    caption = Atspi.Table.get_caption(table)
    cells = []
    for cell in find(table, set(_CELL_ROLES), []):
        ok_pos = Atspi.TableCell.get_position(cell)
        row, col = (ok_pos[1], ok_pos[2]) if isinstance(ok_pos, tuple) and len(ok_pos) == 3 else (-1, -1)
        spans = Atspi.TableCell.get_row_column_span(cell)
        rowspan, colspan = (spans[3], spans[4]) if isinstance(spans, tuple) and len(spans) >= 5 else (1, 1)
        cells.append({
            "role": _CELL_ROLES[cell.get_role()],
            "row": row,
            "col": col,
            "rowspan": rowspan,
            "colspan": colspan,
            "text": cell_label(cell),
            "row_headers": [cell_label(h) for h in Atspi.TableCell.get_row_header_cells(cell) or []],
            "col_headers": [cell_label(h) for h in Atspi.TableCell.get_column_header_cells(cell) or []],
        })
    name = normalise(table.get_name() or "")
    return {
        # The name screen readers announce for the table (from aria-label, else the <caption>); Chromium
        # answers get_caption with nothing, so the caption's own text is only the fallback.
        "caption": name or (cell_label(caption) if caption is not None else ""),
        "name": name,
        "rows": Atspi.Table.get_n_rows(table),
        "cols": Atspi.Table.get_n_columns(table),
        "layout_guess": str(attrs.get("layout-guess", "")).lower() == "true",
        "cells": cells,
    }


def document_url(doc) -> str:
    # Chromium calls it URI, Firefox DocURL.
    try:
        attrs = Atspi.Document.get_document_attributes(doc) or {}
    except Exception:  # noqa: BLE001 - a document that went away
        return ""
    return attrs.get("URI") or attrs.get("DocURL") or ""


def find_document(app_name: str, url: str, title: str):
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is None or app_name.lower() not in (app.get_name() or "").lower():
            continue
        for doc in find(app, {Atspi.Role.DOCUMENT_WEB}, []):
            if url and document_url(doc) == url:
                return doc
            if title and normalise(doc.get_name() or "") == normalise(title):
                return doc
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--app", default="hromium", help="part of the application's name (hromium, Firefox)")
    ap.add_argument("--url", default="", help="the document's URL (DocURL)")
    ap.add_argument("--title", default="", help="or the document's title")
    ap.add_argument("--min-tables", type=int, default=0, help="wait until at least this many tables exist")
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("--reads", type=int, default=1, help="read this many times, report the last")
    args = ap.parse_args()
    deadline = time.monotonic() + args.timeout
    doc = None
    tables = []
    while time.monotonic() < deadline:
        doc = find_document(args.app, args.url, args.title)
        if doc is not None:
            tables = all_tables(doc, [])
            if len(tables) >= args.min_tables and (tables or args.min_tables == 0):
                break
        time.sleep(0.3)
    if doc is None:
        print(json.dumps({"error": f"no document {args.url or args.title!r} in an application like {args.app!r}"}))
        return 2
    result = []
    for _ in range(max(1, args.reads)):
        if args.reads > 1:
            time.sleep(0.5)
        result = [read_table(t) for t in all_tables(doc, [])]
    print(json.dumps({"url": document_url(doc), "title": doc.get_name(), "tables": result}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
