"""Exceptions raised by the kmsaudit library.

Every error the library raises on purpose derives from `KmsAuditError`. The CLI maps them to
messages and exit codes; notebook users catch them directly. Errors from DuckDB, Polars or Arrow
are wrapped with `raise ... from e` so the original stays attached.
"""

from __future__ import annotations


class KmsAuditError(Exception):
    """Base class of every error kmsaudit raises on purpose."""


class UsageError(KmsAuditError):
    """An argument or option value is invalid (the CLI exits 2)."""


class StoreError(KmsAuditError):
    """The store is missing, damaged or cannot be written."""


class StoreNotFoundError(StoreError):
    """No store exists at the given path."""


class StoreLockedError(StoreError):
    """Another process holds the store's write lock."""


class InputNotFoundError(KmsAuditError):
    """A path given to `ingest` names no file, or a folder or pattern contains none."""


class SourceError(KmsAuditError):
    """A source file cannot be read as a kms_audit_log export.

    `path` names the file and `line`, when known, the 1-based line or row where reading stopped.
    """

    def __init__(self, message: str, path: str, line: int | None = None) -> None:
        super().__init__(message)
        self.path = path
        self.line = line


class UnknownFormatError(SourceError):
    """The file's content matches none of the supported export formats."""


class SecretFileError(SourceError):
    """The file is a client key's private key file (it contains `PrivateKeyData`) and was not read."""


class AmbiguousTimeError(SourceError):
    """A `time` value has no time zone and no `--time-zone` was given to interpret it."""


class StrictModeError(SourceError):
    """A malformed record stopped an ingest run in strict mode."""


class QueryError(KmsAuditError):
    """A named query is missing, malformed or failed to run."""
