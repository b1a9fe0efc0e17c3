"""Every amount of every example ×10⁴ and ÷10⁴, in every way of writing it: how many change a figure silently.

    .venv/bin/python tools/scaled_slips.py

A harsher corpus than tests/slips.py (which makes the slips people make): each money input of each
example is multiplied and divided by 10⁴ and written as a plain number in its declared unit, a "…元"
string and a "…万元" string, exactly and rounded to 0.01 of the unit written. Prints the counts of the
outcomes (as tests/test_plausibility.py counts them) and every slip that changes a figure silently.
"""

from __future__ import annotations

import sys
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]

from test_plausibility import EXAMPLES, _figures, _program, _ruleset_of  # noqa: E402

from perfdsl import read_record  # noqa: E402
from perfdsl.errors import RecordError  # noqa: E402

WAN = Decimal(10000)
CENT = Decimal("0.01")


def forms(amount: Decimal, unit: str) -> dict:
    """`amount` (元) written every way: plain in the declared `unit`, 元 and 万元 strings, exact and rounded."""
    plain = amount / (WAN if unit == "万元" else 1)
    return {"plain": plain, "yuan": f"{amount}元", "wan": f"{(amount / WAN).normalize():f}万元",
            "plain-rounded": plain.quantize(CENT, ROUND_HALF_UP),
            "wan-rounded": f"{(amount / WAN).quantize(CENT, ROUND_HALF_UP)}万元"}


def main() -> int:
    counts: Counter = Counter()
    silent = []
    for example in EXAMPLES:
        program = _program(_ruleset_of(example))
        record = read_record(example)
        published = _figures(program.evaluate(record))
        values = program.convert(record).values
        for spec in program.model.inputs:
            if spec.type.kind != "money" or spec.name not in record:
                continue
            raw = record[spec.name]
            for factor in (WAN, 1 / WAN):
                for kind, value in forms(values[spec.name] * factor, spec.type.unit or "元").items():
                    slipped = dict(record, **{spec.name: dict(raw, value=value) if isinstance(raw, dict) else value})
                    try:
                        result = program.evaluate(slipped)
                    except RecordError:
                        counts["error"] += 1
                        continue
                    if _figures(result) == published:
                        counts["same"] += 1
                    elif any(w.key == spec.name or spec.name in w.message for w in result.warnings):
                        counts["warned"] += 1
                    else:
                        counts["silent"] += 1
                        silent.append(f"{example.stem} {spec.name} {'×' if factor > 1 else '÷'}10⁴ {kind}: {value}")
    print(dict(counts), sum(counts.values()))
    print("\n".join(silent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
