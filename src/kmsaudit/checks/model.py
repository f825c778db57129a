"""Verdicts, reasons and evidence: what a check returns.

`CheckResult.to_dict()` is the versioned JSON object of `kmsaudit check --json`; its fields are
documented in docs/check-json.md and a change to them is a new `version`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from ..coverage import DayRange
from ..exit_codes import ExitCode

CHECK_JSON_VERSION = 1


class Verdict(StrEnum):
    """The outcome of a check: is deleting the target safe?"""

    IN_USE = "in_use"
    SAFE = "safe"
    INCONCLUSIVE = "inconclusive"

    @property
    def exit_code(self) -> ExitCode:
        return _EXIT_CODES[self]


_EXIT_CODES = {
    Verdict.SAFE: ExitCode.SAFE,
    Verdict.IN_USE: ExitCode.IN_USE,
    Verdict.INCONCLUSIVE: ExitCode.INCONCLUSIVE,
}

# Most severe first: with several targets, the first verdict present here decides the exit code.
SEVERITY = (Verdict.IN_USE, Verdict.INCONCLUSIVE, Verdict.SAFE)


class TargetKind(StrEnum):
    """The kind of resource a check is about."""

    KEY = "key"
    AAP = "aap"


class ReasonCode(StrEnum):
    """Codes of the reasons that keep a check without proof of use from being `safe`."""

    COVERAGE_GAP = "coverage_gap"
    LOGS_START_LATE = "logs_start_late"
    LOGS_END_EARLY = "logs_end_early"
    MENTIONED_ELSEWHERE = "mentioned_elsewhere"
    NEAR_MATCH = "near_match"
    UNATTRIBUTED_RECORDS = "unattributed_records"
    QUARANTINED_ROWS = "quarantined_rows"
    DAMAGED_SOURCES = "damaged_sources"
    FAILED_SOURCES = "failed_sources"


@dataclass(frozen=True, slots=True)
class Reason:
    """One reason the evidence is incomplete or suspicious, with how to resolve it.

    `details` contains the numbers behind `message` (counts, date ranges, sample request IDs).
    """

    code: ReasonCode
    message: str
    resolution: str
    details: dict[str, object] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code.value,
            "message": self.message,
            "resolution": self.resolution,
            "details": self.details,
        }


@dataclass(frozen=True, slots=True)
class Window:
    """The period a check looks at: `[start, end)` in UTC, `end` being `--as-of`.

    `freshness_limit` is `end` minus the freshness allowance: the newest covered moment must be
    at or after it, or the end of the window counts as uncovered.
    """

    start: datetime
    end: datetime
    days: int
    freshness_allowance: timedelta

    @property
    def freshness_limit(self) -> datetime:
        return self.end - self.freshness_allowance

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_required_day(self) -> date:
        """The last UTC day that must be covered: the day of the moment just before the limit."""
        return (self.freshness_limit - timedelta(microseconds=1)).date()

    def to_dict(self) -> dict[str, object]:
        return {
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "days": self.days,
            "freshness_allowance_hours": self.freshness_allowance / timedelta(hours=1),
            "freshness_limit": self.freshness_limit.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class Tally:
    """Calls grouped by one field value (an API, client IP, resource, principal or key)."""

    value: str | None
    calls: int
    failed_calls: int
    identity_type: str | None = None

    def to_dict(self, name: str) -> dict[str, object]:
        payload: dict[str, object] = {
            name: self.value,
            "calls": self.calls,
            "failed_calls": self.failed_calls,
        }
        if name == "principal_id":
            payload["identity_type"] = self.identity_type
        return payload


@dataclass(frozen=True, slots=True)
class Evidence:
    """Facts from the records that prove use; all zero and empty when nothing proved use."""

    matches: int = 0
    succeeded: int = 0
    failed: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    first_succeeded: datetime | None = None
    last_succeeded: datetime | None = None
    first_failed: datetime | None = None
    last_failed: datetime | None = None
    apis: list[Tally] = field(default_factory=list)
    client_ips: list[Tally] = field(default_factory=list)
    resources: list[Tally] = field(default_factory=list)
    principals: list[Tally] = field(default_factory=list)
    client_keys: list[Tally] = field(default_factory=list)

    def to_dict(self) -> dict[str, object]:
        return {
            "matches": self.matches,
            "succeeded": {
                "calls": self.succeeded,
                "first_seen": _iso(self.first_succeeded),
                "last_seen": _iso(self.last_succeeded),
            },
            "failed": {
                "calls": self.failed,
                "first_seen": _iso(self.first_failed),
                "last_seen": _iso(self.last_failed),
            },
            "first_seen": _iso(self.first_seen),
            "last_seen": _iso(self.last_seen),
            "apis": [tally.to_dict("api_name") for tally in self.apis],
            "client_ips": [tally.to_dict("client_ip") for tally in self.client_ips],
            "resources": [tally.to_dict("resource_id") for tally in self.resources],
            "principals": [tally.to_dict("principal_id") for tally in self.principals],
            "client_keys": [tally.to_dict("access_key_id") for tally in self.client_keys],
        }


@dataclass(frozen=True, slots=True)
class WindowCoverage:
    """How much of the window the store covers, by UTC day."""

    required_days: int
    covered_days: int
    gaps: list[DayRange]
    first_record: datetime | None
    last_record: datetime | None
    last_covered: datetime | None
    declared: list[tuple[datetime, datetime]]

    def to_dict(self) -> dict[str, object]:
        return {
            "required_days": self.required_days,
            "covered_days": self.covered_days,
            "gaps": [gap.to_dict() for gap in self.gaps],
            "first_record": _iso(self.first_record),
            "last_record": _iso(self.last_record),
            "last_covered": _iso(self.last_covered),
            "declared": [
                {"from": start.isoformat(), "to": end.isoformat()} for start, end in self.declared
            ],
        }


@dataclass(frozen=True, slots=True)
class CheckResult:
    """A verdict on one target, with its reasons, evidence and the window's coverage.

    `reasons` is filled for every verdict: with `in_use` they are reported but do not change the
    verdict, because one proving record is enough.
    """

    kind: TargetKind
    target: str
    verdict: Verdict
    window: Window
    evidence: Evidence
    coverage: WindowCoverage
    reasons: list[Reason]
    known_aaps: list[str] = field(default_factory=list)
    request_ids: list[str] = field(default_factory=list)

    @property
    def exit_code(self) -> ExitCode:
        return self.verdict.exit_code

    def to_dict(self) -> dict[str, object]:
        """Build the JSON object of `check --json`, one per target."""
        return {
            "kind": "kmsaudit.check",
            "version": CHECK_JSON_VERSION,
            "target": {"type": self.kind.value, "id": self.target},
            "verdict": self.verdict.value,
            "exit_code": int(self.exit_code),
            "reasons": [reason.to_dict() for reason in self.reasons],
            "window": self.window.to_dict(),
            "coverage": self.coverage.to_dict(),
            "evidence": self.evidence.to_dict(),
            "known_aaps": self.known_aaps,
        }


def overall_exit_code(results: list[CheckResult]) -> ExitCode:
    """Return the exit code of the most severe verdict among `results`."""
    verdicts = {result.verdict for result in results}
    for verdict in SEVERITY:
        if verdict in verdicts:
            return verdict.exit_code
    return ExitCode.ERROR


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()
