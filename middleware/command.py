"""What every ``eldermode`` subcommand uses: exit codes, the one-line CommandError, reading a page, writing output.

A leaf below the command line: cli.py and each feature's command import it, never each other.
"""

from __future__ import annotations

import argparse
import sys
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from .settings import Settings, load_settings

__all__ = ["EXIT_FAILED", "EXIT_OK", "EXIT_USAGE", "CommandError", "load_source", "settings_from", "write_output"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """A failure to report as one line, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILED):
        super().__init__(message)
        self.code = code


def load_source(source: str, limit: int = 32 * 1024 * 1024) -> tuple[bytes, str | None, str]:
    """(bytes, content type, page path) of a file or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"User-Agent": "eldermode", "Accept": "text/html"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - scheme checked above
                body = response.read(limit + 1)
                content_type = response.headers.get("Content-Type")
        except OSError as exc:
            raise CommandError(f"cannot fetch {source}: {exc}") from exc
        if len(body) > limit:
            raise CommandError(f"{source} is larger than {limit} bytes")
        parts = urlsplit(source)
        return body, content_type, (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    path = Path(source)
    try:
        return path.read_bytes(), None, "/" + path.name
    except OSError as exc:
        raise CommandError(f"cannot read {source}: {exc.strerror or exc}") from exc


def write_output(data: bytes, out: str | None) -> None:
    """``data`` to the file ``out``, or to standard output when it is empty or ``-``."""
    if not out or out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        Path(out).write_bytes(data)
    except OSError as exc:
        raise CommandError(f"cannot write {out}: {exc.strerror or exc}") from exc


def settings_from(args: argparse.Namespace, **flags) -> Settings:
    """The settings for a command: its flags (and the shared logging ones) over the environment over ``--config``."""
    for name in ("log_level", "log_format", "access_log"):
        flags.setdefault(name, getattr(args, name, None))
    return load_settings(getattr(args, "config", None), **flags)
