"""Expand the paths given to `ingest` into a sorted list of files."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputNotFoundError

_GLOB_CHARACTERS = frozenset("*?[")


def expand_inputs(paths: Sequence[str | Path]) -> list[Path]:
    """Return every file named directly, found under a folder (recursively) or matched by a glob.

    Inside a folder, hidden files and folders (names starting with a dot) and Markdown notes
    (`*.md`) are passed over. A file named directly is always read. A path that names nothing
    raises `InputNotFoundError`, because a typo must not pass for an empty export.
    """
    files: dict[Path, None] = {}
    for given in paths:
        for path in _expand_one(Path(given) if not isinstance(given, Path) else given):
            files.setdefault(path.resolve(), None)
    return sorted(files)


def _expand_one(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        found = [p for p in path.rglob("*") if p.is_file() and not _is_passed_over(p, path)]
        if not found:
            raise InputNotFoundError(f"folder {path} contains no files to ingest")
        return found
    if _GLOB_CHARACTERS & set(str(path)):
        matches = [Path(p) for p in glob.glob(str(path), recursive=True)]
        found = []
        for match in matches:
            found += _expand_one(match) if match.is_dir() else [match]
        if not found:
            raise InputNotFoundError(f"pattern {str(path)!r} matches no files")
        return found
    raise InputNotFoundError(f"input {path} not found; give export files, folders or glob patterns")


def _is_passed_over(path: Path, top: Path) -> bool:
    hidden = any(part.startswith(".") for part in path.relative_to(top).parts)
    return hidden or path.suffix.lower() == ".md"
