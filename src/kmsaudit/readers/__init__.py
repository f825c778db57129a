"""Readers of kms_audit_log exports: JSON lines, JSON arrays, CSV and Parquet, uncompressed or
compressed with gzip, zstd or Snappy.

    with open_source(path) as reader:
        for item in reader.records():
            ...  # a RawRecord, or a MalformedRecord for the quarantine
        reader.stats  # complete once the loop has finished
"""

from kmsaudit.readers.base import (
    MAX_MALFORMED_TEXT,
    Compression,
    MalformedRecord,
    RawRecord,
    ReadStats,
    SourceFormat,
    SourceReader,
)
from kmsaudit.readers.source import open_source

__all__ = [
    "MAX_MALFORMED_TEXT",
    "Compression",
    "MalformedRecord",
    "RawRecord",
    "ReadStats",
    "SourceFormat",
    "SourceReader",
    "open_source",
]
