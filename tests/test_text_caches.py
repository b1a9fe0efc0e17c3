"""The texts the basis keeps by value (`plain`: by the decimal's exact `str`): bounded, and what a batch repeats stays kept (decimals.plain)."""

from __future__ import annotations

from decimal import Decimal, localcontext

from perfdsl import decimals
from perfdsl.decimals import plain


def test_plain_keeps_what_a_batch_repeats_through_its_one_off_amounts():
    common = Decimal("89.04")
    assert plain(common) == "89.04"
    for n in range(3 * decimals._GENERATION):  # a batch of one-off amounts, the common score among them
        assert plain(Decimal(n) / 100 + Decimal("0.001")) == format(Decimal(n) / 100 + Decimal("0.001"), "f")
        if n % 100 == 0:  # still kept since it was last asked for (a clear when full dropped it)
            assert str(common) in decimals._PLAIN or str(common) in decimals._OLDER, n
            assert plain(common) == "89.04"
        assert len(decimals._PLAIN) <= decimals._GENERATION
        assert len(decimals._OLDER) <= decimals._GENERATION
    assert str(common) in decimals._PLAIN or str(common) in decimals._OLDER


def test_plain_texts_equal_values_alike_and_the_odd_ones_as_before():
    for _ in range(2):  # the second time from the cache
        assert plain(Decimal("6.40")) == plain(Decimal("6.4")) == "6.4"
        assert plain(Decimal("1E+2")) == "100"
        assert plain(Decimal("-0.00")) == "0"
        assert plain(Decimal("sNaN")) == "sNaN"
        assert plain(Decimal("NaN")) == "NaN"
        assert plain(Decimal("-Infinity")) == "-Infinity"


def test_money_is_formatted_without_filling_plains_texts():
    """An amount hardly repeats: `money` formats it straight, its text the one `plain` would give."""
    with localcontext(decimals.CONTEXT):
        amount = Decimal("6440687.9130")  # (amounts no other test shows: what is kept is the process's)
        assert decimals.money(amount, "元") == "6440687.913元"
        assert decimals.money(Decimal("43217"), "万元") == "4.3217万元"
        assert decimals.money(Decimal("-0.00"), "元") == "0元"
        assert decimals.money(Decimal("Infinity"), "元") == "Infinity元"
        assert str(amount) not in decimals._PLAIN and str(amount) not in decimals._OLDER
        assert "4.3217" not in decimals._PLAIN and "4.3217" not in decimals._OLDER
