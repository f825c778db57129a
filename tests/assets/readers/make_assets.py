"""Write the malformed-input files of this folder; each file has one kind of defect.

Run from the repository root: `.venv/bin/python tests/assets/readers/make_assets.py`. The output
is deterministic, so rerunning it leaves the committed files unchanged. `tests/test_readers.py`
maps each file to the records, malformed records and damage expected from it.
"""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import cramjam
import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

HERE = Path(__file__).parent


def record(index: int) -> dict[str, object]:
    """Return an audit record with the fields a `pull_log_dump` line has."""
    return {
        "__time__": 1780300800 + index,
        "__topic__": "",
        "__source__": "10.0.0.7",
        "time": f"2026-06-01T08:{index // 60 % 60:02d}:{index % 60:02d}Z",
        "access_key_id": f"KAAP.66abf237-63f6-4625-b8cf-47e1086e{index % 7:04d}",
        "identity_type": "aap",
        "principal_id": "aap_payments",
        "instance_id": "kst-gzz63ff0d55h5vdas0001",
        "api_name": "Decrypt",
        "client_ip": "192.168.1.20",
        "status_code": "200",
        "request_id": f"00000000-0000-4000-8000-{index:012d}",
        "resource_parameters": '{"key_id":"","key_version_id":"key-hzz-v1","index":""}',
        "duration": "1.381",
    }


def json_lines(count: int) -> bytes:
    return b"".join(json.dumps(record(index)).encode() + b"\n" for index in range(count))


def write_truncated_gzip() -> None:
    """40 records, gzip cut 200 bytes before the end: inside the last deflate block."""
    data = gzip.compress(json_lines(40), mtime=0)
    (HERE / "truncated.jsonl.gz").write_bytes(data[:-200])


def write_gzip_bad_crc() -> None:
    """20 records whose gzip trailer has a wrong CRC-32: the data decodes, the check fails."""
    data = bytearray(gzip.compress(json_lines(20), mtime=0))
    data[-8] ^= 0xFF
    (HERE / "bad-crc.jsonl.gz").write_bytes(bytes(data))


def write_gzip_trailing_garbage() -> None:
    """A valid gzip member of 10 records followed by bytes that are no gzip member."""
    data = gzip.compress(json_lines(10), mtime=0) + b"this is not gzip"
    (HERE / "trailing-garbage.jsonl.gz").write_bytes(data)


