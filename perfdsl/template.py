"""`perfdsl template`: an empty data sheet for a ruleset, for a department to fill in and send back.

One column per input in declaration order, the record's name first; row 2
says each column's type and unit in Chinese (and is skipped when the sheet is
read back, see `tabular`); a note column follows every judgement (``manual``)
input so the assessor's reason travels with the deduction.  The workbook
adds 是/否 dropdowns, percent and money number formats and frozen headers.
"""

from __future__ import annotations

import csv

import attrs

from .basis import show_value
from .errors import UsageError
from .files import save_workbook
from .model import InputSpec, Model
from .neutralise import spreadsheet
from .source import display_width
from .tabular import NOTE_SUFFIX, column_letter
from .unparse import expression

_KINDS = {"text": "文本", "count": "计数", "number": "数值", "rate": "比率", "money": "金额", "bool": "是/否"}
_NUMBER_FORMATS = {"rate": "0.00%", "money": "#,##0.00", "text": "@"}
_INSTRUCTIONS = (
    "填写说明",
    "每行填写一个单位（一条记录）；第 1 行是输入名，请勿修改；第 2 行是类型说明，可保留或删除。",
    "是/否 列可从下拉框选择，也可填 TRUE/FALSE、1/0。",
    "比率填百分数（如 97.6%）或小数（如 0.976）。",
    "金额填表头所示单位的数字，或带单位的文字（如 4300元、0.43万元）。",
    "“扣分”列填评审扣分，旁边的“备注”列写扣分理由，它会写进评分表的依据。",
    "留空的单元格视为未填写：有默认值的输入取默认值，否则该记录报错。",
)


@attrs.frozen
class Column:
    header: str
    hint: str
    spec: InputSpec | None  # None for a note column


def columns(model: Model) -> list[Column]:
    """The template's columns: the record's name first, then every input, a note column after each judgement."""
    specs = sorted(model.inputs, key=lambda spec: spec.name != model.record)
    lists = [spec.name for spec in specs if spec.type.kind == "list"]
    if lists:  # a list of items has no cell to go in
        names = "、".join(f"`{name}`" for name in lists)
        raise UsageError(f"输入 {names} 是列表，表格放不下；这个规则集的数据请用 JSON 文件提供"
                         "（每条记录一个对象，列表写成数组）")
    out = []
    for spec in specs:
        out.append(Column(spec.name, hint(spec, model), spec))
        if spec.manual_for is not None:
            out.append(Column(spec.name + NOTE_SUFFIX, "备注（扣分理由）", None))
    return out


def hint(spec: InputSpec, model: Model) -> str:
    """``金额（元）``, ``比率（如 97.6%）``, ``是/否（默认 否）``: what a cell of this input takes."""
    kind = "扣分" if spec.manual_for is not None else _KINDS[spec.type.kind]
    details = []
    if spec.name == model.record:
        details.append("记录名称")
    if spec.type.kind == "money":
        details.append(spec.type.unit or "元")
    if spec.type.kind == "rate":
        details.append("如 97.6%")
    if spec.low is not None:
        details.append(f"≥ {expression(spec.low)}")
    if spec.high is not None:
        details.append(f"≤ {expression(spec.high)}")
    if spec.default is not None:
        details.append(f"默认 {show_value(spec.default, spec.type)}")
    return f"{kind}（{'，'.join(details)}）" if details else kind


def write_csv(handle, model: Model):
    writer = csv.writer(handle)
    layout = columns(model)
    writer.writerow([spreadsheet(column.header) for column in layout])  # input names: never a formula
    writer.writerow([spreadsheet(column.hint) for column in layout])


def write_xlsx(handle, model: Model):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    layout = columns(model)
    book = Workbook()
    sheet = book.active
    sheet.title = "数据"
    sheet.append([spreadsheet(column.header) for column in layout])  # input names: never a formula
    sheet.append([spreadsheet(column.hint) for column in layout])
    head = PatternFill("solid", fgColor="DDEBF7")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = head
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="808080")
        cell.alignment = Alignment(wrap_text=True)
    sheet.freeze_panes = "B3"
    yes_no = DataValidation(type="list", formula1='"是,否"', allow_blank=True, showErrorMessage=True,
                            errorTitle="请选择", error="请选择 是 或 否")
    sheet.add_data_validation(yes_no)
    for index, column in enumerate(layout):
        letter = column_letter(index)
        dimension = sheet.column_dimensions[letter]
        dimension.width = max(10, min(40, max(display_width(column.header), display_width(column.hint)) + 2))
        kind = column.spec.type.kind if column.spec is not None else "text"
        if kind in _NUMBER_FORMATS:
            dimension.number_format = _NUMBER_FORMATS[kind]
        if kind == "bool":
            yes_no.add(f"{letter}3:{letter}1048576")
    notes = book.create_sheet("说明")
    for line in _INSTRUCTIONS:
        notes.append([line])
    notes["A1"].font = Font(bold=True)
    notes.column_dimensions["A"].width = 100
    _print_setup(sheet, notes, layout)
    save_workbook(book, handle)


#: About how many units of column width an A4 landscape page shows at a readable scale (about 75%).
_PAGE_WIDTH = 180


def _print_setup(sheet, notes, layout):
    """Print setup: the data sheet landscape, its header and hint rows wrapped into narrower columns, a few
    pages wide with those rows and the name column on every page; 说明 portrait, one page wide, wrapped."""
    import math

    from openpyxl.styles import Alignment, Font
    from openpyxl.worksheet.properties import PageSetupProperties

    for target, orientation in ((sheet, "landscape"), (notes, "portrait")):
        target.page_setup.paperSize = "9"  # A4
        target.page_setup.orientation = orientation
        target.page_setup.fitToHeight = 0
        target.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        target.oddFooter.center.text = "第 &P 页 共 &N 页"
    sheet.print_options.horizontalCentered = True
    total = 0
    lines = {1: 1, 2: 1}
    for index, column in enumerate(layout):
        dimension = sheet.column_dimensions[column_letter(index)]
        widest = max(display_width(column.header), display_width(column.hint))
        dimension.width = min(dimension.width, max(10, math.ceil(widest / 2) + 2))
        total += dimension.width
        for row, text in ((1, column.header), (2, column.hint)):
            lines[row] = max(lines[row], math.ceil(display_width(text) / (dimension.width - 1)))
    for row in (1, 2):
        sheet.row_dimensions[row].height = 14 * lines[row] + 4
        for cell in sheet[row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.page_setup.fitToWidth = max(1, math.ceil(total / _PAGE_WIDTH))
    sheet.print_title_rows = "1:2"
    sheet.print_title_cols = "A:A"  # the record's name
    notes.page_setup.fitToWidth = 1
    notes.column_dimensions["A"].width = 80  # about 38 characters of 12-point text a line
    for row in notes.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(bold=cell.row == 1, size=14 if cell.row == 1 else 12)
            lines = math.ceil(display_width(str(cell.value or "")) / 76)
            notes.row_dimensions[cell.row].height = 18 * lines + 6
