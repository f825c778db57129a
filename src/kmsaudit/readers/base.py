"""Records, statistics and interfaces shared by every export reader, and the formats and
compressions it recognises."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from types import TracebackType
from typing import BinaryIO, Protocol, Self

from kmsaudit.errors import SourceError

logger = logging.getLogger(__name__)

# Raw text kept for a malformed record; longer text is cut so one bad line cannot fill memory.
MAX_MALFORMED_TEXT = 64 * 1024


class SourceFormat(StrEnum):
    """Export formats, detected from a file's content."""

    JSON_LINES = "jsonl"
    JSON_ARRAY = "json-array"
    CSV = "csv"
    PARQUET = "parquet"


class Compression(StrEnum):
    """Compression around an export, detected from magic bytes or, for raw Snappy, by trial."""

    NONE = "none"
    GZIP = "gzip"
    ZSTD = "zstd"
    SNAPPY = "snappy"
    SNAPPY_FRAMED = "snappy-framed"


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One record as the export contains it, before normalization.

    `line` is 1-based: the physical line where the record starts (JSON lines, JSON array, CSV,
    counting the header as line 1) or the row number (Parquet). `fields` maps each field name to
    its value as parsed: str, int, float, bool, None, or a list or dict from JSON.
    """

    line: int
    fields: dict[str, object]


@dataclass(frozen=True, slots=True)
class MalformedRecord:
    """A line or row that could not be parsed into a record; it goes to the quarantine."""

    line: int
    reason: str
    text: str


@dataclass(slots=True)
class ReadStats:
    """Facts about a source file learnt while reading it; complete once reading has finished.

    `damage` describes a truncated or corrupt compressed stream: the records read before the
    damage were yielded, and nothing after it could be.
    """

    format: SourceFormat
    compression: Compression
    invalid_utf8_lines: int = 0
    byte_order_mark: bool = False
    crlf_lines: int = 0
    damage: str | None = None
    notes: list[str] = field(default_factory=list)


class SourceReader(Protocol):
    """An opened export file: iterate `records()` once, then read `stats`.

    A reader owns an open file handle: use it as a context manager, or call `close()`.
    """

    path: str
    stats: ReadStats

    def records(self) -> Iterator[RawRecord | MalformedRecord]: ...

    def close(self) -> None: ...

    @property
    def bytes_read(self) -> int | None:
        """Bytes of the file (compressed, when it is) consumed so far, for progress display.

        Read-ahead buffers make this run ahead of the records yielded; None when unknown.
        """
        return None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class SupportsClose(Protocol):
    """An open file or stream that a reader closes when it is closed."""

    def close(self) -> None: ...


class BaseReader(SourceReader):
    """Lifecycle shared by the readers: a single pass over `records()`, read failures as
    `SourceError`, and closing of the file the reader owns.

    Subclasses implement `_read()`. An `OSError` raised while reading (a disk or network file
    system failure, not damaged content) stops the pass with a `SourceError` naming the file.
    """

    def __init__(self, path: str, stats: ReadStats, resource: SupportsClose) -> None:
        self.path = path
        self.stats = stats
        self._resource = resource
        self._started = False
        self.raw_file: BinaryIO | None = None

    @property
    def bytes_read(self) -> int | None:
        if self.raw_file is None or self.raw_file.closed:
            return None
        return int(self.raw_file.tell())

    def records(self) -> Iterator[RawRecord | MalformedRecord]:
        if self._started:
            raise RuntimeError(
                f"records() of {self.path} was already iterated; open the file again"
            )
        self._started = True
        try:
            yield from self._read()
        except OSError as error:
            raise SourceError(f"failed to read {self.path}: {error}", self.path) from error
        self._finish()
        if self.stats.damage is not None:
            logger.debug("%s: %s", self.path, self.stats.damage)

    def _read(self) -> Iterator[RawRecord | MalformedRecord]:
        raise NotImplementedError

    def _finish(self) -> None:
        """Complete `stats` once `_read()` is exhausted."""

    def close(self) -> None:
        self._resource.close()
