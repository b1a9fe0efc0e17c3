"""Invariants of every evaluation, and the compiled evaluator against the reference interpreter."""

from __future__ import annotations

from decimal import Decimal

from chaoan_records import GAPS, chaoan_record, with_gap
from hypothesis import given, settings
from hypothesis import strategies as st

from perfdsl import interp


def _record(record, gap):
    return with_gap(record, Decimal(80), gap, True)


@given(chaoan_record(), st.sampled_from(GAPS))
def test_scores_stay_within_weights_and_groups_add_up(chaoan, record, gap):
    result = chaoan.evaluate(_record(record, gap))
    for card, spec in zip(result.scorecards, chaoan.model.scorecards):
        for node, node_spec in zip(card.nodes, spec.nodes):
            if node_spec.bonus:
                assert -node.declared <= node.score <= node.declared
            else:
                assert 0 <= node.score <= node.weight, node.path
            if node_spec.is_leaf:
                assert node.score == node.score.quantize(Decimal("0.01"))
            else:
                parts = [card.nodes[i] for i in node_spec.children]
                expected = sum((p.score for p in parts), Decimal(0))
                if node_spec.bonus:
                    expected = max(-node.declared, min(node.declared, expected))
                assert node.score == expected, node.path
                if not node_spec.bonus:
                    assert node.weight == sum((p.weight for p in parts), Decimal(0))
        top = [card.nodes[i] for i in spec.top]
        assert sum(n.weight for n in top if not spec.nodes[spec.top[top.index(n)]].bonus) == card.max
        assert 0 <= card.score <= card.max


@given(chaoan_record(), st.sampled_from(GAPS))
def test_grade_is_the_band_of_the_total(chaoan, record, gap):
    review = chaoan.evaluate(_record(record, gap)).scorecard("复核得分")
    bands = [(Decimal(90), "优秀"), (Decimal(80), "良好"), (Decimal(70), "中"), (Decimal(60), "低")]
    assert review.grade == next((name for bound, name in bands if review.score >= bound), "差")


@given(chaoan_record(), st.sampled_from(GAPS))
def test_compiled_evaluator_equals_reference(chaoan, record, gap):
    raw = _record(record, gap)
    result = chaoan.evaluate(raw)
    trace = interp.evaluate(chaoan.model, chaoan.convert(raw))
    for card in result.scorecards:
        reference = trace.cards[card.name]
        assert (card.score, card.grade) == (reference.total, reference.grade)
        for node, ref in zip(card.nodes, reference.nodes):
            assert (node.weight, node.score) == (ref.weight, ref.score), node.path


@settings(max_examples=40)
@given(chaoan_record(), st.sampled_from(GAPS))
def test_evaluation_is_deterministic(chaoan, record, gap):
    raw = _record(record, gap)
    first = chaoan.evaluate(raw).to_json()
    second = chaoan.evaluate(raw).to_json()
    assert first == second
