"""The store's catalog: a SQLite database of what the store holds.

SQLite gives each ingest commit one atomic, durable transaction and lets readers run while a
writer works. The catalog lists the live Parquet data files, so a data file becomes part of the
store at the moment the transaction that lists it commits, and not before.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from ..errors import StoreError

SCHEMA_VERSION = 1

_DDL = """
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sources (
    source_id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    sha256 TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    compression TEXT NOT NULL,
    records_read INTEGER NOT NULL,
    records_new INTEGER NOT NULL,
    duplicates INTEGER NOT NULL,
    quarantined INTEGER NOT NULL,
    coerced_values INTEGER NOT NULL,
    invalid_utf8_lines INTEGER NOT NULL,
    min_time TEXT,
    max_time TEXT,
    damage TEXT,
    commit_id TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sources_by_path ON sources (path, size, mtime_ns);
CREATE TABLE IF NOT EXISTS data_files (
    path TEXT PRIMARY KEY,
    day TEXT NOT NULL,
    records INTEGER NOT NULL,
    commit_id TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS data_files_by_day ON data_files (day);
CREATE TABLE IF NOT EXISTS day_counts (
    day TEXT PRIMARY KEY,
    records INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS quarantine (
    source_id INTEGER NOT NULL,
    line INTEGER NOT NULL,
    day TEXT,
    reason TEXT NOT NULL,
    file TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS quarantine_by_day ON quarantine (day);
CREATE TABLE IF NOT EXISTS superseded_sources (
    source_id INTEGER PRIMARY KEY,
    superseded_by INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS failed_sources (
    path TEXT PRIMARY KEY,
    size INTEGER NOT NULL,
    reason TEXT NOT NULL,
    failed_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS coverage_declarations (
    declared_from TEXT NOT NULL,
    declared_to TEXT NOT NULL,
    declared_at TEXT NOT NULL,
    commit_id TEXT NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One source file as the catalog records it."""

    source_id: int
    path: str
    size: int
    mtime_ns: int
    sha256: str
    format: str
    compression: str
    records_read: int
    records_new: int
    duplicates: int
    quarantined: int
    coerced_values: int
    invalid_utf8_lines: int
    min_time: str | None
    max_time: str | None
    damage: str | None
    commit_id: str
    ingested_at: str


@dataclass(frozen=True, slots=True)
class QuarantineRow:
    """One malformed line: where it came from, its UTC day when it could be read, and why."""

    source_id: int
    line: int
    day: str | None
    reason: str
    file: str


@dataclass(frozen=True, slots=True)
class DataFileRow:
    """One live Parquet file, its path relative to the store root."""

    path: str
    day: str
    records: int
    commit_id: str


def connect(path: Path, *, create: bool = False) -> sqlite3.Connection:
    """Open the catalog; with `create`, make it (and its tables) when missing."""
    if not create and not path.exists():
        raise StoreError(f"catalog {path} is missing")
    try:
        connection = sqlite3.connect(path, timeout=30, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=FULL")
        if create:
            connection.executescript(_DDL)
            connection.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                (str(SCHEMA_VERSION),),
            )
    except sqlite3.Error as error:
        raise StoreError(f"cannot open the store catalog {path}: {error}") from error
    _check_version(connection, path)
    return connection


def _check_version(connection: sqlite3.Connection, path: Path) -> None:
    try:
        row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.Error as error:
        raise StoreError(f"{path} is not a kmsaudit catalog: {error}") from error
    if row is None or int(row[0]) != SCHEMA_VERSION:
        found = row[0] if row else "none"
        raise StoreError(
            f"store catalog {path} has schema version {found}, this kmsaudit reads version "
            f"{SCHEMA_VERSION}; ingest the exports again into a new store"
        )


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block in one IMMEDIATE transaction: all of it commits, or none of it."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def find_source_by_stat(
    connection: sqlite3.Connection, path: str, size: int, mtime_ns: int
) -> int | None:
    row = connection.execute(
        "SELECT source_id FROM sources WHERE path = ? AND size = ? AND mtime_ns = ?",
        (path, size, mtime_ns),
    ).fetchone()
    return None if row is None else int(row[0])


def find_source_by_hash(connection: sqlite3.Connection, sha256: str) -> SourceRow | None:
    row = connection.execute("SELECT * FROM sources WHERE sha256 = ?", (sha256,)).fetchone()
    return None if row is None else SourceRow(*row)


def next_source_id(connection: sqlite3.Connection) -> int:
    row = connection.execute("SELECT coalesce(max(source_id), 0) + 1 FROM sources").fetchone()
    return int(row[0])


def insert_source(connection: sqlite3.Connection, source: SourceRow) -> None:
    placeholders = ", ".join("?" * len(SourceRow.__slots__))
    connection.execute(f"INSERT INTO sources VALUES ({placeholders})", _astuple(source))


def supersede_damaged(connection: sqlite3.Connection, source: SourceRow) -> None:
    """Mark damaged sources at `source.path` as replaced by `source`, a clean read of that path.

    Call inside the commit's transaction, only for a source read without damage.
    """
    connection.execute(
        "INSERT OR IGNORE INTO superseded_sources (source_id, superseded_by) "
        "SELECT source_id, ? FROM sources "
        "WHERE path = ? AND damage IS NOT NULL AND source_id <> ?",
        (source.source_id, source.path, source.source_id),
    )


def insert_data_files(connection: sqlite3.Connection, files: list[DataFileRow]) -> None:
    connection.executemany(
        "INSERT INTO data_files VALUES (?, ?, ?, ?)", [_astuple(row) for row in files]
    )


def add_day_counts(connection: sqlite3.Connection, counts: dict[str, int]) -> None:
    connection.executemany(
        "INSERT INTO day_counts (day, records) VALUES (?, ?) "
        "ON CONFLICT (day) DO UPDATE SET records = records + excluded.records",
        sorted(counts.items()),
    )


def insert_quarantine(connection: sqlite3.Connection, rows: list[QuarantineRow]) -> None:
    connection.executemany(
        "INSERT INTO quarantine VALUES (?, ?, ?, ?, ?)", [_astuple(row) for row in rows]
    )


def insert_coverage(
    connection: sqlite3.Connection, declared_from: str, declared_to: str, declared_at: str,
    commit_id: str,
) -> None:
    connection.execute(
        "INSERT INTO coverage_declarations VALUES (?, ?, ?, ?)",
        (declared_from, declared_to, declared_at, commit_id),
    )


def record_failure(connection: sqlite3.Connection, path: str, size: int, reason: str) -> None:
    """Remember a source file that could not be ingested, replacing an earlier failure of it."""
    with transaction(connection):
        connection.execute(
            "INSERT OR REPLACE INTO failed_sources VALUES (?, ?, ?, ?)",
            (path, size, reason, datetime.now(UTC).isoformat()),
        )


def clear_failures(connection: sqlite3.Connection, paths: list[str] | None = None) -> int:
    """Forget the failures of `paths`, or all of them; return how many were forgotten."""
    with transaction(connection):
        if paths is None:
            return connection.execute("DELETE FROM failed_sources").rowcount
        return connection.executemany(
            "DELETE FROM failed_sources WHERE path = ?", [(path,) for path in paths]
        ).rowcount


def failed_sources(connection: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """Source files whose last ingest failed: (path, reason, failed_at), by path."""
    rows = connection.execute(
        "SELECT path, reason, failed_at FROM failed_sources ORDER BY path"
    ).fetchall()
    return [(str(path), str(reason), str(failed_at)) for path, reason, failed_at in rows]


def data_files(connection: sqlite3.Connection, days: list[str] | None = None) -> list[DataFileRow]:
    """List live data files, all of them or those of the given UTC days (`YYYY-MM-DD`)."""
    if days is None:
        rows = connection.execute("SELECT * FROM data_files ORDER BY day, path").fetchall()
    else:
        rows = []
        for start in range(0, len(days), 500):
            chunk = days[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows += connection.execute(
                f"SELECT * FROM data_files WHERE day IN ({marks}) ORDER BY day, path", chunk
            ).fetchall()
    return [DataFileRow(*row) for row in rows]


@dataclass(frozen=True, slots=True)
class QuarantineCount:
    """Quarantined rows that may belong to a period, and the quarantine files holding them."""

    dated: int
    undated: int
    files: list[str]


def records_per_day(connection: sqlite3.Connection) -> dict[date, int]:
    rows = connection.execute("SELECT day, records FROM day_counts").fetchall()
    return {date.fromisoformat(day): int(count) for day, count in rows}


def coverage_declarations(connection: sqlite3.Connection) -> list[tuple[datetime, datetime]]:
    """Declared coverage periods, half-open and in UTC, by start."""
    rows = connection.execute(
        "SELECT declared_from, declared_to FROM coverage_declarations ORDER BY declared_from"
    ).fetchall()
    return [(datetime.fromisoformat(start), datetime.fromisoformat(end)) for start, end in rows]


def sources_reaching(
    connection: sqlite3.Connection, start: datetime, end: datetime
) -> list[dict[str, object]]:
    """Source files whose records reach `[start, end)`, or whose time range is unknown."""
    cursor = connection.execute(
        f"SELECT {_SOURCE_SUMMARY} FROM sources "
        "WHERE (max_time IS NULL OR max_time >= ?) AND (min_time IS NULL OR min_time < ?) "
        "ORDER BY path",
        (start.isoformat(), end.isoformat()),
    )
    return _dicts(cursor)


def damaged_sources_before(connection: sqlite3.Connection, end: datetime) -> list[dict[str, object]]:
    """Damaged source files, not since read cleanly, whose records start before `end`.

    Their readable records may all lie before a window while the lost part reaches into it,
    because exports are written in receive order: only the start bounds a damaged file.
    """
    cursor = connection.execute(
        f"SELECT {_SOURCE_SUMMARY} FROM sources "
        "WHERE damage IS NOT NULL AND (min_time IS NULL OR min_time < ?) "
        "AND source_id NOT IN (SELECT source_id FROM superseded_sources) "
        "ORDER BY path",
        (end.isoformat(),),
    )
    return _dicts(cursor)


_SOURCE_SUMMARY = (
    "path, size, sha256, format, compression, records_read, min_time, max_time, damage, "
    "ingested_at"
)


def _dicts(cursor: sqlite3.Cursor) -> list[dict[str, object]]:
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def quarantine_between(connection: sqlite3.Connection, first: date, last: date) -> QuarantineCount:
    """Count quarantined rows dated from `first` to `last`, and undated rows whose source file's
    records reach those days (or whose source has no readable record at all)."""
    first_text, last_text = first.isoformat(), last.isoformat()
    dated, undated, files = connection.execute(
        "SELECT count(*) FILTER (WHERE q.day IS NOT NULL), count(*) FILTER (WHERE q.day IS NULL), "
        "group_concat(DISTINCT q.file) "
        "FROM quarantine AS q JOIN sources AS s USING (source_id) "
        "WHERE q.day BETWEEN ? AND ? OR (q.day IS NULL "
        "AND (s.max_time IS NULL OR substr(s.max_time, 1, 10) >= ?) "
        "AND (s.min_time IS NULL OR substr(s.min_time, 1, 10) <= ?))",
        (first_text, last_text, first_text, last_text),
    ).fetchone()
    return QuarantineCount(int(dated), int(undated), sorted((files or "").split(",")) if files else [])


def quarantine_totals(connection: sqlite3.Connection) -> QuarantineCount:
    """Count every quarantined row, with and without a readable day."""
    total, undated = connection.execute(
        "SELECT count(*), count(*) FILTER (WHERE day IS NULL) FROM quarantine"
    ).fetchone()
    files = [row[0] for row in connection.execute("SELECT DISTINCT file FROM quarantine ORDER BY 1")]
    return QuarantineCount(int(total) - int(undated), int(undated), files)


def sources_by_format(connection: sqlite3.Connection) -> dict[str, int]:
    rows = connection.execute(
        "SELECT format, count(*) FROM sources GROUP BY format ORDER BY format"
    ).fetchall()
    return {str(name): int(count) for name, count in rows}


def source_time_range(connection: sqlite3.Connection) -> tuple[datetime | None, datetime | None]:
    """Return the earliest and latest record time over all source files."""
    first, last = connection.execute("SELECT min(min_time), max(max_time) FROM sources").fetchone()
    return (
        datetime.fromisoformat(first) if first else None,
        datetime.fromisoformat(last) if last else None,
    )


def damaged_source_paths(connection: sqlite3.Connection) -> list[str]:
    """Paths of damaged source files that no clean read of the same path has replaced."""
    rows = connection.execute(
        "SELECT path FROM sources WHERE damage IS NOT NULL "
        "AND source_id NOT IN (SELECT source_id FROM superseded_sources) ORDER BY path"
    ).fetchall()
    return [str(row[0]) for row in rows]


def _astuple(row: object) -> tuple[object, ...]:
    return tuple(getattr(row, name) for name in row.__slots__)  # type: ignore[attr-defined]
