"""Where a store lives and how its folder is laid out.

    STORE/catalog.sqlite        sources, data files, per-day counts, coverage, quarantine index
    STORE/records/day=YYYY-MM-DD/part-<commit>-<n>.parquet   normalized records, zstd
    STORE/quarantine/<commit>.jsonl                           malformed lines with source and line
    STORE/_staging/             work files of the ingest in progress; removed on the next write
    STORE/.lock                 held by the one process allowed to write

Only data files listed in the catalog belong to the store. A file under `records/` that the
catalog does not list was left by an interrupted ingest and is deleted by the next writer.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

STORE_ENV_VAR = "KMSAUDIT_STORE"


def default_store_path() -> Path:
    """Return the per-user store folder, e.g. `~/.local/share/kmsaudit/store` on Linux."""
    return Path(platformdirs.user_data_dir("kmsaudit", appauthor=False)) / "store"


def resolve_store_path(explicit: str | Path | None = None) -> Path:
    """Pick the store folder: an explicit path, else `$KMSAUDIT_STORE`, else the per-user one."""
    if explicit:
        return Path(explicit).expanduser().absolute()
    from_env = os.environ.get(STORE_ENV_VAR)
    if from_env:
        return Path(from_env).expanduser().absolute()
    return default_store_path()


@dataclass(frozen=True, slots=True)
class StoreLayout:
    """Paths inside one store folder."""

    root: Path

    @property
    def catalog(self) -> Path:
        return self.root / "catalog.sqlite"

    @property
    def records(self) -> Path:
        return self.root / "records"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def staging(self) -> Path:
        return self.root / "_staging"

    @property
    def lock(self) -> Path:
        return self.root / ".lock"

    def day_folder(self, day: str) -> Path:
        return self.records / f"day={day}"
