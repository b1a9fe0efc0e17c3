"""perfdsl diagnostics → LSP diagnostics, grouped by the uri of the file each one is located in.

The message is perfdsl's; the hint, which `check` prints after the caret,
follows on its own line; a note with a place becomes related information, a
note without one is added to the message.  A diagnostic's `fix` travels in
`data` for the quick fix (`actions`).
"""

from __future__ import annotations

from lsprotocol import types

from ..errors import Diagnostic, Severity
from ..source import Span
from .document import Analysis, uri_of
from .positions import lines_of, to_range

_SEVERITY = {Severity.ERROR: types.DiagnosticSeverity.Error, Severity.WARNING: types.DiagnosticSeverity.Warning}


def span_range(span: Span) -> types.Range:
    return to_range(lines_of(span.source.text), span)


def location(span: Span) -> types.Location:
    return types.Location(uri=uri_of(span.source.path), range=span_range(span))


def by_uri(analysis: Analysis) -> dict[str, list[types.Diagnostic]]:
    """The document's diagnostics (always a key, so that fixed problems are cleared) and its includes'."""
    out: dict[str, list[types.Diagnostic]] = {analysis.uri: []}
    for diagnostic in analysis.diagnostics:
        span = diagnostic.span
        uri = analysis.uri if span is None or span.source.path == analysis.path else uri_of(span.source.path)
        out.setdefault(uri, []).append(convert(diagnostic))
    return out


def convert(diagnostic: Diagnostic) -> types.Diagnostic:
    span = diagnostic.span
    where = span_range(span) if span is not None else types.Range(start=types.Position(line=0, character=0),
                                                                   end=types.Position(line=0, character=0))
    message = diagnostic.message
    if diagnostic.hint:
        message += f"\n提示：{diagnostic.hint}"
    related = []
    for text, place in diagnostic.notes:
        if place is None:
            message += f"\n注：{text}"
        else:
            related.append(types.DiagnosticRelatedInformation(location=location(place), message=text))
    return types.Diagnostic(
        range=where, message=message, severity=_SEVERITY[diagnostic.severity], code=diagnostic.code,
        source="perfdsl", related_information=related or None,
        data={"fix": diagnostic.fix} if diagnostic.fix is not None else None,
    )
