"""CSV: one row per record — name, each scorecard's total and grade, every indicator's score, error.

Numbers are exact decimal text (``89.04``); a file written with ``-o`` starts
with a BOM so that Excel and WPS read the Chinese headers as UTF-8.
"""

from __future__ import annotations

import csv
from decimal import Decimal

from ..decimals import plain
from ..neutralise import spreadsheet
from .summary import Summary


def write(handle, results, model, scorecards=None):
    summary = Summary(model, scorecards, indicators=True)
    writer = csv.writer(handle)
    writer.writerow([spreadsheet(text) for text in summary.header()])
    for position, item in results:
        writer.writerow([_text(cell) for cell in summary.row(position, item)])


def _text(cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, Decimal):
        return plain(cell)
    if isinstance(cell, int):
        return str(cell)
    return spreadsheet(cell)  # data and ruleset text: never a formula (neutralise)
