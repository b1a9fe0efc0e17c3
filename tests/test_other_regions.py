"""Published tables of regions other than the five seeds, written from docs/language.md alone.

rulesets/anhui-2022-projects.perf: Anhui's 项目支出绩效自评表 (2022年度) layout — 天长市水利局's
水旱灾害防御经费 (total 100 as published) and 池州市贵池区棠溪镇's 委托业务项目 (its 预算执行率, 产出 and 效益
figures as published; its 总额 row's printed 0 a known claim `perfdsl audit` flags).
tests/fixtures/yueyang-2018-inputs-process.perf: the 投入 and 预算执行 parts of 岳阳市审计局's 2018
部门整体支出绩效评价评分表, criteria as printed, scoring 15 and 14 as published.
rulesets/chongqing-2021.perf: Chongqing's 部门整体绩效自评表 (2021年度) — 西部（重庆）科学城融媒体中心's sheet, 97.6
as published (执行率 76% × 10 = 7.6, every 绩效指标 row 指标权重 × 得分系数), and variations computed by hand.
Every figure is checked on both evaluation paths: the compiled scorer and the reference interpreter.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import D

from perfdsl import interp, load, read_record
from perfdsl.cli import main
from perfdsl.errors import DataValueError

ROOT = Path(__file__).resolve().parent.parent
ANHUI = ROOT / "rulesets" / "anhui-2022-projects.perf"
CHONGQING = ROOT / "rulesets" / "chongqing-2021.perf"
CHONGQING_EXAMPLE = ROOT / "examples" / "chongqing-2021-kexuecheng.json"
YUEYANG = Path(__file__).parent / "fixtures" / "yueyang-2018-inputs-process.perf"


def _both(ruleset: Path, record) -> tuple[dict, dict]:
    """{path: score} (and "" for the total) from the compiled scorer and from the reference interpreter."""
    program = load(ruleset)
    raw = read_record(record) if isinstance(record, Path) else record
    result = program.evaluate(raw)
    card = result.scorecards[0]
    compiled = {"/".join(n.path): n.score for n in card.nodes} | {"": card.score}
    reference = next(iter(interp.evaluate(program.model, program.convert(raw)).cards.values()))
    tree = program.model.scorecards[0].nodes
    interpreted = {"/".join(node.path): traced.score for node, traced in zip(tree, reference.nodes)}
    for index, items in reference.items.items():  # an `each` group's items, by the group's path and name
        interpreted.update({"/".join(tree[index].path + (item.name,)): item.score for item in items})
    interpreted[""] = reference.total
    return compiled, interpreted


def _node(ruleset: Path, record: Path, path: str):
    card = load(ruleset).evaluate(read_record(record)).scorecards[0]
    return next(n for n in card.nodes if "/".join(n.path) == path)


def test_tianchang_flood_control_reproduces_its_published_100():
    compiled, interpreted = _both(ANHUI, ROOT / "examples" / "anhui-2022-projects-tianchang.json")
    assert compiled == interpreted
    # 880 / 880 → 10; 产出 10 × 5 = 50; 效益 10 × 3 = 30 (生态效益「/」: no item); 满意度 90% | 100% → 10
    assert compiled[""] == D(100)
    assert [compiled[p] for p in ("预算执行率", "产出指标", "效益指标", "满意度指标")] == [10, 50, 30, 10]
    assert compiled["产出指标/完成中型灌区节水改造项目数量"] == 10
    assert compiled["满意度指标/服务对象满意度"] == 10


def test_a_blank_target_cell_scores_the_self_assessment_and_says_so():
    example = ROOT / "examples" / "anhui-2022-projects-tianchang.json"
    assert _node(ANHUI, example, "产出指标/工程质量合格").basis == '年度指标值 = ""，自评得分 = 10'
    assert _node(ANHUI, example, "满意度指标/服务对象满意度").basis == "目标 90%，实际 100%，达成，得满分 10"


def test_guichi_commission_reproduces_every_published_figure():
    compiled, interpreted = _both(ANHUI, ROOT / "examples" / "anhui-2022-projects-guichi.json")
    assert compiled == interpreted
    # 89.974 / 89.974 → 10; 产出 8 × 5 + 10 = 50; 效益 10 × 3 = 30
    assert [compiled[p] for p in ("预算执行率", "产出指标", "效益指标")] == [10, 50, 30]
    assert compiled["产出指标/委托业务报告合格率"] == 8  # ≥100百分比 | 100
    assert compiled["产出指标/项目总成本"] == 8  # ≤90万元 | 90 (万元, the target's unit)
    assert compiled["产出指标/提交报告及时性"] == 8  # 在项目计划完成时间内完成 | 达成预期指标
    assert compiled["产出指标/单项业务成本"] == 10


def test_guichi_total_row_printed_as_zero_is_flagged_by_audit():
    result = CliRunner().invoke(main, ["audit", str(ANHUI), str(ROOT / "examples" / "anhui-2022-projects-guichi.json")])
    assert result.exit_code == 1
    assert "项目自评 预算执行率 得分：公布 0；重算 10" in result.output


def test_the_published_examples_pass_perfdsl_test():
    result = CliRunner().invoke(main, ["test", str(ANHUI), "--max-examples", 10])
    assert result.exit_code == 0, result.output
    assert "✓ 示例 examples/anhui-2022-projects-tianchang.json — 1 条记录，11 个公布数字全部一致" in result.output
    assert "1 项已知勘误如期发现" in result.output


def _guichi(**changes) -> dict:
    record = json.loads((ROOT / "examples" / "anhui-2022-projects-guichi.json").read_text("utf-8"))
    record = {k: v for k, v in record.items() if not k.startswith("_")}
    for index, fields in changes.items():
        record["绩效指标"][int(index.lstrip("i"))].update(fields)
    return record


@pytest.mark.parametrize(("target", "actual", "score"), [
    ("＞=50个", "50个", D(8)),                   # half-width = after a full-width ＞
    ("≧60个", "45", D(6)),                       # 45 / 60 × 8
    ("效果明显", "效果明显", D(8)),               # the target's text repeated: met
    ("有效提升", "已完成", D(8)),
    ("严格执行相关制度规定", "基本达成", D("6.4")),  # 80% × 8
    ("≥50台次", "40台次", D("6.4")),
])
def test_targets_and_actuals_as_tables_print_them(target, actual, score):
    compiled, interpreted = _both(ANHUI, _guichi(i0={"年度指标值": target, "实际完成值": actual}))
    assert compiled == interpreted
    assert compiled["产出指标/基建工程委托业务项目数量"] == score


def test_a_blank_target_cell_is_one_clear_message():
    # Anhui's ruleset takes the self-assessment for a blank target: without it, the missing figure is named
    with pytest.raises(DataValueError) as caught:
        load(ANHUI).evaluate(_guichi(i2={"年度指标值": "", "实际完成值": ""}))
    assert (caught.value.key, caught.value.message) == (
        "绩效指标[3].自评得分", "指标 产出指标/经费支出合规性: 缺少 `绩效指标[3].自评得分`")
    # a ruleset that always reads the target (the national one) says the cell is blank — not 定性目标 ``
    with pytest.raises(DataValueError) as caught:
        load(ROOT / "rulesets" / "national-2020-projects.perf").evaluate(_guichi(i2={"年度指标值": "", "实际完成值": ""}))
    assert caught.value.key == "绩效指标[3].年度指标值"
    assert caught.value.message == ('指标 产出指标/经费支出合规性: 目标为空（表中未填写指标值），无法判断是否完成'
                                    '（请填写指标值，或由评审给出得分：`when 指标值 == "" => 评审得分`）')


def test_an_unknown_unit_names_the_word():
    with pytest.raises(DataValueError) as caught:
        load(ANHUI).evaluate(_guichi(i0={"年度指标值": "≥50只猫", "实际完成值": "50只猫"}))
    assert caught.value.key == "绩效指标[1].年度指标值"
    assert "单位 `只猫` 不在可识别的单位中" in caught.value.message
    assert "定性指标" not in caught.value.message  # the 定性 hint led such an author astray


def test_item_weights_that_do_not_add_up_name_the_group_and_the_sum():
    with pytest.raises(DataValueError) as caught:
        load(ANHUI).evaluate(_guichi(i1={"分值": 9}))
    assert caught.value.message.endswith("分组 产出指标 的分值为 50，但各项 分值 合计 8 + 9 + 8 + 8 + 8 + 10 = 51")


YUEYANG_RECORD = {"在职人员数": 21, "编制数": 21, "三公经费本年预算数": "10万元", "三公经费上年预算数": "10万元",
                  "重点支出安排率": "95%", "预算调整率": "0%", "未按进度下达专项数": 0, "资金结余": "1.2万元",
                  "上年结转": "3万元", "三公经费决算数": "9.5万元"}


def test_yueyang_department_criteria_as_printed_score_the_published_15_and_14():
    # the table publishes scores only: these figures are ones its scores imply (资金结余 under 上年结转 → 2)
    compiled, interpreted = _both(YUEYANG, YUEYANG_RECORD)
    assert compiled == interpreted
    assert (compiled["投入"], compiled["过程/预算执行"]) == (15, 14)
    assert [compiled["过程/预算执行/" + n] for n in ("预算调整率", "支付进度", "资金结余", "“三公经费”控制率")] == \
        [3, 3, 2, 6]


@pytest.mark.parametrize(("changes", "path", "score"), [
    ({"在职人员数": 22}, "投入/预算配置/财政供养人员控制率", D("2.5")),    # 104.76%: 5 started points × 0.5
    ({"重点支出安排率": "80%"}, "投入/预算配置/重点支出安排率", D(4)),     # 80%(含)-90%
    ({"预算调整率": "10%"}, "过程/预算执行/预算调整率", D(2)),             # 0-10%(含)
    ({"预算调整率": "10.5%"}, "过程/预算执行/预算调整率", D(1)),
    ({"资金结余": "0万元"}, "过程/预算执行/资金结余", D(3)),
    ({"资金结余": "3.5万元"}, "过程/预算执行/资金结余", D(0)),
])
def test_yueyang_band_edges(changes, path, score):
    compiled, interpreted = _both(YUEYANG, YUEYANG_RECORD | changes)
    assert compiled == interpreted
    assert compiled[path] == score


# ── 重庆 2021 部门整体绩效自评表 ───────────────────────────────────────────────


def _chongqing(**changes) -> dict:
    """The published record with rows' fields changed: {指标名称: {field: value}}, or top-level keys."""
    raw = json.loads(CHONGQING_EXAMPLE.read_text("utf-8"))
    rows = {row["指标名称"]: row for row in raw["绩效指标"]}
    for key, value in changes.items():
        if key in rows:
            rows[key].update(value)
        else:
            raw[key] = value
    return raw


