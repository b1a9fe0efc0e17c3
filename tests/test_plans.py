"""The writers from the flat tuple (`report/plans.py`) write the bytes of the general writers, which stay the
oracle; ``--format scores`` (docs/output.md), and what `perfdsl audit` makes of it."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from perfdsl import load
from perfdsl.datafiles import read
from perfdsl.errors import RecordError
from perfdsl.frozen import evolve
from perfdsl.isolation import scored
from perfdsl.report import csvout, jsonout, plans, scores
from perfdsl.report.summary import Summary
from perfdsl.result import Result
from perfdsl.testing import strategies

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

from bench_eval import make_records  # noqa: E402

RULESETS = sorted(p.stem for p in (ROOT / "rulesets").glob("*.perf"))


def ruleset_of(example: str) -> str:
    """The ruleset an example belongs to: the longest ruleset name its name starts with."""
    return max((r for r in RULESETS if example == r or example.startswith(r + "-")), key=len)


EXAMPLES = {name: sorted(p for p in (ROOT / "examples").glob("*.json") if ruleset_of(p.stem) == name)
            for name in RULESETS}
_PROGRAMS: dict = {}


def program(name: str):
    if name not in _PROGRAMS:
        path = ROOT / "tests" / "fixtures" / f"{name}.perf" if name == "basis-forms" else ROOT / "rulesets" / f"{name}.perf"
        _PROGRAMS[name] = load(str(path))
    return _PROGRAMS[name]


def fresh(result):
    """The same record's Result, as the writers first see it (nothing built or cached on it yet)."""
    return Result(result.program, result.record, result.flat)


def agree(prog, item, position=1) -> dict:
    """Every plan's text of `item` against the general path's; which plans wrote it themselves."""
    taken = {}
    summary = Summary(prog.model, None, indicators=True)
    if isinstance(item, RecordError):
        return taken
    for indent in (None, 2):
        for basis in (True, False):
            text = plans.JsonPlan(prog, None, indent, basis).text(fresh(item))
            expected = jsonout.dumps(jsonout.result_json(fresh(item), None, basis), indent)
            if text is not None:
                assert text == expected
            data = plans.JsonPlan(prog, None, indent, basis).line(fresh(item), "backslashreplace")
            assert data == (None if text is None else text.encode("utf-8", "backslashreplace"))
            taken[("json", indent, basis)] = text is not None
    cells = plans.CsvPlan(prog, summary, csvout._text).cells(position, fresh(item))
    assert cells is None or cells == [csvout._text(cell) for cell in summary.row(position, fresh(item))]
    taken["csv"] = cells is not None
    line = plans.ScoresPlan(prog).text(fresh(item))
    assert line is None or line == jsonout.dumps(scores.scores_json(fresh(item)), None)
    taken["scores"] = line is not None
    for errors in ("strict", "backslashreplace"):  # the line made as bytes: the text's, encoded
        data = plans.ScoresPlan(prog).line(fresh(item), errors)
        assert data == (None if line is None else (line + "\n").encode("utf-8", errors))
    for cards in ({prog.model.scorecards[-1].name}, set()):
        filtered = plans.JsonPlan(prog, cards, None, False).text(fresh(item))
        assert filtered == jsonout.dumps(jsonout.result_json(fresh(item), cards, False), None)
        assert plans.ScoresPlan(prog, cards).text(fresh(item)) == jsonout.dumps(scores.scores_json(item, cards), None)
    return taken


@pytest.mark.parametrize("name", RULESETS)
def test_every_shipped_ruleset_on_its_examples(name):
    prog = program(name)
    assert EXAMPLES[name]
    for example in EXAMPLES[name]:
        for position, item in scored(prog, read(str(example), prog.model)):
            taken = agree(prog, item, position)
            # figures alone never need the general path; a basis does only where the interpreter writes it
            assert taken["csv"] and taken["scores"] and taken[("json", None, False)] and taken[("json", 2, False)]


