"""Tests of the synthetic export generator and of the committed sample in `sample_logs/`.

The readers here are deliberately minimal and independent of `kmsaudit.readers`: they check what
the generator writes, byte for byte where the format is the point.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import cramjam
import pyarrow.parquet as pq
import pytest
import zstandard

from kmsaudit.synthetic import (
    BenchOptions,
    SampleOptions,
    generate_records,
    sample_cast,
    write_bench,
    write_sample,
)
from kmsaudit.synthetic.__main__ import main
from kmsaudit.synthetic.sample import DEFAULT_SEED, SAMPLE_ERAS
from kmsaudit.synthetic.sample_cast import (
    OPS_MENTIONED_KEY,
    PAYMENTS_KEY,
    REPORTING_RETIRED_KEY,
    SAMPLE_DAYS,
    SAMPLE_FIRST_DAY,
)

COMMITTED_SAMPLE = Path(__file__).resolve().parents[1] / "sample_logs"
UUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
CLIENT_KEY_PATTERN = re.compile(
    r"KAAP\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
)
FINGERPRINT_PATTERN = re.compile(r"sha256-[0-9a-f]{64}")

Log = dict[str, object]


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sample")
    write_sample(root)
    return root


@pytest.fixture(scope="module")
def sample_logs(sample: Path) -> dict[Path, list[Log]]:
    return {path.relative_to(sample): read_export(path) for path in export_files(sample)}


def export_files(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file() and path.name != "README.md")


def decompressed(path: Path) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".gz":
        return gzip.decompress(data)
    if path.suffix == ".zst":
        return zstandard.ZstdDecompressor().decompress(data)
    if path.suffix == ".snappy":
        return bytes(cramjam.snappy.decompress_raw(data))
    return data


def read_export(path: Path) -> list[Log]:
    """Read any file of the sample into a list of logs, whatever its format."""
    if path.name.endswith(".parquet"):
        table = pq.read_table(path)
        return [
            {k: v.decode() if isinstance(v, bytes) else v for k, v in row.items()}
            for row in table.to_pylist()
        ]
    text = decompressed(path).decode("utf-8")
    if path.suffix == ".csv":
        return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    if path.parent.name == "cli":
        return [log for line in text.splitlines() for log in json.loads(line)]
    return [json.loads(line) for line in text.splitlines()]


def all_logs(logs_by_file: dict[Path, list[Log]]) -> Iterator[Log]:
    for logs in logs_by_file.values():
        yield from logs


def test_sample_is_deterministic(sample: Path, tmp_path: Path) -> None:
    write_sample(tmp_path)
    first = {p.relative_to(sample): p.read_bytes() for p in export_files(sample)}
    second = {p.relative_to(tmp_path): p.read_bytes() for p in export_files(tmp_path)}
    assert first.keys() == second.keys()
    assert first == second


def test_committed_sample_matches_generator(sample: Path) -> None:
    # Parquet bytes carry the writer's version, so Parquet objects are compared by content.
    generated = [p.relative_to(sample) for p in export_files(sample)]
    committed = [p.relative_to(COMMITTED_SAMPLE) for p in export_files(COMMITTED_SAMPLE)]
    assert committed == generated, (
        "regenerate: python -m kmsaudit.synthetic sample --out sample_logs"
    )
    for relative in generated:
        if relative.name.endswith(".parquet"):
            assert pq.read_table(COMMITTED_SAMPLE / relative) == pq.read_table(sample / relative)
        else:
            assert (COMMITTED_SAMPLE / relative).read_bytes() == (sample / relative).read_bytes(), (
                f"{relative} differs from the generator's output"
            )


def test_sample_size_stays_small(sample: Path) -> None:
    total = sum(path.stat().st_size for path in export_files(sample))
    assert total < 2 * 1024 * 1024


def test_sample_covers_every_day(sample_logs: dict[Path, list[Log]]) -> None:
    days = {str(log["time"])[:10] for log in all_logs(sample_logs)}
    expected = {(SAMPLE_FIRST_DAY + timedelta(days=n)).isoformat() for n in range(SAMPLE_DAYS)}
    assert days == expected


def test_sample_has_overlap_between_files(sample_logs: dict[Path, list[Log]]) -> None:
    files_by_request: dict[object, set[Path]] = {}
    for path, logs in sample_logs.items():
        for log in logs:
            files_by_request.setdefault(log["request_id"], set()).add(path)
    shared = [files for files in files_by_request.values() if len(files) > 1]
    assert shared
    assert {Path("console/kms_audit_log_20261002-20261107.csv"),
            Path("console/kms_audit_log_20261031-20261201.csv")} in shared  # fmt: skip


def test_sample_has_no_keyless_aap_records(sample_logs: dict[Path, list[Log]]) -> None:
    keyless = [
        log
        for log in all_logs(sample_logs)
        if log["identity_type"] == "aap" and not log["access_key_id"]
    ]
    assert keyless == []


def test_shared_gateway_option_adds_keyless_aap_records(tmp_path: Path) -> None:
    write_sample(tmp_path, SampleOptions(shared_gateway_unattributed=True))
    logs = [log for path in export_files(tmp_path) for log in read_export(path)]
    keyless = [log for log in logs if log["identity_type"] == "aap" and not log["access_key_id"]]
    assert keyless
    assert {log["principal_id"] for log in keyless} == {"aap_reporting"}
    assert {log["gateway_type"] for log in keyless if log.get("gateway_type")} == {"shared"}
    assert {log["access_key_fingerprint"] for log in keyless} == {""}


def test_sample_key_stories(sample: Path, sample_logs: dict[Path, list[Log]]) -> None:
    logs = list(all_logs(sample_logs))
    payments_days = {str(log["time"])[:10] for log in logs if log["access_key_id"] == PAYMENTS_KEY}
    assert len(payments_days) == SAMPLE_DAYS
    everything = b"".join(decompressed(path) for path in export_files(sample))
    assert REPORTING_RETIRED_KEY.encode() not in everything
    mentions = [log for log in logs if OPS_MENTIONED_KEY in str(log["error_message"])]
    assert mentions
    assert not any(OPS_MENTIONED_KEY in str(log["access_key_id"]) for log in logs)


def test_record_fields_are_well_formed(sample_logs: dict[Path, list[Log]]) -> None:
    logs = list(all_logs(sample_logs))
    aap_logs = [log for log in logs if log["identity_type"] == "aap"]
    ram_logs = [log for log in logs if log["identity_type"] != "aap"]
    assert all(UUID_PATTERN.fullmatch(str(log["request_id"])) for log in logs)
    assert all(CLIENT_KEY_PATTERN.fullmatch(str(log["access_key_id"])) for log in aap_logs)
    assert all(
        FINGERPRINT_PATTERN.fullmatch(str(log["access_key_fingerprint"])) for log in aap_logs
    )
    assert {log["identity_type"] for log in ram_logs} == {"ram-user", "ram-role", "cloud-account"}
    assert all(str(log["principal_id"]).isdigit() for log in ram_logs)
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", str(log["time"])) for log in logs)
    assert {log["status_code"] for log in logs} == {"200", "400", "403", "404"}


def test_time_matches_unix_time(sample_logs: dict[Path, list[Log]]) -> None:
    for log in all_logs(sample_logs):
        stamp = datetime.fromtimestamp(int(str(log["__time__"])), UTC)
        assert stamp.strftime("%Y-%m-%dT%H:%M:%SZ") == log["time"]


def test_older_records_lack_late_fields(sample_logs: dict[Path, list[Log]]) -> None:
    logs = sample_logs[Path("dumps/2026-08/kms.json0")]
    older = [log for log in logs if str(log["time"]) < "2026-08-20"]
    newer = [log for log in logs if str(log["time"]) >= "2026-08-21"]
    assert older
    assert not any("gateway_type" in log or "error_code" in log for log in older)
    assert newer
    assert all("gateway_type" in log and "error_code" in log for log in newer)


def test_dump_lines_match_sdk_output(sample: Path) -> None:
    raw = (sample / "dumps/2026-09/kms.json1").read_bytes()
    lines = raw.decode("ascii").splitlines()
    logs = [json.loads(line) for line in lines]
    assert all(line == json.dumps(log) for line, log in zip(lines, logs, strict=True))
    assert all(isinstance(log["__time__"], int) for log in logs)
    ns_parts = [log["__time_ns_part__"] for log in logs if "__time_ns_part__" in log]
    assert ns_parts
    assert all(isinstance(part, list) and len(part) == 1 for part in ns_parts)
    receive_order = [int(log["__tag__:__receive_time__"]) for log in logs]
    assert receive_order == sorted(receive_order)
    assert [log["__time__"] for log in logs] != sorted(log["__time__"] for log in logs)
    assert any("报表服务" in log["useragent"] for log in logs)


def test_older_dump_writes_time_as_string(sample_logs: dict[Path, list[Log]]) -> None:
    logs = sample_logs[Path("dumps/2026-08/kms.json0")]
    assert all(isinstance(log["__time__"], str) for log in logs)


def test_console_csv_layout(sample: Path) -> None:
    data = (sample / "console/kms_audit_log_20261002-20261107.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.count(b"\n") == data.count(b"\r\n")
    assert b'"{""key_id"":""key-' in data
    assert "报表服务".encode() in data


def test_console_csv_lists_newest_first(sample_logs: dict[Path, list[Log]]) -> None:
    logs = sample_logs[Path("console/kms_audit_log_20261031-20261201.csv")]
    times = [int(str(log["__time__"])) for log in logs]
    assert times == sorted(times, reverse=True)


def test_get_log_all_layout(sample: Path) -> None:
    lines = (sample / "cli/get_log_all_20261130.json").read_text().splitlines()
    pages = [json.loads(line) for line in lines]
    items = [item for page in pages for item in page]
    assert lines[-1] == "[]"
    assert all(isinstance(value, str) for item in items for value in item.values())
    assert all(list(item) == sorted(item) for item in items)


def test_oss_objects_decompress(sample: Path) -> None:
    suffixes: Counter[str] = Counter()
    for path in (sample / "oss").rglob("*"):
        if path.is_file() and path.suffix in {".gz", ".zst", ".snappy"}:
            logs = [json.loads(line) for line in decompressed(path).splitlines()]
            assert logs, path
            suffixes[path.suffix] += 1
    assert set(suffixes) == {".gz", ".zst", ".snappy"}


def test_oss_folders_use_utc_plus_8(sample: Path) -> None:
    # Parquet objects lack the receive-time tag: it is not among the configured columns.
    for path in (sample / "oss").rglob("*_*"):
        if not path.is_file() or path.name.endswith(".parquet"):
            continue
        year, month, day, hour = (int(part) for part in path.parts[-5:-1])
        folder_start = datetime(year, month, day, hour, tzinfo=UTC) - timedelta(hours=8)
        received = [int(str(log["__tag__:__receive_time__"])) for log in read_export(path)]
        assert min(received) >= folder_start.timestamp(), path
        assert min(received) < (folder_start + timedelta(days=5)).timestamp(), path


def test_parquet_strings_are_unannotated_binary(sample: Path) -> None:
    (path,) = (sample / "oss").rglob("*.parquet")
    schema = pq.ParquetFile(path).schema
    columns = {schema.column(i).name: schema.column(i) for i in range(len(schema))}
    assert columns["__time__"].physical_type == "INT64"
    strings = [column for name, column in columns.items() if name != "__time__"]
    assert all(column.physical_type == "BYTE_ARRAY" for column in strings)
    assert all(column.logical_type.type == "NONE" for column in strings)
    assert all(
        str(field.type) == "binary" for field in pq.read_schema(path) if field.name != "__time__"
    )


def test_bench_set_lines_and_overlap(tmp_path: Path) -> None:
    options = BenchOptions(records=900, files=3, overlap=40, days=30)
    written = write_bench(tmp_path / "a", options)
    logs = [json.loads(line) for path in written.paths for line in path.read_text().splitlines()]
    assert len(written.paths) == 3
    assert written.lines == 900 + 2 * 40
    assert len(logs) == written.lines
    assert len({log["request_id"] for log in logs}) == 900


def test_bench_set_is_deterministic(tmp_path: Path) -> None:
    options = BenchOptions(records=300, files=2, overlap=10, days=10)
    first = write_bench(tmp_path / "a", options)
    second = write_bench(tmp_path / "b", options)
    assert [p.read_bytes() for p in first.paths] == [p.read_bytes() for p in second.paths]


def test_cli_sample_writes_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sample", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert sorted(Path(line) for line in printed) == export_files(tmp_path)


def test_cli_bench_rejects_zero_records(tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as raised:
        main(["bench", "--records", "0", "--files", "1", "--out", str(tmp_path)])
    assert raised.value.code == 2


def test_sample_window_ends_at_as_of() -> None:
    assert SAMPLE_FIRST_DAY + timedelta(days=SAMPLE_DAYS) == date(2026, 12, 1)


def test_sample_loses_no_record(sample_logs: dict[Path, list[Log]]) -> None:
    cast = sample_cast()
    generated = generate_records(cast, SAMPLE_FIRST_DAY, SAMPLE_DAYS, SAMPLE_ERAS, DEFAULT_SEED)
    exported = {log["request_id"] for log in all_logs(sample_logs)}
    assert exported == {record["request_id"] for record in generated}


def test_sample_readme_lists_every_file() -> None:
    readme = (COMMITTED_SAMPLE / "README.md").read_text()
    missing = [p.name for p in export_files(COMMITTED_SAMPLE) if p.name not in readme]
    assert missing == []
