"""Example tests of the published claims: `perfdsl audit` must flag exactly the claims marked ``known``.

An example record keeps its document's claims in ``_reported``, errata
included, each erratum marked ``"known": true``.  The test fails when audit
flags a claim not marked known (a new disagreement: a slip in the record, the
ruleset, or a new erratum of the document) or finds a known one agreeing (the
claim, or the check that should catch it, has changed).
"""

from __future__ import annotations

from ..audit import audit_record


def check(program, raw: dict, position, text: str = "", path: str = "") -> tuple[int, int, list[str]]:
    """(claims checked, known errata flagged, a message per claim that is not as marked)."""
    audit = audit_record(program, raw, position, path)
    where = _Locator(text, path)
    problems = [f"{where(None)}{problem}" for problem in audit.problems]
    flagged = audit.flagged
    for claim in audit.claims:
        findings = flagged.get(claim.where)
        if findings and not claim.known:
            first = findings[0]
            problems.append(f"{where(claim)}审核发现 {claim.label} 不成立（{first.code} {first.title}："
                            f"公布 {first.says}，重算 {first.computed}；{first.working}），它却没有标为 known："
                            f"原文的勘误请标上 \"known\": true，否则核对记录与规则集")
        elif claim.known and not findings:
            errata = f"（勘误 {'、'.join(map(str, claim.errata))}）" if claim.errata else ""
            problems.append(f"{where(claim)}{claim.label} 标为已知勘误{errata}，审核却认为它成立："
                            "核对 _reported 中的数字")
    known = sum(1 for claim in audit.claims if claim.known and claim.where in flagged)
    return len(audit.claims), known, problems


class _Locator:
    """``file:line: `` of a claim inside the file's ``_reported`` (best effort, by text)."""

    def __init__(self, text: str, path: str):
        self.text, self.path = text, path
        self.start = text.find('"_reported"')

    def __call__(self, claim) -> str:
        if not self.path:
            return ""
        if self.start < 0 or claim is None:
            return f"{self.path}: "
        at = self.start
        keys = list(claim.where)
        if keys[0] == "identities":
            label = claim.value.get("label") if isinstance(claim.value, dict) else None
            keys = ["identities"] + ([label] if label else [])
        for key in keys:
            found = self.text.find(f'"{key}"', at)
            if found < 0:
                break
            at = found
        return f"{self.path}:{self.text.count(chr(10), 0, at) + 1}: "
