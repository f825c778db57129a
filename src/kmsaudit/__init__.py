"""kmsaudit: is this Alibaba Cloud KMS client key or AAP safe to delete?

The Python API for notebooks and scripts. It never imports Typer or Rich.

    import kmsaudit
    store = kmsaudit.open_store("~/kms-store")
    store.records().filter(...)          # Polars LazyFrame of every stored record
"""

from __future__ import annotations

from pathlib import Path

from .errors import KmsAuditError
from .ingest import IngestOptions, IngestSummary, ingest
from .status import StoreStatus, store_status
from .store import Store

__all__ = [
    "IngestOptions",
    "IngestSummary",
    "KmsAuditError",
    "Store",
    "StoreStatus",
    "ingest",
    "open_store",
    "store_status",
]


def open_store(path: str | Path | None = None) -> Store:
    """Open an existing store: `path`, else `$KMSAUDIT_STORE`, else the per-user default."""
    return Store.open(path)
