"""`status`: what a store holds, how much of time it covers, and what was set aside."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from .coverage import CoverageMap, DayRange
from .store import Store, catalog

ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True, slots=True)
class StoreStatus:
    """A snapshot of a store. Times are UTC; `gaps` lie between the first and last covered day."""

    store: str
    sources: int
    sources_by_format: dict[str, int]
    damaged_sources: list[str]
    records: int
    first_time: datetime | None
    last_time: datetime | None
    days_with_records: int
    gaps: list[DayRange]
    declared: list[tuple[datetime, datetime]]
    quarantined: int
    quarantined_unknown_day: int
    quarantine_files: list[str]
    failed_sources: list[tuple[str, str, str]] = field(default_factory=list)
    records_per_day: dict[date, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        """Build the JSON object printed by `status --json`."""
        return {
            "kind": "kmsaudit.status",
            "version": 1,
            "store": self.store,
            "sources": {
                "total": self.sources,
                "by_format": self.sources_by_format,
                "damaged": self.damaged_sources,
            },
            "records": self.records,
            "first_time": _iso(self.first_time),
            "last_time": _iso(self.last_time),
            "days_with_records": self.days_with_records,
            "gaps": [gap.to_dict() for gap in self.gaps],
            "declared_coverage": [
                {"from": start.isoformat(), "to": end.isoformat()} for start, end in self.declared
            ],
            "quarantine": {
                "rows": self.quarantined,
                "rows_without_day": self.quarantined_unknown_day,
                "files": self.quarantine_files,
            },
            "failed_sources": [
                {"path": path, "reason": reason, "failed_at": failed_at}
                for path, reason, failed_at in self.failed_sources
            ],
            "records_per_day": {
                day.isoformat(): count for day, count in sorted(self.records_per_day.items())
            },
        }


def store_status(store: Store) -> StoreStatus:
    """Summarize `store` from its catalog alone, without reading any data file."""
    connection = store.catalog
    coverage = store.coverage_map()
    first_day, last_day = _covered_span(coverage)
    by_format = catalog.sources_by_format(connection)
    first_time, last_time = catalog.source_time_range(connection)
    quarantine = catalog.quarantine_totals(connection)
    return StoreStatus(
        store=str(store.root),
        sources=sum(by_format.values()),
        sources_by_format=by_format,
        damaged_sources=catalog.damaged_source_paths(connection),
        records=sum(coverage.records_per_day.values()),
        first_time=first_time,
        last_time=last_time,
        days_with_records=sum(1 for count in coverage.records_per_day.values() if count > 0),
        gaps=coverage.gaps(first_day, last_day) if first_day and last_day else [],
        declared=list(coverage.declared),
        quarantined=quarantine.dated + quarantine.undated,
        quarantined_unknown_day=quarantine.undated,
        quarantine_files=quarantine.files,
        failed_sources=catalog.failed_sources(connection),
        records_per_day=dict(sorted(coverage.records_per_day.items())),
    )


def _covered_span(coverage: CoverageMap) -> tuple[date | None, date | None]:
    first, last = coverage.first_day, coverage.last_day
    for start, end in coverage.declared:
        start_day, end_day = start.date(), (end - ONE_MICROSECOND).date()
        first = min(first, start_day) if first else start_day
        last = max(last, end_day) if last else end_day
    return first, last


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
