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


def all_scores(program, record: dict) -> dict:
    """{path: score} of every scorecard, with "<card>" for its total and "<card>:grade" for its grade."""
    result = program.evaluate(record)
    out = {}
    for card in result.scorecards:
        out[card.name] = card.score
        out[card.name + ":grade"] = card.grade
        out.update({"/".join(node.path): node.score for node in card.nodes})
    return out


def D(text) -> Decimal:
    return Decimal(str(text))
