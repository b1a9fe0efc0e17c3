"""`extends` and `override`, placeholder groups, `informational` inputs, strict input bounds (issue 15 part A)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import D

from perfdsl import compile_text, diagnose, interp, loader
from perfdsl.cli import main
from perfdsl.errors import PerfCheckError, PerfSyntaxError

ROOT = Path(__file__).resolve().parent.parent

BASE = """ruleset "某省项目支出绩效自评" {
  precision 2
}
input 完成数: count
input 计划数: count
scorecard 自评得分 max 100 {
  group 产出指标 50 {
    indicator 数量指标 25 { score full * min(完成数 / 计划数, 1) }
    indicator 质量指标 25 { manual }
  }
  group 效益指标 50 {
    indicator 采购管理 10 { manual }
    indicator 满意度 40 { manual }
  }
}
"""


def _files(tmp_path, child: str, base: str = BASE) -> Path:
    (tmp_path / "base.perf").write_text(base, "utf-8")
    path = tmp_path / "child.perf"
    path.write_text(child, "utf-8")
    return path


def _load(path: Path):
    return loader.load(path)


def _codes(path: Path):
    _, found = diagnose(path.read_text("utf-8"), str(path))
    return [(d.code, d.span.source.path if d.span else None, d.span.line if d.span else None, d.message)
            for d in found if d.is_error]


def _same_in_both_paths(program, record):
    """The compiled scorer and the reference interpreter (which writes the basis) agree on every indicator."""
    result = program.evaluate(record)
    trace = interp.evaluate(program.model, program.convert(record))
    for card in result.scorecards:
        reference = trace.cards[card.name]
        assert (card.score, card.grade) == (reference.total, reference.grade)
        assert [(n.weight, n.score) for n in card.nodes] == [(r.weight, r.score) for r in reference.nodes]


def _scores(program, record):
    result = program.evaluate(record)
    card = result.scorecards[0]
    out = {"/".join(n.path): (n.weight, n.score) for n in card.nodes}
    out[""] = card.score
    return out


def test_every_edit_is_made_and_scored_by_both_paths(tmp_path):
    path = _files(tmp_path, """ruleset "某区项目支出绩效自评" { precision 1 }
extends "base.perf"
override scorecard 自评得分 max 75 {
  weight 采购管理 8
  add indicator 时效指标 2 { manual } in 效益指标 first
  move 质量指标 to 效益指标 before 满意度
  replace indicator 满意度 15 { score full * 80% }
  weight 产出指标 25
}
""")
    program = _load(path)
    assert program.model.precision == 1 and program.model.title == "某区项目支出绩效自评"
    record = {"完成数": 9, "计划数": 14, "质量指标扣分": 5}
    got = _scores(program, record)
    assert got == {
        "产出指标": (D(25), D("16.1")), "产出指标/数量指标": (D(25), D("16.1")),
        "效益指标": (D(50), D(42)), "效益指标/时效指标": (D(2), D(2)), "效益指标/采购管理": (D(8), D(8)),
        "效益指标/质量指标": (D(25), D(20)), "效益指标/满意度": (D(15), D(12)), "": D("58.1"),
    }
    _same_in_both_paths(program, record)
    assert loader.sources(program.model) == (str(path), str((tmp_path / "base.perf").resolve()))


def test_a_sum_an_edit_breaks_is_reported_at_the_edit_noting_the_base(tmp_path):
    path = _files(tmp_path, """ruleset "子" {}
extends "base.perf"
override scorecard 自评得分 {
  drop 质量指标
}
""")
    with pytest.raises(PerfCheckError) as caught:
        _load(path)
    [problem] = caught.value.diagnostics
    assert (problem.code, problem.span.source.path, problem.span.line) == ("P310", str(path), 4)
    assert problem.message == "分组 产出指标 的分值为 50，但覆盖（override）后下级指标合计 25 = 25"
    assert [(text, span.source.path, span.line) for text, span in problem.notes] == [
        ("基础规则集中的声明", str(tmp_path / "base.perf"), 7)]


def test_names_missing_from_the_base_are_located_with_did_you_mean(tmp_path):
    path = _files(tmp_path, """ruleset "子" {}
