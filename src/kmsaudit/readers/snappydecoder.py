"""Snappy decompression: the framed format streams chunk by chunk, the raw block format is decoded
whole.

SLS shipping to OSS with `snappy` compression writes each object as one raw Snappy block (no
magic bytes, suffix `.snappy`). A raw block cannot be decoded in pieces, so its declared length
is checked against `MAX_RAW_SNAPPY_BYTES` before anything is read.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import cramjam

from kmsaudit.readers.stream import StreamDamage

# Stream identifier chunk that starts every framed Snappy stream.
FRAMED_SNAPPY_MAGIC = b"\xff\x06\x00\x00sNaPpY"

# Maximum decompressed size of a raw Snappy block, in bytes. Decoding keeps the compressed and the
# decompressed bytes in memory together, so a file at the cap needs about 2.2 GiB.
MAX_RAW_SNAPPY_BYTES = 1024**3

_CHUNK_COMPRESSED = 0x00
_CHUNK_UNCOMPRESSED = 0x01
_CHUNK_STREAM_IDENTIFIER = 0xFF
# Chunk types 0x02-0x7f are reserved and unskippable; 0x80-0xfe are skippable (0xfe is padding).
_LAST_UNSKIPPABLE_TYPE = 0x7F


def decode_framed_snappy(source: BinaryIO) -> Iterator[bytes]:
    """Yield the decompressed data of each chunk of a framed Snappy stream, at most 64 KiB each.

    Each data chunk is checked against its masked CRC-32C. Raises `StreamDamage` for a truncated
    chunk, a checksum mismatch, invalid compressed data or a reserved unskippable chunk type.
    """
    offset = 0
    while header := source.read(4):
        if len(header) < 4:
            raise StreamDamage(
                f"framed Snappy stream truncated: the file ends at byte {offset + len(header)} "
                "inside a chunk header"
            )
        chunk_type = header[0]
        length = int.from_bytes(header[1:4], "little")
        body = source.read(length)
        if len(body) < length:
            raise StreamDamage(
                f"framed Snappy stream truncated: the file ends at byte {offset + 4 + len(body)} "
                f"inside the chunk that starts at byte {offset}"
            )
        if chunk_type in (_CHUNK_COMPRESSED, _CHUNK_UNCOMPRESSED):
            yield _decode_chunk(header + body, offset)
        elif chunk_type == _CHUNK_STREAM_IDENTIFIER:
            if header + body != FRAMED_SNAPPY_MAGIC:
                raise StreamDamage(f"invalid framed Snappy stream identifier at byte {offset}")
        elif chunk_type <= _LAST_UNSKIPPABLE_TYPE:
            raise StreamDamage(
                f"invalid framed Snappy stream: reserved chunk type 0x{chunk_type:02x} at byte {offset}"
            )
        offset += 4 + length


def _decode_chunk(chunk: bytes, offset: int) -> bytes:
    """Decode one data chunk, checking its CRC.

    cramjam decodes and checks whole framed streams only, so the chunk is given to it as a
    stream of its own behind a stream identifier.
    """
    try:
        return bytes(cramjam.snappy.decompress(FRAMED_SNAPPY_MAGIC + chunk))
    except cramjam.DecompressionError as error:
        raise StreamDamage(f"invalid framed Snappy chunk at byte {offset}: {error}") from error


def declared_raw_length(head: bytes) -> int | None:
    """Return the decompressed length that starts a raw Snappy block (a little-endian base-128
    varint of at most 5 bytes), or None when `head` cannot start a raw block."""
    value = 0
    for index, byte in enumerate(head[:5]):
        value |= (byte & 0x7F) << (7 * index)
        if byte < 0x80:
            return value if value < 2**32 else None
    return None


def max_raw_compressed_length(length: int) -> int:
    """Return the largest raw Snappy block that encodes `length` bytes (snappy's
    MaxCompressedLength: 32 + n + n/6)."""
    return 32 + length + length // 6


def decode_raw_snappy(source: BinaryIO) -> memoryview:
    """Decode all of `source` as one raw Snappy block and return a view of the decompressed bytes.

    Raises `ValueError` for data that is not a valid raw block; callers check the declared length
    against `MAX_RAW_SNAPPY_BYTES` first.
    """
    # A raw block has no framing to stream by, so the whole compressed file is read at once.
    compressed = source.read()
    try:
        return memoryview(cramjam.snappy.decompress_raw(compressed))
    except cramjam.DecompressionError as error:
        raise ValueError(str(error)) from error
