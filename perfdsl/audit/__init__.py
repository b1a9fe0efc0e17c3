"""`perfdsl audit`: every claim a published document makes, recomputed and checked (docs/audit.md).

A record carries the document's claims in ``_reported`` (`claims`).  Audit
scores the record, then checks each claim three ways: against the rules
(`rules`: scores, grades, weights, levels, figures), against the document's
own table (`document`: a group's score and weight against its children's),
and against the arithmetic the document implies (`identities`).  A claim
that does not hold becomes a `Finding` with a code, the recomputed figure,
its working, the claim's source line and a hint (`diagnose` looks for the
slip behind it).
"""

from __future__ import annotations

from ..errors import RecordError
from . import claims as claims_module
from . import document, identities, rules
from .claims import Claim, ClaimProblem
from .figures import Figures
from .findings import CODES, Finding, RecordAudit

__all__ = ["CODES", "Claim", "Finding", "RecordAudit", "audit_record"]


class Audit:
    """The audit of one record: its claims, its scores, and what was found."""

    def __init__(self, program, raw: dict, position: int | None, claims: list[Claim], lenient: bool = False):
        self.program = program
        self.raw = raw
        self.position = position
        self.claims = claims
        self.result = program.evaluate(raw, position, lenient=lenient)
        self.figures = Figures(program, self.result, claims)
        self.used = identities.used_names(claims)
        self.problems: list[ClaimProblem] = []

    def problem(self, claim: Claim, message: str):
        self.problems.append(ClaimProblem(claim.where, message))

    def run(self) -> list[Finding]:
        findings = rules.scorecards(self) + document.tree(self) + rules.figures(self) + identities.check(self)
        order = {claim.where: number for number, claim in enumerate(self.claims)}
        return sorted(findings, key=lambda finding: order[finding.claim.where])


def audit_record(program, raw, position: int | None = None, source: str = "", lenient: bool = False) -> RecordAudit:
    """Audit one raw record (a dict with ``_reported``); a record that cannot be scored is one problem.
    `lenient` as for `Program.evaluate` (a row of a sheet)."""
    name = position
    if not isinstance(raw, dict):
        return RecordAudit(name, position, (), (), ("记录须是 JSON 对象",), source)
    cards = [card.name for card in program.model.scorecards]
    found, problems = claims_module.read(raw.get("_reported", {}), cards)  # none: nothing claimed, nothing wrong
    try:
        audit = Audit(program, raw, position, found, lenient)
    except RecordError as exc:
        if exc.record is None:
            exc.record = position
        return RecordAudit(exc.record, position, tuple(found), (), (exc.render(),), source)
    findings = audit.run()
    rendered = tuple(p.render() for p in problems + audit.problems)
    return RecordAudit(audit.result.record.name, position, tuple(found), tuple(findings), rendered, source)
