"""Deployment settings: one frozen value, loaded from flags, environment variables and a TOML file.

Precedence: command-line flags > ``ELDERMODE_*`` environment variables > TOML file > defaults.
Every setting is documented once, here, in its field's ``help``; ``eldermode --help`` and the
README's settings table are built from the same text.
"""

from __future__ import annotations

import functools
import ipaddress
import os
import sys
import tomllib
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import urlsplit

from eldermode.transforms import MODES, PageOptions

from .version import code_version

__all__ = ["LOG_LEVELS", "Settings", "SettingsError", "default_cache_dir", "load_settings", "settings_table"]

ENV_PREFIX = "ELDERMODE_"
LOG_LEVELS = ("debug", "info", "warning", "error")


class SettingsError(ValueError):
    """A setting has a value that cannot work; the message says which and why."""


def _setting(default: Any, help: str) -> Any:
    if isinstance(default, (list, dict)):
        raise TypeError("use tuples for settings defaults")
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    upstream: str = _setting("", "Origin of the site to proxy, e.g. https://www.example.gov.cn (proxy only).")
    listen: str = _setting("127.0.0.1:8000", "Address the proxy listens on, HOST:PORT.")
    workers: int = _setting(1, "Proxy worker processes; each rewrites pages on a core of its own, so set one per core.")
    max_body: int = _setting(8 * 1024 * 1024, "HTML bodies larger than this many bytes stream through untouched.")
    rewrite_timeout: float = _setting(
        5.0, "Seconds a page's rewrite may take; past that the visitor gets the original page."
    )
    rewrite_threads: int = _setting(
        1, "Threads per worker process that rewrite pages (one uses the worker's core; run more workers for more cores)."
    )
    rewrite_queue: int = _setting(
        24, "First rewrites allowed to wait per worker; when full, the visitor gets the original page at once "
        "(header Eldermode-Fallback: busy) instead of waiting."
    )
    entry_link: bool = _setting(
        True, "Splice a small 长者模式 · 无障碍 entry link into original (mode off) pages. "
        "Turn off when the site already links to ?eldermode=elder; off-mode pages are then the exact original bytes."
    )
    default_mode: str = _setting("off", "Mode for visitors who have not chosen one: off, elder or access.")
    prefix: str = _setting("/__eldermode/", "URL prefix of eldermode's own endpoints and assets.")
    cookie_name: str = _setting("eldermode", "Cookie that keeps a visitor's choices.")
    cookie_max_age: int = _setting(365 * 24 * 3600, "Lifetime of that cookie in seconds.")
    connect_timeout: float = _setting(10.0, "Seconds to wait for a connection to the upstream (then 502/504).")
    read_timeout: float = _setting(30.0, "Seconds to wait for upstream data (then 504).")
    trusted_proxies: str = _setting(
        "127.0.0.1", "Comma-separated addresses whose X-Forwarded-For/-Proto the proxy believes (your TLS terminator)."
    )
    preserve_host: bool = _setting(False, "Send the visitor's Host header upstream instead of the upstream's own.")
    overrides_file: str = _setting("", "TOML file of per-site landmark overrides (CSS selector → role and name).")
    speech: bool = _setting(True, "Offer 朗读 (server-side speech) on pages.")
    speech_backend: str = _setting(
        "auto", "Speech engine: auto (pyttsx3, else the espeak-ng command), pyttsx3, espeak-ng, or none."
    )
    speech_arbitrary_text: bool = _setting(
        False, "Allow /__eldermode/speech/say?text=… for any text (off: only segments of pages the server rewrote)."
    )
    speech_max_text: int = _setting(500, "Longest text (characters) the arbitrary-text speech endpoint accepts.")
    speech_queue: int = _setting(8, "Synthesis jobs allowed to wait at once; beyond that the server answers 429.")
    rewrite_cache_bytes: int = _setting(
        64 * 1024 * 1024, "Memory for rewritten pages kept per worker, so a page read by many is rewritten once (0: off)."
    )
    cache_dir: str = _setting(
        "", "Directory for the audio cache and the speech secret. Default: $CACHE_DIRECTORY (systemd's CacheDirectory=), "
        "else the platform's cache directory (~/.cache/eldermode on Linux)."
    )
    cache_max_bytes: int = _setting(512 * 1024 * 1024, "Size bound of the on-disk audio cache.")
    redis_url: str = _setting("", "redis:// URL of a shared audio cache for several proxy instances (optional).")
    secret: str = _setting("", "Secret that signs each rewritten page's speech token; set the same value on every instance.")
    log_level: str = _setting("info", "Log level: debug, info, warning, error.")
    log_format: str = _setting("text", "Log lines as text or json (one JSON object a line).")
    access_log: bool = _setting(False, "Log every request the proxy answers (uvicorn's access log).")
    metrics_allow: str = _setting(
        "", "Comma-separated addresses or networks that may read Prometheus metrics at /__eldermode/metrics "
        "(e.g. 127.0.0.1, 10.0.0.0/8); empty: metrics off. Needs the metrics extra."
    )

    def __post_init__(self) -> None:
        if self.upstream:
            parts = urlsplit(self.upstream)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise SettingsError(f"upstream: {self.upstream!r} is not an http(s) origin")
            if parts.query or parts.fragment:
                raise SettingsError("upstream: must not have a query or fragment")
        if self.default_mode not in MODES:
            raise SettingsError(f"default_mode: {self.default_mode!r} is not one of {', '.join(MODES)}")
        if not (self.prefix.startswith("/") and self.prefix.endswith("/") and len(self.prefix) > 2):
            raise SettingsError("prefix: must start and end with '/' (e.g. /__eldermode/)")
        if self.max_body < 1024:
            raise SettingsError("max_body: must be at least 1024 bytes")
        if self.rewrite_threads < 1:
            raise SettingsError("rewrite_threads: must be at least 1")
        if self.rewrite_queue < 0:
            raise SettingsError("rewrite_queue: must be 0 or more")
        if self.workers < 1:
            raise SettingsError("workers: must be at least 1")
        if self.log_level not in LOG_LEVELS:
            raise SettingsError(f"log_level: {self.log_level!r} is not one of {', '.join(LOG_LEVELS)}")
        if self.log_format not in ("text", "json"):
            raise SettingsError(f"log_format: {self.log_format!r} is not text or json")
        try:
            self.metrics_networks
        except ValueError as exc:
            raise SettingsError(f"metrics_allow: {exc}") from None
        host, _, port = self.listen.rpartition(":")
        if not host or not port.isdigit():
            raise SettingsError(f"listen: {self.listen!r} is not HOST:PORT")

    @property
    def cache_path(self) -> Path:
        """``cache_dir``, else systemd's CACHE_DIRECTORY, else the platform's cache directory for eldermode."""
        if self.cache_dir:
            return Path(self.cache_dir)
        return default_cache_dir()

    @property
    def metrics_networks(self) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
        return tuple(ipaddress.ip_network(item.strip(), strict=False)
                     for item in self.metrics_allow.split(",") if item.strip())

    @property
    def listen_host(self) -> str:
        return self.listen.rpartition(":")[0].strip("[]")

    @property
    def listen_port(self) -> int:
        return int(self.listen.rpartition(":")[2])

    @functools.lru_cache(maxsize=8)  # noqa: B019 - Settings are frozen and hashable; the file is read once
    def page_options(self) -> PageOptions:
        """The part of the settings transforms may read (the overrides file is read once)."""
        origins: tuple[str, ...] = ()
        if self.upstream:
            parts = urlsplit(self.upstream)
            origins = (f"{parts.scheme}://{parts.netloc}",)
        return PageOptions(
            prefix=self.prefix,
            entry_link=self.entry_link,
            rewrite_origins=origins,
            landmark_overrides=_load_overrides(self.overrides_file),
            speech=self.speech,
            cookie_name=self.cookie_name,
            asset_version=code_version(),
        )

    def to_env(self) -> dict[str, str]:
        """These settings as ``ELDERMODE_*`` variables (how the proxy hands them to worker processes)."""
        env = {}
        for f in fields(self):
            value = getattr(self, f.name)
            env[ENV_PREFIX + f.name.upper()] = ("1" if value else "0") if isinstance(value, bool) else str(value)
        return env


