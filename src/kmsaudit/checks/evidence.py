"""Turn the rows of the `match_evidence` query into `Evidence`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .model import Evidence, Tally

# DuckDB's grouping() over (api_name, client_ip, resource_id, principal_id, identity_type,
# access_key_id): a set bit marks a column aggregated away, the first column being the most
# significant bit.
_TOTAL = 0b111111
_BY_API = 0b011111
_BY_CLIENT_IP = 0b101111
_BY_RESOURCE = 0b110111
_BY_PRINCIPAL = 0b111001
_BY_CLIENT_KEY = 0b111110

Row = dict[str, Any]


def evidence_from_rows(rows: Sequence[Row]) -> Evidence:
    """Build evidence from `match_evidence` rows; no rows means nothing proved use."""
    totals = next((row for row in rows if row["grouping"] == _TOTAL), None)
    if totals is None or not totals["calls"]:
        return Evidence()
    calls, failed = int(totals["calls"]), int(totals["failed_calls"])
    return Evidence(
        matches=calls,
        succeeded=calls - failed,
        failed=failed,
        first_seen=totals["first_seen"],
        last_seen=totals["last_seen"],
        first_succeeded=totals["first_succeeded"],
        last_succeeded=totals["last_succeeded"],
        first_failed=totals["first_failed"],
        last_failed=totals["last_failed"],
        apis=_tallies(rows, _BY_API, "api_name"),
        client_ips=_tallies(rows, _BY_CLIENT_IP, "client_ip"),
        resources=_tallies(rows, _BY_RESOURCE, "resource_id"),
        principals=_tallies(rows, _BY_PRINCIPAL, "principal_id"),
        client_keys=_tallies(rows, _BY_CLIENT_KEY, "access_key_id"),
    )


def _tallies(rows: Sequence[Row], grouping: int, column: str) -> list[Tally]:
    return [
        Tally(
            value=row[column],
            calls=int(row["calls"]),
            failed_calls=int(row["failed_calls"]),
            identity_type=row["identity_type"] if column == "principal_id" else None,
        )
        for row in rows
        if row["grouping"] == grouping
    ]
