"""What audit reports: a `Finding` per claim that does not hold, with a stable code (docs/audit.md).

A1xx — a claim recomputed from the record's inputs and the ruleset's rules;
A2xx — the document against itself, without the rules (its tree, its sums,
its rates); A3xx — a diagnosis: the likely slip behind a disagreement
(元 for 万元, a ratio printed as a change, a unit missing, a rounding to 100%).
"""

from __future__ import annotations

import attrs

from .claims import Claim

CODES = {
    "A101": "指标得分与重算不一致",
    "A102": "总分与重算不一致",
    "A103": "等级与重算不一致",
    "A104": "权重与规则集不一致",
    "A105": "指标层级与规则集不一致",
    "A106": "数字与重算不一致",
    "A201": "上级得分不等于下级得分之和",
    "A202": "上级权重不等于下级权重之和",
    "A203": "得分超过权重",
    "A211": "分项之和不等于合计",
    "A212": "比率不等于其分子除以分母",
    "A213": "变动率不等于本期与上期之比减 1",
    "A214": "乘积不符",
    "A215": "同一数字前后不一致",
    "A216": "大小关系不成立",
    "A217": "等级区间重叠或有空缺",
    "A301": "疑似元与万元混用",
    "A302": "公布的比率是另一种算法的结果",
    "A303": "金额未写单位",
    "A304": "略超或不足却公布为 100%（或 0%）",
}


@attrs.frozen
class Finding:
    """A claim that does not hold: what the document says, what the figures give and how, and a hint."""

    code: str
    claim: Claim
    says: str  # the claim as published: ``三公经费变动率 = 46.38%``
    computed: str  # the recomputed figure, as the claim is printed: ``-53.62%``
    working: str  # how it was recomputed
    hint: str = ""

    @property
    def title(self) -> str:
        return CODES[self.code]

    def to_json(self) -> dict:
        out = {"code": self.code, "title": self.title, "claim": self.claim.to_json(), "kind": self.claim.kind,
               "says": self.says, "computed": self.computed, "working": self.working, "hint": self.hint,
               "at": list(self.claim.at), "known": self.claim.known}
        if self.claim.errata:
            out["erratum"] = list(self.claim.errata)
        if self.claim.note:
            out["note"] = self.claim.note
        return out


@attrs.frozen
class RecordAudit:
    """One record's audit: every claim read, the findings, and what could not be checked."""

    record: object  # the record's name, or its position
    position: int | None
    claims: tuple[Claim, ...]
    findings: tuple[Finding, ...]
    problems: tuple[str, ...] = ()  # claims that cannot be read or checked; a record that cannot be scored
    source: str = ""  # the data file

    @property
    def flagged(self) -> dict:
        """claim `where` → its findings, for every claim that does not hold."""
        out: dict = {}
        for finding in self.findings:
            out.setdefault(finding.claim.where, []).append(finding)
        return out

    @property
    def ok(self) -> bool:
        return not self.findings and not self.problems

    def to_json(self) -> dict:
        flagged = self.flagged
        return {"file": self.source, "record": self.record, "position": self.position,
                "claims": len(self.claims), "flagged": len(flagged),
                "known": sum(1 for c in self.claims if c.known),
                "findings": [f.to_json() for f in self.findings], "problems": list(self.problems)}
