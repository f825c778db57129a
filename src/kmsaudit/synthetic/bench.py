"""Write a large `pull_log_dump`-style record set for ingest throughput benchmarks.

`write_bench` spreads exactly `records` unique records over 180 days and writes them, in receive
order, to `files` JSON-lines files. The tail of each file is repeated at the head of the next
(`overlap` records), as adjacent dumps overlap at their edges. Records come from a generated
cast of 40 AAPs with two client keys each and three RAM identities. Only one day's records are
held in memory at a time, so memory grows with `records / days`, not with `records`.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from random import Random
from typing import TextIO

from kmsaudit.synthetic.cast import (
    Cast,
    Instance,
    MostlySucceeds,
    Resources,
    Usage,
    aap_caller,
    ram_caller,
)
from kmsaudit.synthetic.records import Call, Eras, Record, make_record
from kmsaudit.synthetic.sample_cast import ALL_APIS, GO_AGENT, JAVA_AGENT, PYTHON_AGENT
from kmsaudit.synthetic.schedules import Daily
from kmsaudit.synthetic.sls_json import dump_line
from kmsaudit.synthetic.timeline import (
    SECONDS_PER_DAY,
    day_start_seconds,
    in_receive_order,
    random_time_ns,
)

logger = logging.getLogger(__name__)

BENCH_LAST_DAY = date(2026, 11, 30)
BENCH_DAYS = 180
BENCH_AAPS = 40
BENCH_ACCOUNT_ID = "1192853035110000"
AGENTS = (JAVA_AGENT, PYTHON_AGENT, GO_AGENT)


@dataclass(frozen=True, slots=True)
class BenchOptions:
    """Size and shape of a benchmark set. `overlap` is the number of records each file repeats
    from the end of the previous one."""

    records: int
    files: int
    seed: int = 1
    overlap: int = 1000
    days: int = BENCH_DAYS


@dataclass(frozen=True, slots=True)
class BenchSet:
    """Summary of a written benchmark set: its files, their line count and unique records."""

    paths: tuple[Path, ...]
    lines: int
    unique_records: int


def random_hex(rng: Random, length: int) -> str:
    """Draw `length` lowercase hex digits."""
    return f"{rng.getrandbits(4 * length):0{length}x}"


def random_key_id(rng: Random) -> str:
    """Draw a client key ID: `KAAP.` and a lowercase UUID."""
    digits = random_hex(rng, 32)
    return f"KAAP.{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def bench_cast(rng: Random) -> Cast:
    """Build a cast of `BENCH_AAPS` AAPs with two client keys each, and three RAM identities."""
    instance = Instance(
        instance_id="kst-hzz" + random_hex(rng, 18),
        region_id="cn-shanghai",
        user_id=BENCH_ACCOUNT_ID,
        log_source="100.104.7.9",
        log_client_ip="47.100.8.21",
    )
    usages = []
    for number in range(BENCH_AAPS):
        resources = Resources(
            kms_key_id="key-shz" + random_hex(rng, 20),
            signing_key_id="key-shz" + random_hex(rng, 20),
            secret_name=f"app{number:02d}/db-password",
        )
        ips = (f"10.{number}.0.{rng.randint(2, 250)}", f"10.{number}.1.{rng.randint(2, 250)}")
        for _ in range(2):
            caller = aap_caller(
                f"aap_app{number:02d}",
                random_key_id(rng),
                BENCH_ACCOUNT_ID,
                AGENTS[number % len(AGENTS)],
                ips,
                ALL_APIS,
                resources,
            )
            usages.append(Usage(caller, Daily(1.0), MostlySucceeds(0.02), "weighted"))
    ram_resources = Resources(
        kms_key_id="key-shz" + random_hex(rng, 20),
        signing_key_id="key-shz" + random_hex(rng, 20),
        secret_name="deploy/registry-token",
    )
    for identity_type in ("ram-user", "ram-role", "cloud-account"):
        caller = ram_caller(
            identity_type,
            str(rng.randrange(10**17, 10**18)),
            BENCH_ACCOUNT_ID,
            "LTAI5t" + random_hex(rng, 18),
            GO_AGENT,
            ("203.0.113.9",),
            ALL_APIS,
            ram_resources,
        )
        usages.append(Usage(caller, Daily(1.0), MostlySucceeds(0.05), "weighted"))
    return Cast(instance=instance, usages=tuple(usages))


def daily_counts(records: int, days: int) -> list[int]:
    """Split `records` over `days` as evenly as whole numbers allow."""
    base, extra = divmod(records, days)
    return [base + (1 if day < extra else 0) for day in range(days)]


def bench_records(options: BenchOptions) -> Iterator[Record]:
    """Return exactly `options.records` records over `options.days` days, lazily, in receive order.

    Callers are drawn with Zipf-like weights (the n-th usage has weight 1/n), so a few
    applications make most of the traffic, as in a real account.
    """
    rng = Random(options.seed)
    cast = bench_cast(rng)
    weights = [1.0 / (rank + 1) for rank in range(len(cast.usages))]
    first_day = BENCH_LAST_DAY - timedelta(days=options.days - 1)
    eras = Eras(
        late_fields_from=day_start_seconds(first_day + timedelta(days=options.days // 3)),
        ns_part_from=day_start_seconds(first_day + timedelta(days=2 * options.days // 3)),
    )

    def days_of_records() -> Iterator[tuple[int, list[Record]]]:
        for day, count in enumerate(daily_counts(options.records, options.days)):
            on = first_day + timedelta(days=day)
            usages = rng.choices(cast.usages, weights=weights, k=count)
            calls = [Call(random_time_ns(on, rng), u, u.outcomes.pick(rng)) for u in usages]
            calls.sort(key=lambda call: call.at_ns)
            records = [make_record(call, cast.instance, eras, rng) for call in calls]
            yield day_start_seconds(on) + SECONDS_PER_DAY, records

    return in_receive_order(days_of_records())


def bench_path(out: Path, number: int) -> Path:
    """Return file `number`'s path: one `pull_log_dump` run of one shard per file."""
    return out / f"kms_{number:03d}.json0"


def write_bench(out: Path, options: BenchOptions) -> BenchSet:
    """Write the benchmark set under `out` and return what was written.

    File boundaries fall every `ceil(records / files)` records, so fewer than `files` files are
    written when `files` does not divide the records evenly enough. Each file after the first
    starts with the last `overlap` records of the one before. Raises ValueError on a count below
    its minimum.
    """
    if options.records < 1 or options.files < 1 or options.overlap < 0 or options.days < 1:
        raise ValueError(
            "invalid benchmark options: records, files and days must be at least 1 and overlap"
            f" at least 0, got {options}"
        )
    out.mkdir(parents=True, exist_ok=True)
    per_file = -(-options.records // options.files)
    tail: deque[str] = deque(maxlen=options.overlap)
    paths = [bench_path(out, 0)]
    lines = 0
    file: TextIO = paths[0].open("w", encoding="ascii", newline="\n")
    try:
        for index, record in enumerate(bench_records(options)):
            if index and index % per_file == 0:
                file.close()
                paths.append(bench_path(out, len(paths)))
                file = paths[-1].open("w", encoding="ascii", newline="\n")
                file.writelines(tail)
                lines += len(tail)
            line = dump_line(record) + "\n"
            file.write(line)
            tail.append(line)
            lines += 1
    finally:
        file.close()
    logger.info(
        "wrote %d lines (%d unique records) in %d files", lines, options.records, len(paths)
    )
    return BenchSet(paths=tuple(paths), lines=lines, unique_records=options.records)
