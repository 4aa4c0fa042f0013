"""The HTML standard's table model on an lxml tree: forming a table and assigning header cells.

This module owns the exact algorithms of WHATWG HTML §4.9.12 ("forming a
table", "assigning header cells") and nothing else: no heuristics, no edits.

lxml's parser (libxml2) does not build the HTML5 table tree: a bare ``<col>``
is not wrapped in a ``<colgroup>``, ``<tr>`` is not wrapped in a ``<tbody>``, a
``<td>`` outside a row stays a child of its table or row group, and a ``<form>``
between the table and its rows stays there. :func:`table_structure` reads the
lxml tree as the HTML5 parser would have built it, without editing the tree,
and :func:`form_table` runs the standard's algorithm on that view.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterator

__all__ = [
    "Cell",
    "Table",
    "TableTooLarge",
    "assign_headers",
    "form_table",
    "header_parts",
    "is_empty_cell",
    "parse_nonnegative_integer",
    "table_structure",
]

COLSPAN_MAX = 1000
ROWSPAN_MAX = 65534
SLOT_BUDGET = 1_000_000  # slots filled per table before we give up on it (a 1000x65534 cell is legal)

_ASCII_SPLIT = re.compile(r"[\t\n\f\r ]+")
# The standard's "rules for parsing integers": leading ASCII whitespace, a sign, digits (anything after is ignored).
_INT = re.compile(r"[\t\n\f\r ]*([+-]?)([0-9]+)")
_ASCII_WS = "\t\n\f\r "
_ROW_GROUPS = frozenset({"thead", "tbody", "tfoot"})
_CELLS = frozenset({"td", "th"})
# Children of a table whose content the HTML5 parser never puts inside the table.
_OPAQUE = frozenset({"table", "script", "style", "template", "caption"})


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


class TableTooLarge(ValueError):
    """The table's spans cover more slots than :data:`SLOT_BUDGET`."""


def parse_nonnegative_integer(value: str | None) -> int | None:
    """The standard's "rules for parsing non-negative integers": ``"2px"`` -> 2, ``"-1"``/``"abc"`` -> None.

    The value is parsed as an integer first and refused only when below zero, so ``"-0"`` is 0
    (a ``rowspan="-0"`` cell grows to the end of its row group, as in Chromium).
    """
    if value is None:
        return None
    match = _INT.match(value)
    if not match:
        return None
    number = int(match.group(2))
    return None if match.group(1) == "-" and number else number


def _tag(el) -> str:
    tag = el.tag
    return tag.lower() if isinstance(tag, str) else ""


def is_empty_cell(el) -> bool:
    """The standard's "empty cell": no element children and only ASCII whitespace text.

    ``&nbsp;`` and U+3000 are not ASCII whitespace, so such a cell is not empty.
    """
    text = el.text or ""
    for child in el:
        if isinstance(child.tag, str):
            return False
        text += child.tail or ""
    return not text.strip(_ASCII_WS)


# --------------------------------------------------------------------------- HTML5 view of the tree


@dataclass
class RowView:
    element: object | None  # the <tr>, or None for a row the HTML5 parser would have implied
    cells: list = field(default_factory=list)
    td_only: bool = False  # every cell is a <td> (seen when the row was read; False: look at each)


@dataclass
class GroupView:
    kind: str  # thead / tbody / tfoot
    element: object | None  # None for an implied <tbody>
    rows: list[RowView] = field(default_factory=list)


@dataclass
class ColGroupView:
    element: object | None  # None for the <colgroup> implied around bare <col>s
    cols: list = field(default_factory=list)


@dataclass
class TableStructure:
    caption: object | None
    colgroups: list[ColGroupView]
    groups: list[GroupView]
    # The order the standard walks colgroups and row groups in (colgroups only count before the first row).
    items: list


def _flatten(parent) -> Iterator:
    """Element children of ``parent``, descending into wrappers the HTML5 parser would not keep there (form, div…)."""
    for child in parent:
        tag = _tag(child)
        if not tag:
            continue
        if tag in _ROW_GROUPS or tag in _CELLS or tag in ("tr", "col", "colgroup") or tag in _OPAQUE:
            yield tag, child
        else:
            yield from _flatten(child)


