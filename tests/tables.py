"""Records → CSV and Excel data files laid out as `perfdsl template` lays them out, as a department fills them.

CSV cells are text (是/否, "97.6%", "0.43万元"); workbook cells are what Excel
stores: numbers, TRUE/FALSE, and rates as percent-formatted fractions.
"""

from __future__ import annotations

import csv
from decimal import Decimal

from perfdsl.template import columns

BAD_ROWS = {  # position in the batch → (column, cell) that spoils the row
    11: ("项目总数", "十四"),
    102: ("已完成资产盘点", "也许"),
    153: (None, "多出的一格"),  # a value in a column without a header
}


def header(model, records) -> list[str]:
    """The template's headers, plus a note column for any other input a record annotates."""
    out = [column.header for column in columns(model)]
    for record in records:
        for key, value in record.items():
            if isinstance(value, dict) and f"{key}备注" not in out:
                out.append(f"{key}备注")
    return out


def hints(model, head) -> list[str]:
    known = {column.header: column.hint for column in columns(model)}
    return [known.get(name, "备注") for name in head]


def cells(record, head, workbook: bool) -> list:
    out = []
    for name in head:
        if name.endswith("备注") and name not in record:
            value = record.get(name[: -len("备注")])
            out.append(value["note"] if isinstance(value, dict) else None)
            continue
        value = record.get(name)
        if isinstance(value, dict):
            value = value["value"]
        out.append(_workbook_cell(value) if workbook else _csv_cell(value))
    return out


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


class Percent(float):
    """A rate as Excel holds a cell typed ``97.6%``: the fraction, percent-formatted."""


def _workbook_cell(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str) and value.endswith("%"):
        return Percent(Decimal(value[:-1]) / 100)
    return value


def spoil(rows: list, head: list, position: int):
    """Insert the bad row of `BAD_ROWS` at `position` (1-based): the row it displaces, renamed and spoilt."""
    column, bad = BAD_ROWS[position]
    row = list(rows[position - 1])
    row[head.index("单位")] = f"坏行{position}"
    if column is None:
        row += [None, bad]
    else:
        row[head.index(column)] = bad
    rows.insert(position - 1, row)


def write_csv(path, head, hint_row, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(head)
        if hint_row is not None:
            writer.writerow(hint_row)
        writer.writerows(rows)


def write_xlsx(path, head, hint_row, rows):
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    sheet = book.create_sheet("数据")
    sheet.append(head)
    if hint_row is not None:
        sheet.append(hint_row)
    for row in rows:
        out = []
        for value in row:
            cell = WriteOnlyCell(sheet, float(value) if isinstance(value, Percent) else value)
            if isinstance(value, Percent):
                cell.number_format = "0.0%"
            out.append(cell)
        sheet.append(out)
    book.save(path)


def write_batch(directory, model, count: int = 200) -> dict:
    """`count` generated Chao'an records as .json, and as .csv and .xlsx with the `BAD_ROWS` among them."""
    from bench_eval import make_records

    from perfdsl.report import jsonout

    records = make_records(count)
    paths = {"json": directory / "batch.json", "csv": directory / "batch.csv", "xlsx": directory / "batch.xlsx"}
    paths["json"].write_text(jsonout.dumps(records), "utf-8")
    head = header(model, records)
    hint_row = hints(model, head)
    for kind, write in (("csv", write_csv), ("xlsx", write_xlsx)):
        rows = [cells(record, head, workbook=kind == "xlsx") for record in records]
        for position in sorted(BAD_ROWS):
            spoil(rows, head, position)
        write(paths[kind], head, hint_row, rows)
    return paths


def letter(head: list, name: str) -> str:
    """The column letter of header `name`."""
    from perfdsl.tabular import column_letter

    return column_letter(head.index(name))
