"""Tests of the export readers on real files: every format under every compression, detection
without file name suffixes, credential files, text quirks and damaged input."""

from __future__ import annotations

import gzip
import json
import math
from collections.abc import Callable
from pathlib import Path

import cramjam
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from kmsaudit.errors import SecretFileError, SourceError, UnknownFormatError
from kmsaudit.readers import (
    MAX_MALFORMED_TEXT,
    Compression,
    MalformedRecord,
    RawRecord,
    ReadStats,
    SourceFormat,
    open_source,
)
from kmsaudit.readers.snappydecoder import MAX_RAW_SNAPPY_BYTES

ASSETS = Path(__file__).parent / "assets" / "readers"


def audit_record(index: int) -> dict[str, object]:
    """Return a kms_audit_log record as `pull_log_dump` writes it (string values, numeric
    `__time__`)."""
    return {
        "__time__": 1780300800 + index,
        "__source__": "10.0.0.7",
        "time": f"2026-06-01T08:15:{index % 60:02d}Z",
        "access_key_id": f"KAAP.66abf237-63f6-4625-b8cf-47e1086e{index % 5:04d}",
        "identity_type": "aap",
        "principal_id": "aap_支付",
        "api_name": "Decrypt",
        "status_code": "200",
        "error_code": "",
        "request_id": f"00000000-0000-4000-8000-{index:012d}",
        "resource_parameters": '{"key_id":"","key_version_id":"key-hzz-v1","index":""}',
        "duration": "1.381",
    }


RECORDS = [audit_record(index) for index in range(30)]
AS_STRINGS = [{name: str(value) for name, value in record.items()} for record in RECORDS]


def read_all(path: Path) -> tuple[list[RawRecord | MalformedRecord], ReadStats]:
    with open_source(path) as reader:
        items = list(reader.records())
        return items, reader.stats


def good(items: list[RawRecord | MalformedRecord]) -> list[RawRecord]:
    return [item for item in items if isinstance(item, RawRecord)]


def bad(items: list[RawRecord | MalformedRecord]) -> list[MalformedRecord]:
    return [item for item in items if isinstance(item, MalformedRecord)]


# Content builders: each returns the file's bytes and the expected (line, fields) pairs.


def json_lines_content() -> tuple[bytes, list[tuple[int, dict[str, object]]]]:
    data = "".join(json.dumps(record) + "\n" for record in RECORDS).encode()
    return data, [(index + 1, record) for index, record in enumerate(RECORDS)]


