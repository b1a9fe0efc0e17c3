"""Writing the 评分表 as plain text into a file, against CSV and JSON Lines of the same records, in one run.

    python bench/bench_table.py [--records 2000] [--rounds 5]

Each round scores the same generated Chao'an records afresh and writes them three
ways, in rotating order: CSV (scores only: the compiled evaluator), JSON Lines
(every indicator's basis too) and the table into a file (every basis as well).
The table needs the basis, so its cost against CSV is mostly the basis's;
against JSON Lines, which needs the same basis, it is the table writer's own.
Prints the median ratio [min–max] of each against CSV, and table against JSON Lines.
Then the writers alone: the same results, scored and with their basis made once, written again
each round — what the writer itself costs per record.
"""

from __future__ import annotations

import argparse
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_eval import make_records

from perfdsl import load
from perfdsl.report import csvout, jsonout, table


def _results(program, records):
    return ((position, program.evaluate(raw, position)) for position, raw in enumerate(records, start=1))


def write_csv(program, records):
    csvout.write(io.StringIO(), _results(program, records), program.model, None)


def write_jsonl(program, records):
    handle = io.StringIO()
    for _, result in _results(program, records):
        handle.write(jsonout.dumps(result.to_json(), indent=None) + "\n")


def write_table(program, records):
    table.write(io.StringIO(), _results(program, records), program.model, None, terminal=False)


def _writers_alone(program, records, rounds):
    results = [(position, program.evaluate(raw, position)) for position, raw in enumerate(records, start=1)]
    for _, result in results:
        result.texts()  # the basis, made once: from here on only the writing is timed
        _ = result.scorecards
    writers = {
        "csv": lambda: csvout.write(io.StringIO(), iter(results), program.model, None),
        "jsonl": lambda: [jsonout.dumps(r.to_json(), indent=None) for _, r in results],
        "table": lambda: table.write(io.StringIO(), iter(results), program.model, None, terminal=False),
    }
    seconds = {name: [] for name in writers}
    for round_ in range(rounds):
        for name in list(writers)[round_ % 3:] + list(writers)[: round_ % 3]:
            start = time.perf_counter()
            writers[name]()
            seconds[name].append(time.perf_counter() - start)
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args(argv)
    program = load(ROOT / "rulesets" / "chaoan-2022.perf")
    records = make_records(args.records)
    writers = {"csv": write_csv, "jsonl": write_jsonl, "table": write_table}
    seconds = {name: [] for name in writers}
    names = list(writers)
    for round_ in range(args.rounds):
        for name in names[round_ % 3:] + names[: round_ % 3]:
            start = time.perf_counter()
            writers[name](program, records)
            seconds[name].append(time.perf_counter() - start)

    def ratio(a, b):
        values = [x / y for x, y in zip(seconds[a], seconds[b])]
        return f"{statistics.median(values):.2f} [{min(values):.2f}–{max(values):.2f}]"

    print(f"{args.records} Chao'an records, {args.rounds} rounds (median [min–max] of per-round ratios)")
    for name in names:
        print(f"  {name:6} {args.records / statistics.median(seconds[name]):8.0f} records/s   × csv {ratio(name, 'csv')}")
    print(f"  table × jsonl (the same basis work; the writer's own cost): {ratio('table', 'jsonl')}")
    seconds = _writers_alone(program, records, args.rounds)
    print("writers alone (basis made beforehand):")
    for name in names:
        print(f"  {name:6} {args.records / statistics.median(seconds[name]):8.0f} records/s   × csv {ratio(name, 'csv')}")


if __name__ == "__main__":
    main()
