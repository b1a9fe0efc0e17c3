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
    """Every scorecard's total and grade (as "<card>" and "<card>:grade") and every indicator's score by path."""
    out = {}
    for card in program.evaluate(record).scorecards:
        out[card.name] = card.score
        out[card.name + ":grade"] = card.grade
        out.update({"/".join(node.path): node.score for node in card.nodes})
    return out


def D(text) -> Decimal:
    return Decimal(str(text))


def pdf_font() -> bool:
    """Whether the PDF writer has a Chinese font here.  CI installs one (.ci/run), so there a missing font fails;
    elsewhere the tests that write every format leave the PDF out (tests/test_scoresheet.py skips, saying so)."""
    import os

    from perfdsl.errors import UsageError
    from perfdsl.report import fonts

    try:
        fonts.load()
        return True
    except UsageError:
        return bool(os.environ.get("CI"))


#: Every output format `perfdsl eval` writes to a file, the PDF only where it can be written (`pdf_font`).
FORMATS = ("json", "jsonl", "csv", "md", "html", "table", "xlsx") + (("pdf",) if pdf_font() else ())
