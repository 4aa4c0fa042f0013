"""Content-Encoding: gzip, deflate and br bodies decoded with an output limit (bombs stop there)."""

from __future__ import annotations

import zlib

__all__ = ["DECODABLE", "DecodeError", "decode_content"]

DECODABLE = frozenset({"", "identity", "gzip", "x-gzip", "deflate", "br"})


class DecodeError(ValueError):
    pass


def decode_content(body: bytes, coding: str, limit: int) -> bytes:
    """The body without its Content-Encoding; raises DecodeError when truncated, corrupt or too large."""
    coding = coding.strip().lower()
    if coding in ("", "identity"):
        return body
    try:
        if coding in ("gzip", "x-gzip", "deflate"):
            wbits = 16 + zlib.MAX_WBITS if coding != "deflate" else zlib.MAX_WBITS
            if coding == "deflate" and body[:1] and (body[0] & 0x0F) != 8:
                wbits = -zlib.MAX_WBITS  # raw deflate, as some servers send
            decoder = zlib.decompressobj(wbits)
            out = decoder.decompress(body, limit + 1)
            if len(out) > limit:
                raise DecodeError("decoded body too large")
            if not decoder.eof:
                raise DecodeError("truncated compressed body")
            return out
        if coding == "br":
            import brotli

            decoder = brotli.Decompressor()
            out = decoder.process(body, output_buffer_limit=limit + 1)  # brotli >= 1.2: bombs stop here
            if len(out) > limit:
                raise DecodeError("decoded body too large")
            if not decoder.is_finished():
                raise DecodeError("truncated compressed body")
            return out
    except (zlib.error, Exception) as exc:  # brotli raises brotli.error, a plain Exception subclass
        if isinstance(exc, DecodeError):
            raise
        raise DecodeError(f"corrupt {coding} body: {exc}") from exc
    raise DecodeError(f"unsupported content-encoding {coding}")
