"""Streaming gzip decompression with bounded output, multi-member files and damage detection."""

from __future__ import annotations

import zlib
from collections.abc import Generator, Iterator
from typing import BinaryIO

from kmsaudit.readers.stream import StreamDamage

GZIP_MAGIC = b"\x1f\x8b"

# Compressed bytes read from the file at a time.
READ_SIZE = 256 * 1024
# Maximum decompressed bytes returned by one zlib call, which bounds memory whatever the ratio.
MAX_OUTPUT = 1024 * 1024
# Compressed bytes fed per step when recovering the data before a defect.
SALVAGE_STEP = 512
# zlib window bits that accept a gzip header and trailer (and check the trailer's CRC-32).
GZIP_WBITS = zlib.MAX_WBITS | 16


def decode_gzip(source: BinaryIO) -> Iterator[bytes]:
    """Yield the decompressed bytes of every gzip member in `source`, in order.

    Zero bytes between or after members are skipped, as gzip(1) and Python's `gzip` module do.
    Raises `StreamDamage` for invalid data (bad header, bad CRC, anything but a gzip member after
    the last one) and for a file that ends inside a member.
    """
    decompressor = zlib.decompressobj(GZIP_WBITS)
    in_member = False
    offset = 0  # bytes of the file read so far
    pending = b""  # bytes read but not yet decompressed
    while True:
        if not pending:
            pending = source.read(READ_SIZE)
            if not pending:
                break
            offset += len(pending)
        if not in_member:
            pending = pending.lstrip(b"\x00")
            if not pending:
                continue
            in_member = True
        yield (yield from _decompress(decompressor, pending, offset - len(pending)))
        if decompressor.eof:
            pending = decompressor.unused_data
            decompressor = zlib.decompressobj(GZIP_WBITS)
            in_member = False
        else:
            pending = decompressor.unconsumed_tail
    if in_member:
        # flush() returns output that zlib held back when a call reached MAX_OUTPUT exactly.
        yield decompressor.flush()
        if not decompressor.eof:
            raise StreamDamage(
                f"gzip stream truncated: the file ends at byte {offset} inside a member"
            )


def _decompress(
    decompressor: zlib._Decompress, data: bytes, position: int
) -> Generator[bytes, None, bytes]:
    """Return at most MAX_OUTPUT bytes decompressed from `data`, which starts at byte `position`
    of the file. On invalid data, yield the output before the defect and raise `StreamDamage`."""
    # A failing call returns nothing, so a copy of the state is kept to recover that output.
    before = decompressor.copy()
    try:
        return decompressor.decompress(data, MAX_OUTPUT)
    except zlib.error as error:
        failed_at = yield from _salvage(before, data)
        damage = f"invalid gzip data at byte {position + failed_at} of the file: {error}"
        raise StreamDamage(damage) from error


def _salvage(decompressor: zlib._Decompress, data: bytes) -> Generator[bytes, None, int]:
    """Yield what `decompressor` produces from `data` up to the byte where it fails, and return
    that byte's index in `data`.

    `data` is fed in steps of SALVAGE_STEP bytes, and the failing step again byte by byte from a
    copy, so every byte of output before the defect is recovered (all of it when only the
    trailer's CRC is wrong). Output is not limited here: the caller's failing call reached the
    defect within MAX_OUTPUT bytes of output.
    """
    for start in range(0, len(data), SALVAGE_STEP):
        step = data[start : start + SALVAGE_STEP]
        before = decompressor.copy()
        try:
            yield decompressor.decompress(step)
        except zlib.error:
            break
    else:
        return len(data)
    for index in range(len(step)):
        try:
            yield before.decompress(step[index : index + 1])
        except zlib.error:
            return start + index
    return len(data)
