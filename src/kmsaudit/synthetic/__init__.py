"""Synthetic `kms_audit_log` records and the export files users make of them.

Everything is deterministic from a seed. `write_sample` writes the small export set kept in
`sample_logs/`; `write_bench` writes large JSON-lines sets for throughput benchmarks. The
writers (`PullLogDumpWriter`, `write_get_log_all`, `write_console_csv`, `write_object`) each
reproduce one export path and can be fed any records, for example to build test assets.
"""

from kmsaudit.synthetic.bench import BenchOptions, BenchSet, write_bench
from kmsaudit.synthetic.cast import Cast, Usage
from kmsaudit.synthetic.console_csv import write_console_csv
from kmsaudit.synthetic.oss import ShippingCompression, ShippingFormat, ShippingJob, write_object
from kmsaudit.synthetic.records import LOG_FIELDS, Eras, Record
from kmsaudit.synthetic.sample import SampleOptions, write_sample
from kmsaudit.synthetic.sample_cast import sample_cast
from kmsaudit.synthetic.sls_json import PullLogDumpWriter, dump_line, write_get_log_all
from kmsaudit.synthetic.timeline import generate_records

__all__ = [
    "LOG_FIELDS",
    "BenchOptions",
    "BenchSet",
    "Cast",
    "Eras",
    "PullLogDumpWriter",
    "Record",
    "SampleOptions",
    "ShippingCompression",
    "ShippingFormat",
    "ShippingJob",
    "Usage",
    "dump_line",
    "generate_records",
    "sample_cast",
    "write_bench",
    "write_console_csv",
    "write_get_log_all",
    "write_object",
    "write_sample",
]
