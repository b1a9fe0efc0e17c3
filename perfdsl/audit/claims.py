"""A record's ``_reported``: what the published document claims, read into `Claim`s (docs/audit.md).

::

    "_reported": {
      "复核得分": {"score": 89.04, "grade": "良好", "max": 100,
                 "indicators": {"预算执行情况": 40.9, …}, "weights": {…}, "levels": {…}},
      "figures": {"三公经费变动率": {"value": "46.38%", "at": "003:71", "known": true, "erratum": 20}},
      "identities": [{"sum": ["基本支出", "项目支出"], "equals": "年度收入数", "at": "000:35"}]
    }

A scorecard block has the `_expected` shape (DESIGN §6) plus published
weights, the total weight (``max``) and level labels.  Every value may be
annotated with where it stands (``at``), whether it is an erratum on the list
(``known``, ``erratum``) and a ``note``.  Every problem of the block is
collected (`ClaimProblem`), so a record's claims are fixed in one round.
"""

from __future__ import annotations

from decimal import Decimal

import attrs

from .. import limits, printed
from ..nearest import nearest

#: Per-scorecard claims: key → kind (``indicators`` etc. map an indicator's path to a value).
CARD_SCALARS = {"score": "score", "grade": "grade", "max": "max"}
CARD_MAPS = {"indicators": "indicator", "weights": "weight", "levels": "level"}
#: Sections of `_reported` that are not scorecards.
SECTIONS = ("figures", "identities")
#: The kinds of identity, by the key that names its operands.
IDENTITIES = ("sum", "ratio", "change", "product", "same", "bands")
RELATIONS = {"=": "=", "==": "=", "<=": "<=", "≤": "<=", ">=": ">=", "≥": ">="}
_ANNOTATIONS = {"value", "at", "known", "erratum", "note"}
_IDENTITY_KEYS = set(IDENTITIES) | {"less", "equals", "relation", "at", "known", "erratum", "note", "label"}

KIND_NAMES = {
    "score": "总分", "grade": "等级", "max": "总分值", "indicator": "得分", "weight": "权重", "level": "层级",
    "figure": "数字", "sum": "合计", "ratio": "比率", "change": "变动率", "product": "乘积", "same": "前后一致",
    "bands": "等级区间",
}


@attrs.frozen
class Claim:
    """One published claim and where it stands.  `where` is its place in ``_reported``
    (``("复核得分", "indicators", "预算执行情况/项目管理")``, ``("figures", "三公经费变动率")``,
    ``("identities", "3")``), unique in the record."""

    where: tuple[str, ...]
    kind: str
    value: object  # as typed: a number or text, or an identity's object
    at: tuple[str, ...] = ()
    known: bool = False
    errata: tuple[int, ...] = ()
    note: str = ""

    @property
    def label(self) -> str:
        """``复核得分 预算执行情况/项目管理 得分``, ``数字 三公经费变动率``, ``恒等式 3（合计）``."""
        if self.where[0] == "figures":
            return f"数字 {self.where[1]}"
        if self.where[0] == "identities":
            label = self.value.get("label") if isinstance(self.value, dict) else None
            return f"恒等式 {self.where[1]}（{KIND_NAMES[self.kind]}）" + (f" {label}" if label else "")
        if len(self.where) == 2:
            return f"{self.where[0]} {KIND_NAMES[self.kind]}"
        return f"{self.where[0]} {self.where[2]} {KIND_NAMES[self.kind]}"

    def to_json(self) -> list[str]:
        return list(self.where)


@attrs.frozen
class ClaimProblem:
    """A claim that cannot be read or checked; `where` as in `Claim`."""

    where: tuple[str, ...]
    message: str

    def render(self) -> str:
        return f"`_reported` {' '.join(self.where)}：{self.message}" if self.where else f"`_reported`：{self.message}"


def figure(raw) -> printed.Printed:
    """A claimed value as printed (`printed.parse`); a number beyond what a record's data may hold is refused
    (ValueError saying why), as it would be in the record: its digits would overflow the comparisons."""
    value = printed.parse(raw)
    if value.numeric:
        problem = limits.number_problem(value.value)
        if problem:
            raise ValueError(problem)
    return value


