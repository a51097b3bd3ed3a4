"""Streaming, bounded decoding of ``Content-Encoding`` (gzip, deflate, br).

A compressed body is decoded chunk by chunk as it arrives and every decoded byte is counted:
decoding stops with :class:`TooLarge` as soon as the output would pass the limit, and never
produces more than ``limit + 1`` bytes at a time, so a gzip or brotli bomb (a few kilobytes on the
wire, gigabytes decoded) costs at most the limit in memory.
"""

from __future__ import annotations

import zlib
from typing import Protocol

try:  # brotli >= 1.2 bounds its output (output_buffer_limit); older releases cannot be used
    import brotli

    _BROTLI = hasattr(brotli.Decompressor(), "can_accept_more_data")
except ImportError:  # pragma: no cover - depends on the installation
    brotli = None
    _BROTLI = False


class TooLarge(Exception):
    """The body (on the wire or decoded) is over its limit."""


class BadEncoding(Exception):
    """The body cannot be decoded: corrupt data or an encoding we did not ask for."""


def supported_encodings() -> tuple[str, ...]:
    """The content codings we can decode, for ``Accept-Encoding``."""
    return ("gzip", "deflate", "br") if _BROTLI else ("gzip", "deflate")


class Decoder(Protocol):
    def feed(self, data: bytes) -> bytes:
        """Decode the next chunk; raise :class:`TooLarge` or :class:`BadEncoding`."""

    def finish(self) -> bytes:
        """Whatever is left once the body has ended."""


class _Identity:
    def __init__(self, limit: int) -> None:
        self.left = limit

    def feed(self, data: bytes) -> bytes:
        self.left -= len(data)
        if self.left < 0:
            raise TooLarge("decoded body over the limit")
        return data

    def finish(self) -> bytes:
        return b""


class _Zlib:
    """gzip (several members allowed) and deflate (zlib-wrapped or raw), with bounded output."""

    def __init__(self, encoding: str, limit: int) -> None:
        self.encoding = encoding
        self.left = limit
        self._decoder: zlib._Decompress | None = None
        self._done = False
        self._members = 0  # complete gzip members decoded so far
        self._start = b""  # deflate: the first two bytes tell zlib-wrapped from raw

    def _new_decoder(self, first: bytes) -> zlib._Decompress:
        if self.encoding == "gzip":
            return zlib.decompressobj(16 + zlib.MAX_WBITS)
        zlib_header = (
            len(first) >= 2 and (first[0] & 0x0F) == 8 and (first[0] << 8 | first[1]) % 31 == 0
        )
        return zlib.decompressobj(zlib.MAX_WBITS if zlib_header else -zlib.MAX_WBITS)

    def feed(self, data: bytes) -> bytes:
        if self._done:
            return b""  # bytes after the end of the stream are ignored, as browsers do
        if self.encoding == "deflate" and self._decoder is None:
            data = self._start + data
            if len(data) < 2:
                self._start = data
                return b""
            self._start = b""
        out = bytearray()
        try:
            while data:
                if self._decoder is None:
                    if self._members and data[0] != 0x1F:  # not another gzip member
                        self._done = True
                        break
                    self._decoder = self._new_decoder(data)
                piece = self._decoder.decompress(data, self.left + 1)
                self.left -= len(piece)
                if self.left < 0:
                    raise TooLarge("decoded body over the limit")
                out += piece
                if self._decoder.eof:
                    data = self._decoder.unused_data
                    self._decoder = None
                    self._members += 1
                    if self.encoding != "gzip":
                        self._done = True
                        break
                else:
                    data = self._decoder.unconsumed_tail
        except zlib.error as error:
            raise BadEncoding(f"corrupt {self.encoding} data: {error}") from error
        return bytes(out)

    def finish(self) -> bytes:
        if self._start:
            raise BadEncoding(f"truncated {self.encoding} data")
        if self._decoder is None:
            return b""
        try:
            piece = self._decoder.flush(self.left + 1)
        except zlib.error as error:
            raise BadEncoding(f"corrupt {self.encoding} data: {error}") from error
        self.left -= len(piece)
        if self.left < 0:
            raise TooLarge("decoded body over the limit")
        return piece


class _Brotli:
    def __init__(self, limit: int) -> None:
        self.left = limit
        self._decoder = brotli.Decompressor()

    def _take(self, piece: bytes, out: bytearray) -> None:
        self.left -= len(piece)
        if self.left < 0:
            raise TooLarge("decoded body over the limit")
        out += piece

    def feed(self, data: bytes) -> bytes:
        out = bytearray()
        try:
            self._take(self._decoder.process(data, output_buffer_limit=self.left + 1), out)
            while not self._decoder.can_accept_more_data():
                self._take(self._decoder.process(b"", output_buffer_limit=self.left + 1), out)
        except brotli.error as error:
            raise BadEncoding(f"corrupt br data: {error}") from error
        return bytes(out)

    def finish(self) -> bytes:
        if not self._decoder.is_finished():
            raise BadEncoding("truncated br data")
        return b""


def make_decoder(content_encoding: str | None, limit: int) -> Decoder:
    """A decoder for a ``Content-Encoding`` header value whose output stays within ``limit``."""
    encoding = (content_encoding or "").strip().lower()
    if encoding in ("", "identity"):
        return _Identity(limit)
    if encoding in ("gzip", "x-gzip"):
        return _Zlib("gzip", limit)
    if encoding == "deflate":
        return _Zlib("deflate", limit)
    if encoding == "br" and _BROTLI:
        return _Brotli(limit)
    raise BadEncoding(f"unsupported content encoding {encoding!r}")
