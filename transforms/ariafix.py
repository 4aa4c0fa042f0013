"""The author's ARIA and ``lang`` that cannot work, mended: what assistive technology would ignore or misread.

Pages saved with a third-party 无障碍 plugin's markup carry attributes no
browser knows (``aria-regiontype``, ``role="logobox"``), widget roles cut off
from their widget (a ``role="tab"`` with no tablist), id references written
as CSS selectors, and ``lang="zh_CN"``. None of it reaches a screen reader as
the author meant; most of it makes the reader announce broken widgets. What
the author wrote and that works is never touched: only unknown names, values
a browser must ignore, and roles whose required context is missing are
removed. Each change is noted in the report.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree

from . import Context
from .markup import describe, without_generated

__all__ = ["ARIA_ATTRIBUTES", "ROLES", "group_named_generics", "mend_aria", "role_ok"]

ARIA_ATTRIBUTES = frozenset({
    "aria-activedescendant", "aria-atomic", "aria-autocomplete", "aria-braillelabel", "aria-brailleroledescription",
    "aria-busy", "aria-checked", "aria-colcount", "aria-colindex", "aria-colindextext", "aria-colspan",
    "aria-controls", "aria-current", "aria-describedby", "aria-description", "aria-details", "aria-disabled",
    "aria-dropeffect", "aria-errormessage", "aria-expanded", "aria-flowto", "aria-grabbed", "aria-haspopup",
    "aria-hidden", "aria-invalid", "aria-keyshortcuts", "aria-label", "aria-labelledby", "aria-level", "aria-live",
    "aria-modal", "aria-multiline", "aria-multiselectable", "aria-orientation", "aria-owns", "aria-placeholder",
    "aria-posinset", "aria-pressed", "aria-readonly", "aria-relevant", "aria-required", "aria-roledescription",
    "aria-rowcount", "aria-rowindex", "aria-rowindextext", "aria-rowspan", "aria-selected", "aria-setsize",
    "aria-sort", "aria-valuemax", "aria-valuemin", "aria-valuenow", "aria-valuetext",
})
# WAI-ARIA 1.2 roles (DPub and Graphics roles are recognised by their prefixes).
ROLES = frozenset({
    "alert", "alertdialog", "application", "article", "banner", "blockquote", "button", "caption", "cell",
    "checkbox", "code", "columnheader", "combobox", "complementary", "contentinfo", "definition", "deletion",
    "dialog", "directory", "document", "emphasis", "feed", "figure", "form", "generic", "grid", "gridcell", "group",
    "heading", "img", "insertion", "link", "list", "listbox", "listitem", "log", "main", "marquee", "math", "menu",
    "menubar", "menuitem", "menuitemcheckbox", "menuitemradio", "meter", "navigation", "none", "note", "option",
    "paragraph", "presentation", "progressbar", "radio", "radiogroup", "region", "row", "rowgroup", "rowheader",
    "scrollbar", "search", "searchbox", "separator", "slider", "spinbutton", "status", "strong", "subscript",
    "superscript", "switch", "tab", "table", "tablist", "tabpanel", "term", "textbox", "time", "timer", "toolbar",
    "tooltip", "tree", "treegrid", "treeitem",
})
_ROLE_PREFIXES = ("doc-", "graphics-")
_TRUE_FALSE = frozenset({"true", "false"})
_TOKENS: dict[str, frozenset] = {
    **{name: _TRUE_FALSE for name in (
        "aria-atomic", "aria-busy", "aria-disabled", "aria-expanded", "aria-hidden", "aria-modal", "aria-multiline",
        "aria-multiselectable", "aria-readonly", "aria-required", "aria-selected")},
    "aria-checked": frozenset({"true", "false", "mixed"}),
    "aria-pressed": frozenset({"true", "false", "mixed"}),
    "aria-haspopup": frozenset({"true", "false", "menu", "listbox", "tree", "grid", "dialog"}),
    "aria-current": frozenset({"page", "step", "location", "date", "time", "true", "false"}),
    "aria-live": frozenset({"off", "polite", "assertive"}),
    "aria-invalid": frozenset({"grammar", "false", "spelling", "true"}),
    "aria-orientation": frozenset({"horizontal", "vertical", "undefined"}),
    "aria-sort": frozenset({"ascending", "descending", "none", "other"}),
    "aria-autocomplete": frozenset({"inline", "list", "both", "none"}),
}
_ID_REFS = ("aria-owns", "aria-controls", "aria-labelledby", "aria-describedby", "aria-flowto", "aria-details",
            "aria-activedescendant", "aria-errormessage")
# Roles that mean nothing outside their widget: (role, the roles one of its ancestors must have).
_NEEDS_PARENT: dict[str, frozenset] = {
    "tab": frozenset({"tablist"}),
    "option": frozenset({"listbox", "group"}),
    "treeitem": frozenset({"tree", "group"}),
    "menuitem": frozenset({"menu", "menubar", "group"}),
    "menuitemcheckbox": frozenset({"menu", "menubar", "group"}),
    "menuitemradio": frozenset({"menu", "menubar", "group"}),
}
# Composite roles that mean nothing without their items.
_NEEDS_CHILD: dict[str, frozenset] = {
    "tablist": frozenset({"tab"}),
    "listbox": frozenset({"option", "group"}),
    "tree": frozenset({"treeitem", "group"}),
    "menu": frozenset({"menuitem", "menuitemcheckbox", "menuitemradio", "group"}),
    "menubar": frozenset({"menuitem", "menuitemcheckbox", "menuitemradio", "group"}),
}
_LANG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# The page's ids, read in C: a Python walk reading each element's id cost 6x as much (4.0 against 0.6 M
# instructions on the seed report's tree).
_IDS = etree.XPath("descendant-or-self::*/@id", smart_strings=False)
# Elements whose implicit role is generic (or none): an aria-label on them is ignored by browsers.
_GENERIC = frozenset({"div", "span", "i", "b", "em", "strong", "font", "u", "small", "p", "center"})


def role_ok(token: str) -> bool:
    """Whether ``token`` (lower case) is a role this step keeps."""
    return token in ROLES or token.startswith(_ROLE_PREFIXES)


def _first_role(el) -> str:
    for token in (el.get("role") or "").split():
        if role_ok(token.lower()):
            return token.lower()
    return ""


def mend_aria(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """Drop unknown aria-* names, invalid values and role tokens; fix ``lang``; cut widget roles off from nothing."""
    ids = None
    widget_roles: list = []
    # eldermode's readings and cards (built from text, no aria-*, role or lang inside) are set aside while the
    # candidates are picked; the mending then runs with them back, so ids and widget checks see the whole page.
    with without_generated(root, ctx):
        candidates = [el for el in root.iter(etree.Element) if (names := el.keys()) and (
            "aria-" in (joined := " ".join(names)) or "role" in joined or "lang" in joined)]
    # (the common case, decided by string tests in C: 4x faster than a walk of el.attrib)
    for el in candidates:
        if el.get("data-eldermode"):
            continue
        attrib = el.attrib
        for name in [n for n in attrib if n.startswith("aria-")]:
            value = attrib[name].strip().lower()
            if name not in ARIA_ATTRIBUTES:
                del attrib[name]
                ctx.report.note("aria", "removed unknown attribute", f"{describe(el)} {name}")
            elif name in _TOKENS and value not in _TOKENS[name]:
                del attrib[name]
                ctx.report.note("aria", "removed invalid value", f"{describe(el)} {name}={value}")
            elif name in _ID_REFS:
                if ids is None:
                    ids = {value for value in _IDS(root) if value}
                refs = attrib[name].split()
                kept = [r for r in refs if r in ids]
                if len(kept) != len(refs):
                    if kept:
                        attrib[name] = " ".join(kept)
                    else:
                        del attrib[name]
                    ctx.report.note("aria", "removed references to nothing", f"{describe(el)} {name}")
        role = attrib.get("role")
        if role is not None:
            tokens = role.split()
            valid = [t for t in tokens if role_ok(t.lower())]
            if len(valid) != len(tokens):
                if valid:
                    attrib["role"] = " ".join(valid)
                else:
                    del attrib["role"]
                ctx.report.note("aria", "removed unknown role", f"{describe(el)} role={role}")
            first = _first_role(el)
            if first in _NEEDS_PARENT or first in _NEEDS_CHILD:
                widget_roles.append((el, first))
        for attr in ("lang", "xml:lang", _XML_LANG):
            lang = attrib.get(attr)
            if lang is None:
                continue
            if not lang.strip():
                continue  # lang="" is valid: "language unknown"
            if _LANG.match(lang.strip()):
                if "_" in lang:
                    attrib[attr] = lang.strip().replace("_", "-")
                    ctx.report.note("aria", "corrected lang", f"{describe(el)} {lang}")
            else:
                del attrib[attr]
                ctx.report.note("aria", "removed invalid lang", f"{describe(el)} {lang}")
    for el, role in widget_roles:
        if role in _NEEDS_PARENT and not _has_ancestor_role(el, _NEEDS_PARENT[role]):
            _drop_role(el, ctx, f"role={role} outside its widget")
        elif role in _NEEDS_CHILD and not _has_descendant_role(el, _NEEDS_CHILD[role]):
            _drop_role(el, ctx, f"role={role} with no items")


def group_named_generics(root: lxml.html.HtmlElement, ctx: Context) -> None:
    """An author's name on a ``div``/``span`` (which cannot carry one) is lost; as a named group it is heard.

    Runs after the landmarks, which may give such a block a landmark role instead.
    """
    for el in root.iter(*_GENERIC):
        # (a substring test of the attribute names rules out the hundreds of styled spans and paragraphs of a
        # Word-pasted report at once: "aria-label" is in both names)
        if "aria-label" in " ".join(el.keys()) and el.get("role") is None and (
                el.get("aria-label") or el.get("aria-labelledby")) and not el.get("data-eldermode"):
            el.set("role", "group")
            ctx.report.note("aria", "named generic element made a group", describe(el))


def _drop_role(el, ctx: Context, why: str) -> None:
    del el.attrib["role"]
    # What only the widget role allowed goes with it.
    for name in ("aria-haspopup", "aria-selected", "aria-expanded", "aria-owns", "aria-activedescendant"):
        el.attrib.pop(name, None)
    ctx.report.note("aria", "removed widget role", f"{describe(el)} {why}")


def _has_ancestor_role(el, roles: frozenset) -> bool:
    node = el.getparent()
    while node is not None:
        if _first_role(node) in roles:
            return True
        node = node.getparent()
    return False


def _has_descendant_role(el, roles: frozenset) -> bool:
    return any(_first_role(d) in roles for d in el.iterdescendants() if isinstance(d.tag, str))
