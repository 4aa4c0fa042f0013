"""The site-stylesheet service: analyses a page's stylesheets off the request path and serves the override sheet.

* A rewritten elder page links ``/__eldermode/overrides/<digest>.css`` (see
  :func:`eldermode.transforms.elder.link_site_overrides`); registering the page's stylesheets
  costs a dict lookup and never waits. ``<style>`` blocks are analysed at once in a background
  thread; linked sheets are fetched from the wrapped app (never another host) when the override
  sheet is first requested.
* Each sheet is analysed once per URL + validator (ETag, Last-Modified, or a hash of the body),
  skipped above :attr:`max_bytes` and cut off after :attr:`budget_s` seconds; what could not be
  read is covered by elder.css's global rules.
* The override sheet holds only eldermode's own rules. The site's CSS is never rewritten or
  served back: the browser still gets it byte for byte from the site.
* An override sheet whose analyses are still running is served at once with ``no-store``, so
  the next page picks up the finished one.
* With ``redis_url`` set, a finished override sheet is shared with the other instances
  (middleware/shared_store.py): a page rendered by one instance gets its sheet from another
  without that instance analysing anything.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections import OrderedDict
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import Response

from eldermode.transforms import Profile
from eldermode.transforms.css import Analysis, analyse_stylesheet, override_rules
from eldermode.transforms.document import parse_document
from eldermode.transforms.elder import sheet_digest, source_key, stylesheet_sources
from eldermode.transforms.links import apply_base

from .shared_store import shared_store

__all__ = ["StylesheetAnalyses", "overrides_endpoint"]

log = logging.getLogger("eldermode.stylesheets")


@dataclass
class _Entry:
    validator: str
    analysis: Analysis | None  # None while running
    checked_at: float


class _LRU(OrderedDict):
    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def put(self, key, value) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)


def decode_css(data: bytes, content_type: str | None) -> str:
    """CSS bytes to text: BOM, Content-Type charset, ``@charset``, then UTF-8, then GB18030."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", "replace")
    label = None
    for part in (content_type or "").split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            label = value.strip().strip("\"'")
    if label is None and data.startswith(b'@charset "'):
        label = data[10 : data.find(b'"', 10)].decode("ascii", "replace")
    if label:
        label = label.lower()
        if label in ("gb2312", "gbk", "x-gbk", "gb_2312-80"):
            label = "gb18030"
        try:
            return data.decode(label, "replace")
        except LookupError:
            pass
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("gb18030", "replace")


