"""Progress bar and summary table of `kmsaudit ingest`."""

from __future__ import annotations

from pathlib import Path
from types import TracebackType
from typing import Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from ..ingest import FileOutcome, FileStatus, IngestSummary


class IngestProgressBar:
    """A Rich progress bar over the bytes of all input files; draws nothing off a terminal."""

    def __init__(self, console: Console, *, enabled: bool = True) -> None:
        self.enabled = enabled and console.is_terminal
        self._progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TextColumn("{task.fields[records]:,} records"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
            disable=not self.enabled,
        )
        self._task: TaskID | None = None
        self._bytes_before_file = 0
        self._file_size = 0
        self._records_before_file = 0
        self._records_in_file = 0

    def __enter__(self) -> Self:
        self._progress.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._progress.stop()

    def started(self, files: int, total_bytes: int) -> None:
        self._task = self._progress.add_task(f"ingest {files} files", total=total_bytes, records=0)

    def file_started(self, path: Path, size: int) -> None:
        self._file_size = size
        self._records_in_file = 0
        self._update(description=path.name, completed=self._bytes_before_file)

    def file_advanced(self, records: int, bytes_read: int | None) -> None:
        self._records_in_file = records
        completed = self._bytes_before_file + min(bytes_read or 0, self._file_size)
        self._update(completed=completed, records=self._records_before_file + records)

    def file_finished(self, outcome: FileOutcome) -> None:
        self._bytes_before_file += self._file_size
        self._records_before_file += self._records_in_file
        self._update(completed=self._bytes_before_file)

    def committing(self, records: int) -> None:
        self._update(description=f"deduplicate and write {records:,} records")

    def _update(self, **fields: object) -> None:
        if self._task is not None:
            self._progress.update(self._task, **fields)  # type: ignore[arg-type]


def render_ingest_summary(console: Console, summary: IngestSummary) -> None:
    """Print the totals table, then every file that was not simply ingested."""
    totals = summary.to_dict()
    files = totals["files"]
    records = totals["records"]
    assert isinstance(files, dict) and isinstance(records, dict)

    table = Table(title=f"Ingest into {summary.store}", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("files read", f"{files[FileStatus.INGESTED.value]:,}")
    table.add_row("files skipped (already ingested)", f"{files[FileStatus.SKIPPED.value]:,}")
    table.add_row("files failed", f"{files[FileStatus.FAILED.value]:,}")
    table.add_row("files rejected (client key secrets)", f"{files[FileStatus.REJECTED.value]:,}")
    table.add_row("files not recognized as exports", f"{files[FileStatus.UNRECOGNIZED.value]:,}")
    table.add_row("files damaged (partly read)", f"{files['damaged']:,}")
    table.add_row("records read", f"{records['read']:,}")
    table.add_row("records new", f"{records['new']:,}")
    table.add_row("duplicates", f"{records['duplicates']:,}")
    table.add_row("quarantined (malformed)", f"{records['quarantined']:,}")
    table.add_row("values kept raw (did not convert)", f"{records['coerced_values']:,}")
    table.add_row("lines with invalid UTF-8 (replaced)", f"{records['invalid_utf8_lines']:,}")
    table.add_row("files passed over (hidden, *.md)", f"{len(summary.passed_over):,}")
    table.add_row("UTC days touched", f"{len(summary.days_touched):,}")
    console.print(table)

    _render_exceptions(console, summary)
    for period_start, period_end in summary.coverage_declared:
        console.print(f"declared coverage: {period_start} to {period_end}")
    if summary.coverage_not_recorded:
        console.print(
            "[red]--covers was not recorded[/]: not every input landed, so the declared period "
            "could include days whose records are missing; fix the inputs and run again"
        )
    if summary.quarantine_files:
        names = ", ".join(summary.quarantine_files)
        console.print(
            f"[yellow]{records['quarantined']:,} malformed records set aside in {names} "
            f"(under {summary.store})[/]"
        )


def _render_exceptions(console: Console, summary: IngestSummary) -> None:
    styles = {
        FileStatus.FAILED: "red",
        FileStatus.REJECTED: "red",
        FileStatus.UNRECOGNIZED: "yellow",
    }
    for outcome in summary.files:
        style = styles.get(outcome.status)
        if style:
            console.print(f"[{style}]{outcome.status.value}[/]: {outcome.path}: {outcome.message}")
        if outcome.damage:
            console.print(f"[yellow]damaged[/]: {outcome.path}: {outcome.damage}")
        if outcome.zone_mismatches:
            console.print(
                f"[yellow]time zone?[/]: {outcome.path}: {outcome.zone_mismatches:,} zone-less "
                "`time` values differ from `__time__` by over an hour in the --time-zone given; "
                "check that it is the export's zone"
            )
        if outcome.quarantined:
            console.print(
                f"[yellow]quarantined[/]: {outcome.path}: {outcome.quarantined:,} records"
            )
