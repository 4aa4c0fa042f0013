"""The ``tables`` transform: classify, infer, annotate and read every table of a page (the steps' order).

Each step lives in its own module of this package (classify, infer, annotate,
caption, reading, formats); this one only runs them in order, so a reader looking
for the rule that decided a header goes to :mod:`.infer`, for the markup that
carries it to :mod:`.annotate`.
"""

from __future__ import annotations

import lxml.html

from .. import Context
from ..bulkmarkup import escaper, utf8
from ..deferred import defer
from ..markup import begin_generated, record_generated
from .annotate import Ids, add_caption, annotate
from .caption import caption_from_page, previous_element
from .classify import classify
from .common import MARK, MAX_CELLS, MAX_SLOTS, READING
from .infer import fill_texts, infer
from .levels import apply_levels, find_levels
from .model import TableTooLarge, document_id_lookup, form_table, table_structure
from .repair import misaligned, set_colspans
from .sections import PART, section_starts, split_sections
from .reading import TableReading, inferred_headers, labels_for, read, spec_headers
from .text import cell_text

def read_tables(root, lang: str = "", report=None) -> list[TableReading]:
    """Classify every table under ``root``, annotate the td-only data tables, and read every data table.

    Edits the tree in place (that is the transform's job); the CLI and the
    endpoint call it on a tree of their own. Never raises on bad tables: a table
    that cannot be formed or is too large is skipped and noted in ``report``.
    """
    from .. import Report

    report = report if report is not None else Report()
    ids: Ids | None = None
    lookup = None
    readings: list[TableReading] = []
    captions: dict = {}  # data table element -> its caption (a table continued by the next one lends it)
    for index, table_el in enumerate(list(root.iter("table"))):
        structure = table_structure(table_el)
        verdict = classify(table_el, structure)
        if verdict.kind == "layout":
            if verdict.mark_layout:  # (classify marks only a table without a role browsers know)
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
        caption = caption or caption_from_page(table_el) or _continued_caption(table_el, captions)
        if lookup is None:
            lookup = document_id_lookup(root.getroottree().getroot())
        inf = None
        if verdict.kind == "author" and verdict.reason == "th":
            inf = _complete_author_headers(t)  # th on the header rows only: the row labels are left to us
        if verdict.kind == "author" and inf is None:
            fill_texts(t)
            data = [c for c in t.cells if not c.is_header]
            description = _described_by(table_el, lookup)
            source = "inferred" if verdict.reason == "annotated by eldermode" else "author"
            reading = read(t, index, caption, description, source, lang, data, spec_headers(t, lookup))
            reading.element, reading.parts = table_el, [table_el]
            if reading.headed():
                readings.append(reading)  # (th used for looks only, with no header of anything: nothing to read)
                captions[table_el] = caption
                if caption and t.caption is None:
                    add_caption(table_el, caption)
                    report.note("tables", "added caption", caption)
            continue
        inf = inf or infer(t)
        if inf is None:
            report.note("tables", "left table alone", f"table {index}: headers unclear")
            continue
        edits = misaligned(t, inf)
        if edits:  # body cells whose colspans disagree with their header row's: realigned, read again
            t, inf = _realigned(table_el, verdict, edits, t, inf, report, index)
        if ids is None:
            ids = Ids(root.getroottree().getroot())
        if inf.title is not None and t.caption is None:
            caption = inf.title.data.get("text", "") or caption  # the table's own title row is its real title
        captions[table_el] = caption
        starts = section_starts(t, inf)
        if not starts and apply_levels(t, inf, find_levels(t, inf)):
            report.note("tables", "row-header levels", f"table {index}: {len(inf.levels)} outer level cells")
        annotate(t, inf, index, ids, caption, report, split=bool(starts))
        description = " ".join(c.data.get("text", "") for c in (inf.note, *inf.units) if c is not None)
        reading = read(t, index, caption, description, "inferred", lang, inf.data_cells, inferred_headers(inf))
        reading.element = table_el
        reading.parts = split_sections(t, inf, caption, starts, report, index) if starts else [table_el]
        readings.append(reading)
    return readings


def _realigned(table_el, verdict, edits, t, inf, report, index):
    """The table formed and inferred again with ``edits`` (from :func:`.repair.misaligned`) applied; the
    old table and inference, with the old colspans put back, when the new one is not read at all."""
    old = [(c.element, c.element.get("colspan")) for c, _ in edits]
    set_colspans(edits)
    new_t = form_table(table_el)
    new_inf = _complete_author_headers(new_t) if verdict.kind == "author" else infer(new_t)
    if new_inf is None:
        for el, value in old:
            if value is None:
                el.attrib.pop("colspan", None)
            else:
                el.set("colspan", value)
        return t, inf
    report.note("tables", "realigned colspans", f"table {index}: {len(edits)} cells under their own headers")
    return new_t, new_inf


