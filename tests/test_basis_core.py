"""The basis (依据) rendered from the compiled evaluator's facts is the reference interpreter's, byte for byte.

`rendering` writes every node's text from what `evaluate_facts` returns; `interp` stays the oracle.
For every shipped ruleset, on its example records, the spec tests' record strategies and records
generated from its declarations alone, every node and every total the renderer writes must be the
interpreter's text; and what it leaves to the interpreter is held here, so that a form once ported
cannot silently fall back again.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from baoshan_records import baoshan_record
from chaoan_records import GAPS, chaoan_record, with_gap
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from meijiang_records import meijiang_record
from yaan_records import department_record, graded_project_record, project_record
from zhanjiang_records import zhanjiang_record

from perfdsl import compile_text, load, rendering
from perfdsl.errors import RecordError
from perfdsl.testing import strategies

ROOT = Path(__file__).resolve().parent.parent
RULESETS = sorted(p.stem for p in (ROOT / "rulesets").glob("*.perf"))
EXAMPLES = {
    "anhui-2022-projects": ["anhui-2022-projects-guichi", "anhui-2022-projects-tianchang"],
    "baoshan-2021": ["baoshan-2021"],
    "chaoan-2022": ["chaoan-2022"],
    "chongqing-2021": ["chongqing-2021-kexuecheng"],
    "meijiang-2023": ["meijiang-2023"],
    "national-2020-projects": ["national-2020-projects-capped", "national-2020-projects-renovation"],
    "yaan-2020-projects": ["yaan-2020-projects-cloud", "yaan-2020-projects-hotline", "yaan-2020-projects-sharing"],
    "yaan-2020": ["yaan-2020"],
    "zhanjiang-2021": ["zhanjiang-2021"],
}

#: What each shipped ruleset leaves to the interpreter whatever the record: (scorecard, path) → why.
FALLING_BACK = {
    "anhui-2022-projects": {},
    "baoshan-2021": {},
    "chaoan-2022": {},
    "chongqing-2021": {},
    "meijiang-2023": {},
    "national-2020-projects": {},
    "yaan-2020-projects": {},
    "yaan-2020": {},
    "zhanjiang-2021": {},
}

_PROGRAMS: dict = {}


def program(name: str):
    if name not in _PROGRAMS:
        _PROGRAMS[name] = load(ROOT / "rulesets" / f"{name}.perf")
    return _PROGRAMS[name]


def same_basis(prog, raw) -> int | None:
    """Assert every text the renderer writes for `raw` is the interpreter's; how many it left to it
    (None: the record is not scored)."""
    try:
        result = prog.evaluate(raw)
    except RecordError:
        return None
    texts = result.texts()
    trace = prog.trace(result.record)
    left = 0
    for (node_texts, total, items, rules), spec in zip(texts, prog.model.scorecards):
        reference = trace.cards[spec.name]
        assert (total is None or total == reference.basis), (spec.name, total, reference.basis)
        left += total is None
        if rules is not None:
            assert rules == [a.basis for a in reference.adjustments]
        for node, text in zip(spec.nodes, node_texts):
            if text is None:
                left += 1
                continue
            assert text == reference.nodes[node.index].basis, (node.path, text, reference.nodes[node.index].basis)
        for index, texts_of in items.items():
            for text, ref in zip(texts_of, reference.items[index]):
                left += text is None
                assert text is None or text == ref.basis, (spec.nodes[index].path, text, ref.basis)
    for card in result.scorecards:  # and through the writers' API, items of `each` groups included
        reference = trace.cards[card.name]
        assert card.basis == reference.basis
        assert [line.basis for line in card.adjustments] == [a.basis for a in reference.adjustments]
        for node, ref in zip(card.fixed, reference.nodes):
            assert node.basis == ref.basis, node.path
        for index, items in card.items.items():
            assert [item.basis for item in items] == [ref.basis for ref in reference.items[index]]
    return left


def test_the_forms_left_to_the_interpreter():
    assert rendering.FALLBACK == {"each ManualRule"}


@pytest.mark.parametrize("name", RULESETS)
def test_what_each_shipped_ruleset_leaves_to_the_interpreter(name):
    _, renderer = program(name).explained()
    assert renderer.fallbacks() == FALLING_BACK[name]


@pytest.mark.parametrize("name", RULESETS)
def test_the_examples_basis_is_the_interpreters(name):
    for example in EXAMPLES[name]:
        raw = json.loads((ROOT / "examples" / f"{example}.json").read_text("utf-8"))
        for record in raw if isinstance(raw, list) else [raw]:
            left = same_basis(program(name), record)
            assert left is not None, example
            if name == "chaoan-2022":  # fully ported: its notes, units, moves and clamps included
                assert left == 0


def test_chaoan_basis_is_rendered_without_the_interpreter():
    raw = json.loads((ROOT / "examples" / "chaoan-2022.json").read_text("utf-8"))
    result = program("chaoan-2022").evaluate(raw)
    for card in result.scorecards:
        assert [node.basis for node in card.nodes] and card.basis
    assert result._trace is None  # the interpreter was never asked
    texts = result.scorecards[0].fixed
    assert texts[2].basis == "分值 5 + 2（提前下达率不适用调入）= 7，符合 5/5 项，7 × 5/5 = 7"
    assert texts[23].basis == ("逾期未上缴收益笔数 = 1，每次扣 0.5，扣 0.5，3 - 0.5 = 2.5，"
                               "依据：2022年9月30日收到公车报废款900元，2023年2月28日才上缴国库")
    assert result.scorecards[0].basis == "12 + 40.9 + 33.14 + 3 = 89.04"


BLANK = compile_text("""ruleset "空白" { precision 2 }
input 指标: list {
  名称: text
  年初指标值: text = ""
  调整指标值: text = ""
  系数: rate in 0% .. 100%
}
scorecard 卡 max 10 {
  group 指标组 10 {
    each 指标 named 名称 {
      rating 系数
      show if 调整指标值 != "" then 调整指标值 else 年初指标值
    }
  }
}
""", "blank.perf")


def test_a_blank_text_is_shown_as_a_blank_text_in_a_formula():
    # a table's empty cell (调整指标值) was put into the formula as nothing: `if  != "" then  else 100%`
    raw = {"指标": [{"名称": "甲", "年初指标值": "100%", "系数": 1}]}
    assert same_basis(BLANK, raw) == 0
    item = BLANK.evaluate(raw).scorecards[0].nodes[-1]
    assert item.basis.endswith('参考：if "" != "" then "" else 100% = 100%')


_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))


@_SETTINGS
@given(chaoan_record(), st.sampled_from(GAPS), st.booleans())
def test_chaoan_records(record, gap, above):
    assert same_basis(program("chaoan-2022"), with_gap(record, Decimal(80), gap, above)) is not None


@_SETTINGS
@given(zhanjiang_record())
def test_zhanjiang_records(record):
    same_basis(program("zhanjiang-2021"), record)


@_SETTINGS
@given(meijiang_record())
def test_meijiang_records(record):
    same_basis(program("meijiang-2023"), record)


@_SETTINGS
@given(department_record())
def test_yaan_records(record):
    same_basis(program("yaan-2020"), record)


@_SETTINGS
@given(st.one_of(project_record(), graded_project_record()))
def test_yaan_project_records(record):
    same_basis(program("yaan-2020-projects"), record)


@_SETTINGS
@given(baoshan_record())
def test_baoshan_records(record):
    same_basis(program("baoshan-2021"), record)


@pytest.mark.parametrize("name", RULESETS)
def test_records_from_the_declarations(name):
    """Records drawn from each ruleset's input declarations alone (perfdsl/testing/strategies.py)."""
    prog = program(name)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategies.records(prog.model))
    def check(record):
        same_basis(prog, record)

    check()


