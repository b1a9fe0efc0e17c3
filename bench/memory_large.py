"""Peak memory of `perfdsl eval` on very large JSON data: a JSON Lines file and a JSON array, streamed.

    python bench/memory_large.py [--jsonl-mb 1024] [--json-mb 100] [--output csv] [--keep DIR]

Writes generated Chao'an records (bench_eval.make_records, cycled, each with its
own name; about 2.7 KB a record) to a JSON Lines file and a JSON array of the
sizes asked for, runs the real command line on each (`python -m perfdsl eval
… -o out.<output>`) under a wrapper that prints the process's peak RSS
(`resource.getrusage`), and checks that every record came out.  The acceptance
of "Hostile input" is a peak of at most 64 MB for 1 GB of JSON Lines and
100 MB of JSON array.  For comparison it also measures a plain
`json.load` of the array — what reading it whole costs.
"""

from __future__ import annotations

import argparse
import itertools
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from bench_eval import make_records

RULESET = HERE.parent / "rulesets" / "chaoan-2022.perf"
PEAK = """
import resource, runpy, sys
sys.argv = ["perfdsl"] + sys.argv[1:]
try:
    runpy.run_module("perfdsl", run_name="__main__")
except SystemExit as exit:
    code = exit.code
print(code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""
WHOLE = """
import json, resource, sys
from decimal import Decimal
with open(sys.argv[1], encoding="utf-8") as handle:
    records = json.load(handle, parse_float=Decimal, parse_int=Decimal)
print(len(records), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
"""


def _lines(limit: int):
    """JSON texts of records until `limit` bytes are reached."""
    base = make_records(500)
    written = 0
    for number, record in enumerate(itertools.cycle(base)):
        record = dict(record, 单位=f"单位{number}")
        text = json.dumps(record, ensure_ascii=False, default=float)  # a Decimal's shortest repr: the same figure
        written += len(text.encode("utf-8")) + 2
        if written > limit:
            return
        yield text


def write_jsonl(path: Path, megabytes: int) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for text in _lines(megabytes * 1024 * 1024):
            handle.write(text + "\n")
            count += 1
    return count


def write_array(path: Path, megabytes: int) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        handle.write("[\n")
        for text in _lines(megabytes * 1024 * 1024):
            handle.write((",\n" if count else "") + text)
            count += 1
        handle.write("\n]\n")
    return count


def run(data: Path, output: Path) -> tuple[int, float]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", PEAK, "eval", str(RULESET), str(data), "-o", str(output)],
                          capture_output=True, text=True, cwd=HERE.parent)
    elapsed = time.perf_counter() - start
    code, peak = done.stderr.split()[-2:]
    if code != "0":
        raise SystemExit(f"eval failed ({code}): {done.stderr[-2000:]}")
    return int(peak), elapsed


def counted(output: Path) -> int:
    with open(output, encoding="utf-8-sig") as handle:
        lines = sum(1 for _ in handle)
    return lines - 1 if output.suffix == ".csv" else lines


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jsonl-mb", type=int, default=1024)
    parser.add_argument("--json-mb", type=int, default=100)
    parser.add_argument("--output", default="csv", choices=["csv", "jsonl"])
    parser.add_argument("--keep", type=Path, help="write the data files here (default: a temporary folder)")
    args = parser.parse_args(argv)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="perfdsl-memory-"))
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for kind, megabytes, writer in (("jsonl", args.jsonl_mb, write_jsonl), ("json", args.json_mb, write_array)):
        if not megabytes:
            continue
        data = folder / f"data.{kind}"
        records = writer(data, megabytes)
        output = folder / f"out-{kind}.{args.output}"
        peak, elapsed = run(data, output)
        assert counted(output) == records, (counted(output), records)
        size = data.stat().st_size / 1024 / 1024
        rows.append((f"{kind} {size:.0f} MB → {args.output}", records, peak / 1024, elapsed))
        if kind == "json":
            done = subprocess.run([sys.executable, "-c", WHOLE, str(data)], capture_output=True, text=True)
            loaded, whole = done.stderr.split()[-2:]
            rows.append((f"  json.load of the same {size:.0f} MB, for comparison", int(loaded), int(whole) / 1024,
                         None))
        data.unlink()
        output.unlink()
    print(f"{'data → output':<48} {'records':>9} {'peak RSS':>10} {'time':>8}")
    for label, records, peak, elapsed in rows:
        took = f"{elapsed:7.0f}s" if elapsed is not None else ""
        print(f"{label:<48} {records:>9,} {peak:>8.1f} MB {took:>8}")
    worst = max(peak for label, _, peak, _ in rows if not label.startswith(" "))
    print(f"peak RSS of perfdsl: {worst:.1f} MB ({'within' if worst <= 64 else 'ABOVE'} the 64 MB acceptance)")


if __name__ == "__main__":
    main()
