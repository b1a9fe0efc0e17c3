"""`perfdsl diff A B`: the tree, weights, rules and grades that differ, in the 评分表's terms; exit 0 alike, 1 not."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from perfdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
R = ROOT / "rulesets"


def _diff(*args):
    return CliRunner().invoke(main, ["diff", *map(str, args)])


def test_zhanjiang_2021_to_meijiang_2023_lists_the_changed_indicators_and_weights():
    result = _diff(R / "zhanjiang-2021.perf", R / "meijiang-2023.perf")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    # each as the specs have it: zhanjiang-2021.md (its weights a reconstruction) → meijiang-2023.md
    for line in ["  预算编制情况 15 → 13", "  预算执行情况 45 → 42", "  资产管理 7 → 10", "  项目实施程序 5 → 2",
                 "  项目监管 5 → 4", "  资产管理合规性 5 → 2", "  固定资产利用率 2 → 1", "  公平性 5 → 6",
                 "  效率性 10 → 1", "  移动 信息公开：预算监督情况 → 预算执行情况",
                 "  + 预算编制 3（分组，在 预算编制情况 下）", "  + 履职效能 30（分组，在 预算使用效益 下）",
                 "  + 部门整体绩效目标产出指标完成情况 15（指标，在 预算使用效益/履职效能 下）",
                 "  - 预算监督情况 10", "  - 支出完成率 8", "  - 预算执行效益 30", "  规则 固定资产利用率：",
                 "    旧：score full * min(固定资产利用率, 1)", "    新：when 固定资产总额 == 0 => full",
                 "        ratio 在用固定资产总额 / 固定资产总额"]:
        assert line in lines, line
    assert lines[0] == f"{R / 'zhanjiang-2021.perf'} → {R / 'meijiang-2023.perf'}"
    assert lines[-1] == "结论：计分不同（67 处影响得分，40 处只是说明文字）"
    assert "计分卡 自评得分" in lines  # the same scorecard in both


def test_a_ruleset_and_its_base_score_alike_when_it_only_shows_figures():
    result = _diff(R / "common" / "guangdong-base.perf", R / "meijiang-2023.perf")
    assert result.exit_code == 0
    assert "  参考数字 公众或服务对象满意度：（无） → show 热线满意率 vs 报告热线满意率（不影响得分）" in result.stdout
    assert result.stdout.endswith("结论：计分相同（15 处差异都不影响得分）\n")
    same = _diff(R / "chaoan-2022.perf", R / "chaoan-2022.perf")
    assert (same.exit_code, same.stdout.splitlines()[-1]) == (0, "两个规则集相同")


BASE = """ruleset "基础" { precision 2 }
input 甲: rate >= 0%
scorecard 自评得分 max 100 {
  grades { 优秀 >= 90; 良好 >= 80; 差 }
  group 产出指标 50 {
    indicator 数量 25 { score full * min(甲, 1) }
    indicator 质量 25 { manual }
  }
  group 效益指标 50 {
    indicator 采购管理 10 { manual }
    indicator 满意度 40 { manual }
  }
}
"""


def test_every_kind_of_change_as_text_and_json(tmp_path):
    (tmp_path / "base.perf").write_text(BASE, "utf-8")
    child = tmp_path / "child.perf"
    child.write_text("""ruleset "子" { precision 1 }
