"""Detection of an export's format from the start of its decompressed content.

File names carry no format: OSS shipping objects have no suffix and `pull_log_dump` names its
files `kms.json0`, `kms.json1`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from kmsaudit.readers.base import SourceFormat
from kmsaudit.readers.compression import PARQUET_MAGIC

# Bytes at the start of the decompressed content that detection looks at.
HEAD_SIZE = 64 * 1024
UTF8_BOM = b"\xef\xbb\xbf"

# Column names a kms_audit_log CSV header has: SLS reserved fields and audit record fields. One
# of them among the header's cells identifies the CSV.
CSV_HEADER_FIELDS = frozenset(
    {
        "__time__",
        "__time_ns_part__",
        "__topic__",
        "__source__",
        "time",
        "access_key_id",
        "identity_type",
        "principal_id",
        "instance_id",
        "api_name",
        "client_ip",
        "status_code",
        "request_id",
        "resource_id",
    }
)

SUPPORTED_FORMATS = (
    "JSON lines (pull_log_dump, OSS shipping), JSON arrays (aliyunlog get_log_all), "
    "CSV with a header row (console download, OSS shipping) and Parquet (OSS shipping), "
    "each uncompressed or compressed with gzip, zstd or Snappy (framed or raw block); "
    "a Parquet file must not be wrapped in gzip, zstd or Snappy (its own page compression is "
    "fine)"
)


@dataclass(frozen=True, slots=True)
class Detection:
    """A detected format, with notes for `ReadStats.notes` about what detection saw."""

    format: SourceFormat
    notes: list[str] = field(default_factory=list)


def detect_format(head: bytes) -> Detection | None:
    """Detect the format from `head`, the first `HEAD_SIZE` decompressed bytes of a file (fewer
    for a shorter file). Return None when it matches no supported format."""
    if head.startswith(PARQUET_MAGIC):
        return Detection(SourceFormat.PARQUET)
    text = head.removeprefix(UTF8_BOM)
    content = text.lstrip()
    if not content:
        return _detect_blank(text, len(head) < HEAD_SIZE)
    if content.startswith(b"{"):
        return _detect_object_start(content)
    if content.startswith(b"["):
        return Detection(SourceFormat.JSON_ARRAY)
    if _is_csv_header(text):
        return Detection(SourceFormat.CSV)
    if _has_object_line(content):
        note = "the first line is not JSON; the file is read as JSON lines"
        return Detection(SourceFormat.JSON_LINES, [note])
    return None


def _has_object_line(content: bytes) -> bool:
    """Tell JSON lines that start with a damaged line: a later line of the head is an object."""
    return any(line.lstrip().startswith(b'{"') for line in content.splitlines()[1:])


def _detect_blank(text: bytes, whole_file: bool) -> Detection:
    if not whole_file:
        # The first HEAD_SIZE bytes are all whitespace; what follows is read as JSON lines.
        return Detection(SourceFormat.JSON_LINES)
    note = "the file is empty" if not text else "the file contains only whitespace"
    return Detection(SourceFormat.JSON_LINES, [note])


def _detect_object_start(content: bytes) -> Detection:
    """Tell JSON lines from pretty-printed JSON objects, whose first line is a lone `{`."""
    first_line = content.split(b"\n", 1)[0]
    if first_line.strip() == b"{":
        note = "the file holds pretty-printed JSON objects, read as a sequence of JSON values"
        return Detection(SourceFormat.JSON_ARRAY, [note])
    return Detection(SourceFormat.JSON_LINES)


def _is_csv_header(text: bytes) -> bool:
    """Tell a CSV header by its first non-blank line, which names kms_audit_log fields."""
    first_line = text.lstrip().split(b"\n", 1)[0].decode("utf-8", errors="replace").rstrip("\r")
    try:
        cells = next(csv.reader([first_line]), [])
    except csv.Error:
        return False
    names = {cell.strip() for cell in cells}
    return len(cells) >= 2 and not names.isdisjoint(CSV_HEADER_FIELDS)
