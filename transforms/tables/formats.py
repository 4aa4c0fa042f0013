"""Output formats of readings: text (one sentence a line), JSON, CSV."""

from __future__ import annotations

import csv
import io
import json

from .reading import TableReading

def format_readings(readings: list[TableReading], fmt: str = "text") -> str:
    """The readings as ``text`` (summary + one sentence a line), ``json`` or ``csv`` (one record per cell)."""
    if fmt == "json":
        return json.dumps([r.as_dict() for r in readings], ensure_ascii=False, indent=1)
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["table", "caption", "row", "col", "rowspan", "colspan", "row_path", "col_path", "value"])
        for r in readings:
            for c in r.cells:
                writer.writerow([r.index, r.caption, c.y, c.x, c.rowspan, c.colspan,
                                 " › ".join(c.row), " › ".join(c.col), c.value])
        return out.getvalue()
    if fmt != "text":
        raise ValueError(f"unknown format {fmt!r}: expected text, json or csv")
    lines: list[str] = []
    for r in readings:
        if lines:
            lines.append("")
        lines.append(r.summary)
        if r.description:
            lines.append(r.description)
        lines.extend(c.text for c in r.cells)
    return "\n".join(lines) + ("\n" if lines else "")
