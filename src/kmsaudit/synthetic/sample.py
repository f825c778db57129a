"""Write the sample export set: 180 days of the sample cast, split over several export formats.

The days go to the formats in order, as a user who changed export habits would leave them:

| period (receive time for OSS and dumps, `__time__` otherwise) | export |
|---|---|
| until 2026-08-03 00:00 +08:00 | OSS shipping, 5-day objects: gzip, zstd (one retried), |
| | raw Snappy, then one Parquet object |
| 2026-08-02 23:00 to 2026-09-02 00:00 +08:00 | `pull_log_dump`, 2 shards, `__time__` a string |
| 2026-09-01 23:00 to 2026-10-02 01:00 +08:00 | `pull_log_dump`, 2 shards, `__time__` an integer |
| 2026-10-02 to 2026-11-07 00:00 +08:00 | console CSV download |
| 2026-10-31 to 2026-12-01 08:00 +08:00 | console CSV download |
| 2026-11-30 UTC | `get_log_all` |

Adjacent periods overlap, so some `request_id`s appear in two files. The overlaps are an hour
between OSS and the dumps and between the dumps, a week between the two CSV downloads, and a day
between the second download and `get_log_all`. Every UTC day has records in at least one file.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from random import Random

from kmsaudit.synthetic.console_csv import write_console_csv
from kmsaudit.synthetic.oss import ShippingCompression, ShippingFormat, ShippingJob, write_object
from kmsaudit.synthetic.records import RECEIVE_TIME_TAG, TIME, TIME_NS_PART, Eras, Record
from kmsaudit.synthetic.sample_cast import SAMPLE_DAYS, SAMPLE_FIRST_DAY, sample_cast
from kmsaudit.synthetic.sls_json import PullLogDumpWriter, write_get_log_all
from kmsaudit.synthetic.timeline import SECONDS_PER_DAY, generate_records

logger = logging.getLogger(__name__)

DEFAULT_SEED = 20261130
DUMP_SHARDS = 2
OSS_OBJECT_DAYS = 5
OSS_PREFIX = "oss/kms-audit"

# The columns the Parquet shipping job was configured with.
PARQUET_COLUMNS = (
    "__time__",
    "time",
    "request_id",
    "access_key_id",
    "access_key_fingerprint",
    "identity_type",
    "principal_id",
    "account_id",
    "instance_id",
    "api_name",
    "client_ip",
    "status_code",
    "error_code",
    "error_message",
    "resource_id",
    "resource_parameters",
    "gateway_type",
    "duration",
    "useragent",
)

# The shipping job's compression by object number: it was reconfigured as time went by.
OSS_JOBS = (
    *[ShippingJob(OSS_PREFIX, ShippingFormat.JSON, ShippingCompression.GZIP)] * 4,
    *[ShippingJob(OSS_PREFIX, ShippingFormat.JSON, ShippingCompression.ZSTD)] * 4,
    *[ShippingJob(OSS_PREFIX, ShippingFormat.JSON, ShippingCompression.SNAPPY)] * 3,
    ShippingJob(OSS_PREFIX, ShippingFormat.PARQUET, ShippingCompression.SNAPPY, PARQUET_COLUMNS),
)
# The object that shipping wrote twice (at-least-once delivery).
RETRIED_OBJECT = 5

SAMPLE_ERAS = Eras(
    late_fields_from=int(datetime(2026, 8, 20, tzinfo=UTC).timestamp()),
    ns_part_from=int(datetime(2026, 9, 20, tzinfo=UTC).timestamp()),
)


@dataclass(frozen=True, slots=True)
class SampleOptions:
    """What varies between sample sets: the seed, and whether to add shared-gateway AAP records
    with an empty `access_key_id`, which make key checks without an inventory inconclusive."""

    seed: int = DEFAULT_SEED
    shared_gateway_unattributed: bool = False


def plus8(year: int, month: int, day: int, hour: int = 0) -> int:
    """Return Unix seconds of a wall-clock time in UTC+8, the zone the exports were made in."""
    zone = datetime(year, month, day, hour, tzinfo=UTC) - timedelta(hours=8)
    return int(zone.timestamp())


def received(start: int, end: int) -> Callable[[Record], bool]:
    """Select records received in [start, end), as `pull_log_dump` and shipping select them."""
    return lambda record: start <= int(record[RECEIVE_TIME_TAG]) < end


def logged(start: int, end: int) -> Callable[[Record], bool]:
    """Select records with `__time__` in [start, end), as console and `get_log_all` queries do."""
    return lambda record: start <= int(record[TIME]) < end


def newest_first(records: Iterable[Record]) -> list[Record]:
    """Sort records by log time, newest first, as the console lists them."""

    def moment(record: Record) -> tuple[int, int]:
        return int(record[TIME]), int(record.get(TIME_NS_PART, "0"))

    return sorted(records, key=moment, reverse=True)


def write_sample(out: Path, options: SampleOptions = SampleOptions()) -> list[Path]:
    """Write the sample export set under `out` and return the files written, in order.

    Equal options give byte-identical files. Existing files of the same names are replaced, and
    other files under `out` are left alone.
    """
    cast = sample_cast(options.shared_gateway_unattributed)
    records = list(generate_records(cast, SAMPLE_FIRST_DAY, SAMPLE_DAYS, SAMPLE_ERAS, options.seed))
    logger.info("generated %d sample records", len(records))
    rng = Random(options.seed)
    paths = write_oss_objects(out, records, rng)
    paths += write_dumps(out, records, rng)
    paths += write_console_downloads(out, records)
    paths.append(write_last_day(out, records))
    return paths


def write_oss_objects(out: Path, records: list[Record], rng: Random) -> list[Path]:
    """Write the OSS shipping objects, one per 5 days of receive time in UTC+8."""
    paths = []
    batch_seconds = OSS_OBJECT_DAYS * SECONDS_PER_DAY
    start = plus8(2026, 6, 4)
    for number, job in enumerate(OSS_JOBS):
        batch_start = start + number * batch_seconds
        batch = list(filter(received(batch_start, batch_start + batch_seconds), records))
        paths.append(write_object(out, job, batch_start, batch, rng))
        if number == RETRIED_OBJECT:
            paths.append(write_object(out, job, batch_start, batch, rng))
    return paths


def write_dumps(out: Path, records: list[Record], rng: Random) -> list[Path]:
    """Write two `pull_log_dump` runs whose receive-time ranges overlap by an hour."""
    runs = (
        ("2026-08", plus8(2026, 8, 2, 23), plus8(2026, 9, 2), True),
        ("2026-09", plus8(2026, 9, 1, 23), plus8(2026, 10, 2, 1), False),
    )
    paths = []
    for folder, start, end, time_as_str in runs:
        base = out / "dumps" / folder / "kms.json"
        with PullLogDumpWriter(base, DUMP_SHARDS, time_as_str) as writer:
            for record in filter(received(start, end), records):
                writer.write(record, rng.randrange(DUMP_SHARDS))
        paths += writer.paths
    return paths


def write_console_downloads(out: Path, records: list[Record]) -> list[Path]:
    """Write two console CSV downloads that share a week."""
    downloads = (
        ("kms_audit_log_20261002-20261107.csv", plus8(2026, 10, 2), plus8(2026, 11, 7)),
        ("kms_audit_log_20261031-20261201.csv", plus8(2026, 10, 31), plus8(2026, 12, 1, 8)),
    )
    paths = []
    for name, start, end in downloads:
        path = out / "console" / name
        write_console_csv(path, newest_first(filter(logged(start, end), records)))
        paths.append(path)
    return paths


def write_last_day(out: Path, records: list[Record]) -> Path:
    """Write `get_log_all` output for the last UTC day, which the second download also holds."""
    start = int(datetime(2026, 11, 30, tzinfo=UTC).timestamp())
    path = out / "cli" / "get_log_all_20261130.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="ascii", newline="\n") as file:
        write_get_log_all(file, filter(logged(start, start + SECONDS_PER_DAY), records))
    return path
