"""`perfdsl audit`: the seeds' errata found at their lines, nothing found on right claims, each code, the CLI."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import program
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from perfdsl import datafiles, load
from perfdsl.audit import CODES, audit_record
from perfdsl.cli import main
from perfdsl.decimals import money, percent, plain
from perfdsl.errors import RecordError
from perfdsl.runtime import MISSING
from perfdsl.testing import examples, strategies

ROOT = Path(__file__).resolve().parent.parent
RULESETS = sorted(p for p in (ROOT / "rulesets").glob("*.perf"))
#: shared/research/errata.md beside this checkout (or beside the folder of worktrees it is in), if there is one.
ERRATA = next((place / "shared" / "research" / "errata.md" for place in (ROOT.parent, ROOT.parent.parent)
               if (place / "shared" / "research" / "errata.md").exists()), Path("errata.md"))


@pytest.fixture(scope="module")
def programs():
    return {path.stem: load(path) for path in RULESETS}


def _audits(programs):
    for path in RULESETS:
        for example in examples.discover(path):
            for position, raw in datafiles.read(str(example)).records:
                yield example, audit_record(programs[path.stem], raw, position, str(example))


def _errata() -> dict[int, str]:
    """erratum number → its seed ("000" …), from the tables of errata.md (or the copy the examples cite)."""
    text = ERRATA.read_text("utf-8") if ERRATA.exists() else ""
    found, seed = {}, None
    for line in text.splitlines():
        match = re.match(r"^\| (\d+) \| (\d{3})?", line)
        if match:
            seed = match.group(2) or seed
            found[int(match.group(1))] = seed
    return found


# ── the seeds' errata ──────────────────────────────────────────────────────────


def test_every_example_flags_exactly_its_known_claims(programs):
    for example, audit in _audits(programs):
        assert audit.problems == (), (example, audit.problems)
        known = {claim.where for claim in audit.claims if claim.known}
        assert set(audit.flagged) == known, (example, set(audit.flagged) ^ known)


def test_audit_surfaces_the_errata_each_at_its_seed_line(programs):
    surfaced: dict[int, set] = {}
    for _, audit in _audits(programs):
        for findings in audit.flagged.values():
            claim = findings[0].claim
            assert claim.at, f"{claim.label}: a flagged claim says where it stands"
            for number in claim.errata:
                surfaced.setdefault(number, set()).update(claim.at)
    errata = _errata()
    if errata:
        assert set(errata) == set(range(1, 44))
        for number, places in surfaced.items():
            assert any(at.startswith(errata[number] + ":") for at in places), (number, places)
    assert len(surfaced) >= 35
    assert sorted(surfaced) == list(range(1, 44))  # all 43: none left unsurfaced


def test_chaoan_unit_slip_is_diagnosed_and_rescored(programs):
    audit = next(a for e, a in _audits(programs) if e.name == "chaoan-2022.json")
    finding = audit.flagged[("figures", "预算支出决算数")][0]
    assert finding.code == "A301" and finding.claim.at == ("001:11",) and finding.claim.errata == (4,)
    assert (finding.says, finding.computed) == ("6440687.91万元", "644.07万元")
    assert "若按公布值计分：复核得分 90.64（优秀），而非 89.04（良好）" in finding.working


@pytest.mark.parametrize("example,where,code,fragment", [
    ("baoshan-2021.json", ("figures", "三公经费变动率"), "A302", "本年三公经费 / 上年三公经费（1.41万元 / 3.04万元）"),
    ("baoshan-2021.json", ("identities", "6"), "A211", "正是 热线受理数 30644件（003:30）"),
    ("zhanjiang-2021.json", ("figures", "支出完成率"), "A304", "100.0027%，超过 100%"),
    ("zhanjiang-2021.json", ("figures", "结转结余率"), "A302", "年初财政拨款结转和结余 / 一般公共预算财政拨款决算数"),
    ("zhanjiang-2021.json", ("identities", "1"), "A211", "正是 年度实际支出 76216768.37元"),
    ("chaoan-2022.json", ("identities", "4"), "A302", "正是 部门预算支出率 = 6440687.91元 / (6400981.42元 + 197940.5元)"),
    ("chaoan-2022.json", ("identities", "5"), "A301", "按 282.74万元 计则相符"),
    ("chaoan-2022.json", ("identities", "9"), "A217", "60 同时属于 低（(70,60]）与 差（≤60）"),
    ("meijiang-2023.json", ("自评得分", "indicators", "预算执行情况/项目管理"), "A101", "3.95 + 2 + 4 = 9.95"),
    ("meijiang-2023.json", ("自评得分", "weights", "预算执行情况/采购管理"), "A202", "= 12"),
    ("meijiang-2023.json", ("自评得分", "levels", "预算使用效益"), "A105", "第 1 级"),
    ("yaan-2020.json", ("figures", "一般公共预算支出决算数"), "A303", "按 万元 读为 2278.17万元"),
    ("yaan-2020.json", ("identities", "3"), "A301", "按 1749.94万元 计则相符"),
    ("yaan-2020.json", ("identities", "13"), "A302", "1 − 本年收入 / 本年收入合计（1941.49万元 / 1942.17万元）"),
    ("yaan-2020.json", ("自评得分", "max"), "A104", "满分为 100"),
    ("yaan-2020-projects-hotline.json", ("identities", "4"), "A216", "35368次 超过 33155次"),
])
def test_findings_name_the_slip(programs, example, where, code, fragment):
    audit = next(a for e, a in _audits(programs) if e.name == example)
    findings = audit.flagged[where]
    assert code in [f.code for f in findings]
    assert any(fragment in f.working + f.hint for f in findings), [(f.working, f.hint) for f in findings]


def test_every_code_is_used_by_the_examples_or_documented(programs):
    used = {f.code for _, audit in _audits(programs) for f in audit.findings}
    documented = (ROOT / "docs" / "audit.md").read_text("utf-8")
    for code in CODES:
        assert f"`{code}`" in documented
    assert used >= {"A101", "A104", "A105", "A106", "A201", "A202", "A211", "A212", "A214", "A215", "A216", "A217",
                    "A301", "A302", "A303", "A304"}


# ── right claims: nothing found ────────────────────────────────────────────────


def _as_printed(value, spec_type, unit=None) -> object:
    """A figure as a document would print it: rates as percentages, money with its unit."""
    if isinstance(value, bool) or isinstance(value, str):
        return ("是" if value else "否") if isinstance(value, bool) else value
    if spec_type.kind == "rate":
        return percent(value)
    if spec_type.kind == "money":
        return money(value, unit or spec_type.unit or "元")
    return plain(value)


def computed_claims(result) -> dict:
    """Every claim a correct document could make about this record: the `_expected` shape, weights, levels,
    the total weight, every input and derived value."""
    model = result.program.model
    reported: dict = {}
    for card in result.scorecards:
        reported[card.name] = {
            "score": card.score, "grade": card.grade, "max": card.max,
            "indicators": {"/".join(node.path): node.score for node in card.nodes},
            "weights": {"/".join(node.path): node.weight for node in card.nodes},
            "levels": {"/".join(node.path): len(node.path) for node in card.nodes},
        }
    figures = {}
    record = result.record
    for spec in model.inputs:
        value = record.values.get(spec.name, MISSING)
        if spec.type.kind != "list" and value is not MISSING and value is not None:
            figures[spec.name] = _as_printed(value, spec.type, record.units.get(spec.name))
    from perfdsl.audit.figures import Figures

    lets = Figures(result.program, result, [])
    for let in model.lets:
        figure = lets.recomputed(let.name)
        if figure is not None:
            figures[let.name] = _as_printed(figure.printed.value, let.type, figure.printed.unit)
    reported["figures"] = figures
    return reported


def _scored(program, raw):
    try:
        return program.evaluate(raw)
    except RecordError:
        return None


@pytest.mark.parametrize("path", RULESETS, ids=lambda p: p.stem)
def test_right_claims_give_no_finding_on_generated_records(programs, path):
    p = programs[path.stem]

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategies.records(p.model), st.data())
    def check(raw, data):
        result = _scored(p, raw)
        if result is None:
            return
        claims = json.loads(json.dumps(computed_claims(result), default=str, ensure_ascii=False),
                            parse_float=Decimal)
        audit = audit_record(p, dict(raw, _reported=claims), 1)
        assert audit.problems == ()
        assert audit.findings == (), [(f.code, f.claim.where, f.says, f.computed) for f in audit.findings]
        # … and a published score one step off is caught, at its claim
        card = data.draw(st.sampled_from(result.scorecards))
        node = data.draw(st.sampled_from(card.nodes))
        key = "/".join(node.path)
        claims[card.name]["indicators"][key] = node.score + Decimal("0.01")
        audit = audit_record(p, dict(raw, _reported=claims), 1)
        assert (card.name, "indicators", key) in audit.flagged

    check()


def test_the_expected_block_as_reported_agrees(programs):
    for path in RULESETS:
        for example in examples.discover(path):
            for position, raw in datafiles.read(str(example)).records:
                if "_expected" in raw:
                    audit = audit_record(programs[path.stem], dict(raw, _reported=raw["_expected"]), position)
                    assert audit.ok, (example, audit.findings, audit.problems)


# ── each check on a small ruleset ──────────────────────────────────────────────

SMALL = """
input 实际: money(元)
input 预算: money(元)
input 完成数: count
input 总数: count
let 执行率 = 实际 / 预算
scorecard 卡 max 10 {
  grades { 好 >= 8; 差 }
  group 执行 6 {
    indicator 支出 4 { score full * min(执行率, 1) }
    indicator 完成 2 { ratio 完成数 / 总数 }
  }
  group 管理 4 { indicator 制度 4 { manual } }
}
"""
RECORD = {"实际": 900, "预算": 1000, "完成数": 1, "总数": 2, "制度扣分": 0}


def _audit(reported, record=RECORD, text=SMALL):
    p = program(text)
    return audit_record(p, datafiles.loads(json.dumps(dict(record, _reported=reported), ensure_ascii=False)), 1)


def _codes(audit) -> dict:
    return {"/".join(where): [f.code for f in found] for where, found in audit.flagged.items()}


def test_scores_weights_grades_and_levels_against_the_rules():
    right = {"卡": {"score": 8.6, "grade": "好", "max": 10,
                   "indicators": {"执行/支出": 3.6, "执行/完成": 1, "执行": 4.6, "管理": 4},
                   "weights": {"执行": 6, "执行/支出": 4, "执行/完成": 2, "管理": 4},
                   "levels": {"执行": 1, "执行/支出": "二级", "管理/制度": 2}}}
    assert _audit(right).ok
    audit = _audit({"卡": {"score": 8.5, "grade": "差", "max": 10,
                          "indicators": {"执行/支出": 3.6, "执行/完成": 1.5, "执行": 4.6, "管理": 4},
                          "weights": {"执行": 6, "执行/支出": 3, "管理": 4},
                          "levels": {"执行": 1, "执行/支出": "二级", "管理/制度": 3}}})
    assert _codes(audit) == {"卡/score": ["A102", "A201"], "卡/grade": ["A103"], "卡/indicators/执行/完成": ["A101"],
                             "卡/indicators/执行": ["A201"], "卡/weights/执行/支出": ["A104"],
                             "卡/indicators/执行/支出": ["A203"],  # 3.6 above the printed weight 3
                             "卡/levels/管理/制度": ["A105"]}
    assert audit.problems == ()
    grade = audit.flagged[("卡", "grade")][0]
    assert (grade.says, grade.computed, grade.working) == ("差", "好", "总分 8.6 按规则集的等级为 好")


def test_an_indicator_path_is_read_as_explain_reads_it():
    """`` 执行 / 完成 `` and ``执行／完成`` (a report copied from Word) name 执行/完成, as `explain --indicator` takes
    them: the wrong score is found at it, not refused as an indicator the scorecard lacks."""
    for written in (" 执行 / 完成 ", "执行／完成", "/执行/完成/"):
        audit = _audit({"卡": {"indicators": {written: 1.5}, "weights": {written: 2}}})
        assert audit.problems == () and _codes(audit) == {"卡/indicators/执行/完成": ["A101"]}, written


def test_a_grade_or_level_claim_of_the_wrong_kind_is_a_problem_not_a_finding():
    """``" 好 "`` as a table cell holds it is 好; a grade that is no text and a level 1.5, 0 or 7 cannot be
    compared (each was a finding: A103 saying ['好'] or None, A105 saying 一级 against 一级)."""
    assert _audit({"卡": {"grade": " 好 ", "levels": {"执行": " 一级 "}}}).ok
    for grade, shown in ((["好"], '["好"]'), (5, "5"), (None, "null")):
        audit = _audit({"卡": {"grade": grade}})
        assert audit.flagged == {} and audit.problems == (f"`_reported` 卡 grade：等级须是文本（如 “优秀”），得到 {shown}",)
    for score, shown in (([1, 2.50], "[1, 2.5]"), (True, "true"), ("九十", '"九十"')):  # was [Decimal('1')], True
        audit = _audit({"卡": {"score": score}})
        assert audit.flagged == {} and audit.problems == (f"`_reported` 卡 score：须是数字，得到 {shown}",)
    assert _audit({"figures": {"实际": None}}).problems == ("`_reported` figures 实际：不是数字或文本：null",)  # was None
    for level in (1.5, 0, 7, -1):
        audit = _audit({"卡": {"levels": {"执行": level}}})
        assert audit.flagged == {} and audit.problems == (
            f"`_reported` 卡 levels 执行：层级须是 1、2、3 或 “一级”“二级”“三级”，得到 {level}",), level


def test_the_table_against_itself_without_the_rules():
    audit = _audit({"卡": {"score": 8, "max": 11,
                          "indicators": {"执行": 5, "执行/支出": 3.6, "执行/完成": 1, "管理": 4, "管理/制度": 4},
                          "weights": {"执行": 6, "执行/支出": 4, "执行/完成": 1, "管理": 4, "管理/制度": 4}}})
    codes = _codes(audit)
    assert "A201" in codes["卡/indicators/执行"]  # 3.6 + 1 ≠ 5
    assert codes["卡/score"] == ["A102", "A201"]  # 5 + 4 = 9, and the rules give 8.6
    assert "A202" in codes["卡/weights/执行"] and "A202" in codes["卡/max"]
    assert "卡/indicators/执行/完成" not in codes  # a score equal to its printed weight is full marks, not too many
    # a score above its printed weight
    audit = _audit({"卡": {"indicators": {"执行/完成": 2}, "weights": {"执行/完成": 1.5}}})
    assert "A203" in _codes(audit)["卡/indicators/执行/完成"]


def test_figures_are_compared_at_their_printed_precision():
    ok = _audit({"figures": {"执行率": "90%", "实际": "0.09万元", "预算": "1000元"}})
    assert ok.ok
    audit = _audit({"figures": {"执行率": "100%", "实际": "900万元", "预算": "1001元"}})
    assert _codes(audit) == {"figures/执行率": ["A106"], "figures/实际": ["A301"], "figures/预算": ["A106"]}
    # a bare number written as text is printed to its digits, as the same JSON number is (it was read as exact)
    record = dict(RECORD, 实际=890.35)  # 执行率 0.89035
    for written in (0.8904, "0.8904", "89.04%"):
        assert _audit({"figures": {"执行率": written}}, record).ok, written
    assert _codes(_audit({"figures": {"执行率": "0.8903"}}, record)) == {"figures/执行率": ["A106"]}


@pytest.mark.parametrize("identity,code", [
    ({"sum": ["实际", {"value": "100元"}], "equals": "预算"}, None),
    ({"sum": ["实际", {"value": "100万元"}], "equals": "预算"}, "A301"),
    ({"sum": ["实际"], "less": [{"value": "1元"}], "equals": "预算"}, "A211"),
    ({"ratio": ["实际", "预算"], "equals": {"value": "90.00%"}}, None),
    ({"ratio": ["实际", "预算"], "equals": {"value": "91%"}}, "A212"),
    ({"ratio": [{"value": 5}, [{"value": 2}, {"value": 3}]], "equals": {"value": "100%"}}, None),
    ({"change": ["实际", "预算"], "equals": {"value": "-10%"}}, None),
    ({"change": ["实际", "预算"], "equals": {"value": "90%"}}, "A302"),
    ({"product": [{"value": 4}, "执行率"], "equals": {"value": 3.6}}, None),
    ({"product": [{"value": 4}, "执行率"], "equals": {"value": 4}}, None),  # 3.6 is "4" at the printed digit
    ({"product": [{"value": 4}, "执行率"], "equals": {"value": 3.5}}, "A214"),
    ({"same": [{"value": "0.295%"}, {"value": "0.30%"}]}, None),
    ({"same": [{"value": "46个"}, {"value": "44个"}]}, "A215"),
    ({"same": [{"value": "2022-05-19"}, {"value": "2022年5月18日"}], "relation": "<="}, "A216"),
    ({"same": [{"value": "甲局"}, {"value": "乙局"}]}, "A215"),
    ({"same": [{"value": "900"}, "实际"]}, "A303"),
    ({"bands": {"好": ">=80", "中": "[60, 80)", "差": "<60"}}, None),
    ({"bands": {"好": "≥80", "中": "[60, 79]", "差": "<60"}}, "A217"),
    ({"ratio": [{"value": "100.01万元"}, {"value": "100万元"}], "equals": {"value": "100%"}}, "A304"),
])
def test_identities(identity, code):
    audit = _audit({"identities": [identity]})
    assert audit.problems == ()
    if code is None:
        assert not audit.flagged, audit.findings
    else:
        assert code in _codes(audit)["identities/1"]


@pytest.mark.parametrize("reported,fragment", [
    ({"卡片": {"score": 1}}, "是否为 `卡`"),
    ({"卡": {"indicators": {"执行/支付": 1}}}, "没有指标 `执行/支付`，是否为 `执行/支出`"),
    ({"卡": {"scores": {}}}, "不是计分卡的公布项"),
    ({"figures": {"执行率": {"value": "90%", "at": 3}}}, "at 须是出处文本"),
    ({"figures": {"执行率": {"value": "90%", "erratum": 3}}}, "没有 \"known\": true"),
    ({"identities": [{"sum": ["实际"]}]}, "须有 equals"),
    ({"identities": [{"sum": ["实跡"], "equals": "预算"}]}, "是否为 `实际`"),
    ({"identities": [{"ratio": ["实际", {"value": "0元"}], "equals": "执行率"}]}, "分母"),
    ({"identities": [{"bands": {"好": "八十以上", "差": "<60"}}]}, "读不懂"),
    ({"identities": [{"same": [{"value": "甲局"}, {"value": "乙局"}], "relation": "<="}]}, "文本不能比较大小"),
    ({"identities": [{"same": [{"value": "2022-05-18"}, {"value": "5个"}]}]}, "不是同一类数字"),
    ([], "须是对象"),
    # a number beyond what a record may hold: refused as in data, not an internal error of the comparisons
    ({"identities": [{"sum": [{"value": "9" * 300}, {"value": "1"}], "equals": {"value": 1}}]}, "数值过大"),
    ({"figures": {"实际": "1" + "0" * 400 + "元"}}, "数值过大"),
    ({"卡": {"score": 1e308}}, "数值过大"),
])
def test_claims_that_cannot_be_read_are_reported_each_with_its_place(reported, fragment):
    audit = _audit(reported)
    assert not audit.ok
    assert any(fragment in problem for problem in audit.problems), audit.problems


def test_a_product_of_claimed_figures_too_long_to_print_is_still_a_finding():
    big = "12345678901234.1234567890123456"  # within the bounds of data; its cube is not printable to 2 places
    audit = _audit({"identities": [{"product": [{"value": big}] * 3, "equals": {"value": 1}}]})
    assert audit.problems == () and _codes(audit) == {"identities/1": ["A214"]}
    assert "e+39" in audit.findings[0].computed


# ── the command ────────────────────────────────────────────────────────────────


def test_cli_exit_status_and_formats(tmp_path):
    runner = CliRunner()
    ruleset = str(ROOT / "rulesets" / "chaoan-2022.perf")
    example = ROOT / "examples" / "chaoan-2022.json"
    result = runner.invoke(main, ["audit", ruleset, str(example)])
    assert result.exit_code == 1
    assert "A301 疑似元与万元混用 [001:11]（已知勘误 4）" in result.output
    assert "合计：1 条记录，127 项公布数字，7 项不成立（其中 7 项为已知勘误）" in result.output

    raw = json.loads(example.read_text("utf-8"))
    raw["_reported"] = raw["_expected"]
    right = tmp_path / "right.json"
    right.write_text(json.dumps(raw, ensure_ascii=False), "utf-8")
    result = runner.invoke(main, ["audit", ruleset, str(right)])
    assert result.exit_code == 0 and "全部成立" in result.output

    result = runner.invoke(main, ["audit", ruleset, str(example), str(right), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["ruleset"] == "潮安区2022年部门整体支出绩效自评复核"
    assert [r["flagged"] for r in report["records"]] == [7, 0]
    finding = report["records"][0]["findings"][0]
    assert set(finding) == {"code", "title", "claim", "kind", "says", "computed", "working", "hint", "at", "known",
                            "erratum", "note"}
    assert (finding["code"], finding["claim"], finding["at"], finding["erratum"]) == \
        ("A301", ["figures", "预算支出决算数"], ["001:11"], [4])

    bare = tmp_path / "bare.json"  # a record that claims nothing: nothing disagrees
    bare.write_text(json.dumps({k: v for k, v in raw.items() if k != "_reported"}, ensure_ascii=False), "utf-8")
    result = runner.invoke(main, ["audit", ruleset, str(bare)])
    assert result.exit_code == 0 and "没有公布的数字（`_reported`），无可核对" in result.output

    assert runner.invoke(main, ["audit", ruleset, str(tmp_path / "missing.json")]).exit_code == 2
    broken = tmp_path / "broken.perf"
    broken.write_text("scorecard 卡 max {", "utf-8")
    assert runner.invoke(main, ["audit", str(broken), str(right)]).exit_code == 2
    assert runner.invoke(main, ["audit", ruleset]).exit_code == 2


def test_a_record_that_cannot_be_scored_is_reported_in_its_place(tmp_path):
    raw = json.loads((ROOT / "examples" / "baoshan-2021.json").read_text("utf-8"))
    bad = dict(raw, 编制数="三十")
    path = tmp_path / "batch.json"
    path.write_text(json.dumps([bad, raw], ensure_ascii=False), "utf-8")
    result = CliRunner().invoke(main, ["audit", str(ROOT / "rulesets" / "baoshan-2021.perf"), str(path),
                                       "--format", "json"])
    assert result.exit_code == 1
    first, second = json.loads(result.output)["records"]
    assert first["findings"] == [] and "编制数" in first["problems"][0]
    assert second["flagged"] == 12


def test_a_rate_printed_as_a_plain_number_is_named():
    finding = _audit({"figures": {"执行率": 90}}).flagged[("figures", "执行率")][0]
    assert (finding.code, finding.hint) == ("A106", "公布的 90 应是百分数 90%：比率须写百分号")
