"""Verdicts of `check_key` and `check_aap` on one story each, through the real ingest path.

Every store has background traffic of another client key at noon on every day of the 180-day
window ending at `AS_OF`, so coverage is full unless the story removes days, plus the records the
story plants. Both are written as JSON-lines exports and ingested with `kmsaudit.ingest`, and
the check runs on the resulting store. Stories that share a `Scenario` share one store.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from storybuilder import (
    AS_OF,
    OTHER_AAP,
    RAM_USER_UID,
    TARGET_AAP,
    TARGET_KEY,
    WINDOW_DAYS,
    Record,
    at,
    background,
    build_store,
    days_before,
    record,
    scratch_directory,
    window_days,
)

import kmsaudit
from kmsaudit.checks import CheckResult, ReasonCode, TargetKind, Verdict
from kmsaudit.coverage import DayRange

WINDOW_START_DAY = days_before(AS_OF, WINDOW_DAYS)
LAST_WINDOW_DAY = days_before(AS_OF, 1)
DAY_170 = days_before(AS_OF, 170)
DAY_185 = days_before(AS_OF, 185)
GAP_DAY = days_before(AS_OF, 60)
QUARANTINE_DAY = days_before(AS_OF, 61)

# Five days that the `--covers` story declares covered, although no export has a record on them.
DECLARED_DAYS = tuple(days_before(AS_OF, 85) + timedelta(days=offset) for offset in range(5))

# A day before the window: a record there pairs the target key with an AAP but proves no use.
PAIRING_DAY = days_before(AS_OF, 200)


@dataclass(frozen=True)
class Scenario:
    """The content of one store: background, the story's records and what the export lacks.

    `story` returns the planted records. `dropped_days` are left out of the export entirely
    (background and story alike), so they are gaps unless `covers` declares them.
    `malformed_lines` are appended verbatim to the export and end up in the quarantine.
    """

    story: Callable[[], list[Record]]
    dropped_days: tuple[date, ...] = ()
    malformed_lines: tuple[str, ...] = ()
    covers: tuple[tuple[datetime, datetime], ...] = ()

    def records(self) -> list[Record]:
        dropped = {f"{day.isoformat()}T" for day in self.dropped_days}
        every = background(window_days()) + self.story()
        return [item for item in every if item["time"][:11] not in dropped]


@dataclass(frozen=True)
class Story:
    """One check on one scenario and the verdict and evidence the contract requires.

    `reasons` is the exact set of reason codes expected, or None where only the verdict is
    pinned because the contract leaves the reason open.
    """

    scenario: Scenario
    verdict: Verdict
    matches: int = 0
    failed: int = 0
    last_seen: datetime | None = None
    reasons: frozenset[ReasonCode] | None = frozenset()
    kind: TargetKind = TargetKind.KEY
    target: str = TARGET_KEY
    client_key_ids: tuple[str, ...] = ()
    known_aaps: tuple[str, ...] | None = None
    gaps: tuple[DayRange, ...] | None = None


def target_use(moment: datetime, **fields: str) -> Record:
    """Return a call of the target key through the target AAP at `moment`."""
    values = {"access_key_id": TARGET_KEY, "principal_id": TARGET_AAP, **fields}
    return record(moment, **values)


def forbidden(moment: datetime, **fields: str) -> Record:
    """Return a failed (HTTP 403) call of the target key through the target AAP."""
    return target_use(
        moment,
        status_code="403",
        error_code="Forbidden.NoPermission",
        error_message="This operation is not permitted by the policies of the AAP.",
        **fields,
    )


def gateway_record(moment: datetime, principal_id: str) -> Record:
    """Return a shared-gateway AAP call that names no client key."""
    return record(moment, access_key_id="", principal_id=principal_id)


def pairing_record() -> Record:
    """Return a call before the window that shows the target key belongs to the target AAP."""
    return target_use(at(PAIRING_DAY))


def deleted_aap_calls() -> list[Record]:
    """Return calls of the target key whose AAP was not found: empty principal and account."""
    return [
        target_use(
            at(day, 7),
            principal_id="",
            account_id="",
            status_code="404",
            error_code="EntityNotExist.Aap",
        )
        for day in (days_before(AS_OF, 40), days_before(AS_OF, 12))
    ]


def truncated_line(moment: datetime) -> str:
    """Return a JSON-lines export line cut off mid-record, dated `moment`."""
    text = json.dumps(record(moment))
    return text[: len(text) // 2]


NO_STORY = Scenario(story=list)
DAILY = Scenario(story=lambda: [target_use(at(day, 8)) for day in window_days()])
ONCE_170_DAYS_AGO = Scenario(story=lambda: [target_use(at(DAY_170, 9))])
ONCE_185_DAYS_AGO = Scenario(story=lambda: [target_use(at(DAY_185, 9))])
AT_WINDOW_START = Scenario(story=lambda: [target_use(at(WINDOW_START_DAY, 0))])
AT_AS_OF = Scenario(story=lambda: [target_use(AS_OF)])
FAILED_ONLY = Scenario(
    story=lambda: [forbidden(at(days_before(AS_OF, n), 10)) for n in (90, 30, 3)]
)
ON_MISSING_DAY = Scenario(story=lambda: [target_use(at(GAP_DAY, 9))], dropped_days=(GAP_DAY,))
IN_ERROR_MESSAGE = Scenario(
    story=lambda: [
        record(
            at(days_before(AS_OF, 20), 10),
            status_code="400",
            error_code="Rejected.Disabled",
            error_message=f"client key {TARGET_KEY} is disabled",
        )
    ]
)
IN_FILE_NAME = Scenario(
    story=lambda: [
        record(
            at(days_before(AS_OF, 20), 10),
            status_code="400",
            error_code="InvalidParameter",
            error_message=f"cannot read clientKey_{TARGET_KEY}.json",
        )
    ]
)
CASE_VARIANT = Scenario(
    story=lambda: [target_use(at(days_before(AS_OF, 15), 11), access_key_id=TARGET_KEY.upper())]
)
TRAILING_SPACE = Scenario(
    story=lambda: [target_use(at(days_before(AS_OF, 15), 11), access_key_id=TARGET_KEY + " ")]
)
NO_BREAK_SPACE = Scenario(
    story=lambda: [target_use(at(days_before(AS_OF, 15), 11), access_key_id=TARGET_KEY + "\u00a0")]
)
QUOTED_KEY = Scenario(
    story=lambda: [target_use(at(days_before(AS_OF, 15), 11), access_key_id=f'"{TARGET_KEY}"')]
)
GATEWAY_AAP_UNKNOWN = Scenario(
    story=lambda: [gateway_record(at(days_before(AS_OF, n), 14), OTHER_AAP) for n in (50, 5)]
)
GATEWAY_OTHER_AAP = Scenario(
    story=lambda: [
        pairing_record(),
        *(gateway_record(at(days_before(AS_OF, n), 14), OTHER_AAP) for n in (50, 5)),
    ]
)
GATEWAY_OWN_AAP = Scenario(
    story=lambda: [pairing_record(), gateway_record(at(days_before(AS_OF, 5), 14), TARGET_AAP)]
)
GATEWAY_PADDED_PAIRING = Scenario(
    story=lambda: [
        target_use(at(PAIRING_DAY), principal_id=TARGET_AAP + " "),
        gateway_record(at(days_before(AS_OF, 5), 14), TARGET_AAP),
    ]
)
GATEWAY_NO_PRINCIPAL = Scenario(
    story=lambda: [pairing_record(), gateway_record(at(days_before(AS_OF, 5), 14), "")]
)
RAM_USER_CALLS = Scenario(
    story=lambda: [
        record(
            at(days_before(AS_OF, n), 15),
            access_key_id="",
            identity_type="ram-user",
            principal_id=RAM_USER_UID,
        )
        for n in (100, 10)
    ]
)
DELETED_AAP = Scenario(story=deleted_aap_calls)
DELETED_AAP_PAIRED = Scenario(story=lambda: [pairing_record(), *deleted_aap_calls()])
LOGS_END_EARLY = Scenario(story=list, dropped_days=(days_before(AS_OF, 2), LAST_WINDOW_DAY))
LOGS_START_LATE = Scenario(
    story=list, dropped_days=tuple(WINDOW_START_DAY + timedelta(days=n) for n in range(20))
)
QUARANTINED_IN_WINDOW = Scenario(
    story=list, malformed_lines=(truncated_line(at(QUARANTINE_DAY, 10)),)
)
QUARANTINED_AFTER_AS_OF = Scenario(
    story=list, malformed_lines=(truncated_line(AS_OF + timedelta(hours=10)),)
)
DECLARED_WITHOUT_RECORDS = Scenario(
    story=list,
    dropped_days=DECLARED_DAYS,
    covers=((at(DECLARED_DAYS[0], 0), at(DECLARED_DAYS[-1] + timedelta(days=1), 0)),),
)

GAP = ReasonCode.COVERAGE_GAP
MENTIONED = ReasonCode.MENTIONED_ELSEWHERE
UNATTRIBUTED = ReasonCode.UNATTRIBUTED_RECORDS

STORIES = [
    pytest.param(
        Story(DAILY, Verdict.IN_USE, matches=WINDOW_DAYS, last_seen=at(LAST_WINDOW_DAY, 8)),
        id="used-daily",
    ),
    pytest.param(
        Story(ONCE_170_DAYS_AGO, Verdict.IN_USE, matches=1, last_seen=at(DAY_170, 9)),
        id="used-once-170-days-before",
    ),
    pytest.param(Story(ONCE_185_DAYS_AGO, Verdict.SAFE), id="used-only-before-window"),
    pytest.param(
        Story(AT_WINDOW_START, Verdict.IN_USE, matches=1, last_seen=at(WINDOW_START_DAY, 0)),
        id="used-at-window-start",
    ),
    pytest.param(Story(AT_AS_OF, Verdict.SAFE), id="used-only-at-as-of"),
    pytest.param(
        Story(
            FAILED_ONLY,
            Verdict.IN_USE,
            matches=3,
            failed=3,
            last_seen=at(days_before(AS_OF, 3), 10),
        ),
        id="used-only-by-failed-calls",
    ),
    pytest.param(
        Story(
            ON_MISSING_DAY,
            Verdict.INCONCLUSIVE,
            reasons=frozenset({GAP}),
            gaps=(DayRange(GAP_DAY, GAP_DAY),),
        ),
        id="used-only-on-missing-day",
    ),
    pytest.param(Story(NO_STORY, Verdict.SAFE, gaps=()), id="never-used-full-coverage"),
    pytest.param(
        Story(IN_ERROR_MESSAGE, Verdict.INCONCLUSIVE, reasons=frozenset({MENTIONED})),
        id="only-in-error-message",
    ),
    pytest.param(
        Story(CASE_VARIANT, Verdict.INCONCLUSIVE, reasons=frozenset({ReasonCode.NEAR_MATCH})),
        id="differs-only-in-case",
    ),
    pytest.param(
        Story(TRAILING_SPACE, Verdict.INCONCLUSIVE, reasons=frozenset({ReasonCode.NEAR_MATCH})),
        id="trailing-space",
    ),
    pytest.param(
        Story(NO_BREAK_SPACE, Verdict.INCONCLUSIVE, reasons=frozenset({ReasonCode.NEAR_MATCH})),
        id="trailing-no-break-space",
    ),
    pytest.param(
        Story(QUOTED_KEY, Verdict.INCONCLUSIVE, reasons=frozenset({MENTIONED})),
        id="key-id-inside-quotes",
    ),
    pytest.param(
        Story(IN_FILE_NAME, Verdict.INCONCLUSIVE, reasons=frozenset({MENTIONED})),
        id="key-id-inside-file-name",
    ),
    pytest.param(
        Story(ONCE_170_DAYS_AGO, Verdict.SAFE, kind=TargetKind.AAP, target=TARGET_AAP[:7]),
        id="aap-name-prefix-of-used-aap",
    ),
    pytest.param(
        Story(
            GATEWAY_AAP_UNKNOWN,
            Verdict.INCONCLUSIVE,
            reasons=frozenset({UNATTRIBUTED}),
            known_aaps=(),
        ),
        id="gateway-records-aap-unknown",
    ),
    pytest.param(
        Story(GATEWAY_OTHER_AAP, Verdict.SAFE, known_aaps=(TARGET_AAP,)),
        id="gateway-records-of-other-aap",
    ),
    pytest.param(
        Story(
            GATEWAY_OWN_AAP,
            Verdict.INCONCLUSIVE,
            reasons=frozenset({UNATTRIBUTED}),
            known_aaps=(TARGET_AAP,),
        ),
        id="gateway-records-of-own-aap",
    ),
    pytest.param(
        Story(GATEWAY_PADDED_PAIRING, Verdict.INCONCLUSIVE, reasons=frozenset({UNATTRIBUTED})),
        id="gateway-records-of-padded-own-aap",
    ),
    pytest.param(
        Story(GATEWAY_NO_PRINCIPAL, Verdict.INCONCLUSIVE, reasons=frozenset({UNATTRIBUTED})),
        id="gateway-records-without-principal",
    ),
    pytest.param(Story(RAM_USER_CALLS, Verdict.SAFE), id="ram-user-records-without-key"),
    pytest.param(
        Story(
            FAILED_ONLY,
            Verdict.IN_USE,
            matches=3,
            failed=3,
            last_seen=at(days_before(AS_OF, 3), 10),
            kind=TargetKind.AAP,
            target=TARGET_AAP,
        ),
        id="aap-used-only-by-failed-calls",
    ),
    pytest.param(
        Story(
            DELETED_AAP,
            Verdict.IN_USE,
            matches=2,
            failed=2,
            last_seen=at(days_before(AS_OF, 12), 7),
        ),
        id="deleted-aap-key-check",
    ),
    # An inventory that lists the key as the AAP's makes the key's calls the AAP's use. The
    # unattributed reason may remain beside that proof, so the reasons are not pinned.
    pytest.param(
        Story(
            DELETED_AAP,
            Verdict.IN_USE,
            matches=2,
            failed=2,
            last_seen=at(days_before(AS_OF, 12), 7),
            reasons=None,
            kind=TargetKind.AAP,
            target=TARGET_AAP,
            client_key_ids=(TARGET_KEY,),
        ),
        id="deleted-aap-check-with-inventory",
    ),
    # Without an inventory, a call with an empty principal_id could belong to any AAP, so it
    # suggests use of the checked AAP but proves none.
    pytest.param(
        Story(
            DELETED_AAP,
            Verdict.INCONCLUSIVE,
            reasons=frozenset({UNATTRIBUTED}),
            kind=TargetKind.AAP,
            target=TARGET_AAP,
        ),
        id="deleted-aap-check-key-unpaired",
    ),
    # An earlier record pairs the key with this AAP, but the empty principal_id means KMS did
    # not find the key's AAP at the time of the call. The call is not proof that the AAP of
    # that name, which exists when it is checked, is still used.
    pytest.param(
        Story(
            DELETED_AAP_PAIRED,
            Verdict.INCONCLUSIVE,
            reasons=frozenset({UNATTRIBUTED}),
            kind=TargetKind.AAP,
            target=TARGET_AAP,
        ),
        id="deleted-aap-check-key-paired",
    ),
    pytest.param(
        Story(DELETED_AAP_PAIRED, Verdict.SAFE, kind=TargetKind.AAP, target=OTHER_AAP),
        id="deleted-aap-key-of-another-aap",
    ),
    pytest.param(
        Story(LOGS_END_EARLY, Verdict.INCONCLUSIVE, reasons=frozenset({ReasonCode.LOGS_END_EARLY})),
        id="logs-end-two-days-early",
    ),
    pytest.param(
        Story(
            LOGS_START_LATE, Verdict.INCONCLUSIVE, reasons=frozenset({ReasonCode.LOGS_START_LATE})
        ),
        id="logs-start-twenty-days-late",
    ),
    pytest.param(
        Story(
            QUARANTINED_IN_WINDOW,
            Verdict.INCONCLUSIVE,
            reasons=frozenset({ReasonCode.QUARANTINED_ROWS}),
        ),
        id="quarantined-line-in-window",
    ),
    pytest.param(Story(QUARANTINED_AFTER_AS_OF, Verdict.SAFE), id="quarantined-line-after-as-of"),
    pytest.param(
        Story(DECLARED_WITHOUT_RECORDS, Verdict.SAFE, gaps=()),
        id="declared-coverage-without-records",
    ),
]


@pytest.fixture(scope="module")
def scratch() -> Iterator[Path]:
    with scratch_directory("kmsaudit-stories-") as folder:
        yield Path(folder)


@pytest.fixture(scope="module")
def background_store(scratch: Path) -> Path:
    """A store of the background export alone: every day of the window covered."""
    return build_store(scratch / "background", background(window_days()))


@pytest.fixture(scope="module")
def store_for(scratch: Path, background_store: Path) -> Callable[[Scenario], Path]:
    """Return a function that builds each scenario's store once per module.

    A scenario that keeps every background day ingests its story as a second export into a
    copy of the background store. A scenario that drops days or declares coverage writes one
    export of background and story together.
    """
    built: dict[Scenario, Path] = {NO_STORY: background_store}

    def build(scenario: Scenario) -> Path:
        if scenario in built:
            return built[scenario]
        root = scratch / f"story-{len(built)}"
        if scenario.dropped_days or scenario.covers:
            records = scenario.records()
            base = None
        else:
            records = scenario.story()
            base = background_store
        built[scenario] = build_store(
            root,
            records,
            extra_lines=scenario.malformed_lines,
            covers=scenario.covers,
            base=base,
        )
        return built[scenario]

    return build


def run_check(root: Path, story: Story) -> CheckResult:
    with kmsaudit.open_store(root) as store:
        if story.kind is TargetKind.KEY:
            return store.check_key(story.target, as_of=AS_OF, window_days=WINDOW_DAYS)
        return store.check_aap(
            story.target,
            client_key_ids=story.client_key_ids,
            as_of=AS_OF,
            window_days=WINDOW_DAYS,
        )


@pytest.mark.parametrize("story", STORIES)
def test_story_verdict_and_evidence(story: Story, store_for: Callable[[Scenario], Path]) -> None:
    result = run_check(store_for(story.scenario), story)

    assert result.verdict is story.verdict
    assert result.evidence.matches == story.matches
    assert result.evidence.failed == story.failed
    assert result.evidence.succeeded == story.matches - story.failed
    assert result.evidence.last_seen == story.last_seen
    if story.reasons is not None:
        assert {reason.code for reason in result.reasons} == story.reasons
    if story.known_aaps is not None:
        assert tuple(result.known_aaps) == story.known_aaps
    if story.gaps is not None:
        assert tuple(result.coverage.gaps) == story.gaps


def test_gap_reason_names_missing_day(store_for: Callable[[Scenario], Path]) -> None:
    story = Story(ON_MISSING_DAY, Verdict.INCONCLUSIVE)
    result = run_check(store_for(ON_MISSING_DAY), story)

    gap_reasons = [reason for reason in result.reasons if reason.code is GAP]
    assert len(gap_reasons) == 1
    assert gap_reasons[0].details["gaps"] == [DayRange(GAP_DAY, GAP_DAY).to_dict()]
    assert GAP_DAY.isoformat() in gap_reasons[0].message


def test_failed_calls_list_their_apis(store_for: Callable[[Scenario], Path]) -> None:
    result = run_check(store_for(FAILED_ONLY), Story(FAILED_ONLY, Verdict.IN_USE))

    assert [(tally.value, tally.calls, tally.failed_calls) for tally in result.evidence.apis] == [
        ("Decrypt", 3, 3)
    ]
    assert len(result.request_ids) == 3
