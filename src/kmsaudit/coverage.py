"""Which UTC days the store covers.

A day is covered when it contains at least one stored record, or when it lies wholly inside a period
declared with `ingest --covers`. A day that is neither is a gap: the logs cannot show what
happened on it, so no check may call a key unused across it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

ONE_DAY = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class DayRange:
    """Consecutive UTC days, `first` to `last` inclusive."""

    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def __str__(self) -> str:
        if self.first == self.last:
            return self.first.isoformat()
        return f"{self.first.isoformat()}..{self.last.isoformat()}"

    def to_dict(self) -> dict[str, object]:
        return {"first": self.first.isoformat(), "last": self.last.isoformat(), "days": self.days}


@dataclass(frozen=True, slots=True)
class CoverageMap:
    """Records per UTC day and the declared coverage periods (half-open, UTC)."""

    records_per_day: dict[date, int]
    declared: tuple[tuple[datetime, datetime], ...]

    def is_covered(self, day: date) -> bool:
        if self.records_per_day.get(day, 0) > 0:
            return True
        return self.is_declared(day)

    def is_declared(self, day: date) -> bool:
        start = datetime.combine(day, time(), tzinfo=UTC)
        end = start + ONE_DAY
        return any(begin <= start and end <= finish for begin, finish in self.declared)

    def gaps(self, first: date, last: date) -> list[DayRange]:
        """Uncovered days from `first` to `last` inclusive, merged into ranges."""
        return merge_days(day for day in days_between(first, last) if not self.is_covered(day))

    @property
    def first_day(self) -> date | None:
        days = [day for day, count in self.records_per_day.items() if count > 0]
        return min(days) if days else None

    @property
    def last_day(self) -> date | None:
        days = [day for day, count in self.records_per_day.items() if count > 0]
        return max(days) if days else None


def days_between(first: date, last: date) -> Iterator[date]:
    day = first
    while day <= last:
        yield day
        day += ONE_DAY


def merge_days(days: Iterable[date]) -> list[DayRange]:
    """Merge sorted days into ranges of consecutive days."""
    ranges: list[DayRange] = []
    for day in days:
        if ranges and ranges[-1].last + ONE_DAY == day:
            ranges[-1] = DayRange(ranges[-1].first, day)
        else:
            ranges.append(DayRange(day, day))
    return ranges
