"""`perfdsl check` of ruleset text sent to the server (pasted or uploaded), confined to the served directory.

The text is checked as if it were a file of the served directory, so that
``include "common/guangdong.perf"`` means what it means for the rulesets
there.  An include that would read anything but a ``.perf`` file found under
that directory when the server started is refused with a diagnostic at its
line, before any file is opened: a request cannot make the server read (or
even test for) a file elsewhere.  (The list of those files is made once, at start.)
"""

from __future__ import annotations

import os
import re

import attrs

from .. import loader, nodes, parser
from ..errors import PerfSyntaxError, error

DEFAULT_NAME = "粘贴.perf"
_UNSAFE = re.compile(r"[\x00-\x1f/\\:*?\"<>|]")


@attrs.frozen
class Report:
    name: str  # the file name the text was checked under
    path: str  # …and the path its diagnostics name
    text: str
    diagnostics: tuple

    @property
    def errors(self) -> int:
        return sum(d.is_error for d in self.diagnostics)

    @property
    def warnings(self) -> int:
        return len(self.diagnostics) - self.errors

    def own(self, diagnostic) -> bool:
        """Whether `diagnostic` points into the checked text (not into a library it includes)."""
        return diagnostic.span is not None and diagnostic.span.source.path == self.path

    def to_json(self) -> dict:
        return {"file": self.path, "errors": self.errors, "warnings": self.warnings,
                "diagnostics": [d.to_json() for d in self.diagnostics]}


def file_name(name: str | None) -> str:
    """A plain file name for the checked text: the last part of what was given, ending in ``.perf``."""
    name = (name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = _UNSAFE.sub("_", name).lstrip(".")
    if not name:
        return DEFAULT_NAME
    return name if name.endswith(".perf") else name + ".perf"


def check(catalog, text: str, name: str | None = None) -> Report:
    """Every diagnostic of `text` (as `perfdsl check` gives them), its includes confined to `catalog`."""
    name = file_name(name)
    path = os.path.join(catalog.directory, name)
    try:
        module = parser.parse(text, path)
    except PerfSyntaxError as exc:
        return Report(name, path, text, tuple(exc.diagnostics))
    refused = [_refusal(decl, catalog.directory) for decl in module.decls
               if isinstance(decl, nodes.Include) and not _allowed(decl.path, path, catalog)]
    if refused:  # the rest can only be checked with the libraries it includes
        return Report(name, path, text, tuple(refused))
    _, diagnostics = loader.diagnose(text, path)
    return Report(name, path, text, tuple(diagnostics))


def _allowed(relative: str, including: str, catalog) -> bool:
    if os.path.isabs(relative) or "\x00" in relative:
        return False
    target = os.path.normpath(os.path.abspath(os.path.join(os.path.dirname(including), relative)))
    return target in catalog.includable  # decided on the text of the path alone: nothing is opened or tested


def _refusal(decl, directory: str):
    return error("P108", f"网页上检查的规则集只能包含所服务目录（{directory}）中的 .perf 文件，"
                         f"`{decl.path}` 不在其中", decl.span,
                 hint="路径相对于该目录，如 include \"common/guangdong.perf\"")
