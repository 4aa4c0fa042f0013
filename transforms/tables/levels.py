"""Outer row-header levels: budget-code parents (201 › 20101 › 2010101) and sections that share one header row, as hidden leading row-header columns.

By grid position (Chromium, and Firefox without ``headers``) a cell's row headers are
the row-header cells of its own rows, so a parent named in another row (201 一般公共服务支出
above 20101 人大事务) or a full-width section row (一、一般公共预算支出) cannot head it.
A row-header cell spanning rows can: each outer level becomes one ``<th scope=row
rowspan=k>`` in a zero-width column in front of the table, over the rows it heads, its text
visually hidden ("201 一般公共服务支出": the parent row's own row headers, one cell per
level). Slots of those columns that no level covers hold an empty ``<th scope=col>``
(not a data cell, not a row header: it heads nothing; a ``td`` would be a data cell, and
``aria-hidden``/``role=none`` cells drop out of both browsers' grids and shift every
column after them). The visible section row stays where it was, ``aria-hidden`` (the hidden
level cell in the same row says it once) and ``th scope=row`` (it heads no column).
"""

from __future__ import annotations

import re

from .common import MARK, set_attr
from .infer import Inference
from .model import Cell, Table, parse_nonnegative_integer

LEVEL = "table-level"  # data-eldermode of a hidden level cell or an empty slot of a level column
_CELL_STYLE = "padding:0;margin:0;width:0;min-width:0;max-width:0;overflow:hidden;line-height:0;"
# Collapsed borders: the hidden column sits on the table's left edge. When the cells draw the grid lines
# (Word, Excel: the table's own border none) a hidden cell draws none and the first visible cell's left
# border is the edge, as before; when the table draws its own border (border=1, no inline border), a
# hidden right border keeps the first visible cell's from doubling it.
_BORDER_CELLS = "border:0"
_BORDER_TABLE = "border-style:none hidden none none;border-width:0"
_INLINE_BORDER = re.compile(r"(?:^|;)\s*border(?:-left)?(?:-width|-style)?\s*:", re.IGNORECASE)
_TEXT_STYLE = ("display:inline-block;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;"
               "clip-path:inset(50%);white-space:nowrap")
_CODE = re.compile(r"\d{3,12}")
# Rows after the last section that total the whole table belong to no section.
_GRAND_TOTAL = re.compile(r"^.{0,10}(?:合计|总计)$")


def _row_labels(t: Table, inf: Inference, y: int) -> list[Cell]:
    return [c for c in t.row_cells(y) if inf.roles.get(c.index) == "row"]


def shared_sections(inf: Inference) -> list[int]:
    """Section rows when the sections share the header rows above them (none brings its own)."""
    secs = sorted(inf.sections)
    if not secs or inf.inbody:
        return []
    if not any(y not in inf.sections for y in range(inf.lead, secs[0])):
        return []  # no header row above the first section
    if any(y + 1 < inf.top for y in secs):
        return []  # a section with header rows of its own: one table per section (sections.py) or as written
    return secs


def _code_column(t: Table, inf: Inference, body: list[int]) -> int | None:
    """The first left-band column whose own one-column labels are all subject codes (at least two)."""
    roles = inf.roles
    slots = t.slots
    for x in range(inf.left):
        codes = 0
        for y in body:
            row = slots[y]
            c = row[x] if x < len(row) else None
            if not isinstance(c, Cell) or c.x != x or c.y != y or c.width != 1 or roles.get(c.index) != "row":
                continue  # (合计 over the code and name columns, a blank, a rowspan from above)
            if not _CODE.fullmatch(c.data.get("text", "")):
                codes = 0
                break  # a name, not a code: the first text decides (one cell per column, mostly)
            codes += 1
        if codes >= 2:
            return x
    return None


_FOCUSABLE_TAGS = ("a", "button", "input", "select", "textarea", "iframe", "summary")


