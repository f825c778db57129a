"""Read one source file into staging: normalized Parquet plus its quarantine."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path

import pyarrow.parquet as pq

from ..errors import StrictModeError
from ..normalize import NormalizedBatch, Normalizer
from ..readers import open_source
from ..readers.base import MalformedRecord, RawRecord, ReadStats, SourceReader
from ..schema import RECORD_SCHEMA
from ..store.catalog import SourceRow
from ..store.writer import StagedSource
from .quarantine import QuarantineWriter

log = logging.getLogger(__name__)

# Records normalized at a time; bounds the memory one source file needs while it is read.
BATCH_RECORDS = 50_000


@dataclass(frozen=True, slots=True)
class SourceFacts:
    """Facts about a source file known before it is read."""

    path: Path
    size: int
    mtime_ns: int
    sha256: str
    source_id: int


@dataclass(slots=True)
class _Tally:
    items: int = 0
    records_read: int = 0
    staged: int = 0
    coerced: int = 0
    min_time: datetime | None = None
    max_time: datetime | None = None

    def add(self, batch: NormalizedBatch) -> None:
        self.staged += batch.table.num_rows
        self.coerced += batch.coerced
        if batch.min_time is not None:
            self.min_time = min(self.min_time or batch.min_time, batch.min_time)
        if batch.max_time is not None:
            self.max_time = max(self.max_time or batch.max_time, batch.max_time)


class SourceStager:
    """Stage one source file; raise `SourceError` subclasses when it cannot be read at all.

    `on_records` is called after each batch with the number of records read so far from this
    file, for progress display.
    """

    def __init__(
        self,
        staging: Path,
        facts: SourceFacts,
        *,
        time_zone: tzinfo | None,
        strict: bool,
        on_records: Callable[[int, int | None], None] | None = None,
    ) -> None:
        self.facts = facts
        self.strict = strict
        self.on_records = on_records
        self.parquet_path = staging / f"source-{facts.source_id}.parquet"
        self.quarantine = QuarantineWriter(
            staging / f"source-{facts.source_id}.quarantine.jsonl",
            str(facts.path),
            facts.source_id,
        )
        self.normalizer = Normalizer(str(facts.path), facts.source_id, time_zone)
        self.tally = _Tally()

    def stage(self) -> StagedSource:
        writer = pq.ParquetWriter(self.parquet_path, RECORD_SCHEMA, compression="zstd")
        try:
            with open_source(self.facts.path) as reader:
                self._read_all(reader.records(), writer, reader)
                stats = reader.stats
        except BaseException:
            writer.close()
            self.quarantine.close()
            self.parquet_path.unlink(missing_ok=True)
            self.quarantine.path.unlink(missing_ok=True)
            raise
        writer.close()
        self.quarantine.close()
        return StagedSource(
            source=self._source_row(stats),
            parquet_path=self.parquet_path,
            records_staged=self.tally.staged,
            quarantine_path=self.quarantine.path,
            quarantine_index=self.quarantine.index,
            zone_mismatches=self.normalizer.zone_mismatches,
        )

    def _read_all(
        self,
        items: Iterator[RawRecord | MalformedRecord],
        writer: pq.ParquetWriter,
        reader: SourceReader,
    ) -> None:
        pending: list[RawRecord] = []
        for item in items:
            self.tally.items += 1
            if isinstance(item, MalformedRecord):
                self._set_aside(item)
                continue
            pending.append(item)
            if len(pending) >= BATCH_RECORDS:
                self._flush(pending, writer, reader)
                pending = []
        self._flush(pending, writer, reader)

    def _flush(
        self, pending: list[RawRecord], writer: pq.ParquetWriter, reader: SourceReader
    ) -> None:
        if not pending:
            return
        batch = self.normalizer.normalize(pending)
        for malformed in batch.malformed:
            self._set_aside(malformed)
        self.tally.records_read += len(pending)
        self.tally.add(batch)
        if batch.table.num_rows:
            writer.write_table(batch.table)
        if self.on_records is not None:
            self.on_records(self.tally.records_read, reader.bytes_read)

    def _set_aside(self, record: MalformedRecord) -> None:
        if self.strict:
            raise StrictModeError(
                f"{self.facts.path}, line {record.line}: malformed record ({record.reason}); "
                "without --strict it would be set aside in the quarantine and the run would go on",
                path=str(self.facts.path),
                line=record.line,
            )
        self.quarantine.add(record)

    def _source_row(self, stats: ReadStats) -> SourceRow:
        facts = self.facts
        quarantined = len(self.quarantine.index)
        return SourceRow(
            source_id=facts.source_id,
            path=str(facts.path),
            size=facts.size,
            mtime_ns=facts.mtime_ns,
            sha256=facts.sha256,
            format=str(stats.format),
            compression=str(stats.compression),
            records_read=self.tally.items,
            records_new=0,
            duplicates=0,
            quarantined=quarantined,
            coerced_values=self.tally.coerced,
            invalid_utf8_lines=stats.invalid_utf8_lines,
            min_time=_iso(self.tally.min_time),
            max_time=_iso(self.tally.max_time),
            damage=stats.damage,
            commit_id="",
            ingested_at=datetime.now(UTC).isoformat(),
        )

def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
