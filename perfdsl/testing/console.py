"""`perfdsl test` on the terminal: each ruleset's cases, their outcome, coverage, and ``N passed, M failed``."""

from __future__ import annotations

import textwrap

from ..errors import PerfError
from .suite import Options, RulesetTests


def run(paths, options: Options, echo, verbose: bool = False) -> int:
    """Run every case of every ruleset, printing as it goes; return the exit status (0, 1 or 2)."""
    passed = failed = 0
    status = 0
    for path in paths:
        echo(str(path))
        try:
            tests = RulesetTests(path, options)
        except PerfError as exc:
            echo(_indent(exc.render(), 4))
            echo("  ✗ 规则集无法载入")
            failed += 1
            status = max(status, exc.exit_code)
            continue
        if not tests.model.scorecards:
            echo("  共用定义的函数库（没有计分卡），由 include 它的规则集测试")
            continue
        for case in tests.cases():
            outcome = case.run()
            mark = "✓" if outcome.ok else "✗"
            echo(f"  {mark} {case.title} — {outcome.summary}（{outcome.seconds:.2f} 秒）")
            if not outcome.ok:
                echo(_indent(outcome.detail, 6))
                if verbose and outcome.data:
                    echo(_indent(outcome.data, 6))
            if outcome.notes:
                echo(_indent(outcome.notes, 6))
            passed, failed = passed + outcome.ok, failed + (not outcome.ok)
        echo(f"  {tests.coverage.summary()}")
        missed = tests.coverage.missed()
        if missed:
            echo("    未覆盖：")
            echo(_indent("\n".join(branch.describe() for branch in missed), 6))
    echo(f"{passed} passed, {failed} failed")
    return max(status, 1 if failed else 0)


def _indent(text: str, width: int) -> str:
    return textwrap.indent(text, " " * width)
