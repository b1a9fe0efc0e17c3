"""Example tests: the records in ``examples/<ruleset-stem>*.json`` and the figures they publish.

A record's ``_expected`` (DESIGN §6) maps each scorecard to its published
``score``, ``grade`` and indicator scores by path; each figure is compared
exactly.  A mismatch names the figure (and its line in the file), what was
published, what the ruleset gives, and the basis line that gave it.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from .. import datafiles
from ..decimals import plain
from ..nearest import nearest

SUFFIXES = (".json", ".jsonl")


def discover(ruleset: Path) -> list[Path]:
    """Example files of `ruleset`: in ``examples/`` beside its folder (a repository's ``rulesets/`` and
    ``examples/``) or inside it — wherever the command is run from.

    A file belongs to the ruleset with the longest stem it starts with, so
    ``yaan-2020-projects.json`` is not an example of ``yaan-2020.perf``.
    """
    ruleset = ruleset.resolve()
    stems = sorted({p.stem for p in ruleset.parent.glob("*.perf")} | {ruleset.stem}, key=len, reverse=True)
    found: dict[Path, None] = {}
    for place in places(ruleset):
        for path in sorted(place.glob(f"{ruleset.stem}*")) if place.is_dir() else ():
            owner = next(stem for stem in stems if path.name.startswith(stem))
            if path.suffix in SUFFIXES and owner == ruleset.stem:
                found.setdefault(path.resolve(), None)
    return list(found)


def places(ruleset: Path) -> tuple[Path, Path]:
    """The folders example files of `ruleset` are looked for in."""
    ruleset = ruleset.resolve()
    return ruleset.parent.parent / "examples", ruleset.parent / "examples"


def records(path: Path):
    """(position, raw record or `RecordError`) of an example file."""
    return datafiles.read(str(path)).records


def compare(result, expected, text: str = "", path: str = "", occurrence: int = 0) -> tuple[int, list[str]]:
    """(figures compared, a message per figure that differs) for one record's ``_expected``.

    `text` is the file's text and `occurrence` which ``_expected`` of it this is, to give line numbers.
    """
    if not isinstance(expected, dict):
        return 0, ["`_expected` 须是对象：{计分卡: {\"score\": …, \"grade\": …, \"indicators\": {…}}}"]
    compared, problems = 0, []
    names = [card.name for card in result.scorecards]
    for name, block in expected.items():
        card = result.scorecard(name)
        if card is None:
            close = nearest(name, names)
            problems.append(f"`_expected` 中的计分卡 `{name}` 不存在" + (f"，是否为 `{close}`？" if close else ""))
            continue
        if not isinstance(block, dict):
            problems.append(f"`_expected` 中计分卡 `{name}` 的内容须是对象")
            continue
        where = _Locator(text, path, occurrence, name)
        if "score" in block:
            compared += 1
            problems += _figure(where("score"), f"{name} 总分", block["score"], card.score, card.basis)
        if "grade" in block:
            compared += 1
            if block["grade"] != card.grade:
                problems.append(f"{where('grade')}{name} 等级：公布 {block['grade']}，得到 {card.grade}"
                                f"（总分 {plain(card.score)}）")
        scores = {"/".join(node.path): node for node in card.nodes}
        for key, published in (block.get("indicators") or {}).items():
            node = scores.get(key)
            if node is None:
                close = nearest(key, scores)
                problems.append(f"{where(key)}{name} 没有指标 `{key}`" + (f"，是否为 `{close}`？" if close else ""))
                continue
            compared += 1
            problems += _figure(where(key), f"{name}/{key}", published, node.score, node.basis)
    return compared, problems


def _figure(where: str, label: str, published, got: Decimal, basis: str) -> list[str]:
    try:
        wanted = Decimal(str(published))
    except (InvalidOperation, ValueError):
        return [f"{where}{label}：公布的数字 {published!r} 不是数"]
    if wanted == got:
        return []
    return [f"{where}{label}：公布 {plain(wanted)}，得到 {plain(got)}\n  依据：{basis}"]


class _Locator:
    """``file:line: `` of a key inside one scorecard's block of ``_expected`` (best effort, by text)."""

    def __init__(self, text: str, path: str, occurrence: int, card: str):
        self.text, self.path = text, path
        start = -1
        for _ in range(occurrence + 1):
            start = text.find('"_expected"', start + 1)
            if start < 0:
                break
        self.start = text.find(f'"{card}"', start) if start >= 0 else -1

    def __call__(self, key: str) -> str:
        if self.start < 0:
            return f"{self.path}: " if self.path else ""
        at = self.text.find(f'"{key}"', self.start)
        if at < 0:
            return f"{self.path}: "
        return f"{self.path}:{self.text.count(chr(10), 0, at) + 1}: "
