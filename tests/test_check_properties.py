"""Properties of verdicts over generated stores, each built through the real ingest path.

Stores are small: a 10-day window ending at `AS_OF`, one day before it and the day of `AS_OF`
itself (after the window), a few dozen records. The generated records pair the target key with
the target AAP only, as in KMS, where a client key belongs to exactly one AAP for its lifetime.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storybuilder import (
    AS_OF,
    OTHER_AAP,
    RAM_USER_UID,
    TARGET_AAP,
    TARGET_KEY,
    Record,
    at,
    build_store,
    ingest_files,
    record,
    scratch_directory,
    write_jsonl,
)

import kmsaudit
from kmsaudit.checks import Checker, CheckOptions, CheckResult, Verdict

WINDOW_DAYS = 10
FIRST_WINDOW_DAY = (AS_OF - timedelta(days=WINDOW_DAYS)).date()

# Day offsets from the window's first day: -1 is the day before the window, WINDOW_DAYS is the
# day of AS_OF, whose records are at or after AS_OF and so outside the window.
DAY_OFFSETS = range(-1, WINDOW_DAYS + 1)

# A key no record names: with full coverage and nothing suspicious, its verdict is safe.
UNSEEN_KEY = "KAAP.5e11ab1e-0000-4000-8000-00000000a11e"

# The function-scoped fixtures that every test gets (conftest.py) only set environment
# variables, which all examples of a test may share, so that health check is suppressed.
PROPERTY_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    print_blob=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def call(moment: datetime, kind: str) -> Record:
    """Return one record of `kind` at `moment`; the kinds cover every rule of the contract."""
    if kind == "target":
        return record(moment, access_key_id=TARGET_KEY, principal_id=TARGET_AAP)
    if kind == "target_failed":
        return record(
            moment,
            access_key_id=TARGET_KEY,
            principal_id=TARGET_AAP,
            status_code="403",
            error_code="Forbidden.NoPermission",
        )
    if kind == "deleted_aap":
        return record(moment, access_key_id=TARGET_KEY, principal_id="", account_id="")
    if kind == "mention":
        return record(moment, status_code="400", error_message=f"client key {TARGET_KEY} invalid")
    if kind == "near_match":
        return record(moment, access_key_id=TARGET_KEY.upper(), principal_id=TARGET_AAP)
    if kind == "gateway_other":
        return record(moment, access_key_id="", principal_id=OTHER_AAP)
    if kind == "gateway_target":
        return record(moment, access_key_id="", principal_id=TARGET_AAP)
    if kind == "ram_user":
        return record(moment, access_key_id="", identity_type="ram-user", principal_id=RAM_USER_UID)
    return record(moment)


# Background calls are weighted up so that a fair share of stores have a safe verdict to test.
KINDS = st.sampled_from(
    [
        *["background"] * 8,
        "target",
        "target_failed",
        "deleted_aap",
        "mention",
        "near_match",
        "gateway_other",
        "gateway_target",
        "ram_user",
    ]
)


@dataclass(frozen=True)
class Event:
    """One generated call: its day offset, hour and kind."""

    day: int
    hour: int
    kind: str

    @property
    def moment(self) -> datetime:
        return at(FIRST_WINDOW_DAY + timedelta(days=self.day), self.hour)


EVENTS = st.builds(
    Event,
    day=st.sampled_from(DAY_OFFSETS),
    hour=st.integers(min_value=0, max_value=23),
    kind=KINDS,
)


@st.composite
def stories(draw: st.DrawFn, min_size: int = 0) -> list[Record]:
    """Draw records: background on every day with probability 7/8, then up to 8 events."""
    records: list[Record] = []
    if draw(st.integers(min_value=0, max_value=7)):
        records += [
            call(at(FIRST_WINDOW_DAY + timedelta(days=day)), "background")
            for day in DAY_OFFSETS
            if day < WINDOW_DAYS
        ]
    for event in draw(st.lists(EVENTS, min_size=min_size, max_size=8)):
        records.append(call(event.moment, event.kind))
    return records


def day_of(item: Record) -> date:
    return date.fromisoformat(item["time"][:10])


def check_all(root: Path, targets: Sequence[tuple[str, str]]) -> dict[tuple[str, str], CheckResult]:
    """Check each `(kind, target)` on the store at `root` over the 10-day window."""
    options = CheckOptions(as_of=AS_OF, window_days=WINDOW_DAYS)
    results: dict[tuple[str, str], CheckResult] = {}
    with kmsaudit.open_store(root) as store:
        checker = Checker(store, options)
        try:
            for kind, target in targets:
                if kind == "key":
                    results[kind, target] = checker.check_key(target)
                else:
                    results[kind, target] = checker.check_aap(target)
        finally:
            checker.close()
    return results


TARGETS = (("key", TARGET_KEY), ("aap", TARGET_AAP), ("key", UNSEEN_KEY))


# Days to remove: in half of the draws only days outside the window, which keep coverage whole.
REMOVED_DAYS = st.one_of(
    st.sets(st.sampled_from([-1, WINDOW_DAYS]), min_size=1),
    st.sets(st.sampled_from(DAY_OFFSETS), min_size=1, max_size=3),
)


@PROPERTY_SETTINGS
@given(records=stories(min_size=1), removed=REMOVED_DAYS)
def test_removing_days_never_makes_safe(records: list[Record], removed: set[int]) -> None:
    """A store missing whole days of another store's records is never safer than it.

    Removing every record of a day inside the window turns that day into a gap, and removing
    records of days outside the window only removes key-to-AAP pairings, which can only widen
    what counts as unattributed. Neither can lift a reason or add proof of use, so whenever the
    store without those days (`after`) is safe, the complete store (`before`) is safe too.
    """
    removed_days = {FIRST_WINDOW_DAY + timedelta(days=offset) for offset in removed}
    remaining = [item for item in records if day_of(item) not in removed_days]

    with scratch_directory("kmsaudit-property-") as folder:
        before_root = build_store(Path(folder) / "before", records)
        before = check_all(before_root, TARGETS)
        if not remaining:
            return  # an empty store is an error, never a verdict
        after_root = build_store(Path(folder) / "after", remaining)
        after = check_all(after_root, TARGETS)

    for target in TARGETS:
        if after[target].verdict is Verdict.SAFE:
            assert before[target].verdict is Verdict.SAFE, target


@PROPERTY_SETTINGS
@given(base=stories(), use=EVENTS, extra=stories(min_size=1))
def test_adding_records_keeps_in_use(base: list[Record], use: Event, extra: list[Record]) -> None:
    """Records ingested later never take an `in_use` verdict away, nor lower its match count.

    The base export contains a failed call of the target key inside the window, so the key and
    its AAP are in use. A second export, which also repeats that call's request ID with the
    key removed, is then ingested into the same store.
    """
    inside = Event(day=use.day % WINDOW_DAYS, hour=use.hour, kind="target_failed")
    planted = call(inside.moment, inside.kind)
    base = [*base, planted]
    replay = {**planted, "access_key_id": "", "status_code": "200", "error_code": ""}
    targets = TARGETS[:2]

    with scratch_directory("kmsaudit-property-") as folder:
        root = build_store(Path(folder) / "store", base)
        before = check_all(root, targets)
        later = write_jsonl(Path(folder) / "later" / "kms.json1", [*extra, replay])
        ingest_files(root, [later])
        after = check_all(root, targets)

    for target in targets:
        assert before[target].verdict is Verdict.IN_USE, target
        assert after[target].verdict is Verdict.IN_USE, target
        assert after[target].evidence.matches >= before[target].evidence.matches, target


@PROPERTY_SETTINGS
@given(
    records=stories(min_size=1),
    declared=st.one_of(
        st.none(),
        st.tuples(st.sampled_from(DAY_OFFSETS), st.integers(min_value=1, max_value=WINDOW_DAYS)),
    ),
)
def test_safe_means_full_coverage(records: list[Record], declared: tuple[int, int] | None) -> None:
    """A `safe` verdict always comes with no gap, every required day covered and no match."""
    covers: list[tuple[datetime, datetime]] = []
    if declared is not None:
        start = at(FIRST_WINDOW_DAY + timedelta(days=declared[0]), 0)
        # Ingest rejects coverage declared into the future, so the period stops at AS_OF.
        end = min(start + timedelta(days=declared[1]), AS_OF)
        if start < end:
            covers.append((start, end))

    with scratch_directory("kmsaudit-property-") as folder:
        root = build_store(Path(folder) / "store", records, covers=covers)
        results = check_all(root, TARGETS)

    for target, result in results.items():
        if result.verdict is not Verdict.SAFE:
            continue
        assert result.coverage.gaps == [], target
        assert result.coverage.covered_days == result.coverage.required_days, target
        assert result.evidence.matches == 0, target
        assert result.reasons == [], target
