"""Honest templates: each column's hint row says what it holds, and a sheet filled as it says reads back right.

For every shipped ruleset and each of its example records: `perfdsl template` writes the sheet
(CSV and xlsx); a department fills row 3 (and the rows after it, one list item a row) doing
exactly what row 2 says — amounts as numbers in the unit the hint names, rates as percentages,
是/否, an assessor's 得分 or 扣分 as the hint says which, notes beside judgements — and
`perfdsl eval` reads it back to every published figure.  A value outside the range its hint
states is an error naming its row and column.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import tables
from click.testing import CliRunner

from perfdsl import load, read_record
from perfdsl.cli import main
from perfdsl.decimals import MONEY_UNITS, plain
from perfdsl.runtime import MISSING
from perfdsl.template import columns, instructions
from perfdsl.testing.examples import compare

ROOT = Path(__file__).resolve().parent.parent
RULESETS = sorted((ROOT / "rulesets").glob("*.perf"), key=lambda p: -len(p.stem))
EXAMPLES = sorted((ROOT / "examples").glob("*.json"))


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def _ruleset_of(example: Path) -> Path:
    return next(path for path in RULESETS if example.stem.startswith(path.stem))


def _cell(hint: str, value, workbook: bool, unit: str | None):
    """A value as a person following `hint` types it (None: left blank)."""
    if value is None or value is MISSING:
        return None
    if hint.startswith("是/否"):
        return "是" if value else "否"
    if hint.startswith("比率"):
        return tables.Percent(value) if workbook else f"{plain(value * 100)}%"
    if hint.startswith("金额"):
        assert unit in hint  # the hint names the unit the number is in
        value = value / MONEY_UNITS[unit]
    if isinstance(value, Decimal):
        return (int(value) if value == value.to_integral_value() else float(value)) if workbook else plain(value)
    return value


def _filled_rows(program, record: dict, layout, workbook: bool) -> list[list]:
    """Row 3 on: the record's values as the hints say (its list items one a row, the first beside the rest)."""
    converted = program.convert(record)
    lists = {column.item_of for column in layout if column.item_of}
    count = max([len(converted.values[name]) for name in lists] + [1])
    rows = [[None] * len(layout) for _ in range(count)]
    for index, column in enumerate(layout):
        if column.item_of is not None:
            spec = program.model.input(column.item_of)
            for number, item in enumerate(converted.values[column.item_of]):
                field = column.spec
                rows[number][index] = _cell(column.hint, item[field.slot], workbook, field.type.unit)
        elif column.spec is None:  # a judgement's note
            rows[0][index] = converted.notes.get(column.header[: -len("备注")])
        elif column.spec.name in record or column.spec.default is None:
            spec = column.spec
            rows[0][index] = _cell(column.hint, converted.values[spec.name], workbook, spec.type.unit)
    return rows


@pytest.mark.parametrize("extension", [".csv", ".xlsx"])
@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_a_template_filled_as_its_hints_say_reads_back_to_the_published_figures(example, extension, tmp_path):
    ruleset = _ruleset_of(example)
    program = load(ruleset)
    record = read_record(example)
    target = tmp_path / f"数据{extension}"
    assert run("template", ruleset, "-o", target).exit_code == 0
    layout = columns(program.model)
    if extension == ".csv":
        with open(target, encoding="utf-8-sig", newline="") as handle:
            header, hints = list(csv.reader(handle))
    else:
        sheet = openpyxl.load_workbook(target)["数据"]
        header, hints = ([cell.value for cell in sheet[n]] for n in (1, 2))
    assert header == [column.header for column in layout] and hints == [column.hint for column in layout]
    rows = _filled_rows(program, record, layout, workbook=extension == ".xlsx")
    (tables.write_xlsx if extension == ".xlsx" else tables.write_csv)(target, header, hints, rows)

    result = run("eval", ruleset, target, "--format", "json")
    assert result.exit_code == 0, result.output
    assert "warnings" not in result.stdout and result.stderr == ""
    read_back, = json.loads(result.stdout, parse_float=Decimal)
    expected = program.evaluate(record)
    compared, problems = compare(expected, record["_expected"])
    assert compared > 0 and problems == []  # the example itself gives the published figures …
    assert _figures(read_back) == _figures(json.loads(_json(expected), parse_float=Decimal))  # … and so does the sheet


