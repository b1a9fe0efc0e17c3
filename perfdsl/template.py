"""`perfdsl template`: an empty data sheet for a ruleset, for a department to fill in and send back.

One column per input in declaration order, the record's name first; row 2
says what each column holds in Chinese — its type and unit, an assessor's
得分 or 扣分 with its range, the allowed texts, the declared range, the default
— and is skipped when the sheet is read back (see `tabular`); a note column
follows every judgement (``manual``) input so the assessor's reason travels
with it.  A list input's fields are ``列表名.字段名`` columns, one item a row.
The workbook adds 是/否 dropdowns, range checks on judgements and counts,
percent and money number formats, frozen headers, and a 说明 sheet that
explains every kind of column it has.
"""

from __future__ import annotations

import csv
from decimal import Decimal

import attrs

from . import nodes
from .basis import points, show_value
from .files import save_workbook
from .inputs import judged_inputs
from .model import InputSpec, Model
from .neutralise import spreadsheet
from .source import display_width
from .tabular import ITEM_SEPARATOR, NOTE_SUFFIX, column_letter
from .unparse import expression

_KINDS = {"text": "文本", "count": "计数", "number": "数值", "rate": "比率", "money": "金额", "bool": "是/否"}
_NUMBER_FORMATS = {"rate": "0.00%", "money": "#,##0.00", "text": "@"}
_INSTRUCTIONS = (
    "填写说明",
    "每行填写一个单位（一条记录）；第 1 行是输入名，请勿修改；第 2 行说明每列填什么，可保留或删除。",
    "留空的单元格视为未填写：有默认值的输入取默认值，否则该记录报错（同一条记录的所有问题一次列出）。",
    "超出第 2 行所示范围的值在读回时报错，并指明行与列。",
)
#: What each kind of column holds, for the 说明 sheet: (kind, how to fill it, an example).
_KIND_NOTES = {
    "文本": ("文字，原样读入", "潮州市潮安区政务服务数据管理局"),
    "计数": ("非负整数（不带“个”“项”等字）", "14"),
    "数值": ("数字", "96.5"),
    "比率": ("百分数（如 97.6%），或小数（如 0.976）；不要只写 97.6", "97.6%"),
    "金额（元）": ("以元为单位的数字，或带单位的文字（4300元、0.43万元）", "6440687.91"),
    "金额（万元）": ("以万元为单位的数字，或带单位的文字（4300元、0.43万元）", "644.07"),
    "是/否": ("从下拉框选择 是 或 否，也可填 TRUE/FALSE、1/0", "是"),
    "扣分": ("评审扣除的分数（不是得分），在第 2 行所示范围内；旁边“备注”列写扣分理由", "3"),
    "得分": ("评审给出的得分（不是扣分），在第 2 行所示范围内；旁边“备注”列写评分理由", "9"),
    "备注": ("文字，写进该项评分的依据", "未提供项目实施过程中的检查、督促佐证资料"),
    "列表": ("列名为“列表名.字段名”：每行填一项；同一单位的后续各项，单位的其他列留空",
             "产出指标 / 发布目录总数 / 30条 / 178条"),
}


@attrs.frozen
class Column:
    header: str
    hint: str
    spec: InputSpec | None  # None for a note column
    item_of: str | None = None  # a list input's field: the list's name (the column is ``列表名.字段名``)
    judged: tuple | None = None  # an assessor's judgement: (mode, most it may be)


@attrs.frozen
class Judgement:
    """An input an assessor fills with a judged score (`manual score`) or deduction (`manual`)."""

    mode: str  # "score" | "deduction"
    declared: Decimal  # the indicator's weight
    most: Decimal  # its weight when every reallocation into it happens


def judgement(model: Model, name: str) -> Judgement | None:
    """How input `name` is judged, if an indicator's `manual` rule reads it."""
    found = judged_inputs(model).get(name)
    return Judgement(*found) if found is not None else None


def columns(model: Model) -> list[Column]:
    """The template's columns: the record's name first, then every input, a note column after each judgement;
    a list input's fields as ``列表名.字段名`` columns, one item a row."""
    specs = sorted(model.inputs, key=lambda spec: spec.name != model.record)
    out = []
    for spec in specs:
        if spec.type.kind == "list":
            out += [Column(f"{spec.name}{ITEM_SEPARATOR}{field.name}", hint(field, model, spec.name), field, spec.name)
                    for field in spec.fields]
            continue
        judged = judgement(model, spec.name)
        out.append(Column(spec.name, hint(spec, model), spec, judged=judged))
        if judged is not None:
            why = "评分理由" if judged.mode == "score" else "扣分理由"
            out.append(Column(spec.name + NOTE_SUFFIX, f"备注（{why}）", None))
    return out


