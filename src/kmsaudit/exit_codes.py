"""Process exit codes of the `kmsaudit` command. Only `SAFE` is 0, so `check && delete` is sound."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes; with several check targets the most severe verdict's code wins."""

    SAFE = 0
    ERROR = 1
    USAGE = 2
    IN_USE = 3
    INCONCLUSIVE = 4


# Commands other than `check` exit OK on success; the value is the same 0 as SAFE.
OK = ExitCode.SAFE
