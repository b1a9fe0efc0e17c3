"""CSV and Excel files as Excel and WPS on Chinese Windows really save them: read to the published figures, or
refused with one message naming the file and the cell — never a traceback, a silently wrong score or a lost record."""

from __future__ import annotations

import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import tables
from click.testing import CliRunner

from perfdsl import datafiles, read_record, tabular
from perfdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")
EXAMPLE = ROOT / "examples" / "chaoan-2022.json"
D = Decimal


def run(*args, **options):
    return CliRunner().invoke(main, [str(arg) for arg in args], **options)


@pytest.fixture(scope="module")
def sheet(chaoan):
    """The published Chao'an record laid out as the template lays it out: (header, hints, CSV row, workbook row),
    and the scores its JSON gives."""
    record = {key: value for key, value in read_record(EXAMPLE).items() if not key.startswith("_")}
    head = tables.header(chaoan.model, [record])
    reference = run("eval", RULESET, EXAMPLE, "--format", "scores")
    assert reference.exit_code == 0
    return {"head": head, "hints": tables.hints(chaoan.model, head), "csv": tables.cells(record, head, False),
            "xlsx": tables.cells(record, head, True), "scores": reference.stdout}


def _with(row, head, **cells):
    row = list(row)
    for name, value in cells.items():
        row[head.index(name)] = value
    return row


def _csv_text(sheet, rows=None, delimiter=","):
    import csv

    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n")  # Excel ends lines with CRLF
    writer.writerows([sheet["head"], sheet["hints"], *(rows or [sheet["csv"]])])
    return out.getvalue()


def _book(sheet, rows=None, path=None):
    book = openpyxl.Workbook()
    data = book.active
    data.title = "数据"
    for row in [sheet["head"], sheet["hints"], *(rows or [sheet["xlsx"]])]:
        data.append(list(row))
    if path is not None:
        book.save(path)
    return book


# ── numbers as a spreadsheet holds them ─────────────────────────────────────


def test_xlsx_formula_result_reads_as_excel_shows_it_not_as_its_float(sheet, tmp_path):
    """A formula's result is a binary float, saved with 17 digits: =828343.06+0.15 is 828343.2100000001.  Read so,
    日常公用经费决算数 was 1E-10 over its budget of 828343.21 (``日常公用经费决算数 ≤ 日常公用经费调整预算数 ✗``),
    公用经费控制率 lost a point, and the record scored 88.04 instead of the published 89.04 without a word.  Excel
    shows and compares it as 828343.21: 15 significant digits."""
    head = sheet["head"]
    row = _with(sheet["xlsx"], head, 日常公用经费决算数=828343.06 + 0.15, 预算收入决算数=6400981.19 + 0.23)
    assert (row[head.index("日常公用经费决算数")], row[head.index("预算收入决算数")]) == (828343.2100000001,
                                                                                          6400981.420000001)
    data = tmp_path / "formulas.xlsx"
    _book(sheet, [row], data)
    result = run("eval", RULESET, data, "--format", "scores")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == sheet["scores"]


@pytest.mark.parametrize("cell,figure", [
    (828343.06 + 0.15, "828343.21"), (6400981.19 + 0.23, "6400981.42"), (0.1 + 0.2, "0.3"),
    (9 / 14, "0.642857142857143"),  # a percent cell's computed rate: Excel's own 15 digits
    (6400981.42, "6400981.42"), (2022.0, "2022.0"), (0.976, "0.976"), (1e-07, "1E-7"),  # a typed figure as typed
])
def test_xlsx_number_cell_has_excels_15_significant_digits(cell, figure):
    assert str(tabular._shown_figure(cell)) == figure


def test_csv_currency_and_check_marks_as_excel_writes_them(chaoan, sheet, tmp_path):
    """A currency- or accounting-formatted cell is written into a CSV as shown: ``¥828,343.21`` is 828343.21 元;
    ✔ and ✘ are 是 and 否 as √ and × are."""
    head = sheet["head"]
    row = _with(sheet["csv"], head, 日常公用经费决算数="¥828,343.21", 日常公用经费调整预算数=" ￥828343.21 ",
                预算编制符合职责="✔", 有转移支付="✘")
    data = tmp_path / "currency.csv"
    data.write_bytes(_csv_text(sheet, [row]).encode("utf-8-sig"))  # ("CSV UTF-8": GBK has no ✘)
    result = run("eval", RULESET, data, "--format", "scores")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == sheet["scores"]
    batch = datafiles.read(str(data), chaoan.model)
    (position, raw), = batch.records
    record = chaoan.convert(raw, position, batch.lenient)
    assert record.values["日常公用经费决算数"] == record.values["日常公用经费调整预算数"] == D("828343.21")
    assert (record.values["预算编制符合职责"], record.values["有转移支付"]) == (True, False)


