"""The reverse proxy: forwards every request to the ONE configured upstream, streaming both ways.

It is only a proxy; rewriting comes from wrapping it in :class:`ElderModeMiddleware`
(:func:`build_proxy_app`). The upstream URL is built from the settings and the request's
path alone — never from the Host header, an absolute-form target or a redirect — so a
request can never make it fetch another host. Redirects are not followed; their
``Location`` is mapped back to the proxy's origin.
"""

from __future__ import annotations

import asyncio
import html
import logging
import os
import re
from urllib.parse import unquote, urlsplit

import aiohttp
import anyio

try:
    from asyncio import timeout as _deadline  # Python 3.11+: half the cost of anyio's, per page
except ImportError:  # Python 3.10
    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def _deadline(seconds: float):
        with anyio.fail_after(seconds):
            yield
from multidict import CIMultiDict

from .logs import configure_logging
from .memory import freeze_startup_objects, tune_malloc
from .asgi_headers import lower_names
from .rewrite import ElderModeMiddleware, is_page_type, short_error
from .services import has_dot_segment
from .settings import Settings, load_settings

__all__ = ["ReverseProxy", "build_proxy_app", "app_from_environment"]

log = logging.getLogger("eldermode.proxy")

HOP_BY_HOP = frozenset({
    "connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection",
    "te", "trailer", "trailers", "transfer-encoding", "upgrade",
})


# The same names as bytes, as ASGI and aiohttp's raw headers carry them; a request also loses the
# headers the proxy sets itself.
_HOP_BY_HOP_BYTES = frozenset(name.encode("latin-1") for name in HOP_BY_HOP)
_REQUEST_DROP = _HOP_BY_HOP_BYTES | {b"host", b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"forwarded"}


_MAY_HOLD_DOT_SEGMENT = re.compile(rb"/\.|\\|%")


def _connection_names(values: list[bytes]) -> frozenset[bytes]:
    """The header names that ``Connection`` values list: hop-by-hop too (RFC 9110 7.6.1)."""
    return frozenset(token.strip().lower() for value in values for token in value.split(b","))


def _error_page(status: int, title: str, message: str) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    body = (
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title></head><body><main><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(message)}</p></main></body></html>"
    ).encode("utf-8")
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
    ]
    return status, headers, body


BAD_GATEWAY = _error_page(502, "网站暂时无法访问 (502)", "无法连接到网站服务器，请稍后再试。The site could not be reached; please try again later.")
GATEWAY_TIMEOUT = _error_page(504, "网站响应超时 (504)", "网站服务器没有及时响应，请稍后再试。The site did not answer in time; please try again later.")
BAD_REQUEST = _error_page(400, "请求无效 (400)", "这个地址无法处理。This address cannot be handled.")


