"""The optional store several instances share (Redis, with ``redis_url``): bytes by key with a TTL, never raising.

Rewritten pages and finished override sheets go here so N instances behind a load
balancer do each page's work once. Redis bounds its own size (run it with ``maxmemory``
and ``maxmemory-policy allkeys-lru``). When Redis is down every lookup is a miss
(logged once a minute): pages are still rewritten, only without sharing. Keys carry
eldermode's code version, so instances of different versions never share output.
"""

from __future__ import annotations

import logging
import time

from .version import code_version

__all__ = ["SharedStore", "shared_store"]

log = logging.getLogger("eldermode")


class SharedStore:
    def __init__(self, url: str, namespace: str):
        import redis

        self._errors = (redis.RedisError, OSError)
        # Short timeouts: a slow Redis must cost a visitor a miss, not a wait.
        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.prefix = f"eldermode:{namespace}:{code_version()}:"
        self._warned_at = 0.0

    def _down(self, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._warned_at > 60:
            self._warned_at = now
            log.warning("shared store (redis) unavailable (%s): working without sharing", exc)

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get(self.prefix + key)
        except self._errors as exc:
            self._down(exc)
            return None

    def put(self, key: str, value: bytes, ttl: int) -> None:
        try:
            self.client.set(self.prefix + key, value, ex=max(1, int(ttl)))
        except self._errors as exc:
            self._down(exc)


def shared_store(settings, namespace: str) -> SharedStore | None:
    """The shared store for ``namespace`` when ``redis_url`` is set (the redis extra installed), else None."""
    if not getattr(settings, "redis_url", ""):
        return None
    try:
        return SharedStore(settings.redis_url, namespace)
    except ImportError:
        log.warning("redis_url is set but the redis package is missing (pip install 'eldermode[redis]')")
        return None
