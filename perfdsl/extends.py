"""`extends "BASE.perf"`: a ruleset that is its base with a few changes (docs/language.md §12).

The merge is made on syntax trees, before `resolve`: what comes out is one
ordinary `nodes.Module`, so everything after it — resolve, check, the
reference interpreter and the compiled scorer — sees a ruleset like any
other and cannot disagree about it.  What the extending file says:

* its header's lines replace the base's line by line (the title always);
  a base whose header says ``framework`` may have no scorecard (the child
  brings its own), and ``framework`` itself is never inherited;
* an `input`, `let` or named `grades` of a name the base defines replaces the
  base's in place (the same text twice — a library both include — is one);
* a `scorecard` of a base scorecard's name replaces it whole; one of a new
  name is added; `override scorecard NAME { … }` changes one:
  ``weight X 8``, ``drop X``, ``add indicator … [in G] [first|before Y|after Y]``,
  ``move X to G [first|before Y|after Y]``, ``replace indicator X 5 { … }``,
  ``grades …``, ``cap …``, ``max`` after the name;
* everything else (properties, new definitions) is appended.

A group or scorecard an edit changed remembers where (`edited`), so a sum
that no longer adds up (P310/P311) is reported at the edit, noting the
base's declaration.  Which files a base may be is include's rule
(`include.locate`); bases nest up to `limits.EXTENDS_DEPTH` and a cycle is
named.
"""

from __future__ import annotations

import os

from . import limits, nodes
from .errors import Diagnostic, PerfSyntaxError, error
from .frozen import evolve, frozen
from .resolve import nearest


class _Problem(Exception):
    def __init__(self, diagnostic: Diagnostic):
        self.diagnostic = diagnostic


def expand(module: nodes.Module, path: str, load, trees, chain=(),
           absent: list | None = None) -> tuple[nodes.Module, list[Diagnostic]]:
    """`module` merged onto the base it extends (if any), and the problems found.

    `load(path, chain)` parses a base file the way the loader parses any
    ruleset (includes spliced, its own base merged) and returns (module,
    problems); `trees` are the folders a base may lie in (include's);
    `chain` the real paths of the rulesets extending down to this one;
    `absent` receives the places the base was looked for first (`include.locate`).
    """
    from . import include  # the confinement rules are include's; imported here to keep the graph one-way

    marks = [decl for decl in module.decls if isinstance(decl, nodes.Extends)]
    overrides = [decl for decl in module.decls if isinstance(decl, nodes.Override)]
    if not marks:
        plain = evolve(module, decls=tuple(d for d in module.decls if not isinstance(d, nodes.Override)))
        return plain, [error("P117", f"override scorecard {o.name} 只能写在 extends 基础规则集的规则集里", o.span,
                              hint='在文件开头写 extends "基础规则集.perf"') for o in overrides]
    problems: list[Diagnostic] = []
    for extra in marks[1:]:
        problems.append(error("P117", "一个规则集只能 extends 一个基础规则集", extra.span,
                              notes=(("第一个 extends", marks[0].span),)))
    mark = marks[0]
    decls = tuple(d for d in module.decls if not isinstance(d, nodes.Extends))
    bare = evolve(module, decls=tuple(d for d in decls if not isinstance(d, nodes.Override)))
    try:
        shown, real = include.locate(path, mark.path, trees, "extends", absent)
    except include.Refused as exc:
        return bare, problems + [error("P116", str(exc), mark.span)]
    here = os.path.realpath(path) if os.path.exists(path) else path
    trail = chain + (here,)
    if real in trail:
        cycle = " → ".join(os.path.relpath(p) for p in trail[trail.index(real):] + (real,))
        return bare, problems + [error("P116", f"extends 循环：{cycle}", mark.span)]
    if len(trail) > limits.EXTENDS_DEPTH:
        return bare, problems + [error("P116", f"extends 层数过多：最多 {limits.EXTENDS_DEPTH} 层基础规则集",
                                       mark.span)]
    try:
        base, found = load(shown, real, trail)
    except include.Refused as exc:
        return bare, problems + [error("P116", f"无法读取基础规则集 `{mark.path}`：{exc}", mark.span)]
    except PerfSyntaxError as exc:
        return bare, problems + [include.unparsable(mark.path, shown, exc, "基础规则集", "P116", mark.span)]
    if any(d.is_error for d in found):
        problems.append(error("P116", f"基础规则集 `{mark.path}` 本身有错误", mark.span,
                              hint=f"先检查它：perfdsl check {shown}"))
        problems += [d for d in found if d.is_error]
        return bare, problems
    framework = base.header is not None and base.header.framework
    if not framework and not any(isinstance(d, nodes.Scorecard) for d in base.decls):
        problems.append(error("P116", f"`{mark.path}` 没有计分卡，不是基础规则集（函数库请用 include）", mark.span,
                              hint="只给别的规则集继承的框架在头部写 framework" if base.header else None))
        return bare, problems
    merged, more = _merge(base, module, decls, mark)
    sources = tuple(dict.fromkeys(module.sources + (real,) + base.sources))
    return evolve(merged, sources=sources), problems + more


