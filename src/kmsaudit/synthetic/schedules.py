"""How often a caller makes requests on a given day: the "usage stories" of the synthetic cast.

A schedule returns a count of calls for one UTC day. Day numbers start at 0 on the first day of
the generated period, so "once at day 40" means the 41st day. Counts are random but drawn from the
`random.Random` passed in, so a fixed seed gives fixed counts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from random import Random
from typing import Protocol

# Calls on Saturday and Sunday relative to a weekday: most callers are business applications.
WEEKEND_FACTOR = 0.45


class Schedule(Protocol):
    """A usage pattern: how many calls a caller makes on one UTC day."""

    def calls_on(self, day: int, on: date, rng: Random) -> int:
        """Return the number of calls on day number `day`, which is the UTC date `on`."""
        ...


def poisson(mean: float, rng: Random) -> int:
    """Draw from a Poisson distribution (Knuth's method, fine for the means used here, < 100)."""
    if mean <= 0:
        return 0
    limit = math.exp(-mean)
    count = 0
    product = rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def day_factor(on: date) -> float:
    """Scale a weekday mean down on weekends."""
    return WEEKEND_FACTOR if on.weekday() >= 5 else 1.0


@dataclass(frozen=True, slots=True)
class Daily:
    """Every day, at least one call, about `mean` calls on a weekday and fewer on weekends."""

    mean: float

    def calls_on(self, day: int, on: date, rng: Random) -> int:
        return max(1, poisson(self.mean * day_factor(on), rng))


@dataclass(frozen=True, slots=True)
class Weekdays:
    """Monday to Friday only, at least one call each, about `mean` calls."""

    mean: float

    def calls_on(self, day: int, on: date, rng: Random) -> int:
        if on.weekday() >= 5:
            return 0
        return max(1, poisson(self.mean, rng))


@dataclass(frozen=True, slots=True)
class Weekly:
    """One day a week (`weekday`: Monday is 0), at least one call, about `mean` calls."""

    weekday: int
    mean: float

    def calls_on(self, day: int, on: date, rng: Random) -> int:
        if on.weekday() != self.weekday:
            return 0
        return max(1, poisson(self.mean, rng))


@dataclass(frozen=True, slots=True)
class EveryNDays:
    """Exactly `calls` calls on days `offset`, `offset + interval`, and so on."""

    interval: int
    offset: int
    calls: int

    def calls_on(self, day: int, on: date, rng: Random) -> int:
        if day < self.offset or (day - self.offset) % self.interval:
            return 0
        return self.calls


@dataclass(frozen=True, slots=True)
class OnceAt:
    """Exactly `calls` calls on day `day` and none on any other day: a quarterly or yearly job."""

    day: int
    calls: int

    def calls_on(self, day: int, on: date, rng: Random) -> int:
        return self.calls if day == self.day else 0


@dataclass(frozen=True, slots=True)
class StoppedAt:
    """Follow `before` until day `day` (exclusive), then make no calls: a rotated-away key."""

    day: int
    before: Schedule

    def calls_on(self, day: int, on: date, rng: Random) -> int:
        if day >= self.day:
            return 0
        return self.before.calls_on(day, on, rng)
