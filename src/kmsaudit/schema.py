"""The canonical record schema of the store.

Every documented `kms_audit_log` field has one column with one type, whatever the export gave.
Fields the schema does not know are kept as a JSON object in `extra`, so nothing is dropped when
SLS adds a field. The last columns are the store's own: `dedup_key`, `source_id`, `source_line`.
"""

from __future__ import annotations

import pyarrow as pa

TIMESTAMP = pa.timestamp("us", tz="UTC")

# Documented log fields stored as text, in the order the store writes them.
TEXT_FIELDS: tuple[str, ...] = (
    "access_key_id",
    "access_key_fingerprint",
    "identity_type",
    "principal_id",
    "account_id",
    "user_id",
    "instance_id",
    "region_id",
    "api_name",
    "api_version",
    "share_gateway_api_name",
    "client_ip",
    "error_code",
    "error_message",
    "request_id",
    "resource_id",
    "resource_parameters",
    "cmkid",
    "key_version_id",
    "key_state",
    "domain_type",
    "key_spec",
    "data_key_spec",
    "gateway_type",
    "useragent",
    "level",
    "version",
)

# SLS reserved fields with a column of their own; tags (`__tag__:...`) go to `extra`.
SLS_TIME = "__time__"
SLS_TIME_NS = "__time_ns_part__"
SLS_TEXT_FIELDS: tuple[str, ...] = ("__topic__", "__source__")

RECORD_SCHEMA = pa.schema(
    [
        pa.field("time", TIMESTAMP, nullable=False),
        *(pa.field(name, pa.string()) for name in TEXT_FIELDS[:12]),
        pa.field("status_code", pa.int32()),
        *(pa.field(name, pa.string()) for name in TEXT_FIELDS[12:]),
        pa.field("duration", pa.float64()),
        pa.field(SLS_TIME, pa.int64()),
        pa.field(SLS_TIME_NS, pa.int64()),
        *(pa.field(name, pa.string()) for name in SLS_TEXT_FIELDS),
        pa.field("extra", pa.string()),
        pa.field("dedup_key", pa.string(), nullable=False),
        pa.field("source_id", pa.int64(), nullable=False),
        pa.field("source_line", pa.int64(), nullable=False),
        pa.field("day", pa.date32(), nullable=False),
    ]
)

# Every field name that has a column of its own; anything else goes to `extra`.
KNOWN_FIELDS: frozenset[str] = frozenset(
    {"time", "status_code", "duration", SLS_TIME, SLS_TIME_NS, *TEXT_FIELDS, *SLS_TEXT_FIELDS}
)

# Text columns in which a check looks for an ID mentioned outside the identity fields.
SEARCHABLE_TEXT_COLUMNS: tuple[str, ...] = (*TEXT_FIELDS, *SLS_TEXT_FIELDS, "extra")
