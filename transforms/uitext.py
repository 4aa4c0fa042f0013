"""The language of the words eldermode injects into a page: Chinese unless the page is English."""

from __future__ import annotations

from . import Context

__all__ = ["is_english", "ui"]


def is_english(ctx: Context) -> bool:
    return ctx.lang.lower().startswith("en")


def ui(ctx: Context, zh: str, en: str) -> str:
    """An injected UI string in the page's language."""
    return en if is_english(ctx) else zh
