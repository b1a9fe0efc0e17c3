"""The published table against itself: each group's score and weight against its children's, score within weight.

Only the indicator tree is taken from the ruleset (which indicator is whose
child, which group is a bonus, the cap on the total); every figure compared
is a published one.  A check needs every child of a group published; its
finding is on the group's claim.
"""

from __future__ import annotations

from decimal import Decimal

from ..decimals import ZERO, plain
from .claims import number
from .findings import Finding


def tree(audit) -> list[Finding]:
    findings = []
    for card in audit.result.scorecards:
        scores, weights, totals = _published(audit, card.name)
        if not (scores or weights or totals):
            continue
        spec = audit.program.model.scorecard(card.name)
        children: dict[tuple, list[tuple]] = {}
        for node in card.nodes:
            children.setdefault(node.path[:-1], []).append(node.path)
        bonus = {node.path: node.bonus for node in spec.nodes}
        declared = {node.path: node.declared for node in card.nodes}
        for path, parts in children.items():
            if not path:
                continue
            if path in scores and all(p in scores for p in parts):
                findings += _scores(audit, card, path, parts, scores, bonus.get(path, False), declared[path])
            if path in weights and all(p in weights for p in parts) and not bonus.get(path, False):
                findings += _weights(path, parts, weights)
        top = children.get((), [])
        if "score" in totals and top and all(p in scores for p in top):
            findings += _total(card, spec, top, scores, totals["score"])
        regular = [p for p in top if not bonus.get(p, False)]
        if "max" in totals and regular and all(p in weights for p in regular):
            findings += _max(card, regular, weights, totals["max"])
        for path, (claim, score) in scores.items():
            if path in weights and not bonus.get(path, False) and score > weights[path][1]:
                findings.append(Finding("A203", claim, plain(score),
                                        f"权重 {plain(weights[path][1])}",
                                        f"公布的权重为 {plain(weights[path][1])}，得分 {plain(score)} 超过了它",
                                        "得分不能超过该指标的权重"))
    return findings


def _published(audit, card: str):
    """The published scores and weights of one scorecard by path, and its total score and weight."""
    scores, weights, totals = {}, {}, {}
    for claim in audit.claims:
        if claim.where[0] != card:
            continue
        value = number(claim.value)
        if value is None:
            continue
        if claim.kind == "indicator":
            scores[tuple(claim.where[2].split("/"))] = (claim, value)
        elif claim.kind == "weight":
            weights[tuple(claim.where[2].split("/"))] = (claim, value)
        elif claim.kind in ("score", "max"):
            totals[claim.kind] = (claim, value)
    return scores, weights, totals


def _sum_text(parts, published) -> tuple[Decimal, str]:
    total = sum((published[p][1] for p in parts), ZERO)
    terms = " + ".join(f"{p[-1]} {plain(published[p][1])}" for p in parts)
    return total, f"{terms} = {plain(total)}"


def _scores(audit, card, path, parts, scores, bonus: bool, declared: Decimal):
    claim, published = scores[path]
    total, text = _sum_text(parts, scores)
    if bonus:
        bounded = min(max(total, -declared), declared)
        if bounded != total:
            text += f"，加减分以 ±{plain(declared)} 为限，计 {plain(bounded)}"
        total = bounded
    if total == published:
        return []
    node = next(n for n in card.nodes if n.path == path)
    hint = "上级得分应为下级得分之和：核对是哪一项抄错"
    if node.score == total and node.score != published:
        hint += f"（按规则重算，{path[-1]} 也是 {plain(node.score)}）"
    return [Finding("A201", claim, plain(published), plain(total),
                    f"公布的下级得分：{text}", hint)]


def _weights(path, parts, weights):
    claim, published = weights[path]
    total, text = _sum_text(parts, weights)
    if total == published:
        return []
    return [Finding("A202", claim, plain(published), plain(total),
                    f"公布的下级权重：{text}", "上级权重应为下级权重之和：核对权重表")]


def _total(card, spec, top, scores, published):
    claim, value = published
    if spec.rules:  # a total after scorecard rules (cap by, deduct, veto) depends on the record's figures, not
        return []   # on the published parts alone: A102 compares it with the recomputed total instead
    total, text = _sum_text(top, scores)
    if spec.cap is not None:
        low, high = spec.cap
        capped = min(max(total, low), high)
        if capped != total:
            text += f"，按 {plain(low)}–{plain(high)} 封顶，计 {plain(capped)}"
        total = capped
    if total == value:
        return []
    return [Finding("A201", claim, plain(value), plain(total), f"公布的一级指标得分：{text}",
                    "总分应为各一级指标得分之和（含加减分）")]


def _max(card, top, weights, published):
    claim, value = published
    total, text = _sum_text(top, weights)
    if total == value:
        return []
    return [Finding("A202", claim, plain(value), plain(total), f"公布的一级指标权重：{text}",
                    "总分值应为各一级指标权重之和")]
