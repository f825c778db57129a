"""Evidence bundles: a self-describing JSON record of a check, for a delete workflow's files.

A bundle contains the verdicts and reasons, the window, the source files the store was built from
(with SHA-256 content hashes), the query texts that decided, the proving request IDs (capped,
with the total) and `bundle_sha256`, the SHA-256 of the bundle's canonical JSON without that
field, so a later reader can tell whether the file was edited.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from ..errors import KmsAuditError
from ..named_queries import bundled_query
from ..store import Store, catalog
from .model import CheckResult, TargetKind

BUNDLE_VERSION = 1

_QUERIES = {
    TargetKind.KEY: ("check_key_matches", "key_pairings"),
    TargetKind.AAP: ("check_aap_matches",),
}
_SHARED_QUERIES = (
    "match_evidence",
    "check_near_matches",
    "check_mentions",
    "check_unattributed",
    "store_time_range",
)


def build_bundle(store: Store, results: list[CheckResult]) -> dict[str, object]:
    """Assemble the bundle for `results`, all checked over one window of `store`."""
    window = results[0].window
    kinds = {result.kind for result in results}
    query_names = [name for kind in TargetKind if kind in kinds for name in _QUERIES[kind]]
    bundle: dict[str, object] = {
        "kind": "kmsaudit.evidence",
        "version": BUNDLE_VERSION,
        "created_at": datetime.now(UTC).isoformat(),
        "tool": _tool_version(),
        "store": str(store.root),
        "window": window.to_dict(),
        "results": [_result_entry(result) for result in results],
        "sources": catalog.sources_reaching(store.catalog, window.start, window.end),
        "queries": {
            name: bundled_query(name).sql for name in (*query_names, *_SHARED_QUERIES)
        },
    }
    bundle["bundle_sha256"] = bundle_digest(bundle)
    return bundle


def bundle_digest(bundle: dict[str, object]) -> str:
    """SHA-256 of the bundle's canonical JSON (sorted keys, no spaces), `bundle_sha256` left out."""
    content = {key: value for key, value in bundle.items() if key != "bundle_sha256"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def write_bundle(path: Path, bundle: dict[str, object]) -> None:
    """Write the bundle as indented JSON; raise `KmsAuditError` naming the path on failure."""
    try:
        path.write_text(json.dumps(bundle, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as error:
        raise KmsAuditError(f"cannot write the evidence bundle {path}: {error}") from error


def _result_entry(result: CheckResult) -> dict[str, object]:
    entry = result.to_dict()
    entry["matching_request_ids"] = {
        "total": result.evidence.matches,
        "listed": len(result.request_ids),
        "request_ids": result.request_ids,
    }
    return entry


def _tool_version() -> str:
    try:
        return f"kmsaudit {version('kmsaudit')}"
    except PackageNotFoundError:
        return "kmsaudit (version unknown: not installed as a package)"
