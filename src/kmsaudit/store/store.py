"""`Store`: a handle on one store folder for reading, and the entry point for writing."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Self

import duckdb
import polars as pl

from ..coverage import CoverageMap
from ..errors import StoreError, StoreNotFoundError
from ..schema import RECORD_SCHEMA
from . import catalog
from .catalog import DataFileRow
from .layout import StoreLayout, resolve_store_path
from .lock import WriteLock
from .writer import recover

if TYPE_CHECKING:
    from ..checks import CheckOptions, CheckResult


class Store:
    """An existing store, opened for reading; `Store.create` makes or opens one for ingest.

    Reads see the store as of the last completed commit: only data files listed in the catalog
    are read, so an ingest in progress stays invisible until it commits.
    """

    def __init__(self, root: Path, connection: sqlite3.Connection) -> None:
        self.layout = StoreLayout(root)
        self.root = root
        self._catalog = connection

    @classmethod
    def open(cls, path: str | Path | None = None) -> Store:
        """Open an existing store; raise `StoreNotFoundError` naming the path when there is none."""
        root = resolve_store_path(path)
        layout = StoreLayout(root)
        if not layout.catalog.exists():
            raise StoreNotFoundError(
                f"no kmsaudit store at {root}; run 'kmsaudit ingest EXPORTS...' first, or pass "
                "--store (or set KMSAUDIT_STORE) to the folder of an existing store"
            )
        return cls(root, catalog.connect(layout.catalog))

    @classmethod
    def create(cls, path: str | Path | None = None) -> Store:
        """Open the store at `path`, creating its folder and catalog when missing."""
        root = resolve_store_path(path)
        layout = StoreLayout(root)
        try:
            layout.records.mkdir(parents=True, exist_ok=True)
            layout.quarantine.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot create the store folder {root}: {error}") from error
        return cls(root, catalog.connect(layout.catalog, create=True))

    def close(self) -> None:
        self._catalog.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def catalog(self) -> sqlite3.Connection:
        """The SQLite catalog connection, for the store's own modules."""
        return self._catalog

    @contextmanager
    def writing(self) -> Iterator[Store]:
        """Hold the write lock and clean up what an interrupted ingest left, for the block."""
        with WriteLock(self.layout.lock):
            recover(self.layout, self._catalog)
            yield self

    def coverage_map(self) -> CoverageMap:
        """Read records per UTC day and the declared coverage periods from the catalog."""
        return CoverageMap(
            catalog.records_per_day(self._catalog),
            tuple(catalog.coverage_declarations(self._catalog)),
        )

    def data_files(self, days: list[str] | None = None) -> list[DataFileRow]:
        return catalog.data_files(self._catalog, days)

    def data_paths(self) -> list[str]:
        """Absolute paths of the live Parquet data files."""
        return [(self.root / row.path).as_posix() for row in self.data_files()]

    def catalog_frame(self, table: str) -> pl.DataFrame:
        """Read one catalog table (`sources`, `day_counts`, `quarantine`, ...) as a Polars frame."""
        if table not in _CATALOG_TABLES:
            raise StoreError(f"unknown catalog table {table!r}; known: {', '.join(_CATALOG_TABLES)}")
        cursor = self._catalog.execute(f"SELECT * FROM {table}")
        names = [column[0] for column in cursor.description]
        rows = cursor.fetchall()
        return pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)

    def records(self) -> pl.LazyFrame:
        """Return all live records as a Polars LazyFrame of the canonical schema."""
        paths = self.data_paths()
        if not paths:
            return pl.from_arrow(RECORD_SCHEMA.empty_table()).lazy()  # type: ignore[union-attr]
        return pl.scan_parquet(paths, hive_partitioning=True)

    def duckdb(self) -> duckdb.DuckDBPyConnection:
        """Open a DuckDB connection with a `records` view of the live data files.

        Times come back in UTC whatever the machine's zone. The catalog tables are snapshots
        named `catalog_sources`, `catalog_day_counts`, and so on. The macro `strip_space(text)`
        removes surrounding white space and invisible format characters (Unicode spaces,
        zero-width spaces, byte-order marks), which DuckDB's `trim` leaves in place.
        """
        duck = duckdb.connect()
        try:
            duck.execute("SET TimeZone = 'UTC'")
            duck.execute(_STRIP_SPACE_MACRO)
            paths = self.data_paths()
            if paths:
                duck.read_parquet(paths, hive_partitioning=True).create_view("records")
            else:
                duck.from_arrow(RECORD_SCHEMA.empty_table()).create_view("records")
            for table in _CATALOG_TABLES:
                duck.from_arrow(self.catalog_frame(table).to_arrow()).create_view(
                    f"catalog_{table}"
                )
        except duckdb.Error as error:
            duck.close()
            raise StoreError(f"cannot read the store {self.root}: {error}") from error
        return duck

    def check_key(
        self,
        key_id: str,
        *,
        as_of: datetime | None = None,
        window_days: int | None = None,
        freshness_allowance: timedelta | None = None,
    ) -> CheckResult:
        """Check whether client key `key_id` is safe to delete; see `kmsaudit.checks.Checker`."""
        from ..checks import Checker

        checker = Checker(self, _check_options(as_of, window_days, freshness_allowance))
        try:
            return checker.check_key(key_id)
        finally:
            checker.close()

    def check_aap(
        self,
        name: str,
        *,
        client_key_ids: tuple[str, ...] = (),
        as_of: datetime | None = None,
        window_days: int | None = None,
        freshness_allowance: timedelta | None = None,
    ) -> CheckResult:
        """Check whether the AAP `name` is safe to delete; see `kmsaudit.checks.Checker`."""
        from ..checks import Checker

        checker = Checker(self, _check_options(as_of, window_days, freshness_allowance))
        try:
            return checker.check_aap(name, client_key_ids)
        finally:
            checker.close()


_STRIP_SPACE_MACRO = r"""
CREATE MACRO strip_space(text) AS
    regexp_replace(text, '^[\s\p{Z}\p{Cf}]+|[\s\p{Z}\p{Cf}]+$', '', 'g')
"""

_CATALOG_TABLES = (
    "sources",
    "data_files",
    "day_counts",
    "quarantine",
    "coverage_declarations",
    "failed_sources",
)


def _check_options(
    as_of: datetime | None, window_days: int | None, freshness_allowance: timedelta | None
) -> CheckOptions:
    from ..checks import CheckOptions

    defaults = CheckOptions()
    return CheckOptions(
        as_of=as_of,
        window_days=window_days if window_days is not None else defaults.window_days,
        freshness_allowance=(
            freshness_allowance if freshness_allowance is not None else defaults.freshness_allowance
        ),
    )
