"""The only module that knows the order of the phases: read → parse → resolve → check → compile."""

from __future__ import annotations

import contextlib
import gc
import threading

from . import limits, resolve
from .errors import Diagnostic, PerfCheckError, PerfSyntaxError
from .files import read_bounded
from .model import Model
from .program import Program

_PAUSED = [0]  # loads under way that hold the cyclic garbage collector off
_PAUSE_LOCK = threading.Lock()


@contextlib.contextmanager
def _collector_paused():
    """The cyclic garbage collector held off while a ruleset is loaded.  A load makes only objects that
    live on (the tree, the model, the program) and little garbage, bounded by `limits.RULESET_BYTES`; with
    the collector on, each of its full passes walks every object made so far, which made loading a large
    ruleset superlinear (6,000 indicators 10.5 s, 7.0 s without it).  Nested and concurrent loads share
    the pause: the last one out restores the collector as it was."""
    with _PAUSE_LOCK:
        if _PAUSED[0] == 0:
            _PAUSED.append(gc.isenabled())
            gc.disable()
        _PAUSED[0] += 1
    try:
        yield
    finally:
        with _PAUSE_LOCK:
            _PAUSED[0] -= 1
            if _PAUSED[0] == 0 and _PAUSED.pop():
                gc.enable()


def read_ruleset(path) -> str:
    """A ruleset's text: a regular UTF-8 file of bounded size (limits.RULESET_BYTES)."""
    return read_bounded(path, "规则集文件", limits.RULESET_BYTES)


def _parse(text: str, path: str, trees=None, chain=(), sources: list | None = None):
    """Parse a ruleset, splice in the libraries it includes and merge it onto the base it extends.

    Include and extends problems are diagnostics; the module's `sources` are
    every other file read (libraries and bases).  `trees` are the folders the
    outermost ruleset may read from: a base's own includes and bases are
    confined to the same places.  `sources`, when given, receives (path, text)
    of every other file parsed on the way — every one goes through `parse`
    below or `load_base` — so that the model cache keys on all of them, and
    (path, None) for every place a file was looked for and not found before
    the one read (a library made there later would be read instead).
    """
    from . import extends, include, parser  # here: a cached ruleset never imports Lark, nor reads includes

    def parse(other_text: str, other_path: str):
        if sources is not None:
            sources.append((other_path, other_text))
        return parser.parse(other_text, other_path)

    module = parser.parse(text, path)
    trees = trees or include.trees_of(path)
    absent = [] if sources is not None else None
    module, diagnostics = include.expand(module, path, parse, read_ruleset, trees, absent)

    def load_base(shown: str, real: str, trail):
        base_text = read_bounded(real, "基础规则集", limits.RULESET_BYTES, error=include.Refused)
        if sources is not None:
            sources.append((real, base_text))
        return _parse(base_text, shown, trees, trail, sources)

    module, more = extends.expand(module, path, load_base, trees, chain, absent)
    if sources is not None:
        sources.extend((other, None) for other in absent)
    return module, diagnostics + more


def sources(model: Model) -> tuple[str, ...]:
    """Every file a model was read from: the ruleset, then its libraries and bases."""
    return (model.path,) + model.module.sources


def _parse_cached(text: str, path: str, cache: bool):
    """`_parse`, through the model cache (`modelcache`) when `cache`: (tree, diagnostics, checked, keep).

    A hit is the tree, no diagnostics, and `checked` when this perfdsl resolved and checked that tree before
    without an error; `keep(checked)` then is None.  A miss is `_parse`'s tree and diagnostics, and
    `keep(checked)` stores a tree that parsed cleanly once the loader knows whether it checks cleanly."""
    from . import modelcache

    if not (cache and modelcache.enabled()):
        return (*_parse(text, path), False, None)
    hit = modelcache.lookup(text, path, read_ruleset)
    if hit is not None:
        return hit[0], [], hit[1], None
    sources: list = []
    module, diagnostics = _parse(text, path, sources=sources)
    if diagnostics:  # only a tree that parsed cleanly is kept
        return module, diagnostics, False, None
    return module, diagnostics, False, lambda checked: modelcache.store(text, path, module, sources, checked)


