"""The README cannot drift: its commands are CI's, and its example outputs are real."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

import kmsaudit.cli
from kmsaudit import Store, ingest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
_OUTPUT_BLOCK = re.compile(r"<!-- output: (?P<args>.+?) -->\n```\n(?P<text>.*?)\n```", re.DOTALL)


@pytest.fixture(scope="module")
def sample_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("readme") / "store"
    with Store.create(path) as store:
        ingest(store, [ROOT / "sample_logs"])
    return path


def test_readme_test_command_is_ci() -> None:
    ci_lines = (ROOT / ".ci" / "run").read_text().splitlines()
    command = next(line for line in ci_lines if line.startswith("python3 -m venv"))
    assert command in README.splitlines()


def test_readme_has_output_examples() -> None:
    assert len(_OUTPUT_BLOCK.findall(README)) == 3


@pytest.mark.parametrize(
    "args, expected",
    [(m.group("args"), m.group("text")) for m in _OUTPUT_BLOCK.finditer(README)],
)
def test_readme_output_is_real(
    sample_store: Path, monkeypatch: pytest.MonkeyPatch, args: str, expected: str
) -> None:
    monkeypatch.setattr(kmsaudit.cli, "stderr", Console(stderr=True, width=100, no_color=True))
    result = CliRunner().invoke(
        kmsaudit.cli.app, ["--store", str(sample_store), *shlex.split(args)]
    )
    actual = [line.rstrip() for line in result.stderr.strip("\n").splitlines()]
    assert actual == [line.rstrip() for line in expected.splitlines()]
