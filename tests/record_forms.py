"""The forms the data contract allows a value to take, as hypothesis strategies shared by the spec records.

DESIGN §6: money as a number of 元 or a string with its unit ("4300元",
"0.43万元"), a rate as a fraction or a percent string ("97.6%"), any value
plain or annotated ({"value": …, "note": …}).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

D = Decimal


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
    """A rate as a fraction or a percent string."""
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
    """(numerator, denominator) in 元, denominator > 0, whose ratio is exactly an edge (or a random value).

    Exact for edges of up to 6 decimals: the denominator is a multiple of 100.
    """
    denominator = draw(st.integers(1, 10**8)) * D(100)
    if draw(st.integers(0, 4)):
        target = draw(st.sampled_from(edges))
    else:
        target = D(draw(st.integers(0, 15000))) / 10000
    return (target * denominator).quantize(D("0.0001")), denominator
