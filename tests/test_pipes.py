"""`-` on the command line: data and rulesets from standard input score as from files; a closed pipe is quiet.

Standard input is sniffed (JSON, JSON Lines, objects one after another, CSV in UTF-8 or GB18030, a
workbook) or named with --input-format; the acceptance is that every form gives, record for record, what
the same data gives from a file.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")
EXAMPLE = ROOT / "examples" / "chaoan-2022.json"


def run(*args, input=None):
    return CliRunner().invoke(main, [str(a) for a in args], input=input, prog_name="perfdsl")


def shell(command: str, cwd=ROOT, **env):
    """A real shell pipeline (real pipes, not a test runner's stand-in), with perfdsl on its PATH."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return subprocess.run(["bash", "-c", f"set -o pipefail; {command}"], cwd=cwd, capture_output=True,
                          env={**os.environ, "PATH": path, **env})


@pytest.fixture(scope="module")
def jsonl(chaoan_batch, tmp_path_factory):
    """The 200 generated records as a JSON Lines file."""
    records = json.loads(Path(chaoan_batch["json"]).read_text("utf-8"), parse_float=Decimal)
    path = tmp_path_factory.mktemp("jsonl") / "batch.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False, default=str) + "\n" for r in records), "utf-8")
    return path


def scored(output: str) -> list:
    return [json.loads(line, parse_float=Decimal) for line in output.splitlines()]


def test_jsonl_piped_in_scores_as_from_the_file(jsonl):
    from_file = shell(f"perfdsl eval {RULESET} {jsonl} --format jsonl")
    piped = shell(f"cat {jsonl} | perfdsl eval {RULESET} - --format jsonl")
    assert from_file.returncode == piped.returncode == 0, piped.stderr.decode()
    assert len(scored(piped.stdout.decode())) == 200
    assert piped.stdout == from_file.stdout


def test_csv_redirected_in_scores_as_from_the_file_bad_rows_in_place(chaoan_batch):
    csv = chaoan_batch["csv"]
    from_file = shell(f"perfdsl eval {RULESET} {csv} --format jsonl")
    redirected = shell(f"perfdsl eval {RULESET} - --format jsonl < {csv}")
    assert from_file.returncode == redirected.returncode == 1  # the three bad rows
    assert redirected.stdout == from_file.stdout and len(scored(redirected.stdout.decode())) == 203
    assert redirected.stderr == from_file.stderr  # each bad row once, named by its row and column


def test_a_gb18030_csv_and_a_workbook_on_stdin(chaoan_batch, tmp_path):
    csv = Path(chaoan_batch["csv"])
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes(csv.read_text("utf-8-sig").encode("gb18030"))
    expected = run("eval", RULESET, csv, "--format", "jsonl").stdout
    assert run("eval", RULESET, "-", "--format", "jsonl", input=gbk.read_bytes()).stdout == expected
    from_xlsx = run("eval", RULESET, chaoan_batch["xlsx"], "--format", "jsonl")
    piped = run("eval", RULESET, "-", "--format", "jsonl", input=Path(chaoan_batch["xlsx"]).read_bytes())
    assert piped.exit_code == 1 and piped.stdout == from_xlsx.stdout


def test_one_object_on_stdin_is_one_record_and_objects_in_a_row_are_a_batch():
    text = EXAMPLE.read_text("utf-8")
    single = run("eval", RULESET, "-", "--format", "json", input=text)
    assert single.exit_code == 0
    assert json.loads(single.stdout)["scorecards"][0]["score"] == 89.04  # an object, as from the file
    assert single.stdout == run("eval", RULESET, EXAMPLE, "--format", "json").stdout
    compact = json.dumps(json.loads(text), ensure_ascii=False)  # one record on one line, as `jq -c` writes it
    assert run("eval", RULESET, "-", "--format", "json", input=compact + "\n").stdout == single.stdout
    several = run("eval", RULESET, "-", "--format", "csv", input=text + text)  # cat a.json b.json
    rows = several.stdout.splitlines()
    assert several.exit_code == 0 and len(rows) == 3 and rows[1].split(",")[2] == rows[2].split(",")[2] == "89.04"


def test_input_format_overrides_the_extension_and_the_sniffing(chaoan_batch, tmp_path):
    renamed = tmp_path / "数据.txt"
    shutil.copy(chaoan_batch["csv"], renamed)
    expected = run("eval", RULESET, chaoan_batch["csv"], "--format", "jsonl").stdout
    assert run("eval", RULESET, renamed, "--input-format", "csv", "--format", "jsonl").stdout == expected
    told = run("eval", RULESET, "-", "--input-format", "jsonl", "--format", "csv", input=EXAMPLE.read_text("utf-8"))
    assert told.exit_code == 1 and "第 1 行第 2 列不是有效的 JSON" in told.stderr  # a pretty object is not JSONL


