"""Write records as the `aliyunlog` CLI exports them: `pull_log_dump` and `get_log_all`.

Both follow aliyun-log-python-sdk 0.9.x and aliyun-log-cli 0.2.x. `pull_log_dump` writes one file
per shard, named by appending the shard number to the path (`kms.json0`, `kms.json1`). Each line
is `json.dumps` of one log, with default separators and ASCII escapes. There `__time__` is an
integer (a string when the SDK is asked for `time_as_str`) and `__time_ns_part__` a one-element
list. `get_log_all` prints each result page as a JSON array, keys sorted and every value a
string, and ends with an empty `[]` line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from types import TracebackType
from typing import Self, TextIO

from kmsaudit.synthetic.records import TIME, TIME_NS_PART, Record

GET_LOG_ALL_PAGE_SIZE = 100


def dump_line(record: Record, time_as_str: bool = False) -> str:
    """Format one record as a `pull_log_dump` line, without the line end."""
    log: dict[str, object] = {}
    for name, value in record.items():
        if name == TIME and not time_as_str:
            log[name] = int(value)
        elif name == TIME_NS_PART:
            log[name] = [int(value)]
        else:
            log[name] = value
    return json.dumps(log)


class PullLogDumpWriter:
    """Write one `pull_log_dump` run: files `<base><shard>` for shards 0 to `shards - 1`.

    Files are opened when the writer is entered and truncated, unlike the SDK, which appends
    (so a re-run there duplicates lines). Lines appear in the order `write` is called, which
    should be SLS receive order.
    """

    def __init__(self, base: Path, shards: int, time_as_str: bool = False) -> None:
        self.paths = [base.with_name(f"{base.name}{shard}") for shard in range(shards)]
        self.time_as_str = time_as_str
        self._files: list[TextIO] = []

    def __enter__(self) -> Self:
        self.paths[0].parent.mkdir(parents=True, exist_ok=True)
        self._files = [path.open("w", encoding="ascii", newline="\n") for path in self.paths]
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        for file in self._files:
            file.close()

    def write(self, record: Record, shard: int) -> None:
        """Append `record` to shard `shard`'s file."""
        self._files[shard].write(dump_line(record, self.time_as_str) + "\n")


def get_log_all_item(record: Record) -> dict[str, str]:
    """Return a record as `get_log_all` prints it: keys sorted, every value a string.

    The nanosecond part is left out: `get_log_all` output carries whole-second `__time__` only.
    """
    return {name: record[name] for name in sorted(record) if name != TIME_NS_PART}


def pages(records: Iterable[Record], size: int) -> Iterator[list[Record]]:
    """Split `records` into lists of `size`, the last one shorter."""
    iterator = iter(records)
    while page := list(islice(iterator, size)):
        yield page


def write_get_log_all(
    out: TextIO,
    records: Iterable[Record],
    indented: bool = False,
    page_size: int = GET_LOG_ALL_PAGE_SIZE,
) -> None:
    """Write `get_log_all` output: one JSON array per page, then `[]`.

    Compact pages take one line each. `indented` gives the `--format-output=json` variant, where
    each page spans several lines indented by two spaces.
    """
    for page in pages(records, page_size):
        items = [get_log_all_item(record) for record in page]
        if indented:
            out.write(json.dumps(items, sort_keys=True, indent=2) + "\n")
        else:
            out.write(json.dumps(items, sort_keys=True) + "\n")
    out.write("[]\n")
