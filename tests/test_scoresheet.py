"""The printed 评分表: the workbook, the PDF and the page read back — layout, print setup, criteria, figures.

The Chao'an review table (seed 001) is the reference: a column block per
level with its groups merged down their leaves, 调整前分值 where weight
moved, 评分标准, 得分 and 扣分原因/依据; then 合计, the closing block and the
signature line.  Every `criteria` of every shipped ruleset must reach every
format a person reads.
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import subprocess
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from perfdsl import load
from perfdsl.cli import main
from perfdsl.decimals import plain

ROOT = Path(__file__).resolve().parent.parent
RULESET = ROOT / "rulesets" / "chaoan-2022.perf"
EXAMPLE = ROOT / "examples" / "chaoan-2022.json"
NAME = "潮州市潮安区政务服务数据管理局"
#: Every shipped ruleset with the example records scored against it.
EXAMPLES = {path.stem: sorted(ROOT.glob(f"examples/{path.stem}*.json")) for path in ROOT.glob("rulesets/*.perf")}
EXAMPLES["yaan-2020"] = [ROOT / "examples" / "yaan-2020.json"]  # not the projects' records


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def _pdf_fonts_or_skip():
    """The PDF needs a Chinese TrueType font; CI installs one (.ci/run), so there a missing font fails."""
    from perfdsl.errors import UsageError
    from perfdsl.report import fonts

    try:
        return fonts.load()
    except UsageError:
        if os.environ.get("CI"):
            raise
        pytest.skip("no Chinese TrueType font on this machine (apt-get install fonts-wqy-microhei)")


def _pdf_pages(path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(str(path)).pages]


def _squeezed(text: str) -> str:
    """Text with every space and line break taken out: a table cell wraps wherever its width ends."""
    return re.sub(r"\s+", "", text)


def _criteria(model) -> dict[tuple, str]:
    """(scorecard, path) → criteria for every indicator of `model` that states one (an `each` template too)."""
    out = {}
    for card in model.scorecards:
        for node in card.nodes:
            indicator = node.indicator or (node.each.template if node.each is not None else None)
            if indicator is not None and indicator.criteria is not None:
                out[(card.name, node.path)] = indicator.criteria
    return out


@pytest.fixture(scope="module")
def chaoan_xlsx(tmp_path_factory):
    record = json.loads(EXAMPLE.read_text("utf-8"))
    record.update({"_存在问题": "1.项目支出绩效目标合理性，绩效指标明确性待提升", "_改进建议": "1.强化部门预算绩效管理，提高绩效目标编制质量",
                   "_评价人": "彭文仪、潘艳梅", "_日期": "2023年10月"})
    directory = tmp_path_factory.mktemp("xlsx")
    data = directory / "r.json"
    data.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    target = directory / "评分表.xlsx"
    assert run("eval", RULESET, data, "-o", target).exit_code == 0
    return openpyxl.load_workbook(target)


# ── Excel ───────────────────────────────────────────────────────────────────


def test_xlsx_groups_are_merged_down_their_leaves_and_short_leaves_across(chaoan_xlsx):
    sheet = chaoan_xlsx[NAME]
    merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}
    # title, 单位/年度 and totals across the whole width (A:L)
    assert {"A1:L1", "A2:L2", "A3:L3"} <= merged
    # header: a level's name over its block, a lone column over both header rows
    assert {"A4:C4", "D4:F4", "G4:H4", "I4:I5", "J4:J5", "K4:K5", "L4:L5"} <= merged
    # 预算编制情况 (rows 7–10: its four leaves) merged in 名称, 分值 and 得分; 预算编制 over its two leaves
    assert {"A7:A10", "B7:B10", "C7:C10", "D7:D8", "E7:E8", "F7:F8", "D9:D10"} <= merged
    assert sheet["A7"].value == "预算编制情况" and sheet["B7"].value == 19 and sheet["C7"].value == 12
    # 预算执行情况: 资金管理's five leaves, then 信息公开 and 项目管理 with one leaf each (nothing to merge down)
    assert {"A11:A24", "D11:D15"} <= merged and not any(r.startswith("D16:") for r in merged)
    assert [sheet[f"D{row}"].value for row in (11, 16, 17)] == ["资金管理", "信息公开", "项目管理"]
    # a leaf right under a top group (工作表现 in 加减分项; every leaf of 自评质量) spans 二级 and 三级 名称
    row = next(r for r in range(1, sheet.max_row + 1) if sheet[f"D{r}"].value == "工作表现")
    assert f"D{row}:G{row}" in merged and sheet[f"A{row}"].value == "加减分项" and sheet[f"H{row}"].value == 3


def test_xlsx_prints_on_a4_landscape_one_page_wide_with_its_header_rows_on_every_page(chaoan_xlsx):
    for sheet, titles in ((chaoan_xlsx[NAME], "$4:$5"), (chaoan_xlsx["汇总"], "$1:$1")):
        setup = sheet.page_setup
        assert (setup.orientation, str(setup.paperSize), setup.fitToWidth, setup.fitToHeight) == ("landscape", "9", 1, 0)
        assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
        assert sheet.print_title_rows == titles
        assert sheet.oddFooter.center.text == "第 &P 页 共 &N 页"
        assert sheet.print_options.horizontalCentered is True
    sheet = chaoan_xlsx[NAME]
    assert sheet.freeze_panes == "A6" and sheet.oddHeader.left.text == f"潮安区2022年部门整体支出绩效自评复核 · {NAME}"
    # every text cell wraps in a Chinese font; the table is boxed
    cell = sheet["J7"]
    assert (cell.font.name, cell.alignment.wrap_text, cell.border.left.style) == ("宋体", True, "thin")
    assert sheet["A1"].font.name == "黑体"
    # widths fit: the text columns are the wide ones, the same for every department of the ruleset
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDEFGHIJKL"]
    assert widths == [12, 5.5, 5.5, 10, 5.5, 5.5, 15, 5.5, 6.5, 44, 5.5, 46]


def test_xlsx_rows_are_tall_enough_for_their_wrapped_text(chaoan_xlsx):
    from perfdsl.source import display_width

    sheet = chaoan_xlsx[NAME]
    width = sheet.column_dimensions["J"].width
    checked = 0
    for row in range(7, sheet.max_row + 1):
        criteria = sheet[f"J{row}"].value
        if not criteria or sheet[f"G{row}"].value is None:
            continue
        # Excel fits about 7 / 6 display columns of 9-point 宋体 per unit of width; a line takes 12 points
        lines = math.ceil(display_width(criteria) / (width * 7 / 6))
        height = sheet.row_dimensions[row].height
        assert lines * 12 <= height <= (lines + 2) * 12 + 6, (row, criteria, height)
        checked += 1
    assert checked == 24  # the leaves in the 三级指标 column (工作表现 stands in 二级's)


def test_xlsx_scores_are_numbers_shown_as_the_documents_print_them(chaoan_xlsx):
    sheet = chaoan_xlsx[NAME]
    by_leaf = {sheet[f"G{r}"].value: r for r in range(7, sheet.max_row + 1) if sheet[f"G{r}"].value}
    for leaf, score in (("预算编制合理性", 7), ("部门预算资金支出率", 6.4), ("项目完成率", 5.14), ("资产收益上缴及时性", 2.5)):
        cell = sheet[f"K{by_leaf[leaf]}"]
        assert (cell.value, cell.data_type, cell.number_format) == (score, "n", "General")
    # 调整前分值 only where reallocation changed the weight
    assert [sheet[f"I{by_leaf[leaf]}"].value for leaf in ("预算编制合理性", "提前下达率", "项目完成率")] == [5, 4, None]
    assert sheet["D7"].value == "预算编制\n（调整前 9）"  # a group's weight before reallocation, by its name


def test_xlsx_criteria_of_every_leaf_stand_in_the_criteria_column(chaoan_xlsx):
    sheet = chaoan_xlsx[NAME]
    model = load(RULESET).model
    expected = {path[-1]: text for (_, path), text in _criteria(model).items()}
    shown = {}
    for row in range(7, sheet.max_row + 1):
        leaf = sheet[f"G{row}"].value or sheet[f"D{row}"].value
        if sheet[f"J{row}"].value and leaf:
            shown[leaf] = sheet[f"J{row}"].value
    assert shown == expected and len(expected) == 31  # every leaf of both scorecards states its 评分标准


def test_xlsx_closing_block_takes_the_records_texts_and_leaves_room_to_sign(chaoan_xlsx):
    sheet = chaoan_xlsx[NAME]
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    closing = {row[0]: row[2] for row in cells if row[0] in ("评价结论", "存在问题", "改进建议")}
    assert closing == {"评价结论": None, "存在问题": "1.项目支出绩效目标合理性，绩效指标明确性待提升",
                       "改进建议": "1.强化部门预算绩效管理，提高绩效目标编制质量"}
    assert cells[-1][0] == "评价人：彭文仪、潘艳梅　　　　复核人：　　　　　　　　　　　　日期：2023年10月"
    total = next(row for row in cells if row[0] == "合计" and row[7] == 40)
    assert total[10] == 29 and total[11] is None  # 自评质量 has no grades


def test_xlsx_text_from_the_record_stays_text(tmp_path):
    record = json.loads(EXAMPLE.read_text("utf-8"))
    record["项目监管扣分"] = {"value": 1, "note": "=HYPERLINK(\"x\")"}
    record["_存在问题"] = "=1+1"
    record["单位"] = "=SUM(1)"
    data = tmp_path / "r.json"
    data.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    target = tmp_path / "out.xlsx"
    assert run("eval", RULESET, data, "-o", target).exit_code == 0
    book = openpyxl.load_workbook(target)
    texts = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if isinstance(cell.value, str)]
    assert all(cell.data_type == "s" for cell in texts)  # written as strings, never as formulas
    values = [cell.value for cell in texts]  # and prefixed with ' (OWASP), so no spreadsheet evaluates them on edit
    assert "'=1+1" in values and "'=SUM(1)" in values and not any(value.startswith("=") for value in values)
    assert any("=HYPERLINK" in cell.value for cell in texts)


# ── PDF ─────────────────────────────────────────────────────────────────────


def test_pdf_holds_every_indicator_with_its_criteria_and_score_the_total_and_grade(tmp_path):
    _pdf_fonts_or_skip()
    target = tmp_path / "评分表.pdf"
    result = run("eval", RULESET, EXAMPLE, "-o", target)
    assert result.exit_code == 0, result.output
    pages = _pdf_pages(target)
    assert len(pages) == 2  # the whole review table, closing block included, on two A4 landscape pages
    text = "\n".join(pages)
    squeezed = _squeezed(text)
    assert "89.04" in text and "良好" in text and "潮安区2022年部门整体支出绩效自评复核评分表" in squeezed
    assert "第 1 页 共 2 页" in pages[0] and "第 2 页 共 2 页" in pages[1]
    program = load(RULESET)
    record = program.evaluate(json.loads(EXAMPLE.read_text("utf-8")))
    criteria = _criteria(program.model)
    for card in record.scorecards:
        for node in card.nodes:
            assert _squeezed(node.name) in squeezed, node.name
            if node.is_leaf:  # the leaf's line: its name, 分值, 评分标准, 得分 and basis, in that order
                shown = criteria[(card.name, node.path)]
                line = (re.escape(_squeezed(node.name)) + r".*?" + re.escape(_squeezed(shown))
                        + re.escape(plain(node.score) + _squeezed(node.basis)[:12]))
                assert re.search(line, squeezed) is not None, node.path
    # a group cut by the page break carries its name on the next page, marked （续）
    assert "（续）" in pages[1]


def test_pdf_embeds_its_chinese_font(tmp_path):
    from pypdf import PdfReader

    _pdf_fonts_or_skip()
    target = tmp_path / "out.pdf"
    assert run("eval", RULESET, EXAMPLE, "--format", "pdf", "-o", target).exit_code == 0
    used = {}
    for page in PdfReader(str(target)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            used[font["/BaseFont"]] = font
    # every font a page uses is a TrueType subset (ABCDEF+Name) embedded in the file: none left to the reader
    assert used and all("+" in name and "/FontFile2" in font["/FontDescriptor"] for name, font in used.items())


def test_pdf_starts_each_department_on_a_new_page_numbered_within_it(tmp_path):
    _pdf_fonts_or_skip()
    good = json.loads(EXAMPLE.read_text("utf-8"))
    batch = [good, dict(good, 单位="坏记录", 项目总数="十四"), dict(good, 单位="全部完成", 项目完成数=14)]
    data = tmp_path / "batch.json"
    data.write_text(json.dumps(batch, ensure_ascii=False), "utf-8")
    target = tmp_path / "out.pdf"
    assert run("eval", RULESET, data, "-o", target).exit_code == 1
    pages = _pdf_pages(target)
    assert len(pages) == 2 + 1 + 2
    starts = [number for number, page in enumerate(pages) if "自评复核评分表" in _squeezed(page)]
    assert starts == [0, 2, 3]
    assert NAME in pages[0] and "坏记录" in pages[2] and "全部完成" in pages[3]
    assert "未能计分" in _squeezed(pages[2]) and "第 1 页 共 1 页" in pages[2]
    assert "第 2 页 共 2 页" in pages[4] and "91.9" in pages[3]


def test_pdf_keeps_chinese_closing_punctuation_off_a_lines_start():
    """reportlab's CJK wrap knew 、。 but not ，；！？” (an item name printed ”健全和落实… on its second line):
    at every width from 3 characters up, no line of a cell begins with what the terminal table keeps off one."""
    _pdf_fonts_or_skip()
    from reportlab.platypus import Paragraph

    from perfdsl.report import fonts, pdf
    from perfdsl.textwidth import NO_LINE_START

    style = pdf._Styles(fonts.load()).cell
    text = "对推动基建项目“四项制度”健全和落实的持续性影响，目标效果明显；实际达成预期指标！评为达成？得满分"
    starts = []
    for width in range(30, 300):
        paragraph = Paragraph(text, style)
        paragraph.wrap(width, 1000)
        lines = ["".join(line[1]) for line in paragraph.blPara.lines]
        assert "".join(lines) == text  # nothing dropped or doubled
        starts += [(width, line[:3]) for line in lines[1:] if line[0] in NO_LINE_START]
    assert starts == []


def test_pdf_to_a_terminal_is_a_usage_error():
    result = run("eval", RULESET, EXAMPLE, "--format", "pdf")
    assert result.exit_code == 2
    assert result.stderr == "pdf 是二进制格式，不能写到终端或管道；请用 -o 指定文件，如 -o 评分表.pdf\n"


def test_pdf_without_a_chinese_font_says_how_to_get_one(tmp_path, monkeypatch):
    from perfdsl.report import fonts

    monkeypatch.setattr(fonts, "_BODY_CANDIDATES", [])
    monkeypatch.setattr(fonts, "_fontconfig", lambda: [])
    monkeypatch.setenv("PERFDSL_PDF_FONT", str(tmp_path / "missing.ttf"))
    fonts.load.cache_clear()
    try:
        target = tmp_path / "out.pdf"
        result = run("eval", RULESET, EXAMPLE, "-o", target)
    finally:
        fonts.load.cache_clear()
    assert result.exit_code == 2 and result.stderr == fonts.MISSING + "\n"
    assert list(tmp_path.iterdir()) == []  # nothing half-written


def test_pdf_markup_in_data_is_text(tmp_path):
    _pdf_fonts_or_skip()
    record = json.loads(EXAMPLE.read_text("utf-8"))
    record["项目监管扣分"] = {"value": 1, "note": "<b>未提供</b> & <font size=40>资料</font>"}
    data = tmp_path / "r.json"
    data.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    target = tmp_path / "out.pdf"
    assert run("eval", RULESET, data, "-o", target).exit_code == 0
    assert "<b>未提供</b>&<fontsize=40>资料</font>" in _squeezed("".join(_pdf_pages(target)))


# ── HTML ────────────────────────────────────────────────────────────────────


class _Sheet(HTMLParser):
    """The tables of the page: column widths, header cells, and each body row's cells with their spans."""

    def __init__(self):
        super().__init__()
        self.widths, self.rows, self.texts, self.sections = [], [], [], 0
        self._cell = None
        self._in_style = False
        self.style = ""

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section":
            self.sections += 1
        elif tag == "col":
            self.widths.append(attrs["style"])
        elif tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = [tag, int(attrs.get("rowspan", 1)), int(attrs.get("colspan", 1)), ""]
            self.rows[-1].append(self._cell)
        elif tag == "style":
            self._in_style = True

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self._cell = None
        elif tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.style += data
        elif self._cell is not None:
            self._cell[3] += data
        self.texts.append(data)


