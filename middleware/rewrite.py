"""The pure-ASGI middleware: choose the visitor's mode, rewrite HTML responses, pass everything else through.

Per response it decides once, on ``http.response.start``, whether the body is a page to
rewrite (:func:`skip_reason`). Pages are buffered (up to ``max_body``), rewritten on the
rewrite thread behind a bounded queue (middleware/rewrite_runner.py), compressed for visitors
who accept br or gzip, and sent with corrected headers; in mode off a page streams with the
entry link spliced in once its ``<body>`` tag has passed; everything else streams through
untouched. Any failure while rewriting, a full queue or a rewrite past its deadline sends the
original response at once, with an ``Eldermode-Fallback`` header saying why and a counted
metric: a transform bug or a busy server never costs a visitor the page.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from typing import Awaitable, Callable, Mapping

from starlette.datastructures import Headers, MutableHeaders

from eldermode.transforms import TransformError
from eldermode.transforms.document import NotHTML
from eldermode.transforms.entry import MORE, splice_entry_link
from eldermode.transforms.pipeline import rewrite_page

from . import metrics
from .asgi_headers import header_fields, with_lower_names
from .codings import DECODABLE, DecodeError, accepted_coding, decode_content, encode_content
from .endpoints import build_endpoints
from .extras import require_extras
from .modes import ModeChoice, choose_profile
from .rewrite_runner import Busy, RewriteRunner, RewriteTimeout
from .services import Services
from .settings import Settings
from .splice_points import SplicePoints
from .version import code_version

__all__ = ["ElderModeMiddleware", "is_page", "is_page_type", "skip_reason"]

log = logging.getLogger("eldermode")

Message = dict
Send = Callable[[Message], Awaitable[None]]

PAGE_TYPES = ("text/html", "application/xhtml+xml")
SKIP_STATUSES = frozenset({204, 206, 304})
# A compressed page may expand; past this factor of max_body it is not rewritten (zip bombs).
EXPANSION_LIMIT = 4
# In mode off a page is held only until its <body> tag has passed; past this many bytes without
# one it streams on as it is.
SPLICE_LOOKAHEAD = 256 * 1024
# Headers that describe the original bytes, not a page changed in any way.
BODY_HEADERS = ("content-encoding", "content-md5", "digest", "repr-digest", "content-digest", "accept-ranges")
# What a spliced page's headers get anew (lower-case, as every header list here is).
_SPLICE_REPLACES = frozenset(name.encode("latin-1") for name in (*BODY_HEADERS, "content-length", "vary", "etag"))
VERSION = code_version()  # in every ETag: a validator from an older eldermode never matches


def skip_reason(method: str, status: int, headers: Mapping[str, str], max_body: int) -> str | None:
    """Why a response must pass through untouched, or None when it is a page to rewrite.

    ``headers``: lower-case names (a ``Headers``, or :func:`header_fields` of the raw list).
    """
    if method not in ("GET", "HEAD"):
        return "method"
    if status in SKIP_STATUSES or status < 200 or 300 <= status < 400:
        return "status"
    if not is_page(headers):
        return "content-type"
    if "no-transform" in headers.get("cache-control", "").lower():
        return "no-transform"
    if headers.get("content-encoding", "").strip().lower() not in DECODABLE:
        return "content-encoding"
    if "content-range" in headers:
        return "range"
    length = headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > max_body):
        return "size"
    return None


def is_page(headers: Mapping[str, str]) -> bool:
    return is_page_type(headers.get("content-type", ""))


def is_page_type(content_type: str) -> bool:
    return content_type.split(";")[0].strip().lower() in PAGE_TYPES


_ETAG = re.compile(r'^(?:W/)?"(.*)"$')


def _etag_values(header: str) -> list[str]:
    """The opaque values of the well-formed entity tags in an If-None-Match header."""
    values = []
    for tag in header.split(","):
        match = _ETAG.match(tag.strip())
        if match:
            values.append(match.group(1))
    return values


def mode_etag(etag: str | None, key: str) -> str | None:
    """A weak validator for the rewritten bytes, distinct per profile."""
    if not etag:
        return None
    match = _ETAG.match(etag.strip())
    if not match:
        return None
    return f'W/"{match.group(1)}-em{VERSION}-{key}"'


_OUR_TAG = re.compile(r"^(.*)-em[0-9a-f]+-([0-9.]+|o)$")


def original_etags(if_none_match: str, key: str, active: bool) -> tuple[str | None, bool]:
    """(If-None-Match for the app, whether the client holds a copy made for another profile).

    Our own weak tags for ``key`` become the app's tags again, so a 304 from the app means our
    rewrite of it is unchanged too. Our tags for another profile are dropped. The app's own tags
    (what non-page resources carry) pass in mode off; while a mode is active they are dropped
    too, since a copy validated by them is not this mode's copy.
    """
    tags = []
    other_profile = False
    for tag in if_none_match.split(","):
        tag = tag.strip()
        match = _ETAG.match(tag)
        ours = _OUR_TAG.match(match.group(1)) if match else None
        if ours is None:
            if tag and not active:
                tags.append(tag)
        elif ours.group(2) == key and f"-em{VERSION}-" in match.group(1):
            if not ours.group(1).startswith("h:"):  # a tag we made from the body's hash: the app has none
                tags.append(f'W/"{ours.group(1)}"')
        else:
            other_profile = True
    return (", ".join(tags) or None), other_profile


def vary_with(vary: str, name: str) -> str:
    """A Vary value that names ``name`` too."""
    tokens = [t.strip().lower() for t in vary.split(",") if t.strip()]
    if "*" in tokens or name.lower() in tokens:
        return vary
    return f"{vary}, {name}" if vary else name


def add_vary(headers: MutableHeaders, name: str) -> None:
    vary = headers.get("vary", "")
    new = vary_with(vary, name)
    if new != vary:
        headers["vary"] = new


def add_vary_cookie(headers: MutableHeaders) -> None:
    add_vary(headers, "Cookie")


def make_private(headers: MutableHeaders) -> None:
    """A page rewritten for one visitor's choices must never be served to another by a shared cache."""
    cache_control = headers.get("cache-control")
    if cache_control is None:
        # Without it a shared cache may store the page heuristically (RFC 9111 4.2.2).
        headers["cache-control"] = "private"
        return
    directives = [d.strip() for d in cache_control.split(",") if d.strip()]
    kept = [d for d in directives if d.lower() not in ("public",) and not d.lower().startswith("s-maxage")]
    if not any(d.lower() in ("private", "no-store") for d in kept):
        kept.insert(0, "private")
    headers["cache-control"] = ", ".join(kept)


