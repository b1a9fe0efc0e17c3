"""Mutated rulesets and records: every one ends in a located message, never a Python exception.

A deleted brace, a stray character, a truncated file, an unknown name, a
string where a number belongs, a missing key: perfdsl reports each with a
file:line:col (rulesets) or a record and key (data).
"""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perfdsl import diagnose
from perfdsl.errors import PerfError, RecordError, RulesetError
from perfdsl.loader import load_model
from perfdsl.nodes import Name

RULESET = (Path(__file__).parent.parent / "rulesets" / "chaoan-2022.perf").read_text(encoding="utf-8")


def _assert_located(text: str):
    """`text` either checks clean or yields errors that all carry a file:line:col."""
    _, diagnostics = diagnose(text, "mutant.perf")
    errors = [d for d in diagnostics if d.is_error]
    for d in errors:
        assert d.span is not None, d.render()
        assert d.render().startswith("mutant.perf:")
    try:
        load_model(text, "mutant.perf")
    except RulesetError as exc:
        assert exc.diagnostics
        assert errors, "load_model failed where diagnose found nothing"
    else:
        assert not errors
    return errors


@pytest.mark.parametrize("cut", range(0, len(RULESET), max(1, len(RULESET) // 150)))
def test_truncated_ruleset(cut):
    _assert_located(RULESET[:cut])


@pytest.mark.parametrize("index", [m.start() for m in re.finditer(r"[{}]", RULESET)][::3])
def test_deleted_brace(index):
    errors = _assert_located(RULESET[:index] + RULESET[index + 1:])
    assert errors


STRAYS = list("@$%^&|~!?{}()[]：；（），。\"`'=<>#\\\n\t 0") + ["元", "万元"]


@settings(max_examples=60)
@given(st.integers(0, len(RULESET)), st.sampled_from(STRAYS))
def test_stray_character(position, char):
    _assert_located(RULESET[:position] + char + RULESET[position:])


@settings(max_examples=40)
@given(st.data())
def test_unknown_names(data):
    names = sorted(set(re.findall(r"(?<![\w`])([\u4e00-\u9fff]{2,})(?![\w`])", RULESET)))
    victim = data.draw(st.sampled_from(names))
    occurrence = [m.start() for m in re.finditer(re.escape(victim), RULESET)]
    at = data.draw(st.sampled_from(occurrence))
    _assert_located(RULESET[:at] + victim + "错" + RULESET[at + len(victim):])


@given(st.text(max_size=300))
def test_arbitrary_text(text):
    _assert_located(text)


# ── records ─────────────────────────────────────────────────────────────────

VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6).map(Decimal), st.text(max_size=12),
    st.sampled_from(["97.6%", "0.43万元", "abc", "1e999", "NaN", "-0", "十四", "", "１４"]),
    st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.builds(lambda v: {"value": v, "note": "注"}, st.integers(-5, 30).map(Decimal)),
    st.decimals(allow_nan=True, allow_infinity=True),
)


def _evaluate(program, record):
    try:
        result = program.evaluate(record)
    except RecordError as exc:
        assert exc.message
        rendered = exc.render()
        assert rendered.startswith("记录")
        return exc
    for card in result.scorecards:
        for node in card.nodes:
            assert isinstance(node.basis, str) and node.basis.strip(), node.path  # every indicator says why
    return result


@given(st.data())
def test_mutated_record_values(chaoan, published, data):
    keys = [k for k in published if not k.startswith("_")]
    record = dict(published)
    for key in data.draw(st.lists(st.sampled_from(keys), min_size=1, max_size=3, unique=True)):
        record[key] = data.draw(VALUES)
    _evaluate(chaoan, record)


@pytest.mark.parametrize("key", [k for k in __import__("json").loads(
    (Path(__file__).parent.parent / "examples" / "chaoan-2022.json").read_text("utf-8")) if not k.startswith("_")])
def test_missing_key(chaoan, chaoan_record, key):
    del chaoan_record[key]
    outcome = _evaluate(chaoan, chaoan_record)
    if isinstance(outcome, RecordError):
        if outcome.key != key:  # its default stood in and broke the bound of an input that names it
            assert chaoan.model.input(outcome.key).high == Name(key)
            assert f"超过 {key}（0）" in outcome.message
            return
        if key != "单位":
            assert outcome.render().startswith(f"记录 潮州市潮安区政务服务数据管理局，键 `{key}`: ")


def test_string_where_a_number_belongs(chaoan, chaoan_record):
    chaoan_record["项目总数"] = "十四"
    with pytest.raises(RecordError) as caught:
        chaoan.evaluate(chaoan_record)
    assert caught.value.key == "项目总数"
    assert caught.value.render() == ('记录 潮州市潮安区政务服务数据管理局，键 `项目总数`: '
                                     '`项目总数` 应为非负整数，得到 "十四"')


def test_misspelt_key_names_the_nearest_input(chaoan, chaoan_record):
    chaoan_record["项目完成束"] = chaoan_record.pop("项目完成数")
    with pytest.raises(RecordError) as caught:
        chaoan.evaluate(chaoan_record)
    assert caught.value.key == "项目完成束"
    assert "是否为 `项目完成数`" in caught.value.message


@given(st.recursive(VALUES, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                        max_size=3), max_leaves=8))
def test_not_a_record_at_all(chaoan, value):
    try:
        chaoan.evaluate(value)
    except PerfError:
        pass