def _continued_caption(table_el, captions: dict) -> str:
    """One logical table written as several ``<table>``s in a row (二、主动公开 in the 2021 format): the
    caption of the data table right before this one, when nothing but blank text stands between them."""
    prev = previous_element(table_el)
    return captions.get(prev, "") if prev is not None else ""


def _complete_author_headers(t):
    """Inference for a table whose author marked only the header rows with ``th`` (row labels left ``td``).

    Used only when every author ``th`` sits in the leading rows, no cell has ``headers``, and
    the inference agrees with the author: each of their ``th`` is a header (or the corner note)
    in the result. Otherwise None, and the author's markup is read as it is.
    """
    ths = [c for c in t.cells if c.is_header]
    if not ths or any(c.element.get("headers") is not None for c in t.cells):
        return None
    first_plain = next((y for y in range(t.yheight) if not any(c.is_header for c in t.row_cells(y))), None)
    if first_plain is None or any(c.y + c.height > first_plain for c in ths):
        return None
    if any(c.scope in ("row", "rowgroup") for c in ths):
        return None
    inf = infer(t)
    if inf is None or inf.left == 0 or inf.top < first_plain:
        return None
    if any(inf.roles.get(c.index) not in ("col", "note", "section", "blank") for c in ths):
        return None
    return inf


def _described_by(table_el, lookup) -> str:
    refs = (table_el.get("aria-describedby") or "").split()
    texts = [cell_text(el) for el in (lookup(r) for r in refs) if el is not None]
    return " ".join(t for t in texts if t)


# ----------------------------------------------------------------------------- in-page view and transform


def _reading_details(root, ctx: Context, table_el, reading: TableReading):
    labels = labels_for(ctx.lang)
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
    # The <ol> of an item a cell is written as bytes, never as elements (transforms/deferred.py): the tree holds
    # a stand-in for it. (An empty item is written <li></li>, as serialize_document has libxml2 write one.)
    esc = escaper(reading.texts)
    texts = reading.texts if esc is str else list(map(esc, reading.texts))
    defer(root, ctx, details, b"<ol><li>" + b"</li><li>".join(utf8(texts)) + b"</li></ol>")
    return details


def _has_reading_after(table_el) -> bool:
    """The linear view is already there (a page rewritten twice), or the table is one part of a split
    table whose view follows its last part."""
    anchor = table_el
    parent = table_el.getparent()
    if parent is not None and parent.get(MARK) == "table-scroll":
        anchor = parent
    nxt = anchor.getnext()
    if nxt is not None and nxt.get(MARK) == "table-scroll" and len(nxt):
        nxt = nxt[0]
    return nxt is not None and nxt.get(MARK) in (READING, PART)


def annotate_tables(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """The ``tables`` transform: annotate data tables, mark guessed layout tables, add each table's linear view."""
    body = root.find("body")
    if body is None:
        return
    begin_generated(root, ctx)  # (the readings written below are recorded for the steps that set them aside)
    readings = read_tables(body, ctx.lang, report=ctx.report)
    ctx.data["tables"] = readings
    if not readings:
        return
    for reading in readings:
        table_el = reading.parts[-1] if reading.parts else reading.element  # the linear view follows the last part
        if table_el is None or not reading.texts or _has_reading_after(table_el):
            continue
        details = reading.details = _reading_details(root, ctx, table_el, reading)
        anchor = table_el
        parent = table_el.getparent()
        if parent is not None and parent.get(MARK) == "table-scroll":
            anchor = parent
        details.tail = anchor.tail
        anchor.tail = None
        anchor.addnext(details)
        record_generated(ctx, details)
        ctx.report.note("tables", "added linear reading", f"table {reading.index}: {len(reading.texts)} cells")


def read_page(body: bytes, content_type: str | None = None, lang: str | None = None) -> list[TableReading]:
    """Parse a page's bytes and read its tables, no other step run (unit tests; ``eldermode tables`` and the
    JSON endpoint read them off the whole pipeline: transforms/outputs.py, the same readings on every page tried)."""
    from ..document import parse_document
    from ..language import detect_language, visible_text

    doc = parse_document(body, content_type)
    if lang is None:
        lang = (doc.root.get("lang") or "").strip() or detect_language(visible_text(doc.root))
    return read_tables(doc.root, lang)