extends "base.perf"
override scorecard 自评得份 { drop 满意度 }
override scorecard 自评得分 {
  weight 采购管里 8
  move 满意度 to 产出只标
  add indicator 采购管理 2 { manual }
}
""")
    assert _codes(path) == [
        ("P212", str(path), 3, "基础规则集没有计分卡 自评得份"),
        ("P212", str(path), 5, "基础规则集的计分卡 自评得分 里没有指标 采购管里"),
        ("P212", str(path), 6, "基础规则集的计分卡 自评得分 里没有分组 产出只标"),
        ("P213", str(path), 7, "基础规则集已有 效益指标/采购管理：改它请用 replace，移动请用 move"),
    ]
    _, found = diagnose(path.read_text("utf-8"), str(path))
    assert [d.hint for d in found[:3]] == ["是不是 自评得分？", "是不是 采购管理？", "是不是 产出指标？"]


def test_extends_cycles_depth_and_confinement(tmp_path):
    (tmp_path / "a.perf").write_text('ruleset "a" {}\nextends "b.perf"\n', "utf-8")
    (tmp_path / "b.perf").write_text('ruleset "b" {}\nextends "a.perf"\n', "utf-8")
    _, found = diagnose((tmp_path / "a.perf").read_text("utf-8"), str(tmp_path / "a.perf"))
    assert any(d.code == "P116" and d.message.startswith("extends 循环：") for d in found)
    outside = tmp_path / "inner"
    outside.mkdir()
    (outside / "c.perf").write_text('ruleset "c" {}\nextends "../base.perf"\n', "utf-8")
    (tmp_path / "base.perf").write_text(BASE, "utf-8")
    _, found = diagnose((outside / "c.perf").read_text("utf-8"), str(outside / "c.perf"))
    assert [d.code for d in found] == ["P116"] and "之外" in found[0].message
    (tmp_path / "abs.perf").write_text('extends "/etc/passwd.perf"\n', "utf-8")
    _, found = diagnose((tmp_path / "abs.perf").read_text("utf-8"), str(tmp_path / "abs.perf"))
    assert [d.code for d in found] == ["P116"] and "绝对路径" in found[0].message
    chain = tmp_path / "chain"
    chain.mkdir()
    (chain / "r0.perf").write_text(BASE, "utf-8")
    for n in range(1, 10):
        (chain / f"r{n}.perf").write_text(f'ruleset "r{n}" {{}}\nextends "r{n - 1}.perf"\n', "utf-8")
    assert loader.load(chain / "r7.perf").model.title == "r7"  # 8 rulesets in the chain: the limit
    with pytest.raises(PerfSyntaxError) as caught:
        loader.load(chain / "r9.perf")
    assert "extends 层数过多：最多 8 层基础规则集" in caught.value.render()


def test_a_library_cannot_be_a_base_and_override_needs_extends(tmp_path):
    (tmp_path / "lib.perf").write_text("input 甲: number\n", "utf-8")
    path = tmp_path / "x.perf"
    path.write_text('ruleset "x" {}\nextends "lib.perf"\n', "utf-8")
    assert [d.code for d in diagnose(path.read_text("utf-8"), str(path))[1]] == ["P116"]
    path.write_text(BASE + "override scorecard 自评得分 { drop 满意度 }\n", "utf-8")
    assert [d.code for d in diagnose(path.read_text("utf-8"), str(path))[1] if d.is_error] == ["P117"]


FRAMEWORK = """ruleset "某省框架" {
  precision 1
  record 单位
  framework
}
input 单位: text
input 计划数: count
"""


def test_a_framework_has_no_scorecard_and_what_extends_it_brings_its_own(tmp_path):
    (tmp_path / "framework.perf").write_text(FRAMEWORK, "utf-8")
    assert [d for d in diagnose(FRAMEWORK, str(tmp_path / "framework.perf"))[1]] == []  # no P302: it says framework
    child = _files(tmp_path, 'ruleset "甲地" { source "某报告" }\nextends "framework.perf"\ninput 完成数: count\n'
                   "scorecard 得分 max 10 {\n  indicator 完成率 10 { score full * min(完成数 / 计划数, 1) }\n}\n")
    child.write_text(child.read_text("utf-8").replace("base.perf", "framework.perf"), "utf-8")
    program = _load(child)
    header = program.model.module.header
    assert (program.model.precision, program.model.record, header.framework) == (1, "单位", None)  # never inherited
    record = {"单位": "某局", "完成数": 2, "计划数": 3}
    assert _scores(program, record)[""] == D("6.7")  # precision 1 from the framework: 6.666… → 6.7
    _same_in_both_paths(program, record)
    assert loader.sources(program.model)[1] == str(tmp_path / "framework.perf")  # a cache keys on it


def test_a_ruleset_extending_a_framework_without_a_scorecard_is_p302_and_a_framework_is_not_scored(tmp_path):
    (tmp_path / "framework.perf").write_text(FRAMEWORK, "utf-8")
    path = tmp_path / "child.perf"
    path.write_text('ruleset "乙地" {}\nextends "framework.perf"\n', "utf-8")
    assert [(d.code, d.span.line) for d in diagnose(path.read_text("utf-8"), str(path))[1]] == [("P302", 1)]
    (tmp_path / "d.json").write_text('{"单位": "某局", "计划数": 1}', "utf-8")
    out = CliRunner().invoke(main, ["eval", str(tmp_path / "framework.perf"), str(tmp_path / "d.json")])
    assert out.exit_code == 2 and "这是框架规则集（framework，没有计分卡），不能用来计分" in out.output
    out = CliRunner().invoke(main, ["test", str(tmp_path / "framework.perf")])
    assert out.exit_code == 0 and "框架规则集（framework，没有计分卡），由 extends 它的规则集测试" in out.output
    # without `framework` a header and no scorecard is still the author's slip, and a base that way is refused
    plain = FRAMEWORK.replace("  framework\n", "")
    assert [d.code for d in diagnose(plain, "plain.perf")[1]] == ["P302"]
    (tmp_path / "framework.perf").write_text(plain, "utf-8")
    path.write_text('ruleset "乙地" {}\nextends "framework.perf"\nscorecard 卡 max 1 {\n  indicator 甲 1 { manual }\n}\n',
                    "utf-8")
    found = diagnose(path.read_text("utf-8"), str(path))[1]
    assert [d.code for d in found] == ["P116"] and "头部写 framework" in found[0].render()


def test_an_error_in_a_framework_is_reported_at_the_framework_line(tmp_path):
    path = tmp_path / "child.perf"
    path.write_text('ruleset "丙地" {}\nextends "framework.perf"\nscorecard 卡 max 1 {\n  indicator 甲 1 { manual }\n}\n',
                    "utf-8")
    (tmp_path / "framework.perf").write_text(FRAMEWORK + "let 比率 = 完成 / 计划数\n", "utf-8")
    found = [d for d in diagnose(path.read_text("utf-8"), str(path))[1] if d.is_error]
    assert [(d.code, d.span.source.path, d.span.line) for d in found] == [("P201", str(tmp_path / "framework.perf"), 8)]
    (tmp_path / "framework.perf").write_text(FRAMEWORK.replace("input 计划数: count", "input 计划数: cuont"), "utf-8")
    found = [d for d in diagnose(path.read_text("utf-8"), str(path))[1] if d.is_error]
    assert found[0].code == "P116" and found[0].span.line == 2 and "第 7 行" in found[0].message


def test_the_guangdong_schemes_share_one_framework():
    for name in ("zhanjiang-2021.perf", "chaoan-2022.perf", "meijiang-2023.perf"):
        model = loader.load(ROOT / "rulesets" / name).model
        assert str(ROOT / "rulesets" / "common" / "guangdong-framework.perf") in loader.sources(model)
        assert (model.precision, model.rounding, model.record) == (2, "half-up", "单位")
        assert "结转结余率" in {let.name for let in model.lets}
    assert loader.load(ROOT / "rulesets" / "zhanjiang-2021.perf").model.title == "湛江市2021年部门整体绩效自评"


def test_meijiang_is_the_provincial_base_plus_its_own_figures():
    model = loader.load(ROOT / "rulesets" / "meijiang-2023.perf").model
    assert loader.sources(model) == (
        str(ROOT / "rulesets" / "meijiang-2023.perf"), str(ROOT / "rulesets" / "common" / "guangdong-base.perf"),
        str(ROOT / "rulesets" / "common" / "guangdong-framework.perf"),
        str(ROOT / "rulesets" / "common" / "guangdong.perf"))  # the base, its framework, what the framework includes
    record = json.loads((ROOT / "examples" / "meijiang-2023.json").read_text("utf-8"))
    result = loader.load(ROOT / "rulesets" / "meijiang-2023.perf").evaluate(record)
    assert result.scorecards[0].score == D("99.95")
    basis = {"/".join(n.path): n.basis for n in result.scorecards[0].nodes}
    assert "热线满意率" in basis["预算使用效益/公平性/公众或服务对象满意度"]


# ── placeholder groups, informational inputs, strict bounds ─────────────────

PLACEHOLDER = """ruleset "占位" { precision 2 }
input 甲: number >= 0
scorecard 卡 max 10 {
  group 产出指标 10 {
    indicator 数量 10 { score min(甲, 10) }
  }
  group 效益指标 0 {}
}
"""


def test_a_placeholder_group_scores_zero_with_its_basis_in_every_path():
    program = compile_text(PLACEHOLDER, "p.perf")
    result = program.evaluate({"甲": 7})
    card = result.scorecards[0]
    assert [(n.path, n.weight, n.score, n.basis) for n in card.nodes][-1] == (
        ("效益指标",), D(0), D(0), "占位分组：没有下级指标，分值 0，得 0 分")
    assert card.score == D(7)
    _same_in_both_paths(program, {"甲": 7})
    weighted = PLACEHOLDER.replace("效益指标 0 {}", "效益指标 5 {}").replace("max 10", "max 15")
    _, found = diagnose(weighted, "p.perf")
    assert [(d.code, d.message) for d in found] == [("P310", "分组 效益指标 没有下级指标，但分值为 5")]


INFO = """ruleset "信息" { precision 2 }
input 年度: count informational
input 甲: number >= 0
scorecard 卡 max 5 {
  group 组 5 {
    indicator 一 5 {
      score min(甲, 5)
      show 年度
    }
  }
}
"""


def test_an_informational_input_is_shown_never_scored_and_not_reported_unused():
    assert diagnose(INFO, "i.perf")[1] == []
    program = compile_text(INFO, "i.perf")
    result = program.evaluate({"年度": 2022, "甲": 4})
    assert result.to_json()["information"] == {"年度": "2022"}
    assert result.scorecards[0].score == D(4)
    _same_in_both_paths(program, {"年度": 2022, "甲": 4})


def test_a_rule_reading_an_informational_input_is_an_error():
    text = INFO.replace("score min(甲, 5)", "score if 年度 >= 2022 then full else 0")
    [problem] = [d for d in diagnose(text, "i.perf")[1] if d.is_error]
    assert (problem.code, problem.span.line) == ("P211", 7)
    assert problem.message == "输入 年度 声明为 informational（仅供参考、不计分），但这里的评分用到了它"


STRICT = """ruleset "严格" { precision 2 }
input 预算数: money(万元) > 0万元
input 支出数: money(万元) >= 0万元
input 偏差: number < 5
scorecard 卡 max 10 {
  group 组 10 {
    indicator 支出率 10 { score full * min(支出数 / 预算数, 1) }
  }
}
"""


def test_strict_bounds_are_open_for_check_and_for_the_data():
    assert [d.code for d in diagnose(STRICT, "s.perf")[1]] == ["P210"]  # 偏差 unused; no P412 division by zero
    weak = STRICT.replace("> 0万元", ">= 0万元")
    assert "P412" in [d.code for d in diagnose(weak, "s.perf")[1]]
    program = compile_text(STRICT.replace("input 偏差: number < 5\n", ""), "s.perf")
    assert program.evaluate({"预算数": "2万元", "支出数": "1万元"}).scorecards[0].score == D(5)
    from perfdsl.errors import RecordError

    with pytest.raises(RecordError) as caught:
        program.evaluate({"预算数": "0万元", "支出数": "1万元"})
    assert "取值 0万元 超出范围 (0万元, +∞)" in str(caught.value)


def test_informational_inputs_are_shown_in_the_table_markdown_and_the_printed_scoresheet(tmp_path):
    ruleset = tmp_path / "i.perf"
    ruleset.write_text(INFO.replace("input 甲", "input 填报人: text informational\ninput 甲"), "utf-8")
    data = tmp_path / "r.json"
    data.write_text('{"年度": 2022, "填报人": "张三", "甲": 4}', "utf-8")
    table = CliRunner().invoke(main, ["eval", str(ruleset), str(data)])
    assert table.stdout.splitlines()[1] == "信息（不计分）：年度 2022，填报人 张三"
    markdown = CliRunner().invoke(main, ["eval", str(ruleset), str(data), "--format", "md"])
    assert "\n信息（不计分）：年度 2022，填报人 张三\n" in markdown.stdout
    page = tmp_path / "r.html"
    assert CliRunner().invoke(main, ["eval", str(ruleset), str(data), "-o", str(page)]).exit_code == 0
    assert '<span>年度：2022</span><span>填报人：张三</span>' in page.read_text("utf-8")
    template = CliRunner().invoke(main, ["template", str(ruleset)])  # CSV on standard output
    assert template.exit_code == 0
    assert template.stdout.splitlines()[1].startswith("计数（仅供参考，不计分）,文本（仅供参考，不计分）,")
