"""A regular expression compiled when first used.

`re.compile` parses a pattern in Python: a few hundred microseconds for the long patterns of `targets` and
`printed`, paid at import by every `perfdsl eval` though most rulesets never read a target's text
(docs/architecture.md, "Cold start").  `Pattern(source)` stands where `re.compile(source)` stood; the first
attribute asked compiles it and keeps the compiled pattern's methods on the instance, so that later uses
cost what the compiled pattern's do.
"""

from __future__ import annotations

import re


class Pattern:
    def __init__(self, source: str, flags: int = 0):
        self._source = source
        self._flags = flags

    def __getattr__(self, name):  # only for a name not yet on the instance: the first use
        compiled = re.compile(self._source, self._flags)
        for method in ("match", "fullmatch", "search", "sub", "subn", "split", "findall", "finditer"):
            setattr(self, method, getattr(compiled, method))
        self.pattern = compiled.pattern
        return getattr(compiled, name)