def _html(tmp_path, records, ruleset=RULESET) -> tuple[str, _Sheet]:
    data = tmp_path / "batch.json"
    data.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    target = tmp_path / "out.html"
    run("eval", ruleset, data, "-o", target)
    page = target.read_text("utf-8")
    sheet = _Sheet()
    sheet.feed(page)
    return page, sheet


def test_html_table_has_fixed_widths_by_level_spans_and_the_total_once(tmp_path):
    good = json.loads(EXAMPLE.read_text("utf-8"))
    page, sheet = _html(tmp_path, [good, dict(good, 单位="全部完成", 项目完成数=14, 绩效目标合理性扣分=0)])
    # the same columns for both departments and both scorecards: 4 tables of 12 columns with one set of widths
    assert len(sheet.widths) == 4 * 12 and len({tuple(sheet.widths[i:i + 12]) for i in range(0, 48, 12)}) == 1
    assert "table-layout: fixed" in sheet.style
    header = sheet.rows[0]
    assert [(cell[3], cell[1], cell[2]) for cell in header] == [
        ("一级指标", 1, 3), ("二级指标", 1, 3), ("三级指标", 1, 2), ("调整前分值", 2, 1), ("评分标准", 2, 1),
        ("得分", 2, 1), ("扣分原因 / 依据", 2, 1)]
    first = sheet.rows[2]
    assert [(cell[3], cell[1]) for cell in first[:6]] == [("预算编制情况", 4), ("19", 4), ("12", 4),
                                                         ("预算编制（调整前 9）", 2), ("7", 2), ("7", 2)]
    work = next(cell for row in sheet.rows for cell in row if cell[3] == "工作表现")
    assert work[2] == 4  # a leaf under a top group spans the 二级 and 三级 名称 columns
    # no <tfoot>: the 合计 line is printed once, at the end of its table, not at every page foot
    assert "<tfoot" not in page and page.count(">合计<") == 4
    assert "@page { size: A4 landscape" in sheet.style and "break-before: page" in sheet.style
    assert sheet.sections == 2