def _check(model: Model) -> list[Diagnostic]:
    from . import checks  # here: a cached ruleset that checked cleanly before is not checked again

    return list(checks.run_checks(model))


#: Warnings about the range a score's expression can reach (`checks.check_score_range`, `check_full_marks`).
_VALUE_WARNINGS = frozenset(("P410", "P411", "P315"))
#: Errors after which the value of their expression is no fact about the data: a type mismatch, a thousands comma.
_MISREAD = frozenset(("P203", "P121"))


def _without_cascades(resolved: list[Diagnostic], checked: list[Diagnostic]) -> list[Diagnostic]:
    """`checked` less the value warnings on an expression (or, P315, an indicator's line) an error of `_MISREAD` was
    already reported in: the range worked out for money minus a bare number, or for `min(次数, 1, 000)`, is not the
    data's, so "可能为负" or "满分永远得不到" there only repeats the error in other words."""
    wrong = [d.span for d in resolved if d.is_error and d.code in _MISREAD and d.span is not None]
    if not wrong:
        return checked
    return [d for d in checked
            if d.code not in _VALUE_WARNINGS or d.span is None or not any(_overlap(d.span, s) for s in wrong)]


def _overlap(one, other) -> bool:
    """Whether two spans share a character, or `one` is an indicator's head on `other`'s line (P315's place)."""
    if one.source.path != other.source.path:
        return False
    return one.line == other.line or ((one.line, one.column) < (other.end_line, other.end_column)
                                      and (other.line, other.column) < (one.end_line, one.end_column))


def diagnose(text: str, path: str = "<string>") -> tuple[Model | None, list[Diagnostic]]:
    """Every diagnostic for a ruleset's text, and its model when it resolves at all.

    A syntax error stops at the first problem (the rest of the file cannot be
    trusted); everything after parsing is collected.
    """
    with _collector_paused():
        return _diagnose(text, path)


def _diagnose(text: str, path: str):
    try:
        module, diagnostics = _parse(text, path)
    except PerfSyntaxError as exc:
        return None, list(exc.diagnostics)
    # Without its base, or a library it includes, a ruleset says too little to judge: every name the
    # missing file defines would be reported again, as unknown, with a hint to include what it includes.
    if any(d.code in ("P108", "P116") for d in diagnostics):
        return None, diagnostics
    model, found = resolve.resolve(module, path)
    diagnostics += found
    diagnostics += _without_cascades(found, _check(model))
    diagnostics.sort(key=lambda d: (d.span.source.path != path if d.span else False,
                                    d.span.line if d.span else 0, d.span.column if d.span else 0))
    return model, diagnostics


def load_model(text: str, path: str = "<string>", cache: bool = False) -> Model:
    """A checked model, or `PerfSyntaxError`/`PerfCheckError` with every error found.  With `cache`, the
    parsed tree may come from the user's cache (`modelcache`); it is resolved here all the same, and checked
    unless the cache says this perfdsl checked that very tree before and found no error (only errors count
    here: a warning is never shown by a command that loads a model, so none is lost)."""
    module, diagnostics, checked, keep = _parse_cached(text, path, cache)
    if any(d.code.startswith("P1") for d in diagnostics):
        raise PerfSyntaxError(diagnostics)
    model, found = resolve.resolve(module, path)
    diagnostics += found
    if not (checked and not any(d.is_error for d in found)):
        diagnostics += _check(model)
    errors = [d for d in diagnostics if d.is_error]
    if keep is not None:
        keep(not errors)
    if errors:
        raise PerfCheckError(errors)
    return model


def load(path, cache: bool = False, deferred: bool = False) -> Program:
    """Read, check and compile the ruleset at `path` (its parsed tree from the user's cache with `cache`;
    the generated evaluator compiled when first used with `deferred`, `Program`)."""
    text = read_ruleset(path)
    with _collector_paused():
        return Program(load_model(text, str(path), cache=cache), deferred)


def compile_text(text: str, path: str = "<string>", deferred: bool = False) -> Program:
    with _collector_paused():
        return Program(load_model(text, path), deferred)
