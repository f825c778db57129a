"""The local store: day-partitioned Parquet records and a SQLite catalog."""

from .layout import STORE_ENV_VAR, StoreLayout, default_store_path, resolve_store_path
from .store import Store

__all__ = ["STORE_ENV_VAR", "Store", "StoreLayout", "default_store_path", "resolve_store_path"]
