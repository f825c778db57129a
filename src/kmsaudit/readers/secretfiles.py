"""Rejection of a client key's credential files, which kmsaudit must never read or store.

Creating a client key gives the user two files: `clientKey_<id>.json`, a JSON object with `KeyId`
and the encrypted private key in `PrivateKeyData`, and `clientKey_<id>_Password.txt`, the password
that decrypts it. Only the key ID is needed to search the audit log.
"""

from __future__ import annotations

import re
from pathlib import Path

from kmsaudit.errors import SecretFileError

# Bytes at the start of the decompressed content searched for the private key field.
SECRET_SCAN_SIZE = 64 * 1024

_PASSWORD_FILE_NAME = re.compile(r"clientKey_.*_Password\.txt", re.IGNORECASE)
# A `PrivateKeyData` key: the quoted name followed by a colon. Inside a JSON string value (an
# escaped `\"PrivateKeyData\"`) or a CSV cell (a doubled `""PrivateKeyData""`) the quote after
# the name is not followed by a colon, so an audit record that mentions the name does not match.
_PRIVATE_KEY_FIELD = re.compile(rb'"PrivateKeyData"\s*:')
_JSON_START = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*[{\[]")


def reject_password_file(path: Path) -> None:
    """Raise `SecretFileError` when the name of `path` is that of a client key password file;
    the file is not opened."""
    if _PASSWORD_FILE_NAME.fullmatch(path.name):
        raise SecretFileError(
            f"{path} is a client key's password file; it was not opened, read or stored. "
            "kmsaudit needs only the client key ID (KAAP.…), never the key's files.",
            str(path),
        )


def reject_private_key_file(head: bytes, path: Path) -> None:
    """Raise `SecretFileError` when `head`, the start of the decompressed content, is JSON with a
    `PrivateKeyData` key. The message contains nothing from the file."""
    if not _JSON_START.match(head):
        return
    if _PRIVATE_KEY_FIELD.search(head, 0, SECRET_SCAN_SIZE):
        raise SecretFileError(
            f"{path} is a client key's private key file (it has a PrivateKeyData field); it was "
            "not read further or stored. kmsaudit needs only the client key ID (KAAP.…), "
            "never the key's files.",
            str(path),
        )
