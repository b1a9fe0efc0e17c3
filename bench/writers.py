"""The writers alone: the same scored results, basis made once, written by every format, as ratios to CSV.

    python bench/writers.py [--records 2000] [--rounds 5] [--ruleset rulesets/chaoan-2022.perf]

The records are generated (bench_eval.make_records), scored once and
materialised once (`isolation.materialise`: every basis line built), so what
is timed afterwards is each writer's own work over the same `Result`s —
nothing of the evaluators or of the basis text.  Each `Result`'s tree of indicators (`Result.scorecards`)
is dropped before every write, as a run has not built it when the writer starts: a writer that reads
the tree pays for building it (it was 70–100 µs a record, hidden while the first write kept it).  Each round writes every format in
rotating order into memory (xlsx into a BytesIO: the 汇总 and the first 100
records' 评分表 sheets as `-o a.xlsx` writes; "xlsx 汇总": no 评分表 sheet; "xlsx all": one for every record); the ratio to CSV is taken within a round
and the median of the rounds printed, with the µs per record.  Times are this process's CPU
time (the writers run in one thread): on a machine shared with other work, time spent waiting
for a core is not counted.  No time is asserted anywhere (bench/whole_process.py measures
whole processes).
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

from bench_eval import make_records  # noqa: E402

from perfdsl import load  # noqa: E402
from perfdsl.isolation import one  # noqa: E402
from perfdsl.report import csvout, html, jsonout, markdown, table, xlsxout  # noqa: E402


def writers(model, results) -> dict:
    count = len(results)
    return {
        "csv": lambda: csvout.write(io.StringIO(newline=""), iter(results), model, None),
        "jsonl": lambda: jsonout.write(io.StringIO(), iter(results), False, None, lines=True),
        "md": lambda: markdown.write(io.StringIO(), iter(results), model, None),
        "html": lambda: html.write(io.StringIO(), iter(results), model, None),
        "table": lambda: table.write(io.StringIO(), iter(results), model, None, terminal=False),
        "xlsx": lambda: xlsxout.write(io.BytesIO(), iter(results), model, None),  # eval's --sheets 100
        "xlsx 汇总": lambda: xlsxout.write(io.BytesIO(), iter(results), model, None, sheets=0),
        "xlsx all": lambda: xlsxout.write(io.BytesIO(), iter(results), model, None, sheets=count),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--ruleset", default=str(ROOT / "rulesets" / "chaoan-2022.perf"))
    parser.add_argument("--only", help="comma-separated formats (csv always runs)")
    args = parser.parse_args()
    program = load(args.ruleset)
    results = [(position, one(program, position, raw, False, True))
               for position, raw in enumerate(make_records(args.records), start=1)]
    every = writers(program.model, results)
    if args.only:
        every = {name: run for name, run in every.items() if name == "csv" or name in args.only.split(",")}
    names = list(every)
    times: dict = {name: [] for name in names}
    for name in names:  # a warm-up: caches a writer keeps per ruleset are made before timing
        every[name]()
    for round_ in range(args.rounds):
        order = names[round_ % len(names):] + names[: round_ % len(names)]
        for name in order:
            for _, result in results:
                result._cards = None  # as in a run: the writer builds the tree if it reads it
            start = time.process_time()
            every[name]()
            times[name].append(time.process_time() - start)
    print(f"{args.records} records of {Path(args.ruleset).name}, scored and materialised once; "
          f"{args.rounds} rounds, medians of per-round ratios")
    print(f"{'writer':<12}{'µs/record':>11}{'÷ csv':>8}")
    for name in names:
        seconds = statistics.median(times[name])
        ratio = statistics.median(t / c for t, c in zip(times[name], times["csv"]))
        print(f"{name:<12}{seconds / args.records * 1e6:>11.0f}{ratio:>8.2f}")


if __name__ == "__main__":
    main()