def hint(spec: InputSpec, model: Model, within: str | None = None) -> str:
    """What a cell of this input takes: ``金额（元）``, ``比率（如 97.6%）``, ``扣分（0–5，默认 0）``,
    ``得分（0–10）``."""
    judged = judgement(model, spec.name)
    details = []
    if judged is not None:
        kind = "得分" if judged.mode == "score" else "扣分"
        details.append(f"0–{points(judged.declared)}")
        if judged.most != judged.declared:
            details.append(f"分值调入后最多 {points(judged.most)}")
    else:
        kind = _KINDS[spec.type.kind]
    if spec.name == model.record:
        details.append("记录名称")
    roles = _target_roles(model)
    role = roles.get(f"{within}.{spec.name}") or roles.get(spec.name)
    if role is not None:
        details.append(role)
    if spec.type.kind == "money":
        details.append(spec.type.unit or "元")
    if spec.type.kind == "rate":
        details.append("如 97.6%")
    if spec.choices:
        details.append("、".join(spec.choices) + " 之一")
    if spec.low is not None:
        details.append(f"{'>' if spec.low_open else '≥'} {expression(spec.low)}")
    if spec.high is not None:
        details.append(f"{'<' if spec.high_open else '≤'} {expression(spec.high)}")
    if spec.informational:
        details.append("仅供参考，不计分")
    if spec.default is not None and not (isinstance(spec.default, str) and not spec.default):
        details.append(f"默认 {show_value(spec.default, spec.type)}")
    return f"{kind}（{'，'.join(details)}）" if details else kind


def _target_roles(model: Model) -> dict:
    """Text inputs and fields read by a `target … actual …` rule → what the hint says they hold."""
    out = {}
    for node in nodes.walk(model.module):
        roles = ()
        if isinstance(node, nodes.TargetRule):
            roles = ((node.target, "目标值，如 30条、≥95%、6%以内、9月前、有效提升"),
                     (node.actual, "实际值，如 178条、0.295%、2020年11月、按时完成，"
                                   "定性指标填 达成/基本达成/部分达成/未达成"
                      if node.levels is None else "实际值；定性指标填 " + "、".join(a.name for a in node.levels)),
                     (node.unit, "度量单位，如 百分比、个、万元，目标值和实际值未写单位时用"))
        elif isinstance(node, nodes.RatingRule):
            roles = ((node.subject, "得分系数，0 到 1" if node.levels is None
                      else "等级：" + "、".join(a.name for a in node.levels) + " 之一"),)
        elif isinstance(node, nodes.Each) and node.weight is not None:
            roles = ((node.weight, "该项分值，同一分组各项合计须等于分组分值"),)
        for expr, said in roles:
            if isinstance(expr, nodes.Name):
                out.setdefault(expr.name, said)
    for card in model.scorecards:
        for leaf in card.leaves():
            if isinstance(leaf.indicator.rule, nodes.PanelRule):
                out.setdefault(f"{leaf.manual_input}.得分", f"专家评分 0–{points(leaf.declared)}，每位专家一行")
    return out


def _kinds(layout) -> list[str]:
    """The kinds of column a template has, in the order the 说明 sheet explains them."""
    found = set()
    for column in layout:
        if column.spec is None:
            found.add("备注")
        elif column.judged is not None:
            found.add("得分" if column.judged.mode == "score" else "扣分")
        elif column.spec.type.kind == "money":
            found.add(f"金额（{column.spec.type.unit or '元'}）")
        else:
            found.add(_KINDS[column.spec.type.kind])
        if column.item_of is not None:
            found.add("列表")
    return [kind for kind in _KIND_NOTES if kind in found]


def instructions(model: Model) -> list[list[str]]:
    """The rows of the 说明 sheet: how to fill the sheet, then every kind of column it has."""
    rows = [[line] for line in _INSTRUCTIONS]
    rows.append(["各类列怎么填："])
    rows += [[f"【{kind}】{how}。例：{example}"] for kind, (how, example) in
             ((kind, _KIND_NOTES[kind]) for kind in _kinds(columns(model)))]
    return rows


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
    _validations(sheet, layout)
    notes = book.create_sheet("说明")
    for row in instructions(model):
        notes.append(row)
    notes["A1"].font = Font(bold=True)
    notes.column_dimensions["A"].width = 100
    _print_setup(sheet, notes, layout)
    save_workbook(book, handle)


#: About how many units of column width an A4 landscape page shows at a readable scale (about 75%).
_PAGE_WIDTH = 180
#: The widest a data column prints: a longer hint (``扣分（0–5，分值调入后最多 6，默认 0）``) wraps.
_COLUMN_WIDTH = 16


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
        dimension.width = min(dimension.width, _COLUMN_WIDTH, max(10, math.ceil(widest / 2) + 2))
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


def _validations(sheet, layout):
    """Excel refuses, as it is typed, a judgement outside its range or a count that is not a whole number ≥ 0."""
    from openpyxl.worksheet.datavalidation import DataValidation

    for index, column in enumerate(layout):
        letter = column_letter(index)
        if column.judged is not None:
            top = points(column.judged.most)
            rule = DataValidation(type="decimal", operator="between", formula1="0", formula2=top, allow_blank=True,
                                  showErrorMessage=True, errorTitle="超出范围", error=f"请填写 0 到 {top} 之间的数")
        elif column.spec is not None and column.spec.type.kind == "count":
            rule = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                                  showErrorMessage=True, errorTitle="请填写整数", error="计数须是不小于 0 的整数")
        else:
            continue
        sheet.add_data_validation(rule)
        rule.add(f"{letter}3:{letter}1048576")