def test_html_chart_has_a_legend_and_the_page_fetches_nothing(tmp_path):
    page, sheet = _html(tmp_path, [json.loads(EXAMPLE.read_text("utf-8"))])
    assert '<ul class="legend">' in page
    legend = page[page.index('<ul class="legend">'):page.index("</ul>", page.index('<ul class="legend">'))]
    assert [label for label in ("得分率 ≥ 90%", "60% ≤ 得分率 < 90%", "得分率 < 60%", "分值") if label in legend] == [
        "得分率 ≥ 90%", "60% ≤ 得分率 < 90%", "得分率 < 60%", "分值"]
    assert not re.search(r"""(src|href)=|<link|<script|@import|url\(""", page)


def test_html_escapes_markup_from_the_record(tmp_path):
    record = json.loads(EXAMPLE.read_text("utf-8"))
    record["项目监管扣分"] = {"value": 1, "note": "<script>alert(1)</script>"}
    record["_存在问题"] = "<img src=x onerror=alert(1)>"
    page, sheet = _html(tmp_path, [record])
    assert "<script>" not in page and "<img" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "&lt;img src=x onerror=alert(1)&gt;" in page


# ── criteria everywhere ─────────────────────────────────────────────────────


@pytest.mark.parametrize("name", sorted(name for name in EXAMPLES if EXAMPLES[name]))
def test_every_criteria_of_every_shipped_ruleset_reaches_json_xlsx_html_and_pdf(name, tmp_path):
    ruleset = ROOT / "rulesets" / f"{name}.perf"
    expected = sorted(set(_criteria(load(ruleset).model).values()))
    outputs = {}
    for example in EXAMPLES[name]:
        for extension in ("json", "xlsx", "html", "md", "pdf"):
            if extension == "pdf" and _pdf_fonts_or_skip() is None:
                continue
            target = tmp_path / f"{example.stem}.{extension}"
            result = run("eval", ruleset, example, "-o", target)
            assert result.exit_code == 0, result.output
            outputs.setdefault(extension, []).append(target)
    found = {}
    for extension, targets in outputs.items():
        texts = []
        for target in targets:
            if extension == "json":
                texts += [node["criteria"] for card in json.loads(target.read_text("utf-8"))["scorecards"]
                          for node in card["indicators"] if "criteria" in node]
            elif extension == "xlsx":
                book = openpyxl.load_workbook(target)
                texts += [cell.value for sheet in book.worksheets[1:] for row in sheet.iter_rows() for cell in row
                          if isinstance(cell.value, str)]
            elif extension == "pdf":
                texts.append(_squeezed("".join(_pdf_pages(target))))
            else:
                from html import unescape

                texts.append(unescape(target.read_text("utf-8")))
        blob = "\n".join(texts)
        probe = _squeezed(blob) if extension == "pdf" else blob
        found[extension] = sorted(text for text in expected if (_squeezed(text) if extension == "pdf" else text) in probe)
    assert found == {extension: expected for extension in outputs}
    assert expected or name in ("baoshan-2021", "yaan-2020", "yaan-2020-projects")


