"""Ingest through the real readers into a real store: counts, types, dedup, quarantine."""

from __future__ import annotations

import csv
import gzip
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import cramjam
import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from conftest import daily_records, make_record, write_jsonl
from kmsaudit import IngestOptions, Store, ingest, store_status
from kmsaudit.errors import StoreLockedError, StrictModeError
from kmsaudit.ingest import FileStatus
from kmsaudit.store.lock import WriteLock

START = datetime(2026, 6, 1, tzinfo=UTC)


def stored_rows(store: Store, where: str = "true") -> list[dict[str, object]]:
    duck = store.duckdb()
    cursor = duck.execute(f"SELECT * FROM records WHERE {where} ORDER BY time, request_id")
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def csv_bytes(records: list[dict[str, str]]) -> bytes:
    """A console CSV download: BOM, CRLF, all fields quoted where needed, newest first."""
    fields = sorted({name for record in records for name in record})
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for record in reversed(records):
        writer.writerow(record)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode()


def test_formats_and_compressions_land(tmp_path: Path) -> None:
    records = daily_records(START, 8)
    exports = tmp_path / "exports"
    exports.mkdir()
    lines = "".join(json.dumps(r) + "\n" for r in records[0:2]).encode()
    (exports / "kms.json0").write_bytes(gzip.compress(lines))
    (exports / "15_a1b2c3").write_bytes(zstandard.ZstdCompressor().compress(csv_bytes(records[2:4])))
    page = (json.dumps(records[4:6], sort_keys=True) + "\n[]\n").encode()
    (exports / "page.snappy").write_bytes(bytes(cramjam.snappy.compress_raw(page)))
    table = pa.table({name: [r[name].encode() for r in records[6:8]] for name in records[6]})
    pq.write_table(table, exports / "object.parquet")

    with Store.create(tmp_path / "store") as store:
        summary = ingest(store, [exports])
        rows = stored_rows(store)

    formats = sorted((o.format, o.compression) for o in summary.files)
    assert formats == [
        ("csv", "zstd"), ("json-array", "snappy"), ("jsonl", "gzip"), ("parquet", "none")
    ]
    assert summary.to_dict()["records"]["new"] == 8
    assert [row["request_id"] for row in rows] == [r["request_id"] for r in records]
    assert {row["status_code"] for row in rows} == {200}
    assert {row["duration"] for row in rows} == {1.381}


def test_reingest_adds_nothing(tmp_path: Path) -> None:
    export = write_jsonl(tmp_path / "a.json", daily_records(START, 5))
    with Store.create(tmp_path / "store") as store:
        first = ingest(store, [export])
        second = ingest(store, [export])
    assert first.to_dict()["records"]["new"] == 5
    assert second.to_dict()["records"]["new"] == 0
    assert second.files[0].status is FileStatus.SKIPPED


def test_copied_file_skipped_by_hash(tmp_path: Path) -> None:
    export = write_jsonl(tmp_path / "a.json", daily_records(START, 3))
    copy = tmp_path / "copy" / "a.json"
    copy.parent.mkdir()
    copy.write_bytes(export.read_bytes())
    with Store.create(tmp_path / "store") as store:
        summary = ingest(store, [export, copy])
    statuses = sorted(o.status.value for o in summary.files)
    assert statuses == ["ingested", "skipped"]


def test_overlapping_exports_deduplicated(tmp_path: Path) -> None:
    records = daily_records(START, 10)
    first = write_jsonl(tmp_path / "first.json", records[:7])
    second = write_jsonl(tmp_path / "second.json", records[4:])
    with Store.create(tmp_path / "store") as store:
        summary = ingest(store, [first, second])
        later = ingest(store, [write_jsonl(tmp_path / "third.json", records[8:])])
        count = len(stored_rows(store))
    assert summary.to_dict()["records"]["duplicates"] == 3
    assert later.to_dict()["records"]["duplicates"] == 2
    assert count == 10


def test_missing_request_id_hashes_record(tmp_path: Path) -> None:
    record = make_record(START, request_id="")
    first = write_jsonl(tmp_path / "a.json", [record])
    (tmp_path / "b.csv").write_bytes(csv_bytes([record]))
    with Store.create(tmp_path / "store") as store:
        ingest(store, [first, tmp_path / "b.csv"])
        rows = stored_rows(store)
    assert len(rows) == 1
    assert str(rows[0]["dedup_key"]).startswith("sha256:")


