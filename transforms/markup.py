"""What an element's attributes say to the heuristics: its id/class key, whole numbers, a short label."""

from __future__ import annotations

import lxml.html

__all__ = ["describe", "int_attribute", "key_of", "parse_int"]


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
