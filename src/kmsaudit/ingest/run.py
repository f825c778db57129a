"""Run an ingest: stage each source file, commit in groups, and summarize."""

from __future__ import annotations

import hashlib
import logging
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import Protocol

from ..errors import (
    SecretFileError,
    SourceError,
    StrictModeError,
    UnknownFormatError,
    UsageError,
)
from ..store import Store, catalog
from ..store.writer import CoverageDeclaration, StagedSource, commit
from .inputs import InputFiles, expand_inputs
from .stage import SourceFacts, SourceStager
from .summary import FileOutcome, FileStatus, IngestSummary

log = logging.getLogger(__name__)

# Records staged before a commit; bigger groups mean fewer, larger data files per day.
COMMIT_RECORDS = 2_000_000


@dataclass(frozen=True, slots=True)
class IngestOptions:
    """How to read the inputs.

    `time_zone` interprets zone-less `time` values. `strict` stops at the first malformed record
    and then commits nothing. `covers` declares periods the inputs span, recorded as coverage.
    `forget_failures` clears the record of files that failed in earlier runs, which otherwise
    keeps every check inconclusive until those files ingest cleanly.
    """

    time_zone: tzinfo | None = None
    strict: bool = False
    covers: tuple[tuple[datetime, datetime], ...] = ()
    forget_failures: bool = False
    commit_records: int = COMMIT_RECORDS


class IngestProgress(Protocol):
    """Receives progress of a run; the CLI draws it, a notebook may ignore it."""

    def started(self, files: int, total_bytes: int) -> None: ...

    def file_started(self, path: Path, size: int) -> None: ...

    def file_advanced(self, records: int, bytes_read: int | None) -> None: ...

    def file_finished(self, outcome: FileOutcome) -> None: ...

    def committing(self, records: int) -> None: ...


@dataclass(slots=True)
class _Group:
    staged: list[StagedSource] = field(default_factory=list)
    outcomes: list[FileOutcome] = field(default_factory=list)
    records: int = 0


def ingest(
    store: Store,
    paths: Sequence[str | Path] | InputFiles,
    options: IngestOptions | None = None,
    progress: IngestProgress | None = None,
) -> IngestSummary:
    """Ingest export files, folders or globs into `store`.

    Each source file lands whole or not at all. Files already ingested (same path, size and
    modification time, or same SHA-256) are skipped. A file that cannot be read is reported as
    failed and the run goes on with the next one, except in strict mode, where the first
    malformed record raises `StrictModeError` and the store is left unchanged. `paths` may be
    the result of `expand_inputs`, so that a caller can validate them before making a store.
    """
    options = options or IngestOptions()
    _check_declared_coverage(options)
    inputs = paths if isinstance(paths, InputFiles) else expand_inputs(paths)
    files = inputs.files
    summary = IngestSummary(store=str(store.root))
    summary.passed_over = [str(path) for path in inputs.passed_over]
    with store.writing():
        if options.forget_failures:
            summary.failures_forgotten = catalog.clear_failures(store.catalog)
        if progress is not None:
            progress.started(len(files), sum(_size(path) for path in files))
        try:
            _Run(store, options, summary, progress).run(files)
        finally:
            shutil.rmtree(store.layout.staging, ignore_errors=True)
    return summary


