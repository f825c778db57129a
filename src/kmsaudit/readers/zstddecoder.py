"""Streaming zstd decompression of one or more frames, with truncation detection.

`zstandard.ZstdDecompressor.stream_reader` returns a short read without error when the last
frame is cut (checked with zstandard 0.25), so frames are decoded with `decompressobj`, whose
`eof` flag shows whether a frame was finished.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

import zstandard

from kmsaudit.readers.stream import StreamDamage

ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"

# Compressed bytes read from the file at a time.
READ_SIZE = 256 * 1024
# Compressed bytes given to the decompressor per call. `decompressobj` has no output limit, so a
# small input slice bounds the output of one call: about 160 KiB at the 10:1 ratio of log text.
# NOTE: a crafted frame made of run-length blocks expands up to about 32,000 times, so 8 KiB of
# input can still produce about 256 MiB in one call.
FEED_SIZE = 8 * 1024
# Largest back-reference window accepted (2**27 bytes, libzstd's default limit); it bounds the
# decompressor's own memory.
MAX_WINDOW_SIZE = 1 << 27


def decode_zstd(source: BinaryIO) -> Iterator[bytes]:
    """Yield the decompressed bytes of every zstd frame in `source`, in order.

    Raises `StreamDamage` for invalid data (a bad frame, a checksum mismatch, bytes after the last
    frame that start no frame) and for a file that ends inside a frame.
    """
    context = zstandard.ZstdDecompressor(max_window_size=MAX_WINDOW_SIZE)
    decompressor = context.decompressobj()
    in_frame = False
    offset = 0  # bytes of the file given to decompressors so far
    for block in iter(lambda: source.read(READ_SIZE), b""):
        view = memoryview(block)
        while view:
            piece, view = view[:FEED_SIZE], view[FEED_SIZE:]
            try:
                output = decompressor.decompress(piece)
            except zstandard.ZstdError as error:
                # NOTE: a failing call returns nothing, so the blocks completed earlier in this
                # piece (up to FEED_SIZE bytes of input) are lost along with the corrupt one.
                raise StreamDamage(f"invalid zstd data after byte {offset}: {error}") from error
            offset += len(piece)
            in_frame = True
            if output:
                yield output
            if decompressor.eof:
                # The rest of this piece belongs to the next frame.
                view = memoryview(decompressor.unused_data + bytes(view))
                offset -= len(decompressor.unused_data)
                decompressor = context.decompressobj()
                in_frame = False
    if in_frame:
        raise StreamDamage(f"zstd stream truncated: the file ends at byte {offset} inside a frame")
