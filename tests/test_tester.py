"""`perfdsl test` itself: planted bugs are caught with a useful message, clean rulesets pass.

Each planted bug is a small ruleset (or a copy of Chao'an's example) that
breaks one thing: a published figure, a leaf worth more than its weight, a
band that breaks a declared monotonicity, an assertion, an evaluator.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfdsl.cli import main
from perfdsl.testing.suite import Options, RulesetTests

ROOT = Path(__file__).resolve().parent.parent
HEADER = 'ruleset "测试" { precision 2 }\n'

SPENDING = HEADER + """
input 预算数: money(元)
input 支出数: money(元)
let 支出率 = 支出数 / 预算数
scorecard 卡 max 10 {
  group 执行 10 {
    indicator 支出 10 {
      when 预算数 == 0元 => 0
      bands 支出率 share {
        >= 100% => 100%
        >= 95% => 80%
        >= 90% => 90%
        else => 0
      }
    }
  }
}
property score of 支出 never decreases in 支出数 when 预算数 > 0元
"""


def suite(tmp_path, text: str, name: str = "planted.perf", **options) -> RulesetTests:
    path = tmp_path / "rulesets" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, "utf-8")
    return RulesetTests(path, Options(failures=tmp_path / "failures", **options))


def run(tests: RulesetTests, kind: str, text: str = ""):
    case = next(c for c in tests.cases() if c.kind == kind and text in c.title)
    return case.run()


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


# ── the acceptance ──────────────────────────────────────────────────────────


def test_shipped_rulesets_pass():
    # 20 generated records a case: with 10, a `when` that holds rarely (自评得分 >= 复核得分) may go untested
    result = cli("test", *sorted((ROOT / "rulesets").glob("*.perf")), "--max-examples", 20)
    assert result.exit_code == 0, result.output
    # one case per example file, one for each ruleset's invariants, one per property (only Chao'an has them):
    # 13 examples (the Ya'an projects have 3, the national and the Anhui project tables 2 each) + 9 rulesets
    # + 12 properties
    assert result.output.rstrip().endswith("通过 34 项，失败 0 项")
    assert "✓ 示例 examples/chaoan-2022.json — 1 条记录，52 个公布数字全部一致" in result.output


@pytest.fixture
def chaoan_copy(tmp_path):
    """A repository layout with Chao'an's ruleset and example, for tampering."""
    (tmp_path / "rulesets").mkdir()
    (tmp_path / "examples").mkdir()
    shutil.copy(ROOT / "rulesets" / "chaoan-2022.perf", tmp_path / "rulesets")
    shutil.copytree(ROOT / "rulesets" / "common", tmp_path / "rulesets" / "common")  # the library it includes
    shutil.copy(ROOT / "examples" / "chaoan-2022.json", tmp_path / "examples")
    return tmp_path


def test_a_tampered_published_figure_fails_naming_it(chaoan_copy, monkeypatch):
    example = chaoan_copy / "examples" / "chaoan-2022.json"
    text = example.read_text("utf-8")
    example.write_text(text.replace('"预算使用效益/效率性/项目完成率": 5.14', '"预算使用效益/效率性/项目完成率": 5.15'), "utf-8")
    line = text.splitlines().index('        "预算使用效益/效率性/项目完成率": 5.14,') + 1
    monkeypatch.chdir(chaoan_copy)
    result = cli("test", "rulesets/chaoan-2022.perf", "--max-examples", 5, "--failures", chaoan_copy / "f")
    assert result.exit_code == 1
    assert "✗ 示例 examples/chaoan-2022.json — 1 处不符" in result.output
    assert (f"examples/chaoan-2022.json:{line}: 复核得分/预算使用效益/效率性/项目完成率：公布 5.15，得到 5.14\n"
            "        依据：项目完成率 = 9 / 14 = 64.29%，8 × 64.29% = 5.14") in result.output
    assert result.output.rstrip().endswith("通过 13 项，失败 1 项")


def test_a_tampered_total_grade_and_unknown_path(chaoan_copy):
    example = chaoan_copy / "examples" / "chaoan-2022.json"
    text, reported = example.read_text("utf-8").split('\n  "_reported"')  # tamper with _expected only
    text = text.replace('"score": 89.04', '"score": 89.4').replace('"grade": "良好"', '"grade": "优秀"')
    text = text.replace('"预算使用效益/效率性/项目完成率"', '"预算使用效益/效率性/项目完成律"')
    example.write_text(text + '\n  "_reported"' + reported, "utf-8")
    outcome = run(RulesetTests(chaoan_copy / "rulesets" / "chaoan-2022.perf"), "example")
    assert not outcome.ok and outcome.summary == "3 处不符"
    problems = outcome.detail.split("\n")
    assert problems[0].endswith("复核得分 总分：公布 89.4，得到 89.04")
    assert problems[1] == "  依据：12 + 40.9 + 33.14 + 3 = 89.04"
    assert problems[2].endswith("复核得分 等级：公布 优秀，得到 良好（总分 89.04）")
    assert problems[3].endswith("复核得分 没有指标 `预算使用效益/效率性/项目完成律`，是否为 `预算使用效益/效率性/项目完成率`？")


def test_an_example_whose_record_warns_fails_naming_the_key(chaoan_copy, monkeypatch):
    """An example is a published record, read right: a figure that looks like a slip fails it, even where the
    slip changes no published figure (95 for 95% under a cap)."""
    example = chaoan_copy / "examples" / "chaoan-2022.json"
    example.write_text(example.read_text("utf-8").replace('"采购意向公开率": "100%"', '"采购意向公开率": 100', 1), "utf-8")
    monkeypatch.chdir(chaoan_copy)
    outcome = run(RulesetTests(Path("rulesets/chaoan-2022.perf")), "example")
    assert not outcome.ok
    assert ("examples/chaoan-2022.json: 记录 潮州市潮安区政务服务数据管理局，键 `采购意向公开率`: 警告[P521]: "
            "采购意向公开率 = 100（读作 10000%）：是否应为 100%？（示例记录不应有数据警告：请核对这个数字）"
            ) in outcome.detail.split("\n")


# ── planted bugs ────────────────────────────────────────────────────────────


def test_a_band_that_breaks_declared_monotonicity(tmp_path):
    outcome = run(suite(tmp_path, SPENDING), "property")
    assert not outcome.ok
    first, before, after = outcome.detail.split("\n")[:3]
    assert first.startswith("支出数 从 ") and first.endswith("score of 支出 却从 9 降低到 8")
    assert before.startswith("  之前 score of 支出：支出率 = ") and before.endswith("≥ 90%，得分值的 90%，10 × 90% = 9")
    assert after.startswith("  之后 score of 支出：支出率 = ") and after.endswith("≥ 95%，得分值的 80%，10 × 80% = 8")
    pair = tmp_path / "failures" / "planted-property-19.json"
    assert f"反例（已化简）：{pair}" in outcome.detail
    assert "重现：perfdsl eval " in outcome.detail
    result = cli("eval", tmp_path / "rulesets" / "planted.perf", pair, "--format", "json")
    assert result.exit_code == 0
    assert [Decimal(str(r["scorecards"][0]["score"])) for r in json.loads(result.output)] == [9, 8]


def test_the_same_band_in_order_passes(tmp_path):
    outcome = run(suite(tmp_path, SPENDING.replace(">= 90% => 90%", ">= 90% => 60%")), "property")
    assert outcome.ok, outcome.detail
    assert outcome.summary.endswith("对记录（增大前后）成立")


def test_a_checklist_worth_more_than_its_indicator(tmp_path):
    text = HEADER + """