def _json(result) -> str:
    from perfdsl.report.jsonout import dumps

    return dumps(result.to_json())


def _figures(out: dict) -> list:
    """Every scorecard's total and grade and every indicator's path, weights and score (the basis aside:
    notes the template has no column for, and amounts shown in the unit they were written in, differ)."""
    return [(card["name"], card["score"], card["grade"],
             [(i["path"], i["weight"], i["declared"], i["score"]) for i in card["indicators"]])
            for card in out["scorecards"]]


def test_a_judged_score_and_a_judged_deduction_say_which_with_their_range():
    hints = {c.header: c.hint for c in columns(load(ROOT / "rulesets" / "yaan-2020.perf").model)}
    assert hints["目标制定得分"] == "得分（0–10）" and hints["目标制定得分备注"] == "备注（评分理由）"
    hints = {c.header: c.hint for c in columns(load(ROOT / "rulesets" / "chaoan-2022.perf").model)}
    assert hints["财务合规性扣分"] == "扣分（0–4，默认 0）" and hints["财务合规性扣分备注"] == "备注（扣分理由）"
    # 绩效目标合理性 receives 1 point when 提前下达率 does not apply: the deduction may then be up to 6
    assert hints["绩效目标合理性扣分"] == "扣分（0–5，分值调入后最多 6，默认 0）"
    assert hints["预算收入决算数"] == "金额（元）"
    hints = {c.header: c.hint for c in columns(load(ROOT / "rulesets" / "baoshan-2021.perf").model)}
    assert hints["本年三公经费"] == "金额（万元）"


def _explained(ruleset: str) -> dict:
    rows = instructions(load(ROOT / "rulesets" / ruleset).model)
    lines = [row[0] for row in rows[rows.index(["各类列怎么填："]) + 1:]]
    return {line[1:line.index("】")]: line[line.index("】") + 1:] for line in lines}


def test_the_explanation_sheet_explains_every_kind_of_column_the_template_has():
    assert list(_explained("yaan-2020-projects.perf")) == ["文本", "比率", "金额（万元）", "列表"]
    explained = _explained("yaan-2020.perf")
    assert "得分" in explained and "扣分" not in explained and "不是扣分" in explained["得分"]
    assert explained["比率"] == "百分数（如 97.6%），或小数（如 0.976）；不要只写 97.6。例：97.6%"


def test_a_value_outside_its_hinted_range_is_an_error_naming_row_and_column(tmp_path):
    ruleset = ROOT / "rulesets" / "yaan-2020.perf"
    program = load(ruleset)
    record = read_record(ROOT / "examples" / "yaan-2020.json")
    layout = columns(program.model)
    rows = _filled_rows(program, record, layout, workbook=False)
    header = [column.header for column in layout]
    rows[0][header.index("目标制定得分")] = "12"  # above its 0–10
    rows[0][header.index("目标完成得分")] = "-1"
    target = tmp_path / "数据.csv"
    tables.write_csv(target, header, [column.hint for column in layout], rows)
    result = run("eval", ruleset, target, "--format", "json")
    assert result.exit_code == 1
    message = json.loads(result.stdout)[0]["error"]["message"]
    first = tables.letter(header, "目标制定得分")
    second = tables.letter(header, "目标完成得分")
    assert f"`目标完成得分` 评审分不能为负，得到 -1（第 3 行 {second} 列）" in message
    assert f"为 12，超过指标的分值 10（第 3 行 {first} 列）" in message


def test_xlsx_template_checks_judgements_and_counts_as_they_are_typed(tmp_path):
    target = tmp_path / "数据.xlsx"
    assert run("template", ROOT / "rulesets" / "chaoan-2022.perf", "-o", target).exit_code == 0
    sheet = openpyxl.load_workbook(target)["数据"]
    header = [cell.value for cell in sheet[1]]
    rules = {str(v.sqref).split(":")[0].rstrip("0123456789"): v for v in sheet.data_validations.dataValidation}
    judged = rules[tables.letter(header, "财务合规性扣分")]
    assert (judged.type, judged.formula1, judged.formula2) == ("decimal", "0", "4")
    assert rules[tables.letter(header, "项目总数")].type == "whole"