def _row_view(tr) -> RowView:
    cells = list(tr.iterchildren("td"))
    if len(cells) == len(tr):  # the common row, td only: its children matched in C, not read one by one
        return RowView(tr, cells, True)
    cells = []  # th, comments, wrappers or odd tags among them
    th = False
    for child in tr:
        tag = child.tag
        if tag == "td":
            cells.append(child)
        elif tag == "th":
            cells.append(child)
            th = True
        elif isinstance(tag, str):
            return RowView(tr, [el for tag, el in _flatten(tr) if tag in _CELLS])  # wrappers or odd case: the slow way
    return RowView(tr, cells, not th)


def _group_rows(group_el) -> list[RowView]:
    rows: list[RowView] = []
    implied: RowView | None = None
    for tag, el in _flatten(group_el):
        if tag == "tr":
            implied = None
            rows.append(_row_view(el))
        elif tag in _CELLS:
            if implied is None:
                implied = RowView(None)
                rows.append(implied)
            implied.cells.append(el)
    return rows


def table_structure(table) -> TableStructure:
    """The table's children as the HTML5 parser would have built them from the same markup."""
    caption = None
    colgroups: list[ColGroupView] = []
    groups: list[GroupView] = []
    items: list = []
    implied_colgroup: ColGroupView | None = None
    implied_group: GroupView | None = None
    implied_row: RowView | None = None
    for tag, el in _flatten(table):
        if tag in ("script", "style", "template", "table"):
            continue  # kept in place by the HTML5 parser (or closing it); no effect on rows
        if tag != "col":
            implied_colgroup = None
        if tag != "tr" and tag not in _CELLS:
            implied_group = None
        if tag not in _CELLS:
            implied_row = None
        if tag == "caption":
            if caption is None:
                caption = el
        elif tag == "colgroup":
            view = ColGroupView(el, [c for c in el if _tag(c) == "col"])
            colgroups.append(view)
            items.append(view)
        elif tag == "col":
            if implied_colgroup is None:
                implied_colgroup = ColGroupView(None)
                colgroups.append(implied_colgroup)
                items.append(implied_colgroup)
            implied_colgroup.cols.append(el)
        elif tag in _ROW_GROUPS:
            view = GroupView(tag, el, _group_rows(el))
            groups.append(view)
            items.append(view)
        elif tag == "tr" or tag in _CELLS:
            if implied_group is None:
                implied_group = GroupView("tbody", None)
                groups.append(implied_group)
                items.append(implied_group)
            if tag == "tr":
                implied_group.rows.append(_row_view(el))
            else:
                if implied_row is None:
                    implied_row = RowView(None)
                    implied_group.rows.append(implied_row)
                implied_row.cells.append(el)
    return TableStructure(caption, colgroups, groups, items)


# --------------------------------------------------------------------------- forming a table


class Cell:
    """A cell of the table model: anchored at (x, y), ``width`` columns by ``height`` rows.

    (``_Former.process_row`` makes most 1 × 1 ``td`` cells without calling the class: a field added
    here is set there too.)
    """

    __slots__ = ("element", "x", "y", "width", "height", "is_header", "scope", "index", "data")

    def __init__(self, element, x: int, y: int, width: int, height: int, is_header: bool, index: int):
        self.element = element
        self.x = x
        self.y = y
        self.width = width
        self.height = height
        self.is_header = is_header
        self.index = index
        self.scope = "auto"
        if is_header:
            # An enumerated attribute: the whole value, ASCII case-insensitively; " row " is invalid (Auto).
            scope = (element.get("scope") or "").translate(_ASCII_LOWER)
            if scope in ("row", "col", "rowgroup", "colgroup"):
                self.scope = scope
        self.data: dict = {}  # room for callers (text, kind…)

    def __repr__(self) -> str:
        kind = "th" if self.is_header else "td"
        return f"<{kind} ({self.x},{self.y}) {self.width}x{self.height}>"


_OVERLAP = object()  # slot covered by more than one cell
_new = object.__new__