def number(value) -> Decimal | None:
    """A published score or weight: a JSON number, or text such as ``"6.4"``, ``"6.4分"``; None otherwise
    (and for a number out of bounds: `number_problem` says why)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, Decimal)):
        return None if limits.number_problem(Decimal(value)) else Decimal(value)
    if isinstance(value, str):
        try:
            parsed = figure(value)
        except ValueError:
            return None
        if parsed.kind == "number" and parsed.unit in (None, "分"):
            return parsed.value
    return None


def number_problem(value) -> str | None:
    """Why a claimed score or weight that `number` refuses is out of bounds, or None (it is not a number)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, Decimal)):
        return None
    try:
        figure(value)
    except ValueError as exc:
        return str(exc)
    return None


def read(reported, scorecards: list[str]) -> tuple[list[Claim], list[ClaimProblem]]:
    """The claims of a record's ``_reported`` and every problem in it."""
    claims: list[Claim] = []
    problems: list[ClaimProblem] = []
    if not isinstance(reported, dict):
        return [], [ClaimProblem((), "须是对象：{计分卡: {…}, \"figures\": {…}, \"identities\": […]}")]
    for key, block in reported.items():
        if key == "figures":
            _figures(block, claims, problems)
        elif key == "identities":
            _identities(block, claims, problems)
        elif key in scorecards:
            _scorecard(key, block, claims, problems)
        else:
            close = nearest(str(key), scorecards + list(SECTIONS))
            hint = f"，是否为 `{close}`？" if close else f"（计分卡有：{'、'.join(scorecards)}）"
            problems.append(ClaimProblem((str(key),), f"既不是计分卡也不是 figures/identities{hint}"))
    return claims, problems


def _annotated(where, kind, raw, problems) -> Claim | None:
    """A claim from a plain or annotated value (``{"value": …, "at": …, "known": …}``)."""
    if isinstance(raw, dict):
        extra = set(raw) - _ANNOTATIONS
        if "value" not in raw or extra:
            problems.append(ClaimProblem(where, '带注释的值须写成 {"value": …, "at": "004:147", "known": true, '
                                                '"erratum": 30, "note": "…"}' + (f"，多了 {'、'.join(sorted(extra))}"
                                                                                  if extra else "")))
            return None
        annotations = _annotations(where, raw, problems)
        if annotations is None:
            return None
        return Claim(where, kind, raw["value"], *annotations)
    return Claim(where, kind, raw)


def _annotations(where, raw: dict, problems):
    """(at, known, errata, note) of an annotated claim, or None after recording what is wrong."""
    ok = True
    at = raw.get("at", ())
    if isinstance(at, str):
        at = (at,)
    if not isinstance(at, (list, tuple)) or not all(isinstance(a, str) and a.strip() for a in at):
        problems.append(ClaimProblem(where, "at 须是出处文本（如 \"004:147\"，即 seed 004 第 147 行）或其列表"))
        ok = False
    known = raw.get("known", False)
    if not isinstance(known, bool):
        problems.append(ClaimProblem(where, "known 须是 true 或 false"))
        ok = False
    errata = raw.get("erratum", ())
    if isinstance(errata, (int, Decimal)) and not isinstance(errata, bool):
        errata = (errata,)
    if not isinstance(errata, (list, tuple)) or not all(_whole(e) for e in errata):
        problems.append(ClaimProblem(where, "erratum 须是勘误编号（整数）或其列表"))
        ok = False
    note = raw.get("note", "")
    if not isinstance(note, str):
        problems.append(ClaimProblem(where, "note 须是文本"))
        ok = False
    if errata and not known and ok:
        problems.append(ClaimProblem(where, "给出了 erratum 却没有 \"known\": true"))
        ok = False
    if not ok:
        return None
    return tuple(at), known, tuple(int(e) for e in errata), note


def _whole(value) -> bool:
    return isinstance(value, (int, Decimal)) and not isinstance(value, bool) and value == int(value) and value > 0


