"""A ruleset of N indicators in every rule form the Chao'an scheme uses, for measuring how checks scale.

    python tools/big_ruleset.py N > big.perf

Groups of 10 indicators (each group 100 points, each indicator 10) in sections of 10 groups;
per indicator one or two inputs of its own and a `let`; every tenth indicator moves its points
to a neighbour when it does not apply, and a manual one every seventh — the shapes that made
checks quadratic (name sets per input, lets per reference, moves per node).
"""

from __future__ import annotations

import sys


def ruleset(count: int) -> str:
    groups = max(1, count // 10)
    out = ['ruleset "规模测试" {\n  precision 2\n  rounding half-up\n}\n', "input 适用: bool = true\n"]
    cards = []
    for g in range(groups):
        body = []
        for k in range(10):
            n = g * 10 + k
            kind = n % 7
            if kind == 0:
                body.append(f'    indicator 指标{n} 10 {{\n      manual\n    }}\n')
                continue
            out.append(f"input 完成数{n}: count\ninput 计划数{n}: count >= 1\n")
            out.append(f"let 完成率{n} = 完成数{n} / 计划数{n}\n")
            applies = (f"      applies when 适用 else move 10 to 指标{g * 10 + (k + 1) % 10}\n"
                       if k == 3 and (g * 10 + (k + 1) % 10) % 7 else "")
            if kind in (1, 2):
                rule = f"      score 10 * min(完成率{n}, 1)\n"
            elif kind in (3, 4):
                rule = (f"      bands 完成率{n} share {{\n        >= 100% => 100%\n        >= 90% => 80%\n"
                        "        >= 80% => 60%\n        else => 0\n      }\n")
            else:
                rule = f"      deduct 1 per started 10% of 完成率{n} below 100%\n"
            body.append(f"    indicator 指标{n} 10 {{\n{applies}{rule}    }}\n")
        cards.append(f"  group 组{g} 100 {{\n" + "".join(body) + "  }\n")
    sections = [cards[i:i + 10] for i in range(0, len(cards), 10)]  # at most 500 top-level items (limits)
    body = "".join(f"group 部分{s} {100 * len(part)} {{\n" + "".join(part) + "}\n" for s, part in enumerate(sections))
    out.append(f"scorecard 总分 max {100 * groups} {{\n" + body + "}\n")
    return "".join(out)


if __name__ == "__main__":
    sys.stdout.write(ruleset(int(sys.argv[1]) if len(sys.argv) > 1 else 600))
