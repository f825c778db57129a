"""The `ingest` and `status` commands through the real CLI."""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import daily_records, write_jsonl
from kmsaudit.cli import app
from kmsaudit.exit_codes import ExitCode

START = datetime(2026, 6, 1, tzinfo=UTC)
runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_exit_codes_fixed() -> None:
    assert [(code.name, int(code)) for code in ExitCode] == [
        ("SAFE", 0), ("ERROR", 1), ("USAGE", 2), ("IN_USE", 3), ("INCONCLUSIVE", 4)
    ]


def test_ingest_json_is_only_stdout(tmp_path: Path) -> None:
    export = write_jsonl(tmp_path / "a.json", daily_records(START, 3))
    code, stdout, _ = run("--store", str(tmp_path / "s"), "ingest", str(export), "--json")
    payload = json.loads(stdout)
    assert code == 0
    assert payload["kind"] == "kmsaudit.ingest"
    assert payload["records"]["new"] == 3
    assert payload["files"]["ingested"] == 1


def test_store_option_after_command(tmp_path: Path) -> None:
    export = write_jsonl(tmp_path / "a.json", daily_records(START, 2))
    code, _, _ = run("ingest", str(export), "--store", str(tmp_path / "s"))
    assert code == 0
    assert (tmp_path / "s" / "catalog.sqlite").exists()


def test_store_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KMSAUDIT_STORE", str(tmp_path / "env-store"))
    export = write_jsonl(tmp_path / "a.json", daily_records(START, 2))
    code, _, _ = run("ingest", str(export))
    assert code == 0
    assert (tmp_path / "env-store" / "catalog.sqlite").exists()


def test_default_store_per_user(tmp_path: Path) -> None:
    export = write_jsonl(tmp_path / "a.json", daily_records(START, 2))
    code, _, _ = run("ingest", str(export))
    data_home = Path(str(Path.home())) / ".local" / "share"
    assert code == 0
    assert (data_home / "kmsaudit" / "store" / "catalog.sqlite").exists()


def test_status_reports_gaps(tmp_path: Path) -> None:
    records = daily_records(START, 3) + daily_records(START + timedelta(days=6), 2)
    export = write_jsonl(tmp_path / "a.json", records)
    run("--store", str(tmp_path / "s"), "ingest", str(export))
    code, stdout, _ = run("--store", str(tmp_path / "s"), "status", "--json")
    payload = json.loads(stdout)
    assert code == 0
    assert payload["records"] == 5
    assert payload["days_with_records"] == 5
    assert payload["gaps"] == [{"first": "2026-06-04", "last": "2026-06-06", "days": 3}]


def test_status_human_names_gaps(tmp_path: Path) -> None:
    records = daily_records(START, 1) + daily_records(START + timedelta(days=2), 1)
    run("--store", str(tmp_path / "s"), "ingest", str(write_jsonl(tmp_path / "a.json", records)))
    code, stdout, stderr = run("--store", str(tmp_path / "s"), "status")
    assert code == 0
    assert stdout == ""
    assert "gaps: 2026-06-02" in stderr


def test_status_missing_store_exit_1(tmp_path: Path) -> None:
    code, _, stderr = run("--store", str(tmp_path / "nowhere"), "status")
    assert code == ExitCode.ERROR
    assert "no kmsaudit store at" in stderr


def test_ingest_missing_input_exit_1(tmp_path: Path) -> None:
    code, _, stderr = run("--store", str(tmp_path / "s"), "ingest", str(tmp_path / "nope.json"))
    assert code == ExitCode.ERROR
    assert "nope.json not found" in stderr


