"""Annotation: writing inferred headers into the table as markup screen readers use (th, scope, id/headers, caption)."""

from __future__ import annotations

from lxml import etree

from .common import ANNOTATED, HIDDEN_IN_FLOW, MARK, set_attr
from .infer import Inference
from .model import Cell, Table

_ALL_IDS = etree.XPath("//@id", smart_strings=False)
# The inferred roles annotate() makes a th with a scope of its own (row for "row", col for the rest); an
# "outer" level cell becomes a hidden row header besides.
HEADER_ROLES = frozenset(("col", "section", "note", "row"))


class Ids:
    """Generated ids: a per-table prefix, never equal to an id already in the document."""

    def __init__(self, root):
        self.taken = set(_ALL_IDS(root)) if root is not None else set()

    def new(self, base: str) -> str:
        candidate = base
        n = 2
        while candidate in self.taken:
            candidate = f"{base}-{n}"
            n += 1
        self.taken.add(candidate)
        return candidate


def grid_suffices(t: Table, inf: Inference, split: bool) -> bool:
    """``th`` with ``scope`` alone gives every data cell its inferred headers under the standard's
    algorithm as well as by grid position, so ``headers``/``id`` on the data cells would only repeat it.

    True when no section or repeated header rows stay inside one table (``split``: they become
    tables of their own), no blank ``td`` sits in a header band (a data cell there makes the headers
    beyond it opaque to the standard's scan), and each header of a spanning data cell spans it all
    (Firefox takes a cell's implicit headers from its first row and column only).
    """
    if inf.levels or ((inf.sections or inf.inbody) and not split):
        return False
    if inf.blank_headers:
        return False
    for c in inf.spanning:
        rows, cols = inf.parts[c.index]
        if any(h.x > c.x or h.x + h.width < c.x + c.width for h in cols) or any(
                h.y > c.y or h.y + h.height < c.y + c.height for h in rows):
            return False
    return True


def annotate(t: Table, inf: Inference, number: int, ids: Ids, caption: str, report, split: bool = False) -> None:
    """Write ``inf`` into the table: th/scope on the headers, ids and ``headers`` lists, the caption.

    ``split``: the table is about to become one table per section (:mod:`.sections`); no ``headers``
    list names a section then.
    """
    el = t.element
    prefix = f"em-t{number}"
    id_of: dict[int, str] = {}

    def ensure_id(c: Cell) -> str:
        value = id_of.get(c.index)
        if value is None:
            value = c.element.get("id")
            if not value:
                value = ids.new(f"{prefix}-h{c.index}")
                set_attr(c.element, "id", value)
            id_of[c.index] = value
        return value

    promoted = 0
    roles = inf.roles
    headed = []  # indices of the row headers: with the data cells, the cells inf.parts gives headers
    for c in inf.other_cells:  # (the data cells stay td)
        role = roles[c.index]
        if role in HEADER_ROLES:
            if role == "row":
                headed.append(c.index)
            c.element.tag = "th"
            scope = "row" if role == "row" else "col"
            set_attr(c.element, "scope", scope)
            c.is_header = True
            c.scope = scope
            c.data.pop("column header", None)  # cached classification of the old td
            c.data.pop("row header", None)
            promoted += 1  # (an id only when a headers list or the description names the cell)
        elif role == "outer":  # a section row whose hidden level cell heads its rows (levels.py)
            c.element.tag = "th"
            set_attr(c.element, "scope", "row")
            set_attr(c.element, "aria-hidden", "true")
            c.is_header = True
            c.scope = "row"
    for c in t.scoped:  # the cells that had a scope when the table was formed
        role = roles[c.index]
        if role not in HEADER_ROLES and role != "outer":
            c.element.attrib.pop("scope", None)  # scope on td is obsolete (axe scope-attr-valid)
    # headers = column part + row part; both parts are lists shared along a column / a row (inf.parts),
    # alive as long as inf, so their ids key the joined strings.
    joined: dict[int, str] = {}

    def ids_of(cells: list[Cell]) -> str:
        value = joined.get(id(cells))
        if value is None:
            # A table split by section: each section becomes its part's caption, no header of anything.
            named = [h for h in cells if roles[h.index] != "section"] if split else cells
            value = joined[id(cells)] = " ".join(ensure_id(h) for h in named)
        return value

    cells = t.cells
    parts = inf.parts
    # Most report tables need no headers on their data cells: only the row headers' lists are written then.
    written = ((i, parts[i]) for i in headed if i in parts) if grid_suffices(t, inf, split) else parts.items()
    for index, (rows, cols) in written:
        col_ids = joined.get(id(cols))
        if col_ids is None:
            col_ids = ids_of(cols)
        row_ids = joined.get(id(rows))
        if row_ids is None:
            row_ids = ids_of(rows)
        value = f"{col_ids} {row_ids}" if col_ids and row_ids else col_ids or row_ids
        if value:
            set_attr(cells[index].element, "headers", value)
    el.set(MARK, ANNOTATED)
    if (inf.title is not None or inf.units) and t.caption is None and _caption_from_rows(t, inf, caption, ids, report):
        pass
    elif caption and t.caption is None:
        add_caption(el, caption)
        t.caption = el[0]
        report.note("tables", "added caption", caption)
    if inf.note is not None and el.get("aria-describedby") is None:
        el.set("aria-describedby", ensure_id(inf.note))
        report.note("tables", "linked corner note as description", inf.note.data.get("text", "")[:40])
    report.note("tables", "annotated headers", f"table {number}: {promoted} header cells, top {inf.top} rows, "
                f"left {inf.left} columns")


