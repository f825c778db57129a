"""The quarantine: malformed lines kept with their source path, line number and reason."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

import orjson

from ..readers.base import MalformedRecord
from ..store.catalog import QuarantineRow

_SLS_TIME = re.compile(r'"__time__"\s*:\s*"?(\d{9,11})\b')
_TIME_FIELD = re.compile(r'"time"\s*:\s*"([^"]{10,40})"')

# Maximum length of a reason in the catalog; the quarantine file keeps the whole text.
_MAX_REASON = 500


def guess_day(text: str) -> str | None:
    """Find the UTC day of a malformed JSON line from its `__time__`, else its zoned `time`.

    Only those two fields are read: a date elsewhere in the line (an error message, say) tells
    nothing about when the call happened. `__time__` comes first because SLS writes it, so it is
    right even where `time` is not. Without either, the day stays unknown and checks count the
    line wherever its source file's records reach.
    """
    match = _SLS_TIME.search(text)
    if match:
        try:
            return datetime.fromtimestamp(int(match.group(1)), UTC).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    match = _TIME_FIELD.search(text)
    if match:
        try:
            moment = datetime.fromisoformat(match.group(1))
        except ValueError:
            return None
        if moment.tzinfo is not None:
            return moment.astimezone(UTC).date().isoformat()
    return None


class QuarantineWriter:
    """Append one source file's malformed lines to a staging JSON-lines file."""

    def __init__(self, path: Path, source_path: str, source_id: int) -> None:
        self.path = path
        self.source_path = source_path
        self.source_id = source_id
        self.index: list[QuarantineRow] = []
        self._file: BinaryIO | None = None

    def add(self, record: MalformedRecord) -> None:
        if self._file is None:
            # Kept open across add() calls and closed by close(), so no `with` block.
            self._file = open(self.path, "wb")  # noqa: SIM115
        entry = {
            "source": self.source_path,
            "line": record.line,
            "reason": record.reason,
            "text": record.text,
        }
        self._file.write(orjson.dumps(entry) + b"\n")
        self.index.append(
            QuarantineRow(
                source_id=self.source_id,
                line=record.line,
                day=guess_day(record.text),
                reason=record.reason[:_MAX_REASON],
                file="",
            )
        )

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
