"""The outcome of an ingest run, file by file and in total."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum


class FileStatus(StrEnum):
    """The outcome for one input file."""

    INGESTED = "ingested"
    SKIPPED = "skipped"
    REJECTED = "rejected"
    UNRECOGNIZED = "unrecognized"
    FAILED = "failed"


@dataclass(slots=True)
class FileOutcome:
    """One input file's outcome. `message` explains every status but `ingested`."""

    path: str
    status: FileStatus
    message: str | None = None
    format: str | None = None
    compression: str | None = None
    records_read: int = 0
    records_new: int = 0
    duplicates: int = 0
    quarantined: int = 0
    coerced_values: int = 0
    invalid_utf8_lines: int = 0
    zone_mismatches: int = 0
    damage: str | None = None


@dataclass(slots=True)
class IngestSummary:
    """Totals of a run; `quarantine_files` are paths relative to the store root."""

    store: str
    files: list[FileOutcome] = field(default_factory=list)
    days_touched: list[str] = field(default_factory=list)
    quarantine_files: list[str] = field(default_factory=list)
    coverage_declared: list[tuple[str, str]] = field(default_factory=list)
    passed_over: list[str] = field(default_factory=list)
    failures_forgotten: int = 0
    coverage_not_recorded: bool = False
    recovered_files: int = 0

    def count(self, status: FileStatus) -> int:
        return sum(1 for outcome in self.files if outcome.status is status)

    def total(self, name: str) -> int:
        return sum(int(getattr(outcome, name)) for outcome in self.files)

    @property
    def complete(self) -> bool:
        """True when every input was ingested or skipped as already ingested.

        A failed, rejected (client key secret) or unrecognized file makes the run incomplete,
        so that a scheduled job notices records that did not land.
        """
        return all(
            outcome.status in (FileStatus.INGESTED, FileStatus.SKIPPED) for outcome in self.files
        )

    def to_dict(self) -> dict[str, object]:
        """Build the JSON object printed by `ingest --json`."""
        return {
            "kind": "kmsaudit.ingest",
            "version": 1,
            "store": self.store,
            "complete": self.complete,
            "files": {
                "total": len(self.files),
                **{status.value: self.count(status) for status in FileStatus},
                "damaged": sum(1 for outcome in self.files if outcome.damage),
            },
            "records": {
                "read": self.total("records_read"),
                "new": self.total("records_new"),
                "duplicates": self.total("duplicates"),
                "quarantined": self.total("quarantined"),
                "coerced_values": self.total("coerced_values"),
                "invalid_utf8_lines": self.total("invalid_utf8_lines"),
                "zone_mismatches": self.total("zone_mismatches"),
            },
            "days_touched": self.days_touched,
            "coverage_declared": [
                {"from": start, "to": end} for start, end in self.coverage_declared
            ],
            "coverage_not_recorded": self.coverage_not_recorded,
            "quarantine_files": self.quarantine_files,
            "passed_over": self.passed_over,
            "failures_forgotten": self.failures_forgotten,
            "recovered_files": self.recovered_files,
            "sources": [
                {key: value for key, value in asdict(outcome).items()} for outcome in self.files
            ],
        }
