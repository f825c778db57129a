"""The `kmsaudit` command: parse options, call the library once, render the result.

stdout carries data only (`--json` output); progress, tables, warnings and errors go to stderr.
"""

from __future__ import annotations

import json
import logging
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer
from rich.console import Console

from .checks import (
    DEFAULT_FRESHNESS_ALLOWANCE,
    DEFAULT_WINDOW_DAYS,
    MAX_FRESHNESS_ALLOWANCE,
    Checker,
    CheckOptions,
    CheckResult,
    TargetKind,
    build_bundle,
    overall_exit_code,
    write_bundle,
)
from .errors import KmsAuditError, UsageError
from .exit_codes import OK, ExitCode
from .ingest import FileStatus, IngestOptions, IngestSummary, expand_inputs, ingest
from .render.check import render_check
from .render.ingest import IngestProgressBar, render_ingest_summary
from .render.status import render_status
from .status import store_status
from .store import STORE_ENV_VAR, Store
from .timeparse import parse_moment, parse_period, parse_time_zone

app = typer.Typer(
    name="kmsaudit",
    help="Tell whether an Alibaba Cloud KMS client key or AAP is safe to delete, from "
    "kms_audit_log exports.",
    no_args_is_help=True,
    add_completion=False,
    # Local variables of an audit tool can hold log content: never print them in a traceback.
    pretty_exceptions_show_locals=False,
    pretty_exceptions_enable=False,
)

stderr = Console(stderr=True)
_MAX_FRESHNESS_HOURS = MAX_FRESHNESS_ALLOWANCE / timedelta(hours=1)
_DEFAULT_FRESHNESS_HOURS = DEFAULT_FRESHNESS_ALLOWANCE / timedelta(hours=1)
log = logging.getLogger("kmsaudit")

StoreOption = Annotated[
    Optional[Path],  # noqa: UP045 - Typer needs Optional here on Python 3.11
    typer.Option(
        "--store",
        envvar=STORE_ENV_VAR,
        help="Store folder. Default: $KMSAUDIT_STORE, else a per-user data folder "
        "(~/.local/share/kmsaudit/store on Linux).",
        show_default=False,
    ),
]
JsonOption = Annotated[
    bool, typer.Option("--json", help="Print one JSON object on stdout instead of tables.")
]


class _State:
    store: Path | None = None
    quiet: bool = False


def _print_version(requested: bool) -> None:
    if requested:
        try:
            number = package_version("kmsaudit")
        except PackageNotFoundError:
            number = "unknown (not installed as a package)"
        sys.stdout.write(f"kmsaudit {number}\n")
        raise typer.Exit(OK)


