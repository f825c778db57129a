"""Human output of `kmsaudit check`: one Rich panel per target, verdict and reasons first."""

from __future__ import annotations

from datetime import datetime

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..checks import CheckResult, Verdict
from ..checks.model import Tally
from ..counts import counted

_STYLE = {Verdict.SAFE: "green", Verdict.IN_USE: "red", Verdict.INCONCLUSIVE: "yellow"}
_HEADLINE = {
    Verdict.SAFE: "SAFE to delete: no use in the window, and the logs cover all of it",
    Verdict.IN_USE: "IN USE: records in the window prove an application holds it",
    Verdict.INCONCLUSIVE: "INCONCLUSIVE: no proof of use, but deleting is not shown to be safe",
}

# Rows shown per evidence list (APIs, client IPs, ...); the JSON output has them all.
_MAX_ROWS = 5


def render_check(console: Console, result: CheckResult) -> None:
    """Print one panel: headline, one line per reason, then evidence and coverage."""
    style = _STYLE[result.verdict]
    lines: list[Text | Table] = [Text(_HEADLINE[result.verdict], style=f"bold {style}")]
    if result.reasons:
        lines.append(_reasons_table(result, style))
    lines.append(_evidence_table(result))
    title = f"{result.kind.value} {result.target}"
    console.print(Panel(Group(*lines), title=title, title_align="left", border_style=style))


def _reasons_table(result: CheckResult, style: str) -> Table:
    """Lay out one row per reason and one per fix, wrapped lines indented under their text."""
    table = Table.grid(padding=(0, 1))
    table.add_column(no_wrap=True)
    table.add_column()
    for reason in result.reasons:
        table.add_row(Text("-", style=style), Text(reason.message, style=style))
        table.add_row("", Text(f"fix: {reason.resolution}", style="dim"))
    return table


def _evidence_table(result: CheckResult) -> Table:
    evidence, coverage, window = result.evidence, result.coverage, result.window
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column("what", style="bold")
    table.add_column("value")
    table.add_row(
        "window",
        f"{_moment(window.start)} to {_moment(window.end)} ({counted(window.days, 'day')}, UTC)",
    )
    gap_days = sum(gap.days for gap in coverage.gaps)
    table.add_row(
        "coverage",
        f"{coverage.covered_days:,} of {counted(coverage.required_days, 'day')} covered"
        + (f", {counted(gap_days, 'day')} uncovered" if gap_days else "")
        + f"; newest record {_moment(coverage.last_record)}",
    )
    table.add_row(
        "matches",
        f"{evidence.matches:,} ({evidence.succeeded:,} succeeded, {evidence.failed:,} failed)",
    )
    if evidence.matches:
        table.add_row("first seen", _moment(evidence.first_seen))
        table.add_row("last seen", _moment(evidence.last_seen))
        table.add_row("last succeeded", _moment(evidence.last_succeeded))
        table.add_row("last failed", _moment(evidence.last_failed))
        table.add_row("APIs", _tallies(evidence.apis))
        table.add_row("client IPs", _tallies(evidence.client_ips))
        table.add_row("resources", _tallies(evidence.resources))
        table.add_row("principals", _principals(evidence.principals))
        if result.kind.value == "aap":
            table.add_row("client keys", _tallies(evidence.client_keys))
    if result.known_aaps:
        table.add_row("AAPs of this key", ", ".join(result.known_aaps))
    return table


def _tallies(tallies: list[Tally]) -> str:
    shown = [
        f"{tally.value if tally.value is not None else '(empty)'} ×{tally.calls:,}"
        + (f" ({tally.failed_calls:,} failed)" if tally.failed_calls else "")
        for tally in tallies[:_MAX_ROWS]
    ]
    hidden = len(tallies) - _MAX_ROWS
    return ", ".join(shown) + (f", and {hidden} more" if hidden > 0 else "")


def _principals(tallies: list[Tally]) -> str:
    shown = [
        f"{tally.value or '(empty)'} ({tally.identity_type or 'no identity type'}) ×{tally.calls:,}"
        for tally in tallies[:_MAX_ROWS]
    ]
    hidden = len(tallies) - _MAX_ROWS
    return ", ".join(shown) + (f", and {hidden} more" if hidden > 0 else "")


def _moment(value: datetime | None) -> str:
    return "-" if value is None else value.strftime("%Y-%m-%d %H:%M:%S")
