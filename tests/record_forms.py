"""Hypothesis strategies for how a record may write a value (shared/DESIGN.md §6), shared by the spec tests.

Money as a number in the declared unit, a 元 string or a 万元 string; a rate as a fraction or a
percent string; any value now and then annotated with a note; and pairs of amounts whose ratio is
exactly a stated edge.

The records are ones a department files, at every boundary its spec states — so that they also
show that plausibility (docs/data.md) raises no false alarm:

* an amount is a whole number of 分 (no account has fractions of a 分) of a department's size,
  10万 to 10亿 元 (`amounts`); 0 is drawn where the spec names it;
* a record writes its amounts one way (`Writing`): all plain numbers, all "…元", all "…万元", or —
  as the Chao'an seed does — each table its own way, the amounts of one relation alike;
* a ratio the rules reward is an edge the spec states (0, 80%, 100%, 120% …) or anything from 5% to
  150%, never 0.01%: no department spends a ten-thousandth of its budget (`ratio_parts`); a
  carry-over rate is an edge or anything up to 30%, never 150%: a carry-over is what was left of what
  there was; rounding edges are hit at ordinary sizes (8 × 75.0625% = 6.005).
"""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

D = Decimal
WAN = D(10000)

#: An amount of a department's accounts in 元: 10万 to 10亿, to the 分.
amounts = st.integers(min_value=10**7, max_value=10**11).map(lambda n: D(n) / 100)
#: A denominator in whole 万元 (10万 to 10亿 元): an edge with up to 6 decimals of it is a whole number of 分.
_WHOLE_WAN = st.integers(10, 10**5).map(lambda n: D(n) * WAN)
#: A ratio the rules reward, drawn at random: 5% to 150% in steps of 0.01%.
RANDOM_SHARE = st.integers(500, 15000).map(lambda n: D(n) / 10000)
#: A carry-over rate drawn at random: 0 to 30% (what is left of what there was; past the deduction floor the
#: rules give 0 alike, and a department that carries most of its money over has spent next to nothing).
RANDOM_CARRY = st.integers(0, 3000).map(lambda n: D(n) / 10000)
_CONVENTIONS = st.sampled_from(["number", "yuan", "wan", "tables"])
_FORMS = st.sampled_from(["number", "yuan", "wan"])


def written(amount: Decimal, form: str, unit: str = "元"):
    """`amount` (in 元) as a plain number in the declared `unit`, a 元 string or a 万元 string."""
    if form == "number":
        return amount if unit == "元" else (amount / WAN).normalize()
    if form == "yuan":
        return f"{amount}元"
    return f"{(amount / WAN).normalize():f}万元"


class Writing:
    """How one record writes its amounts: one form for all, or (``tables``) one form per relation's amounts.

    ``write(amount, table)`` gives the value; `table` names the relation an amount belongs to, so that
    the amounts compared with one another are written alike, as in a real record.
    """

    def __init__(self, draw, unit: str = "元"):
        self.draw = draw
        self.unit = unit
        self.convention = draw(_CONVENTIONS)
        self.tables: dict[str, str] = {}

    def __call__(self, amount: Decimal, table: str):
        form = self.convention
        if form == "tables":
            if table not in self.tables:
                self.tables[table] = self.draw(_FORMS)
            form = self.tables[table]
        return written(amount, form, self.unit)


@st.composite
def money(draw, amount: Decimal):
    """An amount in 元, written as a number, a 元 string or a 万元 string (one amount on its own)."""
    return written(amount, draw(_FORMS))


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
def ratio_parts(draw, edges, random=RANDOM_SHARE):
    """(numerator, denominator) in 元, whole 分, whose ratio is exactly an edge (or drawn from `random`)."""
    denominator = draw(_WHOLE_WAN)
    target = draw(st.sampled_from(edges)) if draw(st.integers(0, 4)) else draw(random)
    return target * denominator, denominator
