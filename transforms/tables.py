"""Tables a screen reader can read: the ``tables`` transform and the linear reading of a page's tables.

This module owns what goes beyond the HTML standard's table model
(:mod:`.table_model`): deciding which tables hold data and which lay out the
page, deciding which cells of a ``<td>``-only table are headers, writing that
down as markup every screen reader understands (``th`` + explicit ``scope``,
``id``/``headers``, ``<caption>``, ``aria-describedby``), and reading each data
table cell by cell (``row path | column path: value``) for the in-page
``<details>`` view, the ``eldermode tables`` command and the JSON endpoint.

Author markup wins: a table with ``th`` cells or ``headers`` attributes is read
as the author wrote it and never rewritten; ``role``/``aria-*`` are never
overwritten; a layout table is only marked ``role="presentation"`` when the page
gives browsers nothing to go on.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import asdict, dataclass, field

import lxml.html
from lxml import etree

from . import Context
from .table_model import (
    Cell,
    HeaderAssigner,
    Table,
    TableTooLarge,
    document_id_lookup,
    form_table,
    parse_nonnegative_integer,
    table_structure,
)

__all__ = [
    "TableReading",
    "CellReading",
    "annotate_tables",
    "cell_text",
    "format_readings",
    "normalise_text",
    "read_tables",
]

MARK = "data-eldermode"
ANNOTATED = "table"  # value of data-eldermode on a table this module annotated
READING = "table-reading"  # the injected <details>
MAX_CELLS = 20000  # above this a table is left alone (noted in the report): one page must stay fast
MAX_SLOTS = 400_000

# ----------------------------------------------------------------------------- text


_SPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_BLOCK = frozenset(
    {"p", "div", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr", "td", "th", "section", "blockquote",
     "h1", "h2", "h3", "h4", "h5", "h6", "pre", "address", "center"}
)
_NO_TEXT = frozenset({"script", "style", "template", "noscript", "head", "title"})


_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\U00020000-\U0003ffff"  # CJK, its punctuation, fullwidth forms
_SPACE_BETWEEN_WIDE = re.compile(f"(?<=[{_WIDE}]) (?=[{_WIDE}])")


def normalise_text(raw: str) -> str:
    """Whitespace (with U+00A0, U+3000) collapsed; removed entirely between two CJK characters.

    Report cells split one phrase across several ``<p>`` with ``&nbsp;`` runs in
    between ("三、本 … 年度办 … 理结果"); joined they must read "三、本年度办理结果".
    """
    if not raw:
        return ""
    text = _SPACE.sub(" ", raw).strip(" ")
    return _SPACE_BETWEEN_WIDE.sub("", text) if " " in text else text


def _collect(el, parts: list[str]) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in _NO_TEXT and child.get(MARK) is None:
            if tag == "br":
                parts.append("\n")
            elif tag == "img":
                parts.append(child.get("alt") or "")
            elif tag in _BLOCK:
                parts.append("\n")
                _collect(child, parts)
                parts.append("\n")
            else:
                _collect(child, parts)
        if child.tail:
            parts.append(child.tail)


_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
_SPECIAL = ("img", "script", "style", "noscript", "template", "input", "select", "textarea", "button")
_MARKED = etree.XPath("boolean(descendant::*[@data-eldermode])")


def plain_text_only(el) -> bool:
    """No descendant whose text needs care (image alt, scripts, form controls, eldermode's own nodes)."""
    return next(el.iterdescendants(*_SPECIAL), None) is None and not _MARKED(el)


def _single_chain(el) -> bool:
    """Each element holds at most one child (td > p > span > text): no block boundary inside the text."""
    node = el
    while True:
        n = len(node)
        if n == 0:
            return True
        child = node[0]
        if n > 1 or (node.text or "").strip() or (child.tail or "").strip():
            return False
        node = child


def cell_text(el, plain: bool = False) -> str:
    """The text a listener should hear for an element: blocks separated, CJK joined, ``alt`` of images.

    ``plain``: the caller checked :func:`plain_text_only` on an ancestor. Then text without Latin
    letters or digits needs no block separators (spaces between CJK characters go anyway), and
    lxml's C serialiser gives it ten times faster than a walk.
    """
    if plain:
        raw = etree.tostring(el, method="text", encoding="unicode", with_tail=False)
        if not _ASCII_WORD.search(raw) or _single_chain(el):
            return normalise_text(raw)
    parts: list[str] = []
    _collect(el, parts)
    return normalise_text("".join(parts))


_NUMBER = re.compile(
    r"[+\-−－]?(?:[0-9０-９]+(?:[,，][0-9０-９]{3})*(?:[.．][0-9０-９]+)?|[.．][0-9０-９]+)\s*"
    r"(?:%|％|‰|[万亿千百]?(?:元|件|个|人次|人|次|项|户|份|条|家|天|日|名|篇|宗|起|所|辆|吨|亩|平方米|公里)?)"
)
_NULLISH = frozenset({"-", "—", "——", "－", "/", "／", "…", "……", "n/a", "N/A", "×", "—/—"})


def kind_of(text: str) -> str:
    """``blank``, ``num`` (a number, a percentage, an amount, or a dash standing for none) or ``text``."""
    if not text:
        return "blank"
    if text in _NULLISH or _NUMBER.fullmatch(text):
        return "num"
    return "text"


# ----------------------------------------------------------------------------- readings


@dataclass
class CellReading:
    """One data cell read aloud: where it is, what heads it, what it holds."""

    row: list[str]  # row header path, outer -> inner (section headers first)
    col: list[str]  # column header path, outer -> inner
    value: str
    y: int  # grid row of the cell's anchor (0-based)
    x: int  # grid column of the cell's anchor (0-based)
    rowspan: int = 1
    colspan: int = 1
    text: str = ""  # the sentence


@dataclass
class TableReading:
    """A data table of a page, read cell by cell."""

    index: int  # position among all <table> elements of the page (0-based)
    caption: str
    description: str  # the corner note, or ""
    source: str  # "inferred" (eldermode chose the headers) or "author" (the page's own markup)
    rows: int
    cols: int
    summary: str = ""
    cells: list[CellReading] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _labels(lang: str) -> dict[str, str]:
    if (lang or "").lower().startswith("en"):
        return {
            "empty": "(empty)",
            "table": "Table {n}",
            "summary": "{caption}: table of {rows} rows × {cols} columns, {cells} data cells; {levels}.",
            "col_levels": "{n} level(s) of column headers",
            "row_levels": "{n} level(s) of row headers",
            "no_col": "no column headers",
            "no_row": "no row headers",
            "and": ", ",
            "details": "Table as text, cell by cell: {caption}",
            "note": "Note: {note}",
        }
    return {
        "empty": "（空）",
        "table": "表格{n}",
        "summary": "{caption}：{rows}行×{cols}列的表格，{cells}个数据单元格；{levels}。",
        "col_levels": "列标题{n}层",
        "row_levels": "行标题{n}层",
        "no_col": "无列标题",
        "no_row": "无行标题",
        "and": "，",
        "details": "逐格朗读本表（文字版）：{caption}",
        "note": "注：{note}",
    }


def sentence(row: list[str], col: list[str], value: str, empty: str) -> str:
    """``row path | column path: value`` with `` › `` between levels; missing parts left out."""
    said = value if value else empty
    row_path = " › ".join(row)
    col_path = " › ".join(col)
    if row_path and col_path:
        return f"{row_path} | {col_path}: {said}"
    if row_path or col_path:
        return f"{row_path or col_path}: {said}"
    return said


# ----------------------------------------------------------------------------- classification


@dataclass
class Verdict:
    kind: str  # layout | author | data | unsure | skip
    reason: str
    mark_layout: bool = False  # a layout table the page leaves browsers guessing about


_FORM_CONTROLS = ("input", "select", "textarea", "button")
_EMBEDS = ("iframe", "embed", "object")


def _has_descendant(el, tags) -> bool:
    for _ in el.iterdescendants(*tags):
        return True
    return False


def _data_indicators(table_el, structure) -> str:
    """Why browsers would call the table a data table from its markup alone (Firefox/Chromium rules), or ""."""
    if (table_el.get("summary") or "").strip():
        return "summary"
    if structure.caption is not None and cell_text(structure.caption):
        return "caption"
    if structure.colgroups:
        return "col/colgroup"
    for group in structure.groups:
        if group.kind in ("thead", "tfoot") and group.element is not None:
            return group.kind
    if (table_el.get("rules") or "").strip():
        return "rules"
    return ""


def _author_header_markup(structure) -> str:
    for group in structure.groups:
        for row in group.rows:
            for cell in row.cells:
                if cell.tag == "th":
                    return "th"
                if cell.get("headers") is not None:
                    return "headers"
    return ""


def classify(table_el, structure) -> Verdict:
    """Data or layout, the way browsers guess it (Firefox/Chromium heuristics, simplified)."""
    if table_el.get(MARK) == ANNOTATED:
        return Verdict("author", "annotated by eldermode")
    role = (table_el.get("role") or "").strip().lower()
    if role in ("presentation", "none"):
        return Verdict("layout", f"role={role}")
    if role:
        return Verdict("skip", f"role={role}")
    if (table_el.get("datatable") or "").strip() == "0":
        return Verdict("layout", "datatable=0")
    author = _author_header_markup(structure)
    if author:
        return Verdict("author", author)
    indicator = _data_indicators(table_el, structure)
    guessing = not indicator  # nothing in the markup tells browsers what this is

    def layout(reason: str) -> Verdict:
        return Verdict("layout", reason, mark_layout=guessing) if guessing else Verdict("skip", reason)

    if _has_descendant(table_el, ("table",)):
        return layout("contains a table")
    if _has_descendant(table_el, _FORM_CONTROLS):
        return layout("form controls")
    if _has_descendant(table_el, _EMBEDS):
        return layout("embedded content")
    rows = sum(len(g.rows) for g in structure.groups)
    widest = max((len(r.cells) for g in structure.groups for r in g.rows), default=0)
    if rows < 2 or widest < 2:
        return layout("one row or one column")
    if _is_navigation(table_el):
        return layout("navigation links")
    return Verdict("data" if not guessing else "unsure", indicator or "grid")


def _is_navigation(table_el) -> bool:
    """Most of the table's text is link text: a menu laid out as a table."""
    links = list(table_el.iter("a"))
    if len(links) < 2:
        return False
    total = len(_SPACE.sub("", table_el.text_content()))
    linked = sum(len(_SPACE.sub("", a.text_content())) for a in links)
    return total > 0 and linked >= 0.8 * total


# ----------------------------------------------------------------------------- header inference


@dataclass
class Inference:
    """Which cells of a td-only table are headers, and which headers each data cell has."""

    top: int  # rows 0..top-1 are the column header band
    left: int  # columns 0..left-1 are the row header band (in body rows)
    roles: dict[int, str]  # cell index -> col | row | section | note | data | blank
    headers: dict[int, list[Cell]]  # cell index -> header cells (data cells and row header cells)
    note: Cell | None = None
    # cell index -> (row header cells, column header cells incl. sections): lists shared between cells
    parts: dict[int, tuple[list[Cell], list[Cell]]] = field(default_factory=dict)


_YEAR = re.compile(r"(?:19|20)\d\d")


def _is_note_text(text: str) -> bool:
    return len(text) > 12 or text[:1] in "（(" or any(k in text for k in ("注", "说明", "单位", "勾稽"))


def _fill_texts(t: Table) -> None:
    """``cell.data["text"]`` for every cell (one check of the whole table decides the fast path)."""
    plain = plain_text_only(t.element)
    for c in t.cells:
        c.data["text"] = cell_text(c.element, plain)


def infer(t: Table) -> Inference | None:
    """Header bands of a td-only table from its grid (the notes' heuristic), or None when unsure."""
    _fill_texts(t)
    kinds = {c.index: kind_of(c.data["text"]) for c in t.cells}
    if t.xwidth < 2 or t.yheight < 2:
        return None
    rows = [t.row_cells(y) for y in range(t.yheight)]

    def row_kinds(y):
        return [kinds[c.index] for c in rows[y]]

    def header_like(y):
        ks = row_kinds(y)
        return "num" not in ks and "text" in ks

    def year_row(y):
        # 项目 | 2019 | 2020: bare years head columns; a row of them is a header row, not data.
        numbers = [c.data["text"] for c in rows[y] if kinds[c.index] == "num"]
        if len(numbers) < 2 or not all(_YEAR.fullmatch(n) for n in numbers):
            return False
        steps = {int(b) - int(a) for a, b in zip(numbers, numbers[1:])}
        return len(steps) == 1 and 0 < abs(steps.pop()) <= 10  # 2018 2019 2020, or 2010 2015 2020

    def top_header_like(y):
        # A label with blank values ("行政处罚 | | |") is a data row, not a header row.
        if year_row(y):
            return True
        return header_like(y) and (y == 0 or y in sections or row_kinds(y).count("text") >= 2)


    sections = set()  # full-width rows: 第二十条第（一）项
    for y, cells in enumerate(rows):
        if len(cells) == 1 and cells[0].width == t.xwidth and cells[0].y == y and kinds[cells[0].index] == "text":
            sections.add(y)

    # Top band: a leading <thead>, else the leading rows without numbers.
    top = 0
    if t.row_groups and t.row_groups[0][2] == "thead" and t.row_groups[0][0] == 0:
        top = t.row_groups[0][1]
    else:
        while top < t.yheight and top_header_like(top):
            top += 1
        if top >= t.yheight:
            top = _span_closure(t, rows)
    if top >= t.yheight:
        return None
    # A table without numbers below its header rows is read by its header row (and grouping column) only.
    textual = not any(kinds[c.index] == "num" for y in range(top, t.yheight) for c in rows[y])

    # Repeated header rows inside the body: text-only rows right after a section row.
    inbody = set()
    for y in range(top, t.yheight):
        if y in sections:
            continue
        if (y - 1 in sections or y - 1 in inbody) and header_like(y) and row_kinds(y).count("text") >= 2:
            inbody.add(y)
    body = [y for y in range(top, t.yheight) if y not in sections and y not in inbody]
    if not body:
        return None

    # Left band: leading columns holding no numbers in the body rows.
    left = 0
    if not textual:
        while left < t.xwidth - 1:
            column = [kinds[c.index] for y in body for c in t.cells_at(left, y)]
            if "num" in column or "text" not in column:
                break
            left += 1
    else:
        # Text tables: a first column of row-spanning cells groups the rows.
        if any(c.x == 0 and c.height > 1 and c.y >= top for c in t.cells) and t.xwidth > 2:
            left = 1

    # Confidence: numbers in the data region, or a text table with a clean header row.
    data_cells = [c for c in t.cells if c.y in body and c.x >= left]
    values = [kinds[c.index] for c in data_cells if kinds[c.index] != "blank"]
    if not values:
        return None
    numeric = values.count("num") / len(values)
    if numeric < 0.5:
        # Mostly words: only a table that says it has a header row (a <thead>, or a bordered grid whose
        # first row is short distinct labels without digits) is read by it. A borderless label/value
        # list (索引号 | 000014349/2020-00123 …) is left alone: its first row is data.
        first = rows[0]
        names = [c.data["text"] for c in first]
        clean = (
            len(first) >= 2
            and all(kinds[c.index] == "text" and len(c.data["text"]) <= 24 for c in first)
            and not any(ch.isdigit() for name in names for ch in name)
            and len(set(names)) == len(names)
        )
        has_thead = bool(t.row_groups) and t.row_groups[0][2] == "thead"
        bordered = (parse_nonnegative_integer(t.element.get("border")) or 0) > 0 or t.element.get("border") == ""
        if not (textual and clean and t.yheight >= 3 and (has_thead or bordered)):
            return None
    if top == 0 and left == 0:
        return None

    roles: dict[int, str] = {}
    note = None
    if top and left:
        corner = {c.index: c for y in range(top) for x in range(left) for c in t.cells_at(x, y)}
        if len(corner) == 1:
            (c,) = corner.values()
            if (c.x, c.y, c.width, c.height) == (0, 0, left, top) and kinds[c.index] == "text":
                if _is_note_text(c.data["text"]):
                    note = c
    for c in t.cells:
        k = kinds[c.index]
        if c is note:
            roles[c.index] = "note"
        elif c.y in sections:
            roles[c.index] = "section"
        elif c.y < top or c.y in inbody:
            roles[c.index] = "blank" if k == "blank" else "col"
        elif c.x < left:
            roles[c.index] = "blank" if k == "blank" else "row"
        else:
            roles[c.index] = "data"

    headers, parts = _associate(t, top, left, sections, inbody, roles)
    return Inference(top, left, roles, headers, note, parts)


def _span_closure(t: Table, rows: list[list[Cell]]) -> int:
    """Header rows of a table without numbers: row 0, and rows below while spans say "sub-headers follow"."""
    top = 1
    while top < t.yheight:
        band = [c for y in range(top) for c in rows[y]]
        reaches = any(c.y + c.height > top for c in band)
        splits = any(c.width > 1 and c.y == top - 1 for c in rows[top - 1]) and len(rows[top - 1]) < t.xwidth
        if not (reaches or splits):
            break
        top += 1
    return top


def _associate(t: Table, top: int, left: int, sections: set, inbody: set, roles: dict) -> dict[int, list[Cell]]:
    """Headers of each data cell and row header cell: its section, its column headers in effect, its row headers."""
    section_run: list[Cell] = []
    header_rows: list[int] = [y for y in range(top) if y not in sections]
    last = "top"
    block_of: dict[int, tuple[tuple[Cell, ...], tuple[int, ...]]] = {}
    for y in range(t.yheight):
        if y in sections:
            cell = t.cell_at(0, y)
            if last != "section":
                section_run = []
            if cell is not None:
                section_run.append(cell)
            last = "section"
        elif y < top:
            last = "top"
        elif y in inbody:
            if last != "inbody":
                header_rows = []
            header_rows.append(y)
            last = "inbody"
        else:
            last = "data"
        block_of[y] = (tuple(section_run), tuple(header_rows))

    # Cells in the same columns under the same header rows share their column headers, and cells in
    # the same rows share their row headers: compute each once (linear in the cells, not cells x depth).
    col_cache: dict[tuple, list[Cell]] = {}
    row_cache: dict[tuple, list[Cell]] = {}

    def column_headers(rows_here: tuple[int, ...], x0: int, width: int, with_note: bool) -> list[Cell]:
        key = (rows_here, x0, width, with_note)
        found = col_cache.get(key)
        if found is None:
            found = []
            seen = set()
            wanted = ("col", "note") if with_note else ("col",)
            for r in rows_here:
                for x in range(x0, x0 + width):
                    for h in t.cells_at(x, r):
                        if h.index not in seen and roles.get(h.index) in wanted:
                            seen.add(h.index)
                            found.append(h)
            col_cache[key] = found
        return found

    def row_headers(y0: int, height: int, before: int) -> list[Cell]:
        key = (y0, height, before)
        found = row_cache.get(key)
        if found is None:
            found = []
            seen = set()
            for y in range(y0, y0 + height):
                for x in range(before):
                    for h in t.cells_at(x, y):
                        if h.index not in seen and roles.get(h.index) == "row":
                            seen.add(h.index)
                            found.append(h)
            row_cache[key] = found
        return found

    headers: dict[int, list[Cell]] = {}
    parts: dict[int, tuple[list[Cell], list[Cell]]] = {}
    col_lists: dict[tuple, list[Cell]] = {}  # sections + column headers, one list per distinct key
    for c in t.cells:
        role = roles[c.index]
        if role not in ("data", "row"):
            continue
        sections_here, rows_here = block_of[c.y]
        key = (sections_here, rows_here, c.x, c.width, role == "row")
        cols = col_lists.get(key)
        if cols is None:
            cols = col_lists[key] = list(sections_here) + column_headers(rows_here, c.x, c.width, role == "row")
        rows = row_headers(c.y, c.height, min(left, c.x))
        if role == "row":
            rows = [h for h in rows if h is not c]
        headers[c.index] = cols + rows
        parts[c.index] = (rows, cols)
    return headers, parts


# ----------------------------------------------------------------------------- annotation


class _Ids:
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


def _annotate(t: Table, inf: Inference, number: int, ids: _Ids, caption: str, report) -> None:
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


# ----------------------------------------------------------------------------- caption from the page

_HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_NUMBERED = re.compile(r"^(?:[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十]+[）)]|\d{1,2}[、.．]\s*\D|表\s*\d)")


def _heading_text(el) -> str:
    """The text of ``el`` if it reads like a heading for the table that follows it, else ""."""
    if not isinstance(el.tag, str) or el.get(MARK) is not None:
        return ""
    text = cell_text(el)
    if not text or len(text) > 60 or _has_descendant(el, ("table",)):
        return ""
    if el.tag in _HEADING_TAGS:
        return text
    if el.tag not in ("p", "div", "strong", "b", "span", "font", "center"):
        return ""
    if text[-1] in "。；;，,":
        return ""
    bold = el.tag in ("strong", "b") or _has_descendant(el, ("strong", "b"))
    return text if (_NUMBERED.match(text) or bold) else ""


def _previous_element(el):
    prev = el.getprevious()
    while prev is not None and (not isinstance(prev.tag, str) or (not cell_text(prev) and prev.tag != "table")):
        prev = prev.getprevious()
    return prev


def caption_from_page(table_el) -> str:
    """The heading right before the table (climbing out of wrappers the table opens), or ""."""
    el = table_el
    for _ in range(4):
        prev = _previous_element(el)
        if prev is not None:
            text = _heading_text(prev)
            # <div><p>…</p><p>三、…情况</p></div><table>: the heading is the wrapper's last block.
            for _ in range(3):
                if text or prev.tag not in ("div", "section", "article") or not len(prev):
                    break
                prev = prev[-1]
                while prev is not None and not isinstance(prev.tag, str):
                    prev = prev.getprevious()
                if prev is None:
                    break
                text = _heading_text(prev)
            return text
        parent = el.getparent()
        if parent is None or parent.tag in ("body", "td", "th"):
            return ""
        el = parent
    return ""


# ----------------------------------------------------------------------------- reading


def _column_path(t: Table, col_cells: list[Cell]) -> tuple[list[str], list[str]]:
    """(section headers, column headers), each outer -> inner.

    A header spanning the whole width (第二十条第（一）项) is a section of rows, said first in the row path.
    """
    whole = [h for h in col_cells if t.xwidth > 1 and h.width >= t.xwidth]
    cols = [h for h in col_cells if not (t.xwidth > 1 and h.width >= t.xwidth)]
    whole.sort(key=lambda h: (h.y, h.x))
    cols.sort(key=lambda h: (h.y, h.x))
    return [_header_text(h) for h in whole], [_header_text(h) for h in cols]


def _header_text(h: Cell) -> str:
    abbr = (h.element.get("abbr") or "").strip()
    if abbr:
        return abbr
    if "text" not in h.data:
        h.data["text"] = cell_text(h.element)
    return h.data["text"]


def _read(t: Table, index: int, caption: str, description: str, source: str, lang: str,
          data_cells: list[Cell], headers_of) -> TableReading:
    """Read ``data_cells``; ``headers_of(cell)`` gives (row header cells, column header cells, row key, column key)."""
    labels = _labels(lang)
    reading = TableReading(index, caption, description, source, t.yheight, t.xwidth)
    col_levels = row_levels = 0
    empty = labels["empty"]
    # Paths are shared by the cells of a row / a column: build each once (the lists are shared, read-only).
    row_paths: dict = {}
    col_paths: dict = {}
    for c in data_cells:
        row_cells, col_cells, row_key, col_key = headers_of(c)
        split = col_paths.get(col_key)
        if split is None:
            split = col_paths[col_key] = _column_path(t, col_cells)
        sections, col = split
        row = row_paths.get((row_key, col_key) if sections else row_key)
        if row is None:
            own = [_header_text(h) for h in sorted(row_cells, key=lambda h: (h.x, h.y))]
            row = row_paths[(row_key, col_key) if sections else row_key] = sections + own
        value = c.data.get("text")
        if value is None:
            value = c.data["text"] = cell_text(c.element)
        if source == "author" and not value and not row and not col:
            continue  # an empty placeholder cell of the author's layout, not a value
        col_levels = max(col_levels, len(col))
        row_levels = max(row_levels, len(row))
        reading.cells.append(CellReading(row, col, value, c.y, c.x, c.height, c.width, sentence(row, col, value, empty)))
    name = caption or labels["table"].format(n=index + 1)
    levels = labels["and"].join((
        labels["col_levels"].format(n=col_levels) if col_levels else labels["no_col"],
        labels["row_levels"].format(n=row_levels) if row_levels else labels["no_row"],
    ))
    reading.summary = labels["summary"].format(
        caption=name, rows=t.yheight, cols=t.xwidth, cells=len(reading.cells), levels=levels)
    return reading


def _spec_headers(t: Table, lookup):
    """Headers as the standard assigns them (what browsers that honour ``headers`` compute)."""
    assigner = HeaderAssigner(t, lookup)

    def headers_of(c: Cell):
        parts = assigner.parts(c)
        rows, cols = parts.row + parts.rowgroup, parts.col + parts.colgroup
        return rows, cols, tuple(h.index for h in rows), tuple(h.index for h in cols)

    return headers_of


def _inferred_headers(inf: Inference):
    """Headers as inferred (and written into ``headers`` attributes): same result, no attribute parsing.

    The lists are shared between cells and alive as long as ``inf``, so their ids are cache keys.
    """

    def headers_of(c: Cell):
        rows, cols = inf.parts[c.index]
        return rows, cols, id(rows), id(cols)

    return headers_of


def read_tables(root, lang: str = "", report=None) -> list[TableReading]:
    """Classify every table under ``root``, annotate the td-only data tables, and read every data table.

    Edits the tree in place (that is the transform's job); the CLI and the
    endpoint call it on a tree of their own. Never raises on bad tables: a table
    that cannot be formed or is too large is skipped and noted in ``report``.
    """
    from . import Report

    report = report if report is not None else Report()
    ids: _Ids | None = None
    lookup = None
    readings: list[TableReading] = []
    for index, table_el in enumerate(list(root.iter("table"))):
        structure = table_structure(table_el)
        verdict = classify(table_el, structure)
        if verdict.kind == "layout":
            if verdict.mark_layout and table_el.get("role") is None:
                table_el.set("role", "presentation")
                report.note("tables", "marked layout table", f"table {index}: {verdict.reason}")
            continue
        if verdict.kind not in ("author", "data", "unsure"):
            continue
        try:
            t = form_table(table_el, structure)
        except TableTooLarge:
            report.note("tables", "skipped table", f"table {index}: spans too large")
            continue
        if len(t.cells) > MAX_CELLS or t.xwidth * t.yheight > MAX_SLOTS:
            report.note("tables", "skipped table", f"table {index}: {len(t.cells)} cells")
            continue
        caption = cell_text(t.caption) if t.caption is not None else ""
        caption = caption or caption_from_page(table_el)
        if lookup is None:
            lookup = document_id_lookup(root.getroottree().getroot())
        if verdict.kind == "author":
            _fill_texts(t)
            data = [c for c in t.cells if not c.is_header]
            description = _described_by(table_el, lookup)
            source = "inferred" if verdict.reason == "annotated by eldermode" else "author"
            reading = _read(t, index, caption, description, source, lang, data, _spec_headers(t, lookup))
            if any(c.row or c.col for c in reading.cells):
                readings.append(reading)  # (th used for looks only, with no header of anything: nothing to read)
            continue
        inf = infer(t)
        if inf is None:
            report.note("tables", "left table alone", f"table {index}: headers unclear")
            continue
        if ids is None:
            ids = _Ids(root.getroottree().getroot())
        _annotate(t, inf, index, ids, caption, report)
        description = inf.note.data.get("text", "") if inf.note is not None else ""
        data = [c for c in t.cells if inf.roles[c.index] == "data"]
        readings.append(_read(t, index, caption, description, "inferred", lang, data, _inferred_headers(inf)))
    return readings


def _described_by(table_el, lookup) -> str:
    refs = (table_el.get("aria-describedby") or "").split()
    texts = [cell_text(el) for el in (lookup(r) for r in refs) if el is not None]
    return " ".join(t for t in texts if t)


# ----------------------------------------------------------------------------- in-page view and transform


def _reading_details(table_el, reading: TableReading, lang: str):
    labels = _labels(lang)
    details = table_el.makeelement("details", {"class": "em-table-reading", MARK: READING})
    summary = details.makeelement("summary", {})
    summary.text = labels["details"].format(caption=reading.caption or labels["table"].format(n=reading.index + 1))
    details.append(summary)
    p = details.makeelement("p", {})
    p.text = reading.summary
    details.append(p)
    if reading.description:
        note = details.makeelement("p", {})
        note.text = labels["note"].format(note=reading.description)
        details.append(note)
    ol = details.makeelement("ol", {})
    for cell in reading.cells:
        li = ol.makeelement("li", {})
        li.text = cell.text
        ol.append(li)
    details.append(ol)
    return details


def _has_reading_after(table_el) -> bool:
    anchor = table_el
    parent = table_el.getparent()
    if parent is not None and parent.get(MARK) == "table-scroll":
        anchor = parent
    nxt = anchor.getnext()
    return nxt is not None and nxt.get(MARK) == READING


def annotate_tables(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """The ``tables`` transform: annotate data tables, mark guessed layout tables, add each table's linear view."""
    body = root.find("body")
    if body is None:
        return
    readings = read_tables(body, ctx.lang, report=ctx.report)
    ctx.data["tables"] = readings
    if not readings:
        return
    tables = list(body.iter("table"))
    for reading in readings:
        table_el = tables[reading.index]
        if not reading.cells or _has_reading_after(table_el):
            continue
        details = _reading_details(table_el, reading, ctx.lang)
        anchor = table_el
        parent = table_el.getparent()
        if parent is not None and parent.get(MARK) == "table-scroll":
            anchor = parent
        details.tail = anchor.tail
        anchor.tail = None
        anchor.addnext(details)
        ctx.report.note("tables", "added linear reading", f"table {reading.index}: {len(reading.cells)} cells")


# ----------------------------------------------------------------------------- output formats


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


def read_page(body: bytes, content_type: str | None = None, lang: str | None = None) -> list[TableReading]:
    """Parse a page's bytes and read its tables (what ``eldermode tables`` and the JSON endpoint call)."""
    from .document import parse_document
    from .language import detect_language, visible_text

    doc = parse_document(body, content_type)
    if lang is None:
        lang = (doc.root.get("lang") or "").strip() or detect_language(visible_text(doc.root))
    return read_tables(doc.root, lang)
