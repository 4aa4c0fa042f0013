"""Content-addressed audio cache: local disk (default, LRU-bounded) or Redis (shared by instances).

The key is a hash of what determines the audio — normalised text, engine voice,
rate and format — so the same sentence on any page, in any instance, is
synthesised once. Every entry is stored framed with a checksum: a corrupt or
truncated entry reads as a miss (and is deleted), so it gets rebuilt, never served.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
import zlib
from pathlib import Path
from typing import Protocol

__all__ = ["AudioCache", "DiskCache", "RedisCache", "audio_key", "frame", "unframe"]

log = logging.getLogger("eldermode.speech")

_VERSION = "1"  # bump when normalisation or engine settings change what the same key would sound like
_MAGIC = b"EMA2"
_HEADER = len(_MAGIC) + 8  # magic, payload length (4 bytes), CRC-32 (4 bytes)


def audio_key(text: str, voice: str, rate: int, audio_format: str) -> str:
    """The cache key (hex) of one rendering of prepared ``text``."""
    material = "\0".join((_VERSION, voice, str(int(rate)), audio_format, text)).encode("utf-8")
    return hashlib.sha256(material).hexdigest()[:40]


def frame(data: bytes) -> bytes:
    return _MAGIC + len(data).to_bytes(4, "little") + zlib.crc32(data).to_bytes(4, "little") + data


def unframe(blob: bytes | None) -> bytes | None:
    """The payload of a framed entry, or None when the entry is missing or damaged.

    Length and CRC-32 catch what happens to files (truncation, a torn copy, flipped
    bits); the entries are not secret, so no keyed hash is needed. CRC-32 runs at
    several GB/s, which keeps a cache hit well under a millisecond.
    """
    if not blob or len(blob) <= _HEADER or not blob.startswith(_MAGIC):
        return None
    size = int.from_bytes(blob[4:8], "little")
    if len(blob) - _HEADER != size:
        return None
    view = memoryview(blob)[_HEADER:]
    if zlib.crc32(view) != int.from_bytes(blob[8:12], "little"):
        return None
    return bytes(view)


class AudioCache(Protocol):
    def get(self, key: str) -> bytes | None: ...

    def put(self, key: str, data: bytes) -> None: ...

    def claim(self, key: str, seconds: float) -> bool:
        """Try to become the one instance that synthesises ``key`` (True) — others wait for it."""
        ...

    def release(self, key: str) -> None: ...


class DiskCache:
    """Files under ``root/ab/<key>``, written atomically (temp file + ``os.replace``).

    Bounded to ``max_bytes``: reading an entry refreshes its mtime (at most once a
    ``touch_every`` seconds per entry); when the
    total grows past the bound the least recently used files are removed down
    to 90% of it. The total is recounted at start, so a restart keeps the bound.
    """

    def __init__(self, root: str | os.PathLike[str], max_bytes: int = 512 * 1024 * 1024, touch_every: float = 60.0):
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._touched: dict[str, float] = {}
        self.touch_every = touch_every  # seconds: LRU order is kept to this precision
        self._total = sum(size for _, size, _ in self._entries())

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError("cache keys are hex digests")
        return self.root / key[:2] / key

    def _entries(self):
        for folder in self.root.iterdir():
            if folder.is_dir() and len(folder.name) == 2:
                for path in folder.iterdir():
                    if ".tmp" in path.name:
                        continue
                    try:
                        stat = path.stat()
                    except FileNotFoundError:
                        continue
                    yield path, stat.st_size, stat.st_mtime

    @property
    def total_bytes(self) -> int:
        return self._total

    def get(self, key: str) -> bytes | None:
        path = self._path(key)
        try:
            blob = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        data = unframe(blob)
        if data is None:
            self._remove(path)  # damaged: a miss, and the next synthesis replaces it
            return None
        now = time.monotonic()
        if now - self._touched.get(key, -1e9) >= self.touch_every:
            self._touched[key] = now
            if len(self._touched) > 100_000:
                self._touched.clear()
            try:
                os.utime(path)  # LRU: mtime is the last use (to the minute: a syscall per hit is wasted)
            except FileNotFoundError:
                pass
        return data

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(exist_ok=True)
        blob = frame(data)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=key[:8], suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(blob)
            try:
                old = path.stat().st_size
            except FileNotFoundError:
                old = 0
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise
        with self._lock:
            self._total += len(blob) - old
            over = self._total > self.max_bytes
        if over:
            self.evict()

    def _remove(self, path: Path) -> None:
        try:
            size = path.stat().st_size
            path.unlink()
        except FileNotFoundError:
            return
        with self._lock:
            self._total -= size

    def evict(self) -> None:
        """Remove least recently used entries until the cache is at 90% of its bound."""
        with self._lock:
            entries = sorted(self._entries(), key=lambda e: e[2])
            total = sum(size for _, size, _ in entries)
            target = int(self.max_bytes * 0.9)
            for path, size, _ in entries:
                if total <= target:
                    break
                try:
                    path.unlink()
                except FileNotFoundError:
                    pass
                total -= size
            self._total = total

    # One process per disk cache directory is the common case; in-process
    # single-flight (in the Speaker) already covers it.
    def claim(self, key: str, seconds: float) -> bool:
        return True

    def release(self, key: str) -> None:
        pass


class RedisCache:
    """Entries in Redis under ``prefix + key`` with a TTL, shared by every proxy instance.

    Size is bounded by Redis itself (run it with ``maxmemory`` and
    ``maxmemory-policy allkeys-lru``); ``claim`` is a ``SET NX PX`` lock so that
    instances do not synthesise the same segment at the same time. When Redis is
    unreachable the cache degrades to "always a miss" (logged), never to an error:
    speech keeps working, only without sharing.
    """

    def __init__(self, url: str, prefix: str = "eldermode:speech:", ttl: int = 30 * 24 * 3600):
        import redis

        self._errors = (redis.RedisError, OSError)
        self.client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        self.prefix = prefix
        self.ttl = ttl
        self._warned_at = 0.0

    def _down(self, exc: BaseException) -> None:
        now = time.monotonic()
        if now - self._warned_at > 60:  # once a minute, not once a request
            self._warned_at = now
            log.warning("redis audio cache unavailable (%s): synthesising without the shared cache", exc)

    def get(self, key: str) -> bytes | None:
        try:
            blob = self.client.get(self.prefix + key)
            data = unframe(blob)
            if blob is not None and data is None:
                self.client.delete(self.prefix + key)
            return data
        except self._errors as exc:
            self._down(exc)
            return None

    def put(self, key: str, data: bytes) -> None:
        try:
            self.client.set(self.prefix + key, frame(data), ex=self.ttl)
        except self._errors as exc:
            self._down(exc)

    def claim(self, key: str, seconds: float) -> bool:
        try:
            return bool(self.client.set(self.prefix + "lock:" + key, os.getpid(), nx=True, px=int(seconds * 1000)))
        except self._errors as exc:
            self._down(exc)
            return True

    def release(self, key: str) -> None:
        try:
            self.client.delete(self.prefix + "lock:" + key)
        except self._errors as exc:
            self._down(exc)
