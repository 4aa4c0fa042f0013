"""The tables of a page, cell by cell, over HTTP (``{prefix}tables?url=/path``) and on the command line.

Both call :func:`eldermode.transforms.tables.read_page`, the same reading the
``tables`` transform puts in the page, so the speech feature, scripts and the
``eldermode tables`` command all hear the same sentences.
"""

from __future__ import annotations

import argparse

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from .command import EXIT_OK, CommandError, load_source, write_output
from .endpoint_kit import error_response, services_of
from .services import FetchError

__all__ = ["register", "routes", "tables_endpoint"]

FORMATS = ("json", "text", "csv")
_MEDIA = {"json": "application/json", "text": "text/plain; charset=utf-8", "csv": "text/csv; charset=utf-8"}


async def tables_endpoint(request: Request) -> Response:
    """Every data table of the ORIGINAL page at ``url`` as records (row path, column path, value, grid position)."""
    from eldermode.transforms.document import NotHTML
    from eldermode.transforms.tables import format_readings, read_page

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
        readings = await anyio.to_thread.run_sync(read_page, page.body, page.content_type, lang)
    except NotHTML:
        return error_response("that URL is not an HTML page", 415)
    headers = {"Cache-Control": "private, max-age=60", "Vary": "Cookie"}
    if fmt == "json":
        return JSONResponse({"url": local, "tables": [r.as_dict() for r in readings]}, headers=headers)
    return Response(format_readings(readings, fmt), media_type=_MEDIA[fmt], headers=headers)


def routes(prefix: str) -> list[Route]:
    return [Route(prefix + "tables", tables_endpoint, methods=["GET", "HEAD"])]


def cmd_tables(args: argparse.Namespace) -> int:
    from eldermode.transforms.document import NotHTML
    from eldermode.transforms.tables import format_readings, read_page

    body, content_type, _ = load_source(args.source)
    try:
        readings = read_page(body, content_type, args.lang)
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
