"""A data file that is a named pipe (`mkfifo`, or bash's `<(…)`) can be read only once: it is scored exactly as
the same bytes in a regular file, in every input format and with workers, and never hangs or loses records."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests import tables

ROOT = Path(__file__).resolve().parent.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")


def _records(count):
    record = json.loads((ROOT / "examples" / "chaoan-2022.json").read_text(encoding="utf-8"))
    record = {key: value for key, value in record.items() if not key.startswith("_")}
    for index in range(count):
        yield dict(record, 单位=f"单位{index}")


def _eval(data, *options):
    done = subprocess.run([sys.executable, "-m", "perfdsl", "eval", RULESET, str(data), *options],
                          capture_output=True, timeout=120, cwd=ROOT)
    return done.returncode, done.stdout, done.stderr.decode("utf-8")


def _through_pipe(tmp_path, content: bytes, suffix, *options):
    """`perfdsl eval` of `content` written into a named pipe while it reads it."""
    pipe = tmp_path / f"pipe{suffix}"
    os.mkfifo(pipe)

    def feed():
        with open(pipe, "wb") as handle:  # blocks until perfdsl opens the pipe for reading
            try:
                handle.write(content)
            except BrokenPipeError:
                pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    try:
        return _eval(pipe, *options)
    finally:
        writer.join(timeout=5)


@pytest.mark.parametrize("options", [(), ("--jobs", "1"), ("--jobs", "2")])
def test_json_lines_from_a_pipe_are_scored_like_the_file(tmp_path, options):
    lines = "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in _records(40))
    regular = tmp_path / "data.jsonl"
    regular.write_text(lines, encoding="utf-8")
    expected = _eval(regular, "--format", "csv", *options)
    assert expected[0] == 0
    assert expected[1].decode("utf-8-sig").count("\n") == 41  # the header and every record
    assert _through_pipe(tmp_path, lines.encode("utf-8"), ".jsonl", "--format", "csv", *options) == expected


def test_an_empty_pipe_says_there_is_no_record(tmp_path):
    code, out, err = _through_pipe(tmp_path, b"", ".jsonl")
    assert (code, out) == (2, b"")
    assert err.strip().endswith("没有可以计分的记录：没有一行记录")


def test_a_json_document_from_a_pipe(tmp_path):
    record = next(_records(1))
    code, out, err = _through_pipe(tmp_path, json.dumps(record, ensure_ascii=False).encode("utf-8"), ".json",
                                   "--format", "scores")
    assert (code, err) == (0, "")
    assert json.loads(out)["scorecards"]["复核得分"]["score"] == 89.04


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_a_table_from_a_pipe(tmp_path, suffix):
    records = list(_records(3))
    head = list(records[0])
    rows = [[value["value"] if isinstance(value, dict) else value for value in record.values()] for record in records]
    table = tmp_path / f"table{suffix}"
    (tables.write_xlsx if suffix == ".xlsx" else tables.write_csv)(table, head, None, rows)
    expected = _eval(table, "--format", "csv")
    assert expected[0] == 0
    assert expected[1].decode("utf-8-sig").count("89.04") == 3
    assert _through_pipe(tmp_path, table.read_bytes(), suffix, "--format", "csv") == expected


def test_a_workbook_from_a_pipe_or_standard_input_is_read_into_memory_only_up_to_the_bound(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from perfdsl import limits
    from perfdsl.cli import main

    records = list(_records(2))
    head = list(records[0])
    rows = [[value["value"] if isinstance(value, dict) else value for value in record.values()] for record in records]
    table = tmp_path / "table.xlsx"
    tables.write_xlsx(table, head, None, rows)
    content = table.read_bytes()
    monkeypatch.setattr(limits, "WORKBOOK_BYTES", len(content) - 1)
    done = CliRunner().invoke(main, ["eval", RULESET, "-", "--format", "csv"], input=content)
    assert done.exit_code == 2 and isinstance(done.exception, SystemExit)
    assert f"工作簿超过 {limits.shown_bytes(len(content) - 1)}" in done.output and "Traceback" not in done.output
    monkeypatch.setattr(limits, "WORKBOOK_BYTES", 100 * len(content))  # its parts unzipped are bounded by it too
    done = CliRunner().invoke(main, ["eval", RULESET, "-", "--format", "csv"], input=content)
    assert done.exit_code == 0 and done.output.count("89.04") == 2