@pytest.mark.parametrize("name", RULESETS + ["basis-forms"])
def test_records_from_the_declarations(name):
    prog = program(name)
    written = []

    @settings(max_examples=30, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(strategies.records(prog.model))
    def check(record):
        _, item = next(iter(scored(prog, _batch([record]))))
        taken = agree(prog, item)
        if not isinstance(item, RecordError):  # every scored record's figures are written from the flat tuple
            assert taken["scores"] and taken["csv"] and taken[("json", None, False)] and taken[("json", 2, False)]
            written.append(item)

    check()
    assert written  # some generated records are scored


def _batch(records):
    from perfdsl.datafiles import Batch

    return Batch(list(enumerate(records, start=1)), single=False, lenient=False)


HOSTILE = ['=HYPERLINK("http://x")', '<script>alert(1)</script>', '@SUM(A1)', '-2+3', "\t制表", "引号\"、\\、{}%s%%",
           "换行\n回车\r\x00\x07\u2028\u202e", " 前后空格 ", "+1", "{0}{name}"]


def test_hostile_names_errors_and_warnings_in_place(tmp_path):
    from test_neutralise import HOSTILE as SHOWN_AS_TEXT  # formulas, markup, terminal escapes, bidi, C1 controls

    records = make_records(40, seed=22)
    for i, name in enumerate(HOSTILE + SHOWN_AS_TEXT[:len(records) - 16]):
        if i in (11, 12):
            continue
        records[i]["单位"] = name
        records[i]["项目监管扣分"] = {"value": 1, "note": name}  # in the judgement's basis line
    records[11]["项目总数"] = "十四"  # an error, in its place
    records[12]["上年末存量资金"] = "1.25"  # 元 where the others say 万元: warned
    data = tmp_path / "batch.json"
    data.write_text(jsonout.dumps(records), "utf-8")
    prog = program("chaoan-2022")
    results = list(scored(prog, read(str(data), prog.model)))
    assert isinstance(results[11][1], RecordError) and results[12][1].warnings
    assert [position for position, item in results if isinstance(item, RecordError)] == [12]  # the others scored
    for position, item in results:
        taken = agree(prog, item, position)
        if not isinstance(item, RecordError):
            assert taken["csv"] and taken["scores"] and all(taken[("json", i, b)] for i in (None, 2) for b in (True, False))
    # the writers, whole: fast bytes (and a worker's bytes) are the general path's
    for fmt in ("jsonl", "json", "csv", "scores"):
        expected = _written(fmt, prog, results, fast=False)
        assert _written(fmt, prog, results, fast=True) == expected
        assert _written(fmt, prog, results, fast=True, prepared=True) == expected
    line = json.loads(_written("scores", prog, results, fast=True).decode().split("\n")[3])
    assert line["record"] == HOSTILE[3] and line["scorecards"]["复核得分"]["score"] > 0
    error = json.loads(_written("scores", prog, results, fast=True).decode().split("\n")[11])
    assert set(error) == {"record", "error"} and error["error"]["key"] == "项目总数"
    warned = json.loads(_written("scores", prog, results, fast=True).decode().split("\n")[12])
    assert [w["key"] for w in warned["warnings"]] == [w.key for w in results[12][1].warnings] != []


def _written(fmt, prog, results, fast=True, prepared=False) -> bytes:
    """What a writer writes of `results` into a UTF-8 file, as bytes."""
    buffer = io.BytesIO()
    handle = io.TextIOWrapper(buffer, encoding="utf-8", newline="", errors="backslashreplace")
    items = [(position, fresh(item) if not isinstance(item, RecordError) else item) for position, item in results]
    if prepared:  # as a worker leaves them: the text as UTF-8 bytes in `rendered`
        prepare = {"jsonl": lambda: jsonout.preparer(False, None, lines=True, basis=True, errors="backslashreplace"),
                   "json": lambda: jsonout.preparer(False, None, lines=False, basis=True, errors="backslashreplace"),
                   "csv": lambda: csvout.preparer(prog.model, None, errors="backslashreplace"),
                   "scores": lambda: scores.preparer(prog.model, None, errors="backslashreplace")}[fmt]()
        for position, item in items:
            if not isinstance(item, RecordError):
                prepare(position, item)
                assert all(isinstance(v, bytes) for v in item.rendered.values())
    original = plans.JsonPlan.text, plans.CsvPlan.cells, plans.ScoresPlan.text, plans.JsonPlan.line, plans.ScoresPlan.line
    if not fast:  # every plan declines: the general path writes everything
        plans.JsonPlan.text = plans.ScoresPlan.text = lambda self, result: None
        plans.JsonPlan.line = plans.ScoresPlan.line = lambda self, result, errors: None
        plans.CsvPlan.cells = lambda self, position, result: None
    try:
        if fmt in ("json", "jsonl"):
            jsonout.write(handle, items, False, None, lines=fmt == "jsonl")
        elif fmt == "csv":
            csvout.write(handle, items, prog.model)
        else:
            scores.write(handle, items, prog.model)
    finally:
        plans.JsonPlan.text, plans.CsvPlan.cells, plans.ScoresPlan.text, plans.JsonPlan.line, \
            plans.ScoresPlan.line = original
    handle.flush()
    return buffer.getvalue()


def test_a_worker_text_with_a_lone_surrogate_is_escaped_as_the_file_escapes_it():
    assert jsonout.encoded("a\udc80b", "backslashreplace") == b"a\\udc80b"
    assert jsonout.encoded("a\udc80b", "strict") == "a\udc80b"  # the parent fails as it always did
    assert jsonout.encoded("a", None) == "a"
    buffer = io.BytesIO()
    handle = io.TextIOWrapper(buffer, encoding="utf-8-sig", newline="", errors="backslashreplace")
    sink = jsonout.Sink(handle)
    sink.write("表头\r\n")  # the BOM with the first text
    sink.write("一行\r\n".encode())
    sink.write("x\udc80\r\n")
    handle.flush()
    assert buffer.getvalue() == "\ufeff表头\r\n一行\r\nx".encode() + b"\\udc80\r\n"
    ascii_handle = io.TextIOWrapper(io.BytesIO(), encoding="ascii")
    assert jsonout.byte_errors(ascii_handle) is None and jsonout.byte_errors(io.StringIO()) is None
    # a writer's own bytes only where they are the text's to the byte: not before a BOM, not in another encoding
    assert jsonout.Sink(handle).bytes_errors() is None and jsonout.Sink(ascii_handle).bytes_errors() is None
    utf8 = io.TextIOWrapper(io.BytesIO(), encoding="UTF8", errors="backslashreplace")
    assert jsonout.Sink(utf8).bytes_errors() == "backslashreplace"


def test_a_scores_line_made_as_bytes_is_its_text_encoded():
    prog = program("chaoan-2022")
    scored_ = prog.evaluate(make_records(1)[0])
    # a lone surrogate in the name (the reader refuses one; a caller's Record may hold it): escaped, or refused
    result = Result(prog, evolve(scored_.record, name="单位\udc80"), scored_.flat)
    plan = plans.ScoresPlan(prog)
    text = plan.text(fresh(result)) + "\n"
    assert plan.line(fresh(result), "backslashreplace") == text.encode("utf-8", "backslashreplace")
    assert b'"record": "\xe5\x8d\x95\xe4\xbd\x8d\\udc80"' in plan.line(fresh(result), "backslashreplace")
    assert plan.line(fresh(result), "strict") is None  # the caller encodes the text, and fails as it always did
    assert plans.number_bytes([Decimal("6.40"), Decimal("1E+2"), 7]) == [b"6.4", b"100", b"7"]
    assert plans.number_bytes([True]) is None


def test_figures_that_are_not_decimals_go_the_general_way():
    prog = program("chaoan-2022")
    result = prog.evaluate(make_records(1)[0])
    plan = plans.ScoresPlan(prog)
    assert plan.text(fresh(result)) is not None
    flat = list(result.flat)
    flat[prog.layout.blocks[0][0] + 1] = 1.5  # a float where a score is: never written as a decimal
    assert plan.text(Result(prog, result.record, tuple(flat))) is None
    flat[prog.layout.blocks[0][0] + 1] = True
    assert plan.text(Result(prog, result.record, tuple(flat))) is None
    assert plans.number_texts([Decimal("6.40"), Decimal("1E+2"), Decimal("-0"), 7]) == ["6.4", "100", "0", "7"]


# ── the command ──────────────────────────────────────────────────────────────


def _eval(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "perfdsl", "eval", *args], cwd=cwd, capture_output=True)