# ── the merge ───────────────────────────────────────────────────────────────

_NAMED = (nodes.InputDecl, nodes.LetDecl, nodes.GradesDecl)


def _merge(base: nodes.Module, child: nodes.Module, decls, mark) -> tuple[nodes.Module, list[Diagnostic]]:
    problems: list[Diagnostic] = []
    out = list(base.decls)
    where = {(type(d), d.name): i for i, d in enumerate(out) if isinstance(d, (*_NAMED, nodes.Scorecard))}
    cards = {d.name: i for i, d in enumerate(out) if isinstance(d, nodes.Scorecard)}
    overrides = []
    for decl in decls:
        if isinstance(decl, nodes.Override):
            overrides.append(decl)
            continue
        key = (type(decl), getattr(decl, "name", None))
        if key in where:
            if out[where[key]] != decl:  # the same text (a library both include) is one definition
                out[where[key]] = decl
            continue
        out.append(decl)
    seen = set()
    for override in overrides:
        if override.name in seen:
            problems.append(error("P105", f"计分卡 {override.name} 的 override 写了两次", override.span))
            continue
        seen.add(override.name)
        if override.name not in cards:
            guess = nearest(override.name, cards)
            problems.append(error("P212", f"基础规则集没有计分卡 {override.name}", override.span,
                                  hint=f"是不是 {guess}？" if guess else None, notes=(("基础规则集", mark.span),)))
            continue
        index = cards[override.name]
        out[index], found = _Tree(out[index]).apply(override, mark)
        problems += found
    header = _header(base.header, child.header)
    return nodes.Module(header, tuple(out), span=child.span, sources=child.sources), problems


def _header(base: nodes.Header | None, child: nodes.Header | None) -> nodes.Header | None:
    if child is None or base is None:
        return child or base
    fields = {key: getattr(child, key) for key in ("source", "precision", "rounding", "record")
              if getattr(child, key) is not None}
    # `framework` is the base's own word about itself: a ruleset extending a framework is one only if it says so
    fields["framework"] = child.framework
    spans = tuple(item for item in base.field_spans if item[0] not in fields) + child.field_spans
    return evolve(base, title=child.title, field_spans=spans, span=child.span, **fields)


class _Entry:
    """A node of the scorecard being edited; `children` is None for a leaf."""

    __slots__ = ("node", "children", "edited")

    def __init__(self, node: nodes.Node, children: list | None):
        self.node = node
        self.children = children
        self.edited: list = []

    @property
    def name(self) -> str:
        return _name(self.node)


def _name(node) -> str:
    return node.list_name if isinstance(node, nodes.Each) else node.name


