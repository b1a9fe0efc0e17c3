"""Benchmark: 10,000 Chao'an records through perfdsl's evaluators and a hand-written scorer.

    python bench/bench_eval.py [--records 10000] [--rounds 7]

Prints records/second per evaluator and the ratio to the hand-written scorer
(bench/handwritten_chaoan.py).  This machine's speed swings by ~2× between
phases, so the evaluators run interleaved, in rotating order, and ratios are
taken within each round; medians are reported.  Before timing, every record's
figures are checked to be identical across evaluators.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from decimal import Decimal, localcontext
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import closures
import handwritten_chaoan as hand

from perfdsl import interp, load
from perfdsl.decimals import CONTEXT

D = Decimal


def make_records(count: int, seed: int = 2022) -> list[dict]:
    """Varied, valid Chao'an records: both reallocation cases, every band, money as 万元 strings."""
    rng = random.Random(seed)
    records = []
    for n in range(count):
        transfer = rng.random() < 0.3
        available = D(rng.randrange(10**6, 10**8)) / 100
        carried = D(rng.randrange(0, 10**6)) / 100
        record = {
            "单位": f"单位{n}", "年度": D(2022), "有转移支付": transfer,
            "预算收入决算数": available, "上年结转数": carried,
            "预算支出决算数": ((available + carried) * D(rng.choice(["0.7", "0.82", "0.9", "0.95", "0.976", "1"]))
                          ).quantize(D("0.01")),
            "年初财政拨款结转和结余": carried, "一般公共预算财政拨款决算数": available,
            "年末财政拨款结转和结余": (available * D(rng.choice(["0.01", "0.05", "0.062", "0.2"]))).quantize(D("0.01")),
            "年末存量资金": f"{D(rng.randrange(0, 500)) / 100}万元", "上年末存量资金": f"{D(rng.randrange(1, 500)) / 100}万元",
            "采购意向公开率": rng.choice(["100%", "80%", D("0.9")]), "中小企业采购比例": rng.choice(["100%", D("0.5")]),
            "资产月报逾期次数": D(rng.randrange(0, 3)), "逾期未上缴收益笔数": D(rng.randrange(0, 3)),
            "已完成资产盘点": rng.random() < 0.9, "固定资产总额": "878.27万元", "在用固定资产总额": "800.5万元",
            "日常公用经费调整预算数": D("828343.21"), "日常公用经费决算数": D(rng.choice(["828343.21", "900000"])),
            "三公经费未超预算": rng.random() < 0.9, "无超标准开支": rng.random() < 0.9,
            "重点工作总数": D(4), "重点工作完成数": D(rng.randrange(0, 5)),
            "项目总数": D(14), "项目完成数": D(rng.randrange(0, 15)),
            "信访件数": D(2), "信访回复数": D(2), "信访按时回复数": D(rng.randrange(0, 3)),
            "表彰次数": D(rng.randrange(0, 5)), "问责次数": D(rng.randrange(0, 2)),
            "缺报下属单位数": D(0), "自评延误天数": D(rng.randrange(0, 12)),
            "自评得分": D(rng.randrange(7000, 10000)) / 100,
        }
        for key in ("预算编制符合职责", "预算分配合理无沉淀", "专项资金编制细化", "分类编制准确无频繁调剂", "预算分配不固化"):
            record[key] = rng.random() < 0.85
        if transfer:
            record["提前下达一般性转移支付比例"] = D(rng.choice(["0.8", "0.95"]))
            record["提前下达专项转移支付比例"] = D(rng.choice(["0.5", "0.7"]))
            record["逾期下达转移支付项数"] = D(rng.randrange(0, 3))
        for key, weight in hand.MANUAL.items():
            record[key] = {"value": D(rng.randrange(0, weight + 1)) / 2, "note": "评审意见"}
        records.append(record)
    return records


def check_agreement(program, closure, records):
    """Every evaluator must give identical figures before any is timed."""
    for raw in records:
        record = program.convert(raw)
        with localcontext(CONTEXT):
            flat = program._evaluate(record.slots)
            assert closure(record.slots) == flat, raw["单位"]
        result = program.evaluate(raw)
        expected = hand.as_dict(hand.score(hand.convert(raw)))
        for card in result.scorecards:
            assert card.score == expected[card.name], raw["单位"]
            for node in card.nodes:
                assert node.score == expected["/".join(node.path)], (raw["单位"], node.path)
    for raw in records[:200]:
        trace = interp.evaluate(program.model, program.convert(raw))
        assert [t.score for t in trace.cards["复核得分"].nodes] == [
            n.score for n in program.evaluate(raw).scorecard("复核得分").nodes]


def timed(function, items) -> float:
    start = time.perf_counter()
    function(items)
    return time.perf_counter() - start


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args(argv)

    program = load(HERE.parent / "rulesets" / "chaoan-2022.perf")
    closure = closures.compile_model(program.model)
    raws = make_records(args.records)
    print(f"{len(raws)} records; checking that every evaluator agrees …", flush=True)
    check_agreement(program, closure, raws[:2000])

    slots = [program.convert(raw).slots for raw in raws]
    converted = [program.convert(raw) for raw in raws[:1000]]
    values = [hand.convert(raw) for raw in raws]
    compiled = program._evaluate
    score = hand.score

    def run_compiled(items):
        with localcontext(CONTEXT):
            for item in items:
                compiled(item)

    def run_closures(items):
        with localcontext(CONTEXT):
            for item in items:
                closure(item)

    def run_hand(items):
        with localcontext(CONTEXT):
            for item in items:
                score(item)

    def run_interp(items):
        for item in items:
            interp.evaluate(program.model, item)

    def run_end_to_end(items):
        for raw in items:
            program.evaluate(raw)

    def run_hand_end_to_end(items):
        with localcontext(CONTEXT):
            for raw in items:
                score(hand.convert(raw))

    jobs = {
        "hand-written scorer": (run_hand, values),
        "perfdsl generated source": (run_compiled, slots),
        "closures (bench/closures.py)": (run_closures, slots),
        "reference interpreter, with basis text": (run_interp, converted),
        "end to end: hand-written convert + score": (run_hand_end_to_end, raws),
        "end to end: perfdsl convert + evaluate": (run_end_to_end, raws),
    }
    rates = {name: [] for name in jobs}
    names = list(jobs)
    for round_number in range(args.rounds):
        order = names[round_number % len(names):] + names[: round_number % len(names)]
        for name in order:
            function, items = jobs[name]
            rates[name].append(len(items) / timed(function, items))
    base = rates["hand-written scorer"]
    base_e2e = rates["end to end: hand-written convert + score"]
    print(f"\n{'evaluator':44} {'records/s':>12} {'× hand-written':>16}")
    for name in names:
        reference = base_e2e if name.startswith("end to end") else base
        ratios = [mine / theirs for mine, theirs in zip(rates[name], reference)]
        print(f"{name:44} {statistics.median(rates[name]):12,.0f} {statistics.median(ratios):10.2f} "
              f"[{min(ratios):.2f}–{max(ratios):.2f}]")
    print("\n(median of rounds; ratios per round, [min–max]; end-to-end rows compare with the hand-written "
          "convert + score)")


if __name__ == "__main__":
    main()
