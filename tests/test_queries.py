"""Every named query has a header, binds its parameters and runs on the sample store."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from kmsaudit import Store, ingest
from kmsaudit.errors import QueryError
from kmsaudit.named_queries import available_queries, load_query, parse_query

ROOT = Path(__file__).resolve().parents[1]
QUERY_FILES = sorted((ROOT / "queries").glob("*.sql"))
PARAMETERS = {
    "target_id": "KAAP.66abf237-63f6-4625-b8cf-47e1086e1a2b",
    "target_kind": "key",
    "client_key_ids": ["KAAP.66abf237-63f6-4625-b8cf-47e1086e1a2b"],
    "window_start": datetime(2026, 6, 4, tzinfo=UTC),
    "window_end": datetime(2026, 12, 1, tzinfo=UTC),
    "limit": 10,
}


@pytest.fixture(scope="module")
def sample_duckdb(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    path = tmp_path_factory.mktemp("queries") / "store"
    with Store.create(path) as store:
        ingest(store, [ROOT / "sample_logs"])
        duck = store.duckdb()
    duck.execute("CREATE TEMP TABLE matches AS SELECT *, false AS failed FROM records LIMIT 50")
    return duck


def test_queries_folder_not_empty() -> None:
    assert len(QUERY_FILES) >= 9


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_header_and_name(path: Path) -> None:
    query = parse_query(path)
    assert query.name == path.stem
    assert len(query.description) > 20


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_query_runs_on_sample(sample_duckdb, path: Path) -> None:  # type: ignore[no-untyped-def]
    query = parse_query(path)
    needed = {name: value for name, value in PARAMETERS.items() if f"${name}" in query.sql}
    cursor = query.run(sample_duckdb, needed)
    assert cursor.description
    cursor.fetchall()


def test_user_query_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "mine.sql").write_text("-- name: mine\n-- description: count every record\nSELECT 1\n")
    monkeypatch.setenv("KMSAUDIT_QUERY_PATH", str(tmp_path))
    assert "mine" in available_queries()
    assert load_query("mine").path == tmp_path / "mine.sql"


def test_query_without_header_rejected(tmp_path: Path) -> None:
    (tmp_path / "bare.sql").write_text("SELECT 1\n")
    with pytest.raises(QueryError, match="-- name:"):
        parse_query(tmp_path / "bare.sql")


def test_unknown_query_lists_known() -> None:
    with pytest.raises(QueryError, match="check_key_matches"):
        load_query("no_such_query")
