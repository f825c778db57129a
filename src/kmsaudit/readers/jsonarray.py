"""Reader of JSON arrays of records, as `aliyunlog log get_log_all` prints them.

`get_log_all` prints each result page as a JSON array on one line and ends with an empty `[]`
line. With `--format-output=json` each page is an indented multi-line array. The reader parses a
sequence of JSON values element by element over a sliding text buffer, so neither a long page nor
a long file is kept in memory. Objects outside any array (pretty-printed objects written one
after another) are records too.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Generator, Iterator
from enum import Enum, auto

import orjson

from kmsaudit.readers.base import MalformedRecord, RawRecord, ReadStats
from kmsaudit.readers.jsonlines import array_records, json_error_message, json_kind
from kmsaudit.readers.stream import DecodedStream
from kmsaudit.readers.text import TextReader, clip, iter_text_blocks

# Bytes of text decoded at a time (whole lines, unless a line is longer).
BLOCK_SIZE = 256 * 1024
# Characters kept in the buffer past the parse position before an element is decoded. An element
# that does not parse is retried with a longer buffer, up to MAX_ELEMENT_CHARS.
READ_AHEAD = 64 * 1024
# Characters buffered at the start of an array for the single-line fast path: a page longer than
# this (100 records take about 100 KiB) is read element by element.
LINE_ARRAY_AHEAD = 256 * 1024
# Maximum length of an array element, in characters. A longer element is set aside as malformed.
MAX_ELEMENT_CHARS = 4 * 1024 * 1024

_NON_SPACE = re.compile(r"\S")
# The start of an object with at least one key: where parsing may resume after a bad element.
_OBJECT_START = re.compile(r'\{\s*"')
# Characters searched again after a refill, so a candidate cut by the buffer's end is found.
_CANDIDATE_OVERLAP = 256

Record = RawRecord | MalformedRecord


class _State(Enum):
    """Position of the parser in the sequence of JSON values."""

    OUTSIDE = auto()  # between top-level values
    ELEMENT = auto()  # after `[` or `,`: an element or `]` follows
    SEPARATOR = auto()  # after an element: `,` or `]` follows


class JsonArrayReader(TextReader):
    """Reads JSON arrays element by element; memory is bounded by `MAX_ELEMENT_CHARS` plus
    `BLOCK_SIZE`, whatever the size of an array."""

    def __init__(
        self, path: str, stats: ReadStats, stream: io.BufferedReader, decoded: DecodedStream
    ) -> None:
        super().__init__(path, stats, stream, decoded)
        self._blocks: Iterator[str] = iter_text_blocks(stream, stats, BLOCK_SIZE)
        self._eof = False
        self._decoder = json.JSONDecoder()
        self._buffer = ""
        self._pos = 0  # parse position in `_buffer`
        self._offset = 0  # characters dropped from the front of `_buffer` so far
        self._line = 1  # physical line at `_pos`
        self._line_start = 0  # absolute character offset where `_line` starts

    def _read(self) -> Iterator[Record]:
        state = _State.OUTSIDE
        while char := self._next_non_space():
            if state is _State.OUTSIDE:
                state = yield from self._read_outside(char)
            elif state is _State.ELEMENT:
                if char == "]":
                    self._advance_to(self._pos + 1)
                    state = _State.OUTSIDE
                else:
                    state = yield from self._read_element()
            else:
                state = yield from self._read_separator(char)
        if state is not _State.OUTSIDE and self._decoded.damage is None:
            self.stats.notes.append("the last JSON array is not closed: the file may be truncated")

    def _read_outside(self, char: str) -> Generator[Record, None, _State]:
        """Read at the top level: an array starts, or a lone object is a record."""
        if char == "[":
            page = self._parse_line_array()
            if page is not None:
                line = self._line
                self._skip_line()
                yield from array_records(page, line)
                return _State.OUTSIDE
            self._advance_to(self._pos + 1)
            return _State.ELEMENT
        if char == "{":
            yield from self._read_element()
            return _State.OUTSIDE
        line, start = self._line, self._absolute(self._pos)
        self._skip_line()
        reason = "text outside a JSON array or object"
        yield MalformedRecord(line, reason, clip(self._text_since(start)))
        return _State.OUTSIDE

    def _parse_line_array(self) -> list[object] | None:
        """Parse the rest of the line with orjson when it is one whole array, and return None
        otherwise.

        A single-line get_log_all page parses several times faster this way than element by
        element. Anything else is left to the element-by-element path.
        """
        self._ensure(LINE_ARRAY_AHEAD)
        line_end = self._buffer.find("\n", self._pos)
        if line_end == -1:
            return None
        try:
            page = orjson.loads(self._buffer[self._pos : line_end])
        except orjson.JSONDecodeError:
            return None
        return page if isinstance(page, list) else None

    def _read_separator(self, char: str) -> Generator[Record, None, _State]:
        if char == ",":
            self._advance_to(self._pos + 1)
            return _State.ELEMENT
        if char == "]":
            self._advance_to(self._pos + 1)
            return _State.OUTSIDE
        if char == "{":
            # A missing comma between two objects loses nothing: read the next object.
            return (yield from self._read_element())
        line, start = self._line, self._absolute(self._pos)
        state = self._resync(self._pos)
        reason = "expected ',' or ']' after an array element"
        yield MalformedRecord(line, reason, clip(self._text_since(start)))
        return state

    def _read_element(self) -> Generator[Record, None, _State]:
        """Decode the value at the parse position and yield it as a record or as malformed."""
        line, start = self._line, self._absolute(self._pos)
        result = self._decode()
        if isinstance(result, json.JSONDecodeError):
            reason = self._describe_failure(result)
            state = self._resync(result.pos)
            yield MalformedRecord(line, reason, clip(self._text_since(start)))
            return state
        value, end = result
        self._advance_to(end)
        if isinstance(value, dict):
            yield RawRecord(line, value)
        else:
            reason = f"array element is {json_kind(value)}, not an object"
            yield MalformedRecord(line, reason, clip(json.dumps(value, ensure_ascii=False)))
        return _State.SEPARATOR

    def _decode(self) -> tuple[object, int] | json.JSONDecodeError:
        """Decode one JSON value at the parse position, reading ahead as far as it needs."""
        ahead = READ_AHEAD
        while True:
            self._ensure(ahead)
            try:
                return self._decoder.raw_decode(self._buffer, self._pos)
            except json.JSONDecodeError as error:
                if self._eof or ahead >= MAX_ELEMENT_CHARS or not self._cut_off(error):
                    return error
                ahead *= 4

    def _cut_off(self, error: json.JSONDecodeError) -> bool:
        """Tell whether decoding failed only because the buffer ends inside the value.

        The json scanner reports "Unterminated string" only when no closing quote, backslash or
        control character follows before the end of the text. Its other errors point at the end
        of the text when the text ran out, or a few characters before it for a cut `true`.
        """
        return error.msg.startswith("Unterminated string") or error.pos >= len(self._buffer) - 5

    def _describe_failure(self, error: json.JSONDecodeError) -> str:
        if self._cut_off(error):
            if not self._eof:
                return f"array element longer than {MAX_ELEMENT_CHARS:,} characters"
            if self._decoded.damage is not None:
                return "incomplete last element: the compressed stream was truncated or corrupt"
        line, column = self._position_of(error.pos)
        return f"invalid JSON: {json_error_message(error)} at line {line}, column {column}"

    def _resync(self, error_pos: int) -> _State:
        """Move past a bad element to the next object that decodes, and return the state there.

        Candidates are the places where `{` is followed by `"`: inside a valid JSON string a
        quote is escaped, so they are object starts or broken text. A `]` and `[` skipped on the
        way (a page boundary) cancel out; at the end of the data the state is OUTSIDE.
        """
        search_from = error_pos
        while True:
            candidate = _OBJECT_START.search(self._buffer, search_from)
            if candidate is None:
                if self._eof:
                    self._advance_to(len(self._buffer))
                    return _State.OUTSIDE
                # Keep the buffer's last characters: a candidate may straddle its end.
                self._advance_to(max(self._pos, len(self._buffer) - _CANDIDATE_OVERLAP))
                self._ensure(READ_AHEAD)
                search_from = self._pos
                continue
            self._advance_to(candidate.start())
            result = self._decode()
            if isinstance(result, tuple) and isinstance(result[0], dict):
                return _State.ELEMENT
            search_from = self._pos + 1

    def _next_non_space(self) -> str:
        """Advance to the next non-whitespace character and return it; return "" at the end."""
        while True:
            self._ensure(READ_AHEAD)
            match = _NON_SPACE.search(self._buffer, self._pos)
            if match is not None:
                self._advance_to(match.start())
                return match.group()
            self._advance_to(len(self._buffer))
            if self._eof:
                return ""

    def _skip_line(self) -> None:
        """Advance past the next line end, or to the end of the data."""
        while True:
            line_end = self._buffer.find("\n", self._pos)
            if line_end != -1:
                self._advance_to(line_end + 1)
                return
            self._advance_to(len(self._buffer))
            if self._eof:
                return
            self._ensure(READ_AHEAD)

    def _advance_to(self, pos: int) -> None:
        """Move the parse position forward to `pos`, counting the line ends passed."""
        newlines = self._buffer.count("\n", self._pos, pos)
        if newlines:
            self._line += newlines
            self._line_start = self._absolute(self._buffer.rfind("\n", self._pos, pos) + 1)
        self._pos = pos

    def _ensure(self, ahead: int) -> None:
        """Fill the buffer until it contains `ahead` characters past the parse position or all
        the remaining text, and drop the consumed text before the parse position."""
        missing = ahead - (len(self._buffer) - self._pos)
        if missing <= 0 or self._eof:
            return
        parts = [self._buffer[self._pos :]]
        while missing > 0:
            block = next(self._blocks, None)
            if block is None:
                self._eof = True
                break
            parts.append(block)
            missing -= len(block)
        self._offset += self._pos
        self._buffer = "".join(parts)
        self._pos = 0

    def _absolute(self, pos: int) -> int:
        return self._offset + pos

    def _text_since(self, start: int) -> str:
        """Return the buffered text from absolute offset `start` to the parse position, as much
        of it as is still in the buffer."""
        return self._buffer[max(start - self._offset, 0) : self._pos]

    def _position_of(self, pos: int) -> tuple[int, int]:
        """Return the 1-based line and column of buffer position `pos` (at or after `_pos`)."""
        newlines = self._buffer.count("\n", self._pos, pos)
        if newlines:
            return self._line + newlines, pos - self._buffer.rfind("\n", self._pos, pos)
        return self._line, self._absolute(pos) - self._line_start + 1
