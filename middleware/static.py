"""eldermode's own assets (CSS, JS, cursors): read from the package, gzipped once, served with an ETag.

A leaf beside the router: the ``assets/{name}`` endpoint and ``eldermode audit`` (which hands
the same files to its browser) both read them through :func:`load_asset`.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import re
from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response

from .endpoint_kit import error_response

__all__ = ["ASSETS", "asset_endpoint", "load_asset"]

ASSETS = Path(__file__).with_name("assets")
_ASSET_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*\.(css|js|html|svg|png|ico|json)$")


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


async def asset_endpoint(request: Request) -> Response:
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
