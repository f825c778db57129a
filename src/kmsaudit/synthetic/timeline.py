"""Generate a cast's records day by day, in the order SLS receives them.

Records are produced one UTC day at a time and released in receive time order
(`__tag__:__receive_time__`), which differs from `__time__` order because each record arrives
after a random delay. A record received after midnight is held back and released with the next
day's records, so memory holds about one day's records.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, timedelta
from random import Random

from kmsaudit.synthetic.cast import Cast
from kmsaudit.synthetic.records import RECEIVE_TIME_TAG, Call, Eras, Record, make_record

# The cast's applications serve users in UTC+8, so traffic follows that clock.
LOCAL_OFFSET_HOURS = 8

# Relative traffic per local hour 0-23: quiet at night, busiest in office hours.
LOCAL_HOUR_WEIGHTS = (
    2, 1, 1, 1, 1, 2, 3, 5, 8, 10, 10, 10, 8, 9, 10, 10, 9, 8, 6, 5, 4, 4, 3, 2,
)  # fmt: skip

# The same weights indexed by UTC hour.
UTC_HOUR_WEIGHTS = tuple(LOCAL_HOUR_WEIGHTS[(hour + LOCAL_OFFSET_HOURS) % 24] for hour in range(24))

NANOS_PER_SECOND = 1_000_000_000
SECONDS_PER_DAY = 86_400


def day_start_seconds(on: date) -> int:
    """Return Unix seconds at 00:00 UTC of `on`."""
    return int(datetime(on.year, on.month, on.day, tzinfo=UTC).timestamp())


def random_time_ns(on: date, rng: Random) -> int:
    """Draw a moment within UTC day `on`, in Unix nanoseconds, following the hourly weights."""
    hour = rng.choices(range(24), weights=UTC_HOUR_WEIGHTS)[0]
    offset_ns = rng.randrange(3600 * NANOS_PER_SECOND)
    return (day_start_seconds(on) + hour * 3600) * NANOS_PER_SECOND + offset_ns


def calls_on(cast: Cast, day: int, on: date, rng: Random) -> list[Call]:
    """Draw every call the cast makes on day number `day` (UTC date `on`)."""
    calls = []
    for usage in cast.usages:
        for _ in range(usage.schedule.calls_on(day, on, rng)):
            at_ns = random_time_ns(on, rng)
            calls.append(Call(at_ns=at_ns, usage=usage, failure=usage.outcomes.pick(rng)))
    return calls


def receive_time(record: Record) -> int:
    """Return the record's receive time in Unix seconds."""
    return int(record[RECEIVE_TIME_TAG])


def in_receive_order(days: Iterable[tuple[int, list[Record]]]) -> Iterator[Record]:
    """Yield the records of consecutive days in receive order.

    Each item of `days` is a day's end (Unix seconds) and the records logged that day. A record
    received before the day's end is released; later ones wait for the next day, whose records
    are all received after its start. Sorting is stable, so ties keep generation order.
    """
    held: list[Record] = []
    for day_end, records in days:
        pending = sorted(held + records, key=receive_time)
        split = bisect_left(pending, day_end, key=receive_time)
        yield from pending[:split]
        held = pending[split:]
    yield from held


def generate_records(
    cast: Cast, first_day: date, days: int, eras: Eras, seed: int
) -> Iterator[Record]:
    """Return the cast's records for `days` UTC days from `first_day`, lazily, in receive order.

    The same arguments always yield the same records: every random choice comes from one
    `random.Random` seeded with `seed`.
    """
    rng = Random(seed)

    def days_of_records() -> Iterator[tuple[int, list[Record]]]:
        for day in range(days):
            on = first_day + timedelta(days=day)
            calls = sorted(calls_on(cast, day, on, rng), key=lambda call: call.at_ns)
            records = [make_record(call, cast.instance, eras, rng) for call in calls]
            yield day_start_seconds(on) + SECONDS_PER_DAY, records

    return in_receive_order(days_of_records())
