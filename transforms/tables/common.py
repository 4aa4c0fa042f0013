"""Names every table module shares: the attribute eldermode marks its own nodes with, and size limits."""

from __future__ import annotations

MARK = "data-eldermode"
ANNOTATED = "table"  # value of data-eldermode on a table this module annotated
READING = "table-reading"  # the injected <details>
MAX_CELLS = 20000  # above this a table is left alone (noted in the report): one page must stay fast
MAX_SLOTS = 400_000
