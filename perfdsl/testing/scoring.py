"""Score one record the way the tester needs it: compiled figures, the reference trace, and nothing hidden.

Only `RecordError`s are declared errors of evaluation; any other exception
escaping either evaluator is a `Violation` (a defect), carrying the record
so that it can be shrunk and written out.
"""

from __future__ import annotations

from decimal import localcontext

import attrs

from .. import interp
from ..decimals import CONTEXT
from ..errors import RecordError
from ..inputs import Record
from ..result import Result


class Violation(Exception):
    """A property does not hold; `records` reproduce it (one, or a pair for monotonicity)."""

    def __init__(self, message: str, records=()):
        super().__init__(message)
        self.message = message
        self.records = tuple(records)


@attrs.frozen
class Scored:
    raw: dict
    record: Record
    result: Result
    trace: interp.Trace | None  # the reference run, when asked for
    evaluation: interp.Evaluation | None  # … kept to evaluate further expressions over the record

    def value(self, expr, full=None):
        """An expression of the ruleset's language, over this record (lets and totals included)."""
        with localcontext(CONTEXT):
            return self.evaluation.eval(expr, full)


def score(program, raw: dict, record: Record, reference: bool = True) -> Scored:
    """Score `record` (converted from `raw`), and with the reference evaluator too unless told not to.

    Raise `RecordError` (a declared error) or `Violation` (anything else).
    """
    evaluation = trace = None
    try:
        result = Result(program, record, program.scores(record))
        if reference:
            evaluation = interp.Evaluation(program.model, record)
            trace = evaluation.run()
    except RecordError as exc:
        if exc.record is None:
            exc.record = record.name
        raise
    except Exception as exc:  # an undeclared error: a defect, whatever raised it
        raise Violation(f"抛出了未声明的异常 {type(exc).__name__}: {exc}", [raw]) from exc
    return Scored(raw, record, result, trace, evaluation)
