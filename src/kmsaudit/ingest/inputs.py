"""Expand the paths given to `ingest` into a sorted list of files."""

from __future__ import annotations

import glob
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputNotFoundError

_GLOB_CHARACTERS = frozenset("*?[")


@dataclass(slots=True)
class InputFiles:
    """The files to ingest, and those found in folders but passed over, as absolute paths."""

    files: list[Path] = field(default_factory=list)
    passed_over: list[Path] = field(default_factory=list)


def expand_inputs(paths: Sequence[str | Path]) -> InputFiles:
    """Find every file named directly, found under a folder (recursively) or matched by a glob.

    Inside a folder, hidden files and folders (names starting with a dot) and Markdown notes
    (`*.md`) are passed over and listed apart. A file named directly is always read. A path that
    names nothing raises `InputNotFoundError`, because a typo must not pass for an empty export.
    """
    found = InputFiles()
    for given in paths:
        _expand_one(Path(given), found)
    found.files = sorted({path.resolve() for path in found.files})
    found.passed_over = sorted({path.resolve() for path in found.passed_over} - set(found.files))
    return found


def _expand_one(path: Path, found: InputFiles) -> None:
    if path.is_file():
        found.files.append(path)
    elif path.is_dir():
        _expand_folder(path, found)
    elif _GLOB_CHARACTERS & set(str(path)):
        matches = [Path(match) for match in glob.glob(str(path), recursive=True)]
        if not matches:
            raise InputNotFoundError(f"pattern {str(path)!r} matches no files")
        for match in matches:
            _expand_one(match, found)
    else:
        raise InputNotFoundError(
            f"input {path} not found; give export files, folders or glob patterns"
        )


def _expand_folder(folder: Path, found: InputFiles) -> None:
    files = [path for path in folder.rglob("*") if path.is_file()]
    kept = [path for path in files if not _is_passed_over(path, folder)]
    if not kept:
        skipped = f" ({len(files)} hidden or *.md files passed over)" if files else ""
        raise InputNotFoundError(f"folder {folder} contains no files to ingest{skipped}")
    found.files += kept
    found.passed_over += [path for path in files if _is_passed_over(path, folder)]


def _is_passed_over(path: Path, top: Path) -> bool:
    hidden = any(part.startswith(".") for part in path.relative_to(top).parts)
    return hidden or path.suffix.lower() == ".md"