class _Run:
    def __init__(
        self,
        store: Store,
        options: IngestOptions,
        summary: IngestSummary,
        progress: IngestProgress | None,
    ) -> None:
        self.store = store
        self.options = options
        self.summary = summary
        self.progress = progress
        self.group = _Group()
        self.next_source_id = catalog.next_source_id(store.catalog)
        self.hashes_this_run: dict[str, str] = {}
        self.store.layout.staging.mkdir(parents=True, exist_ok=True)

    def run(self, files: list[Path]) -> None:
        for path in files:
            outcome = self._ingest_file(path)
            # An unrecognized file may be an export in a form kmsaudit cannot read (UTF-16, say),
            # so it is remembered like a failure. A client key secret file is not an export.
            if outcome.status in (FileStatus.FAILED, FileStatus.UNRECOGNIZED):
                catalog.record_failure(
                    self.store.catalog, outcome.path, _size(path), str(outcome.message)
                )
            elif outcome.status is FileStatus.SKIPPED:
                catalog.clear_failures(self.store.catalog, [outcome.path])
            if outcome.status is not FileStatus.INGESTED:
                self.summary.files.append(outcome)
            if self.progress is not None:
                self.progress.file_finished(outcome)
            if not self.options.strict and self.group.records >= self.options.commit_records:
                self._commit(coverage=[])
        coverage = [CoverageDeclaration(start, end) for start, end in self.options.covers]
        if coverage and not self._all_inputs_landed():
            # A declaration vouches for the inputs; with one of them missing it would cover
            # days whose records never arrived.
            self.summary.coverage_not_recorded = True
            coverage = []
        if self.group.staged or coverage:
            self._commit(coverage)
        self.summary.coverage_declared = [
            (period.declared_from.isoformat(), period.declared_to.isoformat())
            for period in coverage
        ]

    def _all_inputs_landed(self) -> bool:
        outcomes = [*self.summary.files, *self.group.outcomes]
        return all(
            outcome.status in (FileStatus.INGESTED, FileStatus.SKIPPED) for outcome in outcomes
        )

    def _ingest_file(self, path: Path) -> FileOutcome:
        try:
            stat = path.stat()
        except OSError as error:
            return FileOutcome(str(path), FileStatus.FAILED, f"cannot read the file: {error}")
        if self.progress is not None:
            self.progress.file_started(path, stat.st_size)
        known = catalog.find_source_by_stat(
            self.store.catalog, str(path), stat.st_size, stat.st_mtime_ns
        )
        if known is not None:
            return FileOutcome(str(path), FileStatus.SKIPPED, "already ingested")
        try:
            sha256 = _sha256(path)
        except OSError as error:
            return FileOutcome(str(path), FileStatus.FAILED, f"cannot read the file: {error}")
        duplicate_of = self._already_ingested_as(sha256)
        if duplicate_of is not None:
            return FileOutcome(
                str(path), FileStatus.SKIPPED, f"same content as {duplicate_of}, already ingested"
            )
        facts = SourceFacts(path, stat.st_size, stat.st_mtime_ns, sha256, self.next_source_id)
        return self._stage(facts)

    def _already_ingested_as(self, sha256: str) -> str | None:
        if sha256 in self.hashes_this_run:
            return self.hashes_this_run[sha256]
        row = catalog.find_source_by_hash(self.store.catalog, sha256)
        return None if row is None else row.path

    def _stage(self, facts: SourceFacts) -> FileOutcome:
        stager = SourceStager(
            self.store.layout.staging,
            facts,
            time_zone=self.options.time_zone,
            strict=self.options.strict,
            on_records=self.progress.file_advanced if self.progress else None,
        )
        path = str(facts.path)
        try:
            staged = stager.stage()
        except StrictModeError:
            raise
        except SecretFileError as error:
            return FileOutcome(path, FileStatus.REJECTED, str(error))
        except UnknownFormatError as error:
            return FileOutcome(path, FileStatus.UNRECOGNIZED, str(error))
        except SourceError as error:
            where = f" at line {error.line}" if error.line else ""
            return FileOutcome(path, FileStatus.FAILED, f"{error}{where}")
        except OSError as error:
            return FileOutcome(path, FileStatus.FAILED, f"cannot read the file: {error}")
        except Exception as error:  # one file's bug must not lose the others
            log.exception("unexpected error while reading %s", path)
            return FileOutcome(
                path,
                FileStatus.FAILED,
                f"internal error while reading: {type(error).__name__}: {error} (a bug in "
                "kmsaudit; please report it)",
            )

        self.next_source_id += 1
        self.hashes_this_run[facts.sha256] = path
        outcome = _outcome_of(staged)
        self.group.staged.append(staged)
        self.group.outcomes.append(outcome)
        self.group.records += staged.records_staged
        return outcome

    def _commit(self, coverage: list[CoverageDeclaration]) -> None:
        if self.progress is not None:
            self.progress.committing(self.group.records)
        result = commit(self.store.layout, self.store.catalog, self.group.staged, coverage)
        for outcome, staged in zip(self.group.outcomes, self.group.staged, strict=True):
            outcome.records_new = result.new_by_source.get(staged.source.source_id, 0)
            outcome.duplicates = staged.records_staged - outcome.records_new
            self.summary.files.append(outcome)
        if any(staged.quarantine_index for staged in self.group.staged):
            self.summary.quarantine_files.append(f"quarantine/{result.commit_id}.jsonl")
        catalog.clear_failures(self.store.catalog, [outcome.path for outcome in self.group.outcomes])
        touched = set(self.summary.days_touched) | set(result.new_by_day)
        self.summary.days_touched = sorted(touched)
        log.info("commit %s: %d new records", result.commit_id, sum(result.new_by_day.values()))
        self.group = _Group()


def _check_declared_coverage(options: IngestOptions) -> None:
    """Reject a declared period that ends in the future: no export can vouch for it yet."""
    now = datetime.now(UTC)
    for start, end in options.covers:
        if end > now:
            raise UsageError(
                f"--covers {start.date()}..{(end - timedelta(microseconds=1)).date()} ends in "
                f"the future ({end.isoformat()}); declare only periods that an export already "
                "spans"
            )


def _outcome_of(staged: StagedSource) -> FileOutcome:
    source = staged.source
    return FileOutcome(
        path=source.path,
        status=FileStatus.INGESTED,
        format=source.format,
        compression=source.compression,
        records_read=source.records_read,
        quarantined=source.quarantined,
        coerced_values=source.coerced_values,
        invalid_utf8_lines=source.invalid_utf8_lines,
        zone_mismatches=staged.zone_mismatches,
        damage=source.damage,
    )


def _sha256(path: Path) -> str:
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