def test_time_falls_back_to_sls_time(tmp_path: Path) -> None:
    moment = START + timedelta(hours=3, microseconds=250_000)
    base = make_record(moment)
    del base["time"]
    as_integer = dict(base, request_id="int", __time__=int(moment.timestamp()))
    as_string = dict(base, request_id="str")
    with_ns = dict(base, request_id="ns", __time_ns_part__=[250_000_000])
    bad_time = dict(base, request_id="bad", time="yesterday")
    export = write_jsonl(tmp_path / "a.json", [as_integer, as_string, with_ns, bad_time])
    with Store.create(tmp_path / "store") as store:
        ingest(store, [export])
        rows = {row["request_id"]: row for row in stored_rows(store)}
    whole_second = moment.replace(microsecond=0)
    assert rows["int"]["time"] == whole_second
    assert rows["str"]["time"] == whole_second
    assert rows["ns"]["time"] == moment
    assert rows["bad"]["time"] == whole_second
    assert json.loads(str(rows["bad"]["extra"]))["time"] == "yesterday"


def test_zoneless_time_needs_time_zone(tmp_path: Path) -> None:
    record = make_record(START, time="2026-06-01 08:30:00")
    export = write_jsonl(tmp_path / "a.json", [record])
    with Store.create(tmp_path / "store") as store:
        refused = ingest(store, [export])
        accepted = ingest(store, [export], IngestOptions(time_zone=_shanghai()))
        rows = stored_rows(store)
    assert refused.files[0].status is FileStatus.FAILED
    assert "--time-zone" in str(refused.files[0].message)
    assert not refused.complete
    assert accepted.files[0].status is FileStatus.INGESTED
    assert rows[0]["time"] == datetime(2026, 6, 1, 0, 30, tzinfo=UTC)


def _shanghai():  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo("Asia/Shanghai")


def test_schema_drift_between_files(tmp_path: Path) -> None:
    old = make_record(START, request_id="old", status_code="200")
    new = make_record(START + timedelta(days=1), request_id="new", gateway_type="dedicated")
    new_typed: dict[str, object] = dict(new, status_code=403, duration=2.5)
    with Store.create(tmp_path / "store") as store:
        ingest(store, [write_jsonl(tmp_path / "old.json", [old])])
        ingest(store, [write_jsonl(tmp_path / "new.json", [new_typed])])
        rows = {row["request_id"]: row for row in stored_rows(store)}
    assert rows["old"]["gateway_type"] is None
    assert rows["new"]["gateway_type"] == "dedicated"
    assert rows["old"]["status_code"] == 200
    assert rows["new"]["status_code"] == 403
    assert rows["new"]["duration"] == 2.5


def test_unknown_fields_kept_in_extra(tmp_path: Path) -> None:
    record: dict[str, object] = dict(
        make_record(START), **{"__tag__:__receive_time__": "1780000000", "new_field": {"a": 1}}
    )
    with Store.create(tmp_path / "store") as store:
        ingest(store, [write_jsonl(tmp_path / "a.json", [record])])
        row = stored_rows(store)[0]
    extra = json.loads(str(row["extra"]))
    assert extra["__tag__:__receive_time__"] == "1780000000"
    assert extra["new_field"] == {"a": 1}


def test_ids_stored_as_exported(tmp_path: Path) -> None:
    record = make_record(START, access_key_id=" KAAP.AbC ", principal_id="aap_X\t")
    with Store.create(tmp_path / "store") as store:
        ingest(store, [write_jsonl(tmp_path / "a.json", [record])])
        row = stored_rows(store)[0]
    assert row["access_key_id"] == " KAAP.AbC "
    assert row["principal_id"] == "aap_X\t"


def test_bad_status_code_kept_raw(tmp_path: Path) -> None:
    record = make_record(START, status_code="OK")
    with Store.create(tmp_path / "store") as store:
        summary = ingest(store, [write_jsonl(tmp_path / "a.json", [record])])
        row = stored_rows(store)[0]
    assert row["status_code"] is None
    assert json.loads(str(row["extra"]))["status_code"] == "OK"
    assert summary.to_dict()["records"]["coerced_values"] == 1


def test_malformed_lines_quarantined_exactly(tmp_path: Path) -> None:
    good = daily_records(START, 5)
    lines = [json.dumps(r) for r in good]
    lines.insert(1, '{"time": "2026-06-01T10:00:00Z", "request_id": "x"')
    lines.insert(4, "not json at all")
    lines.insert(6, '42')
    export = tmp_path / "mixed.json"
    export.write_text("\n".join(lines) + "\n")
    with Store.create(tmp_path / "store") as store:
        summary = ingest(store, [export])
        quarantine = (store.root / summary.quarantine_files[0]).read_text().splitlines()
        status = store_status(store)
    entries = [json.loads(line) for line in quarantine]
    assert summary.to_dict()["records"]["new"] == 5
    assert summary.to_dict()["records"]["quarantined"] == 3
    assert summary.complete
    assert [entry["line"] for entry in entries] == [2, 5, 7]
    assert {entry["source"] for entry in entries} == {str(export.resolve())}
    assert status.quarantined == 3
    assert status.quarantined_unknown_day == 2