def test_json_criteria_only_where_the_ruleset_gives_one():
    result = run("eval", RULESET, EXAMPLE, "--format", "json")
    indicators = [node for card in json.loads(result.stdout)["scorecards"] for node in card["indicators"]]
    with_criteria = [node for node in indicators if "criteria" in node]
    assert len(with_criteria) == 31 and all(len(node["path"]) >= 2 for node in with_criteria)
    groups = [node for node in indicators if node["basis"].startswith("下级指标合计")]
    assert groups and all("criteria" not in node for node in groups)
    leaf = next(node for node in indicators if node["path"][-1] == "项目完成率")
    assert list(leaf) == ["path", "weight", "declared", "score", "basis", "criteria"]
    assert leaf["criteria"] == "项目完成率 = 项目实际完成数 / 开展项目总数 × 100%，按比例计分"


# ── the template ────────────────────────────────────────────────────────────


def test_template_prints_a_few_pages_wide_with_its_header_rows_and_a_readable_instructions_sheet(tmp_path):
    target = tmp_path / "模板.xlsx"
    assert run("template", RULESET, "-o", target).exit_code == 0
    book = openpyxl.load_workbook(target)
    data, notes = book["数据"], book["说明"]
    widths = [data.column_dimensions[openpyxl.utils.get_column_letter(i)].width for i in range(1, data.max_column + 1)]
    assert (data.page_setup.orientation, str(data.page_setup.paperSize), data.page_setup.fitToHeight) == (
        "landscape", "9", 0)
    assert data.page_setup.fitToWidth == math.ceil(sum(widths) / 180) and data.page_setup.fitToWidth <= 6
    assert data.print_title_rows == "$1:$2" and data.print_title_cols == "$A:$A"
    assert data["A1"].alignment.wrap_text and max(widths) <= 16  # headers wrap instead of widening the sheet
    assert (notes.page_setup.orientation, notes.page_setup.fitToWidth) == ("portrait", 1)
    assert notes["A2"].alignment.wrap_text and notes["A2"].font.size == 12
    assert data.oddFooter.center.text == notes.oddFooter.center.text == "第 &P 页 共 &N 页"