class _Tree:
    """A scorecard as a mutable tree, edited in order, then frozen again."""

    def __init__(self, card: nodes.Scorecard):
        self.card = card
        self.root = _Entry(card, [self._entry(child) for child in card.children])

    def _entry(self, node) -> _Entry:
        if isinstance(node, nodes.Group):
            return _Entry(node, [self._entry(child) for child in node.children])
        return _Entry(node, None)

    # finding

    def _all(self):
        todo = [(self.root, None, ())]
        while todo:
            entry, parent, path = todo.pop()
            if parent is not None:
                yield entry, parent, path
            for child in reversed(entry.children or []):
                todo.append((child, entry, path + (child.name,)))

    def find(self, written: str, span, what: str = "指标") -> tuple[_Entry, _Entry]:
        parts = tuple(written.split("/"))
        found = [(e, p) for e, p, path in self._all() if path[-len(parts):] == parts]
        if len(found) == 1:
            return found[0]
        if not found:
            names = [path[-1] for _, _, path in self._all()]
            guess = nearest(parts[-1], names)
            raise _Problem(error("P212", f"基础规则集的计分卡 {self.card.name} 里没有{what} {written}", span,
                                 hint=f"是不是 {guess}？" if guess else None))
        paths = "、".join("/".join(path) for e, _, path in self._all() if path[-len(parts):] == parts)
        raise _Problem(error("P212", f"{written} 不止一个（{paths}）：请写出上级，如 `{paths.split('、')[0]}`",
                             span))

    def group(self, written: str | None, span) -> _Entry:
        if written is None or written == self.card.name:
            return self.root
        entry, _ = self.find(written, span, "分组")
        if entry.children is None:
            raise _Problem(error("P212", f"{written} 是指标，不是分组：只能把指标放进分组", span))
        return entry

    def _place(self, into: _Entry, entry: _Entry, place: nodes.Place | None, span):
        if place is None:
            into.children.append(entry)
        elif place.how == "first":
            into.children.insert(0, entry)
        else:
            names = [c.name for c in into.children]
            if place.anchor not in names:
                guess = nearest(place.anchor, names)
                raise _Problem(error("P212", f"{into.name} 下没有 {place.anchor}", place.span,
                                     hint=f"是不是 {guess}？" if guess else None))
            at = names.index(place.anchor)
            into.children.insert(at + (place.how == "after"), entry)
        into.edited.append(span)

    # editing

    def apply(self, override: nodes.Override, mark) -> tuple[nodes.Scorecard, list[Diagnostic]]:
        """The scorecard with every edit made in order; an edit that cannot be made is a problem, the rest go on."""
        problems = []
        for edit in override.edits:
            try:
                getattr(self, "_" + edit.kind)(edit)
            except _Problem as exc:
                problems.append(exc.diagnostic)
        card = self.card
        changes = {}
        if override.max is not None:
            changes["max"] = override.max
            self.root.edited.append(override.span)
        if override.grades is not None:
            changes["grades"] = override.grades
        if override.cap is not None:
            changes["cap"] = override.cap
        edited = self._freeze(self.root)
        return evolve(card, children=edited.children, edited=edited.edited, **changes), problems

    def _weight(self, edit: nodes.Edit):
        entry, parent = self.find(edit.target, edit.span)
        if isinstance(entry.node, nodes.Each):
            raise _Problem(error("P212", f"each {entry.name} 没有自己的分值：改它所在分组的分值", edit.span))
        entry.node = evolve(entry.node, weight=edit.weight)
        parent.edited.append(edit.span)
        if entry.children is not None:
            entry.edited.append(edit.span)

    def _drop(self, edit: nodes.Edit):
        entry, parent = self.find(edit.target, edit.span)
        parent.children.remove(entry)
        parent.edited.append(edit.span)

    def _add(self, edit: nodes.Edit):
        name = _name(edit.node)
        clash = [path for e, _, path in self._all() if e.name == name]
        if clash:
            raise _Problem(error("P213", f"基础规则集已有 {'/'.join(clash[0])}：改它请用 replace，移动请用 move",
                                 edit.node.span))
        into = self.group(edit.into, edit.span)
        self._place(into, self._entry(edit.node), edit.place, edit.span)

    def _move(self, edit: nodes.Edit):
        entry, parent = self.find(edit.target, edit.span)
        into = self.group(edit.into, edit.span)
        inside = into
        below = {id(e) for e, _, _ in _Tree._under(entry)}
        if inside is entry or id(inside) in below:
            raise _Problem(error("P212", f"不能把 {entry.name} 移到它自己的下级 {into.name} 里", edit.span))
        parent.children.remove(entry)
        parent.edited.append(edit.span)
        self._place(into, entry, edit.place, edit.span)

    @staticmethod
    def _under(entry):
        todo = list(entry.children or [])
        while todo:
            item = todo.pop()
            yield item, None, None
            todo.extend(item.children or [])

    def _replace(self, edit: nodes.Edit):
        entry, parent = self.find(_name(edit.node), edit.node.span)
        fresh = self._entry(edit.node)
        parent.children[parent.children.index(entry)] = fresh
        parent.edited.append(edit.span)

    def _freeze(self, entry: _Entry):
        if entry.children is None:
            return entry.node
        children = tuple(self._freeze(child) for child in entry.children)
        if entry is self.root:
            return _Frozen(children, tuple(entry.edited))
        return evolve(entry.node, children=children, edited=tuple(entry.edited) + entry.node.edited)


@frozen
class _Frozen:
    children: tuple
    edited: tuple
