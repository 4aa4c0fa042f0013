"""Names every table module shares: the attribute eldermode marks its own nodes with, size limits, lxml's C attribute setter."""

from __future__ import annotations

from lxml import etree

# lxml's own setter: lxml.html's HtmlElement.set is a Python wrapper around it (twice the cost, and tables
# set an id, scope or headers on nearly every cell).
set_attr = etree.ElementBase.set

MARK = "data-eldermode"
ANNOTATED = "table"  # value of data-eldermode on a table this module annotated
READING = "table-reading"  # the injected <details>
MAX_CELLS = 20000  # above this a table is left alone (noted in the report): one page must stay fast
MAX_SLOTS = 400_000
# Visually hidden but in the flow (not absolutely positioned like .em-visually-hidden): an absolute box
# escapes a scroll container and, placed where a wide caption centres it, widens the page.
HIDDEN_IN_FLOW = ("display:inline-block;width:1px;height:1px;margin:-1px;padding:0;border:0;overflow:hidden;"
                  "clip-path:inset(50%);white-space:nowrap")
