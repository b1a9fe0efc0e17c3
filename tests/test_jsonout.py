"""The fast JSON writer writes the §5 document byte for byte as `dumps` of its dicts does; ``--no-basis``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfdsl import load
from perfdsl.cli import main
from perfdsl.datafiles import read
from perfdsl.errors import RecordError
from perfdsl.isolation import scored
from perfdsl.report import jsonout

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_eval import make_records  # noqa: E402

PAIRS = [("chaoan-2022", "chaoan-2022"), ("baoshan-2021", "baoshan-2021"), ("meijiang-2023", "meijiang-2023"),
         ("yaan-2020", "yaan-2020"), ("zhanjiang-2021", "zhanjiang-2021"),
         ("yaan-2020-projects", "yaan-2020-projects-cloud"),
         # scorecard rules' `adjustments` and a capped total; Chao'an above carries `information` (年度)
         ("national-2020-projects", "national-2020-projects-capped"),
         ("national-2020-projects", "national-2020-projects-renovation")]


def _results(ruleset, data):
    program = load(str(ROOT / "rulesets" / f"{ruleset}.perf"))
    return program, list(scored(program, read(str(data), program.model)))


@pytest.mark.parametrize("ruleset,example", PAIRS)
@pytest.mark.parametrize("indent", [None, 2])
@pytest.mark.parametrize("basis", [True, False])
def test_the_fast_writer_is_dumps_of_the_dicts(ruleset, example, indent, basis):
    _, results = _results(ruleset, ROOT / "examples" / f"{example}.json")
    assert results
    for _, item in results:
        expected = jsonout.dumps(jsonout.result_json(item, None, basis), indent)
        assert jsonout.record_text(item, None, indent, basis) == expected
        assert ('"basis": ' in expected) == (basis and not isinstance(item, RecordError))
    if ruleset == "chaoan-2022":
        assert '"information": {"年度": "2022"}' in jsonout.record_text(results[0][1], None, None, basis)
    if ruleset == "national-2020-projects":
        assert '"adjustments": [' in jsonout.record_text(results[0][1], None, None, basis)


def test_the_fast_writer_on_varied_records_errors_warnings_and_a_scorecard_filter(tmp_path):
    records = make_records(300, seed=13)
    records[5]["项目总数"] = "十四"  # a record error, in its place
    records[7]["上年末存量资金"] = "1.25"  # 元 where the others say 万元: warned
    data = tmp_path / "batch.json"
    data.write_text(jsonout.dumps(records), "utf-8")
    _, results = _results("chaoan-2022", data)
    assert isinstance(results[5][1], RecordError)
    assert results[7][1].warnings
    for _, item in results:
        for cards in (None, {"复核得分"}, {"没有"}):
            for indent in (None, 2):
                assert jsonout.record_text(item, cards, indent) == jsonout.dumps(jsonout.result_json(item, cards), indent)


def test_scalars_are_written_as_json_dumps_writes_them():
    from decimal import Decimal

    for value in ["引号\"、反斜杠\\、换行\n、\x00\u2028", "", True, False, None, 0, -7, 10**30]:
        assert jsonout.dumps(value) == json.dumps(value, ensure_ascii=False)
    assert jsonout.dumps([Decimal("6.40"), Decimal("1E+2"), Decimal("-0"), Decimal("0.000")]) == "[6.4, 100, 0, 0]"
    assert jsonout.dumps({"a": [], "b": {}, "c": [1, {"d": Decimal("89.04")}]}, None) == \
        '{"a": [], "b": {}, "c": [1, {"d": 89.04}]}'


def test_no_basis_leaves_out_the_basis_key_and_nothing_else(tmp_path):
    data = tmp_path / "batch.jsonl"
    data.write_text("".join(jsonout.dumps(r, None) + "\n" for r in make_records(20, seed=3)), "utf-8")
    ruleset = str(ROOT / "rulesets" / "chaoan-2022.perf")
    full = CliRunner().invoke(main, ["eval", ruleset, str(data), "--format", "jsonl"])
    bare = CliRunner().invoke(main, ["eval", ruleset, str(data), "--format", "jsonl", "--no-basis"])
    assert full.exit_code == bare.exit_code == 0
    full_lines = [json.loads(line) for line in full.stdout.splitlines()]
    bare_lines = [json.loads(line) for line in bare.stdout.splitlines()]
    assert len(bare_lines) == 20
    for record in full_lines:
        for card in record["scorecards"]:
            for node in card["indicators"]:
                assert node.pop("basis")
    assert bare_lines == full_lines
    assert '"basis"' not in bare.stdout


def test_no_basis_is_refused_for_a_scoresheet():
    ruleset = str(ROOT / "rulesets" / "chaoan-2022.perf")
    out = CliRunner().invoke(main, ["eval", ruleset, str(ROOT / "examples" / "chaoan-2022.json"), "--format", "md",
                                    "--no-basis"])
    assert out.exit_code == 2
    assert "--no-basis 只用于 json、jsonl 和 csv" in out.stderr
