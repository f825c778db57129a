"""Command line: write the sample export set or a benchmark set.

python -m kmsaudit.synthetic sample --out sample_logs [--seed N] [--shared-gateway]
python -m kmsaudit.synthetic bench --records N --files K --out DIR [--overlap M] [--seed N]
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from kmsaudit.synthetic.bench import BenchOptions, write_bench
from kmsaudit.synthetic.sample import DEFAULT_SEED, SampleOptions, write_sample


def positive_int(text: str) -> int:
    """Parse a command-line integer that must be at least 1."""
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def non_negative_int(text: str) -> int:
    """Parse a command-line integer that must be at least 0."""
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be at least 0, got {value}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """Build the parser of the `sample` and `bench` commands."""
    parser = argparse.ArgumentParser(
        prog="python -m kmsaudit.synthetic",
        description="Write synthetic kms_audit_log exports.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    sample = commands.add_parser("sample", help="write the sample export set (180 days)")
    sample.add_argument("--out", type=Path, required=True, help="folder to write into")
    sample.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed")
    sample.add_argument(
        "--shared-gateway",
        action="store_true",
        help="add AAP records with an empty access_key_id (shared gateway)",
    )

    bench = commands.add_parser("bench", help="write pull_log_dump JSON-lines files for benchmarks")
    bench.add_argument("--records", type=positive_int, required=True, help="unique records")
    bench.add_argument("--files", type=positive_int, required=True, help="number of files")
    bench.add_argument("--out", type=Path, required=True, help="folder to write into")
    bench.add_argument(
        "--overlap",
        type=non_negative_int,
        default=1000,
        help="records each file repeats from the end of the previous file (default 1000)",
    )
    bench.add_argument("--seed", type=int, default=1, help="random seed")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit status."""
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    if args.command == "sample":
        options = SampleOptions(seed=args.seed, shared_gateway_unattributed=args.shared_gateway)
        for path in write_sample(args.out, options):
            print(path)
        return 0
    bench_options = BenchOptions(
        records=args.records, files=args.files, seed=args.seed, overlap=args.overlap
    )
    written = write_bench(args.out, bench_options)
    files = len(written.paths)
    print(f"{written.lines} lines, {written.unique_records} unique records, {files} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
