"""`include "…"`: splice a library file's declarations into the including module.

A library holds what several schemes share word for word — the inputs and
formula of 结转结余率, the Guangdong grade bands — so each region's ruleset
names it instead of copying it (see docs/reuse.md).  A library has no
`ruleset` header and no scorecards; paths are relative to the including
file; a file included twice is spliced once; a cycle is an error.
"""

from __future__ import annotations

import os

import attrs

from . import nodes
from .errors import Diagnostic, PerfError, error


def expand(module: nodes.Module, path: str, parse, read) -> tuple[nodes.Module, list[Diagnostic]]:
    """`module` with every include replaced by the library's declarations, and the problems found.

    `parse(text, path)` and `read(path)` are the loader's, so that errors in a
    library carry the library's own file:line:col.
    """
    problems: list[Diagnostic] = []
    seen: set[str] = set()

    def splice(current: nodes.Module, current_path: str, chain: tuple[str, ...]):
        decls = []
        for decl in current.decls:
            if not isinstance(decl, nodes.Include):
                decls.append(decl)
                continue
            target = _target(current_path, decl.path)
            key = os.path.realpath(target)
            if key in chain:
                cycle = " → ".join(os.path.relpath(p) for p in chain[chain.index(key):] + (key,))
                problems.append(error("P108", f"include 循环：{cycle}", decl.span))
                continue
            if key in seen:
                continue
            seen.add(key)
            if not os.path.isfile(target):
                problems.append(error("P108", f"找不到被包含的文件 `{decl.path}`（查找位置：{target}）", decl.span))
                continue
            try:
                library = parse(read(target), target)
            except PerfError as exc:
                problems.extend(getattr(exc, "diagnostics", ()) or [error("P108", exc.render(), decl.span)])
                continue
            if library.header is not None:
                problems.append(error("P109", "被包含的文件是函数库，不能有 ruleset 头部", library.header.span,
                                      notes=(("由此包含", decl.span),)))
            for item in library.decls:
                if isinstance(item, nodes.Scorecard):
                    problems.append(error("P109", "被包含的文件只能定义 input、let 和 grades，不能有计分卡",
                                          item.span, notes=(("由此包含", decl.span),)))
            inner = splice(library, target, chain + (key,))
            decls.extend(d for d in inner if not isinstance(d, (nodes.Header, nodes.Scorecard)))
        return decls

    root = os.path.realpath(path) if os.path.exists(path) else path
    decls = splice(module, path, (root,))
    return attrs.evolve(module, decls=tuple(decls)), problems


def _target(including: str, relative: str) -> str:
    if os.path.isabs(relative):
        return relative
    base = os.path.dirname(including) if including and not including.startswith("<") else ""
    return os.path.normpath(os.path.join(base, relative))