def _move_content(cell, into) -> None:
    """The cell's text and children, with their markup, appended to ``into``."""
    if cell.text:
        if len(into):
            into[-1].tail = (into[-1].tail or "") + cell.text
        else:
            into.text = (into.text or "") + cell.text
    for child in list(cell):
        into.append(child)


def add_caption(el, text: str) -> None:
    """A visually hidden ``<caption>`` naming the table (the heading before it said what it is)."""
    cap = el.makeelement("caption", {"class": "em-visually-hidden", MARK: "caption"})
    cap.text = text
    cap.tail = el.text
    el.text = None
    el.insert(0, cap)


def _caption_from_rows(t: Table, inf: Inference, caption: str, ids: Ids, report) -> bool:
    """Title and unit rows above the headers become the ``<caption>`` (title) and the table's description (units).

    Inside the table they would be cells of the grid, heading every column below them in every
    browser. The title keeps its own markup and stays visible; each unit line is a line of the
    caption, linked by ``aria-describedby``; ``aria-label`` keeps the table's name the title alone.
    """
    el = t.element
    lead = [c for c in [inf.title, *inf.units] if c is not None]
    rows = [c.element.getparent() for c in lead]
    if any(r is None or r.tag != "tr" or len([k for k in r if isinstance(k.tag, str)]) != 1 for r in rows):
        return False
    cap = el.makeelement("caption", {MARK: "caption", "class": "em-table-caption"})
    if inf.title is not None:
        _move_content(inf.title.element, cap)
    elif caption:
        hidden = cap.makeelement("span", {"class": "em-table-title", "style": HIDDEN_IN_FLOW})
        hidden.text = caption
        cap.append(hidden)
    described = []
    for unit in inf.units:
        line = cap.makeelement("span", {"style": "display:block", "id": ids.new(f"em-unit-{unit.index}")})
        _move_content(unit.element, line)
        cap.append(line)
        described.append(line.get("id"))
    for row in rows:
        row.getparent().remove(row)
    cap.tail = el.text
    el.text = None
    el.insert(0, cap)
    t.caption = cap
    name = inf.title.data.get("text", "") if inf.title is not None else caption
    if described and name and el.get("aria-label") is None:
        el.set("aria-label", name)
    if described and el.get("aria-describedby") is None:
        el.set("aria-describedby", " ".join(described))
    report.note("tables", "title and unit rows made the caption", name[:40])
    return True