def _jsonl(tmp_path, records):
    data = tmp_path / "batch.jsonl"
    data.write_text("".join(jsonout.dumps(r, None) + "\n" for r in records), "utf-8")
    return data


def test_scores_format_in_one_process_and_two_and_to_stdout(tmp_path):
    records = make_records(700, seed=5)
    records[3]["项目总数"] = "十四"
    records[600]["单位"] = "=1+2\n<b>"
    data = _jsonl(tmp_path, records)
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"s{jobs}.jsonl"
        done = _eval("rulesets/chaoan-2022.perf", str(data), "--format", "scores", "-o", str(out), "--jobs", jobs)
        assert done.returncode == 1 and "项目总数" in done.stderr.decode()
        outputs.append(out.read_bytes())
    piped = _eval("rulesets/chaoan-2022.perf", str(data), "--format", "scores", "--jobs", "2", "--no-basis")
    assert outputs[0] == outputs[1] == piped.stdout
    lines = outputs[0].decode().splitlines()
    assert len(lines) == 700 and json.loads(lines[3])["error"]["key"] == "项目总数"
    assert json.loads(lines[600])["record"] == "=1+2\n<b>"
    prog = program("chaoan-2022")
    expected = [jsonout.dumps(scores.scores_json(item), None) for _, item in scored(prog, read(str(data), prog.model))]
    assert lines == expected


