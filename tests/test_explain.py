"""`perfdsl explain`: the trace of one record — inputs, derived values, the rule arm that fired, basis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from perfdsl.cli import main

ROOT = Path(__file__).resolve().parent.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")
EXAMPLE = str(ROOT / "examples" / "chaoan-2022.json")
HEAD = "潮安区2022年部门整体支出绩效自评复核 · 潮州市潮安区政务服务数据管理局"


def line_of(text: str) -> int:
    """The 1-based line of the ruleset that starts with `text` (after indentation)."""
    lines = Path(RULESET).read_text("utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if line.strip().startswith(text))


def run(*args):
    return CliRunner().invoke(main, [str(arg) for arg in args])


def test_one_ratio_indicator_in_full():
    result = run("explain", RULESET, EXAMPLE, "--indicator", "预算使用效益/效率性/项目完成率")
    assert result.exit_code == 0
    assert result.stdout == f"""{HEAD}

━━ 复核得分：89.04 / 100（良好）

■ 预算使用效益 / 效率性 / 项目完成率
  权重：8
  评分标准：项目完成率 = 项目实际完成数 / 开展项目总数 × 100%，按比例计分
  输入：项目总数 = 14
        项目完成数 = 9
  规则：{RULESET}:{line_of("when 项目总数 == 0 => full")}
          when 项目总数 == 0 => full
        → ratio 项目完成数 / 项目总数
  依据：项目完成率 = 9 / 14 = 64.29%，8 × 64.29% = 5.14
  得分：5.14