def write_truncated_zstd() -> None:
    """300 records in zstd frames of 100 records each, cut inside the third frame."""
    compressor = zstandard.ZstdCompressor(level=3)
    lines = json_lines(300).splitlines(keepends=True)
    frames = [compressor.compress(b"".join(lines[start : start + 100])) for start in (0, 100, 200)]
    data = b"".join(frames)
    (HERE / "truncated.jsonl.zst").write_bytes(data[: len(data) - len(frames[2]) // 2])


def write_truncated_framed_snappy() -> None:
    """A framed Snappy stream of 1,000 records (several 64 KiB chunks) cut inside its last
    chunk. The name has no suffix, like an OSS shipping object's."""
    data = bytes(cramjam.snappy.compress(json_lines(1000)))
    (HERE / "truncated-framed-snappy").write_bytes(data[:-100])


def write_bad_json_lines() -> None:
    """10 good lines and 3 bad ones: cut JSON, a bare string, plain text."""
    lines = json_lines(10).splitlines(keepends=True)
    lines.insert(2, b'{"__time__": 1780300800, "request_id": "cut\n')
    lines.insert(6, b'"just a string"\n')
    lines.insert(9, b"ERROR connection reset\n")
    (HERE / "bad-lines.jsonl").write_bytes(b"".join(lines))


def write_invalid_utf8_json_lines() -> None:
    """5 records; the user agent of two is in GBK, which is not valid UTF-8."""
    lines = json_lines(5).splitlines(keepends=True)
    gbk = "阿里云".encode("gbk")
    for index in (1, 3):
        lines[index] = lines[index].replace(
            b'"duration"', b'"useragent": "' + gbk + b'", "duration"'
        )
    (HERE / "invalid-utf8.jsonl").write_bytes(b"".join(lines))


def csv_rows(count: int) -> list[str]:
    """Return a header and `count` rows as the console writes them: quoted JSON, CRLF."""
    header = list(record(0))
    rows = [",".join(header)]
    for index in range(count):
        cells = []
        for value in record(index).values():
            text = str(value)
            if any(char in text for char in ',"\n'):
                text = '"' + text.replace('"', '""') + '"'
            cells.append(text)
        rows.append(",".join(cells))
    return rows


def write_csv_broken_quote() -> None:
    """Console CSV (BOM, CRLF) of 12 rows; row 5 opens a quote that no later line closes."""
    rows = csv_rows(12)
    rows[5] = rows[5].replace('}"', "}", 1)
    text = "\ufeff" + "\r\n".join(rows) + "\r\n"
    (HERE / "broken-quote.csv").write_bytes(text.encode())


def write_csv_wrong_cell_count() -> None:
    """CSV of 8 rows: row 3 lacks two cells, row 6 has an extra one, and a blank line."""
    rows = csv_rows(8)
    rows[3] = rows[3].split(",", 2)[2]
    rows[6] = rows[6] + ",extra"
    rows.insert(8, "")
    (HERE / "wrong-cell-count.csv").write_bytes(("\n".join(rows) + "\n").encode())


def write_json_array_bad_element() -> None:
    """Two single-line get_log_all pages of 5 records and the closing `[]`; the second page's
    third element is cut short."""
    first = json.dumps([record(index) for index in range(5)])
    elements = [json.dumps(record(index)) for index in range(5, 10)]
    elements[2] = elements[2][:40]
    second = "[" + ", ".join(elements) + "]"
    (HERE / "bad-element.json").write_text(first + "\n" + second + "\n[]\n")


def write_indented_array_bad_element() -> None:
    """An indented get_log_all page (--format-output=json) of 4 records; the second has a
    missing comma."""
    text = json.dumps([record(index) for index in range(4)], indent=2)
    text = text.replace('"__topic__": "",', '"__topic__": ""', 2).replace('""', '"",', 1)
    (HERE / "bad-element-indented.json").write_text(text + "\n")


def write_parquet_binary_strings() -> None:
    """Parquet as OSS shipping writes it: strings as unannotated byte arrays. 6 rows, one with a
    GBK user agent (invalid UTF-8) and one with a null."""
    rows = [record(index) for index in range(6)]
    columns: dict[str, pa.Array] = {"__time__": pa.array([row["__time__"] for row in rows])}
    for name in ("access_key_id", "request_id", "api_name"):
        columns[name] = pa.array([str(row[name]).encode() for row in rows], pa.binary())
    agents = [b"python-sdk", "阿里云".encode("gbk"), None, b"java-sdk", b"go-sdk", b"curl"]
    columns["useragent"] = pa.array(agents, pa.binary())
    pq.write_table(pa.table(columns), HERE / "binary-strings.parquet", compression="none")


def write_parquet_damaged_row_group() -> None:
    """Parquet of 100 rows in row groups of 20; the fourth row group's pages are overwritten."""
    table = pa.table(
        {
            "request_id": pa.array([f"r{index}".encode() for index in range(100)], pa.binary()),
            "__time__": pa.array(range(100), pa.int64()),
        }
    )
    buffer = io.BytesIO()
    pq.write_table(table, buffer, row_group_size=20, compression="snappy")
    data = bytearray(buffer.getvalue())
    chunk = pq.ParquetFile(io.BytesIO(bytes(data))).metadata.row_group(3).column(0)
    start = chunk.dictionary_page_offset or chunk.data_page_offset
    for position in range(start + 20, start + chunk.total_compressed_size - 2):
        data[position] ^= 0x5A
    (HERE / "damaged-row-group.parquet").write_bytes(bytes(data))


def main() -> None:
    write_truncated_gzip()
    write_gzip_bad_crc()
    write_gzip_trailing_garbage()
    write_truncated_zstd()
    write_truncated_framed_snappy()
    write_bad_json_lines()
    write_invalid_utf8_json_lines()
    write_csv_broken_quote()
    write_csv_wrong_cell_count()
    write_json_array_bad_element()
    write_indented_array_bad_element()
    write_parquet_binary_strings()
    write_parquet_damaged_row_group()


if __name__ == "__main__":
    main()