def test_pdf_cuts_a_line_taller_than_a_page_and_carries_on(tmp_path):
    _pdf_fonts_or_skip()
    record = json.loads(EXAMPLE.read_text("utf-8"))
    record["项目监管扣分"] = {"value": 1, "note": "很长的备注，" * 900 + "ZZ9"}  # about 3½ pages of text
    record["_存在问题"] = "问题。" * 800
    data = tmp_path / "r.json"
    data.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    target = tmp_path / "out.pdf"
    result = run("eval", RULESET, data, "-o", target)
    assert result.exit_code == 0, result.output
    pages = _pdf_pages(target)
    text = _squeezed("".join(pages))
    # the text runs on from page to page under the repeated header, 项目监管（续）, to its very end
    assert len(pages) == 7 and "ZZ9" in text and "自评结论同复核结论偏差" in text and "问题。问题。" in text
    assert all("扣分原因/依据" in _squeezed(page) for page in pages[:6]) and "项目监管（续）" in _squeezed(pages[2])
    assert f"第 {len(pages)} 页 共 {len(pages)} 页" in pages[-1]


def test_pdf_keeps_the_signature_block_and_each_heading_with_lines_of_their_table(tmp_path):
    # Zhanjiang's table fills its first page to 合计: the closing block and the signature line were
    # left alone on page 2, a page to sign that shows no score; now the last lines go over with them
    _pdf_fonts_or_skip()
    target = tmp_path / "zhanjiang.pdf"
    assert run("eval", ROOT / "rulesets" / "zhanjiang-2021.perf", ROOT / "examples" / "zhanjiang-2021.json",
               "-o", target).exit_code == 0
    pages = [_squeezed(page) for page in _pdf_pages(target)]
    signed = [page for page in pages if "评价人：" in page]
    assert len(signed) == 1 and "合计" in signed[0] and "公平性" in signed[0]
    # long notes push 二、自评质量 to the foot of page 2, under which none of its table fitted
    record = json.loads(EXAMPLE.read_text("utf-8"))
    note = ("经查阅佐证材料，发现该单位2022年度预算执行过程中存在资金支付进度滞后、政府采购程序不规范、"
            "固定资产登记不及时等问题，" * 9)[:500]
    for key, length in (("绩效目标合理性扣分", 500), ("项目监管扣分", 200), ("公众或服务对象满意度扣分", 200)):
        record[key] = dict(record[key], note=note[:length])
    record["单位"] = "某某省某某市某某区人民政府办公室（区政务服务数据管理局、区人民政府外事办公室）下属事业单位综合保障服务中心"
    record["_存在问题"] = note
    data = tmp_path / "r.json"
    data.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    target = tmp_path / "chaoan.pdf"
    assert run("eval", RULESET, data, "-o", target).exit_code == 0
    pages = [_squeezed(page) for page in _pdf_pages(target)]
    headed = [page for page in pages if "二、自评质量（满分40）" in page]
    assert len(headed) == 1 and "组织开展完整性" in headed[0]
    assert "合计" in next(page for page in pages if "评价人：" in page)