def test_every_ported_form_on_generated_records():
    """A ruleset with every ported form at once (tests/fixtures/basis-forms.perf): scorecard rules (cap by,
    deduct, veto), the constant cap, bands with no else, checklists, deductions per whole/started/linear step
    above and below thresholds with caps, moves, ratios, `each` with item weights and targets, `if` scores,
    bonus groups and ``show … vs``."""
    prog = load(ROOT / "tests" / "fixtures" / "basis-forms.perf")
    assert prog.explained()[1].fallbacks() == {}
    scored = []

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategies.records(prog.model))
    def check(record):
        scored.append(same_basis(prog, record))

    check()
    assert sum(left is not None for left in scored) >= 50  # most generated records are scored


def _counting(prog) -> list:
    """The nodes whose text the renderer of `prog` writes from its facts, one entry a time (a kept text is
    not written again)."""
    _, renderer = prog.explained()
    written = []
    leaf = renderer._leaf

    def counted(rec, card, node, *rest):
        written.append(node.name)
        return leaf(rec, card, node, *rest)

    renderer._leaf = counted
    return written


@pytest.mark.parametrize("name", RULESETS)
def test_kept_texts_are_the_interpreters(name):
    """A leaf's or group's text is kept by a key that is its whole input (`Renderer._keyer`): a record scored
    again is rendered from what was kept, and still equals the oracle."""
    prog = load(ROOT / "rulesets" / f"{name}.perf")  # a fresh renderer: nothing kept from other tests
    written = _counting(prog)
    records = []
    for example in EXAMPLES[name]:
        raw = json.loads((ROOT / "examples" / f"{example}.json").read_text("utf-8"))
        records += raw if isinstance(raw, list) else [raw]
    for record in records:
        assert same_basis(prog, record) is not None
    first = len(written)
    for record in records:
        assert same_basis(prog, record) is not None
    assert len(written) - first < first  # texts were found again, not written again