def default_cache_dir(env: Mapping[str, str] | None = None, platform: str | None = None) -> Path:
    """Where eldermode keeps its cache when ``cache_dir`` is not set.

    Under systemd with ``CacheDirectory=eldermode`` that is $CACHE_DIRECTORY (the first, when the
    unit lists several); otherwise the platform's per-user cache directory — never the working
    directory, which under systemd is ``/``.
    """
    env = os.environ if env is None else env
    platform = platform or sys.platform
    systemd = env.get("CACHE_DIRECTORY", "").split(":")[0]
    if systemd:
        return Path(systemd)
    if platform.startswith("win"):
        base = env.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "eldermode" / "Cache"
    if platform == "darwin":
        return Path.home() / "Library" / "Caches" / "eldermode"
    base = env.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "eldermode"


def _load_overrides(path: str) -> tuple[tuple[str, str, str], ...]:
    if not path:
        return ()
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SettingsError(f"overrides_file: cannot read {path}: {exc}") from exc
    entries = []
    for item in data.get("landmark", []):
        if not isinstance(item, dict) or "selector" not in item or "role" not in item:
            raise SettingsError(f"overrides_file: each [[landmark]] needs selector and role: {item!r}")
        entries.append((str(item["selector"]), str(item["role"]), str(item.get("name", ""))))
    return tuple(entries)


