"""Counts in messages: `counted(1, "day")` is "1 day", `counted(1385, "record")` "1,385 records"."""

from __future__ import annotations


def counted(count: int, noun: str, plural: str | None = None) -> str:
    """Format `count` with thousands separators and the noun in the right number."""
    word = noun if count == 1 else (plural or f"{noun}s")
    return f"{count:,} {word}"
