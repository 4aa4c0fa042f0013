"""A short fingerprint of eldermode's own code and assets, for validators and asset URLs.

It changes whenever a transform, the middleware or an asset changes, so an ETag made by an
older rewrite never validates a newer one, and browsers fetch new assets after an upgrade.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

__all__ = ["code_version"]

_PACKAGE = Path(__file__).resolve().parents[1]  # the repository, or site-packages/eldermode


@lru_cache(maxsize=1)
def code_version() -> str:
    digest = hashlib.blake2b(digest_size=4)
    for folder in ("middleware", "transforms"):
        for path in sorted((_PACKAGE / folder).rglob("*")):
            if path.suffix in (".py", ".css", ".js", ".svg", ".html") and "__pycache__" not in path.parts:
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()
