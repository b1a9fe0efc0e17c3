"""CSV and Excel data files: the template, the round trip back to the published figures, batches, bad files."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import tables
from click.testing import CliRunner

from perfdsl import datafiles, read_record
from perfdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")
EXAMPLE = ROOT / "examples" / "chaoan-2022.json"
D = Decimal


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


# ── the template ────────────────────────────────────────────────────────────


def test_template_columns_and_chinese_hints():
    result = run("template", RULESET)
    assert result.exit_code == 0
    header, hints = list(csv.reader(result.stdout.splitlines()))
    hint = dict(zip(header, hints))
    assert header[0] == "单位" and hint["单位"] == "文本（记录名称）"
    # declaration order, a base's first: the Guangdong framework's 结转结余率 inputs, then Chao'an's own
    assert header[1:5] == ["年初财政拨款结转和结余", "一般公共预算财政拨款决算数", "政府性基金预算财政拨款决算数",
                           "年末财政拨款结转和结余"]
    assert header[5:8] == ["年度", "有转移支付", "预算编制符合职责"]
    assert hint["有转移支付"] == "是/否（默认 否）" and hint["预算编制符合职责"] == "是/否"
    assert hint["预算收入决算数"] == "金额（元）"
    assert hint["采购意向公开率"] == "比率（如 97.6%，≥ 0%）"  # the declared range is shown
    assert hint["固定资产总额"] == "金额（元，≥ 0元）"
    assert hint["项目总数"] == "计数" and hint["表彰次数"] == "计数（默认 0）" and hint["自评得分"] == "数值"
    # every judgement (manual) input is followed by its note column
    at = header.index("绩效目标合理性扣分")
    assert header[at + 1] == "绩效目标合理性扣分备注" and hint["绩效目标合理性扣分"] == "扣分（0–5，分值调入后最多 6，默认 0）"
    assert hint["材料报送规范性扣分"] == "扣分（0–3，默认 0）" and hint["材料报送规范性扣分备注"] == "备注（扣分理由）"
    assert sum(name.endswith("扣分备注") for name in header) == 11 and len(header) == 54 + 11


def test_xlsx_template_has_dropdowns_formats_and_frozen_headers(tmp_path):
    target = tmp_path / "data.xlsx"
    assert run("template", RULESET, "-o", target).exit_code == 0
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["数据", "说明"]
    sheet = book["数据"]
    header = [cell.value for cell in sheet[1]]
    letter = {name: cell.column_letter for name, cell in zip(header, sheet[1])}
    assert sheet.freeze_panes == "B3"
    assert sheet[f"{letter['预算收入决算数']}2"].value == "金额（元）"
    validation, = [v for v in sheet.data_validations.dataValidation if v.type == "list"]
    assert validation.formula1 == '"是,否"'
    covered = {str(ref).split(":")[0].rstrip("0123456789") for ref in validation.sqref.ranges}
    assert covered == {letter[name] for name in header if name in (
        "有转移支付", "预算编制符合职责", "预算分配合理无沉淀", "专项资金编制细化", "分类编制准确无频繁调剂",
        "预算分配不固化", "已完成资产盘点", "三公经费未超预算", "无超标准开支")}
    assert sheet.column_dimensions[letter["采购意向公开率"]].number_format == "0.00%"
    assert sheet.column_dimensions[letter["单位"]].number_format == "@"


def _fill_template(path: Path, record: dict):
    """Fill row 3 of a template (keeping its hint row) as a department would, notes beside their values."""
    def value_of(name):
        value = record.get(name)
        return value["value"] if isinstance(value, dict) else value

    def note_of(name):
        value = record.get(name)
        return value["note"] if isinstance(value, dict) else None

    if path.suffix == ".csv":
        with open(path, encoding="utf-8-sig") as handle:
            header, hints = list(csv.reader(handle))
        header.append("逾期未上缴收益笔数备注")  # any input may carry a note
        hints.append("备注")
        row = [note_of(name[:-2]) if name.endswith("备注") else value_of(name) for name in header]
        row = ["" if v is None else ("是" if v is True else "否" if v is False else str(v)) for v in row]
        tables.write_csv(path, header, hints, [row])
        return
    book = openpyxl.load_workbook(path)
    sheet = book["数据"]
    header = [cell.value for cell in sheet[1]] + ["逾期未上缴收益笔数备注"]
    sheet.cell(1, len(header), header[-1])
    for column, name in enumerate(header, start=1):
        value = note_of(name[:-2]) if name.endswith("备注") else value_of(name)
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        if isinstance(value, str) and value.endswith("%"):  # typed as 100% into a percent-formatted cell
            value = float(D(value[:-1]) / 100)
        sheet.cell(3, column, value)
    book.save(path)


@pytest.mark.parametrize("extension", [".xlsx", ".csv"])
def test_template_filled_with_the_chaoan_record_scores_the_published_figures(tmp_path, extension):
    data = tmp_path / f"data{extension}"
    assert run("template", RULESET, "-o", data).exit_code == 0
    record = read_record(EXAMPLE)
    _fill_template(data, record)
    result = run("eval", RULESET, data, "--format", "json")
    assert result.exit_code == 0, result.output
    out, = json.loads(result.stdout, parse_float=D)
    assert out["record"] == "潮州市潮安区政务服务数据管理局"
    published = record["_expected"]
    for card in out["scorecards"]:
        assert (card["score"], card["grade"]) == (D(str(published[card["name"]]["score"])),
                                                  published[card["name"]]["grade"])
        scores = {"/".join(item["path"]): item for item in card["indicators"]}
        for path, score in published[card["name"]]["indicators"].items():
            assert scores[path]["score"] == D(str(score)), path
    basis = {"/".join(i["path"]): i["basis"] for i in out["scorecards"][0]["indicators"]}
    assert basis["预算执行情况/项目管理/项目监管"] == "评审扣 1 分：未提供项目实施过程中的检查、督促佐证资料，4 - 1 = 3"
    assert basis["预算执行情况/资产管理/资产收益上缴及时性"].endswith(
        "依据：2022年9月30日收到公车报废款900元，2023年2月28日才上缴国库")
    assert basis["预算使用效益/效率性/项目完成率"] == "项目完成率 = 9 / 14 = 64.29%，8 × 64.29% = 5.14"


# ── batches ─────────────────────────────────────────────────────────────────


def _totals(items) -> dict:
    return {item["record"]: [(c["name"], c["score"], c["grade"]) for c in item["scorecards"]]
            for item in items if "error" not in item}


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_200_records_from_a_table_score_exactly_as_from_json_and_bad_rows_stay_in_place(chaoan_batch, kind):
    reference = run("eval", RULESET, chaoan_batch["json"], "--format", "jsonl")
    assert reference.exit_code == 0
    expected = _totals(json.loads(line, parse_float=D) for line in reference.stdout.splitlines())
    assert len(expected) == 200

    result = run("eval", RULESET, chaoan_batch[kind], "--format", "jsonl")
    assert result.exit_code == 1
    items = [json.loads(line, parse_float=D) for line in result.stdout.splitlines()]
    assert len(items) == 203
    assert _totals(items) == expected  # every scorecard's total and grade, exactly
    errors = {position: item for position, item in enumerate(items, start=1) if "error" in item}
    assert sorted(errors) == sorted(tables.BAD_ROWS)
    assert errors[11] == {"record": "坏行11", "error": {
        "message": '`项目总数` 应为非负整数，得到 "十四"（第 13 行 AH 列）', "key": "项目总数"}}
    assert errors[102]["error"] == {
        "message": '`已完成资产盘点` 应为是 或 否（也可写 TRUE/FALSE、1/0），得到 "也许"（第 104 行 Y 列）',
        "key": "已完成资产盘点"}
    stray = "比表头多 2 个单元格（数字中的千位逗号须加引号？）" if kind == "csv" else "有值，但这一列没有表头"
    assert errors[153] == {"record": "坏行153", "error": {"message": f"第 155 行 BO 列{stray}", "key": None}}
    # each bad row is reported once on stderr, in order
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == [
        "记录 坏行11，键 `项目总数`", "记录 坏行102，键 `已完成资产盘点`", "记录 坏行153"]


def test_csv_from_excel_in_gb18030_reads_like_utf8(chaoan_batch, tmp_path):
    text = chaoan_batch["csv"].read_text("utf-8-sig")
    legacy = tmp_path / "gbk.csv"
    legacy.write_bytes(text.encode("gb18030"))
    legacy_run = run("eval", RULESET, legacy, "--format", "jsonl")
    assert legacy_run.exit_code == 1 and len(legacy_run.stdout.splitlines()) == 203
    assert legacy_run.stdout == run("eval", RULESET, chaoan_batch["csv"], "--format", "jsonl").stdout


# ── cells ───────────────────────────────────────────────────────────────────


def _converted(chaoan, path):
    batch = datafiles.read(str(path), chaoan.model)
    return [raw if isinstance(raw, Exception) else chaoan.convert(raw, position, batch.lenient)
            for position, raw in batch.records]


def test_csv_cells_in_every_form_the_contract_allows(chaoan, tmp_path):
    data = tmp_path / "forms.csv"
    tables.write_csv(data, ["单位", "有转移支付", "已完成资产盘点", "采购意向公开率", "年末存量资金",
                            "预算收入决算数", "表彰次数", "项目监管扣分", "项目监管扣分备注"], None, [
        ["甲", "TRUE", "是", "97.6%", "0.43万元", "6,400,981.42", "", "1", "佐证不足"],
        ["", "", "", "", "", "", "", "", ""],  # a blank row is skipped, not a record
        ["乙", "false", "0", "0.976", "4300元", "6400981.42", "2", "", "仅有说明"],
        ["丙", "1", "否", " 100 % ", "4300", "0", "0", "0.5", ""],
    ])
    first, second, third = _converted(chaoan, data)
    assert first.name == "甲" and first.values["有转移支付"] is True and first.values["已完成资产盘点"] is True
    assert first.values["采购意向公开率"] == D("0.976") and second.values["采购意向公开率"] == D("0.976")
    assert first.values["年末存量资金"] == second.values["年末存量资金"] == third.values["年末存量资金"] == 4300
    assert first.values["预算收入决算数"] == second.values["预算收入决算数"] == D("6400981.42")
    assert first.values["表彰次数"] == 0 and second.values["表彰次数"] == 2  # empty cell → the default
    assert first.values["项目监管扣分"] == 1 and first.notes == {"项目监管扣分": "佐证不足"}
    assert second.values["项目监管扣分"] == 0 and second.notes == {"项目监管扣分": "仅有说明"}
    assert (second.values["有转移支付"], second.values["已完成资产盘点"]) == (False, False)
    assert (third.values["有转移支付"], third.values["已完成资产盘点"]) == (True, False)
    assert third.values["采购意向公开率"] == 1 and third.values["项目监管扣分"] == D("0.5")


def test_workbook_cells_numbers_booleans_and_percent_formatted_rates(chaoan, tmp_path):
    data = tmp_path / "forms.xlsx"
    tables.write_xlsx(data, ["单位", "有转移支付", "采购意向公开率", "中小企业采购比例", "预算收入决算数", "年度"],
                      ["文本", "是/否", "比率（如 97.6%）", "比率（如 97.6%）", "金额（元）", "计数"], [
        ["甲", True, tables.Percent(0.976), "97.6%", 6400981.42, 2022],
        ["乙", "否", 0.1, 1, "640.098142万元", 2022.0],
    ])
    first, second = _converted(chaoan, data)
    assert first.values["有转移支付"] is True and second.values["有转移支付"] is False
    assert first.values["采购意向公开率"] == first.values["中小企业采购比例"] == D("0.976")
    assert second.values["采购意向公开率"] == D("0.1") and second.values["中小企业采购比例"] == 1
    assert first.values["预算收入决算数"] == second.values["预算收入决算数"] == D("6400981.42")
    assert first.values["年度"] == second.values["年度"] == 2022


# ── files that cannot be read ───────────────────────────────────────────────


def test_a_misspelt_column_is_one_error_naming_the_column_and_the_nearest_input(chaoan_batch, tmp_path):
    text = chaoan_batch["csv"].read_text("utf-8-sig")
    head, rest = text.split("\n", 1)
    typo = tmp_path / "typo.csv"
    typo.write_text(head.replace("项目完成数", "项目完成树").replace("表彰次数", "表障次数") + "\n" + rest, "utf-8")
    result = run("eval", RULESET, typo, "--format", "json")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (f"{typo}: 表头有未知的列：AI 列 `项目完成树` 不是规则集的输入，是否为 `项目完成数`？；"
                             "AM 列 `表障次数` 不是规则集的输入，是否为 `表彰次数`？"
                             "（以 _ 开头的列视为备用信息，不参与计分）\n")


@pytest.mark.parametrize("name,content,code,message", [
    ("empty.csv", b"", 2, "文件是空的"),
    ("twice.csv", "单位,项目总数,项目总数\n甲,1,2\n".encode(), 2, "表头 `项目总数` 出现了两次（B 列和 C 列）"),
    ("numbers.csv", b"1,2,3\n4,5,6\n", 2, "第 1 行应为表头（输入名），但没有一个单元格是输入名"),
    ("broken.xlsx", b"PK\x03\x04 not really a workbook", 2, "不是有效的 xlsx 文件（工作簿已损坏或不完整）"),
    ("empty.xlsx", b"", 2, "不是有效的 xlsx 文件（文件是空的）"),
    ("renamed.xlsx", "单位,项目总数\n甲,1\n".encode(), 2,
     "不是有效的 xlsx 文件（它不是 Excel 工作簿：是否把 .xls、.csv 或别的文件改成了 .xlsx？）"),
    ("old.xls", b"\xd0\xcf\x11\xe0", 2, "不支持的数据文件格式 `.xls`：请在 Excel 或 WPS 中另存为 .xlsx"),
    # a batch with no record is an error, like an empty file: nothing is written, exit 2 (README, Data)
    ("header-only.csv", "单位,项目总数\n文本,计数\n".encode(), 2,
     "没有可以计分的记录：表头之后没有数据行（模板还没有填写？）"),
    ("none.json", b"[]", 2, "没有可以计分的记录：JSON 数组是空的"),
    ("blank.jsonl", b"\n\n", 2, "没有可以计分的记录：没有一行记录"),
])
def test_unreadable_tables_are_one_clear_message(tmp_path, name, content, code, message):
    data = tmp_path / name
    data.write_bytes(content)
    out = tmp_path / "out.json"
    result = run("eval", RULESET, data, "-o", out)
    assert result.exit_code == code and not out.exists()
    assert result.stderr.startswith(f"{data}: {message}") and len(result.stderr.splitlines()) == 1


def test_metadata_columns_are_ignored_and_a_data_cell_locates_its_error(chaoan, tmp_path):
    data = tmp_path / "meta.csv"
    tables.write_csv(data, ["单位", "_序号", "项目总数", "项目完成数"], None, [["甲", "7", "十四", "9"]])
    result = run("eval", RULESET, data, "--format", "json")
    assert result.exit_code == 1
    out, = json.loads(result.stdout)
    assert out["record"] == "甲" and out["error"]["key"] == "项目总数"
    bad, missing = out["error"]["message"].split("；")
    assert bad == '`项目总数` 应为非负整数，得到 "十四"（第 2 行 C 列）'
    # every input the rules need that the sheet has no column for, in declaration order, in the same report
    needed = [spec.name for spec in chaoan.model.inputs
              if spec.default is None and spec.name not in ("单位", "项目总数", "项目完成数", "年度")
              and not spec.name.startswith("提前下达")]
    assert missing == "缺少输入 " + "、".join(f"`{name}`" for name in needed) + "（第 2 行）"


def test_a_formula_saved_without_its_value_is_that_records_error_not_a_blank(tmp_path):
    """A workbook written by a program (openpyxl, say) and never computed by Excel or WPS holds its formulas with no
    value: read as blank, 表彰次数 took its default (0) and the record scored wrong without a word.  It is the record's
    error naming the cell; the same formula saved with its value (as Excel saves it) reads as that value."""
    import re
    import zipfile

    data = tmp_path / "data.xlsx"
    assert run("template", RULESET, "-o", data).exit_code == 0
    _fill_template(data, read_record(EXAMPLE))
    book = openpyxl.load_workbook(data)
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    column = header.index("表彰次数") + 1
    letter = openpyxl.utils.get_column_letter(column)
    for row in (4, 5):
        for index in range(1, sheet.max_column + 1):
            sheet.cell(row, index, sheet.cell(3, index).value)
        sheet.cell(row, column, "=1+2")
    book.save(data)
    with zipfile.ZipFile(data) as archive:  # row 5 as Excel saves it: the formula with its computed value
        parts = {info.filename: archive.read(info.filename) for info in archive.infolist()}
    sheet_xml = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    sheet_xml, count = re.subn(rf'(<c r="{letter}5"[^>]*><f>1\+2</f>)<v\s*/>', r"\1<v>3</v>", sheet_xml)
    assert count == 1
    parts["xl/worksheets/sheet1.xml"] = sheet_xml.encode("utf-8")
    with zipfile.ZipFile(data, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    result = run("eval", RULESET, data, "--format", "json")
    assert result.exit_code == 1
    first, second, third = json.loads(result.stdout, parse_float=D)
    assert [card["score"] for card in first["scorecards"]] == [D("89.04"), 29]
    assert [card["score"] for card in third["scorecards"]] == [D("89.04"), 29]
    assert second["error"]["key"] == "表彰次数"
    assert second["error"]["message"].startswith(f"第 4 行 {letter} 列（表彰次数）是公式，但工作簿里没有保存它的计算结果")
