"""What an element's attributes say to the heuristics: its id/class key, whole numbers, a short label, our own blocks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import lxml.html
from lxml import etree

__all__ = [
    "GENERATED", "begin_generated", "describe", "generated_blocks", "int_attribute", "key_of", "parse_int",
    "record_generated", "without_generated",
]

# data-eldermode of the blocks eldermode writes whole from a table's model: the linear reading (a <details>, tables
# step) and the reading cards (a <div>, elder mode). Their text is the cells' text and their lists are well formed
# by construction; on a 100 × 50 table they hold ~5,000 list items that the steps mending the site's lists and
# separators need not walk.
GENERATED = frozenset({"table-reading", "table-cards"})

# ctx.data: (the page's root element, its GENERATED blocks as written), kept by the steps that write them, so
# the eight steps that set them aside each take them from here instead of walking the whole page to find them
# (≈ 1.4 M instructions a search on a 100 × 50 table page). Any new writer of a GENERATED block must record it.
_RECORD = "markup.generated"


def key_of(el: lxml.html.HtmlElement) -> str:
    """``id`` and ``class`` lower-cased, space separated: what the class/id heuristics match on."""
    ident = el.get("id")
    cls = el.get("class")
    if not ident and not cls:
        return ""
    return f"{ident or ''} {cls or ''}".lower()


def int_attribute(el, name: str, default: int | None) -> int | None:
    """The attribute as a whole number, or ``default`` when absent or not one (see ``parse_int``)."""
    return parse_int(el.get(name), default)


def parse_int(text: str | None, default: int | None) -> int | None:
    """``text`` as a whole number, or ``default`` when it is not one.

    Only ASCII digits count (as HTML's "valid integer" does): ``str.isdigit`` and
    ``int`` also take "²", "٣" or "１", which either raise or mean a number no author typed.
    """
    value = (text or "").strip()
    if value.startswith(("+", "-")):
        sign, digits = value[0], value[1:]
    else:
        sign, digits = "", value
    if not (digits.isascii() and digits.isdecimal()) or len(digits) > 9:
        return default
    return int(sign + digits)


def describe(el) -> str:
    """A short CSS-like label of an element for reports: ``div#zoom.article``."""
    label = el.tag if isinstance(el.tag, str) else "node"
    if el.get("id"):
        label += "#" + el.get("id")
    cls = (el.get("class") or "").split()
    if cls:
        label += "." + ".".join(cls[:2])
    return label


def _search(root: lxml.html.HtmlElement) -> Iterator:
    """The :data:`GENERATED` blocks inside ``root`` found by walking it, in document order."""
    # (by tag in C: 5x cheaper than an XPath of the data-eldermode values)
    return (el for el in root.iter("details", "div") if el.get("data-eldermode") in GENERATED)


def begin_generated(root: lxml.html.HtmlElement, ctx) -> None:
    """Start the page's record of :data:`GENERATED` blocks, before the first is written (the ``tables`` step).

    A page that already holds such a block (one rewritten before) gets no record: its blocks are searched for.
    """
    top = root.getroottree().getroot()
    if next(_search(top), None) is not None:
        ctx.data.pop(_RECORD, None)
    else:
        ctx.data[_RECORD] = (top, [])


def record_generated(ctx, block: lxml.html.HtmlElement) -> None:
    """Note a :data:`GENERATED` block just written into the page (it may be moved later, not copied)."""
    record = ctx.data.get(_RECORD)
    if record is None:
        return  # nothing recorded (a step run alone, or a page rewritten before): the users search
    if record[0] is not block.getroottree().getroot():
        del ctx.data[_RECORD]  # a record of another tree (a context used twice): not to be trusted
        return
    record[1].append(block)


def generated_blocks(root: lxml.html.HtmlElement, ctx=None) -> list:
    """The :data:`GENERATED` blocks inside ``root``, in document order: from the record when this tree has one,
    else by a walk of the page."""
    record = ctx.data.get(_RECORD) if ctx is not None else None
    if record is None or record[0] is not root.getroottree().getroot():
        return list(_search(root))
    # (a recorded block a later step took out of the tree, with an ad around it, is no longer in the page)
    placed = [(place, block) for block in record[1] if (place := _place_in(block, root)) is not None]
    if len(placed) > 1:
        placed.sort(key=lambda item: item[0])  # (places, not blocks: a block is no sort key)
    return [block for _, block in placed]


def _place_in(el: lxml.html.HtmlElement, root: lxml.html.HtmlElement) -> list[int] | None:
    """Where ``el`` sits below ``root``: its index among its siblings at each level from ``root`` down (so places
    sort in document order, an ancestor first), or None when ``el`` is not inside ``root``. Computed once per
    block: a sort that compared the blocks two by two walked up from both for every comparison."""
    place = []
    node = el
    while node is not root:
        parent = node.getparent()
        if parent is None:
            return None
        place.append(parent.index(node))
        node = parent
    if not place:
        return None  # ``root`` itself, not inside it
    place.reverse()
    return place


@contextmanager
def without_generated(root: lxml.html.HtmlElement, ctx=None) -> Iterator[list]:
    """Inside the ``with``, eldermode's :data:`GENERATED` blocks are out of the tree, so ``root.iter(tags)`` walks
    only the site's markup in C instead of a Python ancestor test on every element.

    Each block waits in its place as an empty comment (its tail goes with it) and is put back whatever happens.
    The ``with`` gets the blocks set aside, in document order (for what their own attributes say). With ``ctx``,
    the blocks are taken from the page's record (:func:`generated_blocks`).
    """
    blocks = generated_blocks(root, ctx)
    stand_ins = []
    for block in blocks:
        parent = block.getparent()
        if parent is not None:
            stand_in = etree.Comment()
            parent.replace(block, stand_in)
            stand_ins.append((parent, stand_in, block))
    try:
        yield [block for _, _, block in stand_ins]
    finally:
        for parent, stand_in, block in reversed(stand_ins):
            parent.replace(stand_in, block)
