"""无障碍 endpoints: the 纯文本 text view of a page of this site (``{prefix}text?url=/path``)."""

from __future__ import annotations

import anyio
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

__all__ = ["text_view_endpoint"]


def _error(message: str, status: int) -> Response:
    # Never echoes the requested URL back: nothing the visitor sent ends up in the response.
    return PlainTextResponse(message + "\n", status_code=status, headers={"Cache-Control": "no-store"})


async def text_view_endpoint(request: Request) -> Response:
    """The reading view of ``url`` (a path on this site), built from the original page."""
    from eldermode.transforms.document import NotHTML
    from eldermode.transforms.textview import text_view_page

    from .services import FetchError

    services = request.scope["eldermode.services"]
    settings = request.scope["eldermode.settings"]
    url = request.query_params.get("url", "")
    try:
        local = services.local_path(url)
        page = await services.fetch_page(local, like=request.scope)
    except FetchError as exc:
        return _error(str(exc), exc.status)
    if page.status != 200:
        return _error(f"the page answered {page.status}", 502 if page.status >= 500 else 404)
    content_type = (page.content_type or "").lower()
    if content_type and "html" not in content_type:
        return _error("that URL is not an HTML page", 415)
    try:
        body = await anyio.to_thread.run_sync(text_view_page, page.body, page.content_type, local,
                                              settings.page_options())
    except NotHTML:
        return _error("that URL is not an HTML page", 415)
    return Response(body, media_type="text/html; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=60", "Vary": "Cookie"})
