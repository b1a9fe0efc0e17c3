"""The texts the basis keeps by value: bounded, and what a batch repeats stays kept (decimals.plain)."""

from __future__ import annotations

from decimal import Decimal

from perfdsl import decimals
from perfdsl.decimals import plain


def test_plain_keeps_what_a_batch_repeats_through_its_one_off_amounts():
    common = Decimal("89.04")
    assert plain(common) == "89.04"
    for n in range(3 * decimals._GENERATION):  # a batch of one-off amounts, the common score among them
        assert plain(Decimal(n) / 100 + Decimal("0.001")) == format(Decimal(n) / 100 + Decimal("0.001"), "f")
        if n % 100 == 0:  # still kept since it was last asked for (a clear when full dropped it)
            assert common in decimals._PLAIN or common in decimals._OLDER, n
            assert plain(common) == "89.04"
        assert len(decimals._PLAIN) <= decimals._GENERATION
        assert len(decimals._OLDER) <= decimals._GENERATION
    assert common in decimals._PLAIN or common in decimals._OLDER


def test_plain_texts_equal_values_alike_and_the_odd_ones_as_before():
    for _ in range(2):  # the second time from the cache
        assert plain(Decimal("6.40")) == plain(Decimal("6.4")) == "6.4"
        assert plain(Decimal("1E+2")) == "100"
        assert plain(Decimal("-0.00")) == "0"
        assert plain(Decimal("sNaN")) == "sNaN"
        assert plain(Decimal("NaN")) == "NaN"
        assert plain(Decimal("-Infinity")) == "-Infinity"
