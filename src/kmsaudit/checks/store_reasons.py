"""Reasons that come from the store rather than the target: coverage, quarantine, damage.

They are the same for every target checked over one window, so a `Checker` computes them once.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import duckdb

from ..counts import counted
from ..coverage import CoverageMap, DayRange
from ..named_queries import bundled_query
from ..store import Store, catalog
from .model import Reason, ReasonCode, Window, WindowCoverage


def window_coverage(
    store: Store, duck: duckdb.DuckDBPyConnection, coverage: CoverageMap, window: Window
) -> WindowCoverage:
    """Measure the window's coverage: covered and uncovered days, first and last record."""
    first_day, last_day = window.first_day, window.last_required_day
    required = (last_day - first_day).days + 1
    gaps = coverage.gaps(first_day, last_day)
    first_record, last_record, _ = (
        bundled_query("store_time_range").run(duck, {"window_end": window.end}).fetchone()
        or (None, None, 0)
    )
    return WindowCoverage(
        required_days=required,
        covered_days=required - sum(gap.days for gap in gaps),
        gaps=gaps,
        first_record=first_record,
        last_record=last_record,
        last_covered=_last_covered(last_record, coverage, window),
        declared=[
            (start, end) for start, end in coverage.declared
            if start < window.end and end > window.start
        ],
    )


def coverage_reasons(coverage: WindowCoverage, window: Window) -> list[Reason]:
    """Turn uncovered days and stale logs into reasons: start late, gaps, end early."""
    if coverage.covered_days == 0:
        whole = DayRange(window.first_day, window.last_required_day)
        return [
            Reason(
                ReasonCode.COVERAGE_GAP,
                f"the store covers no day of the window ({whole}, {counted(whole.days, 'day')})",
                "ingest exports of the window's period, or check an --as-of inside the "
                "period the store covers (see 'kmsaudit status')",
                {"gaps": [whole.to_dict()]},
            )
        ]
    reasons: list[Reason] = []
    inner = list(coverage.gaps)
    if inner and inner[0].first == window.first_day:
        leading = inner.pop(0)
        reasons.append(
            Reason(
                ReasonCode.LOGS_START_LATE,
                f"the logs start on {leading.last + timedelta(days=1)}, "
                f"{counted(leading.days, 'day')} after the window starts on {window.first_day}",
                f"ingest exports from {leading.first} to {leading.last}, or shorten "
                "--window-days if the target did not exist then",
                {"uncovered": leading.to_dict()},
            )
        )
    trailing = None
    if inner and inner[-1].last == window.last_required_day:
        trailing = inner.pop()
    if inner:
        days = sum(gap.days for gap in inner)
        reasons.append(
            Reason(
                ReasonCode.COVERAGE_GAP,
                f"{counted(days, 'day')} in the window without records or declared coverage: "
                + ", ".join(str(gap) for gap in inner),
                "ingest exports of those days; if an export truly spans them with no "
                "requests, declare it with 'kmsaudit ingest --covers FROM..TO'",
                {"gaps": [gap.to_dict() for gap in inner]},
            )
        )
    stale = coverage.last_covered is None or coverage.last_covered < window.freshness_limit
    if trailing is not None or stale:
        reasons.append(_end_early(coverage, window, trailing))
    return reasons


def _end_early(coverage: WindowCoverage, window: Window, trailing: DayRange | None) -> Reason:
    newest = coverage.last_covered.isoformat() if coverage.last_covered else "unknown"
    details: dict[str, object] = {
        "last_covered": newest,
        "freshness_limit": window.freshness_limit.isoformat(),
    }
    if trailing is not None:
        details["uncovered"] = trailing.to_dict()
    return Reason(
        ReasonCode.LOGS_END_EARLY,
        f"the logs end at {newest}, before {window.freshness_limit.isoformat()} (--as-of "
        f"{window.end.isoformat()} minus the {_hours(window)} freshness allowance)",
        "ingest a newer export, or pass an earlier --as-of",
        details,
    )


def quarantine_reason(store: Store, window: Window) -> Reason | None:
    """Rows set aside as malformed that may belong to the window.

    A row whose day was read counts when that day is in the window. A row whose day could not be
    read counts when the records of its source file reach into the window, because export files
    cover contiguous periods. When its file has no readable record at all, the file's period is
    unknown, so the row counts too.
    """
    last_day = (window.end - timedelta(microseconds=1)).date()
    count = catalog.quarantine_between(store.catalog, window.first_day, last_day)
    in_window, without_day = count.dated, count.undated
    if not in_window and not without_day:
        return None
    return Reason(
        ReasonCode.QUARANTINED_ROWS,
        f"{counted(in_window + without_day, 'malformed row')} that may belong to the window "
        f"were set aside and not searched ({in_window:,} dated inside it, {without_day:,} "
        "undated from source files whose records reach into it)",
        f"read them in {', '.join(count.files)} under {store.root}; fix the exports and "
        "ingest them again",
        {"rows_in_window": in_window, "rows_without_day": without_day, "files": count.files},
    )


def damaged_sources_reason(store: Store, window: Window) -> Reason | None:
    """Source files read only in part (truncated or corrupt) whose lost part may reach the window."""
    damaged = catalog.damaged_sources_before(store.catalog, window.end)
    if not damaged:
        return None
    rows = [(str(source["path"]), source["damage"]) for source in damaged]
    return Reason(
        ReasonCode.DAMAGED_SOURCES,
        f"{counted(len(rows), 'source file')} damaged and read only in part; the records after the "
        "damage are missing: " + ", ".join(path for path, _ in rows),
        "export those periods again and ingest the new files under the same paths (a clean "
        "read of a path replaces its damaged one)",
        {"sources": [{"path": path, "damage": damage} for path, damage in rows]},
    )


def failed_sources_reason(store: Store) -> Reason | None:
    """Source files whose last ingest failed: their records, of unknown period, are missing."""
    failures = catalog.failed_sources(store.catalog)
    if not failures:
        return None
    listing = "; ".join(f"{path} ({reason})" for path, reason, _ in failures[:3])
    more = f"; and {len(failures) - 3:,} more" if len(failures) > 3 else ""
    return Reason(
        ReasonCode.FAILED_SOURCES,
        f"{counted(len(failures), 'source file')} failed to ingest, so records of unknown "
        f"period are missing: {listing}{more}",
        "fix the cause and ingest those files again (a clean ingest clears the failure); if a "
        "file is not an export of this Logstore, move it out of the export folders and run "
        "'kmsaudit ingest --forget-failures' with the other inputs",
        {
            "sources": [
                {"path": path, "reason": reason, "failed_at": failed_at}
                for path, reason, failed_at in failures
            ]
        },
    )


def _last_covered(
    last_record: datetime | None, coverage: CoverageMap, window: Window
) -> datetime | None:
    """Return the newest moment the store vouches for: its last record or a declared end."""
    candidates = [last_record] if last_record else []
    candidates += [min(end, window.end) for start, end in coverage.declared if start < window.end]
    return max(candidates) if candidates else None


def _hours(window: Window) -> str:
    return f"{window.freshness_allowance / timedelta(hours=1):g}-hour"
