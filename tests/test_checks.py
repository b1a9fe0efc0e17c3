"""`perfdsl check`: the shipped rulesets, the acceptance cases, JSON output, and the reasoning behind the checks.

The exact text of every diagnostic is in tests/golden/errors; here: what the
shipped rulesets produce (and why each warning is true), that a changed
weight fails with its location and both sums, that check never fails on any
text, and that the intervals the checks reason with hold every value a
record can produce.
"""

from __future__ import annotations

import json
import shutil
from decimal import Decimal, localcontext
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import modules

from perfdsl import diagnose
from perfdsl.cli import main
from perfdsl.decimals import CONTEXT
from perfdsl.errors import RecordError
from perfdsl.formatter import format_module
from perfdsl.inputs import convert_record
from perfdsl.interp import Evaluation
from perfdsl.intervals import INF, TOLERANCE, Interval, Ranges, div, region
from perfdsl.reach import Analysis, Env

ROOT = Path(__file__).resolve().parent.parent
RULESETS = sorted((ROOT / "rulesets").rglob("*.perf"))

#: Every warning the shipped rulesets give: divisions by an input that can be 0 where the scheme does not say
#: what a zero budget, head-count or target count scores (the record would fail there); a part over its whole
#: (完成数 over 总数, 在用 over 账面价值) that only the clamp to the weight keeps at full marks — the specs state
#: no such bound, so the ruleset may not reject the record; and Chao'an's 年度, which the published record
#: carries and no rule reads.
ZERO = "可能为 0（取值 {}），规则没有先处理：这样的记录无法计分"
OVER = "指标 {} 的比率 `{}` 可能超过 100%，得分只靠截断为 {}"
SHIPPED_WARNINGS = {
    "baoshan-2021.perf": [
        ("P412", 37, "除数 `编制数` " + ZERO.format("[0, +∞)")),
        ("P412", 38, "除数 `上年三公经费` " + ZERO.format("(-∞, +∞)")),
        ("P412", 39, "除数 `项目总支出` " + ZERO.format("(-∞, +∞)")),
        ("P412", 56, "除数 `调整后预算数` " + ZERO.format("[0万元, +∞)")),
        ("P412", 57, "除数 `年初预算数` " + ZERO.format("(-∞, +∞)")),
        ("P412", 58, "除数 `支付预算数` " + ZERO.format("[0万元, +∞)")),
        ("P412", 59, "除数 `调整后预算数` " + ZERO.format("[0万元, +∞)")),
        ("P412", 61, "除数 `公用经费预算数` " + ZERO.format("(-∞, +∞)")),
        ("P412", 62, "除数 `三公经费预算数` " + ZERO.format("(-∞, +∞)")),
        ("P412", 63, "除数 `政府采购预算数` " + ZERO.format("[0万元, +∞)")),
        ("P410", 145, OVER.format("固定资产利用率", "在用固定资产 / 固定资产账面价值", 2)),
    ],
    "chaoan-2022.perf": [
        ("P410", 214, OVER.format("年度重点工作完成率", "重点工作完成数 / 重点工作总数", 6)),
        ("P410", 219, OVER.format("项目完成率", "项目完成数 / 项目总数", 8)),
    ],
    "meijiang-2023.perf": [  # its base's (common/guangdong-base.perf), located there
        ("P410", 95, OVER.format("固定资产利用率", "在用固定资产总额 / 固定资产总额", 1)),
        ("P410", 112, OVER.format("重点工作完成率", "重点工作完成数 / 重点工作总数", 1)),
    ],
    "guangdong-base.perf": [
        ("P410", 95, OVER.format("固定资产利用率", "在用固定资产总额 / 固定资产总额", 1)),
        ("P410", 112, OVER.format("重点工作完成率", "重点工作完成数 / 重点工作总数", 1)),
    ],
    "yaan-2020-projects.perf": [("P412", 40, "除数 `预算数` " + ZERO.format("[0万元, +∞)"))],
    "national-2020-projects.perf": [("P412", 44, "除数 `全年预算数` " + ZERO.format("[0万元, +∞)"))],
    "yaan-2020.perf": [],
    "anhui-2022-projects.perf": [],  # 全年预算数 declared > 0万元: a division the range makes safe
    "chongqing-2021.perf": [],  # 全年预算数 > 0万元 likewise; 执行率 written min(执行率, 1), as the sheet caps it
    "zhanjiang-2021.perf": [
        ("P412", 36, "除数 `财政下达预算数` " + ZERO.format("[0元, +∞)")),
        ("P412", 46, "除数 `计划目标数` " + ZERO.format("[0, +∞)")),
        ("P412", 81, "除数 `采购计划金额` " + ZERO.format("[0元, +∞)")),
    ],
    "guangdong-framework.perf": [],
    "guangdong.perf": [],
    "national.perf": [],
}