@dataclass
class Table:
    """A formed table: its grid, its cells, row groups and column groups, and table-model errors."""

    element: object
    caption: object | None = None
    xwidth: int = 0
    yheight: int = 0
    cells: list[Cell] = field(default_factory=list)
    row_groups: list[tuple[int, int, str]] = field(default_factory=list)  # (ystart, height, kind)
    col_groups: list[tuple[int, int]] = field(default_factory=list)  # (xstart, width)
    errors: list[tuple] = field(default_factory=list)
    slots: list[list] = field(default_factory=list)  # slots[y][x] -> Cell | None | _OVERLAP
    overlaps: dict[tuple[int, int], list[Cell]] = field(default_factory=dict)
    row_has_data: list[bool] = field(default_factory=list)
    col_has_data: list[bool] = field(default_factory=list)
    # Cells whose element had a ``scope`` attribute when formed (few or none: annotation drops it from the
    # cells it leaves td, and finds them here instead of asking each of thousands of cells).
    scoped: list[Cell] = field(default_factory=list)
    _by_element: dict | None = None
    _filled: int = 0

    @property
    def by_element(self) -> dict:
        """Element -> the cell it makes (built on first use: only ``headers`` lookups need it)."""
        if self._by_element is None:
            self._by_element = {c.element: c for c in self.cells}
        return self._by_element

    # -- grid access
    def cells_at(self, x: int, y: int) -> list[Cell]:
        if y >= len(self.slots) or x < 0 or y < 0:
            return []
        row = self.slots[y]
        if x >= len(row) or row[x] is None:
            return []
        slot = row[x]
        return self.overlaps[(x, y)] if slot is _OVERLAP else [slot]

    def row_cells(self, y: int) -> list[Cell]:
        """Distinct cells covering row ``y``, left to right (an overlap slot contributes all its cells)."""
        out: list[Cell] = []
        if y >= len(self.slots):
            return out
        if not self.overlaps:
            # Without overlaps a cell's slots in a row are one run: a change of cell is a new cell.
            prev = None
            for slot in self.slots[y]:
                if slot is not prev and slot is not None:
                    out.append(slot)
                prev = slot
            return out
        seen = set()
        for x, slot in enumerate(self.slots[y]):
            if slot is None:
                continue
            for c in self.overlaps[(x, y)] if slot is _OVERLAP else (slot,):
                if c.index not in seen:
                    seen.add(c.index)
                    out.append(c)
        return out

    def cell_at(self, x: int, y: int) -> Cell | None:
        """The one cell covering slot (x, y); None when no cell or several (an overlap) cover it."""
        if y >= len(self.slots) or x < 0 or y < 0:
            return None
        row = self.slots[y]
        if x >= len(row):
            return None
        slot = row[x]
        return None if slot is _OVERLAP else slot

    def _cover(self, cell: Cell, x: int, y: int) -> None:
        self._filled += 1
        if self._filled > SLOT_BUDGET:
            raise TableTooLarge(f"more than {SLOT_BUDGET} slots")
        while len(self.slots) <= y:
            self.slots.append([])
        row = self.slots[y]
        if len(row) <= x:
            row.extend([None] * (x + 1 - len(row)))
        slot = row[x]
        if slot is None:
            row[x] = cell
        else:
            if slot is _OVERLAP:
                self.overlaps[(x, y)].append(cell)
            else:
                self.overlaps[(x, y)] = [slot, cell]
                row[x] = _OVERLAP
                self.errors.append(("overlap", x, y))
        if not cell.is_header:
            self.row_has_data[y] = True
            self.col_has_data[x] = True

    # -- the standard's header classification
    def is_column_header(self, cell: Cell) -> bool:
        cached = cell.data.get("column header")
        if cached is None:
            if not cell.is_header or cell.scope not in ("col", "auto"):
                cached = False
            elif cell.scope == "col":
                cached = True
            else:
                rows = range(cell.y, min(cell.y + cell.height, self.yheight))
                cached = not any(self.row_has_data[y] for y in rows)
            cell.data["column header"] = cached
        return cached

    def is_row_header(self, cell: Cell) -> bool:
        cached = cell.data.get("row header")
        if cached is None:
            if not cell.is_header or cell.scope not in ("row", "auto"):
                cached = False
            elif cell.scope == "row":
                cached = True
            elif self.is_column_header(cell):
                cached = False
            else:
                cols = range(cell.x, min(cell.x + cell.width, self.xwidth))
                cached = not any(self.col_has_data[x] for x in cols)
            cell.data["row header"] = cached
        return cached

    def row_group_of(self, y: int) -> int | None:
        for i, (ystart, height, _) in enumerate(self.row_groups):
            if ystart <= y < ystart + height:
                return i
        return None

    def col_group_of(self, x: int) -> int | None:
        for i, (xstart, width) in enumerate(self.col_groups):
            if xstart <= x < xstart + width:
                return i
        return None


