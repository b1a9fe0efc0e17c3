"""Every phase from text to compiled evaluator is linear in the ruleset's size: 10× the indicators costs at
most ~15× the time (a ratio of CPU times measured in one run, the best of a few, never a wall time)."""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tools"))

from big_ruleset import ruleset  # noqa: E402

from perfdsl import checks, loader, resolve  # noqa: E402
from perfdsl.program import Program  # noqa: E402

SMALL, LARGE = 100, 1000
ROUNDS = 5


def _phases(text: str) -> dict:
    """Seconds of each phase for one ruleset's text, with the garbage collector off: its full collections
    walk every live object, so a large tree costs it more than linear time whatever the phases do."""
    gc.collect()
    gc.disable()
    try:
        return _timed(text)
    finally:
        gc.enable()


# CPU time of this process, not the wall clock: on a loaded machine a few-millisecond phase waits for a core
# for about as long as it runs (resolve ×13.6 by the wall clock beside ×10.5 in CPU time, same run, load 7.5)
_clock = time.process_time


def _timed(text: str) -> dict:
    out = {}
    start = _clock()
    module, diagnostics = loader._parse(text, "big.perf")
    out["parse"] = _clock() - start
    start = _clock()
    model, found = resolve.resolve(module, "big.perf")
    out["resolve"] = _clock() - start
    start = _clock()
    problems = [d for d in [*diagnostics, *found, *checks.run_checks(model)] if d.is_error]
    out["check"] = _clock() - start
    assert problems == []
    start = _clock()
    program = Program(model)
    out["compile"] = _clock() - start
    assert len(program.model.scorecards[0].nodes) > (SMALL if len(text) < 100_000 else LARGE)
    return out


def test_ten_times_the_indicators_costs_at_most_fifteen_times_the_time():
    small, large = ruleset(SMALL), ruleset(LARGE)
    _phases(small)  # the grammar, imports and caches warm
    best = {"small": {}, "large": {}}
    for _ in range(ROUNDS):  # interleaved: a slow phase of the machine hits both alike
        for size, text in (("small", small), ("large", large)):
            for phase, seconds in _phases(text).items():
                best[size][phase] = min(best[size].get(phase, seconds), seconds)
    total = {size: sum(times.values()) for size, times in best.items()}
    ratios = {phase: best["large"][phase] / best["small"][phase] for phase in best["small"]}
    print(f"\n{SMALL} → {LARGE} indicators: total ×{total['large'] / total['small']:.1f}; "
          + ", ".join(f"{phase} ×{ratio:.1f}" for phase, ratio in ratios.items()))
    assert total["large"] / total["small"] <= 15, ratios
    # Each phase is held to ~15× as well once it takes long enough to measure (50 ms at 1,000 indicators: the
    # parse, the checks, the compile).  A phase of a few milliseconds swings by ×2 on a loaded machine (resolve
    # ×25 was seen once beside ×7.6 minutes later): only a square (×100) is refused there.
    for phase, ratio in ratios.items():
        assert ratio <= (16 if best["large"][phase] >= 0.05 else 100), (phase, ratios)


def test_the_large_ruleset_takes_the_one_pass_parse():
    """The parse measured above is the one a well-formed ruleset gets (`lalr`), not the full parse's fallback."""
    from perfdsl import parser
    from perfdsl.source import SourceFile

    assert parser._one_pass(SourceFile("big.perf", ruleset(LARGE))) is not None


def test_loading_pauses_the_collector_and_gives_it_back_as_it_was():
    import gc
    import threading

    seen = []
    real_resolve = resolve.resolve

    def watching(*args, **kwargs):
        seen.append(gc.isenabled())
        return real_resolve(*args, **kwargs)

    resolve.resolve = watching
    try:
        assert gc.isenabled()
        loader.compile_text(ruleset(5))
        assert gc.isenabled() and seen == [False]  # off while loading, on again after
        gc.disable()
        try:
            loader.compile_text(ruleset(5))
            assert not gc.isenabled()  # a caller's own choice is kept
        finally:
            gc.enable()
        loads = [threading.Thread(target=loader.compile_text, args=(ruleset(20),)) for _ in range(4)]
        for load in loads:
            load.start()
        for load in loads:
            load.join()
        assert gc.isenabled() and loader._PAUSED == [0]  # concurrent loads: the last one out restores it
    finally:
        resolve.resolve = real_resolve
