"""Tables a screen reader can read: a package whose modules each own one step.

- :mod:`.model` — the HTML standard's table model (forming a table, assigning header cells);
- :mod:`.text` — a cell's text as a listener hears it, and the kind of value it holds;
- :mod:`.classify` — data table, layout table, or one the author annotated;
- :mod:`.infer` — which cells of a ``<td>``-only table are headers, and of what;
- :mod:`.annotate` — that decision written as markup (``th``/``scope``, ``id``/``headers``, caption);
- :mod:`.caption` — a table's title from the heading before it;
- :mod:`.reading` — each data cell read as ``row path | column path: value``;
- :mod:`.formats` — readings as text, JSON or CSV;
- :mod:`.transform` — the ``tables`` transform running those steps in order.

Author markup wins: a table with ``th`` cells or ``headers`` attributes is read as
the author wrote it and never rewritten; ``role``/``aria-*`` are never overwritten.
"""

from __future__ import annotations

from .common import MARK, MAX_CELLS
from .formats import format_readings
from .reading import CellReading, TableReading
from .text import cell_text, normalise_text
from .transform import annotate_tables, read_page, read_tables

__all__ = [
    "MARK",
    "MAX_CELLS",
    "CellReading",
    "TableReading",
    "annotate_tables",
    "cell_text",
    "format_readings",
    "normalise_text",
    "read_page",
    "read_tables",
]
