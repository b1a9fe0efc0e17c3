"""The fuzz suite: mutated rulesets and mutated records of every shipped ruleset, through `check` and
`eval` in every output format and from every input format.

What must hold, whatever the input: no internal error (no exception that is
not a `PerfError`, no "内部错误" in any message or record); every diagnostic is
located (``file:line:col``); every record error names its record; records in =
records out in every format.

Derandomised in CI (the ``ci`` profile, a few dozen cases a test); deeper with
``PERFDSL_PROFILE=dev`` or ``nightly`` (thousands), e.g.
``PERFDSL_PROFILE=nightly pytest tests/test_fuzz.py``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from helpers import FORMATS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfdsl import cli, datafiles, diagnose, loader
from perfdsl.errors import PerfError, RecordError, RulesetError
from perfdsl.testing import profiles

ROOT = Path(__file__).resolve().parent.parent
RULESETS = sorted(p.stem for p in (ROOT / "rulesets").glob("*.perf"))

#: Cases a test runs: few in CI (the suite stays quick), the profile's own number elsewhere;
#: ``PERFDSL_FUZZ_EXAMPLES=N`` sets it outright (with a random search, for a campaign).
_SCALE = int(os.environ.get("PERFDSL_FUZZ_EXAMPLES", 0)) or {"ci": 5}.get(profiles.chosen())
FUZZ = settings(max_examples=_SCALE, deadline=None, suppress_health_check=list(HealthCheck)) if _SCALE else settings(
    deadline=None, suppress_health_check=list(HealthCheck))


def _text(name: str) -> str:
    return (ROOT / "rulesets" / f"{name}.perf").read_text("utf-8")


def _examples(name: str) -> list[dict]:
    out = []
    for path in sorted((ROOT / "examples").glob(f"{name}*.json")):
        stem = path.stem
        if any(other != name and other.startswith(name) and stem.startswith(other) for other in RULESETS):
            continue  # yaan-2020-projects-*.json belongs to yaan-2020-projects, not yaan-2020
        out.append(json.loads(path.read_text("utf-8"), parse_float=Decimal, parse_int=Decimal))
    return out


_PROGRAMS: dict = {}


def _program(name: str):
    if name not in _PROGRAMS:
        _PROGRAMS[name] = loader.load(ROOT / "rulesets" / f"{name}.perf")
    return _PROGRAMS[name]


# ── rulesets ────────────────────────────────────────────────────────────────

STRAYS = list("@$%^&|~!?{}()[]：；（），。\"`'=<>#\\\n\t 0-+*/.,;") + [
    "元", "万元", "%", "if", "then", "else", "when", "=>", "..", "score", "ratio", "bands", "include", "\x00",
    "\x1b[31m", "\ud800", "\u202e", "9" * 25, "1" * 400, "(" * 80, ")" * 80, "-" * 90, "min(", "include \"/etc/passwd\"\n",
    "include \"../../../../etc/passwd.perf\"\n", "indicator 新 1 { score 1 }\n", "group 组 { }\n", "\n}\n", "{\n",
]


@st.composite
def mutated_rulesets(draw):
    name = draw(st.sampled_from(RULESETS))
    text = _text(name)
    for _ in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "duplicate-line", "drop-line", "swap-number",
                                     "repeat"]))
        at = draw(st.integers(0, max(len(text) - 1, 0)))
        if kind == "insert":
            text = text[:at] + draw(st.sampled_from(STRAYS)) + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)):]
        elif kind == "replace":
            text = text[:at] + draw(st.sampled_from(STRAYS)) + text[at + 1:]
        elif kind in ("duplicate-line", "drop-line"):
            lines = text.split("\n")
            index = draw(st.integers(0, len(lines) - 1))
            lines[index:index + 1] = [lines[index]] * (2 if kind == "duplicate-line" else 0)
            text = "\n".join(lines)
        elif kind == "swap-number":
            numbers = [m.span() for m in re.finditer(r"\d+(\.\d+)?", text)]
            if numbers:
                start, end = draw(st.sampled_from(numbers))
                text = text[:start] + draw(st.sampled_from(["0", "100", "0.001", "99999", "1" * 25, "3.5"])) + text[end:]
        else:  # a stretch of text repeated many times: long lines, deep or long expressions
            length = draw(st.integers(1, 30))
            text = text[:at] + text[at:at + length] * draw(st.integers(2, 200)) + text[at:]
    return name, text


def _located(name: str, text: str):
    """`text` (a mutant of `name`) checks with located diagnostics only, and scores when it compiles."""
    path = str(ROOT / "rulesets" / f"{name}.mutant.perf")  # beside the original: its includes resolve
    _, diagnostics = diagnose(text, path)
    for diagnostic in diagnostics:
        rendered = diagnostic.render()
        assert diagnostic.span is not None, rendered
        assert re.match(r"^.+:\d+:\d+: (error|warning)\[P\d{3}\]: ", rendered), rendered
        assert "内部错误" not in rendered
        assert "/etc/passwd" not in rendered or "root:" not in rendered
    try:
        program = loader.compile_text(text, path)
    except RulesetError as exc:
        assert any(d.is_error for d in diagnostics), "the loader refused what check accepted"
        assert exc.diagnostics
        return
    assert not any(d.is_error for d in diagnostics), "check refused what the loader accepted"
    if not program.model.scorecards:
        return
    for record in _examples(name) or [{}]:
        _write_all(program, [record], check_counts=True)


@settings(FUZZ, max_examples=(_SCALE or 100) * 6)
@given(mutated_rulesets())
def test_mutated_rulesets_check_and_score_with_located_messages(mutant):
    _located(*mutant)


@pytest.mark.parametrize("name", RULESETS)
def test_every_shipped_ruleset_truncated_anywhere(name):
    text = _text(name)
    for cut in range(0, len(text), max(1, len(text) // 40)):
        _located(name, text[:cut])


# ── records ─────────────────────────────────────────────────────────────────

HOSTILE_TEXT = ['=HYPERLINK("http://x","点此查看")', "=cmd|' /C calc'!A0", "+1", "-1", "@x", "\t=1", "[/bold]",
                "[link=http://x]点[/link]", "\x1b]8;;http://x\x1b\\", "\x1b[2J", "<script>alert(1)</script>",
                "a\x0bb", "\x00", "\ud800", "\udfff", "\u202e", "é" * 40000, "", " ", "\n", "第 1 行\r\n第 2 行"]
NUMBERS = ["1e9999999", "-1e9999999", "1e38", "1e-300", "123456789012345678901234567890", "0.1" + "3" * 40,
           "NaN", "Infinity", "-Infinity", "-0", "0", "1", "14", "100", "-5", "0.5", "97.6", "1" * 5000]
TEXTS = HOSTILE_TEXT + ["97.6%", "0.43万元", "4300元", "十四", "１４", "1,234.5", "1,5", "是", "否", "TRUE", "abc",
                        "1e5", "100%", "-3%", "6,400,981.42元"]


class _Raw(str):
    """A JSON number written as is (so 1e9999999, NaN and 5,000 digits reach the reader as text)."""


def _containers(inner):
    """Lists and objects of `inner` (a named function: hypothesis misreads a lambda split over two lines as one
    that ignores its argument, and warns on every example)."""
    return st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["value", "note", "x", "\ud800"]), inner,
                                                         max_size=3)


def _values():
    scalar = st.one_of(st.none(), st.booleans(), st.sampled_from(NUMBERS).map(_Raw), st.sampled_from(TEXTS),
                       st.integers(-10**6, 10**6).map(lambda n: _Raw(str(n))),
                       st.decimals(allow_nan=False, allow_infinity=False, places=4).map(lambda d: _Raw(str(d))),
                       st.text(max_size=8))
    annotated = st.builds(lambda v, n: {"value": v, "note": n}, scalar, st.one_of(st.sampled_from(TEXTS), scalar))
    nested = st.recursive(scalar, _containers, max_leaves=6)
    deep = st.integers(30, 40).map(lambda n: json.loads("[" * n + "]" * n))
    return st.one_of(scalar, annotated, nested, deep)


@st.composite
def mutated_records(draw, name):
    examples = _examples(name) or [{}]
    record = dict(draw(st.sampled_from(examples)))
    keys = [k for k in record if not k.startswith("_")]
    for key in draw(st.lists(st.sampled_from(keys), max_size=4, unique=True)) if keys else []:
        action = draw(st.sampled_from(["value", "value", "drop", "rename", "item"]))
        if action == "value":
            record[key] = draw(_values())
        elif action == "drop":
            del record[key]
        elif action == "rename":
            record[key + draw(st.sampled_from(["错", "\ud800", " ", "_"]))] = record.pop(key)
        elif isinstance(record[key], list) and record[key]:  # an item of a list input
            items = [dict(item) if isinstance(item, dict) else item for item in record[key]]
            index = draw(st.integers(0, len(items) - 1))
            if isinstance(items[index], dict) and items[index]:
                field = draw(st.sampled_from(sorted(items[index])))
                if draw(st.booleans()):
                    del items[index][field]
                else:
                    items[index][field] = draw(_values())
            record[key] = items
    if draw(st.integers(0, 20)) == 0:
        record["未知的键" + draw(st.sampled_from(["", "\ud800", "=1"]))] = 1
    if draw(st.integers(0, 30)) == 0:
        return draw(st.sampled_from([[], "记录", _Raw("3"), None, [record]]))
    return record


def _json(value) -> str:
    """JSON text with `_Raw` numbers verbatim and every other character escaped (surrogates included)."""
    if isinstance(value, _Raw):
        return str(value)
    if isinstance(value, Decimal):
        return str(value) if value.is_finite() else "null"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {_json(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_json(v) for v in value) + "]"
    return json.dumps(value)


def _count(fmt: str, target: Path) -> int | None:
    if fmt == "xlsx":
        return sum(1 for _ in openpyxl.load_workbook(target, read_only=True)["汇总"].iter_rows()) - 1
    if fmt == "pdf":
        return None  # binary; its records are checked by the writer's own tests
    text = target.read_text("utf-8-sig")
    if fmt == "json":
        value = json.loads(text)
        return len(value) if isinstance(value, list) else 1
    if fmt == "jsonl":  # only "\n" ends a line: str.splitlines would also split at U+0085, U+2028 …
        return text.count("\n")
    if fmt == "csv":
        return sum(1 for _ in csv.reader(io.StringIO(text, newline=""))) - 1
    if fmt == "md":
        return text.count("\n## ")
    if fmt == "html":
        return text.count('<section class="record')
    return None  # the terminal table has no fixed shape to count


def _write_all(program, records, check_counts: bool, tmp=None, input_format: str = "json"):
    """Write `records` (as a data file of `input_format`) in every output format; check what must hold."""
    import tempfile

    directory = Path(tmp or tempfile.mkdtemp(prefix="perfdsl-fuzz-"))
    data = directory / f"data.{input_format}"
    if input_format == "json":
        data.write_text("[" + ",\n".join(_json(r) for r in records) + "]", "utf-8")
    elif input_format == "jsonl":
        data.write_text("\n".join(_json(r) for r in records) + "\n", "utf-8")
    else:
        _write_table(data, program.model, records)
    for fmt in FORMATS:
        target = directory / f"out.{fmt}"
        try:
            batch = datafiles.read(str(data), program.model)
        except PerfError as exc:  # a whole file refused (a table header, a broken table): one located message
            assert "内部错误" not in exc.render()
            return
        results = cli._evaluate(program, batch, fmt, sheets=3)
        seen = []

        def watched(results=results, seen=seen):
            for position, item in results:
                if isinstance(item, RecordError):
                    rendered = item.render()
                    assert "内部错误" not in rendered, rendered
                    assert rendered.startswith("记录"), rendered  # 记录 名称 or 记录（第 n 条）
                seen.append(position)
                yield position, item

        mode, encoding = cli._FILE_MODES.get(fmt, ("wb", None) if fmt in cli._BINARY else ("w", "utf-8"))
        with cli.atomic_output(target, mode, encoding) as handle:
            cli._emit(fmt, handle, watched(), batch.single, None, terminal=False, model=program.model, sheets=3)
        assert seen == list(range(1, len(seen) + 1))
        if check_counts and input_format in ("json", "jsonl") and not batch.single:
            assert len(seen) == len(records), (fmt, len(seen), len(records))
        counted = _count(fmt, target)
        if counted is not None and not batch.single:
            assert counted == len(seen), (fmt, counted, len(seen))


def _write_table(path: Path, model, records):
    """Records as a CSV sheet (template layout); values become cells as a department would type them."""
    from perfdsl.template import columns

    head = [column.header for column in columns(model)]
    with open(path, "w", newline="", encoding="utf-8", errors="surrogatepass") as handle:
        writer = csv.writer(handle)
        writer.writerow(head)
        for record in records:
            row = []
            for name in head:
                value = record.get(name) if isinstance(record, dict) else None
                if isinstance(value, dict):
                    value = value.get("value")
                if isinstance(value, bool):
                    value = "是" if value else "否"
                row.append("" if value is None or isinstance(value, (list, dict)) else str(value))
            writer.writerow(row)


@pytest.mark.parametrize("name", RULESETS)
@pytest.mark.parametrize("input_format", ["json", "jsonl", "csv"])
def test_mutated_records_in_every_format(name, input_format, tmp_path_factory):
    program = _program(name)

    @FUZZ
    @given(st.lists(mutated_records(name), min_size=1, max_size=6))
    def run(records):
        if input_format == "csv" and any(spec.type.kind == "list" for spec in program.model.inputs):
            return  # a table cannot hold a list input (`perfdsl template` says so)
        if input_format == "csv":
            records = [r for r in records if isinstance(r, dict)] or [{}]
        _write_all(program, records, check_counts=True, tmp=tmp_path_factory.mktemp("fuzz"),
                   input_format=input_format)

    run()
