"""What every ``/__eldermode/`` handler uses: the shared services and settings of a request, a plain error.

A leaf: it imports nothing of eldermode, so the router and every feature's handlers can
use it without importing each other.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse

__all__ = ["error_response", "services_of", "settings_of"]


def services_of(request: Request):
    """The middleware's Services (middleware/services.py), put in the scope by the router."""
    return request.scope["eldermode.services"]


def settings_of(request: Request):
    """The middleware's Settings, put in the scope by the router."""
    return request.scope["eldermode.settings"]


def error_response(message: str, status: int, **headers: str) -> PlainTextResponse:
    """A short plain-text error; never echoes what the visitor sent."""
    return PlainTextResponse(message + "\n", status_code=status, headers={"Cache-Control": "no-store", **headers})