def _convert(name: str, kind: Any, value: Any) -> Any:
    if kind in (bool, "bool"):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        raise SettingsError(f"{name}: {value!r} is not a boolean")
    if kind in (int, "int"):
        try:
            return int(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{name}: {value!r} is not an integer") from None
    if kind in (float, "float"):
        try:
            return float(value)
        except (TypeError, ValueError):
            raise SettingsError(f"{name}: {value!r} is not a number") from None
    return str(value)


def load_settings(
    config_file: str | os.PathLike | None = None,
    env: Mapping[str, str] | None = None,
    **flags: Any,
) -> Settings:
    """Settings from a TOML file, then ``ELDERMODE_*`` variables, then flags (None flags are ignored)."""
    env = os.environ if env is None else env
    known = {f.name: f for f in fields(Settings)}
    values: dict[str, Any] = {}
    config_file = config_file or env.get(ENV_PREFIX + "CONFIG")
    if config_file:
        try:
            data = tomllib.loads(Path(config_file).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise SettingsError(f"config file {config_file}: {exc}") from exc
        data = data.get("eldermode", data)
        for key, value in data.items():
            name = key.replace("-", "_")
            if name not in known:
                raise SettingsError(f"config file {config_file}: unknown setting {key!r}")
            values[name] = value
    for name in known:
        raw = env.get(ENV_PREFIX + name.upper())
        if raw is not None:
            values[name] = raw
    for name, value in flags.items():
        if name not in known:
            raise SettingsError(f"unknown setting {name!r}")
        if value is not None:
            values[name] = value
    converted = {name: _convert(name, known[name].type, value) for name, value in values.items()}
    return Settings(**converted)


def settings_table() -> list[tuple[str, str, str, str]]:
    """(name, environment variable, default, help) for every setting, for docs and ``--help``."""
    rows = []
    for f in fields(Settings):
        default = "" if f.default is MISSING else f.default
        rows.append((f.name, ENV_PREFIX + f.name.upper(), repr(default), f.metadata["help"]))
    return rows