def _printed(tmp_path) -> list[str]:
    """`_html`'s page printed by Chromium: each page's text squeezed (skipped without Chromium)."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("no Chromium to print the page with")
    target = tmp_path / "printed.pdf"
    subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-pdf-header-footer",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={target}",
                    (tmp_path / "out.html").as_uri()], capture_output=True, timeout=120, check=True)
    # NFKC: Chromium's Noto CJK maps some characters to look-alike radicals in the text layer
    return [_squeezed(unicodedata.normalize("NFKC", page)) for page in _pdf_pages(target)]


def test_html_printed_keeps_the_signature_block_with_the_end_of_its_table(tmp_path):
    # 委托业务项目's table fills its first page to 合计: Chromium printed the closing block alone on page 2
    record = json.loads((ROOT / "examples" / "anhui-2022-projects-guichi.json").read_text("utf-8"))
    page, sheet = _html(tmp_path, [record], ROOT / "rulesets" / "anhui-2022-projects.perf")
    assert "div.closing { break-inside: avoid; break-before: avoid; }" in sheet.style
    assert "table.sheet tr.sum { break-before: avoid; }" in sheet.style
    signed = [text for text in _printed(tmp_path) if "评价人" in text]
    assert len(signed) == 1 and "合计" in signed[0] and "满意度指标" in signed[0]


def test_html_printed_moves_a_leaf_row_whole_to_the_next_page(tmp_path):
    # 科学城's 20th 绩效指标 row falls on page 1's foot: Chromium cut it, 公共服务及其后各行（副本 | 截断，合计 20 分）
    record = json.loads((ROOT / "examples" / "chongqing-2021-kexuecheng.json").read_text("utf-8"))
    page, sheet = _html(tmp_path, [record], ROOT / "rulesets" / "chongqing-2021.perf")
    assert "table.sheet tr:not(:has(> td[rowspan])) { break-inside: avoid; }" in sheet.style
    pages = _printed(tmp_path)
    name = unicodedata.normalize("NFKC", "公共服务及其后各行（副本截断，合计20分）")
    assert len(pages) == 2 and name not in pages[0] and name in pages[1]
    assert "评价人" in pages[1] and "合计" in pages[1]


def test_html_printed_keeps_the_signature_block_with_a_table_ending_in_a_cut_group(tmp_path):
    # 17 long-named items: page 2 ended with 合计 and the closing block after the table went alone to page 3,
    # break-before: avoid on it notwithstanding; as the table's last row it takes a leaf row along
    good = json.loads((ROOT / "examples" / "anhui-2022-projects-guichi.json").read_text("utf-8"))
    names = ["对推动基建项目“四项制度”健全和落实的持续性影响", "对维护基建市场公平的影响程度（含招投标、合同管理及工程款支付等全过程的规范化）",
             "项目实施对当地水利基础设施长效运行管护机制建立健全情况", "受益群众满意度"]
    figures = [{"年度指标值": "≥50个", "实际完成值": "40"}, {"年度指标值": "", "实际完成值": ""},
               {"年度指标值": "≥95%", "实际完成值": "98%"}]
    groups = {"产出指标": [9, 9, 8, 8, 8, 8], "效益指标": [5] * 6, "满意度指标": [2, 2, 2, 2, 2]}
    items = [(group, weight) for group, weights in groups.items() for weight in weights]
    record = dict(good, 绩效指标=[{"一级指标": group, "三级指标": f"{names[n % 4]}{n}", **figures[n % 3], "分值": weight,
                                "自评得分": 1} for n, (group, weight) in enumerate(items)])
    page, sheet = _html(tmp_path, [record], ROOT / "rulesets" / "anhui-2022-projects.perf")
    assert "table.sheet tr.closing, div.closing { break-inside: avoid; break-before: avoid; }" in sheet.style
    assert page.count('<tr class="closing"><td colspan="8"><div class="closing">') == 1
    pages = _printed(tmp_path)
    assert len(pages) == 3 and ["评价人" in text for text in pages] == [False, False, True]
    assert "合计10068.8等级:中" in pages[2] and "对推动基建项目“四项制度”健全和落实的持续性影响162" in pages[2]  # (NFKC's ：)


def test_pdf_page_header_of_a_long_name_ends_within_the_page(tmp_path):
    # a 单位 of 91 characters ran the page header (title · 单位) off the right edge: 机关后勤服 and no more
    fonts = _pdf_fonts_or_skip()
    from pypdf import PdfReader
    from reportlab.pdfbase.pdfmetrics import stringWidth

    record = json.loads((ROOT / "examples" / "zhanjiang-2021.json").read_text("utf-8"))
    record["单位"] = ("某某省某某市某某区人民政府办公室（区政务服务数据管理局、区人民政府外事办公室、区人民政府金融工作局、"
                    "区人民政府研究室、区机关事务管理局）下属事业单位综合保障服务中心机关后勤服务分中心")
    data = tmp_path / "r.json"
    data.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    target = tmp_path / "out.pdf"
    assert run("eval", ROOT / "rulesets" / "zhanjiang-2021.perf", data, "-o", target).exit_code == 0
    page = PdfReader(str(target)).pages[0]
    header = next(line for line in page.extract_text().splitlines() if line.startswith("湛江市2021年部门整体绩效自评 · "))
    assert header.endswith("…")
    assert 25.5 + stringWidth(header, fonts.body, 8) <= float(page.mediabox.width) - 25.5
