"""Fixtures shared by every test: an isolated environment and small export builders."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's own store and settings out of every test."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("TZ", "UTC")
    for name in ("KMSAUDIT_STORE", "KMSAUDIT_QUERY_PATH"):
        monkeypatch.delenv(name, raising=False)


def make_record(moment: datetime, **fields: str) -> dict[str, str]:
    """A kms_audit_log record as SLS exports it: every value a string."""
    record = {
        "__time__": str(int(moment.timestamp())),
        "__topic__": "",
        "__source__": "log_service",
        "time": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "request_id": str(uuid.uuid4()),
        "access_key_id": "KAAP.00000000-0000-4000-8000-000000000000",
        "identity_type": "aap",
        "principal_id": "aap_background",
        "api_name": "Decrypt",
        "status_code": "200",
        "client_ip": "192.168.1.20",
        "duration": "1.381",
        "level": "INFO",
        "version": "V1.0",
    }
    record.update(fields)
    return record


def daily_records(first: datetime, days: int, **fields: str) -> list[dict[str, str]]:
    """One record at 12:00 UTC on each of `days` days from `first`."""
    return [make_record(first + timedelta(days=offset, hours=12), **fields) for offset in range(days)]


def write_jsonl(path: Path, records: Iterable[dict[str, object]]) -> Path:
    """Write records as `pull_log_dump` does: one `json.dumps` object per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as file:
        for record in records:
            file.write(json.dumps(record) + "\n")
    return path
