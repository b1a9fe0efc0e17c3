"""`perfdsl lsp`: a Language Server for `.perf` rulesets over standard input/output (DESIGN §7).

`server` is the pygls wiring and nothing else; every feature is a pure
function of a document's `Analysis` (`document.analyse(text, uri)`), which runs
perfdsl's own pipeline — the loader's parse, includes, resolve and checks — on
the editor's text, so an editor shows exactly what `perfdsl check` prints.
"""
