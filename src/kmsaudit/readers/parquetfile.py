"""Reader of Parquet files, as SLS shipping to OSS writes them.

OSS shipping stores STRING columns as plain BYTE_ARRAY without the UTF-8 annotation, so Arrow
reads them as `binary`. The reader decodes them to `str` and replaces invalid UTF-8 as the text
readers do. Newer writers annotate the columns, which then arrive as `string` already.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from kmsaudit.errors import SourceError
from kmsaudit.readers.base import BaseReader, MalformedRecord, RawRecord, ReadStats

# Rows converted to Python at a time; memory is bounded by one batch (and one row group, which
# Arrow decodes whole).
BATCH_ROWS = 8192

Record = RawRecord | MalformedRecord


class ParquetReader(BaseReader):
    """Reads a Parquet file batch by batch; a record's `line` is its 1-based row number."""

    def __init__(self, path: str, stats: ReadStats, source: BinaryIO) -> None:
        super().__init__(path, stats, source)
        try:
            self._file = pq.ParquetFile(source)
        except (pa.ArrowException, OSError) as error:
            raise SourceError(f"{path} is not a readable Parquet file: {error}", path) from error

    def _read(self) -> Iterator[Record]:
        rows_read = 0
        for row_group in range(self._file.num_row_groups):
            # One row group at a time: Arrow's reader over the whole file decodes row groups
            # ahead, so a damaged one would also hide the intact ones before it.
            batches = self._file.iter_batches(batch_size=BATCH_ROWS, row_groups=[row_group])
            while True:
                try:
                    batch = next(batches)
                except StopIteration:
                    break
                except (pa.ArrowException, OSError) as error:
                    # Arrow reports damaged pages as ArrowInvalid or OSError, by defect.
                    self.stats.damage = f"Parquet row group {row_group + 1} unreadable after row {rows_read}: {error}"
                    return
                yield from self._batch_records(batch, rows_read)
                rows_read += batch.num_rows

    def _batch_records(self, batch: pa.RecordBatch, rows_read: int) -> Iterator[Record]:
        batch = self._decode_binary_columns(batch)
        for row, fields in enumerate(batch.to_pylist(), start=rows_read + 1):
            yield RawRecord(row, fields)

    def _decode_binary_columns(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """Replace each binary column with a string column, counting in
        `stats.invalid_utf8_lines` the rows that hold invalid UTF-8."""
        invalid_rows: set[int] = set()
        columns = []
        for column in batch.columns:
            if _is_binary(column.type):
                column = _decode_column(column, invalid_rows)
            columns.append(column)
        self.stats.invalid_utf8_lines += len(invalid_rows)
        return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def _is_binary(data_type: pa.DataType) -> bool:
    return bool(pa.types.is_binary(data_type) or pa.types.is_large_binary(data_type))


def _decode_column(column: pa.Array, invalid_rows: set[int]) -> pa.Array:
    """Decode a binary column as UTF-8; rows whose value is invalid are added to `invalid_rows`
    and decoded with U+FFFD replacements."""
    try:
        # The cast checks UTF-8 in C, so a valid column costs no Python per value.
        return pc.cast(column, pa.string())
    except pa.ArrowInvalid:
        pass
    values: list[str | None] = []
    for row, value in enumerate(column.to_pylist()):
        if value is None:
            values.append(None)
            continue
        try:
            values.append(value.decode("utf-8"))
        except UnicodeDecodeError:
            invalid_rows.add(row)
            values.append(value.decode("utf-8", errors="replace"))
    return pa.array(values, type=pa.string())
