"""Which optional extra a setting or command needs, checked at start so a missing one is one clear message.

Without this, ``redis_url`` set on a machine without the redis package failed at the first
speech request instead of when the server started.
"""

from __future__ import annotations

import importlib.util

from .settings import Settings, SettingsError

__all__ = ["missing_extras", "require_extras"]

# extra -> the modules it installs
EXTRAS = {
    "proxy": ("aiohttp", "uvicorn"),
    "tts": ("pyttsx3",),
    "redis": ("redis",),
    "metrics": ("prometheus_client",),
}


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken or blocked install counts as missing
        return False


def missing_extras(settings: Settings, serving: bool = False) -> list[tuple[str, str]]:
    """(extra, why it is needed) for every extra these settings (and serving the proxy) need but lack."""
    needed: list[tuple[str, str]] = []
    if serving:
        needed.append(("proxy", "the proxy and the demo run on uvicorn with aiohttp"))
    if settings.redis_url:
        needed.append(("redis", "redis_url is set"))
    if settings.speech and settings.speech_backend == "pyttsx3":
        needed.append(("tts", "speech_backend is pyttsx3"))
    if settings.metrics_allow:
        needed.append(("metrics", "metrics_allow is set (Prometheus metrics at /__eldermode/metrics)"))
    return [(extra, why) for extra, why in needed if not all(_installed(m) for m in EXTRAS[extra])]


def require_extras(settings: Settings, serving: bool = False) -> None:
    """Raise SettingsError naming the ``pip install`` line when a needed extra is missing."""
    missing = missing_extras(settings, serving)
    if missing:
        names = ",".join(extra for extra, _ in missing)
        reasons = "; ".join(f"{why}: needs the {extra} extra" for extra, why in missing)
        raise SettingsError(f"{reasons} — install it with: pip install 'eldermode[{names}]'")
