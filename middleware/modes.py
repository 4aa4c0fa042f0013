"""Which profile a request is in: ``?eldermode=…`` parameters, then the cookie, then the default.

The visitor's own parameters are removed from the query before the wrapped app sees it,
and a changed choice comes back as a ``Set-Cookie`` (SameSite=Lax) that keeps it across pages.
Invalid values are ignored, never echoed.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, quote

from eldermode.transforms import Profile
from eldermode.transforms.modebar import PARAM

from .settings import Settings

__all__ = ["ModeChoice", "choose_profile"]


@dataclass(frozen=True)
class ModeChoice:
    profile: Profile
    query_string: bytes  # the query without eldermode's parameters, for the wrapped app
    set_cookie: str | None  # a Set-Cookie header value when the visitor changed a choice
    page_url: str  # path and cleaned query, for links the transforms build
    framed: bool = False  # the browser loads the page into a frame (Sec-Fetch-Dest): no toolbar there


_PARAM_BYTES = PARAM.encode("ascii")


def _cookie_value(headers: list[tuple[bytes, bytes]], name: str) -> str | None:
    """The last value of cookie ``name``: a linear split, as browsers send it.

    Not http.cookies.SimpleCookie: it is quadratic on backslashes in older Pythons (CVE-2024-7592)
    and gives up on the whole header at the first value it dislikes (raw UTF-8, JSON, spaces),
    which site cookies sent before ours often are.
    """
    wanted = name.encode("latin-1")
    found = None
    for key, value in headers:
        if key != b"cookie" or value.find(wanted) < 0:  # (most visitors carry only the site's cookies)
            continue
        for part in value.split(b";"):
            cookie_name, sep, cookie_value = part.strip().partition(b"=")
            if sep and cookie_name.strip() == wanted:
                found = cookie_value.strip().strip(b'"').decode("latin-1")
    return found


def choose_profile(scope: dict, settings: Settings) -> ModeChoice:
    raw_query = scope.get("query_string", b"")
    changes: dict[str, str] = {}
    kept: list[bytes] = []
    # (find, not "in": bytes' "in" tries its operand as an integer first, raising and catching a TypeError)
    if raw_query.find(_PARAM_BYTES) < 0 and raw_query.find(b"%") < 0:
        # No parameter of ours, even percent-encoded: the query goes on as it is, unparsed.
        kept = [raw_query] if raw_query else []
        raw_query = b""
    # Work on the raw bytes so every other parameter reaches the app exactly as sent.
    for piece in raw_query.split(b"&") if raw_query else []:
        pairs = parse_qsl(piece.decode("latin-1"), keep_blank_values=True)
        key, value = pairs[0] if pairs else ("", "")
        if key == PARAM:
            changes["mode"] = value
        elif key.startswith(PARAM + "-"):
            changes[key[len(PARAM) + 1 :]] = value
        else:
            kept.append(piece)

    headers = scope.get("headers", [])
    cookie = _cookie_value(headers, settings.cookie_name)
    if not cookie:
        profile = _default(settings.default_mode)
    else:
        profile = _from_cookie(cookie) if len(cookie) <= 128 else Profile.from_cookie(cookie)
    chosen = profile.updated(changes) if changes else profile
    if changes.get("mode") == "access" and "contrast" not in changes and chosen.contrast != "default":
        # 高对比/黄黑 are elder mode's colour schemes; an access-mode page keeps the site's colours.
        chosen = chosen.updated({"contrast": "default"})

    set_cookie = None
    if changes and (chosen != profile or cookie is None):
        attrs = [
            f"{settings.cookie_name}={chosen.to_cookie()}",
            "Path=/",
            f"Max-Age={settings.cookie_max_age}",
            "SameSite=Lax",
        ]
        if scope.get("scheme") == "https":
            attrs.append("Secure")
        set_cookie = "; ".join(attrs)

    query_string = b"&".join(kept)
    page_url = _page_path(scope) + ("?" + query_string.decode("latin-1") if query_string else "")
    dest = b""
    for key, value in headers:
        if key == b"sec-fetch-dest":
            dest = value
            break
    return ModeChoice(profile=chosen, query_string=query_string, set_cookie=set_cookie, page_url=page_url,
                      framed=dest in (b"iframe", b"frame"))


# Profiles are frozen values and a site's visitors send few distinct cookies: parsed once each
# (ours are short; a long one is parsed every time rather than kept).
_from_cookie = lru_cache(maxsize=256)(Profile.from_cookie)
_default = lru_cache(maxsize=4)(lambda mode: Profile(mode=mode))


def _page_path(scope: dict) -> str:
    """The requested path as sent (percent-encoded), safe to put in a link on this site.

    From ``raw_path``, so a decoded ``%5C`` (backslash) or ``%3F`` cannot change what the link
    means; leading slashes and backslashes collapse to one "/", so the path can never become a
    link to another host (``//evil.example``, ``/\\evil.example``).
    """
    raw = scope.get("raw_path")
    path = raw.decode("latin-1") if raw else quote(scope.get("path", "/"), safe="/%:@!$&'()*+,;=~")
    path = path.split("?", 1)[0]
    return "/" + path.lstrip("/\\")