@pytest.mark.parametrize("cell,why", [
    ("1.23457E+11", "（科学计数法：Excel 把显示不下的数字这样写入 CSV，可能已丢掉了后面的数位；请把该列设为数值格式后重新导出）"),
    ("6400981,42", "（千位分隔只能写成 1,234.5 的形式，小数点用 .）"),  # a decimal comma
    ("(6,400,981.42)", ""),  # an accounting negative: its commas are not what is wrong, and nothing is said of them
    ("¥-", ""),  # an accounting zero
])
def test_csv_figure_that_cannot_be_read_says_what_is_wrong_with_it(sheet, tmp_path, cell, why):
    data = tmp_path / "bad.csv"
    data.write_text(_csv_text(sheet, [_with(sheet["csv"], sheet["head"], 预算收入决算数=cell)]), "utf-8-sig")
    result = run("eval", RULESET, data, "--format", "json")
    assert result.exit_code == 1
    assert result.stderr == (f"记录 潮州市潮安区政务服务数据管理局，键 `预算收入决算数`: `预算收入决算数` 应为金额：数字（单位 元）"
                             f"或带单位的字符串（如 \"0.43万元\"、\"4300元\"），得到 \"{cell}\"{why}（第 3 行 O 列）\n")


# ── CSV: encodings and separators ───────────────────────────────────────────


@pytest.mark.parametrize("kind", ["unicode-text", "unicode-text-be", "semicolons", "tabs-gbk", "lf-no-final-newline"])
def test_csv_as_excel_and_wps_save_it_reads_to_the_published_figures(sheet, tmp_path, kind):
    """Excel's "Unicode 文本" is UTF-16 (LE, with its BOM) separated by TAB; a CSV saved where the list separator is
    ``;`` is separated by semicolons.  Both were "既不是 UTF-8 也不是 GB18030" or "第 1 行应为表头"."""
    text = _csv_text(sheet, delimiter={"semicolons": ";", "tabs-gbk": "\t"}.get(kind, "\t" if "unicode" in kind else ","))
    content = {"unicode-text": lambda: text.encode("utf-16"),  # (Python's UTF-16: a BOM, then little-endian)
               "unicode-text-be": lambda: b"\xfe\xff" + text.encode("utf-16-be"),
               "semicolons": lambda: text.encode("utf-8-sig"), "tabs-gbk": lambda: text.encode("gbk"),
               "lf-no-final-newline": lambda: text.replace("\r\n", "\n").rstrip("\n").encode("utf-8")}[kind]()
    data = tmp_path / f"{kind}.csv"
    data.write_bytes(content)
    result = run("eval", RULESET, data, "--format", "scores")
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == sheet["scores"]
    piped = run("eval", RULESET, "-", "--format", "scores", input=content)
    assert piped.exit_code == 0 and piped.stdout == sheet["scores"]


# ── workbooks: which sheet, where the header is ─────────────────────────────


def test_xlsx_hidden_first_sheet_is_passed_over_and_a_cover_sheet_is_named(sheet, tmp_path):
    book = _book(sheet)
    cover = book.create_sheet("封面", 0)
    cover["A1"] = "2022年部门整体支出绩效自评"
    cover.sheet_state = "hidden"  # a hidden sheet is no sheet the user looks at
    data = tmp_path / "hidden.xlsx"
    book.save(data)
    result = run("eval", RULESET, data, "--format", "scores")
    assert result.exit_code == 0 and result.stdout == sheet["scores"]

    cover.sheet_state = "visible"
    book.save(data)
    result = run("eval", RULESET, data, "--format", "scores")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"{data}（工作表「封面」）: 第 1 行应为表头（输入名），但没有一个单元格是输入名\n"


def test_xlsx_records_on_a_second_sheet_are_not_left_out_without_a_word(sheet, tmp_path):
    book = _book(sheet)
    second = book.create_sheet("数据 (2)")
    for row in [sheet["head"], _with(sheet["xlsx"], sheet["head"], 单位="另一个单位")]:
        second.append(list(row))
    data = tmp_path / "two.xlsx"
    book.save(data)
    result = run("eval", RULESET, data, "--format", "scores")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (f"{data}（工作表「数据」）: 工作簿中还有工作表「数据 (2)」的第 1 行也是输入名，但只读第一张可见的"
                             "工作表「数据」：请把记录合并到这一张表，或把其他表另存为单独的文件\n")


