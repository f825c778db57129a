"""Reasons that depend on the target: near matches, mentions, unattributed records."""

from __future__ import annotations

from typing import Any

from ..counts import counted
from .model import Reason, ReasonCode, TargetKind

Row = dict[str, Any]

# The identity field of each kind; near matches there are reported apart from mentions.
_IDENTITY_FIELD = {TargetKind.KEY: "access_key_id", TargetKind.AAP: "principal_id"}


def near_match_reason(kind: TargetKind, target: str, rows: list[Row]) -> Reason | None:
    """Records whose identity field equals the target once case and white space are ignored."""
    if not rows:
        return None
    field = _IDENTITY_FIELD[kind]
    total = sum(int(row["records"]) for row in rows)
    variants = ", ".join(repr(row["written_as"]) for row in rows)
    return Reason(
        ReasonCode.NEAR_MATCH,
        f"{counted(total, 'record')} with {field} equal to {target!r} only when case or white "
        f"space is ignored (written as {variants})",
        f"read those records (for example request IDs {_samples(rows)}): if they are this "
        f"{_noun(kind)}'s calls written differently, it is in use",
        {
            "field": field,
            "records": total,
            "variants": [
                {
                    "written_as": row["written_as"],
                    "records": int(row["records"]),
                    "first_seen": _iso(row["first_seen"]),
                    "last_seen": _iso(row["last_seen"]),
                    "sample_request_ids": row["sample_request_ids"],
                }
                for row in rows
            ],
        },
    )


def mention_reasons(
    kind: TargetKind, target: str, rows: list[Row], near_matches: int
) -> list[Reason]:
    """List, as one reason, every text field that names the target without proving use.

    Every near match also mentions the target in the identity field. So the identity field is
    listed only for records beyond the `near_matches` reported apart, such as an access_key_id
    that contains the key ID in quotes or beside another ID.
    """
    fields = []
    for row in rows:
        if row["field"] == _IDENTITY_FIELD[kind]:
            remaining = int(row["records"]) - near_matches
            if remaining <= 0:
                continue
            row = {**row, "records": remaining}
        fields.append(row)
    if not fields:
        return []
    summary = ", ".join(f"{row['field']} of {counted(row['records'], 'record')}" for row in fields)
    return [
        Reason(
            ReasonCode.MENTIONED_ELSEWHERE,
            f"{target!r} appears in other fields: {summary}",
            f"read those records (for example request IDs {_samples(fields)}); an error message "
            f"or request parameter naming this {_noun(kind)} suggests an application still "
            "uses it",
            {
                "fields": [
                    {
                        "field": row["field"],
                        "records": int(row["records"]),
                        "sample_request_ids": row["sample_request_ids"],
                    }
                    for row in fields
                ]
            },
        )
    ]


def unattributed_reason(
    kind: TargetKind, target: str, known_aaps: list[str], rows: list[Row]
) -> Reason | None:
    """Count records that may be the target's calls but name no client key (or no AAP).

    For a client key, these are AAP records without an access_key_id whose principal_id is one of
    the key's known AAPs or is empty. When no AAP of the key is known, those of any AAP count.
    For an AAP, these are AAP records without a principal_id, unless their client key is seen
    only with other AAPs. Records of an empty or unknown identity type without an
    access_key_id are judged like AAP records, by their principal_id, and AAP names are
    compared without case. RAM-identity records never count, because a RAM
    identity cannot use a client key.
    """
    candidates = [row for row in rows if _could_be_target(kind, target, known_aaps, row)]
    if not candidates:
        return None
    total = sum(int(row["records"]) for row in candidates)
    groups = [
        {
            "identity": row["identity"],
            "principal_id": row["principal_id"],
            "access_key_id": row["access_key_id"],
            "records": int(row["records"]),
        }
        for row in candidates
    ]
    return Reason(
        ReasonCode.UNATTRIBUTED_RECORDS,
        f"{counted(total, 'record')} in the window could be this {_noun(kind)}'s calls but "
        f"do not name it ({_unattributed_scope(kind, known_aaps)})",
        _unattributed_resolution(kind, known_aaps),
        {"records": total, "known_aaps": known_aaps, "groups": groups},
    )


def _could_be_target(kind: TargetKind, target: str, known_aaps: list[str], row: Row) -> bool:
    """Decide one group; records with no identity type are judged like AAP records."""
    principal, key = row["principal_id"], row["access_key_id"]
    if kind is TargetKind.KEY:
        if key is not None:
            return False
        return principal is None or not known_aaps or _folded(principal) in _folded_all(known_aaps)
    if principal is not None:
        return _folded(principal) == _folded(target) and key is None
    paired = list(row["paired_aaps"] or [])
    return not paired or _folded(target) in _folded_all(paired)


def _folded(name: str) -> str:
    """Compare AAP names without case, as a near match would."""
    return name.strip().casefold()


def _folded_all(names: list[str]) -> set[str]:
    return {_folded(name) for name in names}


def _unattributed_scope(kind: TargetKind, known_aaps: list[str]) -> str:
    if kind is TargetKind.AAP:
        return "AAP records with an empty principal_id, or records with no identity at all"
    if known_aaps:
        return (
            "records of its AAP " + ", ".join(known_aaps) + " or of no named AAP without an "
            "access_key_id, or with no identity at all"
        )
    return (
        "its AAP is unknown, so AAP records of any AAP without an access_key_id count, and so do "
        "records with no identity at all"
    )


def _unattributed_resolution(kind: TargetKind, known_aaps: list[str]) -> str:
    if kind is TargetKind.KEY and not known_aaps:
        return (
            "find the key's AAP (ListClientKeys shows its AapName) and run 'kmsaudit check aap "
            "NAME': an AAP with no calls at all cannot have used the key"
        )
    return (
        "the shared gateway may omit the client key ID, so the logs cannot settle this; "
        "confirm with the owners of the applications behind those records"
    )


def _samples(rows: list[Row], limit: int = 3) -> str:
    request_ids: list[str] = []
    for row in rows:
        for request_id in row["sample_request_ids"] or []:
            if request_id not in request_ids:
                request_ids.append(request_id)
    return ", ".join(request_ids[:limit]) or "none recorded"


def _noun(kind: TargetKind) -> str:
    return "client key" if kind is TargetKind.KEY else "AAP"


def _iso(value: object) -> str | None:
    return None if value is None else value.isoformat()  # type: ignore[attr-defined]