def test_a_kept_text_tells_a_reported_rate_by_its_digits():
    """98.77% and 98.770% are one value but a ``show … vs`` line prints the report's digits: not one key."""
    prog = load(ROOT / "rulesets" / "meijiang-2023.perf")
    written = _counting(prog)
    raw = json.loads((ROOT / "examples" / "meijiang-2023.json").read_text("utf-8"))
    texts = set()
    for reported in ("93.9%", "93.90%", "93.9%", "93.90%", "93.900%"):
        record = dict(raw, 报告热线满意率=reported)
        assert same_basis(prog, record) == 0
        texts.update(node.basis for node in prog.evaluate(record).scorecards[0].nodes if node.name == "公众或服务对象满意度")
    assert len(texts) == 3
    assert written.count("公众或服务对象满意度") == 3  # the repeats were found, each digits' text written once


def test_a_leaf_naming_inputs_only_is_kept_by_their_values_alone():
    """Its facts (and its weight) are the evaluator's of those values, so its key is (note, the values, each
    decimal by its exact `str`): a hit compares a few short texts, not a deduction line's nine figures too, and
    hashes no fresh decimal; an amount in other digits is another key (its text written again), the text still the
    oracle's."""
    prog = load(ROOT / "rulesets" / "chaoan-2022.perf")
    written = _counting(prog)
    _, renderer = prog.explained()
    keyers = {node.name: key_of for leaves, _, _, _ in renderer.order for _, node, _, key_of, _ in leaves}
    raw = json.loads((ROOT / "examples" / "chaoan-2022.json").read_text("utf-8"))
    result = prog.evaluate(raw)
    rec = rendering._Record(renderer, result.record, None, {})
    assert keyers["资产月报报送及时性"](rec, Decimal(2), None, None, None) == (None, str(raw["资产月报逾期次数"]))
    for total in ("8005000", "8005000.0", "8005000.00", "8005000"):
        assert same_basis(prog, dict(raw, 固定资产总额=Decimal(total))) == 0
    assert written.count("固定资产利用率") == 3  # one text per digits, the repeat found


@pytest.mark.parametrize("name", RULESETS + ["basis-forms"])
def test_the_generated_loop_is_the_interpreters(name):
    """Past `Renderer.GENERATE_AFTER` records the loop over nodes is `basisgen`'s generated function (the same
    keys as `Renderer._loop`'s, built in place): from the first record here, on the examples and on records
    drawn from the declarations, twice (the second time from kept texts), every text is the interpreter's."""
    fixture = ROOT / "tests" / "fixtures" / "basis-forms.perf"
    prog = load(fixture if name == "basis-forms" else ROOT / "rulesets" / f"{name}.perf")  # a fresh renderer
    _, renderer = prog.explained()
    renderer.GENERATE_AFTER = 0
    records = []
    for example in EXAMPLES.get(name, ()):
        raw = json.loads((ROOT / "examples" / f"{example}.json").read_text("utf-8"))
        records += raw if isinstance(raw, list) else [raw]

    @settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategies.records(prog.model))
    def check(record):
        records.append(record)
        same_basis(prog, record)

    check()
    for record in records:
        same_basis(prog, record)
    assert renderer._cards is not None  # (rendered by the generated function)


@pytest.mark.parametrize("name", RULESETS + ["basis-forms"])
def test_texts_written_every_record_are_the_interpreters(name):
    """A node whose memo is switched off (amounts that differ in every record) is written by the generated
    function's own path for it (`basisgen`: straight to `_leaf`, a group's line inline): with every memo off
    from the first record, every text is still the interpreter's."""
    fixture = ROOT / "tests" / "fixtures" / "basis-forms.perf"
    prog = load(fixture if name == "basis-forms" else ROOT / "rulesets" / f"{name}.perf")
    _, renderer = prog.explained()
    renderer.GENERATE_AFTER = 0
    memos = [memo for leaves, groups, _, _ in renderer.order
             for memo in [leaf[4] for leaf in leaves] + [group[3] for group in groups] if memo is not None]
    for memo in memos:
        memo.decided = memo.off = True
    records = []
    for example in EXAMPLES.get(name, ()):
        raw = json.loads((ROOT / "examples" / f"{example}.json").read_text("utf-8"))
        records += raw if isinstance(raw, list) else [raw]
    for record in records:
        same_basis(prog, record)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(strategies.records(prog.model))
    def check(record):
        same_basis(prog, record)

    check()
    assert renderer._cards is not None and all(memo.off and not memo.texts for memo in memos)
