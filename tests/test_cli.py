"""The command line: the contract of DESIGN §4–§6 — formats, batches, exit status, messages."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfdsl.cli import main
from perfdsl.testing import profiles

ROOT = Path(__file__).resolve().parent.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")
EXAMPLE = str(ROOT / "examples" / "chaoan-2022.json")


def run(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def test_eval_table_shows_totals_and_grades():
    result = run("eval", RULESET, EXAMPLE)
    assert result.exit_code == 0
    assert "复核得分：89.04 / 100  良好" in result.output
    assert "自评质量：29 / 40" in result.output
    assert "项目完成率 = 9 / 14 = 64.29%，8 × 64.29% = 5.14" in result.output
    assert "7（原 9）" in result.output  # effective and declared weight


def test_eval_json_follows_the_contract_and_the_published_figures():
    result = run("eval", RULESET, EXAMPLE, "--format", "json")
    assert result.exit_code == 0
    out = json.loads(result.output, parse_float=Decimal)
    assert "89.04" in result.output and "89.04000" not in result.output
    expected = json.loads(Path(EXAMPLE).read_text("utf-8"), parse_float=Decimal)["_expected"]
    assert out["record"] == "潮州市潮安区政务服务数据管理局"
    for card in out["scorecards"]:
        published = expected[card["name"]]
        assert Decimal(str(card["score"])) == Decimal(str(published["score"]))
        assert card["grade"] == published["grade"]
        scores = {"/".join(i["path"]): Decimal(str(i["score"])) for i in card["indicators"]}
        for path, value in published["indicators"].items():
            assert scores[path] == Decimal(str(value)), path
        for indicator in card["indicators"]:
            assert set(indicator) >= {"path", "weight", "score", "basis"}


def test_jsonl_is_one_object_per_line():
    result = run("eval", RULESET, EXAMPLE, "--format", "jsonl")
    lines = result.output.strip().split("\n")
    assert len(lines) == 1 and json.loads(lines[0])["scorecards"][0]["score"] == 89.04


def test_batch_reports_a_bad_record_in_place(tmp_path):
    good = json.loads(Path(EXAMPLE).read_text("utf-8"))
    bad = dict(good, 项目总数="十四")
    unnamed = {k: v for k, v in good.items() if k != "单位"}
    unnamed["项目完成数"] = 14
    data = tmp_path / "batch.json"
    data.write_text(json.dumps([good, bad, unnamed], ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(main, ["eval", RULESET, str(data), "--format", "json"])
    assert result.exit_code == 1
    out = json.loads(result.stdout)
    assert [item.get("record") for item in out] == ["潮州市潮安区政务服务数据管理局"] * 2 + ["（第 3 条）"]
    assert out[0]["scorecards"][0]["score"] == 89.04
    assert out[1]["error"]["key"] == "项目总数" and "非负整数" in out[1]["error"]["message"]
    assert out[2]["scorecards"][0]["score"] == 91.9  # 14/14 projects: 89.04 - 5.14 + 8
    assert "项目总数" in result.stderr


def test_output_file_and_format_from_extension(tmp_path):
    target = tmp_path / "out.json"
    result = run("eval", RULESET, EXAMPLE, "-o", str(target))
    assert result.exit_code == 0 and result.output == ""
    assert json.loads(target.read_text("utf-8"))["scorecards"][1]["score"] == 29
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary left behind


def test_sheets_is_taken_by_an_xlsx_output(tmp_path):
    """--sheets limits a workbook's 评分表 sheets; with any other output it would be read as limiting the records,
    so it is said (the run goes on: a script may pass it to every format)."""
    from openpyxl import load_workbook

    for args, fmt in ((["--sheets", "5"], "table"), (["--format", "csv", "--sheets", "100"], "csv")):
        result = CliRunner().invoke(main, ["eval", RULESET, EXAMPLE, *args])
        assert result.exit_code == 0 and "89.04" in result.stdout
        assert result.stderr == (f"注意：--sheets 只用于 xlsx 输出（-o 评分表.xlsx）；{fmt} 输出没有评分表工作表，"
                                 "每条记录都会写出\n")
    assert CliRunner().invoke(main, ["eval", RULESET, EXAMPLE]).stderr == ""

    out = tmp_path / "评分表.xlsx"
    result = CliRunner().invoke(main, ["eval", RULESET, EXAMPLE, "--sheets", "0", "-o", str(out)])
    assert result.exit_code == 0, result.stderr
    assert load_workbook(out).sheetnames == ["汇总"]


def test_scorecard_filter_and_unknown_name():
    result = run("eval", RULESET, EXAMPLE, "--format", "json", "--scorecard", "自评质量")
    assert [c["name"] for c in json.loads(result.output)["scorecards"]] == ["自评质量"]
    result = CliRunner().invoke(main, ["eval", RULESET, EXAMPLE, "--scorecard", "自评质"])
    assert result.exit_code == 2 and "是否为 `自评质量`" in result.stderr


@pytest.mark.parametrize("args,code,needle", [
    (["eval", "nope.perf", EXAMPLE], 2, "nope.perf: 文件不存在"),
    (["eval", RULESET, "nope.json"], 2, "nope.json: 文件不存在"),
    (["eval", RULESET, RULESET], 2, "不支持的数据文件格式 `.perf`"),
    (["eval", RULESET, EXAMPLE, "-o", "out.weird"], 2, "无法从 `out.weird` 的扩展名判断输出格式"),
    (["eval"], 2, "缺少参数 '规则集'"),
])
def test_usage_errors_exit_2(args, code, needle):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == code
    assert needle in result.stderr + result.output


def test_bad_json_is_located(tmp_path):
    data = tmp_path / "bad.json"
    data.write_text('{\n  "单位": "x",\n  "项目总数": 14,\n}\n', "utf-8")
    result = CliRunner().invoke(main, ["eval", RULESET, str(data)])
    assert result.exit_code == 2
    assert f"{data}:4:1: error: 不是有效的 JSON：键须用双引号括起（或多了一个逗号）" in result.stderr


def test_ruleset_syntax_error_exit_2_and_check_error_exit_1(tmp_path):
    shutil.copytree(ROOT / "rulesets" / "common", tmp_path / "common")  # the library it includes
    broken = tmp_path / "broken.perf"
    written = "input 有转移支付: bool = false"  # (input 单位 is the Guangdong framework's now)
    broken.write_text(Path(RULESET).read_text("utf-8").replace(written, written.replace(":", "：")), "utf-8")
    result = CliRunner().invoke(main, ["eval", str(broken), EXAMPLE])
    assert result.exit_code == 2
    line = Path(RULESET).read_text("utf-8").splitlines().index(written) + 1
    assert f"{broken}:{line}:12: error[P102]: 全角符号 `：`" in result.stderr
    heavier = tmp_path / "heavier.perf"
    heavier.write_text(Path(RULESET).read_text("utf-8").replace("indicator 项目完成率 8 {", "indicator 项目完成率 9 {"),
                       "utf-8")
    for command in ("eval", "check"):
        args = [command, str(heavier)] + ([EXAMPLE] if command == "eval" else [])
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 1
        assert "分组 效率性 的分值为 14，但下级指标合计 6 + 9 = 15" in result.stderr


def test_check_clean_ruleset_and_json_diagnostics(tmp_path):
    result = CliRunner().invoke(main, ["check", RULESET])
    assert result.exit_code == 0
    # 年度 is declared informational: kept for the record, not reported unused (P210)
    assert "P210" not in result.stderr
    assert result.stderr.startswith(f"{RULESET}:214:9: warning[P410]: 指标 年度重点工作完成率 的比率")
    assert result.stderr.endswith(f"{RULESET}: 0 个错误，2 个警告\n")  # two P410, tests/test_checks.py
    broken = tmp_path / "b.perf"
    broken.write_text('ruleset "t" {}\nscorecard 卡 max 2 { group 组 2 { indicator 甲 1 { score 未知 } } }\n', "utf-8")
    result = CliRunner().invoke(main, ["check", "--format", "json", str(broken)])
    assert result.exit_code == 1
    diagnostics = json.loads(result.stdout)
    assert {(d["code"], d["line"]) for d in diagnostics} == {("P201", 2), ("P310", 2)}


def test_console_script_runs_without_traceback(tmp_path):
    data = tmp_path / "r.json"
    data.write_text('{"单位": "x", "项目总数": "abc"}', "utf-8")
    done = subprocess.run([sys.executable, "-m", "perfdsl", "eval", RULESET, str(data)], capture_output=True,
                          text=True, cwd=ROOT)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert "记录 x，键 `项目总数`" in done.stderr


def test_json_takes_the_value_forms_and_note_keys_a_sheet_takes(tmp_path):
    record = json.loads(Path(EXAMPLE).read_text("utf-8"))
    assert record["已完成资产盘点"] is True and record["有转移支付"] is False
    forms = dict(record, 已完成资产盘点="是", 有转移支付="否", 项目总数="14", 项目监管扣分=1,
                 项目监管扣分备注="未提供项目实施过程中的检查、督促佐证资料")
    data = tmp_path / "forms.json"
    data.write_text(json.dumps(forms, ensure_ascii=False), "utf-8")
    result = run("eval", RULESET, str(data), "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == run("eval", RULESET, EXAMPLE, "--format", "json").stdout  # 89.04, every basis alike
    twice = dict(record, 项目监管扣分备注="又一条")  # the value is annotated already: its note is written once
    data.write_text(json.dumps(twice, ensure_ascii=False), "utf-8")
    result = run("eval", RULESET, str(data))
    assert result.exit_code == 1 and "`项目监管扣分` 已带注释（note），不能再写 `项目监管扣分备注`" in result.stderr


def test_a_record_with_a_blank_name_is_named_by_its_position(tmp_path):
    record = json.loads(Path(EXAMPLE).read_text("utf-8"))
    data = tmp_path / "batch.json"
    data.write_text(json.dumps([record, dict(record, 单位="  "), dict(record, 单位=None)], ensure_ascii=False), "utf-8")
    out = json.loads(run("eval", RULESET, str(data), "--format", "json").stdout)
    assert [item["record"] for item in out] == ["潮州市潮安区政务服务数据管理局", "（第 2 条）", "（第 3 条）"]
    table = run("eval", RULESET, str(data)).stdout
    assert "潮安区2022年部门整体支出绩效自评复核 · （第 2 条）\n" in table
    bad = dict(record, 单位="", 项目总数="十四")
    data.write_text(json.dumps([record, bad], ensure_ascii=False), "utf-8")
    assert '记录（第 2 条），键 `项目总数`: `项目总数` 应为非负整数，得到 "十四"' in run("eval", RULESET, str(data)).stdout


def test_perfdsl_test_names_its_examples_fails_without_and_keeps_hypothesis_out_of_the_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("HYPOTHESIS_STORAGE_DIRECTORY", raising=False)
    monkeypatch.delenv("PERFDSL_CACHE_DIR", raising=False)
    shutil.copytree(ROOT / "rulesets" / "common", tmp_path / "rulesets" / "common")
    shutil.copy(RULESET, tmp_path / "rulesets" / "chaoan-2022.perf")
    lonely = run("test", "rulesets/chaoan-2022.perf", "--max-examples", "5", "--profile", "dev")
    assert lonely.exit_code == 1
    assert "  ✗ 示例记录 — 没有示例记录，无法证明规则集能重现公布的分数" in lonely.stdout
    assert "在 examples/、rulesets/examples/ 中放入 chaoan-2022.json" in lonely.stdout
    (tmp_path / "examples").mkdir()
    shutil.copy(EXAMPLE, tmp_path / "examples")
    done = run("test", "rulesets/chaoan-2022.perf", "--max-examples", "30", "--seed", "1")
    assert done.exit_code == 0, done.stdout
    assert done.stdout.startswith("rulesets/chaoan-2022.perf\n  示例记录：examples/chaoan-2022.json\n")
    assert done.stdout.rstrip().endswith("通过 14 项，失败 0 项")
    assert not (tmp_path / ".hypothesis").exists()
    assert list(tmp_path.rglob(".hypothesis")) == []  # whatever hypothesis keeps goes to the user's cache
    assert profiles.storage() == tmp_path / "cache" / "perfdsl" / "hypothesis"
