"""Human output of `kmsaudit status`."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from rich.console import Console
from rich.table import Table

from ..status import StoreStatus


def render_status(console: Console, status: StoreStatus, *, per_day: bool) -> None:
    """Print the store's totals, its gaps, and records per month (or per day with `per_day`)."""
    table = Table(title=f"Store {status.store}", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("source files", f"{status.sources:,}")
    for name, count in status.sources_by_format.items():
        table.add_row(f"  {name}", f"{count:,}")
    table.add_row("records", f"{status.records:,}")
    table.add_row("first record (UTC)", _moment(status.first_time))
    table.add_row("last record (UTC)", _moment(status.last_time))
    table.add_row("days with records", f"{status.days_with_records:,}")
    table.add_row("gaps (days without records)", f"{sum(gap.days for gap in status.gaps):,}")
    table.add_row("quarantined records", f"{status.quarantined:,}")
    table.add_row("damaged source files", f"{len(status.damaged_sources):,}")
    console.print(table)

    if status.gaps:
        console.print("[yellow]gaps:[/] " + ", ".join(str(gap) for gap in status.gaps))
    else:
        console.print("gaps: none between the first and last covered day")
    for start, end in status.declared:
        console.print(f"declared coverage: {start.isoformat()} to {end.isoformat()}")
    for path in status.damaged_sources:
        console.print(f"[yellow]damaged:[/] {path}")
    for path, reason, failed_at in status.failed_sources:
        console.print(f"[red]failed to ingest[/] ({failed_at}): {path}: {reason}", soft_wrap=True)
    if status.quarantined:
        console.print(
            f"[yellow]{status.quarantined:,} quarantined records[/] "
            f"({status.quarantined_unknown_day:,} with no readable day) in "
            + ", ".join(status.quarantine_files)
        )
    console.print(_per_day_table(status) if per_day else _per_month_table(status))


def _per_month_table(status: StoreStatus) -> Table:
    months: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for day, count in status.records_per_day.items():
        months[day.strftime("%Y-%m")][0] += 1
        months[day.strftime("%Y-%m")][1] += count
    table = Table(title="Records per month (UTC)", title_justify="left")
    table.add_column("month")
    table.add_column("days with records", justify="right")
    table.add_column("records", justify="right")
    for month, (days, records) in sorted(months.items()):
        table.add_row(month, f"{days:,}", f"{records:,}")
    return table


def _per_day_table(status: StoreStatus) -> Table:
    table = Table(title="Records per day (UTC)", title_justify="left")
    table.add_column("day")
    table.add_column("records", justify="right")
    for day, count in status.records_per_day.items():
        table.add_row(day.isoformat(), f"{count:,}")
    return table


def _moment(value: object) -> str:
    if value is None:
        return "-"
    assert isinstance(value, date)
    return value.isoformat()
