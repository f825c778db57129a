"""Validate what the user asks a check about, before any query runs.

Matching is exact, so a character the user cannot see in a pasted ID would turn a key in use
into a harmless-looking miss. Such IDs are rejected instead of searched.
"""

from __future__ import annotations

import unicodedata

from ..errors import UsageError
from .model import TargetKind

# Unicode categories no real ID contains: controls, format characters (zero-width space, word
# joiner, byte-order mark), separators, and surrogates or unassigned code points.
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})


def validate_target(kind: TargetKind, target: str) -> None:
    """Raise `UsageError` for an empty target, white space or invisible characters in it, and
    for a client key ID with characters other than printable ASCII."""
    noun = "client key ID" if kind is TargetKind.KEY else "AAP name"
    if not target.strip():
        raise UsageError(f"{noun} {target!r} is empty; give the ID or name to check")
    hidden = [char for char in target if unicodedata.category(char) in _INVISIBLE_CATEGORIES]
    if hidden or target != target.strip():
        codes = ", ".join(f"U+{ord(char):04X}" for char in hidden) or "white space at an end"
        raise UsageError(
            f"{noun} {target!r} contains characters that no ID has ({codes}); type it again "
            "or copy it from the KMS console without surrounding text"
        )
    if kind is TargetKind.KEY and not target.isascii():
        lookalikes = ", ".join(f"{char!r} (U+{ord(char):04X})" for char in target if ord(char) > 127)
        raise UsageError(
            f"client key ID {target!r} contains non-ASCII characters ({lookalikes}); client key "
            "IDs are ASCII, such as KAAP.66abf237-63f6-4625-b8cf-47e1086e1a2b"
        )
