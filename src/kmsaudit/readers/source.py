"""Opening of an export file: compression and format detection, credential rejection, and the
choice of reader."""

from __future__ import annotations

import io
import logging
from pathlib import Path
from typing import BinaryIO

from kmsaudit.errors import SourceError, UnknownFormatError
from kmsaudit.readers.base import BaseReader, Compression, ReadStats, SourceFormat, SourceReader
from kmsaudit.readers.compression import (
    MAGIC_SIZE,
    PARQUET_MAGIC,
    detect_compression,
    looks_like_raw_snappy,
    open_decompressed,
)
from kmsaudit.readers.csvfile import CsvReader
from kmsaudit.readers.detect import HEAD_SIZE, SUPPORTED_FORMATS, UTF8_BOM, Detection, detect_format
from kmsaudit.readers.jsonarray import JsonArrayReader
from kmsaudit.readers.jsonlines import JsonLinesReader
from kmsaudit.readers.parquetfile import ParquetReader
from kmsaudit.readers.secretfiles import reject_password_file, reject_private_key_file
from kmsaudit.readers.stream import DecodedStream

logger = logging.getLogger(__name__)

# Buffer of the decoded text stream that line iteration reads from.
BUFFER_SIZE = 1024 * 1024

_TEXT_READERS = {
    SourceFormat.JSON_LINES: JsonLinesReader,
    SourceFormat.JSON_ARRAY: JsonArrayReader,
    SourceFormat.CSV: CsvReader,
}


def open_source(path: Path) -> SourceReader:
    """Open an export file and return the reader for its format, to use as a context manager.

    Compression and format are detected from the content. The name counts only for raw Snappy
    (suffix `.snappy`) and for a client key password file, which is rejected unopened.

    Raises `SecretFileError` for a client key's password or private key file, before any record
    is read. Raises `UnknownFormatError` when the content matches no supported format. Raises
    `SourceError` when the file cannot be opened, is Parquet inside a compression, or is a raw
    Snappy block that is too large or invalid.
    """
    reject_password_file(path)
    try:
        source = path.open("rb")
    except OSError as error:
        raise SourceError(f"cannot open {path}: {error.strerror or error}", str(path)) from error
    try:
        reader = _open_reader(path, source)
    except BaseException:
        source.close()
        raise
    if isinstance(reader, BaseReader):
        reader.raw_file = source
    return reader


def _open_reader(path: Path, source: BinaryIO) -> SourceReader:
    magic = source.read(MAGIC_SIZE)
    source.seek(0)
    compression = detect_compression(magic, path.name)
    if compression is Compression.NONE and magic.startswith(PARQUET_MAGIC):
        stats = ReadStats(SourceFormat.PARQUET, Compression.NONE)
        return ParquetReader(str(path), stats, source)

    decoded = open_decompressed(source, compression, str(path))
    head = decoded.head(HEAD_SIZE)
    reject_private_key_file(head, path)
    detection = detect_format(head)
    if (
        detection is None
        and compression is Compression.NONE
        and looks_like_raw_snappy(magic, path.stat().st_size)
    ):
        # The first stream is dropped unclosed: closing it would close `source`.
        decoded, head, detection = _try_raw_snappy(path, source)
        compression = Compression.SNAPPY
    if detection is None:
        raise UnknownFormatError(_unknown_format_message(path, compression), str(path))
    if detection.format is SourceFormat.PARQUET:
        raise SourceError(
            f"{path} is a Parquet file inside {compression} compression, which kmsaudit does "
            "not read: decompress it first (Parquet compresses its own pages).",
            str(path),
        )
    logger.debug("%s: %s, compression %s", path, detection.format, compression)
    return _text_reader(path, detection, compression, decoded, head)


def _try_raw_snappy(path: Path, source: BinaryIO) -> tuple[DecodedStream, bytes, Detection | None]:
    """Decode content that matched no format as a raw Snappy block; a failed decode means the
    content is unknown, not damaged."""
    source.seek(0)
    try:
        decoded = open_decompressed(source, Compression.SNAPPY, str(path))
    except SourceError as error:
        message = _unknown_format_message(path, Compression.NONE)
        raise UnknownFormatError(message, str(path)) from error
    head = decoded.head(HEAD_SIZE)
    reject_private_key_file(head, path)
    return decoded, head, detect_format(head)


def _text_reader(
    path: Path, detection: Detection, compression: Compression, decoded: DecodedStream, head: bytes
) -> SourceReader:
    stats = ReadStats(detection.format, compression, notes=list(detection.notes))
    stream: io.BufferedReader = io.BufferedReader(decoded, buffer_size=BUFFER_SIZE)
    if head.startswith(UTF8_BOM):
        stats.byte_order_mark = True
        stream.read(len(UTF8_BOM))
    reader_class = _TEXT_READERS[detection.format]
    return reader_class(str(path), stats, stream, decoded)


def _unknown_format_message(path: Path, compression: Compression) -> str:
    content = (
        "content" if compression is Compression.NONE else f"{compression}-decompressed content"
    )
    return (
        f"{path} is not a kms_audit_log export kmsaudit can read: its {content} matches no "
        f"supported format. Supported: {SUPPORTED_FORMATS}."
    )