def _scorecard(card: str, block, claims, problems):
    if not isinstance(block, dict):
        problems.append(ClaimProblem((card,), "须是对象：{\"score\": …, \"grade\": …, \"indicators\": {…}}"))
        return
    for key, raw in block.items():
        if key in CARD_SCALARS:
            claim = _annotated((card, key), CARD_SCALARS[key], raw, problems)
            if claim is not None:
                claims.append(claim)
        elif key in CARD_MAPS:
            if not isinstance(raw, dict):
                problems.append(ClaimProblem((card, key), "须是对象：{\"一级/二级/三级\": …}"))
                continue
            for path, value in raw.items():
                claim = _annotated((card, key, indicator_path(path)), CARD_MAPS[key], value, problems)
                if claim is not None:
                    claims.append(claim)
        else:
            known = list(CARD_SCALARS) + list(CARD_MAPS)
            close = nearest(str(key), known)
            hint = f"，是否为 `{close}`？" if close else f"（可用：{'、'.join(known)}）"
            problems.append(ClaimProblem((card, str(key)), f"不是计分卡的公布项{hint}"))


def indicator_path(text: str) -> str:
    """A claim's 一级/二级/三级 as the ruleset spells it: spaces around each part and the ends' `/` dropped, a
    full-width ／ read as /, as `explain --indicator` reads it (a report copied from Word has both)."""
    return "/".join(part.strip() for part in text.replace("／", "/").strip().strip("/").split("/"))


def _figures(block, claims, problems):
    if not isinstance(block, dict):
        problems.append(ClaimProblem(("figures",), "须是对象：{\"输入或派生值的名称\": \"公布的数字\"}"))
        return
    for name, raw in block.items():
        claim = _annotated(("figures", name), "figure", raw, problems)
        if claim is not None:
            claims.append(claim)


def _identities(block, claims, problems):
    if not isinstance(block, list):
        problems.append(ClaimProblem(("identities",), "须是列表：[{\"sum\": […], \"equals\": …}, …]"))
        return
    for number, raw in enumerate(block, start=1):
        where = ("identities", str(number))
        if not isinstance(raw, dict):
            problems.append(ClaimProblem(where, '须是对象，如 {"sum": ["基本支出", "项目支出"], "equals": "支出合计"}'))
            continue
        kinds = [key for key in IDENTITIES if key in raw]
        extra = set(raw) - _IDENTITY_KEYS
        if len(kinds) != 1 or extra:
            what = f"多了 {'、'.join(sorted(map(str, extra)))}；" if extra else ""
            problems.append(ClaimProblem(where, f"{what}须恰有 {'、'.join(IDENTITIES)} 之一"))
            continue
        kind = kinds[0]
        if _identity_shape(where, kind, raw, problems):
            annotations = _annotations(where, raw, problems)
            if annotations is not None:
                claims.append(Claim(where, kind, raw, *annotations))


def _identity_shape(where, kind, raw, problems) -> bool:
    operands = raw[kind]
    needs_equals = kind in ("sum", "ratio", "change", "product")
    if kind == "bands":
        if not isinstance(operands, dict) or len(operands) < 2 or not all(isinstance(v, str)
                                                                          for v in operands.values()):
            problems.append(ClaimProblem(where, "bands 须是对象：{\"优秀\": \"≥90\", \"良好\": \"[80, 90)\", …}"))
            return False
    elif not isinstance(operands, list) or len(operands) < (1 if kind == "sum" else 2) \
            or (kind in ("ratio", "change") and len(operands) != 2):
        shape = {"sum": "[分项, …]", "ratio": "[分子, 分母]", "change": "[本期, 上期]", "product": "[因数, 因数, …]",
                 "same": "[数字, 数字, …]（至少两个）"}[kind]
        problems.append(ClaimProblem(where, f"{kind} 须是列表 {shape}"))
        return False
    if needs_equals and "equals" not in raw:
        problems.append(ClaimProblem(where, f"{kind} 须有 equals（公布的结果）"))
        return False
    if not needs_equals and "equals" in raw:
        problems.append(ClaimProblem(where, f"{kind} 不用 equals"))
        return False
    if "less" in raw and (kind != "sum" or not isinstance(raw["less"], list)):
        problems.append(ClaimProblem(where, "less（减项列表）只用于 sum"))
        return False
    if raw.get("relation", "=") not in RELATIONS or (kind == "bands" and "relation" in raw):
        problems.append(ClaimProblem(where, "relation 须是 \"=\"、\"<=\" 或 \">=\"（bands 不用）"))
        return False
    return True
