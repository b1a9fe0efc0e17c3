"""perfdsl — performance-evaluation schemes (绩效评价指标体系) as checked, exactly evaluated rulesets.

    >>> import perfdsl
    >>> program = perfdsl.load("rulesets/chaoan-2022.perf")
    >>> result = program.evaluate(perfdsl.read_record("examples/chaoan-2022.json"))
    >>> str(result.scorecard("复核得分").score), result.scorecard("复核得分").grade
    ('89.04', '良好')

The pipeline: `parser` (text → `nodes`) → `resolve` (names, types → `model`)
→ `checks` → `codegen` (model → Python source, compiled once) → `program`
(records → `result`), with `interp` as the reference evaluator behind the
basis text and the error messages.
"""

from .errors import PerfError, RecordError, RulesetError
from .loader import compile_text, diagnose, load
from .program import Program
from .result import Result

__all__ = ["PerfError", "Program", "RecordError", "Result", "RulesetError", "compile_text", "diagnose", "load",
           "read_record"]


def read_record(path):
    """The one record in a JSON file (numbers read as exact decimals)."""
    from .datafiles import loads

    with open(path, encoding="utf-8") as handle:
        return loads(handle.read(), str(path))
