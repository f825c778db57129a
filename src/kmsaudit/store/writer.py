"""Commit a group of staged source files to the store in one step.

A commit deduplicates the staged records against each other and against the days they touch,
writes the new records as day-partitioned Parquet, and then lists the new files in the catalog in
one SQLite transaction. That transaction is the commit point: a crash before it leaves files the
catalog does not list, which `recover` deletes, and a crash after it leaves a complete commit.
"""

from __future__ import annotations

import logging
import os
import shutil
import sqlite3
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from ..errors import StoreError
from . import catalog
from .catalog import DataFileRow, QuarantineRow, SourceRow
from .layout import StoreLayout

log = logging.getLogger(__name__)

# DuckDB spills to STORE/_staging beyond this, which keeps large commits in bounded memory.
DUCKDB_MEMORY_LIMIT = "1GB"

# Sort order inside each data file, with row groups small enough that each spans a narrow range
# of client keys: a lookup by key or AAP then skips most row groups by their min/max statistics.
_SORT_COLUMNS = "access_key_id, principal_id, time"


@dataclass(slots=True)
class StagedSource:
    """A source file read completely into staging, waiting for its group's commit.

    `records_staged` counts rows in `parquet_path`; `quarantine_path` contains its malformed lines as
    JSON lines and `quarantine_index` the catalog rows that point at them.
    """

    source: SourceRow
    parquet_path: Path | None
    records_staged: int
    quarantine_path: Path | None
    quarantine_index: list[QuarantineRow] = field(default_factory=list)
    zone_mismatches: int = 0


@dataclass(frozen=True, slots=True)
class CoverageDeclaration:
    """A period an export is declared to span, `[declared_from, declared_to)` in UTC."""

    declared_from: datetime
    declared_to: datetime


@dataclass(slots=True)
class CommitResult:
    """New records per source and per UTC day, added by one commit."""

    commit_id: str
    new_by_source: dict[int, int] = field(default_factory=dict)
    new_by_day: dict[str, int] = field(default_factory=dict)


def new_commit_id() -> str:
    return f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


def recover(layout: StoreLayout, connection: sqlite3.Connection) -> int:
    """Delete what an interrupted ingest left behind; return how many files were removed.

    Call only while holding the write lock.
    """
    shutil.rmtree(layout.staging, ignore_errors=True)
    live_files = {row.path for row in catalog.data_files(connection)}
    live_quarantine = {
        row[0] for row in connection.execute("SELECT DISTINCT file FROM quarantine").fetchall()
    }
    removed = 0
    for path in sorted(layout.records.glob("day=*/*.parquet")):
        if path.relative_to(layout.root).as_posix() not in live_files:
            path.unlink()
            removed += 1
    for path in sorted(layout.quarantine.glob("*.jsonl")):
        if path.relative_to(layout.root).as_posix() not in live_quarantine:
            path.unlink()
            removed += 1
    for folder in layout.records.glob("day=*"):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    if removed:
        log.warning("removed %d files left by an interrupted ingest in %s", removed, layout.root)
    return removed


def commit(
    layout: StoreLayout,
    connection: sqlite3.Connection,
    staged: list[StagedSource],
    coverage: list[CoverageDeclaration],
) -> CommitResult:
    """Deduplicate, write and catalog `staged` sources, and record `coverage`, atomically."""
    result = CommitResult(commit_id=new_commit_id())
    work = layout.staging / f"commit-{result.commit_id}"
    work.mkdir(parents=True)

    staged_files = [s.parquet_path for s in staged if s.parquet_path and s.records_staged]
    new_files: list[DataFileRow] = []
    if staged_files:
        new_files = _write_new_records(layout, connection, staged_files, work, result)
    quarantine_file = _collect_quarantine(layout, staged, result.commit_id)

    with catalog.transaction(connection):
        for item in staged:
            source = item.source
            new = result.new_by_source.get(source.source_id, 0)
            catalog.insert_source(
                connection,
                _with_counts(source, new, item.records_staged - new, result.commit_id),
            )
            if source.damage is None:
                catalog.supersede_damaged(connection, source)
            catalog.insert_quarantine(
                connection, [_pointing_at(row, quarantine_file) for row in item.quarantine_index]
            )
        catalog.insert_data_files(connection, new_files)
        catalog.add_day_counts(connection, result.new_by_day)
        declared_at = datetime.now(UTC).isoformat()
        for period in coverage:
            catalog.insert_coverage(
                connection,
                period.declared_from.isoformat(),
                period.declared_to.isoformat(),
                declared_at,
                result.commit_id,
            )

    shutil.rmtree(work, ignore_errors=True)
    for item in staged:
        for path in (item.parquet_path, item.quarantine_path):
            if path is not None:
                path.unlink(missing_ok=True)
    return result


