"""Golden files: parse trees, the exact text of every kind of ruleset diagnostic, and `fmt` output.

``pytest --update-goldens`` rewrites the expected files; review the diff.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from perfdsl import diagnose
from perfdsl.formatter import format_text
from perfdsl.nodes import dump
from perfdsl.parser import parse

GOLDEN = Path(__file__).parent / "golden"
PARSE_CASES = sorted((GOLDEN / "parse").glob("*.perf"))
ERROR_CASES = sorted((GOLDEN / "errors").glob("*.perf"))
FMT_CASES = sorted((GOLDEN / "fmt").glob("*.perf"))


def _compare(path: Path, actual: str, update: bool):
    if update or not path.exists():
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", PARSE_CASES, ids=[c.stem for c in PARSE_CASES])
def test_parse_tree(case, request):
    tree = parse(case.read_text(encoding="utf-8"), case.name)
    _compare(case.with_suffix(".ast"), dump(tree) + "\n", request.config.getoption("--update-goldens"))


@pytest.mark.parametrize("case", ERROR_CASES, ids=[c.stem for c in ERROR_CASES])
def test_diagnostics(case, request, monkeypatch):
    monkeypatch.chdir(GOLDEN.parent)  # paths in the messages are relative to tests/, and so are includes
    _, diagnostics = diagnose(case.read_text(encoding="utf-8"), f"golden/errors/{case.name}")
    assert diagnostics, "each case must produce a diagnostic"
    text = "\n".join(d.render() for d in diagnostics) + "\n"
    _compare(case.with_suffix(".err"), text, request.config.getoption("--update-goldens"))


@pytest.mark.parametrize("case", FMT_CASES, ids=[c.stem for c in FMT_CASES])
def test_formatted(case, request):
    formatted = format_text(case.read_text(encoding="utf-8"), case.name)
    _compare(case.with_suffix(".fmt"), formatted, request.config.getoption("--update-goldens"))