@pytest.mark.parametrize("path", RULESETS, ids=lambda p: p.name)
def test_shipped_ruleset_checks_with_exactly_its_known_warnings(path):
    result = CliRunner().invoke(main, ["check", "--format", "json", str(path)])
    assert result.exit_code == 0
    assert [(d["code"], d["line"], d["message"]) for d in json.loads(result.stdout)] == SHIPPED_WARNINGS[path.name]


def _changed(tmp_path, name: str, old: str, new: str) -> Path:
    shutil.copytree(ROOT / "rulesets" / "common", tmp_path / "common")
    text = (ROOT / "rulesets" / name).read_text("utf-8")
    assert text.count(old) == 1
    path = tmp_path / name
    path.write_text(text.replace(old, new), "utf-8")
    return path


def test_chaoan_with_one_leaf_weight_changed_fails_at_its_group(tmp_path):
    path = _changed(tmp_path, "chaoan-2022.perf", "indicator 项目完成率 8 {", "indicator 项目完成率 9 {")
    result = CliRunner().invoke(main, ["check", str(path)])
    assert result.exit_code == 1
    line = path.read_text("utf-8").splitlines().index("    group 效率性 14 {") + 1
    assert result.stderr.startswith(f"{path}:{line}:11: error[P310]: 分组 效率性 的分值为 14，但下级指标合计 6 + 9 = 15\n")
    assert result.stderr.endswith(f"{path}: 1 个错误，2 个警告\n")


def test_meijiang_with_the_published_weight_fails_at_the_override_noting_the_base(tmp_path):
    path = _changed(tmp_path, "meijiang-2023.perf", "override scorecard 自评得分 {\n",
                    "override scorecard 自评得分 {\n  weight 采购意向公开合规性 4\n")
    result = CliRunner().invoke(main, ["check", "--format", "json", str(path)])
    assert result.exit_code == 1
    line = path.read_text("utf-8").splitlines().index("  weight 采购意向公开合规性 4") + 1
    base = tmp_path / "common" / "guangdong-base.perf"
    group = base.read_text("utf-8").splitlines().index("    group 采购管理 10 {") + 1
    first, *rest = json.loads(result.stdout)
    assert first == {
        "code": "P310", "severity": "error",
        "message": "分组 采购管理 的分值为 10，但覆盖（override）后下级指标合计 4 + 1 + 1 + 2 + 2 + 2 = 12",
        "file": str(path), "line": line, "column": 3, "end_line": line, "end_column": 21,
        "hint": "声明 10，下级合计 12",
        "notes": [{"message": "基础规则集中的声明", "file": str(base), "line": group, "column": 11}],
    }
    assert [(d["code"], d["severity"], d["message"]) for d in rest] == [  # the ruleset's own warnings
        (code, "warning", message) for code, _, message in SHIPPED_WARNINGS["meijiang-2023.perf"]]


def test_json_lists_every_file_and_note(tmp_path):
    path = tmp_path / "r.perf"
    path.write_text('ruleset "t" { precision 2 }\ninput 数: count\ninput 数: number\n'
                    'scorecard 卡 max 1 { group 组 1 { indicator 甲 1 { score min(数, 1) } } }\n', "utf-8")
    library = ROOT / "rulesets" / "common" / "national.perf"
    result = CliRunner().invoke(main, ["check", "--format", "json", str(library), str(path)])
    assert result.exit_code == 1
    assert json.loads(result.stdout) == [{
        "code": "P202", "severity": "error", "message": "名称 `数` 重复定义", "file": str(path),
        "line": 3, "column": 7, "end_line": 3, "end_column": 8, "hint": None,
        "notes": [{"message": "首次定义在此", "file": str(path), "line": 2, "column": 7}],
    }]
    assert result.stderr == ""


# ── check never fails ───────────────────────────────────────────────────────


