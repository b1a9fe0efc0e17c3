"""Count the plausibility warnings the spec-oracle generators' records raise (there should be none).

    .venv/bin/python tools/oracle_warnings.py [N] [ORACLE ...]

Draws N records (default 6000) from each record generator of tests/test_*_spec.py with a random seed
(hypothesis, generation only: no shrinking, no database), converts each with its ruleset and prints,
per generator, how many records raised a warning and a few of them. tests/test_plausibility.py runs
the same check at CI size; docs/data.md says why the generators draw the records they do.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from test_plausibility import ORACLES, _program  # noqa: E402

from perfdsl.errors import RecordError  # noqa: E402


def warnings_of(name: str, record: dict) -> tuple:
    try:
        return _program(ROOT / "rulesets" / f"{name}.perf").convert(record).warnings
    except RecordError as exc:
        return exc.warnings


def measure(oracle: str, count: int) -> tuple[int, Counter, list]:
    name, strategy = ORACLES[oracle]
    warned: list = []
    codes: Counter = Counter()

    @settings(max_examples=count, database=None, derandomize=False, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def draw(record):
        found = warnings_of(name, record)
        if found:
            warned.append(found)
            codes.update(w.code for w in found)

    draw()
    return len(warned), codes, warned[:5]


def main(argv: list[str]) -> int:
    count = int(argv[0]) if argv and argv[0].isdigit() else 6000
    chosen = [a for a in argv if not a.isdigit()] or list(ORACLES)
    total = 0
    for oracle in chosen:
        records, codes, samples = measure(oracle, count)
        total += records
        print(f"{oracle:14} {count} records, {records} with a warning {dict(codes) or ''}")
        for found in samples:
            for warning in found:
                print(f"    {warning.key}: {warning.message}")
    return 1 if total else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