def _focusable(el) -> bool:
    for node in el.iter():
        if not isinstance(node.tag, str):
            continue
        if node.get("tabindex") is not None or node.get("contenteditable") is not None:
            return True
        if node.tag in _FOCUSABLE_TAGS and (node.tag != "a" or node.get("href") is not None):
            return True
    return False


def find_levels(t: Table, inf: Inference) -> list[tuple[int, int, int, str]]:
    """The outer levels of ``inf``'s table: (hidden column, first row, last row, text), outer columns first.

    Column 0 holds the sections when they share the header rows; the code levels follow: a
    row whose subject code extends an earlier row's (20101 after 201) is headed by that row's
    labels, and by its parents' in turn.
    """
    sections = shared_sections(inf)
    if sections and any(_focusable(c.element) for y in sections for c in t.row_cells(y)):
        return []  # the visible section row is hidden from readers: a link in it would be a focus stop they cannot hear
    body = range(inf.top, t.yheight)
    if inf.sections or inf.inbody:
        body = [y for y in body if y not in inf.sections and y not in inf.inbody]
    levels: list[tuple[int, int, int, str]] = []
    first = 1 if sections else 0
    if sections:
        ends = sections[1:] + [t.yheight]
        for k, y in enumerate(sections):
            end = ends[k] - 1
            if k == len(sections) - 1:
                while end > y and all(_GRAND_TOTAL.match(c.data.get("text", "")) for c in _row_labels(t, inf, end)) \
                        and _row_labels(t, inf, end):
                    end -= 1
            cell = t.cell_at(0, y)
            levels.append((0, y, end, cell.data.get("text", "") if cell is not None else ""))
    x = _code_column(t, inf, body)
    if x is not None:
        stack: list[tuple[str, int, int]] = []  # (code, row, depth) of the open parents
        spans: dict[int, list] = {}  # parent row -> [depth, last row under it]
        body_rows = set(body)
        for y in range(inf.top, t.yheight):
            c = t.cell_at(x, y) if y in body_rows else None
            code = c.data.get("text", "") if c is not None and c.y == y and c.height == 1 else ""
            if not _CODE.fullmatch(code):
                stack = []  # a section, a 合计 row, a row without a code: no parent carries over it
                continue
            while stack and not (code.startswith(stack[-1][0]) and len(code) > len(stack[-1][0])):
                stack.pop()
            for _, parent, _ in stack:
                spans[parent][1] = y
            spans[y] = [len(stack), y]
            stack.append((code, y, len(stack)))
        for parent, (depth, last) in sorted(spans.items()):
            if last > parent:
                text = " ".join(h.data.get("text", "") for h in sorted(_row_labels(t, inf, parent), key=lambda h: h.x)
                                if h.data.get("text"))
                levels.append((first + depth, parent + 1, last, text))
    return levels


