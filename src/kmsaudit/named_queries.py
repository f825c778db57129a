"""Named DuckDB queries: the `.sql` files under `queries/`, each with a header.

A query file starts with comment lines:

    -- name: check_key_matches
    -- description: what it returns and why (continuation lines start with "--   ")
    -- parameters: target_id, window_start, window_end

Parameters are bound by name (`$target_id`), never formatted into the SQL text. Users add their
own queries in folders listed in `$KMSAUDIT_QUERY_PATH` (separated like `$PATH`); a user query
with the name of a bundled one takes its place.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import duckdb

from .errors import QueryError

QUERY_PATH_ENV_VAR = "KMSAUDIT_QUERY_PATH"
BUNDLED_QUERIES = Path(__file__).parent / "queries"

_HEADER = re.compile(r"^--\s*(name|description|parameters):\s*(.*)$")
_CONTINUATION = re.compile(r"^--\s{2,}(.*)$")


@dataclass(frozen=True, slots=True)
class NamedQuery:
    """One query file: its header fields and SQL text."""

    name: str
    description: str
    parameters: str
    sql: str
    path: Path

    def run(
        self, connection: duckdb.DuckDBPyConnection, parameters: Mapping[str, object] | None = None
    ) -> duckdb.DuckDBPyConnection:
        """Execute with named parameters; wrap DuckDB errors in `QueryError` naming the query."""
        try:
            return connection.execute(self.sql, dict(parameters or {}))
        except duckdb.Error as error:
            raise QueryError(f"query {self.name} ({self.path}) failed: {error}") from error


def parse_query(path: Path) -> NamedQuery:
    """Read a query file; raise `QueryError` when its header lacks a name or description."""
    text = path.read_text(encoding="utf-8")
    header: dict[str, str] = {}
    current: str | None = None
    for line in text.splitlines():
        match = _HEADER.match(line)
        if match:
            current = match.group(1)
            header[current] = match.group(2).strip()
            continue
        continuation = _CONTINUATION.match(line)
        if continuation and current:
            header[current] += " " + continuation.group(1).strip()
            continue
        if not line.startswith("--"):
            break
    missing = [field for field in ("name", "description") if not header.get(field)]
    if missing:
        raise QueryError(
            f"query file {path} has no '-- {missing[0]}:' header line; start the file with "
            "'-- name: NAME' and '-- description: ...'"
        )
    return NamedQuery(
        name=header["name"],
        description=header["description"],
        parameters=header.get("parameters", "none"),
        sql=text,
        path=path,
    )


def query_folders() -> list[Path]:
    """List the bundled folder first, then user folders from `$KMSAUDIT_QUERY_PATH` in order."""
    folders = [BUNDLED_QUERIES]
    for entry in os.environ.get(QUERY_PATH_ENV_VAR, "").split(os.pathsep):
        if entry:
            folders.append(Path(entry).expanduser())
    return folders


def available_queries() -> dict[str, NamedQuery]:
    """Load every named query by name. A later folder overrides an earlier one."""
    queries: dict[str, NamedQuery] = {}
    for folder in query_folders():
        for path in sorted(folder.glob("*.sql")):
            query = parse_query(path)
            queries[query.name] = query
    return queries


@cache
def bundled_query(name: str) -> NamedQuery:
    """Load a query shipped with kmsaudit. The checks rely on these, so users cannot replace them."""
    path = BUNDLED_QUERIES / f"{name}.sql"
    if not path.is_file():
        raise QueryError(f"bundled query {name} is missing from {BUNDLED_QUERIES}")
    return parse_query(path)


def load_query(name: str) -> NamedQuery:
    """Load a query by name from any query folder, or raise `QueryError` listing the known names."""
    queries = available_queries()
    if name not in queries:
        known = ", ".join(sorted(queries)) or "none"
        raise QueryError(f"no query named {name!r}; known queries: {known}")
    return queries[name]
