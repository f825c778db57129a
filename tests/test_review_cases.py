"""Inputs that once led to a wrong `safe` or to lost records, each kept as a regression case.

Every store has a RAM-user record at 01:00 and 23:00 UTC on each day of a ten-day window, so the
window is covered unless a case removes days. The RAM records never prove or suggest use.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import make_record, write_jsonl
from kmsaudit import IngestOptions, Store, ingest
from kmsaudit.checks import ReasonCode, Verdict
from kmsaudit.errors import UsageError
from kmsaudit.ingest import FileStatus

KEY = "KAAP.66abf237-63f6-4625-b8cf-47e1086e1a2b"
AS_OF = datetime(2026, 3, 1, tzinfo=UTC)
FIRST_DAY = AS_OF - timedelta(days=10)


def background() -> list[dict[str, str]]:
    records = []
    for offset in range(10):
        day = FIRST_DAY + timedelta(days=offset)
        for hour in (1, 23):
            records.append(
                make_record(
                    day + timedelta(hours=hour),
                    access_key_id="LTAI5tBackground",
                    identity_type="ram-user",
                    principal_id="203456789012345678",
                )
            )
    return records


def key_call(moment: datetime, **fields: str) -> dict[str, str]:
    return make_record(moment, access_key_id=KEY, principal_id="aap_payments", **fields)


def check(tmp_path: Path, *exports: Path, options: IngestOptions | None = None):  # type: ignore[no-untyped-def]
    base = write_jsonl(tmp_path / "background.json", background())
    with Store.create(tmp_path / "store") as store:
        ingest(store, [base, *exports], options)
        return store.check_key(KEY, as_of=AS_OF, window_days=10)


def reason_codes(result) -> set[ReasonCode]:  # type: ignore[no-untyped-def]
    return {reason.code for reason in result.reasons}


def test_truncated_export_before_window_inconclusive(tmp_path: Path) -> None:
    start = FIRST_DAY - timedelta(days=5)
    calls = [key_call(start + timedelta(minutes=20 * i)) for i in range(1000)]
    data = gzip.compress("".join(json.dumps(r) + "\n" for r in calls).encode())
    cut = tmp_path / "shard.json.gz"
    cut.write_bytes(data[: len(data) // 4])
    result = check(tmp_path, cut)
    assert result.verdict is Verdict.INCONCLUSIVE
    assert ReasonCode.DAMAGED_SOURCES in reason_codes(result)


def test_clean_reread_clears_damage(tmp_path: Path) -> None:
    calls = [key_call(FIRST_DAY - timedelta(days=3) + timedelta(minutes=i)) for i in range(500)]
    data = gzip.compress("".join(json.dumps(r) + "\n" for r in calls).encode())
    export = tmp_path / "shard.json.gz"
    export.write_bytes(data[: len(data) // 3])
    base = write_jsonl(tmp_path / "background.json", background())
    with Store.create(tmp_path / "store") as store:
        ingest(store, [base, export])
        damaged = store.check_key(KEY, as_of=AS_OF, window_days=10)
        export.write_bytes(data)
        ingest(store, [export])
        repaired = store.check_key(KEY, as_of=AS_OF, window_days=10)
    assert damaged.verdict is Verdict.INCONCLUSIVE
    assert repaired.verdict is Verdict.SAFE


@pytest.mark.parametrize(
    "target",
    [KEY + "\u200b", "\u2060" + KEY, KEY.replace("-", "\u2013", 1), " " + KEY, ""],
    ids=["zero-width-space", "word-joiner", "en-dash", "leading-space", "empty"],
)
def test_invisible_characters_rejected(tmp_path: Path, target: str) -> None:
    base = write_jsonl(tmp_path / "background.json", background())
    with Store.create(tmp_path / "store") as store:
        ingest(store, [base])
        with pytest.raises(UsageError):
            store.check_key(target, as_of=AS_OF, window_days=10)


def test_unrecognized_input_blocks_covers(tmp_path: Path) -> None:
    records = [r for r in background() if not r["time"].startswith("2026-02-25")]
    base = write_jsonl(tmp_path / "gappy.json", records)
    utf16 = tmp_path / "fill.csv"
    utf16.write_text("time,request_id,access_key_id\n2026-02-25T10:00:00Z,r1," + KEY + "\n", "utf-16")
    covers = ((FIRST_DAY, AS_OF),)
    with Store.create(tmp_path / "store") as store:
        summary = ingest(store, [base, utf16], IngestOptions(covers=covers))
        result = store.check_key(KEY, as_of=AS_OF, window_days=10)
    assert summary.coverage_not_recorded
    assert summary.coverage_declared == []
    assert result.verdict is Verdict.INCONCLUSIVE
    assert ReasonCode.FAILED_SOURCES in reason_codes(result)


def test_csv_leading_blank_line_read(tmp_path: Path) -> None:
    export = tmp_path / "calls.csv"
    export.write_text("\n__time__,time,request_id,access_key_id\n1772013600,2026-02-25T10:00:00Z,r-csv-1," + KEY + "\n")
    base = write_jsonl(tmp_path / "background.json", background())
    with Store.create(tmp_path / "store") as store:
        summary = ingest(store, [base, export])
        result = store.check_key(KEY, as_of=AS_OF, window_days=10)
    assert all(outcome.status is FileStatus.INGESTED for outcome in summary.files)
    assert result.verdict is Verdict.IN_USE


@pytest.mark.parametrize("placeholder", ["-", " ", "0", "null"])
def test_placeholder_request_id_not_merged(tmp_path: Path, placeholder: str) -> None:
    moment = FIRST_DAY + timedelta(days=5, hours=3)
    ram = make_record(moment, request_id=placeholder, identity_type="ram-user", access_key_id="LTAI5tX")
    call = key_call(moment + timedelta(minutes=1), request_id=placeholder)
    result = check(tmp_path, write_jsonl(tmp_path / "calls.json", [ram, call]))
    assert result.verdict is Verdict.IN_USE


def test_shared_request_id_different_key_kept(tmp_path: Path) -> None:
    moment = FIRST_DAY + timedelta(days=5, hours=3)
    ram = make_record(moment, request_id="11111111-2222", identity_type="ram-user", access_key_id="LTAI5tX")
    call = key_call(moment, request_id="11111111-2222")
    result = check(tmp_path, write_jsonl(tmp_path / "calls.json", [ram, call]))
    assert result.verdict is Verdict.IN_USE


def test_conflicting_times_quarantined(tmp_path: Path) -> None:
    call = key_call(FIRST_DAY + timedelta(days=5), time="1970-01-01T00:00:00Z")
    result = check(tmp_path, write_jsonl(tmp_path / "calls.json", [call]))
    assert result.verdict is Verdict.INCONCLUSIVE
    assert ReasonCode.QUARANTINED_ROWS in reason_codes(result)


def test_quarantine_dated_by_time_field(tmp_path: Path) -> None:
    line = (
        '{"error_message": "expired before 2025-01-01T00:00:00Z", "time": '
        '"2026-02-25T10:00:00Z", "access_key_id": "' + KEY + '", "request_id": "x"'
    )
    export = tmp_path / "broken.json"
    export.write_text(json.dumps(background()[0]) + "\n" + line + "\n")
    result = check(tmp_path, export)
    assert result.verdict is Verdict.INCONCLUSIVE
    assert ReasonCode.QUARANTINED_ROWS in reason_codes(result)


def test_aap_case_variant_unattributed(tmp_path: Path) -> None:
    pairing = key_call(FIRST_DAY - timedelta(days=30))
    gateway = make_record(
        FIRST_DAY + timedelta(days=5), access_key_id="", identity_type="aap", principal_id="AAP_Payments"
    )
    result = check(tmp_path, write_jsonl(tmp_path / "calls.json", [pairing, gateway]))
    assert result.verdict is Verdict.INCONCLUSIVE
    assert ReasonCode.UNATTRIBUTED_RECORDS in reason_codes(result)


def test_unknown_identity_type_unattributed(tmp_path: Path) -> None:
    gateway = make_record(
        FIRST_DAY + timedelta(days=5), access_key_id="", identity_type="client-key", principal_id=""
    )
    result = check(tmp_path, write_jsonl(tmp_path / "calls.json", [gateway]))
    assert result.verdict is Verdict.INCONCLUSIVE
    assert ReasonCode.UNATTRIBUTED_RECORDS in reason_codes(result)


@pytest.mark.parametrize(
    "fields",
    [
        {"time": "0001-01-01T00:00:00+08:00"},
        {"status_code": "3000000000"},
        {"status_code": str(10**30)},
        {"__time__": str(10**19)},
    ],
    ids=["time-before-year-1", "status-over-int32", "status-over-int64", "sls-time-over-int64"],
)
def test_out_of_range_values_kept(tmp_path: Path, fields: dict[str, str]) -> None:
    call = key_call(FIRST_DAY + timedelta(days=5), **fields)
    result = check(tmp_path, write_jsonl(tmp_path / "calls.json", [call]))
    assert result.verdict is Verdict.IN_USE


def test_lone_surrogate_kept(tmp_path: Path) -> None:
    export = tmp_path / "calls.json"
    record = key_call(FIRST_DAY + timedelta(days=5))
    line = json.dumps(record)[:-1] + ', "useragent": "sdk \\ud800"}'
    export.write_text(line + "\n")
    result = check(tmp_path, export)
    assert result.verdict is Verdict.IN_USE
