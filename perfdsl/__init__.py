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

The names below are imported on first use, so that importing a submodule
(the pytest plugin, `perfdsl.errors`) does not load the parser.
"""

from __future__ import annotations

import importlib

#: The version of the ruleset language (docs/language.md) this perfdsl reads; ``perfdsl --version`` shows it.
LANGUAGE_VERSION = "1.0"

_EXPORTS = {
    "PerfError": "errors", "RecordError": "errors", "RulesetError": "errors",
    "compile_text": "loader", "diagnose": "loader", "load": "loader",
    "Program": "program", "Result": "result",
}

__all__ = sorted([*_EXPORTS, "LANGUAGE_VERSION", "read_record"])


def __getattr__(name):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'perfdsl' has no attribute {name!r}")


def read_record(path):
    """The one record in a JSON file (numbers read as exact decimals); a bad file is a `PerfError`."""
    from .datafiles import loads
    from .errors import DataFileError
    from .files import read_text

    return loads(read_text(path, "数据文件", DataFileError), str(path))
