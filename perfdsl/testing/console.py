"""`perfdsl test` on the terminal: each ruleset's example files, its cases, their outcome, coverage, and
the closing ``通过 N 项，失败 M 项``.

A ruleset with no example file fails (its invariants may all hold, but nothing shows that it reproduces
a published score); hypothesis keeps its files in the user's cache (`profiles.user_cache`).
"""

from __future__ import annotations

import textwrap

from ..errors import PerfError
from ..files import STDIN, read_stdin
from . import profiles
from .suite import Options, RulesetTests, _shown


def run(paths, options: Options, echo, verbose: bool = False) -> int:
    """Run every case of every ruleset, printing as it goes; return the exit status (0, 1 or 2).

    A path ``-`` is a ruleset read from standard input.
    """
    with profiles.user_cache():
        return _run(paths, options, echo, verbose)


def _run(paths, options: Options, echo, verbose: bool) -> int:
    passed = failed = 0
    status = 0
    for path in paths:
        echo(STDIN if path == "-" else str(path))
        try:
            tests = RulesetTests(STDIN, options, read_stdin("规则集")) if path == "-" else RulesetTests(path, options)
        except PerfError as exc:
            echo(_indent(exc.render(), 4))
            echo("  ✗ 规则集无法载入")
            failed += 1
            status = max(status, exc.exit_code)
            continue
        if not tests.model.scorecards:
            header = tests.model.module.header
            if header is not None and header.framework:  # docs/language.md §12
                echo("  框架规则集（framework，没有计分卡），由 extends 它的规则集测试")
            else:
                echo("  共用定义的函数库（没有计分卡），由 include 它的规则集测试")
            continue
        if tests.example_files:
            echo(f"  示例记录：{'、'.join(_shown(file) for file in tests.example_files)}")
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
    echo(f"通过 {passed} 项，失败 {failed} 项")
    return max(status, 1 if failed else 0)


def _indent(text: str, width: int) -> str:
    return textwrap.indent(text, " " * width)
