"""Shared state of one middleware instance: fetching pages of the wrapped app, and caches features add.

Endpoints under ``/__eldermode/`` (tables, text view, speech) need the ORIGINAL page behind a
URL. They never fetch by URL over the network: :meth:`Services.fetch_page` calls the wrapped
ASGI app directly with a GET for a local path, so no request can make eldermode reach another host.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from urllib.parse import quote, unquote, urlsplit

import anyio
from starlette.datastructures import Headers

from .asgi_headers import with_lower_names
from .codings import DecodeError, decode_content
from .rewrite_cache import RewriteCache
from .shared_store import shared_store
from .speech_pages import SpeechPages
from .speech_secret import load_secret
from .stylesheets import StylesheetAnalyses

__all__ = ["FetchError", "FetchedPage", "Services", "has_dot_segment"]

# Request headers worth forwarding to the app when fetching a page on a visitor's behalf.
_FORWARDED = frozenset({b"host", b"cookie", b"accept-language", b"user-agent", b"authorization",
                        b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host"})


class FetchError(ValueError):
    """The path cannot be fetched (not a local path, too large, or the app failed)."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class FetchedPage:
    status: int
    headers: Headers
    body: bytes

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


def has_dot_segment(path: str) -> bool:
    """Whether a (percent-decoded) path has a "." or ".." segment; "\\" counts as "/", as in browsers."""
    return any(segment in (".", "..") for segment in path.replace("\\", "/").split("/"))


class Services:
    """One per middleware instance. Features hang their caches here as attributes."""

    def __init__(self, app, settings):
        self.app = app
        self.settings = settings
        # Site stylesheet analyses for elder mode's override sheets (middleware/stylesheets.py).
        self.stylesheets = StylesheetAnalyses(self, prefix=settings.prefix)
        # Rewritten pages, so a page many visitors read is rewritten once (middleware/rewrite_cache.py).
        # Shared with other instances through Redis when redis_url is set (middleware/shared_store.py).
        self.rewritten = RewriteCache(settings.rewrite_cache_bytes, shared=shared_store(settings, "page"))
        # The sentences of rewritten pages, by page token: what 朗读 may speak (middleware/speech_pages.py).
        self.speech_pages = SpeechPages(shared=shared_store(settings, "speech-pages"))

    @classmethod
    def for_command(cls, settings) -> "Services":
        """The proxy's kind of services for a command whose output holds no 朗读 key (text, tables, speak).
        Without a ``secret`` setting it signs with a secret of this process alone, so a command that only
        reads pages does not create the instance's secret file. (``render`` keeps the instance's secret:
        a page it renders on the server can be served beside the proxy with 朗读 working.)"""
        services = cls(None, settings)
        if not settings.secret:
            services.__dict__["speech_secret"] = os.urandom(32)  # fills the cached_property below
        return services

    def page_context(self, profile, url: str):
        """The Context every rewrite runs with — middleware, proxy and ``eldermode render`` alike — so they run
        the same pipeline with the same kind of services (a command-line rewrite builds ``Services(None, settings)``)."""
        from eldermode.transforms import Context

        return Context(profile=profile, url=url, options=self.page_options, services=self)

    @cached_property
    def page_options(self):
        """The settings transforms may read, made once (the overrides file is read once)."""
        return self.settings.page_options()

    @cached_property
    def speech_secret(self) -> bytes:
        """The key that signs 朗读 sentence keys in pages (middleware/speech_secret.py)."""
        return load_secret(self.settings)

    def local_path(self, url: str) -> str:
        """``url`` reduced to a path + query on this site; raises FetchError for anything else."""
        parts = urlsplit(url or "")
        if parts.scheme or parts.netloc or not parts.path.startswith("/") or parts.path.startswith("//"):
            raise FetchError("url must be a path on this site, starting with /")
        decoded = unquote(parts.path)
        # Browsers read "\" as "/", and dot segments let a path walk out of where it points:
        # either would let a link built from this path leave the site.
        if "\\" in decoded or any(ord(ch) < 32 or ord(ch) == 127 for ch in decoded) or has_dot_segment(decoded):
            raise FetchError("url must be a plain path on this site")
        if parts.path.startswith(self.settings.prefix):
            raise FetchError("url must not point at eldermode's own endpoints")
        return parts.path + (f"?{parts.query}" if parts.query else "")

    async def fetch_page(self, url: str, like: dict | None = None) -> FetchedPage:
        """GET ``url`` (a local path) from the wrapped app, as the request ``like`` would."""
        path = self.local_path(url)
        path_part, _, query = path.partition("?")
        like = like or {}
        headers = [(k, v) for k, v in like.get("headers", []) if k in _FORWARDED]
        headers.append((b"accept", b"text/html,application/xhtml+xml"))
        headers.append((b"accept-encoding", b"identity"))  # and whatever still comes compressed is decoded below
        scope = {
            "type": "http",
            "asgi": {"version": "3.0", "spec_version": "2.3"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": like.get("scheme", "http"),
            "path": unquote(path_part),
            "raw_path": quote(unquote(path_part), safe="/%:@!$&'()*+,;=~").encode("ascii"),
            "query_string": query.encode("latin-1", "replace"),
            "root_path": "",
            "headers": headers,
            "client": like.get("client"),
            "server": like.get("server"),
            "state": {},
        }
        limit = self.settings.max_body
        started: dict = {}
        chunks: list[bytes] = []
        size = 0

        request_sent = False
        response_done = anyio.Event()

        async def receive():
            # The request body once; after that, wait for the response to end and report a
            # disconnect. Answering http.request forever made apps that listen for disconnects
            # (Starlette's FileResponse) spin without yielding and froze the event loop.
            nonlocal request_sent
            if not request_sent:
                request_sent = True
                return {"type": "http.request", "body": b"", "more_body": False}
            await response_done.wait()
            return {"type": "http.disconnect"}

        async def send(message):
            nonlocal size
            if message["type"] == "http.response.start":
                started.update(with_lower_names(message))
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
                if size > limit:
                    raise FetchError("page too large", status=413)
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    response_done.set()

        try:
            await self.app(scope, receive, send)
        except FetchError:
            raise
        except Exception as exc:  # noqa: BLE001 - reported as a clean 502 by the endpoint
            raise FetchError(f"the page could not be fetched: {type(exc).__name__}", status=502) from exc
        if not started:
            raise FetchError("the page could not be fetched", status=502)
        raw_headers = started.get("headers", [])
        body = b"".join(chunks)
        coding = Headers(raw=raw_headers).get("content-encoding", "")
        if coding.strip().lower() not in ("", "identity"):
            try:
                body = decode_content(body, coding, limit * 4)
            except DecodeError as exc:
                raise FetchError(f"the page could not be decoded: {exc}", status=502) from exc
            raw_headers = [(k, v) for k, v in raw_headers if k.lower() not in (b"content-encoding", b"content-length")]
        return FetchedPage(started["status"], Headers(raw=raw_headers), body)

    async def fetch_html(self, url: str, like: dict | None = None) -> tuple[str, FetchedPage]:
        """(local path, page) for an HTML page of this site; FetchError (with a status) for anything else."""
        local = self.local_path(url)
        page = await self.fetch_page(local, like=like)
        if page.status != 200:
            raise FetchError(f"the page answered {page.status}", 502 if page.status >= 500 else 404)
        content_type = (page.content_type or "").lower()
        if content_type and "html" not in content_type:
            raise FetchError("that URL is not an HTML page", 415)
        return local, page
