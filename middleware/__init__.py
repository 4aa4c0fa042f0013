"""eldermode.middleware: the HTTP side — the ASGI middleware, the reverse proxy, endpoints and the CLI.

    from eldermode.middleware import ElderModeMiddleware, Settings
    app = ElderModeMiddleware(app, settings=Settings())
"""

from .rewrite import ElderModeMiddleware
from .settings import Settings, SettingsError, load_settings

__all__ = ["ElderModeMiddleware", "Settings", "SettingsError", "load_settings", "build_proxy_app"]


def build_proxy_app(settings: Settings):
    """The reverse proxy to ``settings.upstream``, wrapped by the middleware."""
    from .proxy import build_proxy_app as build

    return build(settings)
