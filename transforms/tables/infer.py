"""Inference: which cells of a ``<td>``-only table head which, from its grid and the kinds of its values."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .model import Cell, Table, parse_nonnegative_integer
from .text import cell_text, kind_of, normalise_text, plain_text_only

@dataclass
class Inference:
    """Which cells of a td-only table are headers, and which headers each data cell has."""

    top: int  # rows 0..top-1 are the column header band
    left: int  # columns 0..left-1 are the row header band (in body rows)
    roles: dict[int, str]  # cell index -> col | row | section | note | data | blank
    note: Cell | None = None
    # cell index -> (row header cells, column header cells incl. sections) of each data cell and row
    # header cell: lists shared between cells
    parts: dict[int, tuple[list[Cell], list[Cell]]] = field(default_factory=dict)
    sections: frozenset = frozenset()  # grid rows that are full-width section rows
    inbody: frozenset = frozenset()  # grid rows that repeat header rows inside the body
    title: Cell | None = None  # a title row inside the table, above its headers (2021年…支出表): the caption
    units: tuple = ()  # unit rows above the headers (单位：万元): the description
    lead: int = 0  # rows 0..lead-1 are the title and unit rows
    wide_data: bool = False  # some data cell spans columns (else no colspan can be misaligned)
    levels: tuple = ()  # outer row-header levels written as hidden leading columns (levels.py)
    # What annotate.grid_suffices looks at, found with the roles (before levels.py adds any):
    spanning: tuple = ()  # the data cells wider or taller than one slot
    blank_headers: bool = False  # a blank cell at or below the first header row
    # The cells of t.cells by role, each list in grid order, found with the roles: the data cells (what the
    # reading reads) and all the others (what annotation looks at). A 100 × 50 table's pass over its 5,000
    # cells for each was 4 M instructions, the two appends in the roles' pass a fraction of that.
    data_cells: list = field(default_factory=list)
    other_cells: list = field(default_factory=list)


_YEAR = re.compile(r"(?:19|20)\d\d")


def _is_note_text(text: str) -> bool:
    return len(text) > 12 or text[:1] in "（(" or any(k in text for k in ("注", "说明", "单位", "勾稽"))


_UNIT_ROW = re.compile(r"^[（(]?\s*(?:金额|计量|数量)?单位\s*[:：]")
_TITLE_ROW = re.compile(r"表\s*(?:[（(][^）)]*[）)])?$")
# Units of measure written in a column of their own (产品名称 | 单位 | 产量): values, not row labels.
_UNIT_WORDS = frozenset({
    "吨", "万吨", "千克", "公斤", "头", "万头", "只", "万只", "个", "人", "万人", "人次", "万人次", "张", "所", "家",
    "户", "件", "项", "次", "台", "辆", "套", "元", "万元", "亿元", "公里", "千米", "米", "平方米", "万平方米", "亩",
    "万亩", "公顷", "千瓦时", "万千瓦时", "立方米", "万立方米", "%", "％", "‰", "条", "座", "册", "床", "kg", "t", "km"})
# Subject codes of budget tables (201 / 20101 / 2010101): digits that name a row, not amounts.
_CODE = re.compile(r"\d{3,12}")
_CODE_HEADER = re.compile(r"编码|代码|编号|科目")


def _lead_kind(text: str) -> str:
    """``unit`` (单位：万元), ``title`` (…支出表) or "" for a full-width row above the header rows."""
    if _UNIT_ROW.match(text) or (len(text) <= 12 and text.endswith(("万元", "单位：元"))):
        return "unit"
    if _TITLE_ROW.search(text) and len(text) <= 60:
        return "title"
    return ""


def fill_texts(t: Table) -> list[str]:
    """``cell.data["text"]`` for every cell (one check of the whole table decides the fast path); their kinds."""
    plain = plain_text_only(t.element)
    kinds = []
    append = kinds.append
    seen: dict = {None: ("", "blank"), "": ("", "blank")}  # a leaf's text -> (its text, its kind)
    if not plain:
        for c in t.cells:
            text = c.data["text"] = cell_text(c.element)
            append(kind_of(text))
        return kinds
    for c in t.cells:
        el = c.element
        if len(el):
            text = c.data["text"] = cell_text(el, True)
            append(kind_of(text))
            continue
        # A cell of text alone (most report cells: "0", "217", 本年新制作数量): its text is el.text, as
        # cell_text would serialise it, with no C serialiser call; the same texts repeat down a table.
        raw = el.text
        found = seen.get(raw)
        if found is None:
            text = normalise_text(raw)
            found = seen[raw] = (text, kind_of(text))
        c.data["text"] = found[0]
        append(found[1])
    return kinds


def infer(t: Table) -> Inference | None:
    """Header bands of a td-only table from its grid (the notes' heuristic), or None when unsure."""
    kinds = fill_texts(t)  # by cell index
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
        return header_like(y) and (y == lead or y in sections or row_kinds(y).count("text") >= 2)


    # Title and unit rows at the very top (one text spanning the table): caption and description, not headers.
    lead = 0
    title = None
    units: list[Cell] = []
    while lead < t.yheight - 1:
        cells = rows[lead]
        texts = [c for c in cells if kinds[c.index] != "blank"]
        if len(texts) != 1 or kinds[texts[0].index] != "text" or any(c.y != lead or c.height != 1 for c in cells):
            break
        what = _lead_kind(texts[0].data["text"])
        if not what or (what == "title" and (title is not None or units)) or sum(c.width for c in cells) != t.xwidth:
            break
        if what == "title":
            title = texts[0]
        else:
            units.append(texts[0])
        lead += 1
    leading = set(range(lead))

    sections = set()  # full-width rows: 第二十条第（一）项
    for y, cells in enumerate(rows):
        if y in leading:
            continue
        if len(cells) == 1 and cells[0].width == t.xwidth and cells[0].y == y and kinds[cells[0].index] == "text":
            sections.add(y)

    # Top band: a leading <thead>, else the leading rows without numbers.
    top = lead
    if t.row_groups and t.row_groups[0][2] == "thead" and t.row_groups[0][0] == 0 and not lead:
        top = t.row_groups[0][1]
    else:
        while top < t.yheight and top_header_like(top):
            top += 1
        if top >= t.yheight:
            top = _span_closure(t, rows) if not lead else lead + 1
    if top >= t.yheight:
        return None
    # A table without numbers below its header rows is read by its header row (and grouping column) only.
    textual = not any(kinds[c.index] == "num" for y in range(top, t.yheight) for c in rows[y])

    # Repeated header rows inside the body: text-only rows right after a section row, and the header
    # rows repeated as they are (a long table pasted across pages).
    inbody = set()
    for y in range(top, t.yheight):
        if y in sections:
            continue
        if (y - 1 in sections or y - 1 in inbody) and header_like(y) and row_kinds(y).count("text") >= 2:
            inbody.add(y)
    inbody.update(_repeated_band(t, rows, [y for y in range(lead, top) if y not in sections], top, sections))
    body = [y for y in range(top, t.yheight) if y not in sections and y not in inbody]
    if not body:
        return None

    # Left band: leading columns holding no numbers in the body rows (subject codes are names, not numbers;
    # a column of units of measure is data).
    left = 0
    if not textual:
        while left < t.xwidth - 1:
            column_cells = [c for y in body for c in t.cells_at(left, y)]
            column = [kinds[c.index] for c in column_cells]
            if "num" in column and not _code_column(t, column_cells, kinds, left, top, lead):
                break
            if "text" not in column and "num" not in column:
                break
            header = " ".join(h.data["text"] for y in range(lead, top) for h in t.cells_at(left, y))
            if _unit_column(column_cells, kinds) or header in ("单位", "计量单位"):
                break
            left += 1
    else:
        # Text tables: a first column of row-spanning cells groups the rows.
        if any(c.x == 0 and c.height > 1 and c.y >= top for c in t.cells) and t.xwidth > 2:
            left = 1

    # Confidence: numbers in the data region, or a text table with a clean header row.
    body_rows = set(body)
    values = [k for c in t.cells if c.y in body_rows and c.x >= left and (k := kinds[c.index]) != "blank"]
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
    wide_data = False
    if top > lead and left:
        corner = {c.index: c for y in range(lead, top) for x in range(left) for c in t.cells_at(x, y)}
        if len(corner) == 1:
            (c,) = corner.values()
            if (c.x, c.y, c.width, c.height) == (0, lead, left, top - lead) and kinds[c.index] == "text":
                if _is_note_text(c.data["text"]):
                    note = c
    # Each grid row's band, decided once: 0 title/unit rows, 1 section rows, 2 header rows, 3 body rows.
    band = [0 if y < lead else 1 if y in sections else 2 if y < top or y in inbody else 3 for y in range(t.yheight)]
    spanning = []  # data cells wider or taller than one slot
    blank_headers = False  # a blank cell in a header band or the body (not a title or unit row)
    data_cells, other_cells = [], []
    for c in t.cells:
        i = c.index
        b = band[c.y]
        if b == 3 and c is not note:  # (most cells: tested first)
            if c.x >= left:
                roles[i] = "data"
                data_cells.append(c)
                if c.width > 1:
                    wide_data = True
                    spanning.append(c)
                elif c.height > 1:
                    spanning.append(c)
                continue
            if kinds[i] == "blank":
                roles[i] = "blank"
                blank_headers = True
            else:
                roles[i] = "row"
        elif b == 0:
            roles[i] = "title" if c is title else ("unit" if c in units else "blank")
        elif c is note:
            roles[i] = "note"
        elif b == 1:
            roles[i] = "section"
        elif kinds[i] == "blank":
            roles[i] = "blank"
            blank_headers = True
        else:
            roles[i] = "col"
        other_cells.append(c)

    parts = _associate(t, top, left, sections, inbody, roles, lead)
    return Inference(top, left, roles, note, parts, frozenset(sections), frozenset(inbody), title,
                     tuple(units), lead, wide_data, spanning=tuple(spanning), blank_headers=blank_headers,
                     data_cells=data_cells, other_cells=other_cells)


def _repeated_band(t: Table, rows: list[list[Cell]], band: list[int], top: int, sections: set) -> set[int]:
    """Body rows that repeat the header rows ``band`` cell for cell (same places, spans and texts)."""
    def signature(y: int) -> tuple:
        return tuple((c.x, c.width, c.height, c.data["text"]) for c in rows[y] if c.y == y)

    found: set[int] = set()
    if not band:
        return found
    want = [signature(y) for y in band]
    if sum(1 for row in want for cell in row if cell[3]) < 2:
        return found  # one label is no header row to recognise
    lead_cells = [c for c in rows[band[0]] if c.y == band[0]]
    first = lead_cells[0].data["text"] if lead_cells else None
    y = top
    while y + len(band) <= t.yheight:
        if (rows[y] and rows[y][0].data["text"] == first and y not in sections  # (cheap test first)
                and all(signature(y + k) == want[k] for k in range(len(band)))):
            found.update(range(y, y + len(band)))
            y += len(band)
        else:
            y += 1
    return found


def _code_column(t: Table, cells: list[Cell], kinds: list, x: int, top: int, lead: int) -> bool:
    """Subject codes (201, 20101, 2010101): every value digits only, under a 科目编码 header or 3/5/7 digits long."""
    values = [c.data["text"] for c in cells if kinds[c.index] != "blank" and c.x == x and c.width == 1]
    if not values or not all(_CODE.fullmatch(v) for v in values):
        return False
    header = " ".join(h.data["text"] for y in range(lead, top) for h in t.cells_at(x, y))
    return bool(_CODE_HEADER.search(header)) or all(len(v) in (3, 5, 7, 9) for v in values)


def _unit_column(cells: list[Cell], kinds: list) -> bool:
    values = [c.data["text"] for c in cells if kinds[c.index] != "blank"]
    return bool(values) and all(v in _UNIT_WORDS for v in values)


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


def _associate(t: Table, top: int, left: int, sections: set, inbody: set, roles: dict, lead: int = 0):
    """Headers of each data cell and row header cell: its section, its column headers in effect, its row headers."""
    section_run: list[Cell] = []
    header_rows: list[int] = [y for y in range(lead, top) if y not in sections]
    last = "top"
    blocks: list[tuple[tuple[Cell, ...], tuple[int, ...]]] = []
    block_of: list[int] = [0] * t.yheight
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
        here = (tuple(section_run), tuple(header_rows))
        if not blocks or blocks[-1] != here:
            blocks.append(here)
        block_of[y] = len(blocks) - 1  # rows under the same sections and header rows share a block number

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

    parts: dict[int, tuple[list[Cell], list[Cell]]] = {}
    col_lists: dict = {}  # sections + column headers, one list per distinct key
    # The common 1 × 1 data cell keys its lists by plain numbers: no tuple made and hashed a cell.
    stride = t.xwidth + 1
    last_y = -1  # the cells come row by row: what depends on the row only is looked up when it changes
    base = 0
    row_list = None  # the row headers of the 1-row cells of row last_y, once looked up
    for c in t.cells:
        role = roles[c.index]
        if role == "data":
            y = c.y
            if y != last_y:
                last_y, base, row_list = y, block_of[y] * stride, None
            width = c.width
            key = base + c.x if width == 1 else (block_of[y], c.x, width)
            cols = col_lists.get(key)
            if cols is None:
                sections_here, rows_here = blocks[block_of[y]]
                cols = col_lists[key] = list(sections_here) + column_headers(rows_here, c.x, width, False)
            if c.height == 1:
                rows = row_list
                if rows is None:
                    rows = row_list = row_headers(y, 1, left)
            else:
                rows = row_cache.get((c.y, c.height, left))
                if rows is None:
                    rows = row_headers(c.y, c.height, left)
        elif role == "row":
            sections_here, rows_here = blocks[block_of[c.y]]
            cols = list(sections_here) + column_headers(rows_here, c.x, c.width, True)
            rows = [h for h in row_headers(c.y, c.height, c.x) if h is not c]
        else:
            continue
        parts[c.index] = (rows, cols)
    return parts
