"""无障碍 endpoints: the 纯文本 text view of a page of this site (``{prefix}text?url=/path``)."""

from __future__ import annotations

import logging

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from .endpoint_kit import error_response, services_of, settings_of
from .modes import choose_profile
from .services import FetchError

__all__ = ["routes", "text_view_endpoint"]

log = logging.getLogger("eldermode.access")


async def text_view_endpoint(request: Request) -> Response:
    """The reading view of ``url`` (a path on this site), built from the original page."""
    from eldermode.transforms.document import NotHTML
    from eldermode.transforms.textview import text_view_page

    services = services_of(request)
    settings = settings_of(request)
    try:
        local, page = await services.fetch_html(request.query_params.get("url", ""), like=request.scope)
    except FetchError as exc:
        return error_response(str(exc), exc.status)  # never echoes the requested URL
    try:
        visitor = choose_profile(request.scope, settings).profile  # the view in the visitor's size and colours
        body = await anyio.to_thread.run_sync(text_view_page, page.body, page.content_type, local,
                                              settings.page_options(), visitor)
    except NotHTML:
        return error_response("that URL is not an HTML page", 415)
    except Exception:  # markup no repair foresaw: a short answer, the traceback stays in the log
        log.exception("text view of %s failed", local)
        return error_response("the text view of that page could not be built", 502)
    return Response(body, media_type="text/html; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=60", "Vary": "Cookie"})


def routes(prefix: str) -> list[Route]:
    return [Route(prefix + "text", text_view_endpoint, methods=["GET", "HEAD"])]
