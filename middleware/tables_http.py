"""The tables of a page, cell by cell, over HTTP (``{prefix}tables?url=/path``) and on the command line.

Both run the page through the one pipeline (access mode, with the middleware's kind of services)
and answer with the readings its ``tables`` step left (:func:`eldermode.transforms.outputs.page_tables`):
exactly the tables, headers and sentences the rewritten page carries, so 表格朗读, scripts and the
``eldermode tables`` command all hear the same sentences.
"""

from __future__ import annotations

import argparse

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .command import EXIT_OK, CommandError, load_source, settings_from, write_output
from .endpoint_kit import error_response, services_of
from .services import FetchError, Services

__all__ = ["page_readings", "register", "routes", "tables_endpoint"]

FORMATS = ("json", "text", "csv")
_MEDIA = {"json": "application/json", "text": "text/plain; charset=utf-8", "csv": "text/csv; charset=utf-8"}


async def tables_endpoint(request: Request) -> Response:
    """Every data table of the ORIGINAL page at ``url`` as records (row path, column path, value, grid position)."""
    from eldermode.transforms.document import NotHTML
    from eldermode.transforms.tables import format_readings

    services = services_of(request)
    fmt = request.query_params.get("format", "json")
    if fmt not in FORMATS:
        return error_response("format must be json, text or csv", 400)
    try:
        local, page = await services.fetch_html(request.query_params.get("url", ""), like=request.scope)
    except FetchError as exc:
        return error_response(str(exc), exc.status)  # never echoes the requested URL
    lang = request.query_params.get("lang") or None
    try:
        readings = await anyio.to_thread.run_sync(page_readings, page.body, page.content_type, local, lang, services)
    except NotHTML:
        return error_response("that URL is not an HTML page", 415)
    headers = {"Cache-Control": "private, max-age=60", "Vary": "Cookie"}
    if fmt == "json":
        return JSONResponse({"url": local, "tables": [r.as_dict() for r in readings]}, headers=headers)
    return Response(format_readings(readings, fmt), media_type=_MEDIA[fmt], headers=headers)


def page_readings(body: bytes, content_type: str | None, url: str, lang: str | None, services):
    """The readings of the page's tables from the one pipeline (access mode), labels in ``lang`` when given."""
    from eldermode.transforms import Profile
    from eldermode.transforms.outputs import page_tables

    ctx = services.page_context(Profile(mode="access"), url)
    if lang:
        ctx.lang = lang
    return page_tables(body, content_type, ctx)


def routes(prefix: str) -> list[Route]:
    return [Route(prefix + "tables", tables_endpoint, methods=["GET", "HEAD"])]


def cmd_tables(args: argparse.Namespace) -> int:
    from eldermode.transforms.document import NotHTML
    from eldermode.transforms.tables import format_readings

    body, content_type, path = load_source(args.source)
    try:
        readings = page_readings(body, content_type, path, args.lang, Services.for_command(settings_from(args)))
    except NotHTML as exc:
        raise CommandError(f"tables: {args.source} is not an HTML page ({exc})") from exc
    write_output(format_readings(readings, args.format).encode("utf-8"), args.output)
    return EXIT_OK


def register(sub) -> None:
    """``eldermode tables FILE_OR_URL [--format text|json|csv]``."""
    p = sub.add_parser("tables", help="read a page's data tables cell by cell (row path | column path: value)")
    p.add_argument("source", metavar="FILE_OR_URL")
    p.add_argument("--format", choices=("text", "json", "csv"), default="text")
    p.add_argument("--lang", help="language of the labels (default: the page's)")
    p.add_argument("-o", "--output", metavar="OUT", help="output file (default: standard output)")
    p.set_defaults(func=cmd_tables)
