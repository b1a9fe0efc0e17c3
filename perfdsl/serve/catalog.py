"""The rulesets `perfdsl serve` offers: every ``*.perf`` file directly in the served directory.

A ruleset's id is its file name without ``.perf`` (DESIGN §7).  The directory
is listed and every ruleset compiled once, when the server starts; a request
names an id, which is looked up in that listing, so no part of a request ever
becomes a path.  A library (a file without scorecards, such as
``common/guangdong.perf``) is not offered, but the rulesets — and text checked
through the page — may include it.  A ruleset that does not load is listed
with its diagnostics and cannot be used to score.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import attrs

from .. import loader
from ..errors import PerfError, RulesetError, UsageError
from ..nearest import nearest
from ..program import Program
from .problems import Problem

_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")


@attrs.frozen
class Entry:
    """One ruleset of the directory: its program, or the diagnostics that keep it from loading."""

    id: str
    path: str
    program: Program | None
    problems: tuple = ()  # Diagnostics (or one message) of a ruleset that does not load

    @property
    def usable(self) -> bool:
        return self.program is not None

    @property
    def model(self):
        return self.program.model if self.program is not None else None

    @property
    def title(self) -> str:
        return self.model.title if self.model is not None else self.id

    @property
    def source(self) -> str | None:
        return self.model.source if self.model is not None else None

    @property
    def year(self) -> int | None:
        """The scheme's year, from its title (``潮安区2022年…``) or else its id (``chaoan-2022``).

        The language has no year field; both conventions are the repository's own."""
        for text in (self.title, self.id):
            match = _YEAR.search(text)
            if match:
                return int(match.group(1))
        return None

    def need_program(self) -> Program:
        if self.program is None:
            raise Problem(409, "ruleset_broken", f"规则集 `{self.id}` 有错误，不能用来计分；请先在“检查”页修正它")
        return self.program


class Catalog:
    """The served directory's rulesets by id, and the library files their text may include."""

    def __init__(self, directory):
        self.directory = str(directory)
        root = Path(directory)
        if not root.is_dir():  # the command's file error, exit status 2, as a missing ruleset is
            reason = "不是目录" if root.exists() else "目录不存在"
            hint = f"；它是规则集文件，请给出它所在的目录：perfdsl serve {_shell_word(str(root.parent))}" \
                if root.is_file() and root.suffix == ".perf" else ""
            raise UsageError(f"{directory}: {reason}（perfdsl serve 需要一个存放 .perf 规则集的目录）{hint}")
        self.entries: dict[str, Entry] = {}
        for path in sorted(root.glob("*.perf")):
            entry = _load(path)
            if entry is not None:
                self.entries[entry.id] = entry
        #: Every .perf file under the directory (absolute, normalised): what checked text may include.
        self.includable = frozenset(os.path.normpath(os.path.abspath(p)) for p in root.rglob("*.perf") if p.is_file())

    def __iter__(self):
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def get(self, ruleset_id: str) -> Entry:
        entry = self.entries.get(ruleset_id)
        if entry is None:
            close = nearest(ruleset_id, list(self.entries))
            hint = f"，是否为 `{close}`？" if close else f"（有：{'、'.join(self.entries) or '无'}）"
            raise Problem(404, "no_such_ruleset", f"没有规则集 `{ruleset_id}`{hint}")
        return entry


def _load(path: Path) -> Entry | None:
    """The entry of one file, or None for a library (nothing to score with)."""
    ruleset_id = path.name[: -len(".perf")]
    try:
        program = loader.load(path)
    except RulesetError as exc:
        return Entry(ruleset_id, str(path), None, exc.diagnostics)
    except PerfError as exc:
        return Entry(ruleset_id, str(path), None, (exc.render(),))
    if not program.model.scorecards:
        return None
    return Entry(ruleset_id, str(path), program)


def _shell_word(text: str) -> str:
    """`text` as one word of a command to copy (quoted where a shell would split it)."""
    import shlex

    return shlex.quote(text)
