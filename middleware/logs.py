"""Logging, configured once per process: eldermode's loggers and uvicorn's, as text lines or JSON lines.

The command line calls :func:`configure_logging` before it starts anything, and each proxy worker
process calls it again with the same settings (a worker is a fresh interpreter). uvicorn is told
``log_config=None`` so it never installs handlers of its own over these.
"""

from __future__ import annotations

import json
import logging
import sys
import time

__all__ = ["LOG_FORMATS", "JsonFormatter", "configure_logging"]

LOG_FORMATS = ("text", "json")
_TEXT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_eldermode_handler"  # set on the handler we installed, so a second call replaces it


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message (and the traceback when there is one)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(record.created)) + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(level: str = "info", fmt: str = "text", access_log: bool = False, stream=None) -> None:
    """Root handler on stderr at ``level``; eldermode's and uvicorn's loggers propagate to it
    (uvicorn's access log only when ``access_log``)."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    setattr(handler, _MARK, True)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(_TEXT))
    root.addHandler(handler)
    root.setLevel(level.upper())
    for name in ("eldermode", "uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.NOTSET)  # the root's level decides
        logger.handlers.clear()
        logger.propagate = True
    if not access_log:
        logging.getLogger("uvicorn.access").propagate = False
