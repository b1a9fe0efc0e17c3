"""`textDocument/codeAction`: a quick fix for each diagnostic that carries one (`Diagnostic.fix`).

The fix replaces the diagnostic's range: a full-width `：` with `:`, `=` with
`==`, a misspelt name with the declared one it is closest to.
"""

from __future__ import annotations

from lsprotocol import types


def quick_fixes(uri: str, diagnostics: list[types.Diagnostic], known=()) -> list[types.CodeAction]:
    """Fixes for the client's `diagnostics`; one whose `data` the client dropped is matched in `known`
    (the server's own for the current text) by code and range."""
    actions = []
    for diagnostic in diagnostics:
        fix = _fix(diagnostic)
        if fix is None:
            same = [k for k in known if k.code == diagnostic.code and k.range == diagnostic.range]
            fix = _fix(same[0]) if same else None
        if fix is None:
            continue
        edit = types.TextEdit(range=diagnostic.range, new_text=fix)
        actions.append(types.CodeAction(
            title=f"改为 {fix}（{diagnostic.code}）", kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic], is_preferred=True,
            edit=types.WorkspaceEdit(changes={uri: [edit]}),
        ))
    return actions


def _fix(diagnostic: types.Diagnostic) -> str | None:
    data = diagnostic.data if isinstance(diagnostic.data, dict) else {}
    fix = data.get("fix")
    return fix if isinstance(fix, str) and diagnostic.source == "perfdsl" else None
