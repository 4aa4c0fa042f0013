"""无障碍's 纯文本 text view of a page: over HTTP (``{prefix}text?url=/path``) and on the command line (``eldermode text``).

Both build it with :func:`eldermode.transforms.outputs.page_text_view` from the one pipeline (access
mode, the middleware's kind of services), so the view reads as the access-mode page does.
"""

from __future__ import annotations

import argparse
import logging

import anyio
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import audit_cli
from .command import EXIT_OK, CommandError, load_source, settings_from, write_output
from .endpoint_kit import error_response, services_of, settings_of
from .modes import choose_profile
from .services import FetchError, Services

__all__ = ["cmd_text", "register", "routes", "text_view", "text_view_endpoint"]

log = logging.getLogger("eldermode.access")


async def text_view_endpoint(request: Request) -> Response:
    """The reading view of ``url`` (a path on this site), built from its page as access mode rewrites it."""
    from eldermode.transforms.document import NotHTML

    services = services_of(request)
    settings = settings_of(request)
    try:
        local, page = await services.fetch_html(request.query_params.get("url", ""), like=request.scope)
    except FetchError as exc:
        return error_response(str(exc), exc.status)  # never echoes the requested URL
    try:
        visitor = choose_profile(request.scope, settings).profile  # the view in the visitor's size and colours
        body = await anyio.to_thread.run_sync(text_view, page.body, page.content_type, local, services, visitor)
    except NotHTML:
        return error_response("that URL is not an HTML page", 415)
    except Exception:  # markup no repair foresaw: a short answer, the traceback stays in the log
        log.exception("text view of %s failed", local)
        return error_response("the text view of that page could not be built", 502)
    return Response(body, media_type="text/html; charset=utf-8",
                    headers={"Cache-Control": "private, max-age=60", "Vary": "Cookie"})


def text_view(body: bytes, content_type: str | None, url: str, services, visitor=None) -> bytes:
    """The text view's bytes, from the access pipeline run with ``services`` (in the ``visitor``'s looks)."""
    from eldermode.transforms import Profile
    from eldermode.transforms.outputs import page_text_view

    return page_text_view(body, content_type, services.page_context(Profile(mode="access"), url), visitor)


def routes(prefix: str) -> list[Route]:
    return [Route(prefix + "text", text_view_endpoint, methods=["GET", "HEAD"])]


def cmd_text(args: argparse.Namespace) -> int:
    from eldermode.transforms.document import NotHTML

    body, content_type, path = load_source(args.source)
    try:
        out = text_view(body, content_type, path, Services.for_command(settings_from(args)))
    except NotHTML as exc:
        raise CommandError(f"text: {args.source} is not an HTML page ({exc})") from exc
    write_output(out, args.output)
    return EXIT_OK


def register(sub) -> None:
    """``eldermode text FILE_OR_URL [-o OUT]``, and ``eldermode audit`` (audit_cli.py)."""
    p = sub.add_parser("text", help="the 纯文本 text view of a page (its main content as a plain page)")
    p.add_argument("source", metavar="FILE_OR_URL")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: standard output)")
    p.set_defaults(func=cmd_text)
    audit_cli.register(sub)
