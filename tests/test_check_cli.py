"""Exit codes and output of `kmsaudit check` through the real command line.

Most tests run `kmsaudit.cli.app` in-process with Typer's `CliRunner`, and two run the installed
`kmsaudit` console script in subprocesses. The store covers a 10-day window ending at `AS_OF`
and contains one key in use, one key only mentioned in an error message and the AAP of the first.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from storybuilder import (
    AS_OF,
    TARGET_AAP,
    TARGET_KEY,
    Record,
    at,
    build_store,
    record,
    scratch_directory,
    write_jsonl,
)
from typer.testing import CliRunner, Result

from kmsaudit import Store
from kmsaudit.checks.bundle import bundle_digest
from kmsaudit.cli import app

WINDOW_DAYS = 10
FIRST_WINDOW_DAY = (AS_OF - timedelta(days=WINDOW_DAYS)).date()
WINDOW_OPTIONS = ["--as-of", "2026-12-01", "--window-days", str(WINDOW_DAYS)]

USED_KEY = TARGET_KEY
MENTIONED_KEY = "KAAP.0d15ab1e-9c4e-4e7a-8f1b-3c2d1e0f9a8b"
UNUSED_KEY = "KAAP.7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
UNUSED_AAP = "aap_unused"


def window_records() -> list[Record]:
    """Return background on every day of the window, two calls of `USED_KEY` and one mention."""
    days = [FIRST_WINDOW_DAY + timedelta(days=offset) for offset in range(WINDOW_DAYS)]
    records = [record(at(day)) for day in days]
    records += [
        record(at(days[2], 9), access_key_id=USED_KEY, principal_id=TARGET_AAP),
        record(at(days[7], 9), access_key_id=USED_KEY, principal_id=TARGET_AAP),
        record(
            at(days[5], 10),
            status_code="400",
            error_code="Rejected.Disabled",
            error_message=f"client key {MENTIONED_KEY} is disabled",
        ),
    ]
    return records


def unwrapped(text: str) -> str:
    """Remove all white space, so that a path Rich wrapped at the console width reads whole."""
    return "".join(text.split())


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point HOME and XDG_DATA_HOME at a temporary folder and unset KMSAUDIT_STORE."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.delenv("KMSAUDIT_STORE", raising=False)
    return home


@pytest.fixture(scope="module")
def store() -> Iterator[Path]:
    with scratch_directory("kmsaudit-cli-") as folder:
        yield build_store(Path(folder) / "store", window_records())


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run_check(runner: CliRunner, store: Path, *arguments: str) -> Result:
    """Run `kmsaudit --store STORE check ARGUMENTS... --as-of ... --window-days 10`."""
    return runner.invoke(app, ["--store", str(store), "check", *arguments, *WINDOW_OPTIONS])


@pytest.mark.parametrize(
    ("arguments", "exit_code"),
    [
        pytest.param(["key", UNUSED_KEY], 0, id="safe"),
        pytest.param(["key", USED_KEY], 3, id="in-use"),
        pytest.param(["key", MENTIONED_KEY], 4, id="inconclusive"),
        pytest.param(["key", MENTIONED_KEY, USED_KEY], 3, id="inconclusive-and-in-use"),
        pytest.param(["key", UNUSED_KEY, MENTIONED_KEY], 4, id="safe-and-inconclusive"),
        pytest.param(["key", UNUSED_KEY, USED_KEY], 3, id="safe-and-in-use"),
        pytest.param(["aap", TARGET_AAP], 3, id="aap-in-use"),
        pytest.param(["aap", UNUSED_AAP], 0, id="aap-safe"),
    ],
)
def test_check_exit_code(
    runner: CliRunner, store: Path, arguments: list[str], exit_code: int
) -> None:
    result = run_check(runner, store, *arguments)

    assert result.exit_code == exit_code, result.stderr
    assert result.stdout == ""


def test_store_from_environment_variable(
    runner: CliRunner, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KMSAUDIT_STORE", str(store))

    result = runner.invoke(app, ["check", "key", USED_KEY, *WINDOW_OPTIONS])

    assert result.exit_code == 3, result.stderr


def test_missing_store_exits_one(runner: CliRunner, tmp_path: Path) -> None:
    result = run_check(runner, tmp_path / "no-store", "key", USED_KEY)

    assert result.exit_code == 1
    assert str(tmp_path / "no-store") in unwrapped(result.stderr)


def test_default_store_under_home(runner: CliRunner, private_home: Path) -> None:
    """Without --store or KMSAUDIT_STORE the per-user store is used, here under a fake HOME."""
    result = runner.invoke(app, ["check", "key", USED_KEY, *WINDOW_OPTIONS])

    assert result.exit_code == 1
    assert str(private_home) in unwrapped(result.stderr)


def test_empty_store_exits_one(runner: CliRunner, tmp_path: Path) -> None:
    Store.create(tmp_path / "empty").close()

    result = run_check(runner, tmp_path / "empty", "key", USED_KEY)

    assert result.exit_code == 1
    assert str(tmp_path / "empty") in unwrapped(result.stderr)


@pytest.mark.parametrize(
    "options",
    [
        pytest.param(["--window-days", "0"], id="zero-window-days"),
        pytest.param(["--as-of", "yesterday"], id="unreadable-as-of"),
        pytest.param(["--as-of", "2026-12-01T00:00:00"], id="as-of-without-zone"),
        pytest.param(["--freshness-hours", "240"], id="freshness-as-long-as-window"),
        pytest.param(["--freshness-hours", "-1"], id="negative-freshness"),
    ],
)
def test_usage_error_exits_two(runner: CliRunner, store: Path, options: list[str]) -> None:
    # The later of two repeated options wins, so `options` override WINDOW_OPTIONS.
    arguments = ["--store", str(store), "check", "key", USED_KEY, *WINDOW_OPTIONS, *options]

    result = runner.invoke(app, arguments)

    assert result.exit_code == 2, result.stderr


def test_blank_key_exits_two(runner: CliRunner, store: Path) -> None:
    result = run_check(runner, store, "key", "  ")

    assert result.exit_code == 2


def test_json_prints_one_object_per_target(runner: CliRunner, store: Path) -> None:
    result = run_check(runner, store, "key", UNUSED_KEY, USED_KEY, MENTIONED_KEY, "--json")

    lines = result.stdout.splitlines()
    objects = [json.loads(line) for line in lines]
    assert result.exit_code == 3
    assert len(lines) == 3
    assert [item["target"]["id"] for item in objects] == [UNUSED_KEY, USED_KEY, MENTIONED_KEY]
    assert [item["verdict"] for item in objects] == ["safe", "in_use", "inconclusive"]
    assert [item["exit_code"] for item in objects] == [0, 3, 4]
    assert objects[1]["evidence"]["matches"] == 2
    assert objects[2]["reasons"][0]["code"] == "mentioned_elsewhere"


def test_evidence_bundle_digest_matches(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    bundle_path = tmp_path / "evidence.json"

    result = run_check(runner, store, "key", USED_KEY, UNUSED_KEY, "--evidence", str(bundle_path))

    bundle = json.loads(bundle_path.read_text(encoding="utf-8"))
    assert result.exit_code == 3
    assert bundle["bundle_sha256"] == bundle_digest(bundle)
    assert [entry["verdict"] for entry in bundle["results"]] == ["in_use", "safe"]
    assert bundle["results"][0]["matching_request_ids"]["total"] == 2
    assert len(bundle["results"][0]["matching_request_ids"]["request_ids"]) == 2


def test_evidence_digest_detects_edits(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    bundle_path = tmp_path / "evidence.json"
    run_check(runner, store, "key", USED_KEY, "--evidence", str(bundle_path))
    bundle = json.loads(bundle_path.read_text(encoding="utf-8"))

    bundle["results"][0]["verdict"] = "safe"

    assert bundle["bundle_sha256"] != bundle_digest(bundle)


def test_evidence_lists_source_hashes(runner: CliRunner, store: Path, tmp_path: Path) -> None:
    bundle_path = tmp_path / "evidence.json"
    run_check(runner, store, "key", USED_KEY, "--evidence", str(bundle_path))
    bundle = json.loads(bundle_path.read_text(encoding="utf-8"))

    sources = bundle["sources"]
    assert len(sources) == 1
    content = Path(sources[0]["path"]).read_bytes()
    assert sources[0]["sha256"] == hashlib.sha256(content).hexdigest()


def test_ingest_covers_days_without_records(runner: CliRunner, tmp_path: Path) -> None:
    """Days an export is declared to span count as covered even with no record on them."""
    silent = {FIRST_WINDOW_DAY + timedelta(days=offset) for offset in (3, 4, 5)}
    silent_dates = {day.isoformat() for day in silent}
    records = [item for item in window_records() if item["time"][:10] not in silent_dates]
    export = write_jsonl(tmp_path / "exports" / "kms.json0", records)
    period = f"{min(silent).isoformat()}..{max(silent).isoformat()}"
    declared, undeclared = tmp_path / "declared", tmp_path / "undeclared"

    ingested = runner.invoke(
        app, ["--store", str(declared), "ingest", str(export), "--covers", period]
    )
    ingested_plain = runner.invoke(app, ["--store", str(undeclared), "ingest", str(export)])
    with_covers = run_check(runner, declared, "key", UNUSED_KEY)
    without_covers = run_check(runner, undeclared, "key", UNUSED_KEY)

    assert ingested.exit_code == 0, ingested.stderr
    assert ingested_plain.exit_code == 0, ingested_plain.stderr
    assert with_covers.exit_code == 0, with_covers.stderr
    assert without_covers.exit_code == 4, without_covers.stderr


def console_script() -> str:
    """Return the `kmsaudit` script installed beside the running interpreter."""
    beside = Path(sys.executable).parent / "kmsaudit"
    if beside.exists():
        return str(beside)
    found = shutil.which("kmsaudit")
    if found is None:
        pytest.fail("the kmsaudit console script is not installed; run pip install -e .")
    return found


def test_console_script_exit_and_json(store: Path, private_home: Path) -> None:
    environment = {**os.environ, "HOME": str(private_home), "KMSAUDIT_STORE": str(store)}
    command = [console_script(), "-v", "check", "key", USED_KEY, MENTIONED_KEY, *WINDOW_OPTIONS]

    completed = subprocess.run(
        [*command, "--json"],
        check=False,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    lines = completed.stdout.splitlines()
    assert completed.returncode == 3, completed.stderr
    assert len(lines) == 2
    assert [json.loads(line)["verdict"] for line in lines] == ["in_use", "inconclusive"]


def test_console_script_missing_store(tmp_path: Path, private_home: Path) -> None:
    environment = {**os.environ, "HOME": str(private_home)}
    environment.pop("KMSAUDIT_STORE", None)
    command = [console_script(), "--store", str(tmp_path / "none"), "check", "key", USED_KEY]

    completed = subprocess.run(
        command, check=False, env=environment, capture_output=True, text=True, timeout=120
    )

    assert completed.returncode == 1
    assert completed.stdout == ""
    assert "Traceback" not in completed.stderr