def _scope_without_conditionals(scope: dict, key: str, active: bool) -> tuple[dict, str | None]:
    """The scope for the app, with the client's validators mapped to the app's own.

    If-Modified-Since goes only where it cannot validate another mode's copy: never while a mode
    is active, and not when the client's If-None-Match names a copy of another profile.
    """
    raw = scope.get("headers", [])
    client_inm = None
    since = False
    for name, value in raw:
        if name == b"if-none-match":
            if client_inm is None:
                client_inm = value.decode("latin-1")
        elif name == b"if-modified-since":
            since = True
    if client_inm is None and not since:
        return scope, None  # (most requests: nothing to map, the headers go on as they are)
    forward, other_profile = original_etags(client_inm, key, active) if client_inm else (None, False)
    drop_since = active or other_profile
    headers = []
    for name, value in raw:
        if name == b"if-none-match":
            if forward:
                headers.append((name, forward.encode("latin-1")))
        elif name == b"if-modified-since" and drop_since:
            continue
        else:
            headers.append((name, value))
    return dict(scope, headers=headers), client_inm


class ElderModeMiddleware:
    """Wrap any ASGI app (Starlette, FastAPI, Django, the reverse proxy) with eldermode."""

    __slots__ = ("app", "settings", "services", "options", "endpoints", "runner", "splice_points")

    def __init__(self, app, settings: Settings | None = None, *, services: Services | None = None):
        self.app = app
        self.settings = settings or Settings()
        require_extras(self.settings)  # a setting that needs a missing extra fails here, at start
        self.options = self.settings.page_options()
        self.services = services or Services(app, self.settings)
        self.endpoints = build_endpoints(self.settings, self.services)
        self.runner = RewriteRunner(self.settings.rewrite_threads, self.settings.rewrite_queue)
        self.splice_points = SplicePoints()  # mode off: where the entry link goes in pages seen before

    async def __call__(self, scope: dict, receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope = with_lower_names(scope)  # every header lookup below is by lower-case name
        path = scope.get("path", "")
        prefix = self.settings.prefix
        if path.startswith(prefix) or path == prefix[:-1]:
            await self.endpoints(scope, receive, send)
            return
        choice = choose_profile(scope, self.settings)
        key = choice.profile.cache_key() if choice.profile.active else "o"
        if choice.framed and choice.profile.active:
            key += "f"  # a framed copy has no toolbar: its own ETag and cache entry
        if choice.query_string != scope.get("query_string", b""):
            scope = dict(scope, query_string=choice.query_string)
        app_scope, client_inm = _scope_without_conditionals(scope, key, choice.profile.active)
        if scope["method"] == "HEAD" and (choice.profile.active or self.settings.entry_link):
            # HEAD of what may be a page: ONE request, a GET, so the headers are exactly those of the
            # (rewritten) GET; the body is read only for a page and never sent. A HEAD first and a
            # GET after cost two upstream requests, and twice the wait when the upstream stalls.
            get = _Exchange(self, choice, key, client_inm, send, method="GET", headers_only=True, scope=scope)
            try:
                await self.app(dict(app_scope, method="GET"), _empty_body_then(receive), get.send)
            except _BodyNotWanted:
                pass  # the headers are answered; the app was stopped before it sent a body nobody reads
            return
        exchange = _Exchange(self, choice, key, client_inm, send, method=scope["method"], scope=scope)
        await self.app(app_scope, receive, exchange.send)


class _BodyNotWanted(Exception):
    """Raised from ``send`` to stop the app streaming a body that a HEAD answer will not carry."""


def _empty_body_then(receive):
    sent = False

    async def receive_once():
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": b"", "more_body": False}
        return await receive()

    return receive_once


class _Exchange:
    """One response passing through the middleware; all per-request state lives here."""

    __slots__ = (
        "mw", "choice", "key", "client_inm", "downstream", "method", "headers_only", "mode", "start", "fields",
        "chunks", "size", "scope", "cache_result",
    )

    def __init__(self, mw: ElderModeMiddleware, choice: ModeChoice, key: str, client_inm: str | None,
                 send: Send, *, method: str, headers_only: bool = False, scope: dict | None = None):
        self.mw = mw
        self.choice = choice
        self.key = key
        self.client_inm = client_inm
        self.downstream = send
        self.method = method
        self.headers_only = headers_only
        # then "pass", "buffer" (a page to rewrite), "splice" (mode off, until the <body> tag),
        # "swallow" (a HEAD's body: stop the app) or "drain" (a body after our 304: dropped)
        self.mode = "undecided"
        self.start: Message | None = None
        self.fields: dict[str, str] = {}  # the start message's headers by lower-case name
        self.chunks: list[bytes] = []
        self.size = 0
        self.scope = scope or {}  # the visitor's request (its Accept-Encoding, read only for a page to encode)
        self.cache_result = ""  # for a rewritten page: "hit", "shared" (another instance's) or "miss"

    @property
    def coding(self) -> str:
        """What the visitor accepts for a rewritten page: "br", "gzip" or "" (parsed only when a page needs it)."""
        return accepted_coding(next((v.decode("latin-1") for k, v in self.scope.get("headers", ())
                                     if k == b"accept-encoding"), ""))

    @property
    def rewriting(self) -> bool:
        return self.choice.profile.active or self.mw.settings.entry_link

    async def send(self, message: Message) -> None:
        kind = message["type"]
        if kind == "http.response.start":
            await self._on_start(message)
        elif kind == "http.response.body":
            await self._on_body(message)
        elif self.mode != "swallow":
            await self.downstream(message)

    async def _on_start(self, message: Message) -> None:
        message = with_lower_names(message)  # Django sends Content-Type as written
        if message["status"] != 304 and not self.choice.set_cookie:
            content_type = ""
            for name, value in message["headers"]:
                if name == b"content-type":
                    content_type = value.decode("latin-1")
                    break
            if not is_page_type(content_type):  # (most responses: images, scripts, styles…)
                self.mode = "pass"
                await self.downstream(message)  # not a page: the app's headers as they are
                return
        headers = header_fields(message["headers"])
        reason = skip_reason(self.method, message["status"], headers, self.mw.settings.max_body)
        if reason is None and self.rewriting:
            self.start = message
            self.fields = headers
            # Mode off: the page streams with the entry link spliced in, unless the site sent it
            # compressed (then it is decoded, spliced and encoded again, buffered and cached).
            plain = headers.get("content-encoding", "").strip().lower() in ("", "identity")
            self.mode = "splice" if plain and not self.choice.profile.active else "buffer"
            return
        self.mode = "pass"
        out = MutableHeaders(scope=message)
        if is_page(headers) or message["status"] == 304:
            add_vary_cookie(out)
            # The app's validator for the original page stands for eldermode's version of it:
            # a page rewritten for this profile, or the original in mode off (so no copy of one
            # mode can ever validate another's).
            if (message["status"] == 304 and self._client_holds_our_copy()) or (
                message["status"] != 304 and reason is None
            ):
                tag = mode_etag(out.get("etag"), self.key)
                if tag:
                    out["etag"] = tag
            if self.choice.profile.active and message["status"] == 304:
                make_private(out)
        self._add_cookie(out)
        await self.downstream(message)

    async def _on_body(self, message: Message) -> None:
        if self.mode == "splice":
            await self._splice(message)
            return
        if self.mode == "drain":
            return
        if self.mode == "pass" and self.headers_only:
            # a HEAD answered from a GET that is not rewritten: end it now, never forward its body
            self.mode = "swallow"
            await self.downstream({"type": "http.response.body", "body": b"", "more_body": False})
        elif self.mode == "pass":
            await self.downstream(message)
            return
        if self.mode == "swallow":
            if message.get("more_body", False):
                raise _BodyNotWanted()
            return
        body = message.get("body", b"")
        more = message.get("more_body", False)
        self.chunks.append(body)
        self.size += len(body)
        if self.size > self.mw.settings.max_body:
            # Too large to rewrite: from here on it streams through untouched.
            self.mode = "swallow" if self.headers_only else "pass"
            await self._send_original(b"".join(self.chunks), more_body=more)
            self.chunks = []
            return
        if not more:
            await self._finish(b"".join(self.chunks))

    async def _splice(self, message: Message) -> None:
        """Mode off: hold the page's first bytes until the ``<body>`` tag has passed, then send them with
        the entry link after it; the rest streams through as it comes."""
        body = message.get("body", b"")
        more = message.get("more_body", False)
        data = b"".join((*self.chunks, body)) if self.chunks else body
        url = self.choice.page_url
        at, insert = self.mw.splice_points.find(url.partition("?")[0], data, complete=not more, url=url)
        if at == MORE and len(data) <= SPLICE_LOOKAHEAD:
            self.chunks = [data]
            return
        self.chunks = []
        after_start = "swallow" if self.headers_only else "pass"
        if insert is None:  # no <body> tag, the link there already, or a <base> at another host: the page as it is
            self.mode = after_start
            await self._send_original(data, more_body=more)
            return
        # The headers built as a list in one pass (this is every page's path in mode off).
        fields = self.fields
        raw = [(k, v) for k, v in self.start["headers"] if k not in _SPLICE_REPLACES]
        if not more:
            raw.append((b"content-length", str(len(data) + len(insert)).encode("latin-1")))
        elif "content-length" in fields:  # checked to be digits by skip_reason
            raw.append((b"content-length", str(int(fields["content-length"]) + len(insert)).encode("latin-1")))
        raw.append((b"vary", vary_with(fields.get("vary", ""), "Cookie").encode("latin-1")))
        # The app's validator made ours; a page without one gets one from its bytes when they are all here.
        tag = mode_etag(fields.get("etag"), self.key) or (None if more else self._hash_etag(data))
        if tag:
            raw.append((b"etag", tag.encode("latin-1")))
        if self.choice.set_cookie:
            raw.append((b"set-cookie", self.choice.set_cookie.encode("latin-1")))
        if tag and self.client_inm and _weak_match(self.client_inm, tag):
            self.mode = "swallow" if self.headers_only else "drain"
            await self._send_not_modified(raw)
            return
        self.mode = after_start
        await self.downstream(dict(self.start, headers=raw))
        if self.headers_only:
            await self.downstream({"type": "http.response.body", "body": b"", "more_body": False})
            return
        view = memoryview(data)  # (the page copied once, not three times)
        await self.downstream({"type": "http.response.body", "body": b"".join((view[:at], insert, view[at:])),
                               "more_body": more})

    async def _send_original(self, body: bytes, *, more_body: bool = False, fallback: str = "") -> None:
        start = self.start
        out = MutableHeaders(scope=start)
        add_vary_cookie(out)
        self._add_cookie(out)
        if fallback:
            # Said out loud, so a visitor's helper or an operator can see why this is the original.
            out["eldermode-fallback"] = fallback
        await self.downstream(start)
        if self.headers_only:
            await self.downstream({"type": "http.response.body", "body": b"", "more_body": False})
            return
        await self.downstream({"type": "http.response.body", "body": body, "more_body": more_body})

    def _add_cookie(self, headers: MutableHeaders) -> None:
        if self.choice.set_cookie:
            headers.append("set-cookie", self.choice.set_cookie)

    async def _finish(self, body: bytes) -> None:
        start = self.start
        headers = Headers(raw=start["headers"])
        fallback = "error"
        coding = ""
        no_place = False  # mode off, no <body> tag (a frameset): the page as it is, which is no fallback
        try:
            if self.choice.profile.active:
                coding = self.coding
                new_body = await self._rewritten(body, headers, coding)
            else:
                # Mode off: compressed only when the site sent it compressed, so pages the site
                # sends plain pass at pass-through cost.
                if headers.get("content-encoding", "").strip().lower() not in ("", "identity"):
                    coding = self.coding
                new_body = self._splice_entry(body, headers)
                no_place = new_body is None
                if new_body is not None and coding:
                    new_body = await self._encoded_entry_page(body, headers, new_body, coding)
        except Busy:
            fallback, new_body = "busy", None
        except RewriteTimeout:
            log.error("eldermode: rewriting %s took over %.1f s; sent the original page", self.choice.page_url,
                      self.mw.settings.rewrite_timeout)
            fallback, new_body = "timeout", None
        except Exception as exc:  # noqa: BLE001 - fail open, whatever went wrong
            fallback = fallback_reason(exc)
            log.warning("eldermode: sent the original page for %s (%s): %s", self.choice.page_url, fallback,
                        short_error(exc), exc_info=log.isEnabledFor(logging.DEBUG))
            new_body = None
        if new_body is None:
            if not no_place:
                metrics.count("page_fallbacks", reason=fallback)  # busy: shed, the queue was full
            await self._send_original(body, fallback=fallback if self.choice.profile.active else "")
            return
        out = MutableHeaders(scope=start)
        for name in BODY_HEADERS:
            if name in out:
                del out[name]
        out["content-length"] = str(len(new_body))
        if coding:
            out["content-encoding"] = coding
        if self.choice.profile.active:
            out["content-type"] = "text/html; charset=utf-8"
            out["eldermode-cache"] = self.cache_result  # whether this page cost a rewrite here
            make_private(out)
        if self.choice.profile.active or coding:
            add_vary(out, "Accept-Encoding")  # the same URL answers br, gzip or identity
        if self.choice.profile.active:
            add_vary(out, "Sec-Fetch-Dest")  # framed copies come without the toolbar
        add_vary_cookie(out)
        tag = mode_etag(headers.get("etag"), self.key) or self._hash_etag(body)
        out["etag"] = tag
        self._add_cookie(out)
        if self.client_inm and _weak_match(self.client_inm, tag):
            await self._send_not_modified(out.raw)
            return
        await self.downstream(start)
        await self.downstream(
            {"type": "http.response.body", "body": b"" if self.headers_only else new_body, "more_body": False}
        )

    def _client_holds_our_copy(self) -> bool:
        """The client's If-None-Match names a page eldermode made (so a 304 is about that page)."""
        return bool(self.client_inm) and any(_OUR_TAG.match(v) for v in _etag_values(self.client_inm))

    def _hash_etag(self, body: bytes) -> str:
        """A validator for a page the app sent without one: a hash of the original bytes and URL."""
        digest = hashlib.sha256(body)  # (SHA instructions: twice BLAKE2b's speed, see middleware/rewrite_cache.py)
        digest.update(self.choice.page_url.encode("latin-1", "replace"))
        return f'W/"h:{digest.digest()[:12].hex()}-em{VERSION}-{self.key}"'

    async def _send_not_modified(self, headers: list[tuple[bytes, bytes]]) -> None:
        keep = ("etag", "vary", "cache-control", "expires", "date", "last-modified", "set-cookie", "content-location")
        raw = [(k, v) for k, v in headers if k.decode("latin-1").lower() in keep]
        await self.downstream({"type": "http.response.start", "status": 304, "headers": raw})
        await self.downstream({"type": "http.response.body", "body": b"", "more_body": False})

    def _decoded(self, body: bytes, headers: Headers) -> bytes:
        limit = self.mw.settings.max_body * EXPANSION_LIMIT
        return decode_content(body, headers.get("content-encoding", ""), limit)

    async def _rewritten(self, body: bytes, headers: Headers, coding: str) -> bytes:
        """The page rewritten (and encoded with ``coding``): from the cache, else on the rewrite thread.

        Raises Busy when the queue is full and RewriteTimeout past ``rewrite_timeout``.
        """
        cache = self.mw.services.rewritten
        cache_key = self._cache_key(body, headers)
        found = cache.get(_coded_key(cache_key, coding))
        if found is not None:
            self.cache_result = "hit"
            metrics.count("rewrite_cache", result="hit")
            return found
        if cache.shared is not None:
            found = await cache.get_shared(_coded_key(cache_key, coding))
            if found is not None:
                self.cache_result = "shared"
                metrics.count("rewrite_cache", result="shared")
                return found
        self.cache_result = "miss"
        metrics.count("rewrite_cache", result="miss")
        return await self.mw.runner.run(self._rewrite, body, headers, cache_key, coding,
                                        timeout=self.mw.settings.rewrite_timeout)

    async def _encoded_entry_page(self, body: bytes, headers: Headers, spliced: bytes, coding: str) -> bytes:
        cache = self.mw.services.rewritten
        key = _coded_key(self._cache_key(body, headers), coding)
        found = cache.get(key)
        if found is None:
            found = await self.mw.runner.run(encode_content, spliced, coding, timeout=self.mw.settings.rewrite_timeout)
            cache.put(key, found)
        return found

    def _cache_key(self, body: bytes, headers: Headers) -> bytes:
        return self.mw.services.rewritten.key(body, headers.get("content-type", ""),
                                              headers.get("content-encoding", ""), self.key, self.choice.page_url)

    def _rewrite(self, body: bytes, headers: Headers, cache_key: bytes, coding: str) -> bytes:
        """(On the rewrite thread.) The rewritten page encoded with ``coding``; both forms cached."""
        cache = self.mw.services.rewritten
        out = cache.get(cache_key)  # another coding of this page was asked for first
        cacheable = True
        if out is None:
            ctx = self.mw.services.page_context(self.choice.profile, self.choice.page_url)
            if self.choice.framed:
                ctx.data["framed"] = True
            started = time.perf_counter()
            out = rewrite_page(self._decoded(body, headers), headers.get("content-type"), ctx)
            metrics.observe("rewrite_seconds", time.perf_counter() - started, mode=self.choice.profile.mode)
            metrics.count("rewrites", mode=self.choice.profile.mode)
            cacheable = not ctx.data.get("uncacheable")
            if cacheable:
                cache.put(cache_key, out)
        if coding:
            out = encode_content(out, coding)
            if cacheable:
                cache.put(_coded_key(cache_key, coding), out)
        return out

    def _splice_entry(self, body: bytes, headers: Headers) -> bytes | None:
        return splice_entry_link(self._decoded(body, headers), self.choice.page_url)


def _coded_key(cache_key: bytes, coding: str) -> bytes:
    return cache_key + coding.encode("ascii") if coding else cache_key


def fallback_reason(exc: BaseException) -> str:
    """The ``reason`` label of a whole-page fallback: what the page could not do without."""
    if isinstance(exc, DecodeError):
        return "decode"  # Content-Encoding (gzip/br) corrupt or over the limit
    if isinstance(exc, NotHTML):
        return "not-html"  # empty, binary, or not parseable whole
    if isinstance(exc, TransformError):
        return exc.name  # "serialise" (steps never raise out of the pipeline)
    return "error"


def short_error(exc: BaseException, limit: int = 300) -> str:
    """An exception's text for one log line, cut at ``limit`` (aiohttp's can carry a whole page of bytes)."""
    text = f"{type(exc).__name__}: {exc}"
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"


def _weak_match(if_none_match: str, tag: str) -> bool:
    if if_none_match.strip() == "*":
        return True
    wanted = _ETAG.match(tag)
    return bool(wanted) and wanted.group(1) in _etag_values(if_none_match)
