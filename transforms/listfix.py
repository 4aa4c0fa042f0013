"""Lists whose markup a screen reader cannot count: stray children in ``ul``/``ol``/``dl``, items with no list.

Templates put links straight into a ``<ul>``, ``<li>`` into a ``<div>``, or
``<dd>`` with no ``<dt>`` into a ``<dl>``. A reader then announces a list of the
wrong length or items of no list. Nothing is moved (the site's CSS must keep
matching): a broken list is made a plain group (``role="none"`` on it and its
items), and a ``<div>`` that holds only items becomes the list (``role="list"``).
Lists the author gave a role are left alone.
"""

from __future__ import annotations

import lxml.html

from . import Context
from .markup import describe, without_generated

__all__ = ["mend_lists"]

# Roles under which list items are the author's widget items (menuitem, tab, option ...): left to the author.
_WIDGET_ROLES = frozenset({"menu", "menubar", "tablist", "listbox", "tree", "radiogroup", "group", "directory",
                           "toolbar"})
_NOT_CONTENT = frozenset({"script", "template"})
# Hosts that may carry role="list" (ARIA in HTML allows any role on them).
_LIST_HOSTS = frozenset({"div", "span", "section", "center", "font", "p"})


def _children(el) -> list:
    """The author's element children (eldermode's own spans, added later in a run, do not count)."""
    return [c for c in el if isinstance(c.tag, str) and c.tag not in _NOT_CONTENT and c.get("data-eldermode") is None]


def _ours(el) -> bool:
    return el.get("data-eldermode") is not None


def mend_lists(root: lxml.html.HtmlElement, ctx: Context) -> None:
    body = root.find("body")
    if body is None:
        return
    with without_generated(body, ctx):  # the linear readings' and cards' lists are eldermode's, well formed
        _mend(body, ctx)


def _mend(body, ctx: Context) -> None:
    # One walk in C finds the lists, items and definition lists (three cost twice as much on a big table's page);
    # the mending below sets roles only, so what a later loop takes is what a walk made after the earlier would.
    lists: list = []  # ul and ol, in document order
    found = {"ul": lists, "ol": lists, "li": [], "dl": []}
    for el in body.iter("ul", "ol", "li", "dl"):
        found[el.tag].append(el)
    for lst in lists:
        if lst.get("role") is not None or _ours(lst):
            continue
        if any(c.tag != "li" for c in _children(lst)):
            _ungroup(lst, ("li",), ctx)
    for item in found["li"]:
        if item.get("role") is not None:
            continue
        parent = item.getparent()
        if parent is None or parent.get("role") == "list":
            continue
        if parent.tag in ("ul", "ol", "menu"):
            if parent.get("role") is not None and parent.get("role") not in _WIDGET_ROLES:
                # The author made the list something else (role="navigation"): its items are no list items.
                item.set("role", "none")
                ctx.report.note("lists", "list item of a list with another role made plain", describe(item))
            continue
        if parent.get("role") is None and parent.tag in _LIST_HOSTS and all(c.tag == "li" for c in _children(parent)):
            parent.set("role", "list")
            ctx.report.note("lists", "items without a list given one", describe(parent))
        elif parent.get("role") in (None, "none", "presentation"):
            item.set("role", "none")
            ctx.report.note("lists", "list item without a list made plain", describe(item))
    for dl in found["dl"]:
        if dl.get("role") is not None or _ours(dl):
            continue
        if not _well_formed_dl(dl):
            dl.set("role", "none")
            ctx.report.note("lists", "broken definition list made plain", describe(dl))


def _ungroup(lst, item_tags: tuple[str, ...], ctx: Context) -> None:
    lst.set("role", "none")
    for child in _children(lst):
        if child.tag in item_tags and child.get("role") is None:
            child.set("role", "none")
    ctx.report.note("lists", "list with stray children made plain", describe(lst))


def _well_formed_dl(dl) -> bool:
    """dt/dd groups (optionally each in a div), every dd after a dt."""
    seen_dt = waiting = False  # a dt was seen; the last dt still waits for its dd
    for child in _children(dl):
        if child.tag == "div":
            if waiting or not _well_formed_dl(child) or not any(c.tag == "dd" for c in _children(child)):
                return False
            seen_dt = True
        elif child.tag == "dt":
            seen_dt = waiting = True
        elif child.tag == "dd":
            if not seen_dt:
                return False
            waiting = False
        else:
            return False
    return not waiting