class ReverseProxy:
    """ASGI app forwarding to ``settings.upstream``. One aiohttp session per event loop."""

    def __init__(self, settings: Settings):
        if not settings.upstream:
            raise ValueError("the proxy needs an upstream")
        self.settings = settings
        parts = urlsplit(settings.upstream)
        self.upstream_origin = f"{parts.scheme}://{parts.netloc}"
        self.upstream_base = parts.path.rstrip("/")
        self.upstream_host = parts.netloc
        self._session: aiohttp.ClientSession | None = None
        self._fresh: aiohttp.ClientSession | None = None

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = self._new_session(aiohttp.TCPConnector(limit=256, ttl_dns_cache=300))
        return self._session

    def _fresh_client(self) -> aiohttp.ClientSession:
        """A session whose every connection is new and closed after use (for one retry)."""
        if self._fresh is None or self._fresh.closed:
            self._fresh = self._new_session(aiohttp.TCPConnector(force_close=True))
        return self._fresh

    def _new_session(self, connector: aiohttp.TCPConnector) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            timeout=aiohttp.ClientTimeout(
                total=None, connect=self.settings.connect_timeout, sock_read=self.settings.read_timeout
            ),
            connector=connector,
            skip_auto_headers=("User-Agent", "Accept-Encoding", "Accept"),
        )

    async def aclose(self) -> None:
        for session in (self._session, self._fresh):
            if session is not None:
                await session.close()

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        if scope["type"] != "http":
            return  # websockets are not proxied
        raw_path = scope.get("raw_path") or scope["path"].encode("utf-8")
        path = raw_path.split(b"?", 1)[0]
        # (a dot segment follows a "/" or a backslash, or is percent-encoded: most paths need no decoding to tell)
        if not raw_path.startswith(b"/") or (
            _MAY_HOLD_DOT_SEGMENT.search(path) and has_dot_segment(unquote(path.decode("latin-1")))
        ):
            # Dot segments are never needed (browsers resolve them) and could step out of an
            # upstream's base path (--upstream https://host/base).
            await self._send_page(send, BAD_REQUEST)
            return
        target = self.upstream_origin + self.upstream_base + raw_path.decode("latin-1")
        if scope.get("query_string"):
            target += "?" + scope["query_string"].decode("latin-1")
        headers = self._request_headers(scope)
        method = scope["method"]
        has_body = False
        for key, value in scope["headers"]:
            if (key == b"content-length" and value != b"0") or key == b"transfer-encoding":
                has_body = True
                break
        data = _request_body(receive) if has_body else None
        url = aiohttp.client.URL(target, encoded=True)
        # A HEAD goes upstream as a GET whose body is never read (the connection is closed after the
        # headers): the headers are the GET's, as HEAD promises, and a site that answers HEAD with a
        # body (it happens) cannot leave stray bytes on a pooled connection.
        method = "GET" if method == "HEAD" else method
        try:
            try:
                response = await self._client().request(
                    method, url, headers=headers, data=data, allow_redirects=False, compress=None, chunked=None,
                )
            except (aiohttp.ClientResponseError, aiohttp.ServerDisconnectedError):
                if data is not None or method not in ("GET", "HEAD"):
                    raise
                # A malformed reply or a dropped connection may come from a pooled connection spoiled by
                # the previous response's stray bytes: a safe request is asked once more, on a new one.
                response = await self._fresh_client().request(
                    method, url, headers=headers, allow_redirects=False, compress=None, chunked=None,
                )
        except (asyncio.TimeoutError, aiohttp.ServerTimeoutError):
            await self._send_page(send, GATEWAY_TIMEOUT)
            return
        except (aiohttp.ClientError, OSError) as exc:
            log.warning("upstream unreachable for %s: %s", scope["path"], short_error(exc))
            await self._send_page(send, BAD_GATEWAY)
            return
        if not 200 <= response.status <= 599:
            # An informational or made-up status (999) as a final answer: no HTTP server can pass it on.
            log.warning("upstream answered status %s for %s; sent 502", response.status, scope["path"])
            response.close()
            await self._send_page(send, BAD_GATEWAY)
            return
        complete = False
        try:
            complete = await self._relay(scope, response, send)
        finally:
            if complete:
                response.release()  # read to its end, by its own framing: the connection may be reused
            else:
                # Framing doubt (a HEAD the upstream may answer with a body, a body not read to its end, an
                # error): close the connection, so no stray byte can be read as the next response.
                response.close()

    def _request_headers(self, scope) -> CIMultiDict:
        # One pass over the visitor's headers, names compared as bytes (this is every request's path).
        visitor_host = ""
        forwarded_for = ""
        connection: list[bytes] = []
        pairs = []
        for key, value in lower_names(scope["headers"]):
            if key in _REQUEST_DROP:
                if key == b"host":
                    visitor_host = value.decode("latin-1")
                elif key == b"x-forwarded-for":
                    forwarded_for = value.decode("latin-1")
                elif key == b"connection":
                    connection.append(value)
                continue
            pairs.append((key, value))
        if connection:
            listed = _connection_names(connection)
            pairs = [(key, value) for key, value in pairs if key not in listed]
        headers = CIMultiDict([(key.decode("latin-1"), value.decode("latin-1")) for key, value in pairs])
        headers["Host"] = visitor_host if (self.settings.preserve_host and visitor_host) else self.upstream_host
        client = scope.get("client")
        if client and forwarded_for.rsplit(",", 1)[-1].strip() != client[0]:
            # (uvicorn's proxy-headers support may already have made the client the last hop)
            forwarded_for = f"{forwarded_for}, {client[0]}" if forwarded_for else client[0]
        if forwarded_for:
            headers["X-Forwarded-For"] = forwarded_for
        headers["X-Forwarded-Proto"] = scope.get("scheme", "http")
        if visitor_host:
            headers["X-Forwarded-Host"] = visitor_host
        return headers

    def _response_headers(self, response: aiohttp.ClientResponse) -> tuple[list[tuple[bytes, bytes]], str]:
        """(the headers to send on, lower-case names; the Content-Type), in one pass over the raw headers."""
        out = []
        connection: list[bytes] = []
        content_type = b""
        for key, value in response.raw_headers:
            name = key.lower()  # (header names are ASCII tokens: aiohttp's parser rejects others)
            if name in _HOP_BY_HOP_BYTES:
                if name == b"connection":
                    connection.append(value)
                continue
            if name == b"content-type":
                if not content_type:
                    content_type = value
            elif name == b"location":
                value = self._map_location(value.decode("latin-1")).encode("latin-1")
            elif name == b"set-cookie":
                value = _strip_cookie_domain(value.decode("latin-1")).encode("latin-1")
            out.append((name, value))
        if connection:
            listed = _connection_names(connection)
            out = [(name, value) for name, value in out if name not in listed]
            if b"content-type" in listed:
                content_type = b""
        return out, content_type.decode("latin-1")

    def _map_location(self, location: str) -> str:
        """A redirect to the upstream becomes a path on the proxy; anything else is left alone.

        The path is written path-absolute (RFC 9110 allows a relative Location), never with an
        origin built from the visitor's Host header, which would make a redirect to any host.
        """
        parts = urlsplit(location)
        if parts.scheme in ("http", "https") and parts.netloc.lower() == self.upstream_host.lower():
            path = parts.path
            if self.upstream_base and path.startswith(self.upstream_base):
                path = path[len(self.upstream_base):] or "/"
            # Leading slashes or backslashes would make "//host" a link to another host.
            path = "/" + path.lstrip("/\\")
            return path + (f"?{parts.query}" if parts.query else "") + (f"#{parts.fragment}" if parts.fragment else "")
        return location

    async def _relay(self, scope, response: aiohttp.ClientResponse, send) -> bool:
        """Send the response on; True when its body was read to the end without an error."""
        headers, content_type = self._response_headers(response)
        head_only = scope["method"] == "HEAD"
        first: list[bytes] = []
        if not head_only and is_page_type(content_type):
            # A page is read (up to max_body) before answering, so an upstream that stalls
            # mid-page becomes a clean 504 instead of half a page; the middleware buffers
            # pages anyway.
            size = 0
            complete = False
            try:
                # One deadline for the whole page: sock_read alone restarts on every byte, so an
                # upstream dripping a byte at a time would hold the visitor for ever.
                async with _deadline(self.settings.read_timeout):
                    async for chunk in response.content.iter_any():
                        first.append(chunk)
                        size += len(chunk)
                        if size > self.settings.max_body:
                            break
                    else:
                        complete = True
            except (asyncio.TimeoutError, TimeoutError, aiohttp.ServerTimeoutError):
                await self._send_page(send, GATEWAY_TIMEOUT)
                return False
            except (aiohttp.ClientError, OSError) as exc:
                log.warning("upstream failed mid-page for %s: %s", scope["path"], short_error(exc))
                await self._send_page(send, BAD_GATEWAY)
                return False
            if complete:
                await send({"type": "http.response.start", "status": response.status, "headers": headers})
                await send({"type": "http.response.body", "body": b"".join(first), "more_body": False})
                return True
        await send({"type": "http.response.start", "status": response.status, "headers": headers})
        if head_only:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
            return False
        if first:
            await send({"type": "http.response.body", "body": b"".join(first), "more_body": True})
        # Streamed: an upstream failure mid-body propagates, so the server aborts the
        # connection and the client sees a truncated response, never a falsely complete one.
        # Each chunk is what has arrived (bounded by aiohttp's read buffer), passed on without
        # being cut to a fixed size first; the last one ends the response itself, one message less.
        content = response.content
        async for chunk in content.iter_any():
            if content.at_eof():  # the body's own framing ended it (an early close is an error, never EOF)
                await send({"type": "http.response.body", "body": chunk, "more_body": False})
                return True
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        return True

    @staticmethod
    async def _send_page(send, page) -> None:
        status, headers, body = page
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})

    async def _lifespan(self, receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await self.aclose()
                await send({"type": "lifespan.shutdown.complete"})
                return


async def _request_body(receive):
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return
        body = message.get("body", b"")
        if body:
            yield body
        if not message.get("more_body", False):
            return


def _strip_cookie_domain(cookie: str) -> str:
    """Drop the ``Domain`` attribute so the browser scopes the cookie to the proxy's own host.

    Attributes are parsed as browsers do (RFC 6265 5.2): the name before the first "=", trimmed of
    spaces, in any case, so ``Domain = other.example`` and ``DOMAIN=x`` go too. The first part is
    the cookie's own name=value and always stays, even for a cookie named "domain".
    """
    first, *attributes = cookie.split(";")
    kept = [a for a in attributes if a.split("=", 1)[0].strip().lower() != "domain"]
    return ";".join([first, *kept])


def build_proxy_app(settings: Settings) -> ElderModeMiddleware:
    return ElderModeMiddleware(ReverseProxy(settings), settings=settings)


def app_from_environment() -> ElderModeMiddleware:
    """uvicorn factory for worker processes: settings come from ``ELDERMODE_*`` variables."""
    tune_malloc()  # before the worker allocates much or starts threads (middleware/memory.py)
    settings = load_settings(env=os.environ)
    configure_logging(settings.log_level, settings.log_format, settings.access_log)  # a worker is a fresh interpreter
    log.debug("worker %d: settings from the environment, upstream %s", os.getpid(), settings.upstream)
    app = build_proxy_app(settings)
    if settings.speech and settings.speech_backend != "none":
        from .speech_service import start_speech_in_background

        start_speech_in_background(app.services)  # engines ready before the first 朗读, never on the event loop
    freeze_startup_objects()
    return app