def _write_new_records(
    layout: StoreLayout,
    connection: sqlite3.Connection,
    staged_files: list[Path],
    work: Path,
    result: CommitResult,
) -> list[DataFileRow]:
    """Write records not yet in the store to `records/`; return the files, not yet cataloged."""
    duck = _duckdb_connection(layout)
    try:
        days = _staged_days(duck, staged_files)
        existing = [
            (layout.root / row.path).as_posix() for row in catalog.data_files(connection, days)
        ]
        output = work / "out"
        _copy_new_records(duck, staged_files, existing, output, result.commit_id)
        written = sorted(output.glob("day=*/*.parquet"))
        if written:
            _count_new_records(duck, written, result)
    except duckdb.Error as error:
        raise StoreError(f"writing records to {layout.root} failed: {error}") from error
    finally:
        duck.close()
    return _move_into_store(layout, written, result.commit_id)


def _duckdb_connection(layout: StoreLayout) -> duckdb.DuckDBPyConnection:
    duck = duckdb.connect()
    duck.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
    duck.execute("SET temp_directory = ?", [layout.staging.as_posix()])
    duck.execute("SET preserve_insertion_order = true")
    return duck


def _staged_days(duck: duckdb.DuckDBPyConnection, staged_files: list[Path]) -> list[str]:
    rows = duck.execute(
        "SELECT DISTINCT strftime(day, '%Y-%m-%d') FROM read_parquet($files)",
        {"files": [p.as_posix() for p in staged_files]},
    ).fetchall()
    return sorted(row[0] for row in rows)


def _copy_new_records(
    duck: duckdb.DuckDBPyConnection,
    staged_files: list[Path],
    existing_files: list[str],
    output: Path,
    commit_id: str,
) -> None:
    """Keep the first staged copy of each dedup key that no live file of its day holds."""
    parameters: dict[str, object] = {"staged": [p.as_posix() for p in staged_files]}
    known = "SELECT NULL::VARCHAR AS dedup_key, NULL::DATE AS day WHERE false"
    if existing_files:
        known = "SELECT dedup_key, day FROM read_parquet($existing, hive_partitioning = true)"
        parameters["existing"] = existing_files
    query = f"""
        SELECT staged.*
        FROM read_parquet($staged) AS staged
        ANTI JOIN ({known}) AS known USING (day, dedup_key)
        QUALIFY row_number() OVER (
            PARTITION BY staged.day, staged.dedup_key ORDER BY staged.source_id, staged.source_line
        ) = 1
        ORDER BY staged.day, {_SORT_COLUMNS}
    """
    duck.execute(
        f"COPY ({query}) TO {_sql_string(output.as_posix())} (FORMAT parquet, "
        f"COMPRESSION zstd, PARTITION_BY (day), FILENAME_PATTERN 'part-{commit_id}-{{i}}', "
        "ROW_GROUP_SIZE 16384)",
        parameters,
    )


def _count_new_records(
    duck: duckdb.DuckDBPyConnection, written: list[Path], result: CommitResult
) -> None:
    rows = duck.execute(
        "SELECT source_id, strftime(day, '%Y-%m-%d'), count(*) "
        "FROM read_parquet($files, hive_partitioning = true) GROUP BY ALL",
        {"files": [p.as_posix() for p in written]},
    ).fetchall()
    for source_id, day, count in rows:
        result.new_by_source[source_id] = result.new_by_source.get(source_id, 0) + count
        result.new_by_day[day] = result.new_by_day.get(day, 0) + count


def _move_into_store(
    layout: StoreLayout, written: list[Path], commit_id: str
) -> list[DataFileRow]:
    """Move written files under `records/`, flushed to disk, and describe them for the catalog."""
    moved: list[DataFileRow] = []
    for path in written:
        day = path.parent.name.removeprefix("day=")
        folder = layout.day_folder(day)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / path.name
        _fsync(path)
        os.replace(path, target)
        _fsync(folder)
        moved.append(
            DataFileRow(
                path=target.relative_to(layout.root).as_posix(),
                day=day,
                records=pq.ParquetFile(target).metadata.num_rows,
                commit_id=commit_id,
            )
        )
    return moved


def _collect_quarantine(layout: StoreLayout, staged: list[StagedSource], commit_id: str) -> str:
    """Concatenate the staged quarantine files into `quarantine/<commit>.jsonl`."""
    parts = [s.quarantine_path for s in staged if s.quarantine_path and s.quarantine_index]
    relative = f"quarantine/{commit_id}.jsonl"
    if not parts:
        return relative
    layout.quarantine.mkdir(parents=True, exist_ok=True)
    target = layout.root / relative
    with open(target, "wb") as out:
        for part in parts:
            with open(part, "rb") as source:
                shutil.copyfileobj(source, out)
        out.flush()
        os.fsync(out.fileno())
    return relative


def _with_counts(source: SourceRow, new: int, duplicates: int, commit_id: str) -> SourceRow:
    values = {name: getattr(source, name) for name in SourceRow.__slots__}
    values.update(records_new=new, duplicates=duplicates, commit_id=commit_id)
    return SourceRow(**values)


def _pointing_at(row: QuarantineRow, file: str) -> QuarantineRow:
    return QuarantineRow(row.source_id, row.line, row.day, row.reason, file)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
