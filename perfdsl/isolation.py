"""A record is the unit of failure: whatever goes wrong for one record becomes that record's error, in its place.

`scored` turns a batch into (position, `Result` or `RecordError`) pairs for
the writers.  Each result a writer will show with its 依据 is *materialised*
here first — its basis built from the compiled evaluator's facts, and where a
node's text is the reference interpreter's, that evaluator's figures compared
with the compiled ones — so that nothing can fail once a writer has started
on a record: a basis that cannot be built (a figure too large for the
arithmetic, say) or evaluators that disagree make the record an error naming
it and the key, and the other records are written as usual.  An
unexpected exception while scoring one record is reported as a perfdsl
defect *for that record*, never as the end of the batch.
"""

from __future__ import annotations

from decimal import Decimal

from .decimals import plain
from .errors import EvaluationError, PerfError, RecordError


def scored(program, batch, basis_for=None, finish=lambda item, raw: item):
    """Yield (position, Result or RecordError) for every record of `batch`, in order.

    `basis_for` is how many scored records will be shown with their basis (None: all; 0: none — CSV and
    the 汇总 sheet need the compiled figures only); `finish(item, raw)` completes each (the caller adds
    where a value sits in a table, say).
    """
    shown = 0
    for position, raw in batch.records:
        item = one(program, position, raw, batch.lenient, basis_for is None or shown < basis_for, finish)
        if not isinstance(item, RecordError) and (basis_for is None or shown < basis_for):
            shown += 1
        yield position, item


def one(program, position, raw, lenient: bool, basis: bool, finish=lambda item, raw: item):
    """One record's Result (materialised when `basis`) or its RecordError: whatever goes wrong is the record's."""
    if isinstance(raw, RecordError):
        return raw
    try:
        result = program.evaluate(raw, position, lenient=lenient, explained=basis)
        if basis:
            materialise(result)
    except RecordError as exc:
        if exc.record is None:
            exc.record = position
        return finish(exc, raw)
    except (PerfError, ArithmeticError, ValueError, TypeError, KeyError, IndexError, AttributeError,
            RecursionError, MemoryError, OverflowError, ZeroDivisionError, AssertionError) as exc:
        return finish(defect(exc, _name(raw, program, position)), raw)
    return finish(result, raw)


def materialised(program, item, finish=lambda item, raw: item, raw=None):
    """`item` with its basis built (a Result scored elsewhere without it), or the record's error."""
    if isinstance(item, RecordError) or item.materialised:
        return item
    try:
        materialise(item)
    except RecordError as exc:
        if exc.record is None:
            exc.record = item.name
        return finish(exc, raw)
    except (PerfError, ArithmeticError, ValueError, TypeError, KeyError, IndexError, AttributeError,
            RecursionError, MemoryError, OverflowError, ZeroDivisionError, AssertionError) as exc:
        return finish(defect(exc, item.name), raw)
    return item


def materialise(result):
    """Build every basis line of `result` now (a failure here is this record's).

    The text comes from the compiled evaluator's facts (`Program.basis`), which also checks that its
    figures are those of `result`; the two evaluators are compared on every record by the tests
    (tests/test_basis_core.py, tests/test_properties.py).  Where a node's text is the reference
    interpreter's (a form `rendering` leaves to it), its figures must be the compiled ones, as before.
    """
    from .program import FiguresDiffer

    try:
        texts = result.texts()
    except FiguresDiffer:  # the reference evaluator names the figure (and if it agrees, the error stands)
        _compare(result, result.trace())
        raise
    if all(_rendered(card) for card in texts):  # every line from the facts: no interpreter, nothing to compare,
        result.materialised = True  # and no `Result` tree to build (the writers from the flat tuple need none)
        return
    for card in result.scorecards:
        for node in card.nodes:
            node.basis  # noqa: B018 - built here, where a failure is this record's
        card.basis  # noqa: B018
    if result._trace is not None:
        _compare(result, result._trace)
    result.materialised = True


def _rendered(card) -> bool:
    """Whether `Program.basis` wrote every line of a scorecard (nodes, total, `each` items, scorecard rules)."""
    nodes, total, items, rules = card
    return (total is not None and None not in nodes and rules is not None and None not in rules
            and all(None not in texts for texts in items.values()))


def _compare(result, trace):
    """The reference evaluator's figures against the compiled evaluator's, for a basis that uses both."""
    for card in result.scorecards:
        traced = trace.cards[card.name]
        if (traced.total, traced.grade) != (card.score, card.grade):
            raise _disagreement(result, card.name, "总分", (card.score, card.grade), (traced.total, traced.grade))
        for node, step in zip(card.fixed, traced.nodes):
            if (node.weight, node.score) != (step.weight, step.score):
                raise _disagreement(result, card.name, "/".join(node.path), (node.weight, node.score),
                                    (step.weight, step.score))


def defect(exc: BaseException, record) -> EvaluationError:
    """A failure that is perfdsl's fault, confined to one record."""
    return EvaluationError(f"perfdsl 内部错误（{type(exc).__name__}: {str(exc)[:200]}），此记录未能计分；"
                           "请报告此问题", record=record)


def _disagreement(result, card: str, what: str, compiled, reference) -> EvaluationError:
    return EvaluationError(f"计分卡 {card} 的 {what}：编译求值为 {_pair(compiled)}，参考求值为 {_pair(reference)}，"
                           "两者不一致；这是 perfdsl 的缺陷，请报告此问题", record=result.name)


def _pair(pair) -> str:
    return "、".join(plain(part) if isinstance(part, Decimal) else str(part) for part in pair if part is not None)


def _name(raw, program, position):
    key = program.model.record
    value = raw.get(key) if isinstance(raw, dict) and key else None
    if isinstance(value, dict):
        value = value.get("value")
    return value if isinstance(value, str) and value.strip() else position
