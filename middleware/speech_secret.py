"""The secret that signs 朗读 sentence keys: from the ``secret`` setting, or a file kept in the cache directory.

A leaf: Services (which hands the key to the page transform) and the speech service both read it here.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time

__all__ = ["load_secret"]

log = logging.getLogger("eldermode.speech")


def load_secret(settings) -> bytes:
    """The key that signs sentence keys: from the ``secret`` setting, else kept in the cache directory.

    The file is created once (O_EXCL, mode 0600) so all worker processes of one
    instance agree; if the directory is not writable the secret lives only as
    long as the process (pages served before a restart then get 403 for speech).
    """
    if settings.secret:
        return hashlib.sha256(b"eldermode speech key\0" + settings.secret.encode("utf-8")).digest()
    path = settings.cache_path / "speech-secret"
    for _ in range(50):
        try:
            data = path.read_bytes()
            if len(data) == 32:
                return data
            if data:
                break  # damaged: fall through to a process-local secret rather than guess
        except FileNotFoundError:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                pass  # another worker is writing it: read it on the next turn
            except OSError as exc:
                log.warning("cannot keep the speech secret in %s (%s); using a per-process secret", path, exc)
                break
            else:
                secret = os.urandom(32)
                with os.fdopen(fd, "wb") as f:
                    f.write(secret)
                return secret
        except OSError:
            break
        time.sleep(0.01)
    return os.urandom(32)
