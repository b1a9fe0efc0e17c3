"""The pygls wiring of `perfdsl lsp`: each request is handed to a pure feature function.

Documents are synchronised whole (a ruleset is small, and the server then
never applies an edit with line rules other than the lexer's); a client that
sends ranges anyway has them applied as it counts them (`positions.apply_change`).  Positions are
UTF-16, LSP's default, which every client speaks (`positions`).  Every handler
catches what goes wrong, logs it to the client and answers as if there were
nothing to say: a hostile document never stops the server.
"""

from __future__ import annotations

import functools
import os
import sys
import time
import traceback

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.protocol import LanguageServerProtocol, lsp_method

from . import actions, completion, diagnostics, formatting, hover, navigation, symbols
from .document import Analysis, analyse
from .positions import apply_change, from_lsp


class _Protocol(LanguageServerProtocol):
    @lsp_method(types.INITIALIZE)
    def lsp_initialize(self, params: types.InitializeParams):
        general = params.capabilities.general
        if general is not None:  # offered UTF-8 first, pygls would choose it; the features count in UTF-16
            general.position_encodings = None
        return (yield from super().lsp_initialize(params))

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: types.DidChangeTextDocumentParams):
        # The server asks for whole texts, but a client that sends ranges anyway would have pygls put the
        # fragment in place of the document: apply each change here, as the client counts, and pass the result.
        document = self.workspace.text_documents.get(params.text_document.uri)
        if document is not None and any(isinstance(c, types.TextDocumentContentChangePartial)
                                        for c in params.content_changes):
            text = document.source
            for change in params.content_changes:
                text = apply_change(text, change)
            params.content_changes = [types.TextDocumentContentChangeWholeDocument(text=text)]
        return (yield from super().lsp_text_document__did_change(params))


class PerfServer(LanguageServer):
    def __init__(self):
        super().__init__("perfdsl", _version(), text_document_sync_kind=types.TextDocumentSyncKind.Full,
                         protocol_cls=_Protocol)
        self.analyses: dict[str, Analysis] = {}
        self.last_good: dict[str, Analysis] = {}  # the last analysis that resolved, for completion while typing
        self.published: dict[str, set[str]] = {}  # document → the uris its diagnostics went to
        self.open: set[str] = set()

    def analysis(self, uri: str) -> Analysis:
        text = self.workspace.get_text_document(uri).source
        cached = self.analyses.get(uri)
        if cached is not None and cached.text == text:
            return cached
        started = time.perf_counter()
        current = analyse(text, uri)
        self.analyses[uri] = current
        if current.index is not None:
            self.last_good[uri] = current
        self.log(types.MessageType.Log, f"perfdsl: {uri} 分析用时 {(time.perf_counter() - started) * 1000:.0f} ms")
        return current

    def log(self, kind: types.MessageType, message: str) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def publish(self, uri: str) -> None:
        found = diagnostics.by_uri(self.analysis(uri))
        for stale in self.published.get(uri, set()) - set(found):
            found[stale] = []  # an included file whose problems are gone
        sent = set()
        for target, items in found.items():
            if target != uri and target in self.open:
                continue  # an included file open in the editor: its own analysis speaks for it
            self.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=target, diagnostics=items))
            if items and target != uri:
                sent.add(target)
        self.published[uri] = sent


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("perfdsl")
    except PackageNotFoundError:  # a source tree that was never installed
        return "0"


server = PerfServer()


def _guarded(default):
    """Run a handler; on any failure log it to the client and answer `default()`."""

    def wrap(handler):
        @functools.wraps(handler)
        def run(ls: PerfServer, params):
            try:
                return handler(ls, params)
            except Exception as exc:  # noqa: BLE001 — the server must outlive any document
                where = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)[-3:])
                ls.log(types.MessageType.Error, f"perfdsl lsp：{handler.__name__} 出错：{exc!r}\n{where}")
                return default()

        return run

    return wrap


def _at(ls: PerfServer, params) -> tuple[Analysis, int, int]:
    analysis = ls.analysis(params.text_document.uri)
    line, column = from_lsp(analysis.lines, params.position)
    return analysis, line, column


