"""Elder-mode endpoints other than the override sheet: the toolbar's help page (``{prefix}help``)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from eldermode.transforms.toolbar import help_page

from .endpoints import settings_of

__all__ = ["help_endpoint"]


async def help_endpoint(request: Request) -> Response:
    """The toolbar help page, in English when the visitor's browser prefers English (``?lang=en`` forces it)."""
    settings = settings_of(request)
    lang = request.query_params.get("lang", "")
    if lang not in ("en", "zh"):
        first = request.headers.get("accept-language", "").split(",")[0].strip().lower()
        lang = "en" if first.startswith("en") else "zh"
    version = settings.page_options().asset_version
    return HTMLResponse(
        help_page(lang, settings.prefix, version),
        headers={"Cache-Control": "public, max-age=3600", "Vary": "Accept-Language"},
    )