def single_line_pages_content() -> tuple[bytes, list[tuple[int, dict[str, object]]]]:
    """get_log_all output: pages of 10 records on one line each, then `[]`; every value a
    string."""
    pages = [AS_STRINGS[start : start + 10] for start in range(0, 30, 10)]
    text = "".join(json.dumps(page, sort_keys=True) + "\n" for page in pages) + "[]\n"
    expected = [(index // 10 + 1, record) for index, record in enumerate(AS_STRINGS)]
    return text.encode(), expected


def indented_pages_content() -> tuple[bytes, list[tuple[int, dict[str, object]]]]:
    """get_log_all --format-output=json: pages printed as indented arrays one after another."""
    lines_per_record = len(AS_STRINGS[0]) + 2  # the keys, `{` and `}`
    text = ""
    expected = []
    for start in range(0, 30, 15):
        first_line = text.count("\n") + 2  # the page's `[` comes first
        for offset, record in enumerate(AS_STRINGS[start : start + 15]):
            expected.append((first_line + offset * lines_per_record, record))
        text += json.dumps(AS_STRINGS[start : start + 15], indent=2) + "\n"
    return text.encode(), expected


def csv_content() -> tuple[bytes, list[tuple[int, dict[str, object]]]]:
    header = list(AS_STRINGS[0])
    rows = [",".join(header)]
    for record in AS_STRINGS:
        rows.append(",".join('"' + value.replace('"', '""') + '"' for value in record.values()))
    data = ("\n".join(rows) + "\n").encode()
    return data, [(index + 2, record) for index, record in enumerate(AS_STRINGS)]


CONTENT: dict[
    str, tuple[SourceFormat, Callable[[], tuple[bytes, list[tuple[int, dict[str, object]]]]]]
] = {
    "json-lines": (SourceFormat.JSON_LINES, json_lines_content),
    "single-line-pages": (SourceFormat.JSON_ARRAY, single_line_pages_content),
    "indented-pages": (SourceFormat.JSON_ARRAY, indented_pages_content),
    "csv": (SourceFormat.CSV, csv_content),
}

COMPRESSORS: dict[Compression, Callable[[bytes], bytes]] = {
    Compression.NONE: lambda data: data,
    Compression.GZIP: lambda data: gzip.compress(data, mtime=0),
    Compression.ZSTD: lambda data: zstandard.ZstdCompressor().compress(data),
    Compression.SNAPPY_FRAMED: lambda data: bytes(cramjam.snappy.compress(data)),
    Compression.SNAPPY: lambda data: bytes(cramjam.snappy.compress_raw(data)),
}


@pytest.mark.parametrize("compression", list(Compression))
@pytest.mark.parametrize("content", list(CONTENT))
def test_format_and_compression_matrix(
    tmp_path: Path, content: str, compression: Compression
) -> None:
    expected_format, build = CONTENT[content]
    data, expected = build()
    # OSS shipping names objects without a format suffix; raw Snappy ones end in `.snappy`.
    name = "15_a1b2c3.snappy" if compression is Compression.SNAPPY else "15_a1b2c3"
    path = tmp_path / name
    path.write_bytes(COMPRESSORS[compression](data))

    items, stats = read_all(path)

    assert stats.format is expected_format
    assert stats.compression is compression
    assert bad(items) == []
    assert [(item.line, item.fields) for item in good(items)] == expected
    assert stats.damage is None


def test_compression_enum_covered_by_matrix() -> None:
    assert set(COMPRESSORS) == set(Compression)


def test_raw_snappy_without_suffix_found_by_trial(tmp_path: Path) -> None:
    data, expected = json_lines_content()
    path = tmp_path / "15_a1b2c3"
    path.write_bytes(bytes(cramjam.snappy.compress_raw(data)))

    items, stats = read_all(path)

    assert stats.compression is Compression.SNAPPY
    assert [(item.line, item.fields) for item in good(items)] == expected


def parquet_table(binary_strings: bool) -> pa.Table:
    string_type = pa.binary() if binary_strings else pa.string()
    columns: dict[str, pa.Array] = {"__time__": pa.array([r["__time__"] for r in RECORDS])}
    for name in ("access_key_id", "request_id", "principal_id"):
        values = [str(record[name]) for record in RECORDS]
        columns[name] = pa.array(
            [value.encode() for value in values] if binary_strings else values, string_type
        )
    return pa.table(columns)


@pytest.mark.parametrize("binary_strings", [True, False], ids=["binary", "utf8"])
def test_parquet_strings_decoded(tmp_path: Path, binary_strings: bool) -> None:
    path = tmp_path / "15_a1b2c3"
    pq.write_table(parquet_table(binary_strings), path, row_group_size=7)

    items, stats = read_all(path)

    assert stats.format is SourceFormat.PARQUET
    assert [item.line for item in good(items)] == list(range(1, 31))
    assert good(items)[3].fields == {
        "__time__": 1780300803,
        "access_key_id": "KAAP.66abf237-63f6-4625-b8cf-47e1086e0003",
        "request_id": "00000000-0000-4000-8000-000000000003",
        "principal_id": "aap_支付",
    }
    assert stats.invalid_utf8_lines == 0


def test_snappy_parquet_suffix_read_as_parquet(tmp_path: Path) -> None:
    path = tmp_path / "part-0.snappy.parquet"
    pq.write_table(parquet_table(True), path, compression="snappy")

    items, stats = read_all(path)

    assert stats.format is SourceFormat.PARQUET
    assert stats.compression is Compression.NONE
    assert len(good(items)) == 30


def test_parquet_inside_gzip_rejected(tmp_path: Path) -> None:
    plain = tmp_path / "plain.parquet"
    pq.write_table(parquet_table(True), plain)
    path = tmp_path / "15_a1b2c3.gz"
    path.write_bytes(gzip.compress(plain.read_bytes()))

    with pytest.raises(SourceError, match="Parquet file inside gzip compression"):
        open_source(path)


def test_parquet_unreadable_footer_rejected(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1" + b"\x00" * 100)

    with pytest.raises(SourceError, match="is not a readable Parquet file"):
        open_source(path)


def test_pull_log_dump_shard_names(tmp_path: Path) -> None:
    data, expected = json_lines_content()
    for shard in range(2):
        (tmp_path / f"kms.json{shard}").write_bytes(data)

    for shard in range(2):
        items, stats = read_all(tmp_path / f"kms.json{shard}")
        assert stats.format is SourceFormat.JSON_LINES
        assert len(good(items)) == len(expected)


# Credential files.

PRIVATE_KEY = "MIIJrTBXBgkqhkiG9w0BBQ0wSjApBgkqhkiG9w0BBQwwHAQI"


def private_key_file() -> bytes:
    key_file = {"KeyId": "KAAP.66abf237-63f6-4625-b8cf-47e1086e0001", "PrivateKeyData": PRIVATE_KEY}
    return json.dumps(key_file, indent=2).encode()


@pytest.mark.parametrize("compression", [Compression.NONE, Compression.GZIP])
def test_private_key_file_rejected(tmp_path: Path, compression: Compression) -> None:
    path = tmp_path / "key.json"
    path.write_bytes(COMPRESSORS[compression](private_key_file()))

    with pytest.raises(SecretFileError) as raised:
        open_source(path)

    message = str(raised.value)
    assert "private key file" in message
    assert "not read" in message
    assert "client key ID" in message
    assert PRIVATE_KEY not in message
    assert "KAAP.66abf237" not in message


def test_private_key_file_with_bom_rejected(tmp_path: Path) -> None:
    path = tmp_path / "clientKey_KAAP.1.json"
    path.write_bytes(b"\xef\xbb\xbf" + private_key_file())

    with pytest.raises(SecretFileError):
        open_source(path)


def test_password_file_rejected_unopened(tmp_path: Path) -> None:
    # The file does not exist: rejection by name must come before any attempt to open it.
    path = tmp_path / "clientKey_KAAP.66abf237-63f6-4625-b8cf-47e1086e0001_Password.txt"

    with pytest.raises(SecretFileError, match="password file"):
        open_source(path)


def test_record_mentioning_private_key_data_read(tmp_path: Path) -> None:
    record = dict(RECORDS[0], error_message='bad body {"PrivateKeyData": "x"}')
    path = tmp_path / "kms.json0"
    path.write_text(json.dumps(record) + "\n")

    items, _ = read_all(path)

    assert [item.fields for item in good(items)] == [record]


# Text handling.


def test_json_lines_bom_and_crlf(tmp_path: Path) -> None:
    path = tmp_path / "kms.json0"
    path.write_bytes(b"\xef\xbb\xbf" + b"".join(json.dumps(r).encode() + b"\r\n" for r in RECORDS))

    items, stats = read_all(path)

    assert [(item.line, item.fields) for item in good(items)] == json_lines_content()[1]
    assert stats.byte_order_mark is True
    assert stats.crlf_lines == 30


def test_csv_console_download_bom_crlf_multiline(tmp_path: Path) -> None:
    text = (
        "\ufeff__time__,access_key_id,error_message,resource_parameters,request_id\r\n"
        '1780300800,KAAP.1,,"{""key_id"":""k""}",r1\r\n'
        '1780300801,KAAP.2,"line one\r\nline two",,r2\r\n'
        "1780300802,KAAP.3,,,r3\r\n"
    )
    path = tmp_path / "download.csv"
    path.write_bytes(text.encode())

    items, stats = read_all(path)

    assert bad(items) == []
    assert [item.line for item in good(items)] == [2, 3, 5]
    assert good(items)[0].fields["resource_parameters"] == '{"key_id":"k"}'
    assert good(items)[0].fields["error_message"] == ""
    assert good(items)[1].fields["error_message"] == "line one\r\nline two"
    assert good(items)[2].fields["__time__"] == "1780300802"
    assert stats.byte_order_mark is True
    assert stats.crlf_lines == 5


def test_json_lines_invalid_utf8_replaced(tmp_path: Path) -> None:
    gbk_agent = "阿里云 SDK".encode("gbk")
    line = b'{"request_id": "r1", "useragent": "' + gbk_agent + b'"}\n'
    path = tmp_path / "kms.json0"
    path.write_bytes(line + json.dumps(RECORDS[0]).encode() + b"\n")

    items, stats = read_all(path)

    assert len(good(items)) == 2
    assert "\ufffd" in str(good(items)[0].fields["useragent"])
    assert stats.invalid_utf8_lines == 1


def test_time_ns_part_list_kept(tmp_path: Path) -> None:
    path = tmp_path / "kms.json0"
    path.write_text('{"__time__": 1780300800, "__time_ns_part__": [123456789]}\n')

    items, _ = read_all(path)

    assert good(items)[0].fields == {"__time__": 1780300800, "__time_ns_part__": [123456789]}


def test_json_values_orjson_rejects_parsed(tmp_path: Path) -> None:
    path = tmp_path / "kms.json0"
    path.write_text('{"duration": NaN}\n{"useragent": "\\ud800"}\n')

    items, _ = read_all(path)

    assert bad(items) == []
    assert math.isnan(float(str(good(items)[0].fields["duration"])))
    assert good(items)[1].fields["useragent"] == "\ud800"


def test_json_lines_line_with_page_array(tmp_path: Path) -> None:
    page = json.dumps(AS_STRINGS[:3])
    path = tmp_path / "kms.json0"
    path.write_text(json.dumps(RECORDS[0]) + "\n" + page + "\n[]\n" + '[{"a": "1"}, 5]\n')

    items, _ = read_all(path)

    assert [item.line for item in good(items)] == [1, 2, 2, 2, 4]
    assert [(item.line, item.reason) for item in bad(items)] == [
        (4, "element 2 of the array is a number, not an object")
    ]


@pytest.mark.parametrize(
    ("content", "note"),
    [(b"", "the file is empty"), (b"  \r\n\n\t\n", "the file contains only whitespace")],
    ids=["empty", "whitespace"],
)
def test_empty_file_yields_nothing(tmp_path: Path, content: bytes, note: str) -> None:
    path = tmp_path / "empty"
    path.write_bytes(content)

    items, stats = read_all(path)

    assert items == []
    assert stats.format is SourceFormat.JSON_LINES
    assert stats.notes == [note]


def test_pretty_printed_objects_read(tmp_path: Path) -> None:
    path = tmp_path / "export.json"
    path.write_text("".join(json.dumps(record, indent=2) + "\n" for record in RECORDS[:3]))

    items, stats = read_all(path)

    lines_per_record = len(RECORDS[0]) + 2
    assert [item.line for item in good(items)] == [
        1,
        1 + lines_per_record,
        1 + 2 * lines_per_record,
    ]
    assert stats.format is SourceFormat.JSON_ARRAY
    assert len(stats.notes) == 1


def test_unknown_format_rejected(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("meeting notes\nnothing to see\n")

    with pytest.raises(UnknownFormatError) as raised:
        open_source(path)

    message = str(raised.value)
    assert str(path) in message
    assert "JSON lines" in message
    assert "CSV" in message
    assert "Parquet" in message
    assert "meeting" not in message


def test_csv_without_known_header_rejected(tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("name,age\nalice,30\n")

    with pytest.raises(UnknownFormatError):
        open_source(path)


def test_missing_file_is_source_error(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot open"):
        open_source(tmp_path / "absent.json")


def test_records_iterated_once(tmp_path: Path) -> None:
    path = tmp_path / "kms.json0"
    path.write_bytes(json_lines_content()[0])

    with open_source(path) as reader:
        list(reader.records())
        with pytest.raises(RuntimeError):
            list(reader.records())


# Damaged compressed streams.


def many_lines(count: int) -> bytes:
    return b"".join(json.dumps(audit_record(index)).encode() + b"\n" for index in range(count))


@pytest.mark.parametrize(
    "compression", [Compression.GZIP, Compression.ZSTD, Compression.SNAPPY_FRAMED]
)
def test_truncated_stream_keeps_records_before(tmp_path: Path, compression: Compression) -> None:
    # 4,000 lines (about 1.2 MB) span many deflate blocks, zstd blocks and Snappy chunks.
    data = many_lines(4000)
    compressed = COMPRESSORS[compression](data)
    path = tmp_path / "15_a1b2c3"
    path.write_bytes(compressed[: len(compressed) // 2])

    items, stats = read_all(path)

    records = good(items)
    assert 0 < len(records) < 4000
    assert [item.line for item in records] == list(range(1, len(records) + 1))
    assert [(item.line, item.reason) for item in bad(items)] == [
        (len(records) + 1, "incomplete last line: the compressed stream was truncated or corrupt")
    ]
    assert stats.damage is not None
    assert "truncated" in stats.damage
    assert str(len(compressed) // 2) in stats.damage


def test_zstd_cut_at_frame_boundary_is_damage(tmp_path: Path) -> None:
    compressor = zstandard.ZstdCompressor()
    first, second = compressor.compress(many_lines(10)), compressor.compress(many_lines(10))
    path = tmp_path / "15_a1b2c3.zst"
    path.write_bytes(first + second[:8])

    items, stats = read_all(path)

    assert len(good(items)) == 10
    assert bad(items) == []
    assert (
        stats.damage
        == f"zstd stream truncated: the file ends at byte {len(first) + 8} inside a frame"
    )


def test_corrupt_zstd_keeps_records_before(tmp_path: Path) -> None:
    data = bytearray(zstandard.ZstdCompressor(write_checksum=True).compress(many_lines(4000)))
    data[len(data) // 2] ^= 0xFF
    path = tmp_path / "15_a1b2c3"
    path.write_bytes(bytes(data))

    items, stats = read_all(path)

    assert 0 < len(good(items)) < 4000
    assert [item.line for item in good(items)] == list(range(1, len(good(items)) + 1))
    assert stats.damage is not None
    assert stats.damage.startswith("invalid zstd data after byte ")


def test_multi_member_gzip_with_zero_padding(tmp_path: Path) -> None:
    path = tmp_path / "15_a1b2c3.gz"
    path.write_bytes(
        gzip.compress(many_lines(5)) + b"\x00" * 10 + gzip.compress(many_lines(7)) + b"\x00" * 4
    )

    items, stats = read_all(path)

    assert [item.line for item in good(items)] == list(range(1, 13))
    assert stats.damage is None


def test_multi_frame_zstd(tmp_path: Path) -> None:
    compressor = zstandard.ZstdCompressor()
    path = tmp_path / "15_a1b2c3.zst"
    path.write_bytes(compressor.compress(many_lines(5)) + compressor.compress(many_lines(7)))

    items, stats = read_all(path)

    assert len(good(items)) == 12
    assert stats.damage is None


def test_gzip_high_ratio_member(tmp_path: Path) -> None:
    # 30 MB of repeated lines compress about 1000:1, so one read expands past the output cap.
    line = json.dumps(RECORDS[0]).encode() + b"\n"
    count = 30_000_000 // len(line)
    path = tmp_path / "15_a1b2c3.gz"
    path.write_bytes(gzip.compress(line * count, compresslevel=1))

    items, stats = read_all(path)

    assert len(good(items)) == count
    assert stats.damage is None


def test_raw_snappy_over_cap_rejected(tmp_path: Path) -> None:
    declared = MAX_RAW_SNAPPY_BYTES + 1
    varint = bytearray()
    while declared >= 0x80:
        varint.append(declared & 0x7F | 0x80)
        declared >>= 7
    varint.append(declared)
    path = tmp_path / "15_a1b2c3.snappy"
    path.write_bytes(bytes(varint) + b"\x00" * 64)

    with pytest.raises(SourceError, match="more than the 1,073,741,824 bytes"):
        open_source(path)


def test_raw_snappy_corrupt_rejected(tmp_path: Path) -> None:
    path = tmp_path / "15_a1b2c3.snappy"
    path.write_bytes(bytes(cramjam.snappy.compress_raw(many_lines(50)))[:-40])

    with pytest.raises(SourceError, match="could not be decoded as a raw Snappy block"):
        open_source(path)


# Bounds on long input.


def test_json_lines_overlong_line_skipped(tmp_path: Path) -> None:
    path = tmp_path / "kms.json0"
    long_value = "x" * (16 * 1024 * 1024 + 10)
    path.write_text(
        json.dumps(RECORDS[0])
        + "\n"
        + json.dumps({"v": long_value})
        + "\n"
        + json.dumps(RECORDS[1])
        + "\n"
    )

    items, _ = read_all(path)

    assert [item.line for item in good(items)] == [1, 3]
    assert [item.line for item in bad(items)] == [2]
    assert bad(items)[0].reason.startswith("line longer than 16,777,216 bytes")
    assert len(bad(items)[0].text) == MAX_MALFORMED_TEXT


def test_json_array_long_line_split_in_pieces(tmp_path: Path) -> None:
    # A 3 MB single-line page of non-ASCII values: read in 1 MiB pieces, which must never cut a
    # UTF-8 sequence or an element.
    page = [dict(AS_STRINGS[index % 30], principal_id="应用" * 50) for index in range(3000)]
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page, ensure_ascii=False) + "\n[]\n", encoding="utf-8")

    items, stats = read_all(path)

    assert bad(items) == []
    assert [item.fields for item in good(items)] == page
    assert stats.invalid_utf8_lines == 0


def test_csv_overlong_line_skipped(tmp_path: Path) -> None:
    path = tmp_path / "download.csv"
    long_cell = "x" * (1024 * 1024 + 10)
    path.write_text(f"__time__,request_id,error_message\n1,r1,ok\n2,r2,{long_cell}\n3,r3,ok\n")

    items, _ = read_all(path)

    assert [item.line for item in good(items)] == [2, 4]
    assert [item.line for item in bad(items)] == [3]
    assert bad(items)[0].reason.startswith("line longer than 1,048,576 bytes")


def test_csv_unterminated_quote_at_end(tmp_path: Path) -> None:
    path = tmp_path / "download.csv"
    path.write_text('__time__,request_id,error_message\n1,r1,ok\n2,r2,"never closed\n3,r3,ok\n')

    items, _ = read_all(path)

    assert [(item.line, item.fields["request_id"]) for item in good(items)] == [
        (2, "r1"),
        (4, "r3"),
    ]
    assert [item.line for item in bad(items)] == [3]
    assert bad(items)[0].reason.startswith("unterminated quoted field")


def test_csv_stray_quote_in_unquoted_cell_kept(tmp_path: Path) -> None:
    path = tmp_path / "download.csv"
    path.write_text('__time__,request_id,useragent\n1,r1,curl "7"x\n2,r2,sdk"\n3,r3,ok\n')

    items, _ = read_all(path)

    assert bad(items) == []
    assert [item.fields["useragent"] for item in good(items)] == ['curl "7"x', 'sdk"', "ok"]


def test_json_array_not_closed_noted(tmp_path: Path) -> None:
    path = tmp_path / "page.json"
    path.write_text(json.dumps(AS_STRINGS[:2])[:-1] + "\n")

    items, stats = read_all(path)

    assert len(good(items)) == 2
    assert stats.notes == ["the last JSON array is not closed: the file may be truncated"]


# One file per malformed-input kind: (records, malformed, damage set).
ASSET_EXPECTATIONS = {
    "truncated.jsonl.gz": (22, 1, True),
    "bad-crc.jsonl.gz": (20, 0, True),
    "trailing-garbage.jsonl.gz": (10, 0, True),
    "truncated.jsonl.zst": (200, 0, True),
    "truncated-framed-snappy": (910, 1, True),
    "bad-lines.jsonl": (10, 3, False),
    "invalid-utf8.jsonl": (5, 0, False),
    "broken-quote.csv": (11, 1, False),
    "wrong-cell-count.csv": (6, 2, False),
    "bad-element.json": (9, 1, False),
    "bad-element-indented.json": (3, 1, False),
    "binary-strings.parquet": (6, 0, False),
    "damaged-row-group.parquet": (60, 0, True),
}


@pytest.mark.parametrize("name", list(ASSET_EXPECTATIONS))
def test_malformed_asset(name: str) -> None:
    records, malformed, damaged = ASSET_EXPECTATIONS[name]

    items, stats = read_all(ASSETS / name)

    assert len(good(items)) == records
    assert len(bad(items)) == malformed
    assert (stats.damage is not None) == damaged


def test_asset_table_lists_every_asset() -> None:
    on_disk = {path.name for path in ASSETS.iterdir() if path.suffix not in (".py", ".md")}
    assert on_disk == set(ASSET_EXPECTATIONS)


def test_malformed_asset_details() -> None:
    _, stats = read_all(ASSETS / "bad-crc.jsonl.gz")
    assert stats.damage == (
        "invalid gzip data at byte 578 of the file: "
        "Error -3 while decompressing data: incorrect data check"
    )

    items, _ = read_all(ASSETS / "bad-lines.jsonl")
    assert [(item.line, item.reason) for item in bad(items)] == [
        (3, "invalid JSON: unterminated string starting at column 40"),
        (7, "JSON value is a string, not an object"),
        (10, "invalid JSON: expecting value at column 1"),
    ]

    items, _ = read_all(ASSETS / "wrong-cell-count.csv")
    assert [(item.line, item.reason) for item in bad(items)] == [
        (4, "CSV row has 12 cells, header has 14"),
        (7, "CSV row has 15 cells, header has 14"),
    ]

    items, _ = read_all(ASSETS / "bad-element-indented.json")
    assert [item.line for item in good(items)] == [2, 34, 50]
    assert [(item.line, item.reason) for item in bad(items)] == [
        (18, "invalid JSON: expecting ',' delimiter at line 21, column 5")
    ]

    items, stats = read_all(ASSETS / "binary-strings.parquet")
    assert [item.fields["useragent"] for item in good(items)][:3] == [
        "python-sdk",
        "\ufffd" * 6,
        None,
    ]
    assert stats.invalid_utf8_lines == 1