def apply_levels(t: Table, inf: Inference, levels: list[tuple[int, int, int, str]]) -> bool:
    """Add the level cells to the inference (row headers of the rows they span; sections no longer
    column headers) and the hidden columns to the table. False, nothing changed, when the rows do not
    map one to one onto ``<tr>``s or a level would cross a row group."""
    if not levels:
        return False
    trs = []
    for y in range(t.yheight):
        anchored = [c for c in t.row_cells(y) if c.y == y]
        tr = anchored[0].element.getparent() if anchored else None
        if tr is None or tr.tag != "tr" or any(c.element.getparent() is not tr for c in anchored):
            return False
        trs.append(tr)
    if len(set(map(id, trs))) != len(trs):
        return False
    for _, start, end, _ in levels:
        if any(trs[y].getparent() is not trs[start].getparent() for y in range(start, end + 1)):
            return False
    ncols = max(col for col, *_ in levels) + 1
    style = _CELL_STYLE + (_BORDER_TABLE if _draws_own_border(t.element) else _BORDER_CELLS)
    section_rows = set(shared_sections(inf))
    # The model: one header Cell per level, left of column 0, shared by every row it spans.
    level_cells: list[tuple[int, Cell]] = []
    covers: dict[int, list[Cell]] = {}
    anchors: dict[tuple[int, int], Cell] = {}
    for col, start, end, text in levels:
        el = t.element.makeelement("th", {"scope": "row", MARK: LEVEL, "style": style})
        if end > start:
            el.set("rowspan", str(end - start + 1))
        span = el.makeelement("span", {"style": _TEXT_STYLE})
        span.text = text
        el.append(span)
        cell = Cell(el, col - ncols, start, 1, end - start + 1, True, len(t.cells) + len(level_cells))
        cell.scope = "row"
        cell.data["text"] = text
        inf.roles[cell.index] = "level"
        level_cells.append((col, cell))
        anchors[(col, start)] = cell
        for y in range(start, end + 1):
            covers.setdefault(y, []).append(cell)
    for y in covers:
        covers[y].sort(key=lambda h: h.x)
    # Row header lists gain the levels of their row (lists are shared: each replaced once).
    sections = {c.index for c in t.cells if inf.roles.get(c.index) == "section"}
    if section_rows:
        for c in t.cells:
            if c.y in section_rows and inf.roles.get(c.index) == "section":
                inf.roles[c.index] = "outer"
    new_rows: dict[int, list] = {}
    new_cols: dict[int, list] = {}
    for index, (rows, cols) in list(inf.parts.items()):
        c = t.cells[index]
        outer = covers.get(c.y, ())
        key = (id(rows), c.y)
        nr = new_rows.get(key)
        if nr is None:
            nr = new_rows[key] = list(outer) + rows if outer else rows
        nc = cols
        if section_rows:
            nc = new_cols.get(id(cols))
            if nc is None:
                nc = new_cols[id(cols)] = [h for h in cols if h.index not in sections]
        inf.parts[index] = (nr, nc)
    inf.levels = tuple(cell for _, cell in level_cells)
    # Title and unit rows above the header rows span the hidden columns too (they go into the caption when
    # they can; one that stays, beside an author's caption or with a blank cell of its own, keeps its width).
    for y in range(inf.lead):
        first_cell = next((c for c in t.row_cells(y) if c.y == y and c.x == 0), None)
        if first_cell is not None:
            set_attr(first_cell.element, "colspan", str(first_cell.width + ncols))
    # The markup: the hidden cells at the start of each row from the first header row down.
    for y in range(inf.lead, t.yheight):
        tr = trs[y]
        new = []
        empty = None  # the empty slot cell being widened over the next free columns
        for col in range(ncols):
            cell = anchors.get((col, y))
            if cell is not None:
                new.append(cell.element)
                empty = None
            elif any(h.x == col - ncols and h.y < y for h in covers.get(y, ())):
                empty = None  # covered by a level cell from a row above
            elif empty is not None:
                set_attr(empty, "colspan", str(int(empty.get("colspan", "1")) + 1))
            else:
                empty = tr.makeelement("th", {"scope": "col", MARK: LEVEL, "style": style})
                new.append(empty)
        for k, el in enumerate(new):
            tr.insert(k, el)
    _prepend_cols(t.element, ncols)
    return True


def _draws_own_border(table_el) -> bool:
    """The table's own border is drawn: a ``border`` attribute above 0 and no inline border style."""
    value = table_el.get("border")
    if value is None or (value.strip() and (parse_nonnegative_integer(value) or 0) == 0):
        return False
    return not _INLINE_BORDER.search(table_el.get("style") or "")


def _prepend_cols(table_el, n: int) -> None:
    """Columns given by ``<col>``/``<colgroup>`` keep their widths: zero-width ones go in front."""
    first = next((k for k in table_el if isinstance(k.tag, str) and k.tag in ("col", "colgroup")), None)
    if first is None:
        return
    group = table_el.makeelement("colgroup", {MARK: LEVEL})
    col = group.makeelement("col", {"style": "width:0"})
    if n > 1:
        set_attr(col, "span", str(n))
    group.append(col)
    first.addprevious(group)
