"""Ingest kms_audit_log exports into the store."""

from .inputs import InputFiles, expand_inputs
from .run import IngestOptions, IngestProgress, ingest
from .summary import FileOutcome, FileStatus, IngestSummary

__all__ = [
    "FileOutcome",
    "FileStatus",
    "IngestOptions",
    "IngestProgress",
    "IngestSummary",
    "InputFiles",
    "expand_inputs",
    "ingest",
]