def test_csv_and_jsonl_from_workers_are_the_bytes_of_one_process(tmp_path):
    records = make_records(700, seed=9)
    records[10]["单位"] = '=HYPERLINK("x")'
    records[20]["项目总数"] = "十四"
    data = _jsonl(tmp_path, records)
    for fmt, extra in (("csv", ()), ("jsonl", ("--no-basis",)), ("json", ("--no-basis",))):
        got = []
        for jobs in ("1", "2"):
            out = tmp_path / f"{jobs}.{fmt}"
            assert _eval("rulesets/chaoan-2022.perf", str(data), "-o", str(out), "--jobs", jobs, *extra).returncode == 1
            got.append(out.read_bytes())
        assert got[0] == got[1]
        if fmt == "csv":
            assert got[0].startswith("\ufeff序号".encode()) and b"'=HYPERLINK" in got[0]


def test_a_scores_line_is_a_reported_block_audit_accepts(tmp_path):
    """A record's line pasted as its ``_reported``: nothing to find, exit 0 (DESIGN §7)."""
    for name in ("chaoan-2022", "national-2020-projects-renovation", "yaan-2020-projects-cloud"):
        ruleset = ruleset_of(name)
        example = ROOT / "examples" / f"{name}.json"
        done = _eval(f"rulesets/{ruleset}.perf", str(example), "--format", "scores")
        line = json.loads(done.stdout.decode(), parse_float=Decimal)
        if name == "chaoan-2022":  # seed 001's published figures, as the scores line states them
            cards = line["scorecards"]
            assert (cards["复核得分"]["score"], cards["复核得分"]["grade"]) == (Decimal("89.04"), "良好")
            assert (cards["自评质量"]["score"], cards["自评质量"]["grade"]) == (29, None)
            assert cards["复核得分"]["indicators"]["预算使用效益/效率性/项目完成率"] == Decimal("5.14")
        record = json.loads(example.read_text("utf-8"), parse_float=Decimal)
        record["_reported"] = line["scorecards"]
        target = tmp_path / f"{name}.json"
        target.write_text(jsonout.dumps(record), "utf-8")
        audit = subprocess.run([sys.executable, "-m", "perfdsl", "audit", f"rulesets/{ruleset}.perf", str(target),
                                "--format", "json"], cwd=ROOT, capture_output=True)
        assert audit.returncode == 0, audit.stdout.decode()[-800:]
        if name != "chaoan-2022":  # an `each` group's items are claimed by their paths too
            model = program(ruleset).model
            assert any(len(line["scorecards"][card.name]["indicators"]) > len(card.nodes) for card in model.scorecards)


HOSTILE_RULESET = r'''ruleset "测试 %s %(x)s {0} <b>“引号”\ &amp;" { precision 2 }
input 实际: money(元)
input 预算: money(元)
let 执行率 = 实际 / 预算
scorecard `卡 %d {1}` max 10 {
  grades { `好 %s` >= 8; `=差` }
  group `执行 %%` 6 {
    indicator `支出 {x}` 4 {
      score full * min(执行率, 1)
      criteria "≥100% 得满分 %s {0} “引” \\ \t"
    }
    indicator 完成 2 { score full }
  }
  group 管理 4 { indicator `制度 %` 4 { manual } }
}
'''


def test_a_ruleset_whose_names_are_format_strings_and_markup(tmp_path):
    """The plans' templates hold the ruleset's text: ``%``, ``{0}``, quotes and backslashes in a title, a
    scorecard, a grade, an indicator and a criteria are text, never a hole."""
    from perfdsl import compile_text

    prog = compile_text(HOSTILE_RULESET, "hostile.perf")
    records = [{"实际": 900, "预算": 1000, "制度 %扣分": 0}, {"实际": 900, "预算": 0, "制度 %扣分": 0},
               {"实际": 100, "预算": 1000, "制度 %扣分": 3}]
    data = tmp_path / "batch.json"
    data.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    results = list(scored(prog, read(str(data), prog.model)))
    assert isinstance(results[1][1], RecordError)
    for position, item in results:
        taken = agree(prog, item, position)
        assert isinstance(item, RecordError) or all(taken.values())
    line = json.loads(plans.ScoresPlan(prog).text(results[0][1]))
    assert line["scorecards"]["卡 %d {1}"] == {"score": 9.6, "grade": "好 %s", "indicators": {
        "执行 %%": 5.6, "执行 %%/支出 {x}": 3.6, "执行 %%/完成": 2, "管理": 4, "管理/制度 %": 4}}
    assert json.loads(plans.JsonPlan(prog).text(results[2][1]))["scorecards"][0]["grade"] == "=差"
    for fmt in ("jsonl", "json", "csv", "scores"):
        assert _written(fmt, prog, results, fast=True, prepared=True) == _written(fmt, prog, results, fast=False)