def _span(el, name: str, default_on_zero: bool, maximum: int) -> int:
    raw = el.get(name)
    return 1 if raw is None else _span_value(raw, default_on_zero, maximum)


def _span_value(raw: str, default_on_zero: bool, maximum: int) -> int:
    value = int(raw) if raw.isdigit() and raw.isascii() else parse_nonnegative_integer(raw)
    if value is None or (value == 0 and default_on_zero):
        return 1
    return min(value, maximum)


class _Former:
    """State of the standard's "forming a table" algorithm."""

    def __init__(self, table: Table):
        self.t = table
        self.ycurrent = 0
        self.growing: list[tuple[Cell, int, int]] = []
        self.anchored: set[int] = set()  # rows some cell is anchored in

    def _ensure(self) -> None:
        t = self.t
        while len(t.row_has_data) < t.yheight:
            t.row_has_data.append(False)
        while len(t.col_has_data) < t.xwidth:
            t.col_has_data.append(False)

    def grow_downward(self) -> None:
        t = self.t
        for cell, cellx, width in self.growing:
            if self.ycurrent >= cell.y + cell.height:
                cell.height = self.ycurrent - cell.y + 1
            self._ensure()
            for x in range(cellx, cellx + width):
                t._cover(cell, x, self.ycurrent)

    def end_row_group(self) -> None:
        while self.ycurrent < self.t.yheight:
            self.grow_downward()
            self.ycurrent += 1
        self.growing = []

    def process_row(self, row: RowView) -> None:
        t = self.t
        y = self.ycurrent
        if t.yheight == y:
            t.yheight += 1
            self._ensure()
        xcurrent = 0
        if self.growing:
            self.grow_downward()
        if not row.cells:
            self.ycurrent += 1
            return
        self.anchored.add(y)
        while len(t.slots) <= y:
            t.slots.append([])
        slots = t.slots[y]
        cells = t.cells
        col_has_data = t.col_has_data
        row_data = False
        filled = 0
        xwidth = t.xwidth  # written back before anything else reads it
        index = len(cells)
        td_only = row.td_only
        for el in row.cells:
            nslots = len(slots)
            while xcurrent < xwidth and xcurrent < nslots and slots[xcurrent] is not None:
                xcurrent += 1
            names = el.keys()  # (one call for the many cells with no attribute at all, not two lookups)
            if nslots <= xcurrent < xwidth and (not names or ("colspan" not in names and "rowspan" not in names)):
                # The common case, in short: a 1x1 cell inside the width known, at the end of its row's slots.
                is_header = not td_only and el.tag == "th"
                if is_header:
                    cell = Cell(el, xcurrent, y, 1, 1, True, index)
                else:
                    # A td made field by field, as Cell.__init__ would (calling the class is a third of
                    # forming a large table).
                    cell = _new(Cell)
                    cell.element = el
                    cell.x = xcurrent
                    cell.y = y
                    cell.width = cell.height = 1
                    cell.is_header = False
                    cell.index = index
                    cell.scope = "auto"
                    cell.data = {}
                index += 1
                cells.append(cell)
                if names and "scope" in names:
                    t.scoped.append(cell)
                if nslots < xcurrent:
                    slots.extend([None] * (xcurrent - nslots))
                slots.append(cell)
                filled += 1
                if not is_header:
                    row_data = True
                    col_has_data[xcurrent] = True
                xcurrent += 1
                continue
            grew = xcurrent == xwidth
            if grew:
                xwidth += 1
            if names and ("colspan" in names or "rowspan" in names):
                raw = el.get("colspan")
                colspan = 1 if raw is None else _span_value(raw, True, COLSPAN_MAX)
                raw = el.get("rowspan")
                rowspan = 1 if raw is None else _span_value(raw, False, ROWSPAN_MAX)
                grows = rowspan == 0
                if grows:
                    rowspan = 1
            else:
                colspan = rowspan = 1
                grows = False
            if grew or xcurrent + colspan > xwidth or y + rowspan > t.yheight:
                xwidth = t.xwidth = max(xwidth, xcurrent + colspan)
                t.yheight = max(t.yheight, y + rowspan)
                self._ensure()
                col_has_data = t.col_has_data
            is_header = el.tag == "th"
            cell = Cell(el, xcurrent, y, colspan, rowspan, is_header, index)
            index += 1
            cells.append(cell)
            if names and "scope" in names:
                t.scoped.append(cell)
            if colspan == 1 and rowspan == 1 and nslots <= xcurrent:
                # The common case: a 1x1 cell at the end of its row's slots.
                if nslots < xcurrent:
                    slots.extend([None] * (xcurrent - nslots))
                slots.append(cell)
                filled += 1
                if not is_header:
                    row_data = True
                    col_has_data[xcurrent] = True
            else:
                t.xwidth = xwidth
                for yy in range(y, y + rowspan):
                    for x in range(xcurrent, xcurrent + colspan):
                        t._cover(cell, x, yy)
            if grows:
                self.growing.append((cell, xcurrent, colspan))
            xcurrent += colspan
        t.xwidth = xwidth
        if row_data:
            t.row_has_data[y] = True
        t._filled += filled
        if t._filled > SLOT_BUDGET:
            raise TableTooLarge(f"more than {SLOT_BUDGET} slots")
        self.ycurrent += 1

    def process_row_group(self, group: GroupView) -> None:
        t = self.t
        ystart = t.yheight
        for row in group.rows:
            self.process_row(row)
        if t.yheight > ystart:
            t.row_groups.append((ystart, t.yheight - ystart, group.kind))
        self.end_row_group()


