"""A real LSP client (pygls's `LanguageClient`) driving `python -m perfdsl lsp` over stdio, made synchronous for tests."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from lsprotocol import types
from pygls import uris
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent
TIMEOUT = 60  # seconds for one exchange on a loaded machine; a hung server fails the test instead of hanging it


def uri(path) -> str:
    return uris.from_fs_path(os.path.abspath(path))


def position(text: str, needle: str, nth: int = 0, offset: int = 0) -> types.Position:
    """The LSP position (UTF-16) of the `nth` occurrence of `needle` in `text`, `offset` characters into it."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    at += offset
    line = text.count("\n", 0, at)
    start = text.rfind("\n", 0, at) + 1
    return types.Position(line=line, character=len(text[start:at].encode("utf-16-le")) // 2)


class Session:
    """One server process; `open`/`change` return the diagnostics it publishes for the document."""

    def __init__(self, encodings=None):
        self.loop = asyncio.new_event_loop()
        self.client = LanguageClient("perfdsl-tests", "1")
        self.published: dict[str, list[types.Diagnostic]] = {}
        self.waiting: dict[str, asyncio.Future] = {}
        self.logs: list[types.LogMessageParams] = []
        self.versions: dict[str, int] = {}

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def published(params: types.PublishDiagnosticsParams):
            self.published[params.uri] = list(params.diagnostics)
            future = self.waiting.pop(params.uri, None)
            if future is not None and not future.done():
                future.set_result(list(params.diagnostics))

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def logged(params: types.LogMessageParams):
            self.logs.append(params)

        self.run(self.client.start_io(sys.executable, "-m", "perfdsl", "lsp", cwd=str(ROOT)))
        general = types.GeneralClientCapabilities(position_encodings=encodings) if encodings else None
        self.capabilities = self.run(self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(general=general), root_uri=uri(ROOT),
            process_id=os.getpid()))).capabilities
        self.client.initialized(types.InitializedParams())

    def run(self, coroutine):
        result = self.loop.run_until_complete(asyncio.wait_for(coroutine, TIMEOUT))
        return list(result) if isinstance(result, tuple) else result  # JSON arrays come back as tuples

    def expect(self, target: str) -> asyncio.Future:
        future = self.loop.create_future()
        self.waiting[target] = future
        return future

    def open(self, path, text: str | None = None, also=()) -> list[types.Diagnostic]:
        """Open `path` (with `text`, or as it is on disk); wait for its diagnostics and those for `also`."""
        target = uri(path)
        text = Path(path).read_text(encoding="utf-8") if text is None else text
        futures = [self.expect(target)] + [self.expect(u) for u in also]
        self.versions[target] = 1
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            text_document=types.TextDocumentItem(uri=target, language_id="perf", version=1, text=text)))
        return self.run(asyncio.gather(*futures))[0]

    def change(self, path, text: str) -> list[types.Diagnostic]:
        target = uri(path)
        self.versions[target] += 1
        future = self.expect(target)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=target, version=self.versions[target]),
            content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)]))
        return self.run(future)

    def edit(self, path, *changes: tuple[types.Range, str]) -> list[types.Diagnostic]:
        """Send ranged changes (as a client set for incremental sync does), applied in order."""
        target = uri(path)
        self.versions[target] += 1
        future = self.expect(target)
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=target, version=self.versions[target]),
            content_changes=[types.TextDocumentContentChangePartial(range=where, text=text) for where, text in changes]))
        return self.run(future)

    def close_document(self, path) -> None:
        self.client.text_document_did_close(types.DidCloseTextDocumentParams(
            text_document=types.TextDocumentIdentifier(uri=uri(path))))

    def _doc(self, path):
        return types.TextDocumentIdentifier(uri=uri(path))

    def hover(self, path, where: types.Position):
        return self.run(self.client.text_document_hover_async(types.HoverParams(text_document=self._doc(path), position=where)))

    def definition(self, path, where: types.Position):
        return self.run(self.client.text_document_definition_async(types.DefinitionParams(text_document=self._doc(path), position=where)))

    def references(self, path, where: types.Position, declaration=True):
        return self.run(self.client.text_document_references_async(types.ReferenceParams(
            text_document=self._doc(path), position=where,
            context=types.ReferenceContext(include_declaration=declaration))))

    def completion(self, path, where: types.Position):
        return self.run(self.client.text_document_completion_async(types.CompletionParams(text_document=self._doc(path), position=where)))

    def symbols(self, path):
        return self.run(self.client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=self._doc(path))))

    def formatting(self, path):
        return self.run(self.client.text_document_formatting_async(types.DocumentFormattingParams(
            text_document=self._doc(path), options=types.FormattingOptions(tab_size=2, insert_spaces=True))))

    def code_actions(self, path, diagnostics):
        where = diagnostics[0].range if diagnostics else types.Range(types.Position(0, 0), types.Position(0, 0))
        return self.run(self.client.text_document_code_action_async(types.CodeActionParams(
            text_document=self._doc(path), range=where, context=types.CodeActionContext(diagnostics=diagnostics))))

    def shutdown(self) -> int | None:
        try:
            self.run(self.client.shutdown_async(None))
            self.client.exit(None)
            self.run(self.client.stop())
        finally:
            self.loop.close()
        return self.client._server.returncode if self.client._server else None
