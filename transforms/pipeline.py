"""Which transforms run in each mode, in order, and the one function that runs them on a page.

Read top to bottom: this is the whole rewrite.
"""

from __future__ import annotations

from . import (
    Context, Step, TransformError, ariafix, assets, elder, focus, headings, images, landmarks, language, links, listfix,
    modebar, names, overrides, quiet, speech, tables, toolbar,
)
from .document import parse_document, serialize_document

__all__ = ["PIPELINES", "rewrite_page", "run_steps"]

# What every rewritten page gets first: its language, links kept on this origin, and eldermode's assets.
PAGE_SETUP: tuple[Step, ...] = (
    ("lang", language.set_lang),
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
    ("toolbar", toolbar.inject_toolbar),
    ("modebar", modebar.inject_modebar),
    ("skip-link", landmarks.add_skip_link),  # after the bars: it must be the first thing in <body>
    ("speech", speech.prepare_speech),  # last: it signs the text every earlier step has settled
)

PIPELINES: dict[str, tuple[Step, ...]] = {
    "off": (),
    "elder": PAGE_SETUP + ELDER_CHANGES + ACCESS_REPAIRS + CONTROLS,
    "access": PAGE_SETUP + (("calm", elder.calm_page), ("tables", tables.annotate_tables)) + ACCESS_REPAIRS + CONTROLS,
}


def run_steps(root, ctx: Context, steps: tuple[Step, ...]) -> None:
    for name, step in steps:
        try:
            step(root, ctx)
        except Exception as exc:  # noqa: BLE001 - re-raised with the step's name for the log
            raise TransformError(name, exc) from exc


def rewrite_page(body: bytes, content_type: str | None, ctx: Context) -> bytes:
    """The page's bytes rewritten for ``ctx.profile`` (UTF-8 out). Raises on any failure.

    Callers fail open: on any exception they send the original bytes.
    """
    doc = parse_document(body, content_type)
    run_steps(doc.root, ctx, PIPELINES[ctx.profile.mode])
    ctx.data["encoding"] = doc.encoding
    return serialize_document(doc)
