"""Generated markup kept as bytes until the page is written: the stand-ins that hold its place in the tree, and its bytes.

A data table's linear reading holds an item a cell (4,800 on a 100 × 50 table): made as lxml elements they cost
a call a node to make, a walk of the subtree each time a later step sets eldermode's blocks aside
(markup.without_generated) and again to write them out. No step after the one that writes them reads or edits
them but the speech step (the items it must cut into sentences) and the text view, so they are written once as
UTF-8 markup and the tree holds, in their place, a comment naming them: a stand-in. ``serialize_document``
writes the page and puts each stand-in's bytes where the stand-in was written (:meth:`Deferred.expand`); a reader
that needs the elements parses them into the tree first (:func:`materialize`).

A stand-in's text is a per-rewrite random token and an index, so no comment of the page can pass for one. It
goes wherever its block goes: a block a later step drops takes its stand-in with it (its bytes are then not
written), one copied is written twice. The store is kept in ``ctx.data``, so a rewrite that starts over after a
failed step (pipeline.transform_document) starts with none, on a tree that has no stand-in.
"""

from __future__ import annotations

import secrets

from lxml import etree

from .bulkmarkup import parse_element

__all__ = ["Deferred", "defer", "deferred_of", "materialize"]

_KEY = "deferred.markup"  # ctx.data: the rewrite's Deferred


class Deferred:
    """One tree's deferred markup: the tree's root, the token its stand-ins carry, the bytes of each stand-in."""

    __slots__ = ("root", "token", "markups")

    def __init__(self, root) -> None:
        self.root = root
        self.token = "em-deferred-" + secrets.token_hex(16)
        self.markups: list[bytes] = []

    def expand(self, html: bytes) -> bytes:
        """``html`` (the tree written by libxml2) with each stand-in's comment replaced by its bytes: one split on
        the token and one join, whatever the number of stand-ins."""
        pieces = html.split(b"<!--" + self.token.encode() + b" ")
        if len(pieces) == 1:
            return html
        out = [pieces[0]]
        for piece in pieces[1:]:
            index, _, rest = piece.partition(b" -->")
            out += (self.markups[int(index)], rest)
        return b"".join(out)

    def index_of(self, node) -> int | None:
        """The index of the bytes ``node`` stands in for, or None when it is not one of this tree's stand-ins."""
        if node.tag is not etree.Comment:
            return None
        token, _, index = (node.text or "").strip().partition(" ")
        return int(index) if token == self.token else None


def defer(root, ctx, parent, markup: bytes) -> None:
    """Append to ``parent`` (an element of the page ``root``, or one about to be put in it) a stand-in for ``markup``:
    UTF-8 elements, their texts escaped as libxml2 writes text (bulkmarkup.escaper), each text non-empty or in an
    element whose end tag libxml2 always writes (an empty ``<li>``'s it omits: write ``<li></li>``, as
    ``serialize_document`` makes it write)."""
    top = root.getroottree().getroot()
    store = ctx.data.get(_KEY)
    if store is None or store.root is not top:
        store = ctx.data[_KEY] = Deferred(top)
    parent.append(etree.Comment(f"{store.token} {len(store.markups)} "))
    store.markups.append(markup)


def deferred_of(ctx, root) -> Deferred | None:
    """The deferred markup of the tree ``root`` belongs to, when a step of this rewrite wrote some."""
    store = ctx.data.get(_KEY)
    return store if store is not None and store.root is root.getroottree().getroot() else None


def materialize(el, ctx) -> list:
    """The stand-ins inside ``el`` (or ``el`` itself) replaced by the elements their bytes write, for a reader that
    needs them as elements; the elements put in, in document order. (Parsed by libxml2: an empty text is no text
    node, as bulkmarkup.parse_element says.)"""
    store = deferred_of(ctx, el)
    if store is None:
        return []
    placed = []
    for node in [n for n in el.iter(etree.Comment) if store.index_of(n) is not None]:
        parent = node.getparent()
        if parent is None:
            continue
        wrapper = parse_element(b"<div>" + store.markups[store.index_of(node)] + b"</div>")
        for made in wrapper.iter():
            if made.text is None and len(made) == 0:
                made.text = ""  # (libxml2 writes the end tag of an empty <p>, <dt>, <li> only after a text node)
        children = list(wrapper)
        at = parent.index(node)
        tail = node.tail
        parent.remove(node)
        for offset, child in enumerate(children):
            parent.insert(at + offset, child)
        if children and tail:
            children[-1].tail = (children[-1].tail or "") + tail
        placed += children
    return placed
