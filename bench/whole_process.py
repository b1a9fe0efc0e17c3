"""Whole processes: `perfdsl eval` against a hand-written pipeline doing the same I/O, as ratios.

    python bench/whole_process.py [--records 10000] [--rounds 3] [--only NAME,…]

The hand-written pipeline (`--hand FORMAT`, this file run as a script) reads
the same JSON Lines, scores each record with bench/handwritten_chaoan.py and
writes the scores only — the fastest honest program a person would write:
json in, score, json (or CSV) out, one process.  Every command is a fresh
process, timed by wall clock; the commands run interleaved, in rotating order, in every round,
and each ratio is taken within a round (this machine's speed swings ~2×
between phases), then the median of the rounds is printed.  "× hand" is
hand time ÷ perfdsl time (above 1: perfdsl is faster); "÷ csv" is the
format's time ÷ perfdsl's CSV time; the CPU columns are the same for the
CPU time of the process and its workers (user + system), which a busy
machine disturbs less than the wall clock (a second core shows in the wall
clock only).  No wall-time is asserted anywhere.

Every process runs byte-compiled, as a pip install leaves perfdsl (and the
hand pipeline's modules): the compiled files go to a temporary
PYTHONPYCACHEPREFIX, never into the source tree, written by one warm-up run of
each command before the rounds (which also fills the ruleset cache).  This
machine sets PYTHONDONTWRITEBYTECODE=1 and an editable install is never
compiled, so without that every perfdsl process compiled ~60 modules from
source first (~0.1 s a process, ~10 % of a 10,000-record batch) — a cost no
installed perfdsl pays.  `--source` measures that way instead.

"hand jsonl 2 halves" is the hand pipeline run as two processes at
the same time, each on its own half of the records: both cores used as well
as a program can use them, with nothing split, sent or merged.  Its "× hand"
is what a second core is worth on this machine — the ceiling of any
`--jobs 2` ratio — which is not 2 when the two cores slow each other down
(shared caches and memory bandwidth, a host's other guests).
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")


def hand(fmt: str, data: str, out: str):
    """The hand-written pipeline: JSON Lines in, scores out (jsonl or csv), one process."""
    sys.path.insert(0, str(HERE))
    import csv

    import handwritten_chaoan as chaoan

    names = None
    with open(data, encoding="utf-8") as source, open(out, "w", encoding="utf-8", newline="") as target:
        writer = csv.writer(target) if fmt == "csv" else None
        for line in source:
            raw = json.loads(line, parse_float=Decimal)
            try:
                scores = chaoan.score(chaoan.convert(raw))
            except Exception as exc:  # noqa: BLE001 - a record's failure is its line
                scores, error = (), str(exc)
            else:
                error = None
            if writer is not None:
                if names is None:
                    names = ["单位", *(str(i) for i in range(len(scores)))]
                    writer.writerow(names)
                writer.writerow([raw.get("单位"), *(format(s, "f") if isinstance(s, Decimal) else s for s in scores)])
            else:
                target.write(json.dumps({"record": raw.get("单位"), "scores": scores, "error": error},
                                        ensure_ascii=False, default=lambda d: float(d)) + "\n")


def halves(data: Path) -> tuple[str, str]:
    """The first and the second half of the lines of `data`, as two files beside it."""
    lines = data.read_text("utf-8").splitlines(keepends=True)
    first, second = data.with_suffix(".1.jsonl"), data.with_suffix(".2.jsonl")
    first.write_text("".join(lines[: len(lines) // 2]), "utf-8")
    second.write_text("".join(lines[len(lines) // 2:]), "utf-8")
    return str(first), str(second)


def both(first: list, second: list) -> list:
    """One command that runs `first` and `second` at once and ends when both have (the status: the last failed)."""
    return ["/bin/sh", "-c", f"{shlex.join(first)} & p=$!; {shlex.join(second)}; s=$?; wait $p || exit $?; exit $s"]


def commands(data: str, out: Path) -> dict:
    perfdsl = [sys.executable, "-m", "perfdsl", "eval", RULESET, data]
    me = [sys.executable, __file__, "--hand"]
    first, second = halves(Path(data))
    return {
        "hand jsonl": me + ["jsonl", data, str(out / "hand.jsonl")],
        "hand csv": me + ["csv", data, str(out / "hand.csv")],
        # the hand pipeline given both cores as well as a program can have them: each process its half of the
        # file, nothing split, sent or merged — what this machine's second core is worth (the note of `main`)
        "hand jsonl 2 halves": both(me + ["jsonl", first, str(out / "hand.1.jsonl")],
                                             me + ["jsonl", second, str(out / "hand.2.jsonl")]),
        "jsonl basis -j1": perfdsl + ["-o", str(out / "a.jsonl"), "--jobs", "1"],
        "jsonl basis -j2": perfdsl + ["-o", str(out / "b.jsonl"), "--jobs", "2"],
        "jsonl basis": perfdsl + ["-o", str(out / "e.jsonl")],
        "jsonl no-basis": perfdsl + ["-o", str(out / "c.jsonl"), "--no-basis"],
        "jsonl no-basis -j2": perfdsl + ["-o", str(out / "d.jsonl"), "--no-basis", "--jobs", "2"],
        "jsonl no-basis -j1": perfdsl + ["-o", str(out / "f.jsonl"), "--no-basis", "--jobs", "1"],
        "csv": perfdsl + ["-o", str(out / "a.csv")],
        "csv -j1": perfdsl + ["-o", str(out / "c.csv"), "--jobs", "1"],
        "csv -j2": perfdsl + ["-o", str(out / "b.csv"), "--jobs", "2"],
        # scores only, one JSON line a record (docs/output.md): the hand pipeline's output, and its I/O
        "scores": perfdsl + ["-o", str(out / "a.scores.jsonl"), "--format", "scores"],
        "scores -j1": perfdsl + ["-o", str(out / "b.scores.jsonl"), "--format", "scores", "--jobs", "1"],
        "scores -j2": perfdsl + ["-o", str(out / "c.scores.jsonl"), "--format", "scores", "--jobs", "2"],
        "md": perfdsl + ["-o", str(out / "a.md")],
        "html": perfdsl + ["-o", str(out / "a.html")],
        "xlsx": perfdsl + ["-o", str(out / "a.xlsx")],
        "table into a file": perfdsl + ["-o", str(out / "a.txt")],
        # the writers for people in one process and in two (`--jobs`: each record's text made in its worker)
        "md -j1": perfdsl + ["-o", str(out / "b.md"), "--jobs", "1"],
        "md -j2": perfdsl + ["-o", str(out / "c.md"), "--jobs", "2"],
        "html -j1": perfdsl + ["-o", str(out / "b.html"), "--jobs", "1"],
        "html -j2": perfdsl + ["-o", str(out / "c.html"), "--jobs", "2"],
        "xlsx -j1": perfdsl + ["-o", str(out / "b.xlsx"), "--jobs", "1"],
        "xlsx -j2": perfdsl + ["-o", str(out / "c.xlsx"), "--jobs", "2"],
        "table into a file -j1": perfdsl + ["-o", str(out / "b.txt"), "--jobs", "1"],
        "table into a file -j2": perfdsl + ["-o", str(out / "c.txt"), "--jobs", "2"],
        "table to stdout": perfdsl + ["--format", "table"],  # standard output is /dev/null: not a terminal
    }


def timed(command, cwd=ROOT) -> tuple[float, float]:
    """Seconds of one fresh process: wall clock, and CPU (user + system, with its workers)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command}: {done.stderr.decode()[-400:]}")
    return seconds, cpu


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", help="comma-separated command names (the hand pipelines and csv always run): "
                        "hand jsonl, hand csv, hand jsonl 2 halves, jsonl basis[ -j1| -j2], jsonl no-basis[ -j1| -j2], csv[ -j1| -j2], "
                        "scores[ -j1| -j2], md[ -j1| -j2], html[ -j1| -j2], xlsx[ -j1| -j2], table into a file[ -j1| -j2], "
                        "table to stdout")
    parser.add_argument("--source", action="store_true", help="run every process from source, not byte-compiled "
                        "(as this machine's PYTHONDONTWRITEBYTECODE=1 and an editable install leave it)")
    parser.add_argument("--base", help="another perfdsl source tree (a `git worktree` of main, say): each perfdsl "
                        "command runs there too, as `base: NAME`, in the same rounds (before/after in one run)")
    args = parser.parse_args()
    sys.path.insert(0, str(HERE))
    from bench_eval import make_records

    sys.path.insert(0, str(ROOT))
    from perfdsl.report.jsonout import dumps

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        os.environ["PERFDSL_CACHE_DIR"] = str(out / "cache")  # the ruleset's tree is cached by the warm-up
        if not args.source:  # byte-compiled, as installed (the module's note)
            os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
            os.environ["PYTHONPYCACHEPREFIX"] = str(out / "pyc")
        data = out / "records.jsonl"
        data.write_text("".join(dumps(r, None) + "\n" for r in make_records(args.records)), "utf-8")
        every = commands(str(data), out)
        if args.only:
            wanted = {"hand jsonl", "hand csv", "hand jsonl 2 halves", "csv", *args.only.split(",")}
            every = {name: command for name, command in every.items() if name in wanted}
        where = {name: ROOT for name in every}
        if args.base:
            for name, command in list(every.items()):
                if not name.startswith("hand"):
                    every[f"base: {name}"] = command
                    where[f"base: {name}"] = Path(args.base).resolve()
        names = list(every)
        for name in names:  # warm-up: the .pyc files and the ruleset cache written, not timed
            timed(every[name], where[name])
        times: dict = {name: [] for name in names}
        cpus: dict = {name: [] for name in names}
        for round_ in range(args.rounds):
            order = names[round_ % len(names):] + names[: round_ % len(names)]
            for name in order:
                seconds, cpu = timed(every[name], where[name])
                times[name].append(seconds)
                cpus[name].append(cpu)
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        print(f"{args.records} Chao'an records, {args.rounds} rounds, {os.cpu_count()} cores, "
              f"{'from source' if args.source else 'byte-compiled'} "
              f"(load average {load:.1f} at the end); medians of per-round ratios")
        print(f"{'command':<28}{'seconds':>9}{'µs/record':>11}{'× hand':>9}{'÷ csv':>8}{'CPU µs/rec':>12}"
              f"{'CPU × hand':>12}")
        for name in names:
            seconds = statistics.median(times[name])
            own = name.removeprefix("base: ")
            base = "hand csv" if "csv" in own and own.startswith(("hand", "csv")) else "hand jsonl"
            vs_hand = statistics.median(h / t for h, t in zip(times[base], times[name]))
            vs_csv = statistics.median(t / c for t, c in zip(times[name], times["csv"])) if "csv" in times else 0
            cpu = statistics.median(cpus[name])
            cpu_vs_hand = statistics.median(h / t for h, t in zip(cpus[base], cpus[name]))
            print(f"{name:<28}{seconds:>9.2f}{seconds / args.records * 1e6:>11.0f}{vs_hand:>9.2f}{vs_csv:>8.2f}"
                  f"{cpu / args.records * 1e6:>12.0f}{cpu_vs_hand:>12.2f}")


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--hand":
        hand(*sys.argv[2:])
    else:
        main()
