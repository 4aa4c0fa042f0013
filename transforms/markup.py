"""What an element's attributes say to the heuristics: its id/class key, whole numbers, a short label, our own blocks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import lxml.html
from lxml import etree

__all__ = ["GENERATED", "describe", "int_attribute", "key_of", "parse_int", "without_generated"]

# data-eldermode of the blocks eldermode writes whole from a table's model: the linear reading (a <details>, tables
# step) and the reading cards (a <div>, elder mode). Their text is the cells' text and their lists are well formed
# by construction; on a 100 × 50 table they hold ~5,000 list items that the steps mending the site's lists and
# separators need not walk.
GENERATED = frozenset({"table-reading", "table-cards"})


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


@contextmanager
def without_generated(root: lxml.html.HtmlElement) -> Iterator[list]:
    """Inside the ``with``, eldermode's :data:`GENERATED` blocks are out of the tree, so ``root.iter(tags)`` walks
    only the site's markup in C instead of a Python ancestor test on every element.

    Each block waits in its place as an empty comment (its tail goes with it) and is put back whatever happens.
    The ``with`` gets the blocks set aside, in document order (for what their own attributes say).
    """
    blocks = [el for el in root.iter("details", "div") if el.get("data-eldermode") in GENERATED]
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
