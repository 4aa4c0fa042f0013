"""Elder-mode endpoints: the toolbar's help page (``{prefix}help``) and the override sheets (middleware/stylesheets.py)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from eldermode.transforms.toolbar import help_page

from .endpoint_kit import settings_of
from .modes import choose_profile
from .stylesheets import overrides_endpoint

__all__ = ["help_endpoint", "routes"]


async def help_endpoint(request: Request) -> Response:
    """The toolbar help page, in English when the visitor's browser prefers English (``?lang=en`` forces it)."""
    settings = settings_of(request)
    lang = request.query_params.get("lang", "")
    if lang not in ("en", "zh"):
        first = request.headers.get("accept-language", "").split(",")[0].strip().lower()
        lang = "en" if first.startswith("en") else "zh"
    version = settings.page_options().asset_version
    # In the visitor's size and colours (their cookie), 返回 to the page they came from, in their mode.
    profile = choose_profile(request.scope, settings).profile
    back = request.query_params.get("from", "/")
    return HTMLResponse(
        help_page(lang, settings.prefix, version, profile=profile, back=back),
        headers={"Cache-Control": "private, max-age=3600", "Vary": "Accept-Language, Cookie"},
    )


def routes(prefix: str) -> list[Route]:
    return [
        Route(prefix + "overrides/{digest:str}.css", overrides_endpoint, methods=["GET", "HEAD"]),
        Route(prefix + "help", help_endpoint, methods=["GET", "HEAD"]),
    ]
