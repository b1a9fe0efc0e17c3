"""The 评分表 files `eval` writes: CSV, Markdown, Excel and HTML — figures, layout, errors in place."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import subprocess
import sys
import zipfile
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from perfdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")
EXAMPLE = str(ROOT / "examples" / "chaoan-2022.json")
NAME = "潮州市潮安区政务服务数据管理局"
D = Decimal


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


@pytest.fixture
def good_and_bad(tmp_path):
    """A batch of three: the published record, the same with a malformed count, and one with 14/14 projects."""
    good = json.loads(Path(EXAMPLE).read_text("utf-8"))
    bad = dict(good, 单位="坏记录", 项目总数="十四")
    done = dict(good, 单位="全部完成", 项目完成数=14)
    data = tmp_path / "batch.json"
    data.write_text(json.dumps([good, bad, done], ensure_ascii=False), "utf-8")
    return data


# ── CSV ─────────────────────────────────────────────────────────────────────


def test_csv_has_a_row_per_record_with_totals_grades_every_indicator_and_errors_in_place(good_and_bad, tmp_path):
    target = tmp_path / "out.csv"
    result = run("eval", RULESET, good_and_bad, "-o", target)
    assert result.exit_code == 1
    raw = target.read_bytes()
    assert raw.startswith("\ufeff序号,单位,复核得分,复核得分等级,自评质量,".encode())  # BOM: Excel reads UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert [row["单位"] for row in rows] == [NAME, "坏记录", "全部完成"]
    first, bad, done = rows
    assert (first["序号"], first["复核得分"], first["复核得分等级"], first["自评质量"], first["错误"]) == \
        ("1", "89.04", "良好", "29", "")
    assert first["复核得分/预算使用效益/效率性/项目完成率"] == "5.14"
    assert first["复核得分/预算执行情况/资金管理/部门预算资金支出率"] == "6.4"
    assert first["自评质量/结论客观性/自评结论同复核结论偏差"] == "4"
    assert len(first) == 5 + 39 + 9 + 2 and first["警告"] == ""  # 复核得分 has 39 indicators, 自评质量 9
    assert bad["错误"] == '`项目总数` 应为非负整数，得到 "十四"' and bad["复核得分"] == ""
    assert (done["复核得分"], done["复核得分/预算使用效益/效率性/项目完成率"]) == ("91.9", "8")


SLIP = "疑似 元/万元 混用：预算支出决算数 6440687.91万元 使 部门预算支出率 = 976021.23%；若为 6440687.91元 则为 97.60%"


@pytest.fixture
def slipped(tmp_path):
    """The published record as the seed prints it (6440687.91万元), one with 95 for 95%, one that fails too."""
    good = json.loads(Path(EXAMPLE).read_text("utf-8"))
    data = tmp_path / "slips.json"
    records = [dict(good, 预算支出决算数="6440687.91万元"), dict(good, 单位="百分", 采购意向公开率=95),
               dict(good, 单位="坏记录", 项目总数="十四", 采购意向公开率=95)]
    data.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    return data


PERCENT = "采购意向公开率 = 95（读作 9500%）：是否应为 95%？"


def test_warnings_reach_stderr_json_csv_and_the_xlsx_summary(slipped, tmp_path):
    result = run("eval", RULESET, slipped, "--format", "json")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == f"记录 {NAME}，键 `预算支出决算数`: 警告[P520]: {SLIP}"
    assert f"记录 百分，键 `采购意向公开率`: 警告[P521]: {PERCENT}" in result.stderr
    assert f"记录 坏记录，键 `采购意向公开率`: 警告[P521]: {PERCENT}" in result.stderr
    first, second, bad = json.loads(result.stdout)
    assert first["warnings"] == [{"code": "P520", "message": SLIP, "key": "预算支出决算数"}]
    assert first["scorecards"][0]["score"] == 90.64  # a warning, not an error: the figures are what was written
    assert second["warnings"] == [{"code": "P521", "message": PERCENT, "key": "采购意向公开率"}]
    assert bad["warnings"] == second["warnings"] and bad["error"]["key"] == "项目总数"

    target = tmp_path / "out.csv"
    run("eval", RULESET, slipped, "-o", target)
    rows = list(csv.DictReader(io.StringIO(target.read_text("utf-8-sig"))))
    assert [row["警告"] for row in rows] == [f"[P520] {SLIP}", f"[P521] {PERCENT}", f"[P521] {PERCENT}"]
    assert list(rows[0])[-2:] == ["错误", "警告"]

    target = tmp_path / "out.xlsx"
    run("eval", RULESET, slipped, "-o", target)
    summary = [[cell.value for cell in row] for row in openpyxl.load_workbook(target)["汇总"].iter_rows()]
    assert [row[-1] for row in summary] == ["警告", f"[P520] {SLIP}", f"[P521] {PERCENT}", f"[P521] {PERCENT}"]
    assert summary[1][2] == 90.64 and summary[3][-2].startswith("`项目总数`")


def test_warnings_are_shown_in_every_scoresheet(slipped, tmp_path):
    """The table, Markdown, HTML and PDF say a record's warnings under its title, a failed record's under its
    error: the 评分表 an evaluator reads or signs never hides a figure that looks like a slip."""
    heading = "数据警告（得分按所填数字计算，请核对）"
    lines = [f"[P520] {SLIP}", f"[P521] {PERCENT}"]

    result = run("eval", RULESET, slipped)  # the table on standard output: each warning in its place, once
    out = result.stdout.splitlines()
    at = out.index(f"潮安区2022年部门整体支出绩效自评复核 · {NAME}")
    assert out[at + 1:at + 3] == [heading, f"  [P520] {SLIP}"]
    at = out.index('记录 坏记录，键 `项目总数`: `项目总数` 应为非负整数，得到 "十四"')
    assert out[at + 1:at + 3] == [heading, f"  [P521] {PERCENT}"]
    assert "警告[P52" not in result.stderr and result.stderr.endswith("3 条记录有数据警告（见各自的位置）\n")

    result = run("eval", RULESET, slipped, "--format", "md")
    out = result.stdout.splitlines()
    at = out.index(f"## {NAME}")
    assert out[at + 1:at + 6] == ["", f"> **{heading}**", ">", f"> - {lines[0]}", ""]
    at = out.index("## 坏记录")
    assert out[at + 4:at + 7] == [f"> **{heading}**", ">", f"> - {lines[1]}"]

    page = tmp_path / "out.html"
    run("eval", RULESET, slipped, "-o", page)
    html = page.read_text("utf-8")
    assert html.count(f'<div class="warnings" role="note"><p>{heading}</p>') == 3
    assert f"<ul><li>{lines[0]}</li></ul>" in html and f"<ul><li>{lines[1]}</li></ul>" in html
    assert html.index(lines[0]) < html.index('<table class="sheet">')  # above the tables

    from test_scoresheet import _pdf_fonts_or_skip, _pdf_pages

    _pdf_fonts_or_skip()
    target = tmp_path / "out.pdf"
    run("eval", RULESET, slipped, "-o", target)
    pages = [page for page in _pdf_pages(target) if heading in page]
    assert len(pages) == 3  # the first page of each record: two scored, one failed
    assert f"• {lines[0]}" in pages[0] and f"• {lines[1]}" in pages[1] and f"• {lines[1]}" in pages[2]


def test_no_warnings_member_without_warnings():
    result = run("eval", RULESET, EXAMPLE, "--format", "json")
    assert result.exit_code == 0 and result.stderr == "" and "warnings" not in json.loads(result.stdout)


def test_scorecard_filter_applies_to_csv():
    result = run("eval", RULESET, EXAMPLE, "--format", "csv", "--scorecard", "自评质量")
    header, row = list(csv.reader(io.StringIO(result.stdout)))
    assert header[:3] == ["序号", "单位", "自评质量"] and row[:3] == ["1", NAME, "29"]
    assert not any(name.startswith("复核得分") for name in header)


# ── Markdown ────────────────────────────────────────────────────────────────


def test_markdown_is_the_scoresheet_as_tables(good_and_bad):
    result = run("eval", RULESET, good_and_bad, "--format", "md")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "# 潮安区2022年部门整体支出绩效自评复核"
    assert f"## {NAME}" in lines and "### 复核得分：89.04 / 100（良好）" in lines and "### 自评质量：29 / 40" in lines
    at = lines.index("### 复核得分：89.04 / 100（良好）")
    assert lines[at + 2:at + 6] == [
        "| 一级指标 | 二级指标 | 三级指标 | 权重 | 评分标准 | 得分 | 依据 |",
        "|---|---|---|---:|---|---:|---|",
        "| **预算编制情况** |  |  | 19 |  | 12 |  |",
        "|  | **预算编制** |  | 7（原 9） |  | 7 |  |",
    ]
    assert ("|  |  | 项目完成率 | 8 | 项目完成率 = 项目实际完成数 / 开展项目总数 × 100%，按比例计分 | 5.14 | "
            "项目完成率 = 9 / 14 = 64.29%，8 × 64.29% = 5.14 |") in lines
    assert "| **合计** |  |  | 100 |  | **89.04** | 等级：良好 |" in lines
    assert ("|  | 工作表现 |  | 3 | 表彰一次加 1 分，累计加分最多 3 分，加分后总分不能超过 100 分 | 3 | "
            "表彰次数 = 3，每次加 1，加 3；问责次数 = 0，每次扣 1，不扣，得 3 分 |") in lines
    assert "## 坏记录" in lines and '> **未能计分**：\\`项目总数\\` 应为非负整数，得到 "十四"' in lines  # data text escaped
    assert "### 复核得分：91.9 / 100（优秀）" in lines


def test_markdown_cells_cannot_break_the_table(tmp_path):
    record = json.loads(Path(EXAMPLE).read_text("utf-8"))
    record["项目监管扣分"] = {"value": 1, "note": "资料 | 不全\n见附件"}
    data = tmp_path / "r.json"
    data.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    lines = run("eval", RULESET, data, "--format", "md").stdout.splitlines()
    row, = [line for line in lines if "| 项目监管 |" in line]
    assert row == ("|  |  | 项目监管 | 4 | 已制定财务、专项资金等管理制度并有效执行，对项目开展检查、监控、督促；不足的由评审酌情扣分 | "
                   "3 | 评审扣 1 分：资料 \\| 不全<br>见附件，4 - 1 = 3 |")


# ── HTML ────────────────────────────────────────────────────────────────────


class _Page(HTMLParser):
    """What a reader of the report sees: totals, grades, table rows, chart bars, anything fetched."""

    def __init__(self):
        super().__init__()
        self.totals, self.grades, self.rows, self.bars, self.fetched, self.errors = [], [], [], [], [], []
        self._in = None
        self._row = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.fetched += [value for key, value in attrs.items() if key in ("src", "href") and value]
        if tag == "link" or tag == "script":
            self.fetched.append(tag)
        css = attrs.get("class", "")
        if tag == "b" and css == "total":
            self._in = self.totals
        elif tag == "span" and css == "grade":
            self._in = self.grades
        elif tag == "p" and css == "error":
            self._in = self.errors
        elif tag == "tr":
            self._row = []
        elif tag == "td" and self._row is not None:
            self._row.append("")
        elif tag == "rect":
            self.bars.append((attrs["width"], attrs["fill"]))

    def handle_endtag(self, tag):
        if tag in ("b", "span", "p"):
            self._in = None
        elif tag == "tr" and self._row is not None:
            self.rows.append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._in is not None:
            self._in.append(data)
        if self._row:
            self._row[-1] += data


def test_html_report_is_self_contained_with_totals_scoresheet_and_chart(good_and_bad, tmp_path):
    target = tmp_path / "report.html"
    assert run("eval", RULESET, good_and_bad, "-o", target).exit_code == 1
    page = _Page()
    page.feed(target.read_text("utf-8"))
    assert page.fetched == []  # no network: no scripts, stylesheets, images or links
    assert page.totals == ["89.04", "29", "91.9", "31"]  # 分差 |96.5 - 91.9| = 4.6 ≤ 5: 偏差 6 points, not 4
    assert page.grades == ["良好", "优秀"]
    assert page.errors == ['未能计分：`项目总数` 应为非负整数，得到 "十四"']
    # the official layout: a leaf's line holds its name, 分值, 调整前分值 (none here), 评分标准, 得分 and 依据
    assert ["项目完成率", "8", "", "项目完成率 = 项目实际完成数 / 开展项目总数 × 100%，按比例计分", "5.14",
            "项目完成率 = 9 / 14 = 64.29%，8 × 64.29% = 5.14"] in page.rows
    assert ["合计", "100", "", "89.04", "等级：良好（优秀 ≥ 90；良好 ≥ 80；中 ≥ 70；低 ≥ 60；差 < 60）"] in page.rows
    # the first group, 预算编制情况: weight 19 and score 12 against the heaviest group (44) drawn 360 px long
    assert page.bars[:2] == [("155.5", "#e4e4e4"), ("98.2", "#2f5597")]
    groups = 14 + 3  # the groups of 复核得分 and of 自评质量, drawn for each of the two scored records
    assert len(page.bars) == 2 * 2 * groups


# ── Excel ───────────────────────────────────────────────────────────────────


def test_xlsx_summary_and_scoresheets_in_the_official_layout(good_and_bad, tmp_path):
    target = tmp_path / "out.xlsx"
    result = run("eval", RULESET, good_and_bad, "-o", target)
    assert result.exit_code == 1
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["汇总", NAME, "全部完成"]  # no 评分表 for the record that failed
    summary = book["汇总"]
    assert summary.freeze_panes == "C2"
    rows = [[cell.value for cell in row] for row in summary.iter_rows()]
    assert rows[0] == ["序号", "单位", "复核得分", "复核得分等级", "自评质量", "错误", "警告"]
    assert rows[1] == [1, NAME, 89.04, "良好", 29, None, None]
    assert rows[2] == [2, "坏记录", None, None, None, '`项目总数` 应为非负整数，得到 "十四"', None]
    assert rows[3] == [3, "全部完成", 91.9, "优秀", 31, None, None]
    # scores show as the documents print them (89.04, 29) and link to their 评分表
    assert summary["C2"].number_format == "General" and summary["B2"].hyperlink.location == f"'{NAME}'!A1"
    # numbers are written as exact decimal text, never through a float (89.04000000000001)
    with zipfile.ZipFile(target) as archive:
        xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<v>89.04</v>" in xml and "<v>91.9</v>" in xml

    sheet = book[NAME]
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0][0] == "潮安区2022年部门整体支出绩效自评复核评分表"
    assert cells[1][0] == f"单位：{NAME}　　年度：2022"
    assert cells[2][0] == "复核得分 89.04（满分 100，良好）；自评质量 29（满分 40）"
    assert cells[3] == ["一级指标", None, None, "二级指标", None, None, "三级指标", None, "调整前\n分值", "评分标准",
                        "得分", "扣分原因 / 依据"]
    assert cells[4][:8] == ["名称", "分值", "得分"] * 2 + ["名称", "分值"]
    assert cells[5][0] == "一、复核得分（满分 100）"
    # a line per leaf: its groups (name, 分值, 得分) first, then the leaf's name, 分值, 调整前分值, 评分标准, 得分, 依据
    assert cells[6][:9] == ["预算编制情况", 19, 12, "预算编制\n（调整前 9）", 7, 7, "预算编制合理性", 7, 5]
    row, = [r for r in cells if r[6] == "项目完成率"]
    assert row[6:] == ["项目完成率", 8, None, "项目完成率 = 项目实际完成数 / 开展项目总数 × 100%，按比例计分", 5.14,
                       "项目完成率 = 9 / 14 = 64.29%，8 × 64.29% = 5.14"]
    total, = [r for r in cells if r[0] == "合计" and r[7] == 100]
    assert total[10:] == [89.04, "等级：良好（优秀 ≥ 90；良好 ≥ 80；中 ≥ 70；低 ≥ 60；差 < 60）"]
    score_cell = sheet.cell(row=cells.index(row) + 1, column=11)
    assert score_cell.number_format == "General" and score_cell.value == 5.14  # shown as 5.14, 6.4, 7


def test_xlsx_sheets_option_limits_the_scoresheets_not_the_summary(good_and_bad, tmp_path):
    target = tmp_path / "out.xlsx"
    run("eval", RULESET, good_and_bad, "-o", target, "--sheets", "1")
    book = openpyxl.load_workbook(target)
    assert book.sheetnames == ["汇总", NAME] and book["汇总"].max_row == 4


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_xlsx_summary_rows_are_as_high_as_their_wrapped_names(tmp_path, jobs):
    # a 汇总 row had no height: a name longer than its column (34) printed as its first line, cut without a sign
    good = json.loads((ROOT / "examples" / "anhui-2022-projects-guichi.json").read_text("utf-8"))
    names = ["委托业务项目", "某某县乡村振兴衔接资金水利设施建设项目", "某某县乡村振兴衔接资金水利设施建设项目" * 3]
    data = tmp_path / "batch.json"
    data.write_text(json.dumps([dict(good, 项目名称=name) for name in names], ensure_ascii=False), "utf-8")
    target = tmp_path / "out.xlsx"
    run("eval", ROOT / "rulesets" / "anhui-2022-projects.perf", data, "-o", target, "--jobs", jobs)
    summary = openpyxl.load_workbook(target)["汇总"]
    assert [summary.cell(row=row, column=2).value for row in (2, 3, 4)] == names
    # one line (18 characters of 宋体 9 pt) keeps the sheet's default; 19 and 57 CJK characters take 2 and 4 lines
    assert [summary.row_dimensions[row].height for row in (1, 2, 3, 4)] == [None, None, 30, 54]


def test_xlsx_to_a_terminal_is_a_usage_error():
    result = run("eval", RULESET, EXAMPLE, "--format", "xlsx")
    assert result.exit_code == 2
    assert result.stderr == "xlsx 是二进制格式，不能写到终端或管道；请用 -o 指定文件，如 -o 评分表.xlsx\n"


def test_every_record_of_a_csv_batch_has_its_row_and_total_in_the_workbook(chaoan_batch, tmp_path):
    target = tmp_path / "out.xlsx"
    result = run("eval", RULESET, chaoan_batch["csv"], "-o", target)
    assert result.exit_code == 1
    reference = run("eval", RULESET, chaoan_batch["json"], "--format", "csv")
    expected = {row["单位"]: D(row["复核得分"]) for row in csv.DictReader(io.StringIO(reference.stdout))}
    summary = openpyxl.load_workbook(target, read_only=True)["汇总"]
    rows = list(summary.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 203
    scored = {name: D(repr(total)) for _, name, total, *_ in rows if total is not None}
    assert scored == expected
    assert [(number, name) for number, name, total, *_ in rows if total is None] == [
        (11, "坏行11"), (102, "坏行102"), (153, "坏行153")]


@pytest.mark.parametrize("extension,fmt", [(".csv", "csv"), (".md", "md"), (".xlsx", "xlsx"), (".html", "html"),
                                           (".htm", "html")])
def test_output_format_follows_the_extension(tmp_path, extension, fmt):
    target = tmp_path / f"out{extension}"
    assert run("eval", RULESET, EXAMPLE, "-o", target).exit_code == 0
    content = target.read_bytes()
    assert {"csv": content.startswith(b"\xef\xbb\xbf"), "md": content.startswith("# 潮安区".encode()),
            "xlsx": content.startswith(b"PK"), "html": content.startswith(b"<!DOCTYPE html>")}[fmt]
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


# ── progress ────────────────────────────────────────────────────────────────


def test_progress_shows_on_a_terminal_and_nowhere_else(chaoan_batch, tmp_path):
    command = [sys.executable, "-m", "perfdsl", "eval", RULESET, str(chaoan_batch["csv"]), "-o",
               str(tmp_path / "out.csv")]
    leader, follower = pty.openpty()
    done = subprocess.run(command, stderr=follower, stdout=subprocess.DEVNULL, cwd=ROOT,
                          env=dict(os.environ, COLUMNS="100"))
    os.close(follower)
    seen = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(leader)
    text = seen.decode("utf-8", "replace")
    assert done.returncode == 1
    assert "计分中" in text and "记录 坏行11，键 `项目总数`" in text
    piped = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    assert "计分中" not in piped.stderr and piped.stderr.count("记录 坏行") == 3


def test_an_unwritable_target_is_a_usage_error(tmp_path):
    target = tmp_path / "missing" / "out.xlsx"
    result = run("eval", RULESET, EXAMPLE, "-o", target)
    assert result.exit_code == 2 and result.stderr == f"{target}: 无法写入（文件夹不存在）\n"
