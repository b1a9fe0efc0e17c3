"""A record is the unit of failure in every format: a basis that cannot be built, evaluators that disagree
or an unexpected exception for one record is that record's error in its place; the others are written."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import FORMATS

from perfdsl.cli import main
from perfdsl.program import Program

ROOT = Path(__file__).resolve().parent.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")
EXAMPLE = json.loads((ROOT / "examples" / "chaoan-2022.json").read_text("utf-8"))
VICTIM = "受害单位"


@pytest.fixture
def batch(tmp_path):
    records = [EXAMPLE, dict(EXAMPLE, 单位=VICTIM), EXAMPLE]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(records, ensure_ascii=False), "utf-8")
    return path


def _outputs(batch, tmp_path, formats=FORMATS):
    out = {}
    for fmt in formats:
        target = tmp_path / f"out.{fmt}"
        done = CliRunner().invoke(main, ["eval", RULESET, str(batch), "--format", fmt, "-o", str(target)],
                                  catch_exceptions=False)
        out[fmt] = (done, target)
    return out


def _records_written(fmt, target) -> int:
    if fmt == "pdf":  # the victim in its place (its error) and the others scored: both names are on the pages
        from pypdf import PdfReader

        pages = "".join(page.extract_text() for page in PdfReader(target).pages).replace("\n", "")
        return 3 if VICTIM in pages and "潮州市潮安区政务服务数据管理局" in pages and "89.04" in pages else 0
    if fmt == "xlsx":
        return sum(1 for _ in openpyxl.load_workbook(target, read_only=True)["汇总"].iter_rows()) - 1
    text = target.read_text("utf-8-sig")
    if fmt == "json":
        return len(json.loads(text))
    if fmt == "jsonl":
        return len(text.splitlines())
    if fmt == "csv":
        return len(text.splitlines()) - 1
    if fmt == "md":
        return text.count("\n## ")
    if fmt == "html":
        return text.count('<section class="record')
    return text.count("潮安区2022年部门整体支出绩效自评复核 · ") + text.count("记录 ")


def test_a_basis_that_cannot_be_built_is_that_records_error(monkeypatch, batch, tmp_path):
    real = Program.basis  # the basis text, rendered from the compiled evaluator's facts

    def failing(self, record, *args, **kwargs):
        if record.name == VICTIM:
            raise ArithmeticError("InvalidOperation")
        return real(self, record, *args, **kwargs)

    monkeypatch.setattr(Program, "basis", failing)
    for fmt, (done, target) in _outputs(batch, tmp_path, [f for f in FORMATS if f != "csv"]).items():
        assert done.exit_code == 1, (fmt, done.output)
        assert f"记录 {VICTIM}: perfdsl 内部错误（ArithmeticError: InvalidOperation），此记录未能计分" in done.stderr
        assert _records_written(fmt, target) == 3, fmt
    out = json.loads((tmp_path / "out.json").read_text("utf-8"))
    assert [r.get("record") for r in out] == ["潮州市潮安区政务服务数据管理局", VICTIM, "潮州市潮安区政务服务数据管理局"]
    assert "error" in out[1] and out[0]["scorecards"][0]["score"] == 89.04


def test_evaluators_that_disagree_make_the_record_say_so(monkeypatch):
    """A record scored without its facts (the API's `evaluate`, a worker's figures) whose basis is built
    later: the facts' figures must be those it was scored with, and where they differ the reference
    interpreter names the figure.  (A record shown with its basis in a batch is evaluated once, by
    `evaluate_facts`: its figures and its basis are one evaluation's — test_a_record_shown_with_its_basis_….)"""
    from perfdsl import isolation, load

    honest = Program.scores

    def off_by_a_cent(self, record):
        flat = list(honest(self, record))
        if record.name == VICTIM:
            flat[1] += Decimal("0.01")  # the first group's score
        return tuple(flat)

    monkeypatch.setattr(Program, "scores", off_by_a_cent)
    program = load(RULESET)
    error = isolation.materialised(program, program.evaluate(dict(EXAMPLE, 单位=VICTIM)))
    assert error.message == ("计分卡 复核得分 的 预算编制情况：编译求值为 19、12.01，参考求值为 19、12，"
                             "两者不一致；这是 perfdsl 的缺陷，请报告此问题")
    assert error.record == VICTIM
    scored = isolation.materialised(program, program.evaluate(EXAMPLE))
    assert scored.materialised and scored.scorecards[0].score == Decimal("89.04")


def test_a_record_shown_with_its_basis_is_evaluated_once(monkeypatch, batch, tmp_path):
    """With its basis shown a record is scored by `evaluate_facts`, whose facts its basis is rendered from:
    one generated evaluator runs per record, not two; without a basis (csv), only `evaluate`."""
    calls = {"scores": 0, "facts": 0}
    honest_scores, honest_explained = Program.scores, Program.explained

    def scores(self, record):
        calls["scores"] += 1
        return honest_scores(self, record)

    def explained(self):
        evaluate_facts, renderer = honest_explained(self)

        def counted(slots):
            calls["facts"] += 1
            return evaluate_facts(slots)

        return counted, renderer

    monkeypatch.setattr(Program, "scores", scores)
    monkeypatch.setattr(Program, "explained", explained)
    for fmt, expected in (("jsonl", {"scores": 0, "facts": 3}), ("csv", {"scores": 3, "facts": 0})):
        calls.update(scores=0, facts=0)
        (done, target), = _outputs(batch, tmp_path, [fmt]).values()
        assert done.exit_code == 0, done.output
        assert (calls, _records_written(fmt, target)) == (expected, 3), fmt
    assert json.loads(target.with_suffix(".jsonl").read_text("utf-8").splitlines()[1])["scorecards"][0]["score"] == 89.04


def test_an_unexpected_exception_in_one_record_is_confined_to_it(monkeypatch, batch, tmp_path):
    honest, honest_facts = Program.scores, Program._with_facts

    def broken(self, record):
        if record.name == VICTIM:
            raise KeyError("slot")
        return honest(self, record)

    def broken_facts(self, record):  # the evaluation of a record shown with its basis
        if record.name == VICTIM:
            raise KeyError("slot")
        return honest_facts(self, record)

    monkeypatch.setattr(Program, "scores", broken)
    monkeypatch.setattr(Program, "_with_facts", broken_facts)
    for fmt, (done, target) in _outputs(batch, tmp_path).items():
        assert done.exit_code == 1, (fmt, done.output)
        assert f"记录 {VICTIM}: perfdsl 内部错误（KeyError: 'slot'）" in done.stderr
        assert _records_written(fmt, target) == 3, fmt