def test_chongqing_sheet_reproduces_its_published_97_6():
    compiled, interpreted = _both(CHONGQING, CHONGQING_EXAMPLE)
    assert compiled == interpreted
    assert compiled[""] == D("97.6")
    assert compiled["部门预算执行率"] == D("7.6")  # 1520 / 2000 = 76%，10 × 76%
    assert compiled["绩效指标"] == 90  # 30 of common rows + 40 of the department's own + 20 cut off in the copy
    assert compiled["绩效指标/政府采购执行率"] == 2  # 指标值 100%，完成 72.74%, yet 得分系数 printed 100%


def test_chongqing_rows_score_their_weight_times_the_coefficient():
    # 政府采购执行率 2 × 72.74% = 1.4548 → 1.45; 资金使用合规性 5 × 80% = 4; 90 − 2 + 1.45 − 5 + 4 = 88.45
    compiled, interpreted = _both(CHONGQING, _chongqing(政府采购执行率={"得分系数": "72.74%"},
                                                        资金使用合规性={"得分系数": 0.8}))
    assert compiled == interpreted
    assert compiled["绩效指标/政府采购执行率"] == D("1.45")
    assert compiled["绩效指标/资金使用合规性"] == 4
    assert compiled["绩效指标"] == D("88.45")
    assert compiled[""] == D("96.05")  # 7.6 + 88.45


def test_chongqing_execution_rate_is_capped_at_its_weight():
    # 执行率 2100 / 2000 = 105% → 执行率得分 at most 执行率权重 10; 10 + 90 = 100
    compiled, interpreted = _both(CHONGQING, _chongqing(全年执行数=2100))
    assert compiled == interpreted
    assert (compiled["部门预算执行率"], compiled[""]) == (10, 100)
    # 1234.5 / 2000 = 61.725% → 6.1725 → 6.17 (half-up to the sheet's two decimals)
    compiled, _ = _both(CHONGQING, _chongqing(全年执行数="1234.5万元"))
    assert (compiled["部门预算执行率"], compiled[""]) == (D("6.17"), D("96.17"))


def test_chongqing_rows_must_add_up_to_the_90_points():
    raw = _chongqing(业务保障能力提升={"指标权重": 9})
    with pytest.raises(DataValueError, match="指标权重 合计"):
        load(CHONGQING).evaluate(raw)