def test_truncated_gzip_keeps_good_records(tmp_path: Path) -> None:
    lines = "".join(json.dumps(r) + "\n" for r in daily_records(START, 200)).encode()
    compressed = gzip.compress(lines)
    export = tmp_path / "cut.json.gz"
    export.write_bytes(compressed[: len(compressed) * 2 // 3])
    with Store.create(tmp_path / "store") as store:
        summary = ingest(store, [export])
        status = store_status(store)
    outcome = summary.files[0]
    assert outcome.status is FileStatus.INGESTED
    assert outcome.damage is not None
    assert 0 < outcome.records_new < 200
    assert status.damaged_sources == [str(export.resolve())]


def test_secret_file_rejected_and_not_stored(tmp_path: Path) -> None:
    secret = tmp_path / "clientKey_KAAP.1234.json"
    secret.write_text(json.dumps({"KeyId": "KAAP.1234", "PrivateKeyData": "TOP-SECRET-MATERIAL"}))
    export = write_jsonl(tmp_path / "a.json", daily_records(START, 2))
    with Store.create(tmp_path / "store") as store:
        summary = ingest(store, [tmp_path])
    outcomes = {Path(o.path).name: o for o in summary.files}
    assert outcomes[secret.name].status is FileStatus.REJECTED
    assert outcomes[export.name].status is FileStatus.INGESTED
    assert "TOP-SECRET" not in str(summary.to_dict())
    for path in (tmp_path / "store").rglob("*"):
        if path.is_file():
            assert b"TOP-SECRET" not in path.read_bytes(), path


def test_strict_mode_leaves_store_unchanged(tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "a.json", daily_records(START, 3))
    bad = tmp_path / "b.json"
    bad.write_text(json.dumps(make_record(START)) + "\n{broken\n")
    with Store.create(tmp_path / "store") as store:
        with pytest.raises(StrictModeError) as raised:
            ingest(store, [good, bad], IngestOptions(strict=True))
        files_after = store.data_files()
        sources = store.catalog_frame("sources").height
    assert raised.value.line == 2
    assert raised.value.path == str(bad.resolve())
    assert files_after == []
    assert sources == 0


def test_second_writer_rejected(tmp_path: Path) -> None:
    export = write_jsonl(tmp_path / "a.json", daily_records(START, 2))
    with Store.create(tmp_path / "store") as store:
        with WriteLock(store.layout.lock):
            with pytest.raises(StoreLockedError, match="another kmsaudit process"):
                ingest(store, [export])
        assert store.data_files() == []


def test_records_sorted_for_pruning(tmp_path: Path) -> None:
    records = [
        make_record(START + timedelta(minutes=i), access_key_id=f"KAAP.{9 - i % 10}")
        for i in range(30)
    ]
    with Store.create(tmp_path / "store") as store:
        ingest(store, [write_jsonl(tmp_path / "a.json", records)])
        path = store.data_paths()[0]
    keys = duckdb.sql(f"SELECT access_key_id FROM read_parquet('{path}')").fetchall()
    assert [key for (key,) in keys] == sorted(key for (key,) in keys)
    metadata = pq.ParquetFile(path).metadata
    assert metadata.row_group(0).column(0).compression == "ZSTD"
    assert Path(path).parent.name == "day=2026-06-01"


def test_declared_coverage_fills_gaps(tmp_path: Path) -> None:
    records = daily_records(START, 2) + daily_records(START + timedelta(days=5), 2)
    export = write_jsonl(tmp_path / "a.json", records)
    with Store.create(tmp_path / "store") as store:
        ingest(store, [export])
        before = store_status(store)
        ingest(
            store,
            [export],
            IngestOptions(covers=((START + timedelta(days=2), START + timedelta(days=5)),)),
        )
        after = store_status(store)
    assert [str(gap) for gap in before.gaps] == ["2026-06-03..2026-06-05"]
    assert after.gaps == []


def test_garbage_first_line_keeps_rest(tmp_path: Path) -> None:
    export = tmp_path / "a.json"
    records = daily_records(START, 3)
    export.write_text("#### partial line from a cut download\n" + "".join(json.dumps(r) + "\n" for r in records))
    with Store.create(tmp_path / "store") as store:
        summary = ingest(store, [export])
    assert summary.files[0].status is FileStatus.INGESTED
    assert summary.to_dict()["records"]["new"] == 3
    assert summary.to_dict()["records"]["quarantined"] == 1
