"""`include "…"`: splice a library file's declarations into the including module.

A library holds what several schemes share word for word — the inputs and
formula of 结转结余率, the Guangdong grade bands — so each region's ruleset
names it instead of copying it (see docs/reuse.md).  A library has no
`ruleset` header and no scorecards; a file included twice is spliced once;
a cycle is an error.

Which files an include may read (docs/language.md, "include"):

* the path is relative and names a ``.perf`` file; it is looked up next to
  the including file, then among the libraries perfdsl ships
  (``common/guangdong.perf`` works from any folder);
* the file it resolves to — symbolic links followed — lies inside the folder
  tree of the ruleset being loaded (the folder of the file given to perfdsl,
  with its subfolders) or inside the shipped libraries; ``..`` may move
  within that tree but never out of it;
* it is a regular file of at most `limits.RULESET_BYTES`, in UTF-8.

An error about a file that does not parse names its location only: no line
of a file that is not a ruleset is ever printed (``include "/etc/passwd"``
must not show the password file).
"""

from __future__ import annotations

import os
from pathlib import Path

from . import limits, nodes
from .errors import Diagnostic, PerfError, PerfSyntaxError, error
from .files import read_bounded
from .frozen import evolve

_HERE = Path(__file__).resolve().parent
#: Where the shipped libraries are: inside an installed package, or the checkout's ``rulesets/``.
_SHIPPED_PLACES = (_HERE / "_rulesets", _HERE.parent / "rulesets")


def shipped_libraries() -> str | None:
    """The folder of the libraries perfdsl ships (it holds ``common/``), if there is one."""
    for place in _SHIPPED_PLACES:
        if (place / "common").is_dir():
            return os.path.realpath(place)
    return None


class Refused(PerfError):
    """A file `include` or `extends` may not read, and why."""


_Refused = Refused


def trees_of(path: str) -> list[str]:
    """The folders a ruleset at `path` may read other files from: its own tree and the shipped libraries."""
    top = os.path.realpath(os.path.dirname(path) if path and not path.startswith("<") else ".")
    return [top] + [root for root in [shipped_libraries()] if root is not None]


def locate(including: str, written: str, trees: list[str], keyword: str = "include",
           absent: list | None = None) -> tuple[str, str]:
    """(the path to report, the real path to read) of a file `keyword` names, or `Refused` saying why not;
    `absent`, when given, receives the places looked in first and found empty (`_resolve`)."""
    return _resolve(including, written, trees, keyword, absent)


def expand(module: nodes.Module, path: str, parse, read=None, trees=None,
           absent: list | None = None) -> tuple[nodes.Module, list[Diagnostic]]:
    """`module` with every include replaced by the library's declarations, and the problems found.

    `parse(text, path)` is the loader's, so that errors in a library carry the
    library's own file:line:col.  (`read` is accepted for the loader's call;
    libraries are always read through the bounded reader here.)  `absent`, when
    given, receives every place an include was looked for first and not found
    (a file made there later is the one it reads: the model cache keys on it).
    """
    problems: list[Diagnostic] = []
    seen: dict[str, None] = {}  # ordered: the files read, reported as the module's sources
    trees = trees or trees_of(path)  # a base's libraries: where its extending ruleset may read

    def splice(current: nodes.Module, current_path: str, chain: tuple[str, ...]):
        decls = []
        for decl in current.decls:
            if not isinstance(decl, nodes.Include):
                decls.append(decl)
                continue
            try:
                target, key = _resolve(current_path, decl.path, trees, absent=absent)
            except _Refused as exc:
                problems.append(error("P108", str(exc), decl.span))
                continue
            if key in chain:
                cycle = " → ".join(os.path.relpath(p) for p in chain[chain.index(key):] + (key,))
                problems.append(error("P108", f"include 循环：{cycle}", decl.span))
                continue
            if key in seen:
                continue
            seen[key] = None
            try:
                text = read_bounded(key, "被包含的文件", limits.RULESET_BYTES, error=_Refused)
            except _Refused as exc:
                problems.append(error("P108", f"无法包含 `{decl.path}`：{exc}", decl.span))
                continue
            try:
                library = parse(text, target)
            except PerfSyntaxError as exc:
                problems.append(_unparsable(decl, target, exc))
                continue
            if library.header is not None:  # a ruleset or framework is extended, not included: the hint says so
                problems.append(error("P109", "被包含的文件是函数库，不能有 ruleset 头部", library.header.span,
                                      notes=(("由此包含", decl.span),),
                                      hint=f"它是规则集{'框架' if library.header.framework else ''}：要在它之上写方案，"
                                           f"请把 include 改为 extends \"{decl.path}\""))
            for item in library.decls:
                if isinstance(item, (nodes.Extends, nodes.Override)):
                    problems.append(error("P109", "被包含的文件是函数库，不能 extends 或 override", item.span,
                                          notes=(("由此包含", decl.span),)))
                if isinstance(item, nodes.Scorecard):
                    problems.append(error("P109", "被包含的文件只能定义 input、let 和 grades，不能有计分卡",
                                          item.span, notes=(("由此包含", decl.span),)))
            inner = splice(library, target, chain + (key,))
            decls.extend(d for d in inner
                         if not isinstance(d, (nodes.Header, nodes.Scorecard, nodes.Extends, nodes.Override)))
        return decls

    root = os.path.realpath(path) if os.path.exists(path) else path
    decls = splice(module, path, (root,))
    return evolve(module, decls=tuple(decls), sources=module.sources + tuple(seen)), problems


