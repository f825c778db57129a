"""Decide verdicts: find proof of use, and otherwise every reason the logs fall short.

The order of the decision is fixed. One record proving use makes `in_use`. Without one, any
reason (uncovered days, stale logs, mentions, near matches, unattributed records, quarantined
rows, damaged sources) makes `inconclusive`. Only with no proof and no reason is the verdict
`safe`, which therefore always comes with full coverage of the window and zero matches.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

import duckdb

from ..errors import StoreError
from ..named_queries import bundled_query
from ..store import Store
from .evidence import evidence_from_rows
from .model import CheckResult, Reason, TargetKind, Verdict, WindowCoverage
from .store_reasons import (
    coverage_reasons,
    damaged_sources_reason,
    failed_sources_reason,
    quarantine_reason,
    window_coverage,
)
from .target_reasons import mention_reasons, near_match_reason, unattributed_reason
from .targets import validate_target
from .window import CheckOptions, make_window

log = logging.getLogger(__name__)

# Request IDs of proving records kept on a result, newest first, for evidence bundles.
MAX_REQUEST_IDS = 1000


class Checker:
    """Run checks over one window of one store; reuse it for several targets.

    Raise `StoreError` when the store contains no records at all, because an empty store proves
    nothing either way and most likely means the wrong `--store`.
    """

    def __init__(self, store: Store, options: CheckOptions | None = None) -> None:
        self.store = store
        self.window = make_window(options or CheckOptions())
        if not store.data_files():
            raise StoreError(
                f"the store {store.root} is empty (no records); ingest exports first "
                "('kmsaudit ingest EXPORTS...')"
            )
        self.duck = store.duckdb()
        self.coverage: WindowCoverage = window_coverage(
            store, self.duck, store.coverage_map(), self.window
        )
        self.store_reasons: list[Reason] = coverage_reasons(self.coverage, self.window)
        for reason in (
            quarantine_reason(store, self.window),
            damaged_sources_reason(store, self.window),
            failed_sources_reason(store),
        ):
            if reason is not None:
                self.store_reasons.append(reason)

    def close(self) -> None:
        self.duck.close()

    def check_key(self, key_id: str) -> CheckResult:
        """Check one client key ID, e.g. `KAAP.66abf237-63f6-4625-b8cf-47e1086e1a2b`."""
        validate_target(TargetKind.KEY, key_id)
        parameters = self._parameters(key_id)
        self._fill_matches("check_key_matches", parameters)
        known_aaps = [
            row["aap_name"] for row in self._rows("key_pairings", {"target_id": key_id})
        ]
        reasons = self._target_reasons(TargetKind.KEY, key_id, known_aaps)
        return self._result(TargetKind.KEY, key_id, reasons, known_aaps)

    def check_aap(self, name: str, client_key_ids: Sequence[str] = ()) -> CheckResult:
        """Check one AAP by name; `client_key_ids` are its keys when an inventory lists them."""
        validate_target(TargetKind.AAP, name)
        parameters = {**self._parameters(name), "client_key_ids": list(client_key_ids)}
        self._fill_matches("check_aap_matches", parameters)
        reasons = self._target_reasons(TargetKind.AAP, name, [name])
        return self._result(TargetKind.AAP, name, reasons, [name])

    def _parameters(self, target: str) -> dict[str, object]:
        return {
            "target_id": target,
            "window_start": self.window.start,
            "window_end": self.window.end,
        }

    def _fill_matches(self, query_name: str, parameters: dict[str, object]) -> None:
        query = bundled_query(query_name)
        try:
            self.duck.execute(
                f"CREATE OR REPLACE TEMP TABLE matches AS {_without_header(query.sql)}",
                parameters,
            )
        except duckdb.Error as error:
            raise StoreError(f"query {query.name} failed on {self.store.root}: {error}") from error

    def _target_reasons(
        self, kind: TargetKind, target: str, known_aaps: list[str]
    ) -> list[Reason]:
        window_parameters = {
            "window_start": self.window.start,
            "window_end": self.window.end,
        }
        target_parameters = {**window_parameters, "target_kind": kind.value, "target_id": target}
        reasons = list(self.store_reasons)
        near_rows = self._rows("check_near_matches", target_parameters)
        near = near_match_reason(kind, target, near_rows)
        if near is not None:
            reasons.append(near)
        near_total = sum(int(row["records"]) for row in near_rows)
        mentions = self._rows("check_mentions", target_parameters)
        reasons += mention_reasons(kind, target, mentions, near_total)
        unattributed = unattributed_reason(
            kind, target, known_aaps, self._rows("check_unattributed", window_parameters)
        )
        if unattributed is not None:
            reasons.append(unattributed)
        return reasons

    def _result(
        self, kind: TargetKind, target: str, reasons: list[Reason], known_aaps: list[str]
    ) -> CheckResult:
        evidence = evidence_from_rows(self._rows("match_evidence", {}))
        if evidence.matches:
            verdict = Verdict.IN_USE
        elif reasons:
            verdict = Verdict.INCONCLUSIVE
        else:
            verdict = Verdict.SAFE
        request_ids = [
            row["request_id"] for row in self._rows("match_request_ids", {"limit": MAX_REQUEST_IDS})
        ]
        log.info("%s %s: %s (%d matches)", kind.value, target, verdict.value, evidence.matches)
        return CheckResult(
            kind=kind,
            target=target,
            verdict=verdict,
            window=self.window,
            evidence=evidence,
            coverage=self.coverage,
            reasons=reasons,
            known_aaps=known_aaps if kind is TargetKind.KEY else [],
            request_ids=request_ids,
        )

    def _rows(self, query_name: str, parameters: Mapping[str, object]) -> list[dict[str, Any]]:
        cursor = bundled_query(query_name).run(self.duck, parameters)
        names = [column[0] for column in cursor.description or []]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _without_header(sql: str) -> str:
    """Drop the header comment and a trailing semicolon so the query can be wrapped."""
    return sql.strip().rstrip(";")
