"""Detection of the compression around an export, and the decoded stream for each compression."""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO, assert_never

from kmsaudit.errors import SourceError
from kmsaudit.readers.base import Compression
from kmsaudit.readers.gzipdecoder import GZIP_MAGIC, decode_gzip
from kmsaudit.readers.snappydecoder import (
    FRAMED_SNAPPY_MAGIC,
    MAX_RAW_SNAPPY_BYTES,
    declared_raw_length,
    decode_framed_snappy,
    decode_raw_snappy,
    max_raw_compressed_length,
)
from kmsaudit.readers.stream import DecodedStream
from kmsaudit.readers.zstddecoder import ZSTD_MAGIC, decode_zstd

PARQUET_MAGIC = b"PAR1"
# Bytes of an uncompressed file read at a time, and the size of chunks cut from a decoded raw
# Snappy block.
READ_SIZE = 1024 * 1024
# Bytes needed to recognise every supported magic number.
MAGIC_SIZE = len(FRAMED_SNAPPY_MAGIC)


def detect_compression(magic: bytes, file_name: str) -> Compression:
    """Detect the compression from the first `MAGIC_SIZE` bytes of a file, or from its name.

    gzip, zstd and framed Snappy have magic numbers. A raw Snappy block has none, so it is
    recognised by the suffix `.snappy` that SLS shipping gives it. Raw Snappy content under
    another name is found later by `looks_like_raw_snappy`, when the content matches no format.
    """
    if magic.startswith(GZIP_MAGIC):
        return Compression.GZIP
    if magic.startswith(ZSTD_MAGIC):
        return Compression.ZSTD
    if magic.startswith(FRAMED_SNAPPY_MAGIC):
        return Compression.SNAPPY_FRAMED
    if magic.startswith(PARQUET_MAGIC):
        return Compression.NONE
    if file_name.lower().endswith(".snappy"):
        return Compression.SNAPPY
    return Compression.NONE


def looks_like_raw_snappy(magic: bytes, file_size: int) -> bool:
    """Tell whether a file of `file_size` bytes can be a raw Snappy block within the size cap.

    The declared length must be non-zero, at most `MAX_RAW_SNAPPY_BYTES`, and large enough to
    need a block of this size. These checks rule out most other content before a trial decode.
    """
    length = declared_raw_length(magic)
    if length is None or length == 0 or length > MAX_RAW_SNAPPY_BYTES:
        return False
    return file_size <= max_raw_compressed_length(length)


def open_decompressed(source: BinaryIO, compression: Compression, path: str) -> DecodedStream:
    """Open the decompressed content of `source`, which must be positioned at its start.

    Raises `SourceError` for a raw Snappy block larger than `MAX_RAW_SNAPPY_BYTES` or not
    decodable at all. Any other damage is reported by the stream's `damage`.
    """
    chunks: Iterator[bytes | memoryview]
    match compression:
        case Compression.NONE:
            chunks = iter(lambda: source.read(READ_SIZE), b"")
        case Compression.GZIP:
            chunks = decode_gzip(source)
        case Compression.ZSTD:
            chunks = decode_zstd(source)
        case Compression.SNAPPY_FRAMED:
            chunks = decode_framed_snappy(source)
        case Compression.SNAPPY:
            chunks = _split(_read_raw_snappy(source, path))
        case _:
            assert_never(compression)
    return DecodedStream(chunks, source)


def _read_raw_snappy(source: BinaryIO, path: str) -> memoryview:
    length = declared_raw_length(source.read(5))
    source.seek(0)
    if length is None:
        raise SourceError(f"{path} is not a raw Snappy block: its length header is invalid", path)
    if length > MAX_RAW_SNAPPY_BYTES:
        raise SourceError(
            f"{path} is a raw Snappy block of {length:,} bytes decompressed, more than the "
            f"{MAX_RAW_SNAPPY_BYTES:,} bytes kmsaudit decodes: a raw block must be decoded whole "
            f"in memory. Decompress it with another tool, or ship smaller objects.",
            path,
        )
    try:
        return decode_raw_snappy(source)
    except ValueError as error:
        raise SourceError(
            f"{path} could not be decoded as a raw Snappy block, so nothing was read: {error}",
            path,
        ) from error


def _split(data: memoryview) -> Iterator[memoryview]:
    for start in range(0, len(data), READ_SIZE):
        yield data[start : start + READ_SIZE]
