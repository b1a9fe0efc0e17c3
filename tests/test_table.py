"""The terminal 评分表: fitted to the terminal's width, wrapped where Chinese allows; plain lines elsewhere."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from perfdsl.cli import main
from perfdsl.report import table
from perfdsl.textwidth import NO_LINE_START, excerpt, width, wrap

ROOT = Path(__file__).resolve().parent.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")
EXAMPLE = ROOT / "examples" / "chaoan-2022.json"
#: Basis lines of the published Chao'an record that used to wrap badly at 80 columns.
BASIS = [
    "分值 6 + 2（资金下达不适用调入）= 8，部门预算支出率 = 6440687.91元 / (6400981.42元 + 197940.5元) = 97.60%，"
    "≥ 95%，得分值的 80%，8 × 80% = 6.4",
    "逾期未上缴收益笔数 = 1，每次扣 0.5，扣 0.5，3 - 0.5 = 2.5，依据：2022年9月30日收到公车报废款900元，2023年2月28日才上缴国库",
]


def terminal(chaoan, record, columns: int, monkeypatch) -> str:
    monkeypatch.setenv("COLUMNS", str(columns))
    monkeypatch.setenv("NO_COLOR", "1")
    out = io.StringIO()
    table.write(out, [(1, chaoan.evaluate(record))], chaoan.model, terminal=True)
    return out.getvalue()


@pytest.mark.parametrize("columns", [160, 100, 80, 60, 44])
def test_the_table_fits_the_terminal_and_no_line_starts_with_punctuation(chaoan, published, columns, monkeypatch):
    text = terminal(chaoan, published, columns, monkeypatch)
    lines = text.splitlines()
    assert max(width(line) for line in lines) <= columns
    assert not [line for line in lines if line.strip()[:1] in NO_LINE_START]
    assert "复核得分：89.04 / 100  良好" in lines and "自评质量：29 / 40" in lines
    flat = "".join(line.strip() for line in lines).replace(" ", "")
    for basis in BASIS:  # every basis is there whole, only broken into lines
        assert basis.replace(" ", "") in flat
    assert "6440687.91元" in text and "2022年9月30日" in text  # never split inside a figure


def test_at_80_columns_the_basis_column_sits_beside_the_scores(chaoan, published, monkeypatch):
    lines = terminal(chaoan, published, 80, monkeypatch).splitlines()
    row = next(line for line in lines if "项目完成率  " in line)
    assert row.split()[:4] == ["项目完成率", "8", "5.14", "项目完成率"]
    start = width(row[: row.index("项目完成率 =")])
    after = lines[lines.index(row) + 1]
    assert width(after) - width(after.lstrip()) == start  # a continued basis line starts under the basis column


def test_into_a_file_each_indicator_is_one_plain_line_aligned_alike_for_every_record(chaoan, tmp_path):
    record = json.loads(EXAMPLE.read_text("utf-8"))
    other = dict(record, 单位="另一个单位", 项目完成数=14)
    data = tmp_path / "batch.json"
    data.write_text(json.dumps([record, other], ensure_ascii=False), "utf-8")
    out = tmp_path / "评分表.txt"
    result = CliRunner().invoke(main, ["eval", RULESET, str(data), "-o", str(out)])
    assert result.exit_code == 0
    text = out.read_text("utf-8")
    lines = text.splitlines()
    assert "\x1b" not in text and not [line for line in lines if line != line.rstrip()]  # no padding, no styling
    assert max(width(line) for line in lines) < 250  # the longest basis on its line, nothing to ~160 columns
    headers = [line for line in lines if line.lstrip().startswith("指标")]
    assert len(headers) == 4 and headers[0] == headers[2] and headers[1] == headers[3]
    for basis in BASIS:
        assert sum(line.endswith("  " + basis) for line in lines) == 2
    assert "      项目完成率                      8     5.14  项目完成率 = 9 / 14 = 64.29%，8 × 64.29% = 5.14" in lines
    assert "      项目完成率                      8        8  项目完成率 = 14 / 14 = 100.00%，8 × 100.00% = 8" in lines


ANHUI = ROOT / "rulesets" / "anhui-2022-projects.perf"
#: The longest item name of the published Anhui record (an `each` row: named by the record, not the ruleset).
LONG_ITEM = "对推动基建项目“四项制度”健全和落实的持续性影响"


def test_an_each_groups_items_are_named_whole_in_a_file_and_on_a_narrow_terminal(tmp_path, monkeypatch):
    example = ROOT / "examples" / "anhui-2022-projects-guichi.json"
    out = tmp_path / "评分表.txt"
    assert CliRunner().invoke(main, ["eval", str(ANHUI), str(example), "-o", str(out)]).exit_code == 0
    lines = out.read_text("utf-8").splitlines()
    # into a file the name column fits the record's item names: each on its row, the figures aligned
    row = next(line for line in lines if LONG_ITEM in line)
    assert row.startswith("    " + LONG_ITEM + "    10      10  目标 效果明显")
    first = next(line for line in lines if "基建工程委托业务项目数量" in line)
    assert width(first[:first.index(" 8 ")]) == width(row[:row.index("10 ")])
    # on a terminal too narrow for it, the name goes on below its row: no character of it is dropped
    from perfdsl import loader

    program = loader.load(ANHUI)
    record = json.loads(example.read_text("utf-8"))
    monkeypatch.setenv("COLUMNS", "60")
    monkeypatch.setenv("NO_COLOR", "1")
    text = io.StringIO()
    table.write(text, [(1, program.evaluate(record))], program.model, terminal=True)
    narrow = text.getvalue().splitlines()
    at = next(i for i, line in enumerate(narrow) if "对推动基建项目" in line)
    assert narrow[at].split() == [LONG_ITEM[:-2], "10", "10"] and narrow[at + 1].strip() == "影响"
    assert max(width(line) for line in narrow) <= 60


def test_a_piped_table_is_the_plain_one(tmp_path):
    result = CliRunner().invoke(main, ["eval", RULESET, str(EXAMPLE)])
    file = tmp_path / "t.txt"
    CliRunner().invoke(main, ["eval", RULESET, str(EXAMPLE), "-o", str(file)])
    assert result.exit_code == 0 and result.stdout == file.read_text("utf-8")


def test_a_batch_table_says_each_error_once_in_its_place(tmp_path):
    record = json.loads(EXAMPLE.read_text("utf-8"))
    data = tmp_path / "batch.json"
    data.write_text(json.dumps([record, dict(record, 项目总数="十四"), record], ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(main, ["eval", RULESET, str(data)])
    assert result.exit_code == 1
    message = '记录 潮州市潮安区政务服务数据管理局，键 `项目总数`: `项目总数` 应为非负整数，得到 "十四"'
    assert result.stdout.count(message) == 1 and result.stdout.count("复核得分：89.04 / 100  良好") == 2
    assert result.stdout.index(message) < result.stdout.rindex("复核得分：89.04")  # in its place, between the others
    assert result.stderr == "1 条记录无法计分（错误见各自的位置）\n"
    single = tmp_path / "one.json"
    single.write_text(json.dumps(dict(record, 项目总数="十四"), ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(main, ["eval", RULESET, str(single)])
    assert result.exit_code == 1 and result.stdout == "" and result.stderr.count(message) == 1


def test_control_characters_from_the_data_are_shown_not_obeyed(chaoan, published, monkeypatch):
    record = dict(published, 项目监管扣分={"value": 1, "note": "\x1b[2J清屏\x07\n第二行"})
    text = terminal(chaoan, record, 200, monkeypatch)
    assert "\x1b" not in text and "\x07" not in text
    assert "评审扣 1 分：\\x1b[2J清屏\\x07 第二行，4 - 1 = 3" in text


@given(st.text(st.sampled_from(list("预算编制合理性部门支出率项目 =+-×/（）()，。；：、%0123456789.abc元")), max_size=120),
       st.integers(8, 60))
def test_wrap_keeps_every_character_and_breaks_only_where_allowed(text, columns):
    lines = wrap(text, columns)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for number, line in enumerate(lines):
        assert width(line) <= columns
        if number:
            assert line[:1] not in NO_LINE_START or width(lines[number - 1]) + width(line[:1]) > columns


def test_a_long_value_is_quoted_in_a_bounded_excerpt():
    assert excerpt("很长" * 1000, 20) == "很长很长很长很长很…"
    assert excerpt("short") == "short"