"""


def test_bands_show_the_derived_value_and_the_arm_that_fired():
    result = run("explain", RULESET, EXAMPLE, "--indicator", "部门预算资金支出率")  # a leaf's name alone will do
    lines = result.stdout.splitlines()
    assert "  权重：8（原 6）" in lines
    assert "        预算支出决算数 = 6440687.91元" in lines
    at = lines.index("  派生值：部门预算支出率 = 预算支出决算数 / (预算收入决算数 + 上年结转数)")
    assert lines[at + 1].strip() == "= 6440687.91元 / (6400981.42元 + 197940.5元) = 97.60%"
    assert "        →   >= 95% => 80%" in lines and "            >= 100% => 100%" in lines
    assert lines[-2] == ("  依据：分值 6 + 2（资金下达不适用调入）= 8，部门预算支出率 = 6440687.91元 / "
                         "(6400981.42元 + 197940.5元) = 97.60%，≥ 95%，得分值的 80%，8 × 80% = 6.4")


def test_a_cross_scorecard_value_a_note_and_reallocation():
    bands = run("explain", RULESET, EXAMPLE, "--indicator", "自评质量/结论客观性/自评结论同复核结论偏差").stdout
    assert "  派生值：分差 = abs(自评得分 - 复核得分)\n              = abs(96.5 - 89.04) = 7.46\n" in bands
    assert "        →   <= 10 => 4\n" in bands
    assert bands.endswith("  依据：分差 = abs(96.5 - 89.04) = 7.46，≤ 10，得 4 分\n  得分：4\n")
    noted = run("explain", RULESET, EXAMPLE, "--indicator", "资产收益上缴及时性").stdout
    assert ("  输入：逾期未上缴收益笔数 = 1"
            "（备注：2022年9月30日收到公车报废款900元，2023年2月28日才上缴国库）\n") in noted
    moved = run("explain", RULESET, EXAMPLE, "--indicator", "预算编制情况/预算编制/提前下达率").stdout
    assert "  权重：0（原 4）\n" in moved
    assert ("        → applies when 有转移支付 else move 2 to 预算编制合理性, "
            "1 to 绩效目标合理性, 1 to 绩效指标明确性\n") in moved


def test_a_group_shows_its_children_and_the_whole_record_every_indicator():
    group = run("explain", RULESET, EXAMPLE, "--indicator", "预算使用效益/效率性").stdout
    assert "■ 预算使用效益 / 效率性（分组）\n  权重：14　得分：11.14\n  依据：下级指标合计 6 + 5.14 = 11.14\n" in group
    assert group.count("■ ") == 3
    everything = run("explain", RULESET, EXAMPLE)
    assert everything.exit_code == 0
    assert everything.stdout.count("■ ") == 39 + 9
    assert "━━ 复核得分：89.04 / 100（良好）\n  合计：12 + 40.9 + 33.14 + 3 = 89.04\n" in everything.stdout
    assert "━━ 自评质量：29 / 40\n" in everything.stdout


def test_an_each_group_shows_its_items():
    # the items are the record's rows: `--indicator 绩效指标` listed none of them ("a group shows its children
    # too"), and the path eval and `_expected` use for one was refused with 是否为 `绩效指标`？
    ruleset, example = ROOT / "rulesets" / "chongqing-2021.perf", ROOT / "examples" / "chongqing-2021-kexuecheng.json"
    group = run("explain", ruleset, example, "--indicator", "绩效指标").stdout
    assert group.count("■ 绩效指标 / ") == 20
    assert ("■ 绩效指标 / 政府采购执行率\n  权重：2\n  输入：得分系数 = 100.00%\n"
            f"  规则：{ruleset}:50\n        → rating 得分系数\n"
            "  依据：得分系数 = 100.00%，2 × 1 = 2\n  得分：2\n") in group
    item = run("explain", ruleset, example, "--indicator", "绩效指标/政府采购执行率")
    assert item.exit_code == 2
    assert item.stderr == ("规则集中没有指标 `绩效指标/政府采购执行率`：绩效指标 的各项来自记录中的 绩效指标，"
                           "请用 --indicator 绩效指标 逐项说明它们\n")


def test_unknown_indicator_is_a_usage_error_with_did_you_mean():
    result = run("explain", RULESET, EXAMPLE, "--indicator", "预算使用效益/效率性/项目完成律")
    assert result.exit_code == 2
    assert result.stderr == ("规则集中没有指标 `预算使用效益/效率性/项目完成律`，"
                             "是否为 `预算使用效益/效率性/项目完成率`？\n")
    result = run("explain", RULESET, EXAMPLE, "--indicator", "项目完成律")
    assert result.stderr == "规则集中没有指标 `项目完成律`，是否为 `预算使用效益/效率性/项目完成率`？\n"


def test_choosing_the_record_by_position_or_name(chaoan_batch):
    by_name = run("explain", RULESET, chaoan_batch["csv"], "--record", "单位7", "--indicator", "项目完成率")
    by_position = run("explain", RULESET, chaoan_batch["csv"], "--record", "8", "--indicator", "项目完成率")
    assert by_name.exit_code == 0 and by_name.stdout == by_position.stdout
    assert by_name.stdout.startswith("潮安区2022年部门整体支出绩效自评复核 · 单位7\n")
    missing = run("explain", RULESET, chaoan_batch["csv"], "--record", "单位199x")
    assert missing.exit_code == 2 and missing.stderr == "数据文件中没有名为 `单位199x` 的记录，是否为 `单位199`？\n"
    bad = run("explain", RULESET, chaoan_batch["csv"], "--record", "坏行11")
    assert bad.exit_code == 1
    assert bad.stderr == '记录 坏行11，键 `项目总数`: `项目总数` 应为非负整数，得到 "十四"（第 13 行 AH 列）\n'


def test_an_evaluation_error_names_the_indicator(tmp_path):
    record = json.loads(Path(EXAMPLE).read_text("utf-8"))
    record["上年末存量资金"] = 0
    record["年末存量资金"] = 5
    del record["项目总数"]
    data = tmp_path / "r.json"
    data.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    result = run("explain", RULESET, data)
    assert result.exit_code == 1
    assert result.stderr == ("记录 潮州市潮安区政务服务数据管理局，键 `项目总数`: "
                             "指标 预算使用效益/效率性/项目完成率: 缺少输入 `项目总数`\n")


@pytest.mark.parametrize("written", ["", " ", "/"])
def test_an_empty_indicator_is_a_slip_not_every_indicator(written):
    result = run("explain", RULESET, EXAMPLE, "--indicator", written)
    assert result.exit_code == 2 and result.stdout == ""
    assert "指标名是空的：请写指标名或路径，如 --indicator 项目完成率" in result.stderr


def test_each_item_of_a_list_group_is_explained_as_its_own_indicator():
    """An `each` group's items (from the record's list) are explained like any indicator: their fields,
    the rule with the arm that decided (a `target` line too) — the group alone was all explain gave."""
    ruleset = ROOT / "rulesets" / "yaan-2020-projects.perf"
    result = run("explain", ruleset, ROOT / "examples" / "yaan-2020-projects-cloud.json", "--indicator", "效益指标")
    assert result.exit_code == 0
    assert result.stdout == f"""雅安市2020年项目支出绩效目标完成情况 · 雅安市政务云平台服务经费项目

