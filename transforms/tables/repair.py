"""Repair: body cells whose colspans disagree with their header row's (Word exports), realigned by position.

Word sizes cells by width; its HTML export turns widths that differ from row to row into colspans
over a finer grid. A header row ``信息内容 | 上一年项目数量 (2) | 本年增/减`` over a body row
``行政事业性收费 | 6 | 0 (2)`` puts the 0 under both 上一年项目数量 and 本年增/减, which a screen
reader then announces as "上一年项目数量 › 本年增/减" — as if one were the other's parent. The
evident structure is the order: a body row with as many cells as its header row has columns
gives its k-th cell to the k-th column. The repair rewrites such a row's colspans to its header
row's (each cell then sits under its own header, in every browser), and nothing else: a row whose
cell count differs, or that a rowspan crosses, is left as the author wrote it.
"""

from __future__ import annotations

from .infer import Inference
from .model import Cell, Table


def _leaves(t: Table, inf: Inference, header_rows: tuple[int, ...]) -> list[Cell] | None:
    """The lowest header cell over each column of the data region, left to right, when they tile it."""
    leaves: list[Cell] = []
    x = inf.left
    while x < t.xwidth:
        leaf = None
        for y in reversed(header_rows):
            c = t.cell_at(x, y)
            if c is not None and inf.roles.get(c.index) == "col":
                leaf = c
                break
        if leaf is None or leaf.x != x or leaf.x + leaf.width > t.xwidth:
            return None
        leaves.append(leaf)
        x += leaf.width
    return leaves


def _body_cells(t: Table, inf: Inference, y: int) -> list[Cell] | None:
    """The data cells of row ``y`` tiling the data region, each anchored in the row and one row high."""
    out: list[Cell] = []
    x = inf.left
    while x < t.xwidth:
        c = t.cell_at(x, y)
        if c is None or c.x != x or c.y != y or c.height != 1 or inf.roles.get(c.index) != "data":
            return None
        out.append(c)
        x += c.width
    return out


def misaligned(t: Table, inf: Inference) -> list[tuple[Cell, int]]:
    """(cell, colspan it should have) for every body cell of a row realigned to its header row."""
    edits: list[tuple[Cell, int]] = []
    if not inf.wide_data:
        return edits  # every body cell one column wide: as many cells as columns, each under its own
    header_rows = tuple(y for y in range(inf.lead, inf.top) if y not in inf.sections)
    leaves = _leaves(t, inf, header_rows) if header_rows else None
    for y in range(inf.top, t.yheight):
        if y in inf.sections:
            continue
        if y in inf.inbody:  # header rows repeated inside the body: the rows below follow them
            header_rows = (header_rows if y - 1 in inf.inbody else ()) + (y,)
            leaves = _leaves(t, inf, header_rows)
            continue
        cells = _body_cells(t, inf, y) if leaves else None
        if cells is None or len(cells) != len(leaves):
            continue
        edits.extend((c, leaf.width) for c, leaf in zip(cells, leaves) if c.width != leaf.width)
    return edits


def set_colspans(edits: list[tuple[Cell, int]]) -> None:
    """Write the colspans :func:`misaligned` found (the table must be formed again after)."""
    for c, width in edits:
        if width == 1:
            c.element.attrib.pop("colspan", None)
        else:
            c.element.set("colspan", str(width))
