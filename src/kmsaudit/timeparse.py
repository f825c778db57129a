"""Parse the times, zones and periods users type on the command line."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import UsageError

_OFFSET = re.compile(r"^(?:UTC)?([+-])(\d{1,2})(?::?(\d{2}))?$")


def parse_time_zone(text: str) -> tzinfo:
    """Read an IANA zone name (`Asia/Shanghai`) or a fixed offset (`+08:00`, `UTC+8`)."""
    if text.upper() in ("UTC", "Z"):
        return UTC
    match = _OFFSET.match(text.strip())
    if match:
        sign = -1 if match.group(1) == "-" else 1
        offset = timedelta(hours=int(match.group(2)), minutes=int(match.group(3) or 0))
        return timezone(sign * offset)
    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise UsageError(
            f"unknown time zone {text!r}; use an IANA name such as Asia/Shanghai or an offset "
            "such as +08:00"
        ) from None


def parse_moment(text: str, *, end_of_day: bool = False) -> datetime:
    """Read a UTC date (`2026-06-01`) or an ISO 8601 time with a zone, as an aware datetime.

    A bare date means its UTC midnight, or with `end_of_day` the midnight after it. A time without
    a zone is rejected, because which day it falls on depends on the zone.
    """
    value = text.strip()
    try:
        day = date.fromisoformat(value)
    except ValueError:
        pass
    else:
        moment = datetime.combine(day, time(), tzinfo=UTC)
        return moment + timedelta(days=1) if end_of_day else moment
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(
            f"invalid time {text!r}; use a date such as 2026-06-01 or an ISO 8601 time with a "
            "zone such as 2026-06-01T08:00:00Z"
        ) from None
    if moment.tzinfo is None:
        raise UsageError(f"time {text!r} has no time zone; add Z for UTC or an offset like +08:00")
    return moment.astimezone(UTC)


def parse_period(text: str) -> tuple[datetime, datetime]:
    """Read `FROM..TO` as a half-open UTC period; a date as TO includes that whole day."""
    start_text, separator, end_text = text.partition("..")
    if not separator or not start_text or not end_text:
        raise UsageError(
            f"invalid period {text!r}; write FROM..TO, for example 2026-06-01..2026-06-30"
        )
    start = parse_moment(start_text)
    end = parse_moment(end_text, end_of_day=True)
    if end <= start:
        raise UsageError(f"invalid period {text!r}: it ends before it starts")
    return start, end