def _resolve(including: str, written: str, trees: list[str], keyword: str = "include",
             absent: list | None = None) -> tuple[str, str]:
    """(the path to report, the real path to read) of an include, or `_Refused` saying why not; the
    candidates before the one found (the place beside the file, for a shipped library) go to `absent`."""
    verb = "包含" if keyword == "include" else "继承"  # extends: 继承它的文件
    if os.path.isabs(written) or written.startswith(("~", "\\")) or (len(written) > 1 and written[1] == ":"):
        raise _Refused(f"{keyword} 只能写相对路径（相对于{verb}它的文件），`{written}` 是绝对路径")
    if not written.endswith(".perf"):
        raise _Refused(f"{keyword} 只能{verb} .perf 规则集文件，`{written}` 不是")
    base = os.path.dirname(including) if including and not including.startswith("<") else ""
    beside = os.path.normpath(os.path.join(base, written))
    candidates = [beside] + [os.path.join(tree, written) for tree in trees[1:]]
    found = next((c for c in candidates if os.path.lexists(c)), None)
    if found is None:
        places = "、".join([beside] + (["perfdsl 自带的函数库"] if len(trees) > 1 else []))
        raise _Refused(f"找不到被{verb}的文件 `{written}`（查找位置：{places}）")
    if absent is not None:
        absent.extend(candidates[:candidates.index(found)])
    real = os.path.realpath(found)
    if not any(_within(real, tree) for tree in trees):
        raise _Refused(f"不能{verb} `{written}`：它在规则集所在的文件夹（{trees[0]}）及 perfdsl 自带的函数库之外"
                       f"{'（符号链接指向外部）' if os.path.islink(found) or real != os.path.abspath(found) else ''}")
    return (found if found == beside else real), real


def _within(path: str, tree: str) -> bool:
    try:
        return os.path.commonpath([path, tree]) == tree
    except ValueError:  # different drives on Windows
        return False


def _unparsable(decl: nodes.Include, target: str, exc: PerfSyntaxError) -> Diagnostic:
    return unparsable(decl.path, target, exc, "被包含的文件", "P108", decl.span)


def unparsable(written: str, target: str, exc: PerfSyntaxError, what: str, code: str, span) -> Diagnostic:
    """A file that does not parse: where, but not what it says (it may not be a ruleset at all)."""
    first = exc.diagnostics[0] if exc.diagnostics else None
    where = (f"第 {first.span.line} 行第 {first.span.column} 列" if first is not None and first.span is not None
             else "某处")
    code_ = f"（{first.code}）" if first is not None else ""
    return error(code, f"{what} `{written}` 不是有效的规则集：{where}有语法错误{code_}", span,
                 hint=f"单独检查它：perfdsl check {target}")
