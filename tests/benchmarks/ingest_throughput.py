"""Measure `kmsaudit ingest` against a plain DuckDB JSON-to-Parquet copy of the same files.

Run from the repository root with the project installed (`pip install -e .`):

    python tests/benchmarks/ingest_throughput.py --records 5000000 --workdir /tmp/kmsbench

The script writes `--records` unique records as `--files` `pull_log_dump` JSON-lines files under
`WORKDIR/data` (reused when a previous run wrote the same set), then runs each contender in a
subprocess under `/usr/bin/time -v` and reads its peak resident set size from there:

- baseline: DuckDB `COPY (SELECT * FROM read_json(...)) TO ... (FORMAT parquet, COMPRESSION zstd)`;
- kmsaudit: `<--kmsaudit-cmd> --store WORKDIR/store ingest WORKDIR/data --json`, skipped with a
  message when the command is not found or fails.

It prints a table and writes the same figures to `WORKDIR/results.json`. The file name does not
match pytest's `test_*.py`, so the test suite never runs it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

try:
    from kmsaudit.synthetic import BenchOptions, write_bench
except ImportError as error:
    sys.exit(f"cannot import kmsaudit.synthetic ({error}); install the project: pip install -e .")

logger = logging.getLogger("ingest_throughput")

TIME_COMMAND = "/usr/bin/time"
MAX_RSS_PATTERN = re.compile(r"Maximum resident set size \(kbytes\): (\d+)")

# Written to WORKDIR/duckdb_baseline.py and run in a subprocess: argv[1] is the input folder,
# argv[2] the output file, argv[3] the DuckDB thread count (0 keeps DuckDB's default).
# `union_by_name` is needed because older records lack fields that newer ones have.
BASELINE_SCRIPT = """
import sys
import duckdb

source, target, threads = sys.argv[1], sys.argv[2], int(sys.argv[3])
connection = duckdb.connect()
if threads:
    connection.execute(f"SET threads = {threads}")
glob = source.replace("'", "''") + "/*"
output = target.replace("'", "''")
connection.execute(
    f"COPY (SELECT * FROM read_json('{glob}', format = 'newline_delimited', union_by_name = true))"
    f" TO '{output}' (FORMAT parquet, COMPRESSION zstd)"
)
"""


@dataclass
class Measurement:
    """One contender's run: `seconds` of wall time and peak RSS, or why it was skipped."""

    name: str
    command: list[str]
    seconds: float | None = None
    peak_rss_mib: float | None = None
    skipped: str | None = None


