"""The Chao'an ruleset against an independent reading of its spec, on records aimed at every stated boundary.

`bench/handwritten_chaoan.py` is written from shared/specs/chaoan-2022.md
alone; any disagreement is a bug in the ruleset or the language.
"""

from __future__ import annotations

from decimal import Decimal

import handwritten_chaoan as spec
from chaoan_records import GAPS, chaoan_record, with_gap
from helpers import all_scores
from hypothesis import given, settings
from hypothesis import strategies as st


@settings(max_examples=400)
@given(chaoan_record(), st.sampled_from(GAPS), st.booleans())
def test_ruleset_agrees_with_the_spec(chaoan, record, gap, above):
    provisional = dict(record, 自评得分=Decimal(50))
    review_total = spec.score(spec.convert(provisional))[0]
    record = with_gap(record, review_total, gap, above)
    expected = spec.as_dict(spec.score(spec.convert(record)))
    ours = all_scores(chaoan, record)
    for key, value in expected.items():
        if key == "自评质量:grade":
            continue
        assert ours[key] == value, key
    assert ours["自评质量:grade"] is None
