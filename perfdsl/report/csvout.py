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
from . import jsonout
from .plans import CsvPlan
from .summary import Summary


def write(handle, results, model, scorecards=None):
    summary = Summary(model, scorecards, indicators=True)
    sink = jsonout.Sink(handle)
    writer = csv.writer(sink)
    writer.writerow([spreadsheet(text) for text in summary.header()])
    key = _key(scorecards)
    plans = jsonout.Plans(lambda program: CsvPlan(program, summary, _text))
    for position, item in results:
        done = None if isinstance(item, RecordError) else getattr(item, "rendered", {}).get(key)
        if done is not None:  # the row's text, as a worker wrote it
            sink.write(done)
        else:
            writer.writerow(_cells(summary, plans, position, item))


def preparer(model, scorecards=None, errors=None):
    """`prepare(position, result)` for `parallel.scored`: the row's text, made where the record is scored (UTF-8
    bytes when `errors` says the output takes them, `jsonout.Sink`)."""
    summary = Summary(model, scorecards, indicators=True)
    key = _key(scorecards)
    plans = jsonout.Plans(lambda program: CsvPlan(program, summary, _text))
    lines: list[str] = []
    writer = csv.writer(_Lines(lines))  # the same dialect as `write`'s: the row's text is what it would write

    def prepare(position, result):
        writer.writerow(_cells(summary, plans, position, result))
        result.rendered[key] = jsonout.encoded(lines.pop(), errors)

    return prepare


class _Lines:
    """A file that keeps what is written to it (one row at a time)."""

    def __init__(self, lines):
        self.write = lines.append


def _cells(summary, plans, position, item) -> list:
    if not isinstance(item, RecordError):
        plan = plans.of(item)
        cells = plan.cells(position, item) if plan is not None else None
        if cells is not None:
            return cells
    return [_text(cell) for cell in summary.row(position, item)]


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
