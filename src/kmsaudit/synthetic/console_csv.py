"""Write records as a Simple Log Service console CSV download.

The file starts with a UTF-8 byte-order mark and ends lines with CRLF. One header row names the
reserved columns and then the log fields. Values are quoted only where needed (a comma, a quote or
a line end inside), and inner quotes are doubled, so `resource_parameters` arrives as quoted JSON.
A cell is empty where the record lacks the field. `__time_ns_part__` is not a console column.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path

from kmsaudit.synthetic.records import (
    CLIENT_IP_TAG,
    LOG_FIELDS,
    RECEIVE_TIME_TAG,
    SOURCE,
    TIME,
    TOPIC,
    Record,
)

CONSOLE_RESERVED_COLUMNS = (SOURCE, CLIENT_IP_TAG, RECEIVE_TIME_TAG, TIME, TOPIC)


def write_console_csv(
    path: Path, records: Iterable[Record], log_fields: Sequence[str] = LOG_FIELDS
) -> int:
    """Write `records` to `path` in the order given and return how many rows were written.

    The console lists the newest records first, so callers pass records newest first.
    """
    columns = [*CONSOLE_RESERVED_COLUMNS, *log_fields]
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow(columns)
        for record in records:
            writer.writerow([record.get(column, "") for column in columns])
            rows += 1
    return rows