@app.callback()
def main_options(
    store: StoreOption = None,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log output (-vv for debug).")
    ] = 0,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet", "-q", help="Print only errors on stderr: no progress, tables or panels."
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", help="Print the version and exit.", is_eager=True, callback=_print_version
        ),
    ] = False,
) -> None:
    """Tell whether a KMS client key or AAP is safe to delete, from kms_audit_log exports."""
    _State.store = store
    _State.quiet = quiet
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[min(verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", force=True)


@app.command("ingest")
def ingest_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Export files, folders (read recursively, passing over hidden files and *.md "
            "notes) or glob patterns. Format and "
            "compression are detected from content.",
            show_default=False,
        ),
    ],
    time_zone: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(
            "--time-zone",
            help="Zone of `time` values written without one, e.g. Asia/Shanghai or +08:00. "
            "Without it such values are rejected; the machine's zone is never assumed.",
            show_default=False,
        ),
    ] = None,
    covers: Annotated[
        Optional[list[str]],  # noqa: UP045
        typer.Option(
            "--covers",
            help="Declare that these exports span FROM..TO (UTC dates, TO inclusive, or ISO "
            "times with a zone), so days without records in it count as covered. Repeatable.",
            show_default=False,
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Stop at the first malformed record, naming file and line, and change nothing.",
        ),
    ] = False,
    forget_failures: Annotated[
        bool,
        typer.Option(
            "--forget-failures",
            help="Forget files that failed in earlier ingests. Until they ingest cleanly or are "
            "forgotten, every check is inconclusive, because their records are missing.",
        ),
    ] = False,
    as_json: JsonOption = False,
    store: StoreOption = None,
) -> None:
    """Read exports into the store: deduplicated, typed, partitioned by UTC day.

    Exit 0 when every input was ingested or skipped as already ingested, even if malformed rows
    were set aside. Exit 1 when a file failed, was rejected as a client key secret or was not
    recognized as an export, or when the store could not be written.
    """
    with _errors_to_exit():
        options = IngestOptions(
            time_zone=parse_time_zone(time_zone) if time_zone else None,
            strict=strict,
            covers=tuple(parse_period(period) for period in covers or ()),
            forget_failures=forget_failures,
        )
        inputs = expand_inputs(paths)
        target = Store.create(store or _State.store)
        with target, IngestProgressBar(stderr, enabled=not _State.quiet) as progress:
            summary = ingest(target, inputs, options, progress)
    if as_json:
        _print_json(summary.to_dict())
    elif not _State.quiet:
        render_ingest_summary(stderr, summary)
    elif not summary.complete:
        _report_incomplete(summary)
    raise typer.Exit(OK if summary.complete else ExitCode.ERROR)


@app.command("status")
def status_command(
    as_json: JsonOption = False,
    per_day: Annotated[
        bool, typer.Option("--per-day", help="List records per UTC day instead of per month.")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Show what the store holds: time range, gaps, records per day, sources, quarantine."""
    with _errors_to_exit(), Store.open(store or _State.store) as target:
        status = store_status(target)
    if as_json:
        _print_json(status.to_dict())
    elif not _State.quiet:
        render_status(stderr, status, per_day=per_day)


check_app = typer.Typer(
    help="Is deleting a client key or AAP safe? Exit 0 only when every target is safe, 3 when "
    "any is in use, 4 when any is inconclusive (and none in use), 1 on errors, 2 on usage "
    "errors.",
    no_args_is_help=True,
)
app.add_typer(check_app, name="check")

AsOfOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option(
        "--as-of",
        help="End of the window, excluded: a UTC date (2026-12-01 means its midnight) or an ISO "
        "time with a zone. Records at or after it are ignored. Default: now (UTC).",
        show_default=False,
    ),
]
WindowDaysOption = Annotated[
    int,
    typer.Option(
        "--window-days",
        help="Length of the window in days, ending at --as-of, 1 to 3660. More than 180 (the "
        "Logstore's retention) works where the store reaches back that far.",
    ),
]
FreshnessOption = Annotated[
    float,
    typer.Option(
        "--freshness-hours",
        help="Hours the logs may lag behind --as-of: the newest record (or declared "
        "coverage) must reach --as-of minus this, or the check is inconclusive. 0 to 168.",
    ),
]
CheckJsonOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print JSON Lines on stdout instead of panels: one object per target, in the "
        "order given (fields: docs/check-json.md).",
    ),
]
EvidenceOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option(
        "--evidence",
        help="Also write an evidence bundle (JSON: verdicts, reasons, window, source files "
        "with SHA-256 hashes, queries, request IDs) to this file.",
        show_default=False,
        dir_okay=False,
    ),
]


@check_app.command("key")
def check_key_command(
    key_ids: Annotated[
        list[str], typer.Argument(help="Client key IDs, e.g. KAAP.66abf237-....", show_default=False)
    ],
    as_of: AsOfOption = None,
    window_days: WindowDaysOption = DEFAULT_WINDOW_DAYS,
    freshness_hours: FreshnessOption = _DEFAULT_FRESHNESS_HOURS,
    evidence: EvidenceOption = None,
    as_json: CheckJsonOption = False,
    store: StoreOption = None,
) -> None:
    """Is deleting these client keys safe? A key is in use when a record's access_key_id is it."""
    _run_checks(TargetKind.KEY, key_ids, as_of, window_days, freshness_hours, evidence, as_json, store)


@check_app.command("aap")
def check_aap_command(
    names: Annotated[
        list[str], typer.Argument(help="AAP names, e.g. aap_payments.", show_default=False)
    ],
    as_of: AsOfOption = None,
    window_days: WindowDaysOption = DEFAULT_WINDOW_DAYS,
    freshness_hours: FreshnessOption = _DEFAULT_FRESHNESS_HOURS,
    evidence: EvidenceOption = None,
    as_json: CheckJsonOption = False,
    store: StoreOption = None,
) -> None:
    """Is deleting these AAPs safe? An AAP is in use when a record has identity_type 'aap' and
    principal_id equal to its name."""
    _run_checks(TargetKind.AAP, names, as_of, window_days, freshness_hours, evidence, as_json, store)


def _run_checks(
    kind: TargetKind,
    targets: list[str],
    as_of: str | None,
    window_days: int,
    freshness_hours: float,
    evidence: Path | None,
    as_json: bool,
    store: Path | None,
) -> None:
    with _errors_to_exit(), Store.open(store or _State.store) as opened:
        if as_of is not None and not as_of.strip():
            raise UsageError("--as-of is empty; give a date such as 2026-12-01, or leave it out")
        if not math.isfinite(freshness_hours) or freshness_hours > _MAX_FRESHNESS_HOURS:
            raise UsageError(
                f"--freshness-hours {freshness_hours:g} is invalid; give 0 to "
                f"{_MAX_FRESHNESS_HOURS:g} hours"
            )
        options = CheckOptions(
            as_of=parse_moment(as_of) if as_of else None,
            window_days=window_days,
            freshness_allowance=timedelta(hours=freshness_hours),
        )
        checker = Checker(opened, options)
        try:
            results = [_check_one(checker, kind, target) for target in targets]
        finally:
            checker.close()
        if evidence is not None:
            write_bundle(evidence, build_bundle(opened, results))
    if as_json:
        # JSON Lines: one object per target, in the order given.
        for result in results:
            sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False, default=str) + "\n")
    elif not _State.quiet:
        for result in results:
            render_check(stderr, result)
    raise typer.Exit(overall_exit_code(results))