class StylesheetAnalyses:
    """Per-middleware cache of stylesheet analyses and page stylesheet sets (in memory, bounded)."""

    def __init__(
        self,
        services,
        *,
        prefix: str = "/__eldermode/",
        max_bytes: int = 512 * 1024,
        budget_s: float = 2.0,
        recheck_s: float = 300.0,
        max_entries: int = 1024,
    ):
        self.services = services
        self.prefix = prefix
        self.max_bytes = max_bytes  # larger sheets are skipped (the fallback rules apply)
        self.budget_s = budget_s  # cssutils time per sheet before it is cut off
        self.recheck_s = recheck_s  # how long a sheet's validator is trusted before it is re-fetched
        self._lock = threading.Lock()
        self._sets: _LRU = _LRU(max_entries)  # digest -> [(source key, kind, value-or-None)]
        self._entries: _LRU = _LRU(max_entries)  # source key -> _Entry
        self._rendered: _LRU = _LRU(max_entries)  # digest -> (the analyses it was made from, CSS text)
        self._tasks: set[asyncio.Task] = set()
        self.shared = shared_store(getattr(services, "settings", None), "css")
        # One thread: cssutils is slow and single-threaded anyway, and the machine serves pages.
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eldermode-css")

    # ---------------------------------------------------------------- request path (called by the transform)

    def override_href(self, sources: list[tuple[str, str]], page_url: str = "") -> str:
        """Register a page's stylesheets; the URL of its override sheet. Never waits.

        The URL names the page too, so a worker that did not render it (several proxy
        workers, or a restart) can fetch the page and register the same stylesheets.
        """
        keys = [source_key(kind, value) for kind, value in sources]
        digest = sheet_digest(keys)
        with self._lock:
            if digest not in self._sets:
                self._sets.put(digest, [(key, kind, value if kind == "link" else None)
                                        for key, (kind, value) in zip(keys, sources)])
            start = []
            for key, (kind, value) in zip(keys, sources):
                if kind == "style" and key not in self._entries:
                    self._entries.put(key, _Entry(key, None, time.monotonic()))
                    start.append((key, value))
        for key, text in start:
            self._executor.submit(self._analyse_text, key, key, text)
        href = f"{self.prefix}overrides/{digest}.css"
        return f"{href}?page={quote(page_url, safe='/')}" if page_url else href

    async def register_page(self, page_url: str, like: dict | None = None) -> str | None:
        """Fetch a local page from the wrapped app and register its stylesheets; the digest, or None."""
        try:
            page = await self.services.fetch_page(page_url, like=like)
            if page.status != 200:
                return None
            root = parse_document(page.body, page.content_type).root
            # as the pipeline has the page when its site-overrides step reads the stylesheets: base applied
            apply_base(root, self.services.page_context(Profile(mode="elder"), page_url))
        except Exception as exc:  # noqa: BLE001 - the global rules apply when the page cannot be read
            log.info("page %s for an override sheet not registered: %r", page_url, exc)
            return None
        options = self.services.page_options
        sources = stylesheet_sources(root, page_url, options.rewrite_origins)
        if not sources:
            return None
        href = self.override_href(sources)
        return href.rsplit("/", 1)[1].removesuffix(".css")

    # ---------------------------------------------------------------- background work

    def _analyse_text(self, key: str, validator: str, text: str) -> Analysis:
        if len(text.encode("utf-8", "replace")) > self.max_bytes:
            analysis = Analysis(complete=False, reason="too large")
        else:
            try:
                analysis = analyse_stylesheet(text, budget_s=self.budget_s)
            except Exception as exc:  # noqa: BLE001 - a sheet we cannot read is skipped, never fatal
                log.warning("stylesheet %s could not be analysed: %r", key, exc)
                analysis = Analysis(complete=False, reason="error")
        if not analysis.complete:
            log.info("stylesheet %s: analysis incomplete (%s); fallback rules apply", key, analysis.reason)
        with self._lock:
            self._entries.put(key, _Entry(validator, analysis, time.monotonic()))
        return analysis

    async def _fetch_and_analyse(self, key: str, path: str, like: dict | None) -> None:
        try:
            page = await self.services.fetch_page(path, like=like)
        except Exception as exc:  # noqa: BLE001
            log.info("stylesheet %s not fetched: %r", path, exc)
            self._store(key, "error", Analysis(complete=False, reason="fetch failed"))
            return
        media_type = (page.content_type or "text/css").split(";")[0].strip().lower()
        if page.status != 200 or media_type not in ("text/css", "text/plain", ""):
            self._store(key, f"status {page.status}", Analysis(complete=False, reason="not a stylesheet"))
            return
        validator = page.headers.get("etag") or page.headers.get("last-modified") or (
            "sha1:" + hashlib.sha1(page.body).hexdigest()
        )
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None and entry.analysis is not None and entry.validator == validator:
                entry.checked_at = time.monotonic()  # same sheet: the analysis stands
                return
        if len(page.body) > self.max_bytes:
            self._store(key, validator, Analysis(complete=False, reason="too large"))
            return
        text = decode_css(page.body, page.content_type)
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._executor, self._analyse_text, key, validator, text)

    def _store(self, key: str, validator: str, analysis: Analysis) -> None:
        with self._lock:
            self._entries.put(key, _Entry(validator, analysis, time.monotonic()))

    def _start_fetches(self, members, like: dict | None) -> None:
        now = time.monotonic()
        for key, kind, path in members:
            if kind != "link":
                continue
            with self._lock:
                entry = self._entries.get(key)
                stale = entry is None or (entry.analysis is not None and now - entry.checked_at > self.recheck_s)
                if not stale:
                    continue
                if entry is None:
                    self._entries.put(key, _Entry("", None, now))
                else:
                    entry.checked_at = now  # one re-check at a time
            task = asyncio.get_running_loop().create_task(self._fetch_and_analyse(key, path, like))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    # ---------------------------------------------------------------- the override sheet

    def override_css(self, digest: str, like: dict | None = None) -> tuple[str, bool] | None:
        """(CSS text, complete) for a registered digest, starting any fetches it lacks; None if unknown.

        Must run on the event loop (it may start fetch tasks).
        """
        with self._lock:
            members = self._sets.get(digest)
        if members is None:
            return None
        self._start_fetches(members, like)
        analyses: list[Analysis] = []
        complete = True
        with self._lock:
            for key, _, _ in members:
                entry = self._entries.get(key)
                if entry is None:
                    continue  # a <style> analysis evicted from the cache: the global rules cover it
                if entry.analysis is None:
                    complete = False  # still running
                else:
                    analyses.append(entry.analysis)
            rendered = self._rendered.get(digest)
        # A finished sheet is generated once; later requests cost the lookups above.
        if rendered is not None and len(rendered[0]) == len(analyses) and all(
            a is b for a, b in zip(rendered[0], analyses)
        ):
            return rendered[1], complete
        css = override_rules(analyses)
        if complete:
            with self._lock:
                self._rendered.put(digest, (analyses, css))
            if self.shared is not None:  # network I/O: off the event loop, not waited for
                asyncio.get_running_loop().run_in_executor(
                    None, self.shared.put, digest, css.encode("utf-8"), int(self.recheck_s))
        return css, complete

    async def shared_css(self, digest: str) -> str | None:
        """A finished override sheet another instance made (None without a shared store)."""
        if self.shared is None:
            return None
        data = await asyncio.to_thread(self.shared.get, digest)
        return data.decode("utf-8", "replace") if data is not None else None

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until queued analyses have run (for tests and benchmarks). True when idle."""
        done: Future = self._executor.submit(lambda: None)
        try:
            done.result(timeout)
            return True
        except Exception:  # noqa: BLE001
            return False

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


async def overrides_endpoint(request: Request) -> Response:
    """``GET {prefix}overrides/{digest}.css``: eldermode's override rules for one page's stylesheets."""
    service = getattr(request.scope["eldermode.services"], "stylesheets", None)
    digest = request.path_params["digest"]
    result = service.override_css(digest, like=request.scope) if service is not None else None
    if service is not None and (result is None or not result[1]):
        shared = await service.shared_css(digest)
        if shared is not None:
            result = (shared, True)
    page_url = request.query_params.get("page")
    if result is None and service is not None and page_url:
        # Rendered by another worker: read the page here and register the same stylesheets.
        if await service.register_page(page_url, like=request.scope) == digest:
            result = service.override_css(digest, like=request.scope)
    headers = {"X-Content-Type-Options": "nosniff"}
    if result is None:
        # Unknown here (another worker, or evicted): empty, so the global elder.css rules apply.
        headers["Cache-Control"] = "no-store"
        return Response("/* eldermode: no analysis for this page yet */\n", media_type="text/css", headers=headers)
    css, complete = result
    etag = '"' + hashlib.sha1(css.encode("utf-8")).hexdigest()[:20] + '"'
    headers["ETag"] = etag
    headers["Cache-Control"] = "public, max-age=600" if complete else "no-store"
    if complete and etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(css, media_type="text/css", headers=headers)
