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
    if options.window_days < 1:
        raise UsageError(f"window of {options.window_days} days is invalid; give 1 or more days")
    span = timedelta(days=options.window_days)
    if options.freshness_allowance < timedelta(0) or options.freshness_allowance >= span:
        hours = options.freshness_allowance / timedelta(hours=1)
        raise UsageError(
            f"freshness allowance of {hours:g} hours is invalid; give 0 or more hours, less "
            f"than the {options.window_days}-day window"
        )
    return Window(
        start=end - span,
        end=end,
        days=options.window_days,
        freshness_allowance=options.freshness_allowance,
    )
