"""Annotation: writing inferred headers into the table as markup screen readers use (th, scope, id/headers, caption)."""

from __future__ import annotations

from .common import ANNOTATED, MARK
from .infer import Inference
from .model import Cell, Table

class Ids:
    """Generated ids: a per-table prefix, never equal to an id already in the document."""

    def __init__(self, root):
        self.taken = set(root.xpath("//@id")) if root is not None else set()

    def new(self, base: str) -> str:
        candidate = base
        n = 2
        while candidate in self.taken:
            candidate = f"{base}-{n}"
            n += 1
        self.taken.add(candidate)
        return candidate


def annotate(t: Table, inf: Inference, number: int, ids: Ids, caption: str, report) -> None:
    el = t.element
    prefix = f"em-t{number}"
    id_of: dict[int, str] = {}

    def ensure_id(c: Cell) -> str:
        if c.index not in id_of:
            existing = c.element.get("id")
            id_of[c.index] = existing if existing else ids.new(f"{prefix}-h{c.index}")
            if not existing:
                c.element.set("id", id_of[c.index])
        return id_of[c.index]

    promoted = 0
    for c in t.cells:
        role = inf.roles[c.index]
        if role in ("col", "section", "note", "row"):
            c.element.tag = "th"
            scope = "row" if role == "row" else "col"
            c.element.set("scope", scope)
            c.is_header = True
            c.scope = scope
            c.data.pop("column header", None)  # cached classification of the old td
            c.data.pop("row header", None)
            ensure_id(c)
            promoted += 1
        elif c.element.get("scope") is not None:
            del c.element.attrib["scope"]  # scope on td is obsolete (axe scope-attr-valid)
    # headers = column part + row part; both parts are lists shared along a column / a row (inf.parts),
    # alive as long as inf, so their ids key the joined strings.
    joined: dict[int, str] = {}

    def ids_of(cells: list[Cell]) -> str:
        value = joined.get(id(cells))
        if value is None:
            value = joined[id(cells)] = " ".join(ensure_id(h) for h in cells)
        return value

    for index, (rows, cols) in inf.parts.items():
        value = f"{ids_of(cols)} {ids_of(rows)}".strip()
        if value:
            t.cells[index].element.set("headers", value)
    el.set(MARK, ANNOTATED)
    if caption and t.caption is None:
        cap = el.makeelement("caption", {"class": "em-visually-hidden", MARK: "caption"})
        cap.text = caption
        cap.tail = el.text
        el.text = None
        el.insert(0, cap)
        t.caption = cap
        report.note("tables", "added caption", caption)
    if inf.note is not None and el.get("aria-describedby") is None:
        el.set("aria-describedby", ensure_id(inf.note))
        report.note("tables", "linked corner note as description", inf.note.data.get("text", "")[:40])
    report.note("tables", "annotated headers", f"table {number}: {promoted} header cells, top {inf.top} rows, "
                f"left {inf.left} columns")
