"""Classification: is a ``<table>`` a data table, a layout table, or one the author already annotated."""

from __future__ import annotations

from dataclasses import dataclass

from lxml import etree

from ..ariafix import role_ok
from .common import ANNOTATED, MARK
from .text import SPACE as _SPACE, cell_text

@dataclass
class Verdict:
    kind: str  # layout | author | data | unsure | skip
    reason: str
    mark_layout: bool = False  # a layout table the page leaves browsers guessing about


_FORM_CONTROLS = ("input", "select", "textarea", "button")
_EMBEDS = ("iframe", "embed", "object")




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


# headers on a td (a th sends us to the exact walk anyway); twice as fast as looking at every cell from Python.
_TD_HEADERS = etree.XPath("boolean(descendant::td/@headers)")


def _author_header_markup(table_el, structure) -> str:
    if next(table_el.iterdescendants("th"), None) is None and not _TD_HEADERS(table_el):
        return ""  # nothing anywhere inside; otherwise only the table's own cells count
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
    # The first role token browsers know (the aria step drops the others, so the next rewrite sees only it).
    role = next((t for t in (table_el.get("role") or "").lower().split() if role_ok(t)), "")
    if role in ("presentation", "none"):
        return Verdict("layout", f"role={role}")
    if role:
        return Verdict("skip", f"role={role}")
    if (table_el.get("datatable") or "").strip() == "0":
        return Verdict("layout", "datatable=0")
    author = _author_header_markup(table_el, structure)
    if author:
        return Verdict("author", author)
    indicator = _data_indicators(table_el, structure)
    guessing = not indicator  # nothing in the markup tells browsers what this is

    def layout(reason: str) -> Verdict:
        return Verdict("layout", reason, mark_layout=guessing) if guessing else Verdict("skip", reason)

    inside = {el.tag for el in table_el.iterdescendants("table", *_FORM_CONTROLS, *_EMBEDS)}  # one pass
    if "table" in inside:
        return layout("contains a table")
    if not inside.isdisjoint(_FORM_CONTROLS):
        return layout("form controls")
    if inside:
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
