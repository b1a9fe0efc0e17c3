"""Audit reports as text (for a reviewer) and JSON (docs/audit.md gives the contract)."""

from __future__ import annotations

from .findings import RecordAudit


def text(audits: list[RecordAudit]) -> str:
    lines = []
    for audit in audits:
        lines += _record(audit)
    lines.append(summary(audits))
    return "\n".join(lines) + "\n"


def _record(audit: RecordAudit) -> list[str]:
    flagged = audit.flagged
    known = sum(1 for where in flagged if flagged[where][0].claim.known)
    head = f"{audit.source}: " if audit.source else ""
    tally = f"{len(audit.claims)} 项公布数字"
    if not audit.claims and not audit.problems:
        tally = "没有公布的数字（`_reported`），无可核对"
    elif flagged:
        tally += f"，{len(flagged)} 项不成立" + (f"（其中 {known} 项为已知勘误）" if known else "")
    else:
        tally += "，全部成立" if not audit.problems else ""
    lines = [f"{head}{audit.record}：{tally}"]
    for finding in audit.findings:
        claim = finding.claim
        at = f" [{'、'.join(claim.at)}]" if claim.at else ""
        mark = ""
        if claim.known:
            mark = "（已知勘误" + (f" {'、'.join(str(e) for e in claim.errata)}" if claim.errata else "") + "）"
        lines.append(f"  {finding.code} {finding.title}{at}{mark}")
        versus = {"same": "另一处", "bands": "例如"}.get(claim.kind, "重算")
        lines.append(f"       {claim.label}：公布 {finding.says}；{versus} {finding.computed}")
        lines.append(f"       算法：{finding.working}")
        if finding.hint:
            lines.append(f"       提示：{finding.hint}")
        if claim.note:
            lines.append(f"       注：{claim.note}")
    for problem in audit.problems:
        lines.append(f"  无法核对：{problem}")
    return lines


def summary(audits: list[RecordAudit]) -> str:
    claims = sum(len(a.claims) for a in audits)
    flagged = sum(len(a.flagged) for a in audits)
    known = sum(1 for a in audits for findings in a.flagged.values() if findings[0].claim.known)
    problems = sum(len(a.problems) for a in audits)
    text = f"合计：{len(audits)} 条记录，{claims} 项公布数字，{flagged} 项不成立"
    if known:
        text += f"（其中 {known} 项为已知勘误）"
    if problems:
        text += f"，{problems} 处无法核对"
    return text


def to_json(ruleset: str, audits: list[RecordAudit]) -> dict:
    return {"ruleset": ruleset, "records": [audit.to_json() for audit in audits],
            "claims": sum(len(a.claims) for a in audits), "flagged": sum(len(a.flagged) for a in audits),
            "problems": sum(len(a.problems) for a in audits)}
