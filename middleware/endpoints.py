"""The ``/__eldermode/`` router: eldermode's assets, then the routes of every feature (features.py).

The pipeline never rewrites these. Handlers reach the shared services and settings through
endpoint_kit.py, which the router puts in the scope.
"""

from __future__ import annotations

from starlette.routing import Route, Router

from .features import feature_routes
from .static import asset_endpoint

__all__ = ["Endpoints", "build_endpoints"]


def _routes(prefix: str) -> list[Route]:
    return [
        Route(prefix + "assets/{name}", asset_endpoint, methods=["GET", "HEAD"]),
        *feature_routes(prefix),
    ]


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
