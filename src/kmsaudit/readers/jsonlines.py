"""Reader of JSON lines: one JSON object per line, as `pull_log_dump`, OSS shipping and the console
JSON download write them.

A line may also hold a JSON array of objects (one `get_log_all` page); each object becomes a
record with that line's number.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import orjson

from kmsaudit.readers.base import MalformedRecord, RawRecord
from kmsaudit.readers.text import TextReader, clip, decode_line

# Maximum length of a physical line, in bytes. A longer line is set aside as malformed (its first
# MAX_MALFORMED_TEXT characters) and skipped, so one runaway line cannot fill memory.
MAX_LINE_BYTES = 16 * 1024 * 1024

_NEWLINE = 0x0A
_CARRIAGE_RETURN = 0x0D

Record = RawRecord | MalformedRecord


class JsonLinesReader(TextReader):
    """Reads JSON lines in bounded memory: one line at a time, each at most `MAX_LINE_BYTES`."""

    def _read(self) -> Iterator[Record]:
        # The bulk path: orjson parses the bytes of a valid UTF-8 line directly, JSON whitespace
        # (including the line end) needs no stripping, and only failures take the slow path.
        # NOTE: orjson (3.13) returns an integer beyond 64 bits as a float, losing digits; the
        # json module would keep it exact. kms_audit_log numbers (times, status codes) fit.
        readline = self._stream.readline
        loads = orjson.loads
        decode_error = orjson.JSONDecodeError
        stats = self.stats
        number = 0
        while raw := readline(MAX_LINE_BYTES):
            number += 1
            if raw[-1] != _NEWLINE:
                yield from self._read_unterminated(raw, number)
                continue
            if len(raw) > 1 and raw[-2] == _CARRIAGE_RETURN:
                stats.crlf_lines += 1
            try:
                value = loads(raw)
            except decode_error:
                yield from self._parse_slowly(raw, number)
                continue
            if type(value) is dict:
                yield RawRecord(number, value)
            else:
                yield from _non_object_records(value, number, raw)

    def _read_unterminated(self, raw: bytes, number: int) -> Iterator[Record]:
        """Handle a line without a line end: cut at `MAX_LINE_BYTES`, cut by stream damage, or
        the last line of an intact file."""
        if len(raw) == MAX_LINE_BYTES:
            skipped = self._skip_rest_of_line()
            reason = f"line longer than {MAX_LINE_BYTES:,} bytes ({len(raw) + skipped:,} bytes)"
            yield MalformedRecord(number, reason, clip(decode_line(raw, self.stats)))
        elif self._decoded.damage is not None:
            reason = "incomplete last line: the compressed stream was truncated or corrupt"
            yield MalformedRecord(number, reason, clip(decode_line(raw, self.stats)))
        else:
            yield from self._parse_slowly(raw, number)

    def _skip_rest_of_line(self) -> int:
        """Consume the stream to the next line end; return the number of bytes skipped."""
        skipped = 0
        while piece := self._stream.readline(MAX_LINE_BYTES):
            skipped += len(piece)
            if piece.endswith(b"\n"):
                break
        return skipped

    def _parse_slowly(self, raw: bytes, number: int) -> Iterator[Record]:
        """Parse a line orjson rejected: blank, invalid UTF-8, values orjson does not accept
        (NaN, integers beyond 64 bits, lone surrogate escapes), or invalid JSON."""
        text = decode_line(raw, self.stats).rstrip("\r\n")
        if not text.strip():
            return
        try:
            value = orjson.loads(text)
        except orjson.JSONDecodeError:
            try:
                value = json.loads(text)
            except json.JSONDecodeError as error:
                yield MalformedRecord(number, describe_json_error(error), clip(text))
                return
        if type(value) is dict:
            yield RawRecord(number, value)
        else:
            yield from _non_object_records(value, number, raw)


def _non_object_records(value: object, number: int, raw: bytes) -> Iterator[Record]:
    """Turn a line whose JSON value is not an object into records: each object of an array is a
    record, anything else is malformed."""
    if isinstance(value, list):
        yield from array_records(value, number)
    else:
        text = raw.decode("utf-8", errors="replace").rstrip("\r\n")
        yield MalformedRecord(
            number, f"JSON value is {json_kind(value)}, not an object", clip(text)
        )


def array_records(elements: list[object], number: int) -> Iterator[Record]:
    """Yield each object of an array parsed from line `number` as a record with that line
    number, and any other element as malformed."""
    for index, element in enumerate(elements, start=1):
        if isinstance(element, dict):
            yield RawRecord(number, element)
        else:
            reason = f"element {index} of the array is {json_kind(element)}, not an object"
            yield MalformedRecord(number, reason, clip(json.dumps(element, ensure_ascii=False)))


def json_kind(value: object) -> str:
    """Name the JSON type of a parsed value, with its article, for a malformed-record reason."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def describe_json_error(error: json.JSONDecodeError) -> str:
    """Describe a JSON syntax error as `invalid JSON: <what> at column <n>`."""
    return f"invalid JSON: {json_error_message(error)} at column {error.colno}"


def json_error_message(error: json.JSONDecodeError) -> str:
    """Return the json module's message without its position, starting in lower case."""
    # Some messages end in " at" because the json module appends the position after them.
    message = error.msg.removesuffix(" at")
    return message[:1].lower() + message[1:]
