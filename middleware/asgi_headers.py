"""ASGI header lists with lower-case names, so every lookup in eldermode can compare lower-case names.

The ASGI spec asks for lower-case names, but Django's handler sends response headers as written
(``Content-Type``) and a test client or another middleware may do the same with requests; a
lookup of ``content-type`` would then miss the header and pages would pass unrewritten.
"""

from __future__ import annotations

from operator import itemgetter

__all__ = ["header_fields", "lower_names", "with_lower_names"]


def lower_names(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """``headers`` itself when every name is already lower-case (the usual case), else a lower-cased copy."""
    if all(map(bytes.islower, map(itemgetter(0), headers))):  # (map: no Python frame per header)
        return headers
    return [(name.lower(), value) for name, value in headers]


def with_lower_names(message: dict) -> dict:
    """A scope or ``http.response.start`` message whose ``headers`` have lower-case names."""
    headers = message.get("headers")
    if headers is None:
        return message
    if not isinstance(headers, list):  # ASGI allows any iterable; the header helpers want a list
        headers = list(headers)
        message = dict(message, headers=headers)
    lowered = lower_names(headers)
    return message if lowered is headers else dict(message, headers=lowered)


def header_fields(headers: list[tuple[bytes, bytes]]) -> dict[str, str]:
    """Lower-case names to values, the first of a repeated name winning (as ``Headers.get`` answers).

    One pass over the list, where each ``Headers`` lookup is a pass of its own: what the
    per-request checks on a response read many names from.
    """
    return {name.decode("latin-1"): value.decode("latin-1") for name, value in reversed(headers)}
