"""``--format scores``: JSON Lines of the figures only, one object per record in input order.

    {"record": "某单位", "scorecards": {"复核得分": {"score": 89.04, "grade": "良好",
     "indicators": {"预算编制情况": 12, "预算编制情况/预算编制": 7, …}}}}

The shape of a record's ``_expected``/``_reported`` (DESIGN §6, §7) under
``scorecards``, so a line's ``scorecards`` can be pasted into a record as what
`perfdsl audit` checks; ``warnings`` (as in §5) only when there are some.  A
record that could not be scored is ``{"record": …, "error": {"message": …,
"key": …}}`` in its place (§5), and the exit status is 1.  Numbers are exact
decimals.  No basis, criteria, weights or paths as lists: this is the format
for programs that want the scores (docs/output.md).
"""

from __future__ import annotations

from ..errors import RecordError
from . import jsonout


def scores_json(item, scorecards=None) -> dict:
    """A record's object, from the `Result` tree: the reference the fast writer (`plans.ScoresPlan`) equals."""
    if isinstance(item, RecordError):
        return jsonout.result_json(item)
    out = {"record": item.name,
           "scorecards": {card.name: {"score": card.score, "grade": card.grade, "indicators": card.indicators()}
                          for card in item.scorecards if scorecards is None or card.name in scorecards}}
    if item.warnings:
        out["warnings"] = [warning.to_json() for warning in item.warnings]
    return out


def record_text(item, scorecards=None, plan=None) -> str:
    """One record's line (without its newline)."""
    if not isinstance(item, RecordError):
        text = plan.text(item) if plan is not None else None
        if text is not None:
            return text
    return jsonout.dumps(scores_json(item, scorecards), None)


def _key(scorecards) -> tuple:
    return ("scores", frozenset(scorecards) if scorecards is not None else None)


def write(handle, results, model=None, scorecards=None):
    """Every record's line, in input order (a text prepared by a worker, as bytes or text, as it is)."""
    key = _key(scorecards)
    plans = jsonout.Plans(lambda program: _plan(program, scorecards))
    sink = jsonout.Sink(handle)
    errors = sink.bytes_errors()  # a line made in this process is made as bytes too, where they can be written
    for _, item in results:
        done = None if isinstance(item, RecordError) else getattr(item, "rendered", {}).get(key)
        if done is not None:
            sink.write(done)
            continue
        plan = plans.of(item)
        line = plan.line(item, errors) if errors is not None and plan is not None and \
            not isinstance(item, RecordError) else None
        sink.write(line if line is not None else record_text(item, scorecards, plan) + "\n")


def preparer(model=None, scorecards=None, errors=None):
    """`prepare(position, result)` for `parallel.scored`: the record's line, made where it is scored (UTF-8
    bytes when `errors` says the output takes them, `jsonout.Sink`)."""
    key = _key(scorecards)
    plans = jsonout.Plans(lambda program: _plan(program, scorecards))

    def prepare(_position, result):
        plan = plans.of(result)
        line = plan.line(result, errors) if plan is not None and errors is not None else None
        result.rendered[key] = line if line is not None else \
            jsonout.encoded(record_text(result, scorecards, plan) + "\n", errors)

    return prepare


def _plan(program, scorecards):
    from .plans import ScoresPlan

    return ScoresPlan(program, scorecards)
