"""Hypothesis strategies for how a record may write a value (shared/DESIGN.md §6), shared by the spec tests.

Money as a number in 元, a 元 string or a 万元 string; a rate as a fraction or a
percent string; any value now and then annotated with a note; and pairs of
amounts whose ratio is exactly a stated edge.
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

D = Decimal

cents = st.integers(min_value=0, max_value=10**9).map(lambda n: D(n) / 100)  # an amount in 元


@st.composite
def money(draw, amount: Decimal):
    """An amount in 元, written as a number, a 元 string or a 万元 string."""
    form = draw(st.sampled_from(["number", "yuan", "wan"]))
    if form == "number":
        return amount
    if form == "yuan":
        return f"{amount}元"
    return f"{(amount / 10000).normalize():f}万元"


@st.composite
def rate(draw, value: Decimal):
    if draw(st.booleans()):
        return value
    return f"{(value * 100).normalize():f}%"


@st.composite
def annotated(draw, value):
    if draw(st.integers(0, 5)) == 0:
        return {"value": value, "note": draw(st.sampled_from(["依据材料第3页", "评审组意见", "备注"]))}
    return value


@st.composite
def ratio_parts(draw, edges):
    """(numerator, denominator) in 元 whose ratio is exactly an edge (or a random value)."""
    denominator = draw(st.integers(1, 10**8)) * D(100)
    if draw(st.integers(0, 4)):
        target = draw(st.sampled_from(edges))
    else:
        target = D(draw(st.integers(0, 15000))) / 10000
    return (target * denominator).quantize(D("0.0001")), denominator
