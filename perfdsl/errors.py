"""One error hierarchy for everything a user can get wrong, and one renderer.

A ruleset problem is a `Diagnostic` (immutable, with a stable code and a
`Span`); the exceptions below carry diagnostics or a data key, never a Python
traceback's worth of internals.  The CLI maps each exception class to an exit
status (2 for syntax and usage, 1 for checks, records and tests).

Codes: P1xx syntax, P2xx names and types, P3xx weights and structure,
P4xx rule shapes, P5xx data, P6xx evaluation, P7xx properties (`property …`).
"""

from __future__ import annotations

import enum

from .frozen import field, frozen
from .source import Span, display_width
from .textwidth import window


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"


@frozen
class Diagnostic:
    """A located message about a ruleset: ``file:line:col: error[P201]: …``."""

    code: str
    severity: Severity
    message: str
    span: Span | None = field(default=None, eq=False)
    hint: str | None = None
    notes: tuple[tuple[str, Span | None], ...] = field(default=(), eq=False)
    #: The text that replaces `span` to fix the problem, when there is one sure fix (the hint says it
    #: in words): a half-width `:` for `：`, the declared name a misspelt one is closest to.
    fix: str | None = field(default=None, eq=False, kw_only=True)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def render(self) -> str:
        """Compiler-style text: location, message, the source line and a caret."""
        head = f"{self.severity.value}[{self.code}]: {self.message}"
        if self.span is None:
            lines = [head]
        else:
            lines = [f"{self.span.location()}: {head}"]
            lines += _excerpt(self.span, self.hint)
        if self.span is None and self.hint:
            lines.append(f"  = 提示: {self.hint}")
        for text, span in self.notes:
            where = f"{span.location()}: " if span is not None else ""
            lines.append(f"  = 注: {where}{text}")
        return "\n".join(lines)

    def to_json(self) -> dict:
        out = {
            "code": self.code,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.span.source.path if self.span else None,
            "line": self.span.line if self.span else None,
            "column": self.span.column if self.span else None,
            "end_line": self.span.end_line if self.span else None,
            "end_column": self.span.end_column if self.span else None,
            "hint": self.hint,
            "notes": [{"message": text, "file": span.source.path if span else None,
                       "line": span.line if span else None, "column": span.column if span else None}
                      for text, span in self.notes],
        }
        return out


def _excerpt(span: Span, hint: str | None) -> list[str]:
    """The source line (a window of it when long: a 5 KB line of JSON is never echoed) and a caret."""
    line, column = window(span.source.line(span.line), span.column, 160)
    shift = span.column - column
    gutter = str(span.line)
    pad = " " * len(gutter)
    lead = display_width(line[: column - 1])
    if span.end_line == span.line and span.end_column > span.column:
        width = max(min(display_width(line[column - 1 : span.end_column - 1 - shift]), display_width(line) - lead), 1)
    else:
        width = 1
    caret = " " * lead + "^" * max(width, 1)
    if hint:
        caret += " " + hint
    return [f"{gutter} | {line}", f"{pad} | {caret}"]


def error(code: str, message: str, span: Span | None, hint: str | None = None,
          notes: tuple = (), fix: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.ERROR, message, span, hint, notes, fix=fix)


def warning(code: str, message: str, span: Span | None, hint: str | None = None,
            notes: tuple = (), fix: str | None = None) -> Diagnostic:
    return Diagnostic(code, Severity.WARNING, message, span, hint, notes, fix=fix)


class PerfError(Exception):
    """Base of every error perfdsl reports to a user."""

    exit_code = 1

    def render(self) -> str:
        return str(self)


class RulesetError(PerfError):
    """A ruleset that cannot be used; carries every diagnostic found."""

    def __init__(self, diagnostics):
        self.diagnostics = tuple(diagnostics)
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(d.render() for d in self.diagnostics)


class PerfSyntaxError(RulesetError):
    """The text does not parse (exit status 2)."""

    exit_code = 2


class PerfCheckError(RulesetError):
    """The ruleset parses but breaks a rule of the language (exit status 1)."""


class UsageError(PerfError):
    """A missing or unreadable file, an unknown format: the command itself is wrong."""

    exit_code = 2


class DataFileError(PerfError):
    """A data file that cannot be read as records at all (bad JSON, a truncated file)."""

    exit_code = 2


class RecordError(PerfError):
    """One record could not be scored: a malformed or missing value, or an evaluation failure.

    `key` is the data key at fault when there is one; `record` is filled in by
    the batch runner (the record's name, or its 1-based position).
    """

    def __init__(self, message: str, key: str | None = None, record=None, warnings=()):
        self.message = message
        self.key = key
        self.record = record
        self.warnings = tuple(warnings)  # a record that fails may still have figures that look like slips
        self.problems: tuple[tuple[str | None, str], ...] = ((key, message),)  # (key, text naming it)
        super().__init__(message)

    @classmethod
    def listing(cls, problems, missing=(), record=None, warnings=()) -> RecordError:
        """One error for every problem of a record: `problems` are (key, text that names the key),
        `missing` the inputs the rules need that the record leaves out (listed together, last)."""
        problems, missing = tuple(problems), tuple(missing)
        first = problems[0][0] if problems else missing[0]
        error = cls(_listed(problems, missing, lambda key: None), key=first, record=record, warnings=warnings)
        error.problems, error.missing = problems, missing
        return error

    def locate(self, where) -> RecordError:
        """Add to each problem where its key sits in a table (`where(key)` → ``第 7 行 AH 列`` or None)."""
        self.message = _listed(self.problems, getattr(self, "missing", ()), where)
        return self

    def with_record(self, record) -> RecordError:
        self.record = record
        return self

    def render(self) -> str:
        record = "" if self.record is None else str(self.record)
        where = "记录" + (record if record.startswith("（") else f" {record}" if record else "")  # 记录（第 3 条）
        key = f"，键 `{self.key}`" if self.key else ""
        return f"{where}{key}: {self.message}"

    def to_json(self) -> dict:
        return {"message": self.message, "key": self.key}


def _listed(problems, missing, where) -> str:
    def placed(key, text):
        place = where(key) if key is not None else None
        return f"{text}（{place}）" if place else text

    texts = [placed(key, text) for key, text in problems]
    if missing:
        places = {where(key) for key in missing}
        if len(places) == 1:  # one place for all (a row of a sheet without these columns): said once
            texts.append(placed(missing[0], "缺少输入 " + "、".join(f"`{key}`" for key in missing)))
        else:
            texts.append("缺少输入 " + "、".join(placed(key, f"`{key}`") for key in missing))
    return "；".join(texts)


class DataValueError(RecordError):
    """A value in the record is missing, malformed or out of range."""


class MissingInput(DataValueError):
    """An input the rules need that the record leaves out (and that has no default)."""


class EvaluationError(RecordError):
    """A rule could not be applied to the record (e.g. a division by zero)."""

    def __init__(self, message: str, key: str | None = None, record=None, indicator=None, warnings=()):
        super().__init__(message, key, record, warnings)
        self.indicator = indicator