input 甲: bool
input 乙: bool
scorecard 卡 max 2 { group 组 2 { indicator 清单 2 { checklist { 甲 => 1; 乙 => 2 } } } }
"""
    outcome = run(suite(tmp_path, text), "invariants")
    assert not outcome.ok
    assert outcome.detail.split("\n")[:2] == [
        f"指标 卡/组/清单：清单 给出 3 分，超出有效分值 [0, 2]，得分 2 只是被截断才没有超出（{tmp_path}/rulesets/"
        "planted.perf:5:50）",
        "  依据：甲 ✓ +1；乙 ✓ +2，得 3 分，超过分值，按 2 计"]
    counterexample = json.loads((tmp_path / "failures" / "planted-invariants.json").read_text("utf-8"))
    assert counterexample == {"甲": True, "乙": True}


def test_a_band_arm_worth_more_than_its_indicator(tmp_path):
    text = HEADER + """
input 比例: rate
scorecard 卡 max 3 { group 组 3 { indicator 分档 3 { bands 比例 { >= 50% => 4; else => 0 } } } }
"""
    outcome = run(suite(tmp_path, text), "invariants")
    assert not outcome.ok
    assert "分档 `>= 50% => 4` 给出 4 分，超出有效分值 [0, 3]" in outcome.detail
    assert json.loads((tmp_path / "failures" / "planted-invariants.json").read_text("utf-8")) == {"比例": 0.5}


def test_a_formula_past_its_weight_is_what_the_language_means(tmp_path):
    # 采购意向公开率 above 100% scores full marks: the clamp is the rule, not a mistake
    text = HEADER + """
