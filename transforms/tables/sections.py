"""Restructuring: a table whose full-width section rows each bring their own header rows becomes one table per section.

Chromium (and everything built on it: Chrome, Edge, 360, QQ, Sogou; Orca, NVDA and
JAWS on Chrome) gives a cell every column header in its column, from every section,
and ignores ``headers``; no markup inside one ``<table>`` can stop 上一年项目数量 of
section （五） heading the cells of section （一）. One table per section can: each
part keeps its own header rows, and its ``<caption>`` is the section
(``<caption><span>二、…情况：</span>第二十条第（一）项</caption>``, the title hidden from sight),
so the table is announced by the report's title and its section. The parts sit
flush (no margin between them), the section text keeps its own markup, so a sighted
visitor sees the same table.
"""

from __future__ import annotations

from .common import HIDDEN_IN_FLOW, MARK
from .infer import Inference
from .model import Table

PART = "table-part"  # data-eldermode of a table made from a section of another
SEPARATOR = "："  # between the table's title and the section in a part's caption


def _own_rows(table_el) -> list:
    rows = []
    for child in table_el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("tbody", "thead", "tfoot"):
            rows.extend(tr for tr in child if isinstance(tr.tag, str) and tr.tag == "tr")
    return rows


def section_starts(t: Table, inf: Inference) -> list[int] | None:
    """Grid rows where a part begins, when the table should and can be split; else None.

    Split only when every section row is directly followed by header rows of its own
    (the first by the top band, the others by in-body header rows), the first row is a
    section, rows map one to one onto ``<tr>`` elements of a single row group, and no
    cell spans from one section into the next.
    """
    starts = sorted(inf.sections)
    if len(starts) < 2 or starts[0] != 0:  # (so never with title or unit rows above, which annotate removes)
        return None
    for y in starts:
        own_header = (y + 1 < inf.top) if y == starts[0] else (y + 1 in inf.inbody)
        if not own_header:
            return None
    groups = [child for child in t.element if isinstance(child.tag, str) and child.tag in ("tbody", "thead", "tfoot")]
    if len(groups) > 1:
        return None
    if len(_own_rows(t.element)) != t.yheight:
        return None
    bounds = starts[1:] + [t.yheight]
    part_of = {}
    k = 0
    for y in range(t.yheight):
        while y >= bounds[k]:
            k += 1
        part_of[y] = k
    for c in t.cells:
        if part_of[c.y] != part_of[c.y + c.height - 1]:
            return None
        if c.element.getparent() is None or c.element.getparent().tag != "tr":
            return None
    return starts


def _caption(table_el, title: str, section_cell):
    cap = table_el.makeelement("caption", {MARK: "caption", "class": "em-table-section"})
    if title:
        hidden = cap.makeelement("span", {"class": "em-table-title", "style": HIDDEN_IN_FLOW})
        hidden.text = title + SEPARATOR
        cap.append(hidden)
    else:
        cap.text = None
    # The section's own markup (<p align=center><b>…</b></p>) keeps its look.
    if section_cell.text:
        if len(cap):
            cap[-1].tail = section_cell.text
        else:
            cap.text = section_cell.text
    for child in list(section_cell):
        cap.append(child)
    return cap


def split_sections(t: Table, inf: Inference, title: str, starts: list[int], report, number: int) -> list:
    """Split ``t`` at ``starts`` (see :func:`section_starts`), annotated with ``split=True``; returns
    the part tables, the original first."""
    el = t.element
    rows = _own_rows(el)
    # (annotate, told of the split, named no section in any headers list: each is now its part's caption)
    old_caption = next((child for child in el if isinstance(child.tag, str) and child.tag == "caption"), None)
    if old_caption is not None:
        el.text = (el.text or "") + (old_caption.tail or "")
        el.remove(old_caption)
    bounds = starts + [t.yheight]
    tail = el.tail
    el.tail = None
    parts = [el]
    anchor = el
    group = rows[0].getparent()
    attrib = {k: v for k, v in el.attrib.items() if k not in ("id", "aria-describedby")}
    for k in range(len(starts)):
        part_rows = rows[bounds[k]:bounds[k + 1]]
        section_tr = part_rows[0]
        section_cell = next(cell for cell in section_tr if isinstance(cell.tag, str) and cell.tag in ("td", "th"))
        if k == 0:
            part = el
        else:
            part = el.makeelement("table", dict(attrib))
            part.set(MARK, PART)
            body = part.makeelement(group.tag if group is not el else "tbody", {})
            part.append(body)
            for tr in part_rows:
                tr.getparent().remove(tr)
                body.append(tr)
            anchor.addnext(part)
            anchor = part
            parts.append(part)
        cap = _caption(part, title, section_cell)
        cap.tail = part.text
        part.text = None
        part.insert(0, cap)
        section_tr.getparent().remove(section_tr)
    # Flush parts: the page's table margins would otherwise open gaps inside what is one table.
    for i, part in enumerate(parts):
        style = (part.get("style") or "").rstrip().rstrip(";")
        extra = []
        if i > 0:
            extra.append("margin-top:0")
        if i < len(parts) - 1:
            extra.append("margin-bottom:0")
        part.set("style", ";".join(([style] if style else []) + extra))
    parts[-1].tail = tail
    report.note("tables", "split sections into tables", f"table {number}: {len(parts)} parts, one per section")
    return parts
