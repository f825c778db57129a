"""Reader of CSV with a header row, as the SLS console download and OSS shipping write it.

Values are quoted where needed and embedded quotes are doubled, so a quoted value may span
several physical lines. A record is the run of physical lines that closes every quote it opens.
A quote that is never closed would swallow the rest of the file, so a record is bounded. When its
quote is still open after `MAX_RECORD_LINES` lines, `MAX_RECORD_CHARS` characters or at the end
of the file, its first physical line is read as a row of its own or set aside as malformed.
Parsing then resumes on the line after it.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Iterator

from kmsaudit.readers.base import MalformedRecord, RawRecord, ReadStats
from kmsaudit.readers.stream import DecodedStream
from kmsaudit.readers.text import LinePiece, TextReader, clip, iter_line_pieces

# Maximum length of a physical line, in bytes. A longer line is set aside as malformed.
MAX_LINE_BYTES = 1024 * 1024
# Bounds of one record (a quoted value spanning physical lines).
MAX_RECORD_LINES = 10_000
MAX_RECORD_CHARS = 1024 * 1024

Record = RawRecord | MalformedRecord
_CsvReader = Iterator[list[str]]


class _OneRecord:
    """The iterable that a `csv.reader` reads from: it returns the text set before each
    `next(reader)` once, then stops, so one reader parses every record without being rebuilt
    and never reads past the record it was given."""

    def __init__(self) -> None:
        self.text: str | None = None

    def __iter__(self) -> _OneRecord:
        return self

    def __next__(self) -> str:
        if self.text is None:
            raise StopIteration
        text, self.text = self.text, None
        return text


class CsvReader(TextReader):
    """Reads CSV records in bounded memory; line 1 is the header, so data starts on line 2."""

    def __init__(
        self, path: str, stats: ReadStats, stream: io.BufferedReader, decoded: DecodedStream
    ) -> None:
        super().__init__(path, stats, stream, decoded)
        self._lines: Iterator[LinePiece] = iter_line_pieces(stream, stats, MAX_LINE_BYTES)
        # Lines read ahead while looking for a closing quote and handed back for re-reading.
        self._returned: deque[LinePiece] = deque()
        self._feed = _OneRecord()
        self._parser = csv.reader(self._feed)
        # Strict parsing raises on a quoted field that the text leaves open.
        self._strict_parser = csv.reader(self._feed, strict=True)
        self._header: list[str] = []

    def _read(self) -> Iterator[Record]:
        header_line = self._next_line()
        while header_line is not None and not header_line.cut and not header_line.text.strip():
            header_line = self._next_line()
        if header_line is None:
            return
        self._header = self._parse(header_line.text, self._parser)
        while (first := self._next_line()) is not None:
            if first.cut:
                yield self._oversized_line(first)
            elif first.text.strip():
                yield from self._read_record(first)

    def _read_record(self, first: LinePiece) -> Iterator[Record]:
        lines = self._collect_record(first)
        if lines is None:
            reason = (
                "unterminated quoted field: no closing quote within "
                f"{MAX_RECORD_LINES:,} lines or {MAX_RECORD_CHARS:,} characters, "
                "or before the end of the file"
            )
        else:
            text = "".join(line.text for line in lines)
            if not lines[-1].ends_line and self._decoded.damage is not None:
                reason = "incomplete last line: the compressed stream was truncated or corrupt"
                yield MalformedRecord(first.number, reason, clip(text))
                return
            record = self._to_record(first.number, text, self._parser)
            if isinstance(record, RawRecord) or len(lines) == 1:
                yield record
                return
            self._returned.extendleft(reversed(lines[1:]))
            reason = "unbalanced quote: the lines up to the next closing quote are not a valid row"
        yield self._read_alone(first, reason)

    def _read_alone(self, first: LinePiece, reason: str) -> Record:
        """Parse a line whose quote no later line closes as a row of its own.

        A quote inside an unquoted value (`sdk"`) is a literal character, so such a line can
        still be a valid row. A quoted value left open is not: the line is malformed with
        `reason`.
        """
        record = self._to_record(first.number, first.text, self._strict_parser)
        if isinstance(record, RawRecord):
            return record
        return MalformedRecord(first.number, reason, clip(first.text.rstrip("\r\n")))

    def _to_record(self, number: int, text: str, parser: _CsvReader) -> Record:
        """Parse the text of one record into a record with the header's field names."""
        try:
            cells = self._parse(text, parser)
        except csv.Error as error:
            return MalformedRecord(number, f"invalid CSV: {error}", clip(text.rstrip("\r\n")))
        if len(cells) != len(self._header):
            reason = f"CSV row has {len(cells)} cells, header has {len(self._header)}"
            return MalformedRecord(number, reason, clip(text.rstrip("\r\n")))
        return RawRecord(number, dict(zip(self._header, cells, strict=True)))

    def _collect_record(self, first: LinePiece) -> list[LinePiece] | None:
        """Return the physical lines of the record starting at `first`, or None when its quotes
        are not closed within the bounds. In that case the lines read ahead are handed back."""
        lines = [first]
        quotes = first.text.count('"')
        size = len(first.text)
        while quotes % 2:
            line = self._next_line() if len(lines) < MAX_RECORD_LINES else None
            if line is None or size + len(line.text) > MAX_RECORD_CHARS:
                if line is not None:
                    lines.append(line)
                self._returned.extendleft(reversed(lines[1:]))
                return None
            lines.append(line)
            quotes += line.text.count('"')
            size += len(line.text)
        return lines

    def _oversized_line(self, first: LinePiece) -> MalformedRecord:
        """Skip the rest of a line longer than `MAX_LINE_BYTES` and set its start aside."""
        size = len(first.text)
        piece: LinePiece | None = first
        while piece is not None and piece.cut:
            piece = self._next_line()
            size += len(piece.text) if piece is not None else 0
        reason = f"line longer than {MAX_LINE_BYTES:,} bytes ({size:,} characters)"
        return MalformedRecord(first.number, reason, clip(first.text))

    def _next_line(self) -> LinePiece | None:
        if self._returned:
            return self._returned.popleft()
        return next(self._lines, None)

    def _parse(self, text: str, parser: _CsvReader) -> list[str]:
        """Split one record into cells; the line end after the last cell is removed first."""
        self._feed.text = text.removesuffix("\n").removesuffix("\r")
        return next(parser, [])
