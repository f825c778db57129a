"""A binary stream over the chunks a decompressor yields, which turns stream damage into an end of
file that the readers can inspect."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

from kmsaudit.readers.base import SupportsClose

if TYPE_CHECKING:
    from _typeshed import WriteableBuffer


class StreamDamage(Exception):
    """A compressed stream is truncated or corrupt; the message is one line with the byte offset.

    Decoders raise it; `DecodedStream` catches it, so it never leaves this package.
    """


class DecodedStream(io.RawIOBase):
    """Raw binary stream of decompressed bytes, read from an iterator of chunks.

    When the chunk iterator raises `StreamDamage`, the stream stores its message in `damage` and
    ends there: readers see every byte decoded before the damage, then a normal end of file.
    Closing the stream closes `source`, the compressed file the chunks come from.
    """

    def __init__(self, chunks: Iterator[bytes | memoryview], source: SupportsClose) -> None:
        super().__init__()
        self.damage: str | None = None
        self._chunks = chunks
        self._source = source
        self._pending = memoryview(b"")
        self._exhausted = False

    def readable(self) -> bool:
        return True

    def head(self, size: int) -> bytes:
        """Return up to `size` bytes from the current position without consuming them."""
        parts = [self._pending]
        available = len(self._pending)
        while available < size:
            chunk = self._next_chunk()
            if chunk is None:
                break
            parts.append(memoryview(chunk))
            available += len(chunk)
        self._pending = memoryview(b"".join(parts))
        return bytes(self._pending[:size])

    def readinto(self, buffer: WriteableBuffer) -> int:
        while not self._pending:
            chunk = self._next_chunk()
            if chunk is None:
                return 0
            self._pending = memoryview(chunk)
        target = memoryview(buffer).cast("B")
        count = min(len(target), len(self._pending))
        target[:count] = self._pending[:count]
        self._pending = self._pending[count:]
        return count

    def close(self) -> None:
        if not self.closed:
            self._source.close()
        super().close()

    def _next_chunk(self) -> bytes | memoryview | None:
        """Return the next non-empty chunk, or None at the end of the data or at damage."""
        while not self._exhausted:
            try:
                chunk = next(self._chunks)
            except StopIteration:
                self._exhausted = True
            except StreamDamage as error:
                self._exhausted = True
                self.damage = str(error)
            else:
                if chunk:
                    return chunk
        return None