def test_ingest_empty_folder_exit_1(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    code, _, stderr = run("--store", str(tmp_path / "s"), "ingest", str(tmp_path / "empty"))
    assert code == ExitCode.ERROR
    assert "contains no files" in stderr


def test_ingest_bad_time_zone_exit_2(tmp_path: Path) -> None:
    export = write_jsonl(tmp_path / "a.json", daily_records(START, 1))
    code, _, stderr = run(
        "--store", str(tmp_path / "s"), "ingest", str(export), "--time-zone", "Mars/Olympus"
    )
    assert code == ExitCode.USAGE
    assert "Mars/Olympus" in stderr


def test_ingest_bad_covers_exit_2(tmp_path: Path) -> None:
    export = write_jsonl(tmp_path / "a.json", daily_records(START, 1))
    code, _, stderr = run(
        "--store", str(tmp_path / "s"), "ingest", str(export), "--covers", "2026-06-01"
    )
    assert code == ExitCode.USAGE
    assert "FROM..TO" in stderr


def test_failed_file_exit_1_others_kept(tmp_path: Path) -> None:
    good = write_jsonl(tmp_path / "good.json", daily_records(START, 2))
    zoneless = write_jsonl(
        tmp_path / "zoneless.json", [dict(daily_records(START, 1)[0], time="2026-06-01 08:00:00")]
    )
    code, stdout, _ = run("--store", str(tmp_path / "s"), "ingest", str(good), str(zoneless), "--json")
    payload = json.loads(stdout)
    assert code == ExitCode.ERROR
    assert payload["files"]["failed"] == 1
    assert payload["records"]["new"] == 2


def test_truncated_gzip_exit_0_reports_damage(tmp_path: Path) -> None:
    data = gzip.compress("".join(json.dumps(r) + "\n" for r in daily_records(START, 50)).encode())
    (tmp_path / "cut.gz").write_bytes(data[: len(data) // 2])
    code, stdout, _ = run("--store", str(tmp_path / "s"), "ingest", str(tmp_path / "cut.gz"), "--json")
    payload = json.loads(stdout)
    assert code == 0
    assert payload["files"]["damaged"] == 1


def test_broken_csv_quote_keeps_rows(tmp_path: Path) -> None:
    header = "__time__,time,request_id,access_key_id,error_message"
    rows = [
        f'1780300800,2026-06-01T00:00:00Z,r{i},KAAP.a,"fine"' for i in range(3)
    ]
    rows.insert(1, '1780300800,2026-06-01T00:00:00Z,rbad,KAAP.a,"never closed')
    (tmp_path / "bad.csv").write_text("\n".join([header, *rows]) + "\n")
    code, stdout, _ = run("--store", str(tmp_path / "s"), "ingest", str(tmp_path / "bad.csv"), "--json")
    payload = json.loads(stdout)
    assert code == 0
    assert payload["records"]["new"] + payload["records"]["quarantined"] == 4
    assert payload["records"]["new"] >= 3


def test_strict_reports_file_and_line(tmp_path: Path) -> None:
    export = tmp_path / "a.json"
    export.write_text(json.dumps(daily_records(START, 1)[0]) + "\n{oops\n")
    code, _, stderr = run("--store", str(tmp_path / "s"), "ingest", str(export), "--strict")
    assert code == ExitCode.ERROR
    assert "line 2" in stderr
    assert "a.json" in stderr


def test_console_script_runs(tmp_path: Path) -> None:
    export = write_jsonl(tmp_path / "a.json", daily_records(START, 2))
    script = Path(sys.executable).parent / "kmsaudit"
    result = subprocess.run(
        [str(script), "--store", str(tmp_path / "s"), "ingest", str(export), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["records"]["new"] == 2
    assert "records" not in result.stderr


def test_library_imports_without_cli() -> None:
    code = (
        "import sys, kmsaudit, kmsaudit.checks, kmsaudit.store; "
        "bad = [m for m in ('typer', 'rich', 'click') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_check_padded_key_exit_2(tmp_path: Path) -> None:
    export = write_jsonl(tmp_path / "a.json", daily_records(START, 2))
    run("--store", str(tmp_path / "s"), "ingest", str(export))
    code, _, stderr = run("--store", str(tmp_path / "s"), "check", "key", " KAAP.x")
    assert code == ExitCode.USAGE
    assert "U+0020" in stderr


def test_future_covers_exit_2(tmp_path: Path) -> None:
    export = write_jsonl(tmp_path / "a.json", daily_records(START, 1))
    code, _, stderr = run(
        "--store", str(tmp_path / "s"), "ingest", str(export), "--covers", "2026-01-01..2099-12-31"
    )
    assert code == ExitCode.USAGE
    assert "in the future" in stderr


def test_secret_file_exit_1(tmp_path: Path) -> None:
    secret = tmp_path / "key.json"
    secret.write_text(json.dumps({"KeyId": "KAAP.1", "PrivateKeyData": "x"}))
    code, stdout, _ = run("--store", str(tmp_path / "s"), "ingest", str(secret), "--json")
    assert code == ExitCode.ERROR
    assert json.loads(stdout)["files"]["rejected"] == 1


def test_passed_over_files_counted(tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    write_jsonl(folder / "a.json", daily_records(START, 1))
    write_jsonl(folder / ".hidden.json", daily_records(START, 1))
    (folder / "NOTES.md").write_text("notes\n")
    code, stdout, _ = run("--store", str(tmp_path / "s"), "ingest", str(folder), "--json")
    payload = json.loads(stdout)
    assert code == 0
    assert sorted(Path(p).name for p in payload["passed_over"]) == [".hidden.json", "NOTES.md"]


def test_quiet_prints_nothing(tmp_path: Path) -> None:
    export = write_jsonl(tmp_path / "a.json", daily_records(START, 2))
    ingest_code, _, ingest_err = run("-q", "--store", str(tmp_path / "s"), "ingest", str(export))
    check_code, _, check_err = run(
        "-q", "--store", str(tmp_path / "s"), "check", "key", "KAAP.x", "--as-of", "2026-06-03"
    )
    assert ingest_code == 0
    assert ingest_err == ""
    assert check_code == ExitCode.INCONCLUSIVE
    assert check_err == ""


def test_zone_mismatch_counted(tmp_path: Path) -> None:
    record = daily_records(START, 1)[0]
    shifted = dict(record, time=(START + timedelta(hours=20)).strftime("%Y-%m-%d %H:%M:%S"))
    export = write_jsonl(tmp_path / "a.json", [shifted])
    code, stdout, _ = run(
        "--store", str(tmp_path / "s"), "ingest", str(export), "--time-zone", "UTC", "--json"
    )
    assert code == 0
    assert json.loads(stdout)["records"]["zone_mismatches"] == 1


def test_missing_input_creates_no_store(tmp_path: Path) -> None:
    code, _, _ = run("--store", str(tmp_path / "s"), "ingest", str(tmp_path / "nope"))
    assert code == ExitCode.ERROR
    assert not (tmp_path / "s").exists()


def test_version_printed() -> None:
    code, stdout, _ = run("--version")
    assert code == 0
    assert stdout.startswith("kmsaudit ")


@pytest.mark.parametrize(
    "option",
    [
        ["--freshness-hours", "4000"],
        ["--freshness-hours", "inf"],
        ["--window-days", "1000000"],
        ["--as-of", "0001-01-01"],
        ["--as-of", ""],
        ["--window-days", "1"],
    ],
    ids=["freshness-too-large", "freshness-infinite", "window-too-long", "as-of-year-1",
         "as-of-empty", "window-shorter-than-freshness"],
)
def test_check_bad_window_exit_2(tmp_path: Path, option: list[str]) -> None:
    export = write_jsonl(tmp_path / "a.json", daily_records(START, 2))
    run("--store", str(tmp_path / "s"), "ingest", str(export))
    code, _, stderr = run("--store", str(tmp_path / "s"), "check", "key", "KAAP.x", *option)
    assert code == ExitCode.USAGE
    assert option[0] in stderr


def test_failed_file_keeps_checks_inconclusive(tmp_path: Path) -> None:
    store = str(tmp_path / "s")
    records = daily_records(START, 10)
    good = write_jsonl(tmp_path / "good.json", records)
    zoneless = write_jsonl(
        tmp_path / "zoneless.json",
        [dict(records[3], request_id="late", time="2026-06-04 20:00:00", access_key_id="KAAP.t")],
    )
    run("--store", store, "ingest", str(good), str(zoneless))
    as_of = ["--as-of", "2026-06-11", "--window-days", "10", "--json"]

    failed_code, failed_out, _ = run("--store", store, "check", "key", "KAAP.t", *as_of)
    status_code, status_out, _ = run("--store", store, "status", "--json")
    run("--store", store, "ingest", str(zoneless), "--time-zone", "Asia/Shanghai")
    fixed_code, _, _ = run("--store", store, "check", "key", "KAAP.t", *as_of)

    reasons = [reason["code"] for reason in json.loads(failed_out)["reasons"]]
    assert failed_code == ExitCode.INCONCLUSIVE
    assert reasons == ["failed_sources"]
    assert json.loads(status_out)["failed_sources"][0]["path"] == str(zoneless.resolve())
    assert fixed_code == ExitCode.IN_USE


def test_forget_failures_clears_reason(tmp_path: Path) -> None:
    store = str(tmp_path / "s")
    good = write_jsonl(tmp_path / "good.json", daily_records(START, 10))
    broken = write_jsonl(tmp_path / "broken.json", [dict(daily_records(START, 1)[0], time="2026-06-01 08:00")])
    run("--store", store, "ingest", str(good), str(broken))
    code, stdout, _ = run("--store", store, "ingest", str(good), "--forget-failures", "--json")
    check_code, _, _ = run(
        "--store", store, "check", "key", "KAAP.t", "--as-of", "2026-06-11", "--window-days", "10"
    )
    assert code == 0
    assert json.loads(stdout)["failures_forgotten"] == 1
    assert check_code == ExitCode.SAFE
