"""CSV: one row per record — name, each scorecard's total and grade, every indicator's score, error.

Numbers are exact decimal text (``89.04``); a file written with ``-o`` starts
with a BOM so that Excel and WPS read the Chinese headers as UTF-8.
"""

from __future__ import annotations

import csv
from decimal import Decimal

from ..decimals import plain
from ..errors import RecordError
from ..neutralise import spreadsheet
from .summary import Summary


def write(handle, results, model, scorecards=None):
    summary = Summary(model, scorecards, indicators=True)
    writer = csv.writer(handle)
    writer.writerow([spreadsheet(text) for text in summary.header()])
    key = _key(scorecards)
    for position, item in results:
        cells = None if isinstance(item, RecordError) else getattr(item, "rendered", {}).get(key)
        writer.writerow(cells if cells is not None else [_text(cell) for cell in summary.row(position, item)])


def preparer(model, scorecards=None):
    """`prepare(position, result)` for `parallel.scored`: the row's cells, made where the record is scored."""
    summary = Summary(model, scorecards, indicators=True)
    key = _key(scorecards)

    def prepare(position, result):
        result.rendered[key] = [_text(cell) for cell in summary.row(position, result)]

    return prepare


def _key(scorecards) -> tuple:
    return ("csv", frozenset(scorecards) if scorecards is not None else None)


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return plain(cell)
    if isinstance(cell, int):
        return str(cell)
    return spreadsheet(cell)  # data and ruleset text: never a formula (neutralise)