def form_table(table_el, structure: TableStructure | None = None) -> Table:
    """Run "forming a table" on ``table_el`` (read as its HTML5 tree). Raises :class:`TableTooLarge`."""
    structure = structure or table_structure(table_el)
    t = Table(element=table_el, caption=structure.caption)
    former = _Former(t)
    items = structure.items
    i = 0
    # Column groups: only those before the first row group count.
    while i < len(items) and isinstance(items[i], ColGroupView):
        view = items[i]
        xstart = t.xwidth
        if view.cols:
            for col in view.cols:
                t.xwidth += _span(col, "span", True, COLSPAN_MAX)
        else:
            t.xwidth += _span(view.element, "span", True, COLSPAN_MAX) if view.element is not None else 1
        t.col_groups.append((xstart, t.xwidth - xstart))
        i += 1
    former._ensure()
    pending_tfoot: list[GroupView] = []
    for item in items[i:]:
        if isinstance(item, ColGroupView):
            continue
        former.end_row_group()
        if item.kind == "tfoot":
            pending_tfoot.append(item)
        else:
            former.process_row_group(item)
    for group in pending_tfoot:
        former.process_row_group(group)
    former._ensure()
    _record_unanchored(t, former.anchored)
    # Rows past the last slot exist but are empty; keep slots and yheight consistent.
    while len(t.slots) < t.yheight:
        t.slots.append([])
    return t


def _record_unanchored(t: Table, rows: set[int]) -> None:
    """``rows``: the grid rows some cell is anchored in."""
    missing = set(range(t.xwidth))  # columns no cell is anchored in
    for cell in t.cells:
        missing.discard(cell.x)
        if not missing:
            break  # (the first rows of a table usually anchor a cell in every column)
    for y in range(t.yheight):
        if y not in rows:
            t.errors.append(("row without anchored cell", y))
            if len(t.errors) > 100:
                return
    for x in range(t.xwidth):
        if x in missing:
            t.errors.append(("column without anchored cell", x))
            if len(t.errors) > 100:
                return