def _check_one(checker: Checker, kind: TargetKind, target: str) -> CheckResult:
    if kind is TargetKind.KEY:
        return checker.check_key(target)
    return checker.check_aap(target)


def _report_incomplete(summary: IngestSummary) -> None:
    for outcome in summary.files:
        if outcome.status not in (FileStatus.INGESTED, FileStatus.SKIPPED):
            stderr.print(
                f"[red]{outcome.status.value}:[/] {outcome.path}: {outcome.message}",
                highlight=False,
                soft_wrap=True,
            )


@contextmanager
def _errors_to_exit() -> Iterator[None]:
    """Turn library errors into a one-line message on stderr and their exit code."""
    try:
        yield
    except UsageError as error:
        _fail(str(error), ExitCode.USAGE)
    except KmsAuditError as error:
        _fail(str(error), ExitCode.ERROR)


def _fail(message: str, code: ExitCode) -> NoReturn:
    stderr.print(f"[red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _print_json(payload: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(payload, indent=2, ensure_ascii=False, default=str) + "\n")


def main() -> None:
    """Console-script entry point: a bug becomes a one-line message, its traceback only with -v."""
    try:
        app()
    except Exception as error:
        log.debug("unexpected error", exc_info=True)
        stderr.print(
            f"[red]internal error:[/] {type(error).__name__}: {error}\n"
            "This is a bug in kmsaudit; rerun with -vv to see where it happened, and report it.",
            highlight=False,
        )
        sys.exit(ExitCode.ERROR)
