"""The values a record holds once read: `Record`, and the stand-ins `MISSING` and `UNDEFINED`.

Below every evaluator: `inputs` makes Records, `interp`, the generated code
(through `runtime`) and `result` read them; this module imports nothing of
perfdsl's, so none of them need import another for a value.

An input the record leaves out (and that has no default) is `MISSING`; a
derived value whose computation failed is `UNDEFINED`.  Neither is an error
by itself — an indicator that does not apply may need neither — but any use
(arithmetic, a comparison, a truth test, rounding) raises `UndefinedUse`, and
the program then asks the reference interpreter for the precise message.
"""

from __future__ import annotations

from .frozen import field, frozen


class UndefinedUse(Exception):
    """A missing or undefined value was used."""


class Undefined:
    """A value that is not there; every operation on it raises `UndefinedUse`."""

    __slots__ = ("what",)

    def __init__(self, what: str):
        self.what = what

    def __repr__(self):
        return f"<{self.what}>"

    def __reduce__(self):  # the one `MISSING` or `UNDEFINED` still, once a result comes back from a worker
        return self.what.upper()

    def _use(self, *args, **kwargs):
        raise UndefinedUse(self.what)

    __add__ = __radd__ = __sub__ = __rsub__ = _use
    __mul__ = __rmul__ = __truediv__ = __rtruediv__ = _use
    __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = _use
    __neg__ = __abs__ = __bool__ = _use
    quantize = to_integral_value = _use
    __hash__ = None


MISSING = Undefined("missing")
UNDEFINED = Undefined("undefined")


@frozen
class Record:
    """One record's converted inputs: by slot for compiled code, by name for the interpreter."""

    slots: tuple
    values: dict
    notes: dict  # input name → the note that came with its value
    name: object  # the record's name, or its 1-based position
    units: dict = field(factory=dict)  # money input → the unit the record wrote it in
    warnings: tuple = ()  # `plausibility.DataWarning`s: figures that look like a slip
    meta: dict = field(factory=dict)  # the record's ``_…`` texts (``_存在问题``) that reports print


def item_names(names) -> list[str]:
    """Item names as result paths: an empty one is named by its position, a repeated one numbered."""
    out, seen = [], {}
    for position, name in enumerate(names, start=1):
        name = name.strip() or f"第 {position} 项"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}（{seen[name]}）")
    return out