#: Analysed once when the client is ready, so that the first document opened does not pay for loading
#: the grammar's tables and the checks (~0.4 s) and shows its diagnostics as quickly as the next change.
_WARM_UP = ('ruleset "预热" { precision 2 }\ninput 甲: rate\n'
            "scorecard 卡 max 1 {\n  indicator 乙 1 { ratio 甲 / 1 }\n}\n")


@server.feature(types.INITIALIZED)
@_guarded(lambda: None)
def initialized(ls: PerfServer, params: types.InitializedParams):
    analyse(_WARM_UP, "untitled:warm-up")


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
@_guarded(lambda: None)
def did_open(ls: PerfServer, params: types.DidOpenTextDocumentParams):
    ls.open.add(params.text_document.uri)
    ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
@_guarded(lambda: None)
def did_change(ls: PerfServer, params: types.DidChangeTextDocumentParams):
    ls.publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
@_guarded(lambda: None)
def did_save(ls: PerfServer, params: types.DidSaveTextDocumentParams):
    ls.analyses.pop(params.text_document.uri, None)  # an included file may have changed on disk meanwhile
    ls.publish(params.text_document.uri)


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@_guarded(lambda: None)
def watched_files_changed(ls: PerfServer, params: types.DidChangeWatchedFilesParams):
    """A .perf file changed on disk (the client watches them): it may be included, so look at every document again."""
    ls.analyses.clear()
    for uri in sorted(ls.open):
        ls.publish(uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
@_guarded(lambda: None)
def did_close(ls: PerfServer, params: types.DidCloseTextDocumentParams):
    uri = params.text_document.uri
    ls.open.discard(uri)
    for target in (ls.published.pop(uri, set()) - ls.open) | {uri}:
        ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=target, diagnostics=[]))
    ls.analyses.pop(uri, None)
    ls.last_good.pop(uri, None)
    for other in sorted(ls.open):  # a library closed: the open files that include it show its problems again
        ls.publish(other)


@server.feature(types.TEXT_DOCUMENT_FORMATTING)
@_guarded(list)
def formatting_(ls: PerfServer, params: types.DocumentFormattingParams):
    analysis = ls.analysis(params.text_document.uri)
    return formatting.format_document(analysis.text, analysis.path)


@server.feature(types.TEXT_DOCUMENT_HOVER)
@_guarded(lambda: None)
def hover_(ls: PerfServer, params: types.HoverParams):
    return hover.hover(*_at(ls, params))


@server.feature(types.TEXT_DOCUMENT_DEFINITION)
@_guarded(list)
def definition(ls: PerfServer, params: types.DefinitionParams):
    return navigation.definition(*_at(ls, params))


@server.feature(types.TEXT_DOCUMENT_REFERENCES)
@_guarded(list)
def references(ls: PerfServer, params: types.ReferenceParams):
    return navigation.references(*_at(ls, params), params.context.include_declaration)


@server.feature(types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=["`"]))
@_guarded(list)
def complete(ls: PerfServer, params: types.CompletionParams):
    analysis, line, column = _at(ls, params)
    good = analysis if analysis.index is not None else ls.last_good.get(params.text_document.uri)
    prefix = completion.word_before(analysis.lines[line - 1], column)
    return completion.complete(good.index if good is not None else None, prefix)


@server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
@_guarded(list)
def document_symbols(ls: PerfServer, params: types.DocumentSymbolParams):
    return symbols.outline(ls.analysis(params.text_document.uri))


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
@_guarded(list)
def code_actions(ls: PerfServer, params: types.CodeActionParams):
    uri = params.text_document.uri
    known = diagnostics.by_uri(ls.analysis(uri)).get(uri, [])
    return actions.quick_fixes(uri, params.context.diagnostics, known)


def run() -> None:
    """Serve over standard input/output until the client says exit.

    The protocol gets its own copies of the two descriptors: pygls closes them
    on exit, and Python's standard streams must stay open for the CLI to close
    (else "I/O operation on closed file" and exit status 1 after a clean
    shutdown).  Anything printed by mistake goes to stderr, never into the
    protocol's stream.
    """
    reader = os.fdopen(os.dup(sys.stdin.fileno()), "rb")
    writer = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    sys.stdout = sys.stderr
    server.start_io(reader, writer)