@settings(max_examples=200)
@given(modules())
def test_check_of_any_ruleset_is_a_list_of_located_diagnostics(module):
    _, diagnostics = diagnose(format_module(module), "gen.perf")
    for diagnostic in diagnostics:
        assert diagnostic.code[0] == "P" and diagnostic.code[1:].isdigit()
        span = diagnostic.span
        assert diagnostic.render().startswith(f"{span.source.path}:{span.line}:{span.column}: ")


# ── the intervals the checks reason with ────────────────────────────────────


def test_intervals_of_counts_move_to_whole_numbers():
    assert region(">", Decimal("2.5"), whole=True) == Interval(Decimal(3), INF, whole=True)
    assert Interval(Decimal(0), INF, whole=True).without(Decimal(0)) == Interval(Decimal(1), INF, whole=True)
    assert div(Interval(Decimal(1), Decimal(1)), Interval(Decimal(0), Decimal(4))) == Interval(Decimal("0.25"), INF)
    gaps = Ranges.of(Interval(Decimal(0), INF)).minus(Ranges.of(region("<=", Decimal(5)), region("<=", Decimal(10))))
    assert gaps == Ranges.of(region(">", Decimal(10)))


INPUTS = '''ruleset "t" { precision 2 }
input a: count
input b: count <= a
input c: number in -5 .. 5
input d: rate >= 0%
input f: bool
let x = EXPR
scorecard 卡 max 1 { group 组 1 { indicator 甲 1 { score 0; show x } } }
'''
LEAVES = st.sampled_from(["a", "b", "c", "d", "2", "0.5", "-3", "90%", "full"])


def _expressions():
    def grow(inner):
        return st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/"]), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
            st.tuples(st.sampled_from(["min", "max"]), inner, inner).map(lambda t: f"{t[0]}({t[1]}, {t[2]})"),
            st.tuples(st.sampled_from(["abs", "ceil", "floor"]), inner).map(lambda t: f"{t[0]}({t[1]})"),
            st.tuples(st.sampled_from(["f", "a > 2", "c <= 0", "d != 0", "a == 0 or c > 1"]), inner, inner).map(
                lambda t: f"(if {t[0]} then {t[1]} else {t[2]})"),
        )
    return st.recursive(LEAVES.filter(lambda leaf: leaf != "full"), grow, max_leaves=6)


RECORDS = st.fixed_dictionaries({
    "a": st.integers(0, 6), "c": st.integers(-50, 50).map(lambda n: Decimal(n) / 10),
    "d": st.sampled_from(["0%", "50%", "90%", "100%", "150%"]), "f": st.booleans(),
}).flatmap(lambda r: st.integers(0, r["a"]).map(lambda b: dict(r, b=b)))


@settings(max_examples=300)
@given(_expressions(), st.lists(RECORDS, min_size=1, max_size=8))
def test_every_value_a_record_gives_lies_in_the_interval(expr, records):
    model, diagnostics = diagnose(INPUTS.replace("EXPR", expr), "t.perf")
    assume(not any(d.is_error for d in diagnostics))
    value = Analysis(model).value(model.let("x").expr, Env())
    assume(value is not None)
    for raw in records:
        try:
            with localcontext(CONTEXT):
                got = Evaluation(model, convert_record(model, raw)).eval(model.let("x").expr)
        except RecordError:  # a division by zero
            continue
        slack = TOLERANCE * max(1, abs(got))  # the evaluator rounds to 40 digits, the intervals to 60
        assert value.interval.lo - slack <= got <= value.interval.hi + slack, (expr, raw, got, value)


def test_a_score_with_a_type_error_gets_no_range_warning_after_it():
    """`支出 - 3` is P203 (money minus a bare number); the range of that expression is no fact about the data, so
    no P410/P411 follows it — while the well-typed indicator beside it keeps its own P411."""
    text = ('ruleset "试" {}\n\ninput 支出: money(元)\ninput 次数: count\n\n'
            'scorecard 卡 max 100 {\n'
            '  indicator 甲 50 { score 支出 - 3 + 次数 }\n'
            '  indicator 乙 50 { score 50 - 次数 }\n'
            '}\n')
    _, found = diagnose(text, "试.perf")
    assert [(d.code, d.span.line) for d in found] == [("P203", 7), ("P411", 8)]
    assert found[1].message.startswith("指标 乙 的得分可能为负：`50 - 次数` 最低可达 -∞")
