"""Byte ranges of evidence file downloads (RFC 9110, section 14): which part of a file a `Range` header asks for.

Safari plays and seeks audio and video only when the server answers range requests with 206 Partial Content.
We serve one range per request. A header asking for several ranges, or one we cannot read, is ignored and the
whole file goes out, as the RFC allows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# One range-spec, with the optional whitespace a list element may carry; the unit is case-insensitive.
_SINGLE_RANGE = re.compile(r"bytes=[ \t]*([0-9]*)-([0-9]*)[ \t]*", re.IGNORECASE)


class RangeNotSatisfiable(Exception):
    """The range asks only for bytes past the end of the file: the answer is 416 with the file's size."""


@dataclass(frozen=True)
class ByteRange:
    first: int
    last: int  # inclusive, as Content-Range writes it

    @property
    def length(self) -> int:
        return self.last - self.first + 1

    def content_range(self, size: int) -> str:
        return f"bytes {self.first}-{self.last}/{size}"


def requested_range(header: str | None, size: int) -> ByteRange | None:
    """The single byte range `header` asks of a file of `size` bytes, cut to the end of the file.

    None means "send the whole file": no header, several ranges, another unit, a malformed or invalid
    range (last before first), or an empty file. Raises RangeNotSatisfiable when the range starts past the
    end of the file, or asks for the last zero bytes."""
    if not header or size <= 0:
        return None
    match = _SINGLE_RANGE.fullmatch(header.strip())
    if match is None:
        return None
    first, last = match.groups()
    try:
        if not first:
            if not last:
                return None
            suffix = int(last)
            if suffix == 0:
                raise RangeNotSatisfiable
            return ByteRange(max(size - suffix, 0), size - 1)
        start = int(first)
        end = int(last) if last else None
    except ValueError:  # more digits than Python will convert: no real file is that large
        return None
    if end is not None and end < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable
    return ByteRange(start, size - 1 if end is None else min(end, size - 1))


class FileSlice:
    """A read-only view of one byte range of an open file, for FileResponse to stream block by block.

    It has no fileno() on purpose, so that a WSGI server's file wrapper reads through it rather than
    sending the underlying file with sendfile()."""

    def __init__(self, handle, byte_range: ByteRange):
        handle.seek(byte_range.first)
        self._handle = handle
        self._left = byte_range.length

    def read(self, size: int = -1) -> bytes:
        if self._left <= 0:
            return b""
        if size is None or size < 0 or size > self._left:
            size = self._left
        chunk = self._handle.read(size)
        self._left -= len(chunk)
        return chunk

    def close(self) -> None:
        self._handle.close()
