"""eldermode.transforms: pure edits of an lxml page tree, no HTTP.

A transform is any callable ``transform(root, ctx) -> None`` that edits the
parsed page in place. Every transform is idempotent (a second run changes
nothing) and never overrides ARIA, alt text or table markup the author wrote.
Which transforms run, and in which order, is data: see :mod:`.pipeline`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Protocol

import lxml.html

from .profile import CHOICES, MODES, Profile

__all__ = [
    "CHOICES",
    "MODES",
    "Context",
    "PageOptions",
    "Profile",
    "Report",
    "Transform",
    "TransformError",
]


class Transform(Protocol):
    def __call__(self, root: lxml.html.HtmlElement, ctx: "Context") -> None: ...


class TransformError(RuntimeError):
    """A transform (or the page's serialisation, name ``"serialise"``) raised; carries its name for the log."""

    def __init__(self, name: str, cause: BaseException):
        super().__init__(f"transform {name!r} failed: {cause!r}")
        self.name = name


@dataclass(frozen=True)
class PageOptions:
    """The deployment settings a transform may read (built from the middleware's Settings)."""

    prefix: str = "/__eldermode/"  # where eldermode's own endpoints and assets live
    entry_link: bool = True  # the small entry link spliced into pages in mode "off"
    rewrite_origins: tuple[str, ...] = ()  # absolute origins to rewrite to relative links (proxy upstreams)
    landmark_overrides: tuple[tuple[str, str, str], ...] = ()  # (css selector, role, name)
    speech: bool = True  # offer 朗读 controls (the speech endpoints are mounted)
    asset_version: str = "1"  # cache-busting token for /__eldermode/ assets
    cookie_name: str = "eldermode"  # the cookie that keeps a visitor's choices (toolbar.js writes it too)


@dataclass
class Report:
    """What the transforms repaired on one page, in order, for the audit command."""

    entries: list[tuple[str, str, str]] = field(default_factory=list)

    def note(self, transform: str, action: str, detail: str = "") -> None:
        self.entries.append((transform, action, detail))

    def count(self, transform: str | None = None, action: str | None = None) -> int:
        return sum(
            1
            for t, a, _ in self.entries
            if (transform is None or t == transform) and (action is None or a == action)
        )


@dataclass
class Context:
    """Per-page state handed to every transform. Created per request, never shared."""

    profile: Profile
    url: str = "/"  # the page's path and query as requested, without eldermode's own parameters
    options: PageOptions = field(default_factory=PageOptions)
    report: Report = field(default_factory=Report)
    lang: str = ""  # the page language once known (set by the ``lang`` transform)
    services: Any = None  # shared caches the middleware provides (stylesheet analyses, speech keys)
    data: dict[str, Any] = field(default_factory=dict)  # results one transform leaves for a later one
    skipped: list[str] = field(default_factory=list)  # steps that raised and were left out of this page


Step = tuple[str, Callable[[lxml.html.HtmlElement, Context], None]]
