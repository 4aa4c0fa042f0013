"""Audio over HTTP: the format a request asks for (``f=`` or ``Accept``), the rate, and single-range ``Range``.

Used by the speech endpoints; knows nothing of speech itself, only bytes of a given format.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from eldermode.voices.base import RATES
from eldermode.voices.speaker import MEDIA_TYPES

__all__ = ["IMMUTABLE", "audio_response", "choose_format", "rate_param"]

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def choose_format(request: Request, formats: tuple[str, ...]) -> str | None:
    """``f=`` when given, else the best of ``formats`` the Accept header prefers; ``*/*`` means WAV."""
    wanted = request.query_params.get("f")
    if wanted:
        return wanted if wanted in formats else None
    accept = request.headers.get("accept", "")
    best, best_q = "wav", 0.0
    by_type = {MEDIA_TYPES[f]: f for f in formats}
    by_type["audio/x-wav"] = by_type["audio/wave"] = "wav"
    by_type["audio/mp3"] = "mp3" if "mp3" in formats else None
    for item in accept.split(","):
        media, _, params = item.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        fmt = by_type.get(media.strip().lower())
        if fmt and q > best_q:
            best, best_q = fmt, q
    return best


def rate_param(request: Request) -> str | None:
    rate = request.query_params.get("r", "normal")
    return rate if rate in RATES else None


IMMUTABLE = "public, max-age=31536000, immutable"  # a sentence URL always means the same audio


def audio_response(request: Request, data: bytes, audio_format: str, etag: str, vary: bool,
                   filename: str | None = None, cache_control: str = IMMUTABLE) -> Response:
    """``data`` with Content-Type, validators, caching, and single-range ``Range`` support."""
    headers = {
        "Accept-Ranges": "bytes",
        "Cache-Control": cache_control,
        "ETag": f'"{etag}"',
        "X-Content-Type-Options": "nosniff",
    }
    if vary:
        headers["Vary"] = "Accept"
    if filename:
        headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    media_type = MEDIA_TYPES[audio_format]
    if f'"{etag}"' in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    size = len(data)
    range_header = request.headers.get("range")
    if_range = request.headers.get("if-range")
    if range_header and (not if_range or if_range == f'"{etag}"'):
        match = _RANGE.match(range_header.strip())
        if match and (match.group(1) or match.group(2)):
            first, last = match.groups()
            if first:
                start = int(first)
                end = min(int(last), size - 1) if last else size - 1
            else:
                start = max(size - int(last), 0)
                end = size - 1
            if start >= size or end < start:
                return Response(status_code=416, headers={**headers, "Content-Range": f"bytes */{size}"})
            headers["Content-Range"] = f"bytes {start}-{end}/{size}"
            return Response(data[start : end + 1], status_code=206, media_type=media_type, headers=headers)
        # a multi-range or malformed Range is ignored: the whole file is a valid answer
    return Response(data, media_type=media_type, headers=headers)
