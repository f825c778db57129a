"""Build small stores for check tests the way users do: write SLS exports, then ingest them.

Records are `dict[str, str]`, every value a string as SLS exports them, with `time` in ISO 8601
UTC ending in `Z`, `__time__` in Unix seconds and a fresh UUID as `request_id`. A test lists the
records of its story, adds the background traffic that keeps every day of the window covered,
writes them as a JSON-lines export and ingests that file through `kmsaudit.ingest`.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import kmsaudit
from kmsaudit import IngestOptions, IngestSummary, Store

Record = dict[str, str]

AS_OF = datetime(2026, 12, 1, tzinfo=UTC)
WINDOW_DAYS = 180

# The client key and AAP whose stories the tests tell.
TARGET_KEY = "KAAP.66abf237-63f6-4625-b8cf-47e1086e1a2b"
TARGET_AAP = "aap_payments"

# Traffic of another application, present on every covered day, that never touches the target.
BACKGROUND_KEY = "KAAP.38742edd-1992-4048-82fa-940b8a90c0de"
BACKGROUND_AAP = "aap_reporting"

# A third AAP whose shared-gateway records carry no client key.
OTHER_AAP = "aap_batch"

RAM_USER_UID = "203456789012345678"


def record(
    moment: datetime,
    *,
    access_key_id: str = BACKGROUND_KEY,
    identity_type: str = "aap",
    principal_id: str = BACKGROUND_AAP,
    api_name: str = "Decrypt",
    status_code: str = "200",
    error_code: str = "",
    error_message: str = "",
    client_ip: str = "192.168.1.20",
    resource_id: str = "key-hzz62f1cb66fa42qo0001",
    account_id: str = "1192853035110000",
) -> Record:
    """Return one `kms_audit_log` record at `moment` (an aware datetime), all values strings."""
    utc = moment.astimezone(UTC)
    return {
        "__time__": str(int(utc.timestamp())),
        "__topic__": "",
        "__source__": "10.0.0.8",
        "time": utc.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "access_key_id": access_key_id,
        "identity_type": identity_type,
        "principal_id": principal_id,
        "account_id": account_id,
        "user_id": "1192853035110000",
        "instance_id": "kst-gzz63ff0d55h5vdas0001",
        "region_id": "cn-hangzhou",
        "api_name": api_name,
        "api_version": "dkms-gcs-0.2",
        "client_ip": client_ip,
        "status_code": status_code,
        "error_code": error_code,
        "error_message": error_message,
        "request_id": str(uuid.uuid4()),
        "resource_id": resource_id,
        "resource_parameters": json.dumps(
            {"key_id": "", "key_version_id": "", "index": ""}, separators=(",", ":")
        ),
        "duration": "1.381",
        "useragent": "AlibabaCloud-KMS-Go-SDK/1.2",
        "level": "INFO",
        "version": "V1.0",
    }


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """Return the UTC moment `hour:minute` on `day`."""
    return datetime.combine(day, time(hour, minute), tzinfo=UTC)


def days_before(as_of: datetime, days: int) -> date:
    """Return the UTC day `days` days before the day of `as_of`."""
    return (as_of - timedelta(days=days)).date()


def window_days(as_of: datetime = AS_OF, days: int = WINDOW_DAYS) -> list[date]:
    """Return every UTC day of the window that ends at `as_of` (a midnight) and spans `days`."""
    first = (as_of - timedelta(days=days)).date()
    return [first + timedelta(days=offset) for offset in range(days)]


def background(days: Iterable[date]) -> list[Record]:
    """Return one background call at noon on each of `days`."""
    return [record(at(day)) for day in days]


def scratch_directory(prefix: str) -> tempfile.TemporaryDirectory[str]:
    """Return a temporary folder in RAM-backed `/dev/shm` when it is writable, else in `$TMPDIR`.

    The store's writer fsyncs every data file and folder it writes, which on a busy disk costs
    tenths of a second per ingest. Tests that build many small stores build them here.
    """
    shm = Path("/dev/shm")
    folder = shm if shm.is_dir() and os.access(shm, os.W_OK) else None
    return tempfile.TemporaryDirectory(prefix=prefix, dir=folder)


def write_jsonl(path: Path, records: Sequence[Record]) -> Path:
    """Write `records` as a JSON-lines export, one `json.dumps` object per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as file:
        file.writelines(json.dumps(item) + "\n" for item in records)
    return path


def ingest_files(
    root: Path, files: Sequence[Path], covers: Sequence[tuple[datetime, datetime]] = ()
) -> IngestSummary:
    """Ingest `files` into the store at `root`, creating the store when missing.

    Raise `AssertionError` when a file failed, so that no test runs on a store built wrong.
    """
    with Store.create(root) as store:
        summary = kmsaudit.ingest(store, list(files), IngestOptions(covers=tuple(covers)))
    if not summary.complete:
        raise AssertionError(f"ingest of {files} into {root} failed: {summary.to_dict()}")
    return summary


def build_store(
    root: Path,
    records: Sequence[Record],
    *,
    extra_lines: Sequence[str] = (),
    covers: Sequence[tuple[datetime, datetime]] = (),
    base: Path | None = None,
) -> Path:
    """Write `records` (then `extra_lines`, verbatim) as one export beside `root` and ingest it.

    With `base`, the store at `root` starts as a copy of that store, so a background ingested
    once serves many stories. Return the store folder `root`.
    """
    if base is not None:
        shutil.copytree(base, root)
    export = root.parent / f"{root.name}-export" / "kms.json0"
    write_jsonl(export, records)
    if extra_lines:
        with open(export, "a", encoding="utf-8") as file:
            file.writelines(line + "\n" for line in extra_lines)
    ingest_files(root, [export], covers)
    return root
