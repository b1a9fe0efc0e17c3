"""JSON numbers read as exact decimals of few digits, and which record was read so.

`datafiles._flat_record` reads a JSON Lines record's numbers by `read` — exactly as `Decimal` reads them, when
each has at most `DIGITS` digits; any other raises, as does any number `Decimal` would round or refuse (every
signal traps), and the line is then read by the general decoder.  The record it read last is `mark`ed, so that
the reader of inputs (`convertgen`) may ask of each figure its magnitude only: a finite figure of at most
`limits.DATA_DIGITS` digits within the magnitudes data allows is within bounds (`limits.number_problem`), and
its text, which the quick test makes, need not be made.  The mark is one record, the last: a record is read as
it was decoded, and nothing changes it in between.
"""

from __future__ import annotations

from decimal import (
    MAX_EMAX,
    MIN_EMIN,
    Clamped,
    Context,
    DivisionByZero,
    FloatOperation,
    Inexact,
    InvalidOperation,
    Overflow,
    Rounded,
    Subnormal,
    Underflow,
)

from . import limits

#: The most digits of a figure read by `read`: those `limits.number_problem` allows.
DIGITS = limits.DATA_DIGITS

_CONTEXT = Context(prec=DIGITS, Emax=MAX_EMAX, Emin=MIN_EMIN, clamp=0,
                   traps=[Clamped, DivisionByZero, FloatOperation, Inexact, InvalidOperation, Overflow, Rounded,
                          Subnormal, Underflow])
#: A JSON number's text → its `Decimal`, or a `decimal.DecimalException` when it has more than `DIGITS` digits.
read = _CONTEXT.create_decimal

_marked = None


def mark(record) -> None:
    """`record`'s numbers were all read by `read`."""
    global _marked
    _marked = record


def short(record) -> bool:
    """Whether `record` is the one `mark`ed last: each of its figures has at most `DIGITS` digits."""
    return record is _marked
