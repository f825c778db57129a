"""An ingest killed mid-run leaves a consistent store, and a rerun completes it."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import daily_records, write_jsonl
from kmsaudit import Store, ingest

START = datetime(2026, 1, 1, tzinfo=UTC)
FILES = 12
RECORDS_PER_FILE = 3000

# Ingests every file in its own commit so a kill can land between commits.
_INGEST_SCRIPT = """
import sys
from kmsaudit import IngestOptions, Store, ingest
with Store.create(sys.argv[1]) as store:
    ingest(store, [sys.argv[2]], IngestOptions(commit_records=1))
"""


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exports")
    for index in range(FILES):
        first = START + timedelta(days=index * 3)
        records = []
        for minute in range(RECORDS_PER_FILE):
            records += daily_records(first + timedelta(minutes=minute), 1)
        write_jsonl(folder / f"kms.json{index}", records)
    return folder


def committed_sources(catalog: Path) -> int:
    if not catalog.exists():
        return 0
    try:
        with sqlite3.connect(catalog, timeout=1) as connection:
            return int(connection.execute("SELECT count(*) FROM sources").fetchone()[0])
    except sqlite3.Error:
        return 0


def kill_ingest_after(store: Path, exports: Path, sources: int) -> None:
    """Start an ingest in a child process and SIGKILL it once `sources` files are committed."""
    child = subprocess.Popen([sys.executable, "-c", _INGEST_SCRIPT, str(store), str(exports)])
    deadline = time.monotonic() + 120
    while committed_sources(store / "catalog.sqlite") < sources:
        if child.poll() is not None or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    child.send_signal(signal.SIGKILL)
    child.wait()


def assert_consistent(store: Store) -> None:
    listed = {row.path for row in store.data_files()}
    on_disk = {p.relative_to(store.root).as_posix() for p in store.layout.records.rglob("*.parquet")}
    assert listed <= on_disk
    duck = store.duckdb()
    stored = duck.execute("SELECT count(*) FROM records").fetchone()[0]
    counted = store.catalog.execute("SELECT coalesce(sum(records), 0) FROM day_counts").fetchone()[0]
    new = store.catalog.execute("SELECT coalesce(sum(records_new), 0) FROM sources").fetchone()[0]
    distinct = duck.execute("SELECT count(DISTINCT dedup_key) FROM records").fetchone()[0]
    assert stored == counted
    assert stored == new
    assert stored == distinct
    assert stored % RECORDS_PER_FILE == 0


@pytest.mark.parametrize("committed_before_kill", [0, 1, 4])
def test_killed_ingest_recovers(tmp_path: Path, exports: Path, committed_before_kill: int) -> None:
    store_path = tmp_path / "store"
    kill_ingest_after(store_path, exports, committed_before_kill)
    committed = committed_sources(store_path / "catalog.sqlite")

    assert committed_before_kill <= committed < FILES
    with Store.create(store_path) as store:
        assert_consistent(store)
        summary = ingest(store, [exports])
        assert_consistent(store)
        total = store.duckdb().execute("SELECT count(*) FROM records").fetchone()[0]
        unlisted = set(store.layout.records.rglob("*.parquet")) - {
            store.root / row.path for row in store.data_files()
        }
    assert summary.complete
    assert total == FILES * RECORDS_PER_FILE
    assert unlisted == set()
    assert not (store_path / "_staging").exists() or not any((store_path / "_staging").iterdir())
