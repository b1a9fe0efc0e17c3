"""The Ya'an 2020 rulesets against an independent reading of their spec, on records aimed at every stated boundary.

`bench/handwritten_yaan.py` is written from shared/specs/yaan-2020.md alone;
any disagreement is a bug in a ruleset, the language or the oracle.
"""

from __future__ import annotations

import json
from decimal import Decimal

import handwritten_yaan as spec
import pytest
from hypothesis import given, settings
from yaan_records import department_record, graded_project_record, project_record

from perfdsl.errors import RecordError

D = Decimal


def _ours(program, record):
    """{path: score}, {path: effective weight} and the grade of the ruleset's one scorecard."""
    (card,) = program.evaluate(record).scorecards
    scores = {card.name: card.score, card.name + ":grade": card.grade}
    scores.update({"/".join(node.path): node.score for node in card.nodes})
    return scores, {"/".join(node.path): node.weight for node in card.nodes}, card


def _example(root, name):
    return json.loads((root / "examples" / f"{name}.json").read_text("utf-8"), parse_float=Decimal)


def _published(expected: dict, card: str) -> dict:
    figures = {card: expected["score"], **expected["indicators"]}
    if "grade" in expected:
        figures[card + ":grade"] = expected["grade"]
    return figures


def test_the_oracle_reproduces_the_published_department_table(root):
    record = _example(root, "yaan-2020")
    ours = spec.as_dict(spec.score(spec.convert(record)))
    for path, value in _published(record["_expected"][spec.CARD], spec.CARD).items():
        assert ours[path] == value, path
    assert (ours[spec.CARD], ours[spec.CARD + ":grade"]) == (D(90), "优秀")


@pytest.mark.parametrize("name, total", [("sharing", D(100)), ("cloud", D("95.69")), ("hotline", D(100))])
def test_the_oracle_reproduces_the_project_examples(root, name, total):
    record = _example(root, f"yaan-2020-projects-{name}")
    ours = spec.as_project_dict(spec.score_project(spec.convert_project(record)))
    for path, value in _published(record["_expected"][spec.PROJECT_CARD], spec.PROJECT_CARD).items():
        assert ours[path] == value, path
    assert ours[spec.PROJECT_CARD] == total


@pytest.mark.parametrize("text, reading", [
    ("30条", ("≥", D(30), "条")), ("达到30条", ("≥", D(30), "条")), ("不低于10次", ("≥", D(10), "次")),
    ("30条以上", ("≥", D(30), "条")), (">95%", (">", D("0.95"), "%")), ("6%以内", ("≤", D("0.06"), "%")),
    ("≤6%", ("≤", D("0.06"), "%")), ("不超过3件", ("≤", D(3), "件")), ("<10个", ("<", D(10), "个")),
    ("   33000件", ("≥", D(33000), "件")), ("3.3万余次", ("≥", D(33000), "次")), ("割接率100%", ("≥", D(1), "%")),
    ("确保139个信息系统云存储服务能力", None), ("2021年1月份,割接率100%", None), ("达成预期", None),
])
def test_the_oracle_reads_targets(text, reading):
    assert spec.read_target(text) == reading


def test_the_oracle_reads_actuals():
    assert spec.read_actual("137个(其中3个信息系统上云后因系统停用退出)") == (D(137), "个")
    assert spec.read_actual("0.295%") == (D("0.00295"), "%")
    assert spec.read_actual("系统割接率100%") == (D(1), "%")
    assert spec.read_actual("6%以内") is None


@settings(max_examples=300)
@given(department_record())
def test_department_table_agrees_with_the_spec(yaan, record):
    expected = spec.as_dict(spec.score(spec.convert(record)))
    ours, _, card = _ours(yaan, record)
    assert ours == expected
    # 预算执行率 is recomputed and shown beside 执行进度, never scored: a zero 财政拨款收支总计 does not fail the record
    assert "预算执行率" in next(n for n in card.nodes if n.path[-1] == "执行进度").basis


def test_a_judged_score_beyond_its_weight_is_rejected(yaan, root):
    record = _example(root, "yaan-2020")
    for value in (D("10.01"), D(-1)):
        bad = dict(record, 目标制定得分=value)
        with pytest.raises(spec.ScoreOutOfRange):
            spec.score(spec.convert(bad))
        with pytest.raises(RecordError, match="目标制定"):
            yaan.evaluate(bad)


def _agree(program, record):
    scores = spec.score_project(spec.convert_project(record))
    ours, weights, _ = _ours(program, record)
    assert ours == spec.as_project_dict(scores)
    assert {p: w for p, w in weights.items() if "/" in p} == {p: w for p, w in spec.project_weights(scores).items()
                                                               if "/" in p}
    return scores


@settings(max_examples=300)
@given(project_record())
def test_project_tables_agree_with_the_spec(yaan_projects, record):
    _agree(yaan_projects, record)


@settings(max_examples=300)
@given(graded_project_record())
def test_project_totals_on_grade_edges(yaan_projects, record):
    scores = _agree(yaan_projects, record)
    assert scores[0][1] in {D(x) for x in ("100", "90", "89.99", "80", "79.99", "60", "59.99", "40")}


def test_a_zero_budget_is_an_evaluation_error(yaan_projects, root):
    # the spec's 10 × min(执行数 / 预算数, 1) says nothing for 预算数 = 0
    record = dict(_example(root, "yaan-2020-projects-hotline"), 预算数="0万元", 执行数="0万元")
    with pytest.raises(spec.SpecError):
        spec.score_project(spec.convert_project(record))
    with pytest.raises(RecordError, match="预算数"):
        yaan_projects.evaluate(record)


@pytest.mark.parametrize("target, actual", [("确保139个信息系统云存储服务能力", "全面完成"), ("30条", "15个"), ("30条", "约一半")])
def test_an_item_neither_measurable_nor_rated_is_a_data_error(yaan_projects, root, target, actual):
    # a qualitative target needs the assessor's 评审得分率; counted units must match (条 is not 个)
    record = _example(root, "yaan-2020-projects-hotline")
    record["绩效指标"] = [dict(record["绩效指标"][0], 目标值=target, 实际值=actual), *record["绩效指标"][1:]]
    with pytest.raises(spec.SpecError):
        spec.score_project(spec.convert_project(record))
    with pytest.raises(RecordError, match="全年接电量"):
        yaan_projects.evaluate(record)