input 公开率: rate
scorecard 卡 max 3 { group 组 3 { indicator 采购 3 { score 3 * 公开率 } } }
"""
    outcome = run(suite(tmp_path, text), "invariants")
    assert outcome.ok, outcome.detail


def test_an_assertion_that_does_not_hold(tmp_path):
    outcome = run(suite(tmp_path, SPENDING + "property always score of 支出 >= 8 when 预算数 > 0元\n"), "property",
                  "always")
    assert not outcome.ok
    assert outcome.detail.startswith("不成立：score of 支出 >= 8（score of 支出 = ")
    record = json.loads((tmp_path / "failures" / "planted-property-20.json").read_text("utf-8"))
    assert set(record) == {"预算数", "支出数"}


def test_a_claim_reads_weights_and_scores_from_the_flat_figures(tmp_path):
    # `weight of` is the weight after moves, `score of` the score: both read through `Layout`, never confused
    holds = run(suite(tmp_path, SPENDING + "property always weight of 支出 == 10 when 预算数 > 0元\n"), "property",
                "always")
    assert holds.ok, holds.detail
    fails = run(suite(tmp_path, SPENDING + "property always weight of 支出 == score of 支出 when 预算数 > 0元\n",
                      name="weights.perf"), "property", "always")
    assert not fails.ok
    assert fails.detail.startswith("不成立：weight of 支出 == score of 支出（weight of 支出 = 10、score of 支出 = ")


def test_a_property_never_put_to_the_test_fails(tmp_path):
    text = SPENDING + "property always 卡 <= 10 when 预算数 > 0元 and 预算数 < 0元\n"
    outcome = run(suite(tmp_path, text), "property", "always")
    assert (outcome.ok, outcome.summary) == (False, "从未被检验")
    assert outcome.detail.endswith("条记录中没有一条检验了这个性质：when 条件从未成立")


# ── records that cannot be scored ───────────────────────────────────────────

RATIO = HEADER + """
input 总数: count
input 完成数: count <= 总数
scorecard 卡 max 4 { group 组 4 { indicator 完成 4 { ratio 完成数 / 总数 } } }
"""


def test_declared_errors_are_counted_and_shown_not_hidden(tmp_path):
    tests = suite(tmp_path, RATIO)
    outcome = run(tests, "invariants")
    assert outcome.ok
    assert tests.errors.total > 0
    assert outcome.summary.endswith(f"条生成记录满足全部不变式，{tests.errors.total} 条无法计分")
    assert outcome.notes == (
        f"{tests.errors.total} 条生成记录无法计分（声明的错误，不算失败；规则集可用 when 说明这些情形）：\n"
        f"  {tests.errors.total} 条无法求值：指标 组/完成: 比率的分母 `总数` 为 0，规则没有说明此时如何计分")


def test_a_ruleset_no_record_can_be_scored_with_fails(tmp_path):
    outcome = run(suite(tmp_path, RATIO.replace("input 总数: count", "input 总数: count <= 0")), "invariants")
    assert (outcome.ok, outcome.summary) == (False, "没有一条生成的记录能计分")


def test_an_undeclared_exception_is_a_failure(tmp_path):
    tests = suite(tmp_path, SPENDING)

    def broken(values, *constants):
        raise TypeError("planted")

    tests.program._evaluate = broken
    outcome = run(tests, "invariants")
    assert not outcome.ok
    assert outcome.detail.startswith("抛出了未声明的异常 InternalError: 编译求值失败而参考求值成功（TypeError: planted）")


def test_evaluators_that_disagree_are_a_failure(tmp_path):
    tests = suite(tmp_path, SPENDING)
    honest = tests.program._evaluate

    def off_by_a_cent(values):
        flat = list(honest(values))
        flat[1] += Decimal("0.01")  # the first node's score
        return tuple(flat)

    tests.program._evaluate = off_by_a_cent
    outcome = run(tests, "invariants")
    assert not outcome.ok
    assert "指标 卡/执行：编译求值得 分值 10、得分 0.01，参考求值得 分值 10、得分 0——两个求值器不一致" in outcome.detail


# ── the command line ────────────────────────────────────────────────────────


def test_usage_and_syntax_errors_exit_2(tmp_path):
    result = cli("test", tmp_path / "nope.perf")
    assert result.exit_code == 2
    assert "nope.perf: 文件不存在" in result.output and result.output.rstrip().endswith("通过 0 项，失败 1 项")
    broken = tmp_path / "broken.perf"
    broken.write_text(HEADER + "input 甲： count\n", "utf-8")
    result = cli("test", broken)
    assert result.exit_code == 2 and "error[P102]: 全角符号 `：`" in result.output


def test_verbose_prints_the_counterexample_json(tmp_path):
    path = tmp_path / "planted.perf"
    path.write_text(SPENDING, "utf-8")
    result = cli("test", path, "-v", "--failures", tmp_path)
    assert result.exit_code == 1
    assert '"预算数": ' in result.output and result.output.rstrip().endswith("通过 1 项，失败 2 项")
    assert "  ✗ 示例记录 — 没有示例记录，无法证明规则集能重现公布的分数" in result.output  # it has none beside it


REFUSED_OFTEN = HEADER + """
input 绩效指标: list {
  名称: text
  分值: number >= 0
  自评得分: number in 0 .. 分值
}
scorecard 卡 max 10 {
  group 产出 10 { each 绩效指标 named 名称 weight 分值 { score 自评得分 } }
}
"""


def test_only_records_the_rules_cannot_score_are_counted_as_such(tmp_path):
    # Records the declarations themselves refuse (a 自评得分 above its 分值: the generator does not follow a
    # field's bound naming another field) are not tried; they were counted among the 无法计分 — 164 of them
    # for the Anhui ruleset, beside notes explaining 17
    outcome = run(suite(tmp_path, REFUSED_OFTEN), "invariants")
    assert outcome.ok
    counted = outcome.summary.split("，")[-1] if "无法计分" in outcome.summary else ""
    explained = outcome.notes.split(" 条生成记录无法计分")[0] if outcome.notes else ""
    assert counted == (f"{explained} 条无法计分" if explained else "")
