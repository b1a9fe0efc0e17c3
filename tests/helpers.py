"""Small helpers shared by the tests: compile a ruleset from text, score a record, read figures."""

from __future__ import annotations

from decimal import Decimal

from perfdsl import compile_text

HEADER = 'ruleset "测试" { precision 2 }\n'


def program(text: str, header: bool = True):
    return compile_text((HEADER if header else "") + text, "test.perf")


def scores(program, record: dict, card: str | None = None) -> dict:
    """{path: score} of one scorecard (the first by default), plus "" for the total."""
    result = program.evaluate(record)
    chosen = result.scorecard(card) if card else result.scorecards[0]
    out = {"/".join(node.path): node.score for node in chosen.nodes}
    out[""] = chosen.score
    return out


def D(text) -> Decimal:
    return Decimal(str(text))
