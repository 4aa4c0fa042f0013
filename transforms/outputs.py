"""What the command line and the endpoints read off a rewritten page: its tables, its 朗读 sentences, its text view.

Each runs the page through the one pipeline (:func:`.pipeline.transform_document`: every step of
the Context's mode, each isolated) with the Context the caller made — ``Services.page_context``,
the same as for the pages visitors get — and reads its answer off that run: the readings the
``tables`` step left, the sentences the ``speech`` step marked, the view built from the rewritten
tree. So ``eldermode tables``, ``eldermode speak``, ``eldermode text``, the tables JSON, the
whole-article audio and the 纯文本 view say exactly what the page a visitor gets carries.
"""

from __future__ import annotations

import dataclasses

from . import Context
from .deferred import materialize
from .document import serialize_document
from .pipeline import transform_document
from .tables import TableReading
from .textview import build_text_view

__all__ = ["page_sentences", "page_tables", "page_text_view"]


def page_tables(body: bytes, content_type: str | None, ctx: Context) -> list[TableReading]:
    """Every data table of the page as the rewritten page reads it (the ``tables`` step's readings).

    A Context made with a language (``lang=``) reads the tables' labels in it, whatever the page says.
    """
    transform_document(body, content_type, ctx)
    return list(ctx.data.get("tables") or ())


def page_sentences(body: bytes, content_type: str | None, ctx: Context) -> tuple[list[str], str]:
    """(sentences, speech language) the page's 朗读 reads, in order: the article's, not the tables'
    linear readings nor the names of links. Needs the speech secret of ``ctx.services``
    (``Services.page_context`` has it): without one the speech step marks nothing."""
    if not ctx.options.speech:  # the article can be spoken (eldermode speak) where the page offers no 朗读
        ctx.options = dataclasses.replace(ctx.options, speech=True)
    transform_document(body, content_type, ctx)
    return list(ctx.data.get("speech.sentences") or ()), ctx.data.get("speech.lang", "zh")


def page_text_view(body: bytes, content_type: str | None, ctx: Context, visitor=None) -> bytes:
    """The 纯文本 view of the page rewritten for ``ctx.profile`` (access mode: its repairs, no elder looks),
    as UTF-8 HTML bytes, in the ``visitor``'s size and colours (a Profile, or None)."""
    doc = transform_document(body, content_type, ctx)
    ctx.data["visitor"] = visitor
    materialize(doc.root, ctx)  # the view copies the tables' readings whole: their items as elements
    doc.root = build_text_view(doc.root, ctx)
    doc.doctype = "<!DOCTYPE html>"
    return serialize_document(doc)
