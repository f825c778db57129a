"""Turn raw export records into rows of the canonical schema.

Exports disagree on types: `__time__` is an integer in one file and a string in the next,
`__time_ns_part__` may be a one-element list, `status_code` a number or a string. Everything is
normalized here, row by row, so that the store has one type per column. Values of text fields are
kept exactly as exported: no trimming and no case folding, because a check must be able to tell
`KAAP.x` from `KAAP.X `.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo

import orjson
import pyarrow as pa
import pyarrow.compute as pc

from .errors import AmbiguousTimeError
from .readers.base import MalformedRecord, RawRecord
from .schema import KNOWN_FIELDS, RECORD_SCHEMA, SLS_TEXT_FIELDS, SLS_TIME, SLS_TIME_NS, TEXT_FIELDS

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# `time` is when KMS began processing and `__time__` when SLS logged it: seconds apart, not hours.
ZONE_MISMATCH_TOLERANCE = timedelta(hours=1)

# Beyond this, `time` and `__time__` cannot both describe one call, and no zone error explains
# it (zones are at most 14 hours from UTC), so the record's day is unknown: it is set aside.
TIME_CONFLICT_LIMIT = timedelta(days=1)
_ONE_MICROSECOND = timedelta(microseconds=1)


@dataclass(slots=True)
class NormalizedBatch:
    """Rows ready for the store, the records set aside, and counts of values that were coerced.

    `coerced` counts values of typed fields (`status_code`, `duration`, `__time__`) that did not
    parse. Such a row is kept, with a null there and the raw value in `extra`.
    """

    table: pa.Table
    malformed: list[MalformedRecord]
    coerced: int = 0
    min_time: datetime | None = None
    max_time: datetime | None = None


@dataclass(slots=True)
class _Columns:
    values: dict[str, list[object]] = field(
        default_factory=lambda: {name: [] for name in RECORD_SCHEMA.names}
    )


class Normalizer:
    """Convert `RawRecord`s of one source file into Arrow tables of `RECORD_SCHEMA`.

    `time_zone` interprets `time` values written without a zone; without it such a value raises
    `AmbiguousTimeError`, because guessing the zone would shift records across days.
    """

    def __init__(self, path: str, source_id: int, time_zone: tzinfo | None = None) -> None:
        self.path = path
        self.source_id = source_id
        self.time_zone = time_zone
        # Zone-less `time` values that, read in `time_zone`, disagree with `__time__` by more
        # than ZONE_MISMATCH_TOLERANCE: a sign that `time_zone` is not the export's zone.
        self.zone_mismatches = 0

    def normalize(self, records: Iterable[RawRecord]) -> NormalizedBatch:
        """Normalize a batch; records without any usable time come back as malformed."""
        columns = _Columns().values
        malformed: list[MalformedRecord] = []
        coerced = 0
        for record in records:
            row = self._normalize_one(record)
            if isinstance(row, MalformedRecord):
                malformed.append(row)
                continue
            values, row_coerced = row
            coerced += row_coerced
            for name, value in values.items():
                columns[name].append(value)

        try:
            table = pa.Table.from_pydict(columns, schema=RECORD_SCHEMA)
        except UnicodeEncodeError:
            # A lone surrogate (json.loads keeps "\ud800") cannot be written as UTF-8.
            table = pa.Table.from_pydict(_without_surrogates(columns), schema=RECORD_SCHEMA)
        batch = NormalizedBatch(table=table, malformed=malformed, coerced=coerced)
        if table.num_rows:
            times = table.column("time")
            batch.min_time = pc.min(times).as_py()
            batch.max_time = pc.max(times).as_py()
        return batch

    def _normalize_one(
        self, record: RawRecord
    ) -> tuple[dict[str, object], int] | MalformedRecord:
        fields = record.fields
        extra: dict[str, object] = {}
        time_value = self._record_time(record, extra)
        if time_value is None:
            return MalformedRecord(
                line=record.line,
                reason=_no_time_reason(fields),
                text=_record_text(fields),
            )
        conflict = _time_conflict(time_value, fields)
        if conflict is not None:
            return MalformedRecord(line=record.line, reason=conflict, text=_record_text(fields))

        values: dict[str, object] = {"time": time_value}
        for name in TEXT_FIELDS:
            values[name] = _as_text(fields.get(name))
        for name in SLS_TEXT_FIELDS:
            values[name] = _as_text(fields.get(name))
        values["status_code"] = _typed(fields, "status_code", _as_int32, extra)
        values["duration"] = _typed(fields, "duration", _as_float, extra)
        values[SLS_TIME] = _typed(fields, SLS_TIME, _as_int64, extra)
        values[SLS_TIME_NS] = _typed(fields, SLS_TIME_NS, _as_nanoseconds, extra)

        for name, value in fields.items():
            if name not in KNOWN_FIELDS:
                extra[name] = value
        values["extra"] = orjson.dumps(extra, option=orjson.OPT_SORT_KEYS).decode() if extra else None
        values["dedup_key"] = _dedup_key(values["request_id"], fields)
        values["source_id"] = self.source_id
        values["source_line"] = record.line
        values["day"] = _utc_day(time_value)
        return values, len(extra.keys() & {"status_code", "duration", SLS_TIME, SLS_TIME_NS})

    def _record_time(self, record: RawRecord, extra: dict[str, object]) -> datetime | None:
        """Take `time` when present and parseable, else `__time__` (+ `__time_ns_part__`)."""
        raw_time = record.fields.get("time")
        if raw_time not in (None, ""):
            parsed = self._parse_iso_time(raw_time, record.line)
            if parsed is not None:
                if self.time_zone is not None and _is_zoneless(raw_time):
                    self._compare_with_sls_time(parsed, record.fields)
                return parsed
            extra["time"] = raw_time
        return _sls_time(record.fields)

    def _compare_with_sls_time(self, parsed: datetime, fields: dict[str, object]) -> None:
        sls_time = _sls_time(fields)
        if sls_time is not None and abs(parsed - sls_time) > ZONE_MISMATCH_TOLERANCE:
            self.zone_mismatches += 1

    def _parse_iso_time(self, value: object, line: int) -> datetime | None:
        if not isinstance(value, str):
            return None
        try:
            parsed = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        try:
            return self._to_utc(parsed, value, line)
        except OverflowError:
            return None

    def _to_utc(self, parsed: datetime, value: str, line: int) -> datetime:
        if parsed.tzinfo is None:
            if self.time_zone is None:
                raise AmbiguousTimeError(
                    f"time {value!r} has no time zone, so its UTC day is unknown; "
                    "pass --time-zone with the zone the export was made in (for example "
                    "--time-zone Asia/Shanghai)",
                    path=self.path,
                    line=line,
                )
            parsed = parsed.replace(tzinfo=self.time_zone)
        return parsed.astimezone(UTC)


def _time_conflict(time_value: datetime, fields: dict[str, object]) -> str | None:
    raw = fields.get(SLS_TIME)
    # Fast path for the usual digits-only string or integer; every record takes it.
    if type(raw) is str and raw.isdigit():
        seconds: int | None = int(raw)
    else:
        seconds = _as_int64(raw)
    limit = TIME_CONFLICT_LIMIT.total_seconds()
    if seconds is None or abs(time_value.timestamp() - seconds) <= limit:
        return None
    sls_time = _sls_time(fields)
    if sls_time is None:
        return None
    return (
        f"time {fields.get('time')!r} and __time__ {fields.get(SLS_TIME)!r} are "
        f"{abs(time_value - sls_time).days} days apart, so the record's day is unknown"
    )


def _is_zoneless(value: object) -> bool:
    try:
        return isinstance(value, str) and datetime.fromisoformat(value.strip()).tzinfo is None
    except ValueError:
        return False


def _sls_time(fields: dict[str, object]) -> datetime | None:
    seconds = _as_int64(fields.get(SLS_TIME))
    if seconds is None:
        return None
    nanoseconds = _as_nanoseconds(fields.get(SLS_TIME_NS)) or 0
    try:
        return _EPOCH + timedelta(seconds=seconds, microseconds=nanoseconds // 1000)
    except OverflowError:
        return None


def _utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


def _typed(
    fields: dict[str, object],
    name: str,
    convert: Callable[[object], object],
    extra: dict[str, object],
) -> object:
    """Convert a typed field; an unconvertible value becomes null and is kept raw in `extra`."""
    raw = fields.get(name)
    if raw is None or raw == "":
        return None
    converted = convert(raw)
    if converted is None:
        extra[name] = raw
    return converted


def _as_text(value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return orjson.dumps(value).decode()


def _without_surrogates(columns: dict[str, list[object]]) -> dict[str, list[object]]:
    return {
        name: [
            value.encode("utf-8", "replace").decode("utf-8") if isinstance(value, str) else value
            for value in values
        ]
        for name, values in columns.items()
    }


def _as_int32(value: object) -> int | None:
    number = _as_int(value)
    return number if number is not None and -(2**31) <= number < 2**31 else None


def _as_int64(value: object) -> int | None:
    number = _as_int(value)
    return number if number is not None and -(2**63) <= number < 2**63 else None


def _as_int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str):
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            number = float(text)
        except ValueError:
            return None
        return int(number) if number.is_integer() else None
    return None


def _as_float(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _as_nanoseconds(value: object) -> int | None:
    """Read `__time_ns_part__`, which `pull_log_dump` writes as a one-element list."""
    if isinstance(value, list):
        return _as_int64(value[0]) if len(value) == 1 else None
    return _as_int64(value)



def _dedup_key(request_id: object, fields: dict[str, object]) -> str:
    """Key a record by `request_id` and its identity fields, or hash it without a real ID.

    A copy of one event carries the same identity, so the identity fields never split true
    duplicates, while two different calls logged under one ID stay apart. A placeholder
    (`-`, `0`, blanks: fewer than 8 letters or digits) is no ID. The hash ignores empty fields
    and stringifies values, so the same record read from CSV (every value text, missing fields
    empty) and from JSON lines gets the same key.
    """
    if isinstance(request_id, str) and sum(map(str.isalnum, request_id)) >= 8:
        identity = [_as_text(fields.get(name)) or "" for name in _IDENTITY_FIELDS]
        return "|".join([request_id, *identity])
    canonical = {
        name: _as_text(value) for name, value in fields.items() if value is not None and value != ""
    }
    digest = hashlib.sha256(orjson.dumps(canonical, option=orjson.OPT_SORT_KEYS)).hexdigest()
    return f"sha256:{digest}"


_IDENTITY_FIELDS = ("access_key_id", "identity_type", "principal_id")


def _no_time_reason(fields: dict[str, object]) -> str:
    time_value = fields.get("time")
    sls_value = fields.get(SLS_TIME)
    return (
        f"no usable time: time={time_value!r} is not ISO 8601 and "
        f"__time__={sls_value!r} is not Unix seconds"
    )


def _record_text(fields: dict[str, object]) -> str:
    return orjson.dumps(fields, default=str).decode()
