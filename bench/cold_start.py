"""Cold start: a fresh `perfdsl eval` of one record against `python -c pass`, as ratios.

    python bench/cold_start.py [--rounds 15] [--against /tmp/base] [--warm-only]

Runs, interleaved in rotating order, each a fresh process: `python -c pass`; `perfdsl eval` of the
Chao'an example with the ruleset's parsed tree in the cache (warm); the same with `--no-cache`.
`--against TREE` runs every `perfdsl eval` of another checkout too (`git worktree add --detach
/tmp/base main`), in the same rounds: a before/after whose ratios share one machine state.
`--warm-only` leaves out the `--no-cache` runs.  Wall time is the goal's measure (issue 13: ≤ 10×
`python -c pass`); the CPU time of each process (user + system, from `wait4`) is printed beside it,
since on a shared machine the wall time moves with everyone else's load and the CPU time much less.
Each twice: with perfdsl's own modules byte-compiled (as a pip install leaves them), and without
(this machine sets PYTHONDONTWRITEBYTECODE=1, and an editable install is never compiled: every
import then compiles perfdsl's source).  The compiled files go to a temporary PYTHONPYCACHEPREFIX,
never into the source tree.  Prints the median seconds and the median per-round ratio to
`python -c pass`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULESET = str(ROOT / "rulesets" / "chaoan-2022.perf")
EXAMPLE = str(ROOT / "examples" / "chaoan-2022.json")


def timed(command, env, tree=ROOT) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process: user + system) of one run of `command` in `tree`."""
    with tempfile.TemporaryFile() as errors:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=tree, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{command}: {errors.read().decode()[-400:]}")
    return seconds, usage.ru_utime + usage.ru_stime


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--against", type=Path, help="another checkout of perfdsl, run in the same rounds")
    parser.add_argument("--warm-only", action="store_true", help="only the runs with the cache warm")
    args = parser.parse_args()
    trees = {"": ROOT} if args.against is None else {"after: ": ROOT, "before: ": args.against.resolve()}
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        pyc = Path(tmp) / "pyc"
        plain_env = dict(os.environ, PERFDSL_CACHE_DIR=str(cache), PYTHONDONTWRITEBYTECODE="1")
        plain_env.pop("PYTHONPYCACHEPREFIX", None)
        compiled_env = dict(plain_env, PYTHONPYCACHEPREFIX=str(pyc))
        compiled_env.pop("PYTHONDONTWRITEBYTECODE")
        # `-m perfdsl` run in a tree imports that tree's perfdsl (the working directory leads sys.path)
        eval_ = [sys.executable, "-m", "perfdsl", "eval", RULESET, EXAMPLE, "--format", "json"]
        commands = {"python -c pass": ([sys.executable, "-c", "pass"], plain_env, ROOT)}
        for label, tree in trees.items():
            commands[f"{label}eval, cache warm, .pyc"] = (eval_, compiled_env, tree)
            if not args.warm_only:
                commands[f"{label}eval, no cache, .pyc"] = (eval_ + ["--no-cache"], compiled_env, tree)
            commands[f"{label}eval, cache warm, no .pyc"] = (eval_, plain_env, tree)
            if not args.warm_only:
                commands[f"{label}eval, no cache, no .pyc"] = (eval_ + ["--no-cache"], plain_env, tree)
        for command in commands.values():  # the cache, the grammar's tables and the .pyc files written
            timed(*command)
        names = list(commands)
        times = {name: [] for name in names}
        loads = [os.getloadavg()[0]] if hasattr(os, "getloadavg") else []
        for round_ in range(args.rounds):
            shift = round_ % len(names)
            for name in names[shift:] + names[:shift]:
                times[name].append(timed(*commands[name]))
        loads += [os.getloadavg()[0]] if loads else []
    base = times["python -c pass"]
    load = f", load average {loads[0]:.1f} → {loads[-1]:.1f}" if loads else ""
    print(f"cold start, {args.rounds} rounds{load}: median wall seconds and median per-round ratio to "
          "`python -c pass`; the same of CPU seconds (user + system: less moved by other processes' load)")
    width = max(len(name) for name in names) + 2
    for name in names:
        wall = statistics.median(t[0] for t in times[name])
        cpu = statistics.median(t[1] for t in times[name])
        ratio = statistics.median(t[0] / b[0] for t, b in zip(times[name], base))
        cpu_ratio = statistics.median(t[1] / max(b[1], 1e-6) for t, b in zip(times[name], base))
        print(f"{name:<{width}}{wall:>7.3f} s  ×{ratio:>5.1f}   cpu {cpu:>6.3f} s  ×{cpu_ratio:>5.1f}")


if __name__ == "__main__":
    main()
