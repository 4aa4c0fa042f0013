"""The ``/__eldermode/`` endpoints: health, static assets, and the routes features add.

The pipeline never rewrites these. Handlers reach the shared services and settings with
:func:`services_of` / :func:`settings_of`; each feature keeps its handlers in its own module
and lists them here.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route, Router

__all__ = ["build_endpoints", "error_response", "load_asset", "services_of", "settings_of"]

ASSETS = Path(__file__).with_name("assets")
_ASSET_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*\.(css|js|html|svg|png|ico|json)$")


def services_of(request: Request):
    return request.scope["eldermode.services"]


def settings_of(request: Request):
    return request.scope["eldermode.settings"]


def error_response(message: str, status: int, **headers: str) -> PlainTextResponse:
    """A short plain-text error; never echoes what the visitor sent."""
    return PlainTextResponse(message + "\n", status_code=status, headers={"Cache-Control": "no-store", **headers})


async def health(request: Request) -> Response:
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


@lru_cache(maxsize=64)
def load_asset(name: str) -> tuple[bytes, bytes, str, str] | None:
    """(bytes, gzipped bytes, media type, ETag) of one of eldermode's assets, or None for any other name."""
    path = ASSETS / name
    if not _ASSET_NAME.match(name) or not path.is_file():
        return None
    data = path.read_bytes()
    media_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    if media_type.startswith("text/") or media_type in ("application/javascript", "image/svg+xml"):
        media_type += "; charset=utf-8"
    etag = '"' + hashlib.sha256(data).hexdigest()[:20] + '"'
    return data, gzip.compress(data, 9, mtime=0), media_type, etag


async def asset(request: Request) -> Response:
    loaded = load_asset(request.path_params["name"])
    if loaded is None:
        return error_response("no such asset", 404)
    data, gzipped, media_type, etag = loaded
    headers = {
        "Cache-Control": "public, max-age=86400",
        "ETag": etag,
        "Vary": "Accept-Encoding",
        "X-Content-Type-Options": "nosniff",
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", ""):
        headers["Content-Encoding"] = "gzip"
        data = gzipped
    return Response(data, media_type=media_type, headers=headers)


def _routes(prefix: str) -> list[Route]:
    # Imported here, not at the top: each feature's handlers use this module's helpers.
    from .access_endpoints import text_view_endpoint
    from .elder_endpoints import help_endpoint
    from .speech_http import speech_routes
    from .stylesheets import overrides_endpoint
    from .tables_http import tables_routes

    routes = [
        Route(prefix + "health", health, methods=["GET", "HEAD"]),
        Route(prefix + "assets/{name}", asset, methods=["GET", "HEAD"]),
        *speech_routes(prefix),
        *tables_routes(prefix),
        Route(prefix + "overrides/{digest:str}.css", overrides_endpoint, methods=["GET", "HEAD"]),
        Route(prefix + "help", help_endpoint, methods=["GET", "HEAD"]),
        Route(prefix + "text", text_view_endpoint, methods=["GET", "HEAD"]),
    ]
    return routes


class Endpoints:
    """ASGI app for everything under the prefix; gives handlers the shared services and settings."""

    def __init__(self, settings, services):
        self.settings = settings
        self.services = services
        self.router = Router(routes=_routes(settings.prefix))

    async def __call__(self, scope, receive, send):
        scope = dict(scope)
        scope["eldermode.services"] = self.services
        scope["eldermode.settings"] = self.settings
        await self.router(scope, receive, send)


def build_endpoints(settings, services) -> Endpoints:
    return Endpoints(settings, services)