def test_xlsx_title_rows_above_the_header_and_a_transposed_record_are_one_clear_message(sheet, tmp_path):
    book = openpyxl.Workbook()
    titled = book.active
    titled.append(["潮安区2022年部门整体支出绩效评价数据表"])
    titled.merge_cells("A1:J1")
    titled.append(["单位：元"])
    for row in [sheet["head"], sheet["hints"], sheet["xlsx"]]:
        titled.append(list(row))
    data = tmp_path / "titled.xlsx"
    book.save(data)
    result = run("eval", RULESET, data)
    assert result.exit_code == 2
    assert result.stderr == f"{data}: 第 1 行应为表头（输入名），表头却在第 3 行：请删去它上面的 2 行（标题等）\n"

    book = openpyxl.Workbook()
    for name, value in zip(sheet["head"], sheet["xlsx"]):  # 单位 | 潮州市…, 年初财政拨款结转和结余 | 197940.5, …, 年度 | 2022
        book.active.append([name, value])
    data = tmp_path / "transposed.xlsx"
    book.save(data)
    result = run("eval", RULESET, data)
    assert result.exit_code == 2  # (an integer header cell, 2022, was an internal error)
    assert result.stderr == (f"{data}: 第 1 行应为表头（输入名），但输入名都在 A 列（一个输入一行）：请转置为一个输入一列、一条记录"
                             "一行（复制后“选择性粘贴 → 转置”）\n")


def test_xlsx_header_wrapped_over_two_lines_is_its_input_and_a_number_header_is_named(sheet, tmp_path):
    head = list(sheet["head"])
    head[head.index("表彰次数")] = "表彰\n次数"  # Alt+Enter in the header cell
    head[head.index("项目完成数")] = "\u3000项目 完成数 "
    data = tmp_path / "wrapped.xlsx"
    _book({**sheet, "head": head}, None, data)
    result = run("eval", RULESET, data, "--format", "scores")
    assert result.exit_code == 0 and result.stdout == sheet["scores"]

    book = _book(sheet)
    book.active.cell(1, len(sheet["head"]) + 1, 2022)
    book.save(data)
    result = run("eval", RULESET, data)
    assert result.exit_code == 2
    assert result.stderr == f"{data}: 表头有未知的列：BO 列 `2022` 不是规则集的输入（以 _ 开头的列视为备用信息，不参与计分）\n"


# ── files that are not quite an xlsx ────────────────────────────────────────


def test_xlsm_reads_as_the_workbook_it_is(sheet, tmp_path):
    data = tmp_path / "data.xlsm"
    _book(sheet, None, data)
    result = run("eval", RULESET, data, "--format", "scores")
    assert result.exit_code == 0 and result.stdout == sheet["scores"]


@pytest.mark.parametrize("stream,why", [
    ("EncryptionInfo", "工作簿设有打开密码（已加密），无法读取：请在 Excel 或 WPS 中打开，删除密码（文件 → 信息 → 保护工作簿 → "
                       "用密码进行加密，清空密码；WPS：文件 → 文档加密）后保存，再读取"),
    ("Workbook", "这是旧版 Excel 97–2003（.xls）格式的工作簿：请在 Excel 或 WPS 中另存为 .xlsx"),
])
def test_xlsx_that_is_an_ole_file_says_whether_it_has_a_password_or_is_an_xls(tmp_path, stream, why):
    """An xlsx with a password to open it is an OLE compound file (its package encrypted beside an EncryptionInfo
    stream), as an .xls is; it was "是否把 .xls、.csv 或别的文件改成了 .xlsx？" for both."""
    data = tmp_path / "data.xlsx"
    directory = stream.encode("utf-16-le").ljust(64, b"\0")
    data.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504) + directory + bytes(1024))
    result = run("eval", RULESET, data)
    assert result.exit_code == 2
    assert result.stderr == f"{data}: 不是有效的 xlsx 文件（{why}）\n"
    assert zipfile.is_zipfile(data) is False


def test_unicode_text_saved_as_txt_is_told_to_be_renamed(tmp_path):
    data = tmp_path / "data.txt"
    data.write_bytes("单位\t项目总数\r\n甲\t1\r\n".encode("utf-16"))
    result = run("eval", RULESET, data)
    assert result.exit_code == 2
    assert result.stderr == (f"{data}: 不支持的数据文件格式 `.txt`：若是 CSV 或 Excel 的“Unicode 文本”，请改扩展名为 .csv"
                             "（可用：.json、.jsonl、.csv、.xlsx、.xlsm；或用 --input-format 指定）\n")
