"""The adapter: an editor's text and uri → what perfdsl makes of it (`Analysis`).

The text goes through the loader's own pipeline (`loader.diagnose`: parse,
includes, resolve, checks), so diagnostics are those of `perfdsl check` for a
file at the document's path; includes are found as the loader finds them,
beside the document, then among the shipped libraries (``common/…``).  The
included files are read from disk, as `perfdsl check` reads them.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import unquote, urlparse

from pygls import uris

from .. import include, limits, loader
from ..errors import Diagnostic, error
from ..model import Model
from ..source import SourceFile, Span
from .index import Index, build_index
from .positions import lines_of


@dataclass
class IncludeRef:
    """An ``include "…"`` or ``extends "…"`` line of the document and the file it names (None when it names none)."""

    written: str
    span: object
    target: str | None
    written_as: str = "include"  # or "extends"


@dataclass
class Analysis:
    uri: str
    path: str
    text: str
    lines: list[str]
    model: Model | None
    diagnostics: list[Diagnostic]
    includes: list[IncludeRef] = field(default_factory=list)
    index: Index | None = None


def path_of(uri: str) -> str:
    """The file path perfdsl reports and resolves includes against; ``<untitled>`` for a buffer with none."""
    if uri.startswith("file:"):
        path = uris.to_fs_path(uri)
        if path:
            return path
        return unquote(urlparse(uri).path)
    return "<untitled>"


def uri_of(path: str) -> str:
    return uris.from_fs_path(os.path.abspath(path)) or path


def analyse(text: str, uri: str) -> Analysis:
    """Everything the features need about one version of a document."""
    path = path_of(uri)
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > limits.RULESET_BYTES:  # what `perfdsl check` refuses to read, the server does not parse either
        message = f"规则集文件过大（{size} 字节，上限 {limits.RULESET_BYTES} 字节）"
        return Analysis(uri, path, text, lines_of(text), None, [error("P115", message, None)])
    model, diagnostics = loader.diagnose(text, path)
    analysis = Analysis(uri, path, text, lines_of(text), model, diagnostics)
    analysis.includes = _includes(text, path)
    if model is not None:
        analysis.index = build_index(model)
    return analysis


#: An include or extends statement (both name a file found the same way): what the grammar allows at the start
#: of a line (or after a `;`), outside strings.
_INCLUDE = re.compile(r'(?:^|;)[ \t\f\u3000]*((?:include|extends)[ \t\f\u3000]+"([^"\n]*)")')
#: A string or a comment: what a line's code ends before (a `#` inside a string is not a comment).
_STRING_OR_COMMENT = re.compile(r'"[^"\n]*"|#')


def _includes(text: str, path: str) -> list[IncludeRef]:
    """The document's include lines, found in its text: the loader's own parse is not asked for them,
    and parsing again would double the time of every keystroke."""
    source = SourceFile(path, text)
    found = []
    for number, line in enumerate(source.lines, start=1):
        if "include" not in line and "extends" not in line:
            continue
        comment = next((m.start() for m in _STRING_OR_COMMENT.finditer(line) if m.group() == "#"), len(line))
        for match in _INCLUDE.finditer(line[:comment]):
            span = Span(source, number, match.start(1) + 1, number, match.end(1) + 1)
            found.append(IncludeRef(match.group(2), span, include_target(path, match.group(2)),
                                    match.group(1).split(None, 1)[0]))
    return found


def include_target(including: str, written: str) -> str | None:
    """The file an include names, found as `include.expand` finds it: beside the file, then shipped."""
    base = os.path.dirname(including) if including and not including.startswith("<") else ""
    candidates = [os.path.normpath(os.path.join(base, written))]
    shipped = include.shipped_libraries()
    if shipped is not None:
        candidates.append(os.path.join(shipped, written))
    return next((os.path.abspath(c) for c in candidates if os.path.isfile(c)), None)
