"""The properties an author writes in a ruleset (``property …``), checked on scored records.

``always COND [when C]`` must hold for every record that scores (and meets
C).  ``EXPR never decreases in INPUT [when C]`` is checked on pairs: a
record, and the same record with INPUT raised — EXPR must not fall (or, for
``never increases``, rise).  ``score of X``/``weight of X`` read a result.
"""

from __future__ import annotations

from decimal import localcontext

from .. import interp, nodes
from ..basis import show_value
from ..decimals import CONTEXT
from ..errors import RecordError
from ..model import PropertySpec
from ..unparse import expression
from .scoring import Scored, Violation


class _Results(interp.Evaluation):
    """The reference evaluator over one scored record, able to read its results (``score of …``)."""

    def __init__(self, scored: Scored, claim: PropertySpec):
        super().__init__(scored.result.program.model, scored.record)
        self.result = scored.result
        self.totals = {name: total for name, total, _ in scored.result.totals()}
        self.claim = claim

    def eval(self, expr, full=None):
        if isinstance(expr, nodes.IndicatorRef):
            # straight from the flat figures: building the result tree for one number costs more than scoring
            card, index = self.claim.ref(expr)
            program = self.result.program
            read = program.layout.score if expr.what == "score" else program.layout.weight
            return read(self.result.flat, program.model.scorecard(card).index, index)
        return super().eval(expr, full)

    def _node(self, ref):
        card, index = self.claim.ref(ref)
        return self.result.scorecard(card).nodes[index]

    def facts(self, expr) -> str:
        """The figures an expression reads: ``复核得分 = 89.04、score of 项目完成率 = 5.14``."""
        shown = []
        for node in nodes.walk(expr):
            if isinstance(node, nodes.IndicatorRef):
                text = f"{expression(node)} = {show_value(self.eval(node), None)}"
            elif isinstance(node, nodes.Name):
                value = self._shown(node.name)
                text = f"{node.name} = {value}" if value is not None else None
            else:
                continue
            if text and text not in shown:
                shown.append(text)
        return "、".join(shown)

    def bases(self, expr) -> list[str]:
        """The basis line of every indicator `expr` reads."""
        lines = []
        for node in nodes.walk(expr):
            if isinstance(node, nodes.IndicatorRef):
                line = f"{expression(node)}：{self._node(node).basis}"
                if line not in lines:
                    lines.append(line)
        return lines


class Claim:
    """One property, with counts of how often it was actually put to the test."""

    def __init__(self, claim: PropertySpec):
        self.spec = claim
        self.tried = 0  # records (or pairs) that scored
        self.checked = 0  # … of which met `when` (and, for a pair, raised the input)

    def _reader(self, scored: Scored) -> _Results:
        return _Results(scored, self.spec)

    def _value(self, reader: _Results, expr):
        """`expr` over one record; a figure the record cannot give (a zero divisor) leaves it unchecked."""
        try:
            with localcontext(CONTEXT):
                return reader.eval(expr)
        except RecordError:
            return None

    def _applies(self, reader: _Results) -> bool:
        return self.spec.when is None or bool(self._value(reader, self.spec.when))

    def check_always(self, scored: Scored):
        self.tried += 1
        reader = self._reader(scored)
        if not self._applies(reader):
            return
        holds = self._value(reader, self.spec.expr)
        if holds is None:
            return
        self.checked += 1
        if not holds:
            lines = [f"不成立：{expression(self.spec.expr)}（{reader.facts(self.spec.expr)}）"]
            lines += [f"  {line}" for line in reader.bases(self.spec.expr)]
            raise Violation("\n".join(lines), [scored.raw])

    def check_pair(self, before: Scored, after: Scored):
        self.tried += 1
        first, second = self._reader(before), self._reader(after)
        if not (self._applies(first) and self._applies(second)):
            return
        name = self.spec.input
        old, new = before.record.values.get(name), after.record.values.get(name)
        if new == old:
            return
        a, b = self._value(first, self.spec.expr), self._value(second, self.spec.expr)
        if a is None or b is None:
            return
        self.checked += 1
        if (b < a) if self.spec.never == "decreases" else (b > a):
            spec = before.result.program.model.input(name)
            moved = "降低" if b < a else "升高"
            lines = [f"{name} 从 {show_value(old, spec.type)} 增至 {show_value(new, spec.type)}，"
                     f"{expression(self.spec.expr)} 却从 {show_value(a, None)} {moved}到 {show_value(b, None)}"]
            for label, reader in (("之前", first), ("之后", second)):
                lines += [f"  {label} {line}" for line in reader.bases(self.spec.expr)]
            raise Violation("\n".join(lines), [before.raw, after.raw])
