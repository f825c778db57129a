"""Write records as Simple Log Service data shipping writes OSS objects.

Objects sit under `<prefix>/%Y/%m/%d/%H/%M_<random>`, with the folder times in the shipping job's
time zone (UTC+8 here), so a folder's date is not its records' UTC day. JSON and CSV objects have
no format suffix, and compressed ones end in `.gz`, `.zst` or `.snappy` (one raw Snappy block,
as `cramjam.snappy.compress_raw` makes it). Parquet objects hold only the configured columns,
strings as plain BYTE_ARRAY without the UTF-8 annotation and `__time__` as INT64; a value that
cannot take its column's type becomes null.

An object is built in memory before it is written: shipping caps object size, and a raw Snappy
block cannot be written in pieces.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from random import Random

import cramjam
import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

from kmsaudit.synthetic.records import TIME, TIME_NS_PART, Record


class ShippingFormat(StrEnum):
    """The content format a shipping job writes."""

    JSON = "json"
    CSV = "csv"
    PARQUET = "parquet"


class ShippingCompression(StrEnum):
    """The compression a shipping job applies: to the whole object, or to Parquet pages."""

    NONE = "none"
    GZIP = "gzip"
    ZSTD = "zstd"
    SNAPPY = "snappy"


OBJECT_SUFFIXES = {
    ShippingCompression.NONE: "",
    ShippingCompression.GZIP: ".gz",
    ShippingCompression.ZSTD: ".zst",
    ShippingCompression.SNAPPY: ".snappy",
}

PARQUET_CHUNK_ROWS = 10_000


@dataclass(frozen=True, slots=True)
class ShippingJob:
    """An OSS shipping job's settings that shape the objects it writes.

    `columns` are the configured columns of CSV and Parquet objects, because JSON objects hold
    every field. `int64_columns` are the Parquet columns configured as INT64 instead of STRING.
    """

    prefix: str
    format: ShippingFormat
    compression: ShippingCompression = ShippingCompression.NONE
    columns: tuple[str, ...] = ()
    int64_columns: frozenset[str] = frozenset({TIME})
    utc_offset_hours: int = 8


def object_key(job: ShippingJob, batch_start: int, rng: Random) -> str:
    """Return the object key for a batch that starts at Unix second `batch_start`.

    The random part mimics SLS: `<minute>_<19 digits>_<3 digits>`.
    """
    local = datetime.fromtimestamp(batch_start, UTC) + timedelta(hours=job.utc_offset_hours)
    random_part = f"{rng.randrange(10**18, 10**19)}_{rng.randrange(1000):03d}"
    key = f"{job.prefix}/{local:%Y/%m/%d/%H}/{local:%M}_{random_part}"
    return key + object_suffix(job)


def object_suffix(job: ShippingJob) -> str:
    """Return the name suffix: a compression suffix, or `.parquet` with the page codec."""
    if job.format is not ShippingFormat.PARQUET:
        return OBJECT_SUFFIXES[job.compression]
    if job.compression is ShippingCompression.NONE:
        return ".parquet"
    return f".{job.compression.value}.parquet"


def json_object(records: Sequence[Record]) -> bytes:
    """Encode records as shipped JSON lines: compact, raw UTF-8, `__time__` an integer."""
    lines = []
    for record in records:
        log: dict[str, object] = {name: value for name, value in record.items()}
        log[TIME] = int(record[TIME])
        log.pop(TIME_NS_PART, None)
        lines.append(json.dumps(log, ensure_ascii=False, separators=(",", ":")))
    return ("\n".join(lines) + "\n").encode("utf-8")


def csv_object(records: Sequence[Record], columns: Sequence[str]) -> bytes:
    """Encode records as shipped CSV: a header of the configured columns, LF line ends."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(columns)
    for record in records:
        writer.writerow([record.get(column, "") for column in columns])
    return text.getvalue().encode("utf-8")


def compress(data: bytes, compression: ShippingCompression) -> bytes:
    """Compress a whole object. Gzip output carries no name and a zero mtime, so it is stable."""
    if compression is ShippingCompression.GZIP:
        return gzip.compress(data, mtime=0)
    if compression is ShippingCompression.ZSTD:
        return zstandard.ZstdCompressor(level=3).compress(data)
    if compression is ShippingCompression.SNAPPY:
        return bytes(cramjam.snappy.compress_raw(data))
    return data


def parquet_schema(job: ShippingJob) -> pa.Schema:
    """Build the object schema: INT64 for `int64_columns`, unannotated binary for the rest."""
    return pa.schema(
        [
            pa.field(name, pa.int64() if name in job.int64_columns else pa.binary())
            for name in job.columns
        ]
    )


def parquet_value(value: str | None, as_int64: bool) -> int | bytes | None:
    """Convert one field to its column type, or None where it is missing or does not convert."""
    if value is None:
        return None
    if not as_int64:
        return value.encode("utf-8")
    try:
        return int(value)
    except ValueError:
        return None


def parquet_table(records: Sequence[Record], job: ShippingJob, schema: pa.Schema) -> pa.Table:
    """Build the table of `records` holding only the job's configured columns."""
    columns = {
        name: [parquet_value(record.get(name), name in job.int64_columns) for record in records]
        for name in job.columns
    }
    return pa.Table.from_pydict(columns, schema=schema)


def write_parquet_object(path: Path, records: Sequence[Record], job: ShippingJob) -> None:
    """Write a Parquet object without Arrow schema metadata and without dictionary pages.

    Leaving out the stored Arrow schema keeps readers from restoring types that the file itself
    does not declare, as with files that SLS writes.
    """
    schema = parquet_schema(job)
    codec = "none" if job.compression is ShippingCompression.NONE else job.compression.value
    with pq.ParquetWriter(
        path, schema, compression=codec, use_dictionary=False, store_schema=False
    ) as writer:
        for start in range(0, len(records), PARQUET_CHUNK_ROWS):
            chunk = records[start : start + PARQUET_CHUNK_ROWS]
            writer.write_table(parquet_table(chunk, job, schema))


def write_object(
    root: Path, job: ShippingJob, batch_start: int, records: Sequence[Record], rng: Random
) -> Path:
    """Write one shipped object of `records` under `root` and return its path."""
    path = root / object_key(job, batch_start, rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    if job.format is ShippingFormat.PARQUET:
        write_parquet_object(path, records, job)
        return path
    if job.format is ShippingFormat.CSV:
        data = csv_object(records, job.columns)
    else:
        data = json_object(records)
    path.write_bytes(compress(data, job.compression))
    return path
