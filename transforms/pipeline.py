"""Which transforms run in each mode, in order, and the one function that runs them on a page.

Read top to bottom: this is the whole rewrite. A step that raises costs only itself
(:func:`transform_document`): the page is parsed again and the pipeline re-run without it,
so no half-edited tree is ever sent and every other step's repairs stay.
"""

from __future__ import annotations

import logging

from . import (
    Context, Step, TransformError, ariafix, assets, duplicates, elder, focus, headings, images, landmarks, language,
    links, listfix, modebar, names, overrides, quiet, speech, tables, toolbar,
)
from .deferred import deferred_of
from .document import Document, parse_document, serialize_document

__all__ = ["PIPELINES", "rewrite_page", "run_steps", "transform_document"]

log = logging.getLogger("eldermode")
MAX_LOGGED = 300  # characters of an exception's text in a log line (some carry a whole page)

# What every rewritten page gets first: its language, links kept on this origin, and eldermode's assets.
PAGE_SETUP: tuple[Step, ...] = (
    ("lang", language.set_lang),
    ("base", links.apply_base),  # before anything eldermode adds: its links must not move with the page's base
    ("links", links.relativize_upstream_links),
    ("profile-marks", assets.mark_profile),
    ("stylesheet", assets.link_mode_stylesheet),
    ("elder-assets", assets.link_elder_assets),
)

# 长者模式 page changes: large text that holds, a calm page, tables that scroll on their own.
ELDER_CHANGES: tuple[Step, ...] = (
    ("site-overrides", elder.link_site_overrides),
    ("viewport", elder.ensure_viewport),
    ("calm", elder.calm_page),
    ("elder-styles", elder.rewrite_inline_styles),
    ("tables", tables.annotate_tables),
    ("table-scroll", elder.wrap_tables),
    ("table-cards", elder.table_cards),  # from the table model the tables step left
    ("text-column", elder.mark_text_blocks),
    ("choice-labels", elder.tie_choice_labels),
)

# 无障碍 repairs inferred from the page (structure, names, focus); they run in elder mode too.
ACCESS_REPAIRS: tuple[Step, ...] = (
    ("access-assets", focus.link_access_assets),
    ("floating-ads", quiet.drop_floating_ads),  # before the page model: an ad is no part of the page
    ("aria", ariafix.mend_aria),
    ("lists", listfix.mend_lists),
    ("separators", quiet.hide_separators),
    ("overrides", overrides.apply_overrides),
    ("title", headings.ensure_title),
    ("headings", headings.infer_headings),
    ("landmarks", landmarks.infer_landmarks),
    ("images", images.name_images),
    ("controls", names.name_controls),
    ("form-fields", names.name_form_fields),
    ("frames", names.name_iframes),
    ("named-groups", ariafix.group_named_generics),
    ("focus", focus.restore_focus),
)

# eldermode's own controls, last so they land first in <body> and see the settled page.
CONTROLS: tuple[Step, ...] = (
    ("duplicates", duplicates.hide_duplicates),  # the site's own 无障碍/长者模式/字号 controls: the toolbar has them
    ("toolbar", toolbar.inject_toolbar),
    ("modebar", modebar.inject_modebar),
    ("skip-link", landmarks.add_skip_link),  # after the bars: it must be the first thing in <body>
    ("speech", speech.prepare_speech),  # last: it signs the text every earlier step has settled
)

PIPELINES: dict[str, tuple[Step, ...]] = {
    "off": (),
    "elder": PAGE_SETUP + ELDER_CHANGES + ACCESS_REPAIRS + CONTROLS,
    "access": PAGE_SETUP + (("zoom", elder.allow_zoom), ("calm", elder.calm_page), ("tables", tables.annotate_tables))
    + ACCESS_REPAIRS + CONTROLS,
}


def run_steps(root, ctx: Context, steps: tuple[Step, ...], skip: frozenset[str] | set[str] = frozenset()) -> None:
    """Run ``steps`` (but those named in ``skip``) on ``root`` in order.

    Raises :class:`TransformError` naming the first step that raised; the tree may then be
    half-edited, so callers that send pages use :func:`transform_document`, which starts over.
    """
    for name, step in steps:
        if name in skip:
            continue
        try:
            step(root, ctx)
        except Exception as exc:  # noqa: BLE001 - re-raised with the step's name for the log
            raise TransformError(name, exc) from exc


def transform_document(body: bytes, content_type: str | None, ctx: Context,
                       steps: tuple[Step, ...] | None = None) -> Document:
    """The page parsed and run through ``steps`` (default: the mode's pipeline), each step isolated.

    A step that raises is logged once (page URL, step name), counted as ``step_failures`` and
    skipped: the page is parsed again from ``body`` and the steps re-run without it, with
    ``ctx`` as it was before the first run. A clean page costs nothing extra; each failed step
    costs one more parse and run. The names of skipped steps are left in ``ctx.skipped``.
    Raises only when the page itself cannot be had: :class:`~.document.NotHTML` from parsing.
    """
    if steps is None:
        steps = PIPELINES[ctx.profile.mode]
    start_data, start_lang, start_notes = dict(ctx.data), ctx.lang, len(ctx.report.entries)
    skipped: list[str] = []
    while True:
        doc = parse_document(body, content_type)
        try:
            run_steps(doc.root, ctx, steps, skip=set(skipped))
        except TransformError as exc:
            if exc.name in skipped or len(skipped) >= len(steps):  # cannot happen; never loop
                raise
            _step_failed(exc, ctx)
            skipped.append(exc.name)
            ctx.data = dict(start_data)
            ctx.lang = start_lang
            del ctx.report.entries[start_notes:]
            continue
        break
    ctx.skipped = skipped
    doc.deferred = deferred_of(ctx, doc.root)  # (the bytes the stand-ins in the tree are written as)
    for name in skipped:
        ctx.report.note("pipeline", "step failed and was skipped", name)
    return doc


def _step_failed(exc: TransformError, ctx: Context) -> None:
    cause = exc.__cause__
    text = f"{type(cause).__name__}: {cause}"
    if len(text) > MAX_LOGGED:
        text = text[:MAX_LOGGED] + f"… ({len(text)} characters)"
    log.warning("eldermode: step %r failed on %s and was skipped; the page keeps every other repair: %s",
                exc.name, ctx.url, text, exc_info=cause if log.isEnabledFor(logging.DEBUG) else None)
    # Imported here: eldermode.middleware's package imports this module, and metrics itself imports nothing.
    from eldermode.middleware import metrics

    metrics.count("step_failures", step=exc.name)


def rewrite_page(body: bytes, content_type: str | None, ctx: Context) -> bytes:
    """The page's bytes rewritten for ``ctx.profile`` (UTF-8 out).

    A failing step is skipped (:func:`transform_document`). What raises is only what the page
    cannot do without: :class:`~.document.NotHTML` (decoding, parsing) and
    ``TransformError("serialise", ...)``; callers then send the original bytes.
    """
    doc = transform_document(body, content_type, ctx)
    ctx.data["encoding"] = doc.encoding
    try:
        return serialize_document(doc)
    except Exception as exc:  # noqa: BLE001 - the whole page falls back; named for the log
        raise TransformError("serialise", exc) from exc
