"""The per-site override file applied to the page: CSS selectors → landmark roles and names.

For the sites where inference picks the wrong block. The middleware reads the
TOML file (``overrides_file`` setting) into ``ctx.options.landmark_overrides``
as ``(selector, role, name)`` triples; this step applies them before the
landmark inference, which then treats them as the author's own landmarks.
``role = "none"`` tells the inference to leave a block alone. Selectors are
compiled once per process.
"""

from __future__ import annotations

from functools import lru_cache

import lxml.html
from lxml import etree

from . import Context
from .markup import describe

__all__ = ["ALLOWED_ROLES", "apply_overrides", "compile_selector"]

ALLOWED_ROLES = frozenset({"banner", "navigation", "main", "contentinfo", "search", "complementary", "region", "none"})
NO_LANDMARK = "data-em-landmark"


@lru_cache(maxsize=256)
def compile_selector(selector: str) -> etree.XPath | None:
    """The selector as a compiled XPath, or None when it is not valid CSS."""
    from cssselect import GenericTranslator, SelectorError

    try:
        return etree.XPath(GenericTranslator().css_to_xpath(selector, prefix="descendant-or-self::"))
    except (SelectorError, etree.XPathSyntaxError):
        return None


def apply_overrides(root: lxml.html.HtmlElement, ctx: Context) -> None:
    overrides = ctx.options.landmark_overrides
    body = root.find("body")
    if not overrides or body is None:
        return
    for selector, role, name in overrides:
        xpath = compile_selector(selector)
        if xpath is None or role not in ALLOWED_ROLES:
            ctx.report.note("overrides", "ignored invalid override", f"{selector} → {role}")
            continue
        matched = xpath(body)
        if not matched:
            ctx.report.note("overrides", "selector matched nothing", selector)
        for el in matched:
            if role == "none":
                el.set(NO_LANDMARK, "none")
            elif el.get("role") is None:
                el.set("role", role)
            if name and role != "none" and not el.get("aria-label") and not el.get("aria-labelledby"):
                el.set("aria-label", name)
            ctx.report.note("overrides", f"applied {role}", f"{selector} ({describe(el)}){' ' + name if name else ''}")