def parse_args() -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--records", type=int, default=5_000_000, help="unique records")
    parser.add_argument("--files", type=int, default=20, help="number of JSON-lines files")
    parser.add_argument(
        "--overlap", type=int, default=1000, help="records each file repeats from the previous"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed of the record set")
    parser.add_argument("--workdir", type=Path, required=True, help="folder for data and results")
    parser.add_argument(
        "--kmsaudit-cmd",
        default="kmsaudit",
        help="command that runs the kmsaudit CLI, split like a shell would (default: kmsaudit)",
    )
    parser.add_argument(
        "--duckdb-threads", type=int, default=0, help="DuckDB threads (default: DuckDB's choice)"
    )
    return parser.parse_args()


def prepare_data(workdir: Path, options: BenchOptions) -> tuple[Path, int]:
    """Write the record set under `workdir/data`, or reuse it, and return the folder and lines.

    A `manifest.json` beside the data records the options it was written with; the data is
    rewritten when they differ. The manifest sits outside the data folder so readers of
    `data/*` never see it.
    """
    data = workdir / "data"
    manifest = workdir / "data-manifest.json"
    wanted = asdict(options)
    if manifest.exists() and data.is_dir():
        saved = json.loads(manifest.read_text())
        if saved.get("options") == wanted:
            logger.info("reusing %s", data)
            return data, int(saved["lines"])
    if data.exists():
        shutil.rmtree(data)
    started = time.perf_counter()
    written = write_bench(data, options)
    logger.info("generated %d lines in %.1f s", written.lines, time.perf_counter() - started)
    manifest.write_text(json.dumps({"options": wanted, "lines": written.lines}))
    return data, written.lines


def run_measured(name: str, command: list[str], workdir: Path) -> Measurement:
    """Run `command` under `/usr/bin/time -v` and return its wall time and peak RSS.

    A non-zero exit marks the measurement skipped, with the end of the command's stderr.
    """
    report = workdir / f"{name}.time.txt"
    timed = [TIME_COMMAND, "-v", "-o", str(report), *command]
    logger.info("running %s: %s", name, shlex.join(command))
    started = time.perf_counter()
    completed = subprocess.run(timed, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    (workdir / f"{name}.stdout.txt").write_text(completed.stdout)
    if completed.returncode != 0:
        tail = completed.stderr.strip()[-800:]
        return Measurement(name, command, skipped=f"exit {completed.returncode}: {tail}")
    match = MAX_RSS_PATTERN.search(report.read_text())
    peak = int(match.group(1)) / 1024 if match else None
    return Measurement(name, command, seconds=seconds, peak_rss_mib=peak)


def measure_baseline(data: Path, workdir: Path, threads: int) -> Measurement:
    """Measure DuckDB copying every JSON-lines file into one zstd Parquet file."""
    script = workdir / "duckdb_baseline.py"
    script.write_text(BASELINE_SCRIPT.lstrip())
    target = workdir / "duckdb-baseline.parquet"
    target.unlink(missing_ok=True)
    command = [sys.executable, str(script), str(data), str(target), str(threads)]
    return run_measured("duckdb", command, workdir)


def measure_kmsaudit(data: Path, workdir: Path, kmsaudit_cmd: str) -> Measurement:
    """Measure `kmsaudit ingest` into a new store, or explain why it was skipped."""
    store = workdir / "store"
    prefix = shlex.split(kmsaudit_cmd)
    command = [*prefix, "--store", str(store), "ingest", str(data), "--json"]
    if not prefix or shutil.which(prefix[0]) is None:
        return Measurement(
            "kmsaudit", command, skipped=f"command not found: {kmsaudit_cmd!r} (see --kmsaudit-cmd)"
        )
    if store.exists():
        shutil.rmtree(store)
    return run_measured("kmsaudit", command, workdir)


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """Return numerator / denominator, or None when either is missing or the divisor is 0."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def print_table(lines: int, unique: int, runs: list[Measurement]) -> dict[str, float | None]:
    """Print one row per run and the kmsaudit/baseline ratios; return the ratios."""
    print(f"input: {lines} lines, {unique} unique records")
    print(f"{'run':<10} {'records':>10} {'seconds':>9} {'records/s':>11} {'peak RSS MiB':>13}")
    for run in runs:
        if run.skipped is not None or run.seconds is None:
            print(f"{run.name:<10} skipped: {run.skipped}")
            continue
        rate = lines / run.seconds
        peak = f"{run.peak_rss_mib:.1f}" if run.peak_rss_mib is not None else "?"
        print(f"{run.name:<10} {lines:>10} {run.seconds:>9.2f} {rate:>11.0f} {peak:>13}")
    baseline, kmsaudit = runs
    ratios = {
        "time": ratio(kmsaudit.seconds, baseline.seconds),
        "peak_rss": ratio(kmsaudit.peak_rss_mib, baseline.peak_rss_mib),
    }
    for label, value in ratios.items():
        shown = f"{value:.2f}x" if value is not None else "n/a"
        print(f"kmsaudit/duckdb {label}: {shown}")
    return ratios


def main() -> int:
    """Generate or reuse the data, run both contenders, print and save the figures."""
    args = parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if not Path(TIME_COMMAND).exists():
        print(
            f"{TIME_COMMAND} not found; install GNU time (Debian package 'time')", file=sys.stderr
        )
        return 1

    args.workdir.mkdir(parents=True, exist_ok=True)
    options = BenchOptions(
        records=args.records, files=args.files, seed=args.seed, overlap=args.overlap
    )
    data, lines = prepare_data(args.workdir, options)
    runs = [
        measure_baseline(data, args.workdir, args.duckdb_threads),
        measure_kmsaudit(data, args.workdir, args.kmsaudit_cmd),
    ]
    ratios = print_table(lines, args.records, runs)

    results = {
        "lines": lines,
        "unique_records": args.records,
        "files": args.files,
        "machine": {
            "python": platform.python_version(),
            "architecture": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "runs": [asdict(run) for run in runs],
        "ratios_kmsaudit_to_duckdb": ratios,
    }
    (args.workdir / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
