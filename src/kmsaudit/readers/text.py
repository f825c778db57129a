"""Decompressed text: the base class of the text readers, and reading by lines or blocks with
UTF-8 decoding, line ends and the counts they add to `ReadStats`."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import NamedTuple

from kmsaudit.readers.base import MAX_MALFORMED_TEXT, BaseReader, ReadStats
from kmsaudit.readers.stream import DecodedStream


class LinePiece(NamedTuple):
    """A physical line, or a piece of a line longer than the reader's piece size."""

    number: int
    """1-based physical line the piece belongs to."""
    text: str
    """Decoded text; the line end (`\\n` or `\\r\\n`) is kept on the line's last piece."""
    ends_line: bool
    """True when `text` ends with the line end."""
    cut: bool
    """True when the line was cut at the piece size and more of it follows."""


class TextReader(BaseReader):
    """Base of the readers of decompressed text: `stream` is the buffered text, read after the
    byte-order mark, and `decoded` the stream under it, whose `damage` ends up in `stats`."""

    def __init__(
        self, path: str, stats: ReadStats, stream: io.BufferedReader, decoded: DecodedStream
    ) -> None:
        super().__init__(path, stats, stream)
        self._stream = stream
        self._decoded = decoded

    def _finish(self) -> None:
        self.stats.damage = self._decoded.damage


def decode_line(raw: bytes, stats: ReadStats) -> str:
    """Decode `raw` as UTF-8, replacing invalid bytes with U+FFFD and counting the line in
    `stats.invalid_utf8_lines` when there are any."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        stats.invalid_utf8_lines += 1
        return raw.decode("utf-8", errors="replace")


def clip(text: str) -> str:
    """Cut `text` to `MAX_MALFORMED_TEXT` characters for a `MalformedRecord`."""
    return text[:MAX_MALFORMED_TEXT]


def incomplete_utf8_tail(data: bytes) -> int:
    """Return the index where an incomplete UTF-8 sequence at the end of `data` starts, or
    `len(data)` when `data` ends on a character boundary."""
    for back in range(1, min(4, len(data)) + 1):
        byte = data[-back]
        if byte < 0x80:
            return len(data)
        if byte >= 0xC0:
            # A lead byte: 110xxxxx starts a sequence of 2 bytes, 1110xxxx of 3, 11110xxx of 4.
            if byte < 0xE0:
                needed = 2
            elif byte < 0xF0:
                needed = 3
            else:
                needed = 4
            return len(data) - back if needed > back else len(data)
    return len(data)


def iter_line_pieces(
    stream: io.BufferedReader, stats: ReadStats, piece_size: int
) -> Iterator[LinePiece]:
    """Yield the physical lines of `stream` as text, cutting lines longer than `piece_size` bytes
    into pieces, and count CRLF line ends and lines with invalid UTF-8 in `stats`.

    A UTF-8 sequence is never split between two pieces. Each line with invalid bytes is counted
    once, however many pieces it has.
    """
    number = 0
    carry = b""
    at_line_start = True
    last_invalid_line = 0
    while raw := stream.readline(piece_size):
        if at_line_start:
            number += 1
        ends_line = raw.endswith(b"\n")
        cut = not ends_line and len(raw) == piece_size and bool(stream.peek(1))
        raw = carry + raw if carry else raw
        carry = b""
        if cut:
            boundary = incomplete_utf8_tail(raw)
            raw, carry = raw[:boundary], raw[boundary:]
        elif ends_line and raw.endswith(b"\r\n"):
            stats.crlf_lines += 1
        text, invalid = _decode_piece(raw)
        if invalid and last_invalid_line != number:
            stats.invalid_utf8_lines += 1
            last_invalid_line = number
        yield LinePiece(number, text, ends_line, cut)
        at_line_start = ends_line


def iter_text_blocks(stream: io.BufferedReader, stats: ReadStats, block_size: int) -> Iterator[str]:
    """Yield the text of `stream` in blocks of about `block_size` bytes that end at a line end
    (except within a line longer than `block_size`), and count CRLF line ends and lines with
    invalid UTF-8 in `stats`.

    A UTF-8 sequence is never split between two blocks. A line longer than `block_size` with
    invalid bytes in several blocks is counted once per block.
    """
    carry = b""
    while block := stream.read(block_size):
        if not block.endswith(b"\n"):
            block += stream.readline(block_size)
        raw = carry + block if carry else block
        carry = b""
        if not raw.endswith(b"\n") and stream.peek(1):
            boundary = incomplete_utf8_tail(raw)
            raw, carry = raw[:boundary], raw[boundary:]
        stats.crlf_lines += raw.count(b"\r\n")
        yield _decode_block(raw, stats)


def _decode_block(raw: bytes, stats: ReadStats) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return "\n".join(decode_line(line, stats) for line in raw.split(b"\n"))


def _decode_piece(raw: bytes) -> tuple[str, bool]:
    try:
        return raw.decode("utf-8"), False
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="replace"), True
