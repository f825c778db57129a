"""Property tests of the text readers: whatever the records, line ends, byte-order mark and
garbage around them, every good record comes back with the line it starts on."""

from __future__ import annotations

import csv
import io
import json
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kmsaudit.readers import MalformedRecord, RawRecord, open_source

FIELD_NAMES = ["__time__", "access_key_id", "request_id", "error_message", "duration"]

field_values = st.one_of(
    st.text(max_size=20),
    # orjson reads integers beyond 64 bits as floats; the reader leaves them so.
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
    st.lists(st.integers(min_value=0, max_value=999_999_999), max_size=1),
)
records = st.dictionaries(st.sampled_from(FIELD_NAMES), field_values, min_size=1)

# Lines that are not JSON objects: plain text, cut JSON, a JSON scalar, invalid UTF-8.
garbage_lines = st.one_of(
    st.text(alphabet=st.characters(blacklist_characters="\r\n"), max_size=30).map(
        lambda text: ("#" + text).encode()
    ),
    st.sampled_from([b'{"request_id": "cut', b'"a string"', b"42", b"\xff\xfe{\x80", b"{]"]),
)


def read(data: bytes) -> list[RawRecord | MalformedRecord]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "15_a1b2c3"
        path.write_bytes(data)
        with open_source(path) as reader:
            return list(reader.records())


@settings(max_examples=150, deadline=None)
@given(
    first=records,
    lines=st.lists(
        st.tuples(st.one_of(records, garbage_lines, st.just(b"")), st.booleans()), max_size=30
    ),
    byte_order_mark=st.booleans(),
)
def test_json_lines_good_records_survive_garbage(
    first: dict[str, object],
    lines: list[tuple[dict[str, object] | bytes, bool]],
    byte_order_mark: bool,
) -> None:
    # The first line is a record: format detection looks at the first non-blank character.
    lines = [(first, False), *lines]
    data = b"\xef\xbb\xbf" if byte_order_mark else b""
    expected_records = []
    garbage_line_numbers = []
    for number, (content, crlf) in enumerate(lines, start=1):
        if isinstance(content, dict):
            data += json.dumps(content).encode()
            expected_records.append((number, content))
        else:
            data += content
            if content:
                garbage_line_numbers.append(number)
        data += b"\r\n" if crlf else b"\n"

    items = read(data)

    records_read = [(item.line, item.fields) for item in items if isinstance(item, RawRecord)]
    malformed_lines = [item.line for item in items if isinstance(item, MalformedRecord)]
    assert records_read == expected_records
    assert malformed_lines == garbage_line_numbers


# A bare CR is left out: csv.writer does not quote it, and a CR written before the line end of a
# row reads back as part of a CRLF line end.
csv_cells = st.text(
    alphabet=st.characters(blacklist_characters="\x00\r", blacklist_categories=["Cs"]), max_size=15
)


@settings(max_examples=150, deadline=None)
@given(
    rows=st.lists(st.lists(csv_cells, min_size=3, max_size=3), max_size=15),
    line_end=st.sampled_from(["\n", "\r\n"]),
    byte_order_mark=st.booleans(),
)
def test_csv_values_and_lines_round_trip(
    rows: list[list[str]], line_end: str, byte_order_mark: bool
) -> None:
    header = ["__time__", "request_id", "error_message"]
    written = io.StringIO()
    writer = csv.writer(written, lineterminator=line_end, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    expected = []
    for row in rows:
        line = written.getvalue().count("\n") + 1
        writer.writerow(row)
        expected.append((line, dict(zip(header, row, strict=True))))
    data = ("\ufeff" if byte_order_mark else "") + written.getvalue()

    items = read(data.encode())

    assert [(item.line, item.fields) for item in items if isinstance(item, RawRecord)] == expected
    assert [item for item in items if isinstance(item, MalformedRecord)] == []