# --------------------------------------------------------------------------- assigning header cells


@dataclass
class HeaderParts:
    """A cell's header list split the way the standard builds it."""

    explicit: bool  # from the ``headers`` attribute
    row: list[Cell]  # leftward scans (or explicit targets that head rows)
    col: list[Cell]  # upward scans (or explicit targets that head columns)
    rowgroup: list[Cell]
    colgroup: list[Cell]
    ordered: list[Cell] | None = None  # explicit targets in the attribute's token order

    def all(self) -> list[Cell]:
        """The header list in the standard's order."""
        if self.ordered is not None:
            return list(self.ordered)
        return _dedupe(self.row + self.col + self.rowgroup + self.colgroup)


def _dedupe(cells: list[Cell]) -> list[Cell]:
    seen = set()
    out = []
    for cell in cells:
        if id(cell) not in seen:
            seen.add(id(cell))
            out.append(cell)
    return out


class HeaderAssigner:
    """Assigns header cells to the cells of one formed table, with memoised scans for data cells.

    For a data principal, a scan that passes an empty slot or a data cell is in
    the same state as a scan started from that slot, so scans from cells in the
    same column (or row) share their tail: the cost is linear in the cells.
    """

    def __init__(self, table: Table, id_lookup=None):
        self.t = table
        self.id_lookup = id_lookup  # callable id -> first element with that id in the document
        self._up: dict[tuple[int, int], tuple[Cell, ...]] = {}
        self._left: dict[tuple[int, int], tuple[Cell, ...]] = {}

    def _scan(self, principal: Cell | None, x: int, y: int, dx: int, dy: int) -> list[Cell]:
        t = self.t
        out: list[Cell] = []
        opaque: list[Cell] = []
        in_block = principal is not None and principal.is_header
        block: list[Cell] = [principal] if in_block else []
        while True:
            x += dx
            y += dy
            if x < 0 or y < 0:
                return out
            current = t.cell_at(x, y)
            if current is None:
                continue
            if current.is_header:
                in_block = True
                block.append(current)
                if dx == 0:
                    blocked = not t.is_column_header(current) or any(
                        o.x == current.x and o.width == current.width for o in opaque
                    )
                else:
                    blocked = not t.is_row_header(current) or any(
                        o.y == current.y and o.height == current.height for o in opaque
                    )
                if not blocked:
                    out.append(current)
            elif in_block:
                in_block = False
                opaque.extend(block)
                block = []

    def _data_scan(self, memo: dict, x: int, y: int, dx: int, dy: int) -> tuple[Cell, ...]:
        """Scan result for a data principal from (x, y), sharing tails through ``memo``."""
        t = self.t
        chain = []
        cx, cy = x, y
        while True:
            key = (cx, cy)
            hit = memo.get(key)
            if hit is not None:
                result = hit
                break
            nx, ny = cx + dx, cy + dy
            if nx < 0 or ny < 0:
                result = ()
                memo[key] = result
                break
            nxt = t.cell_at(nx, ny)
            if nxt is None or not nxt.is_header:
                chain.append(key)
                cx, cy = nx, ny
                continue
            result = tuple(self._scan(None, cx, cy, dx, dy))
            memo[key] = result
            break
        for key in chain:
            memo[key] = result
        return result

    def parts(self, cell: Cell) -> HeaderParts:
        """The standard's header list for ``cell``, split into its parts, empty cells removed."""
        t = self.t
        attr = cell.element.get("headers") if cell.element is not None else None
        if attr is not None:
            return self._explicit(cell, attr)
        row: list[Cell] = []
        col: list[Cell] = []
        if cell.is_header:
            for y in range(cell.y, cell.y + cell.height):
                row.extend(self._scan(cell, cell.x, y, -1, 0))
            for x in range(cell.x, cell.x + cell.width):
                col.extend(self._scan(cell, x, cell.y, 0, -1))
        else:
            for y in range(cell.y, cell.y + cell.height):
                row.extend(self._data_scan(self._left, cell.x, y, -1, 0))
            for x in range(cell.x, cell.x + cell.width):
                col.extend(self._data_scan(self._up, x, cell.y, 0, -1))
        xmax = cell.x + cell.width - 1
        ymax = cell.y + cell.height - 1
        rowgroup: list[Cell] = []
        group = t.row_group_of(cell.y)
        if group is not None:
            ystart, height, _ = t.row_groups[group]
            rowgroup = [
                h
                for h in self._scoped("rowgroup")
                if ystart <= h.y < ystart + height and h.x <= xmax and h.y <= ymax
            ]
        colgroup: list[Cell] = []
        cgroup = t.col_group_of(cell.x)
        if cgroup is not None:
            xstart, width = t.col_groups[cgroup]
            colgroup = [
                h
                for h in self._scoped("colgroup")
                if xstart <= h.x < xstart + width and h.x <= xmax and h.y <= ymax
            ]
        return self._clean(cell, HeaderParts(False, row, col, rowgroup, colgroup))

    def _scoped(self, scope: str) -> list[Cell]:
        key = "_scoped_" + scope
        cached = getattr(self, key, None)
        if cached is None:
            cached = [c for c in self.t.cells if c.is_header and c.scope == scope]
            setattr(self, key, cached)
        return cached

    def _explicit(self, cell: Cell, attr: str) -> HeaderParts:
        t = self.t
        targets: list[Cell] = []
        for token in _ASCII_SPLIT.split(attr.strip(_ASCII_WS)):
            if not token:
                continue
            el = self.id_lookup(token) if self.id_lookup else _find_id_in_table(t, token)
            target = t.by_element.get(el) if el is not None else None
            if target is not None and target is not cell:
                targets.append(target)
        row, col, rowgroup, colgroup = [], [], [], []
        for h in targets:
            if h.scope == "rowgroup":
                rowgroup.append(h)
            elif h.scope == "colgroup":
                colgroup.append(h)
            elif h.scope == "row" or (h.scope == "auto" and t.is_row_header(h)):
                row.append(h)
            elif h.scope == "col" or t.is_column_header(h):
                col.append(h)
            elif h.y <= cell.y + cell.height - 1 and h.y + h.height > cell.y:
                row.append(h)  # shares a row with the principal: it heads the row
            else:
                col.append(h)
        return self._clean(cell, HeaderParts(True, row, col, rowgroup, colgroup, targets))

    @staticmethod
    def _clean(cell: Cell, parts: HeaderParts) -> HeaderParts:
        seen = {id(cell)}

        def keep(cells: list[Cell]) -> list[Cell]:
            out = []
            for c in cells:
                if id(c) in seen or is_empty_cell(c.element):
                    continue
                seen.add(id(c))
                out.append(c)
            return out

        ordered = None
        if parts.ordered is not None:
            ordered = keep(parts.ordered)
            seen.clear()
            seen.add(id(cell))
        return HeaderParts(
            parts.explicit, keep(parts.row), keep(parts.col), keep(parts.rowgroup), keep(parts.colgroup), ordered
        )


def _find_id_in_table(t: Table, token: str):
    """The first element in the table's document with id ``token`` (used when no lookup is given)."""
    root = t.element.getroottree().getroot()
    for el in root.iter():
        if isinstance(el.tag, str) and el.get("id") == token:
            return el
    return None


def document_id_lookup(root):
    """A callable id -> the first element in document order with that id (built once, lazily)."""
    index: dict[str, object] | None = None

    def lookup(token: str):
        nonlocal index
        if index is None:
            index = {}
            for el in root.iter():
                if isinstance(el.tag, str):
                    value = el.get("id")
                    if value is not None and value not in index:
                        index[value] = el
        return index.get(token)

    return lookup


def header_parts(table: Table, cell: Cell, id_lookup=None) -> HeaderParts:
    """Convenience wrapper: the header parts of one cell (use :class:`HeaderAssigner` for many)."""
    return HeaderAssigner(table, id_lookup).parts(cell)


def assign_headers(table: Table, id_lookup=None) -> dict[Cell, list[Cell]]:
    """The standard's header list of every cell in ``table``, in the standard's order."""
    assigner = HeaderAssigner(table, id_lookup)
    return {cell: assigner.parts(cell).all() for cell in table.cells}
