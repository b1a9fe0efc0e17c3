"""The Chao'an 2022 review: every figure the seed publishes, exactly, and the JSON contract."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from perfdsl import read_record

EXPECTED = read_record(Path(__file__).resolve().parent.parent / "examples" / "chaoan-2022.json")["_expected"]
CASES = [(card, path, Decimal(str(score))) for card, block in EXPECTED.items()
         for path, score in block["indicators"].items()]


def test_published_totals_and_grade(chaoan, chaoan_record):
    result = chaoan.evaluate(chaoan_record)
    review = result.scorecard("复核得分")
    quality = result.scorecard("自评质量")
    assert (review.score, review.grade) == (Decimal("89.04"), "良好")
    assert (quality.score, quality.grade) == (Decimal(29), None)


@pytest.mark.parametrize("card,path,expected", CASES, ids=[f"{c}:{p}" for c, p, _ in CASES])
def test_every_published_indicator(chaoan, chaoan_record, card, path, expected):
    assert chaoan.evaluate(chaoan_record).scorecard(card).indicators()[path] == expected


def test_example_record_is_the_shared_published_record(root):
    shared = root.parent / "shared" / "data" / "chaoan-2022.json"
    if not shared.exists():
        pytest.skip("shared/ is not beside this checkout")
    example = json.loads((root / "examples/chaoan-2022.json").read_text("utf-8"))
    example.pop("_reported")  # the document's own claims, which audit checks (tests/test_audit.py)
    assert json.loads(shared.read_text("utf-8")) == example


def test_effective_weights_after_reallocation(chaoan, chaoan_record):
    card = chaoan.evaluate(chaoan_record).scorecard("复核得分")
    weights = {"/".join(n.path): (n.declared, n.weight) for n in card.nodes}
    assert weights["预算编制情况/预算编制"] == (9, 7)
    assert weights["预算编制情况/预算编制/预算编制合理性"] == (5, 7)
    assert weights["预算编制情况/预算编制/提前下达率"] == (4, 0)
    assert weights["预算编制情况/目标设置"] == (10, 12)
    assert weights["预算编制情况/目标设置/绩效目标合理性"] == (5, 6)
    assert weights["预算执行情况/资金管理/部门预算资金支出率"] == (6, 8)
    assert weights["预算执行情况/资金管理/资金下达"] == (2, 0)
    top = [n.weight for n in card.nodes if len(n.path) == 1 and n.path[0] != "加减分项"]
    assert sum(top) == 100


def test_basis_lines(chaoan, chaoan_record):
    card = chaoan.evaluate(chaoan_record).scorecard("复核得分")
    basis = {"/".join(n.path): n.basis for n in card.nodes}
    assert basis["预算使用效益/效率性/项目完成率"] == "项目完成率 = 9 / 14 = 64.29%，8 × 64.29% = 5.14"
    assert basis["预算执行情况/资金管理/部门预算资金支出率"] == (
        "分值 6 + 2（资金下达不适用调入）= 8，部门预算支出率 = 6440687.91元 / (6400981.42元 + 197940.5元) = 97.60%，"
        "≥ 95%，得分值的 80%，8 × 80% = 6.4")
    assert basis["预算执行情况/资金管理/存量资金变动率"] == (
        "存量资金变动率 = 0.43万元 / 1.25万元 - 1 = -65.60%，未超过 0%，不扣，得 3 分")
    assert basis["预算编制情况/预算编制/提前下达率"] == (
        "不适用（有转移支付 = 否），分值 4 调整至 预算编制合理性 +2、绩效目标合理性 +1、绩效指标明确性 +1")
    assert basis["预算编制情况/目标设置/绩效目标合理性"] == (
        "分值 5 + 1（提前下达率不适用调入）= 6，评审扣 3 分：年初未设置部门整体绩效目标；项目绩效目标填写不完整、"
        "合理性欠缺，6 - 3 = 3")
    assert basis["预算执行情况/资产管理/资产收益上缴及时性"] == (
        "逾期未上缴收益笔数 = 1，每次扣 0.5，扣 0.5，3 - 0.5 = 2.5，依据：2022年9月30日收到公车报废款900元，"
        "2023年2月28日才上缴国库")
    quality = chaoan.evaluate(chaoan_record).scorecard("自评质量")
    assert quality.nodes[-1].basis == "分差 = abs(96.5 - 89.04) = 7.46，≤ 10，得 4 分"


def test_json_contract(chaoan, chaoan_record):
    out = chaoan.evaluate(chaoan_record).to_json()
    assert out["ruleset"] == "潮安区2022年部门整体支出绩效自评复核"
    assert out["record"] == "潮州市潮安区政务服务数据管理局"
    assert [c["name"] for c in out["scorecards"]] == ["复核得分", "自评质量"]
    review = out["scorecards"][0]
    assert (review["max"], review["score"], review["grade"]) == (100, Decimal("89.04"), "良好")
    first = review["indicators"][0]
    assert first["path"] == ["预算编制情况"] and (first["weight"], first["score"]) == (19, 12)
    # every indicator, groups and leaves, depth-first in ruleset order
    paths = ["/".join(i["path"]) for i in review["indicators"]]
    assert paths[:4] == ["预算编制情况", "预算编制情况/预算编制", "预算编制情况/预算编制/预算编制合理性",
                         "预算编制情况/预算编制/提前下达率"]
    assert len(paths) == 39 and len(set(paths)) == 39  # 14 groups + 25 leaves