def test_a_bad_line_is_quoted_in_a_bounded_excerpt(tmp_path):
    record = json.loads(EXAMPLE.read_text("utf-8"))
    record["_source"] = "很长的说明" * 1000  # a 5 000-character line
    line = json.dumps(record, ensure_ascii=False)
    bad = line[:-1] + ', "项目总数" 14}'
    result = run("eval", RULESET, "-", "--format", "jsonl", input=bad + "\n" + line + "\n")  # JSON Lines all the same
    assert result.exit_code == 1 and result.stderr.startswith("记录 1: 第 1 行第 ")
    result = run("eval", RULESET, "-", "--format", "jsonl", input=line + "\n" + bad + "\n")
    assert result.exit_code == 1
    message = result.stderr.strip()
    assert message.startswith(f"记录 2: 第 2 行第 {len(bad) - 2} 列不是有效的 JSON：缺少冒号 `:`（附近：…")
    assert len(message) < 120 and message.endswith("的说明\", \"项目总数\" 14}）")


def test_json_lines_on_stdin_whose_first_line_is_cut_off_or_mistyped_lose_only_that_record():
    line = json.dumps(json.loads(EXAMPLE.read_text("utf-8")), ensure_ascii=False)
    for first in (line[: len(line) // 2], "{bad", '{"单位": "甲", 项目总数: 14}'):
        result = run("eval", RULESET, "-", "--format", "csv", input="\n".join([first, line, line]) + "\n")
        rows = result.stdout.splitlines()
        assert result.exit_code == 1 and result.stderr.startswith("记录 1: 第 1 行第 ") and len(rows) == 4
        assert [row.split(",")[2] for row in rows[2:]] == ["89.04", "89.04"]
    pretty = run("eval", RULESET, "-", "--format", "csv", input="{\n" + EXAMPLE.read_text("utf-8"))
    assert pretty.exit_code == 2 and "不是有效的 JSON" in pretty.stderr  # one document, broken: no records


def test_json_lines_on_stdin_whose_first_line_is_cut_off_keep_a_line_separator_inside_a_string():
    """U+2028 and U+0085 are allowed in a JSON string, and end no JSON Lines line (`str.splitlines` broke the lines
    there: the whole input was refused, exit 2, as if it were one broken document)."""
    line = json.dumps(json.loads(EXAMPLE.read_text("utf-8")), ensure_ascii=False)
    for separator in ("\u2028", "\x85"):
        named = line.replace('"单位": "', f'"单位": "甲{separator}', 1)
        result = run("eval", RULESET, "-", "--format", "scores", input="\n".join([line[:-5], named, line]) + "\n")
        scored = [json.loads(text) for text in result.stdout.split("\n")[:-1]]
        assert result.exit_code == 1 and result.stderr.startswith("记录 1: 第 1 行第 ") and len(scored) == 3
        assert [record["scorecards"]["复核得分"]["score"] for record in scored[1:]] == [89.04, 89.04]
        assert scored[1]["record"].startswith(f"甲{separator}")


def test_a_ruleset_on_stdin_for_check_eval_and_test(tmp_path):
    text = Path(RULESET).read_text("utf-8")
    shutil.copytree(ROOT / "rulesets" / "common", tmp_path / "common")  # includes are found from the working folder
    done = subprocess.run([sys.executable, "-m", "perfdsl", "check", "-"], input=text.encode(), cwd=tmp_path,
                          capture_output=True)
    assert done.returncode == 0
    assert done.stderr.decode().endswith("<标准输入>: 0 个错误，2 个警告\n")
    done = subprocess.run([sys.executable, "-m", "perfdsl", "eval", "-", str(EXAMPLE), "--format", "csv"],
                          input=text.encode(), cwd=tmp_path, capture_output=True)
    assert done.returncode == 0 and done.stdout.decode("utf-8-sig").splitlines()[1].split(",")[2] == "89.04"
    done = subprocess.run([sys.executable, "-m", "perfdsl", "test", "-", "--max-examples", "5"], input=text.encode(),
                          cwd=tmp_path, capture_output=True, env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)})
    out = done.stdout.decode()
    assert done.returncode == 0, out
    assert out.startswith("<标准输入>\n  ✓ 示例记录 — 从标准输入读取的规则集没有示例记录：未比对公布的数字")


def test_eval_into_head_ends_quietly_with_status_0(jsonl):
    for fmt in ("table", "jsonl", "csv"):
        done = shell(f"perfdsl eval {RULESET} {jsonl} --format {fmt} | head -n 1")
        assert done.returncode == 0, (fmt, done.stderr.decode())
        assert done.stderr == b"" and len(done.stdout.decode().splitlines()) == 1