extends "base.perf"
override scorecard 自评得分 max 75 {
  grades { 优秀 >= 85; 良好 >= 80; 差 }
  weight 采购管理 8
  add indicator 新指标 2 { manual } in 效益指标
  move 质量 to 效益指标
  replace indicator 满意度 15 { score full * 80% }
  weight 产出指标 25
}
""", "utf-8")
    result = _diff(tmp_path / "base.perf", child)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        "规则集",
        "  精度（小数位） 2 → 1",
        "  标题 基础 → 子（不影响得分）",
        "计分卡 自评得分",
        "  满分 100 → 75",
        "  等级：优秀 >= 90、良好 >= 80、差 → 优秀 >= 85、良好 >= 80、差",
        "  产出指标 50 → 25",
        "  采购管理 10 → 8",
        "  满意度 40 → 15",
        "  规则 满意度：",
        "    旧：manual",
        "    新：score full * 80%",
        "  + 新指标 2（指标，在 效益指标 下）",  # in B's order: added, then moved to the end
        "  移动 质量：产出指标 → 效益指标",
        "结论：计分不同（9 处影响得分，1 处只是说明文字）",
    ]
    shown = json.loads(_diff(tmp_path / "base.perf", child, "--format", "json").stdout)
    assert shown["alike"] is False and shown["a"] == str(tmp_path / "base.perf")
    weight = next(c for c in shown["changes"] if c["kind"] == "weight" and c["name"] == "采购管理")
    assert weight == {"kind": "weight", "scoring": True, "text": "采购管理 10 → 8", "scorecard": "自评得分",
                      "name": "采购管理", "old": 10, "new": 8, "path": ["效益指标", "采购管理"]}
    moved = next(c for c in shown["changes"] if c["kind"] == "moved")
    assert (moved["old"], moved["new"], moved["path"]) == ("产出指标", "效益指标", ["效益指标", "质量"])


def test_usage_and_syntax_errors_exit_2_and_names_are_neutralised(tmp_path):
    broken = tmp_path / "broken.perf"
    broken.write_text('ruleset "x" {\n', "utf-8")
    assert _diff(broken, R / "chaoan-2022.perf").exit_code == 2
    assert _diff(tmp_path / "missing.perf", R / "chaoan-2022.perf").exit_code == 2
    hostile = tmp_path / "h.perf"
    hostile.write_text(BASE.replace("indicator 数量 25", "indicator `数量\u202e` 25"), "utf-8")
    assert _diff(hostile, hostile).exit_code == 0
    (tmp_path / "b.perf").write_text(BASE, "utf-8")
    result = _diff(tmp_path / "b.perf", hostile)
    assert "\u202e" not in result.stdout and "+ 数量\\u202e 25（指标，在 产出指标 下）" in result.stdout


def test_a_changed_band_keeps_its_arms_inside_the_block(tmp_path):
    a, b = tmp_path / "a.perf", tmp_path / "b.perf"
    a.write_text(BASE.replace("{ score full * min(甲, 1) }", "{\n      bands 甲 {\n        >= 90% => full\n"
                              "        >= 1.50% => 3.50\n        else => 0\n      }\n    }"), "utf-8")
    b.write_text(a.read_text("utf-8").replace("=> 3.50", "=> 3"), "utf-8")
    result = _diff(a, b)
    assert result.exit_code == 1
    assert result.stdout.splitlines()[1:] == [
        "计分卡 自评得分",
        "  规则 数量：",
        "    旧：bands 甲 {",
        "          >= 90% => full",
        "          >= 1.50% => 3.50",
        "          else => 0",
        "        }",
        "    新：bands 甲 {",
        "          >= 90% => full",
        "          >= 1.50% => 3",
        "          else => 0",
        "        }",
        "结论：计分不同（1 处影响得分，0 处只是说明文字）",
    ]
    change = json.loads(_diff(a, b, "--format", "json").stdout)["changes"][0]
    assert change["new"] == "bands 甲 {\n  >= 90% => full\n  >= 1.50% => 3\n  else => 0\n}"


EACH = """ruleset "项目" { precision 2 }
input 绩效指标: list {
  一级指标: text
  三级指标: text
  得分率: rate
}
scorecard 项目自评 max 10 {
  group 产出指标 10 {
    each 绩效指标 where 一级指标 == "产出指标" named 三级指标 {
      criteria "按得分率计分"
      score full * 得分率
    }
  }
}
"""


def test_an_each_group_its_criteria_its_rule_and_a_list_input_as_blocks(tmp_path):
    """An `each` group's 评分标准 alone does not score (it was a scoring `（each）改变`, exit 1, with
    nothing shown); its rule and a list input's fields are shown old and new, indented under their line."""
    a, b, c = tmp_path / "a.perf", tmp_path / "b.perf", tmp_path / "c.perf"
    a.write_text(EACH, "utf-8")
    b.write_text(EACH.replace("按得分率计分", "按得分率计分（四舍五入）"), "utf-8")
    result = _diff(a, b)
    assert (result.exit_code, result.stdout.splitlines()[1:]) == (0, [
        "计分卡 项目自评",
        "  评分标准 产出指标：（不影响得分）",
        "    旧：按得分率计分",
        "    新：按得分率计分（四舍五入）",
        "结论：计分相同（1 处差异都不影响得分）",
    ])
    c.write_text(EACH.replace("score full * 得分率", "score full * min(得分率, 1)")
                 .replace("  得分率: rate\n", "  得分率: rate >= 0%\n"), "utf-8")
    result = _diff(a, c)
    assert (result.exit_code, result.stdout.splitlines()[1:]) == (1, [
        "计分卡 项目自评",
        "  规则 产出指标（each）：",
        '    旧：each 绩效指标 where 一级指标 == "产出指标" named 三级指标 { score full * 得分率 }',
        '    新：each 绩效指标 where 一级指标 == "产出指标" named 三级指标 { score full * min(得分率, 1) }',
        "输入与派生值",
        "  输入 绩效指标：",
        "    旧：input 绩效指标: list {",
        "          一级指标: text",
        "          三级指标: text",
        "          得分率: rate",
        "        }",
        "    新：input 绩效指标: list {",
        "          一级指标: text",
        "          三级指标: text",
        "          得分率: rate >= 0%",
        "        }",
        "结论：计分不同（2 处影响得分，0 处只是说明文字）",
    ])


def test_comments_and_layout_are_not_compared(tmp_path):
    a, b = tmp_path / "a.perf", tmp_path / "b.perf"
    a.write_text(BASE, "utf-8")
    b.write_bytes(("# 新注释\n" + BASE.replace("  ", "\t").replace("{ manual }", "{ manual }  # 评审")
                   ).replace("\n", "\r\n").encode("utf-8"))
    result = _diff(a, b)
    assert (result.exit_code, result.stdout) == (0, f"{a} → {b}\n两个规则集相同\n")
