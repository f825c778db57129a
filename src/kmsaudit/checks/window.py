"""Build a check's window from the user's options."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ..errors import UsageError
from .model import Window

DEFAULT_WINDOW_DAYS = 180

# SLS makes records queryable within minutes, but exports run on schedules: a daily export job
# leaves the newest records up to a day old. Stale by more than this, the end is uncovered.
DEFAULT_FRESHNESS_ALLOWANCE = timedelta(hours=24)

# A larger allowance would leave whole weeks at the end of the window unchecked for gaps while
# the verdict still reads as covering the window.
MAX_FRESHNESS_ALLOWANCE = timedelta(days=7)

# Ten years: far beyond any Logstore's retention, and small enough to stay in date arithmetic.
MAX_WINDOW_DAYS = 3660

_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
_LATEST = datetime(9000, 1, 1, tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """The window a check looks at.

    `as_of` is the window's end (excluded), default now in UTC. `window_days` is its length in
    days, default 180, the Logstore's retention; more is allowed where the store reaches back
    that far. `freshness_allowance` is how stale the newest covered moment may be.
    """

    as_of: datetime | None = None
    window_days: int = DEFAULT_WINDOW_DAYS
    freshness_allowance: timedelta = DEFAULT_FRESHNESS_ALLOWANCE


def make_window(options: CheckOptions, now: datetime | None = None) -> Window:
    """Validate `options` and return the window; raise `UsageError` on impossible values."""
    end = options.as_of or now or datetime.now(UTC)
    if end.tzinfo is None:
        raise UsageError(f"as-of time {end.isoformat()} has no time zone; give it in UTC")
    end = end.astimezone(UTC)
    if not 1 <= options.window_days <= MAX_WINDOW_DAYS:
        raise UsageError(
            f"--window-days {options.window_days} is invalid; give 1 to {MAX_WINDOW_DAYS} days"
        )
    allowance = options.freshness_allowance
    if not timedelta(0) <= allowance <= MAX_FRESHNESS_ALLOWANCE:
        raise UsageError(
            f"--freshness-hours {_hours(allowance)} is invalid; give 0 to "
            f"{_hours(MAX_FRESHNESS_ALLOWANCE)} hours"
        )
    if allowance >= timedelta(days=options.window_days):
        raise UsageError(
            f"--freshness-hours {_hours(allowance)} must be less than the window of "
            f"{options.window_days * 24} hours (--window-days {options.window_days}); pass a "
            "smaller --freshness-hours or a longer --window-days"
        )
    try:
        start = end - timedelta(days=options.window_days)
        if start < _EARLIEST or end > _LATEST:
            raise OverflowError
    except OverflowError:
        raise UsageError(
            f"a {options.window_days}-day window ending {end.isoformat()} lies outside the "
            f"supported years {_EARLIEST.year} to {_LATEST.year - 1}; check --as-of"
        ) from None
    return Window(start=start, end=end, days=options.window_days, freshness_allowance=allowance)


def _hours(allowance: timedelta) -> str:
    return f"{allowance / timedelta(hours=1):g}"
