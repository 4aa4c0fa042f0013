"""Reading: each data cell as ``row path | column path: value``, from inferred or author headers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from .infer import Inference
from .model import Cell, HeaderAssigner, Table
from .text import cell_text

@dataclass(slots=True)
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


PLACE = 7  # entries of TableReading.places a sentence (CellReading's fields before ``text``)


@dataclass
class TableReading:
    """A data table of a page, read cell by cell."""

    index: int  # position among the page's <table> elements as the page came (0-based), before any split
    caption: str
    description: str  # the corner note, or ""
    source: str  # "inferred" (eldermode chose the headers) or "author" (the page's own markup)
    rows: int
    cols: int
    summary: str = ""
    # Each data cell's sentence, in reading order (the in-page reading's items, one each). A sentence holds its
    # cell's row path, column path and value whole: the elder cards (transforms/elder.py) escape the markup
    # they write only when some sentence holds a character to escape.
    texts: list[str] = field(default_factory=list, repr=False)
    # The page's <table> element this reading is of; when eldermode split it into one table per
    # section, ``parts`` lists them all (``element`` first). Not serialised.
    element: object = field(default=None, repr=False, compare=False)
    parts: list = field(default_factory=list, repr=False, compare=False)
    # The linear reading (<details>) the tables step wrote after it on this rewrite, None when the page already
    # had one: the speech step numbers that reading's items from ``texts`` instead of reading ~5,000 back.
    details: object = field(default=None, repr=False, compare=False)
    # row, col, value, y, x, rowspan, colspan of each sentence in turn, flat (PLACE entries a sentence):
    # its CellReading is made when ``cells`` is first read. Access mode reads only the sentences; a
    # 100 × 50 table makes 4,800 fewer objects, none the garbage collector walks.
    places: list = field(default_factory=list, repr=False)
    _cells: list | None = field(default=None, repr=False, compare=False)

    @property
    def cells(self) -> list[CellReading]:
        """The data cells read, one :class:`CellReading` each (made on first use, then kept)."""
        if self._cells is None:
            each = iter(self.places)
            self._cells = [CellReading(*place, text) for place, text in zip(zip(*[each] * PLACE), self.texts)]
        return self._cells

    def cell_places(self):
        """(row path, column path, value, y, x) of each sentence's cell in turn, read off ``places`` with no
        :class:`CellReading` made (the elder cards of a 100 × 50 table read 5,000)."""
        return zip(*self.cell_fields())

    def cell_fields(self) -> list[list]:
        """The row paths, column paths, values, ys and xs of :meth:`cell_places`, five parallel lists: five
        slices of ``places`` in C (transposing the places of 5,000 cells with ``zip`` cost twenty times more)."""
        p = self.places
        return [p[0::PLACE], p[1::PLACE], p[2::PLACE], p[3::PLACE], p[4::PLACE]]

    def headed(self) -> bool:
        """Some cell read has a row or column header."""
        return any(self.places[0::PLACE]) or any(self.places[1::PLACE])

    def as_dict(self) -> dict:
        out = {f: getattr(self, f) for f in ("index", "caption", "description", "source", "rows", "cols", "summary")}
        out["cells"] = [asdict(c) for c in self.cells]
        return out


def labels_for(lang: str) -> dict[str, str]:
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


def read(t: Table, index: int, caption: str, description: str, source: str, lang: str,
          data_cells: list[Cell], headers_of) -> TableReading:
    """Read ``data_cells``; ``headers_of(cell)`` gives (row header cells, column header cells, row key, column key).

    One pass, a few dictionary lookups a cell: a 100 × 50 report table has ~5,000 data cells, and the
    paths of a row and of a column are the same for all its cells (built once each, on first sight).
    """
    labels = labels_for(lang)
    reading = TableReading(index, caption, description, source, t.yheight, t.xwidth)
    col_levels = row_levels = 0
    empty = labels["empty"]
    # Paths are shared by the cells of a row / a column: build each once (the lists are shared, read-only).
    row_paths: dict = {}  # key -> (row path, joined)
    col_paths: dict = {}  # key -> (sections, column path, joined)
    parts = getattr(headers_of, "parts", None)  # inferred headers: their lists, read here without a call a cell
    author = source == "author"
    place, say = reading.places.extend, reading.texts.append
    last_rows = last_found = None  # the previous cell's row headers and path (the cells of a row come in a run)
    for c in data_cells:
        if parts is not None:
            row_cells, col_cells = parts[c.index]
            col_key = id(col_cells)
        else:
            row_cells, col_cells, row_key, col_key = headers_of(c)
        try:  # (a subscript, not a .get() call: this runs for every data cell and misses once a column)
            split = col_paths[col_key]
        except KeyError:
            sections, col = _column_path(t, col_cells)
            split = col_paths[col_key] = (sections, col, " › ".join(col))
            if len(col) > col_levels:
                col_levels = len(col)
        sections, col, col_path = split
        if row_cells is last_rows and not sections:
            found = last_found
        else:
            if parts is not None:
                row_key = id(row_cells)
            key = (row_key, col_key) if sections else row_key
            found = row_paths.get(key)
            if found is None:
                row = sections + [_header_text(h) for h in sorted(row_cells, key=lambda h: (h.x, h.y))]
                found = row_paths[key] = (row, " › ".join(row))
                if len(row) > row_levels:
                    row_levels = len(row)
            if not sections:
                last_rows, last_found = row_cells, found
        row, row_path = found
        try:
            value = c.data["text"]  # (filled for every cell by inference and by the author path)
        except KeyError:
            value = c.data["text"] = cell_text(c.element)
        if author and not value and not row and not col:
            continue  # an empty placeholder cell of the author's layout, not a value
        # The sentence: ``row path | column path: value`` (each path joined with `` › ``), missing parts left out.
        said = value or empty
        if row_path:
            text = f"{row_path} | {col_path}: {said}" if col_path else f"{row_path}: {said}"
        else:
            text = f"{col_path}: {said}" if col_path else said
        place((row, col, value, c.y, c.x, c.height, c.width))
        say(text)
    name = caption or labels["table"].format(n=index + 1)
    levels = labels["and"].join((
        labels["col_levels"].format(n=col_levels) if col_levels else labels["no_col"],
        labels["row_levels"].format(n=row_levels) if row_levels else labels["no_row"],
    ))
    reading.summary = labels["summary"].format(
        caption=name, rows=t.yheight, cols=t.xwidth, cells=len(reading.texts), levels=levels)
    return reading


def spec_headers(t: Table, lookup):
    """Headers as the standard assigns them (what browsers that honour ``headers`` compute)."""
    assigner = HeaderAssigner(t, lookup)

    def headers_of(c: Cell):
        parts = assigner.parts(c)
        rows, cols = parts.row + parts.rowgroup, parts.col + parts.colgroup
        return rows, cols, tuple(h.index for h in rows), tuple(h.index for h in cols)

    return headers_of


def inferred_headers(inf: Inference):
    """Headers as inferred (and written into ``headers`` attributes): same result, no attribute parsing.

    The lists are shared between cells and alive as long as ``inf``, so their ids are cache keys.
    """

    def headers_of(c: Cell):
        rows, cols = inf.parts[c.index]
        return rows, cols, id(rows), id(cols)

    headers_of.parts = inf.parts  # what :func:`read` looks up itself, a call a cell saved
    return headers_of
