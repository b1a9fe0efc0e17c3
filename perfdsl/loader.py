"""The only module that knows the order of the phases: read → parse → resolve → check → compile."""

from __future__ import annotations

from . import checks, extends, include, limits, parser, resolve
from .errors import Diagnostic, PerfCheckError, PerfSyntaxError
from .files import read_bounded
from .model import Model
from .program import Program


def read_ruleset(path) -> str:
    """A ruleset's text: a regular UTF-8 file of bounded size (limits.RULESET_BYTES)."""
    return read_bounded(path, "规则集文件", limits.RULESET_BYTES)


def _parse(text: str, path: str, trees=None, chain=()):
    """Parse a ruleset, splice in the libraries it includes and merge it onto the base it extends.

    Include and extends problems are diagnostics; the module's `sources` are
    every other file read (libraries and bases), for a cache to key on.
    `trees` are the folders the outermost ruleset may read from: a base's own
    includes and bases are confined to the same places.
    """
    module = parser.parse(text, path)
    trees = trees or include.trees_of(path)
    module, diagnostics = include.expand(module, path, parser.parse, read_ruleset, trees)

    def load_base(shown: str, real: str, trail):
        text = read_bounded(real, "基础规则集", limits.RULESET_BYTES, error=include.Refused)
        return _parse(text, shown, trees, trail)

    module, more = extends.expand(module, path, load_base, trees, chain)
    return module, diagnostics + more


def sources(model: Model) -> tuple[str, ...]:
    """Every file a model was read from: the ruleset, then its libraries and bases."""
    return (model.path,) + model.module.sources


def diagnose(text: str, path: str = "<string>") -> tuple[Model | None, list[Diagnostic]]:
    """Every diagnostic for a ruleset's text, and its model when it resolves at all.

    A syntax error stops at the first problem (the rest of the file cannot be
    trusted); everything after parsing is collected.
    """
    try:
        module, diagnostics = _parse(text, path)
    except PerfSyntaxError as exc:
        return None, list(exc.diagnostics)
    if any(d.code == "P116" for d in diagnostics):  # without its base a ruleset says too little to judge
        return None, diagnostics
    model, found = resolve.resolve(module, path)
    diagnostics += found
    diagnostics += list(checks.run_checks(model))
    diagnostics.sort(key=lambda d: (d.span.source.path != path if d.span else False,
                                    d.span.line if d.span else 0, d.span.column if d.span else 0))
    return model, diagnostics


def load_model(text: str, path: str = "<string>") -> Model:
    """A checked model, or `PerfSyntaxError`/`PerfCheckError` with every error found."""
    module, diagnostics = _parse(text, path)
    if any(d.code.startswith("P1") for d in diagnostics):
        raise PerfSyntaxError(diagnostics)
    model, found = resolve.resolve(module, path)
    diagnostics += found
    diagnostics += list(checks.run_checks(model))
    errors = [d for d in diagnostics if d.is_error]
    if errors:
        raise PerfCheckError(errors)
    return model


def load(path) -> Program:
    """Read, check and compile the ruleset at `path`."""
    return Program(load_model(read_ruleset(path), str(path)))


def compile_text(text: str, path: str = "<string>") -> Program:
    return Program(load_model(text, path))