━━ 项目自评：95.69 / 100（优秀）

■ 效益指标（分组）
  权重：30　得分：30
  依据：共 1 项，得 30

■ 效益指标 / 迁移系统应于迁移后3个月完成系统割接工作
  权重：30
  输入：目标值 = 割接率100%
        实际值 = 系统割接率100%
  规则：{ruleset}:55
          when given(评审得分率) => full * 评审得分率
        → target 目标值 actual 实际值
  依据：目标 割接率100%，实际 系统割接率100%，达成，得满分 30，依据：原文目标：2021年1月份,割接率100%；正文：已割接系统132个，割接率98.5%，预计2021年1月达100%
  得分：30
"""
    judged = run("explain", ruleset, ROOT / "examples" / "yaan-2020-projects-cloud.json", "--indicator", "产出指标")
    assert "  输入：评审得分率 = 100.00%\n  规则：" in judged.stdout
    assert "        → when given(评审得分率) => full * 评审得分率\n          target 目标值 actual 实际值\n" in judged.stdout


def test_an_empty_text_is_shown_as_the_basis_shows_it():
    """``年度指标值 = ""`` as the basis line writes it, not ``年度指标值 = `` with nothing after it."""
    result = run("explain", ROOT / "rulesets" / "anhui-2022-projects.perf",
                 ROOT / "examples" / "anhui-2022-projects-tianchang.json", "--indicator", "产出指标")
    assert result.exit_code == 0
    assert '■ 产出指标 / 工程质量合格\n  权重：10\n  输入：年度指标值 = ""\n        自评得分 = 10\n' in result.stdout
    assert '  依据：年度指标值 = ""，自评得分 = 10\n' in result.stdout


def test_an_items_path_points_to_its_group():
    """An item's path as eval prints it names no indicator of the ruleset: its group explains every item."""
    result = run("explain", ROOT / "rulesets" / "yaan-2020-projects.perf",
                 ROOT / "examples" / "yaan-2020-projects-cloud.json", "--indicator", "效益指标/迁移系统应于迁移后3个月完成系统割接工作")
    assert (result.exit_code, result.stderr) == (2, "规则集中没有指标 `效益指标/迁移系统应于迁移后3个月完成系统割接工作`："
                                                    "效益指标 的各项来自记录中的 绩效指标，请用 --indicator 效益指标 逐项说明它们\n")


def test_a_path_with_full_width_slashes_and_spaces_names_the_indicator():
    wanted = run("explain", RULESET, EXAMPLE, "--indicator", "预算使用效益/效率性/项目完成率").stdout
    assert "项目完成率 = 9 / 14" in wanted
    assert run("explain", RULESET, EXAMPLE, "--indicator", " 预算使用效益 ／ 效率性／项目完成率 ").stdout == wanted
