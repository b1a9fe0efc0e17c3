"""A cache of parsed rulesets in the user's cache folder: data, never code.

`perfdsl eval` of one record spends most of its time before the first
record: importing Lark and parsing the ruleset and everything it includes.
This keeps the parsed, include-expanded syntax tree (`nodes.Module`) as JSON,
keyed by the ruleset's path and text, with the path and SHA-256 of every other
source the loader read (includes now, ``extends`` bases as they come: every
file that goes through the loader's parse), the places an include or base was
looked for first and not found (beside the file, for a shipped library: one
made there later is read instead), and a fingerprint of the code
that builds and checks the tree (the grammar, perfdsl's own modules, its
language version).  A hit skips the parse — and Lark's import — and the
loader then *resolves the tree again* (milliseconds, linear): the model, with
its maps from expressions to types, is always built fresh in this process, so
nothing keyed by an object's identity is ever stored.  The static checks run
again too, unless the entry says this code already resolved and checked this
very tree without an error (``"checked"``; docs/architecture.md, "Cold start").

What is read back is data only: JSON decoded into the frozen classes of
`nodes` and `source` listed in `_CLASSES` (a tag naming anything else fails
the entry), never `pickle`, `marshal` or source text given to `exec`.  An entry
that is truncated, foreign, stale (a source changed) or forged is ignored
and written again.  Entries are written atomically (a temporary file, then
`os.replace`).  ``perfdsl eval --no-cache`` or ``PERFDSL_NO_CACHE=1`` turns the
cache off; ``PERFDSL_CACHE_DIR`` moves it (`userdirs`).  Entries a ruleset
left behind are not pruned (a few KB to a few hundred each).
"""

from __future__ import annotations

import json
import os
from decimal import Decimal
from pathlib import Path

from . import LANGUAGE_VERSION, forms, limits, nodes, source, userdirs
from .files import read_bounded

try:  # the interpreter's own SHA-256: `hashlib` loads OpenSSL first, 4 ms of every cold start
    from _sha256 import sha256
except ImportError:  # pragma: no cover - other Pythons name it otherwise, or have only hashlib's
    try:
        from _sha2 import sha256
    except ImportError:
        from hashlib import sha256

#: The most an entry is read of: the texts of a ruleset and its sources with their tree, many times over.
ENTRY_BYTES = 64 * limits.RULESET_BYTES

FORMAT = 3  # 2: an entry says whether its tree resolved and checked without an error ("checked"); 3: an
#            object's fields by position, not by name, a span flat (smaller, decoded with fewer calls)


def enabled() -> bool:
    return os.environ.get("PERFDSL_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


def _classes() -> dict:
    out = {}
    for module in (nodes, source):
        for name, value in vars(module).items():
            if isinstance(value, type) and "__attrs_attrs__" in value.__dict__ and value.__module__ == module.__name__:
                out[f"{module.__name__.rsplit('.', 1)[1]}.{name}"] = value
    for name, value in forms.NODES.items():  # a rule form's classes, kept as `nodes`' (where they were declared)
        out[f"nodes.{name}"] = value
    return out


_CLASSES = _classes()
_NAMES = {cls: name for name, cls in _CLASSES.items()}


def _fingerprint() -> str:
    """The code that builds, resolves and checks a tree: the sizes and modification times of perfdsl's own
    modules (every one: which of them a check's outcome depends on is no list to keep by hand) and the grammar's."""
    here = Path(__file__).resolve().parent
    grammar = here.parent / "grammar"
    modules = sorted(entry.name for entry in os.scandir(here) if entry.name.endswith(".py"))
    # the rule forms
    modules += sorted("forms/" + entry.name for entry in os.scandir(here / "forms") if entry.name.endswith(".py"))
    files = [here / name for name in modules] + [grammar / "perfdsl.lark", here / "_grammar" / "perfdsl.lark"]
    parts = [LANGUAGE_VERSION, str(FORMAT)]
    for path in files + _lark():
        try:
            stat = path.stat()
        except OSError:
            continue
        parts.append(f"{path.parent.name}/{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


def _lark() -> list[Path]:
    """Lark's ``__init__.py`` (its version is written there), found as the import system would find it first but
    without importing it (a hit never imports Lark): another Lark may parse the same text into another tree."""
    import sys

    loaded = sys.modules.get("lark")
    if loaded is not None and getattr(loaded, "__file__", None):
        return [Path(loaded.__file__)]
    for entry in sys.path:
        candidate = Path(entry or ".") / "lark" / "__init__.py"
        if candidate.is_file():
            return [candidate]
    return []


def _digest(text: str) -> str:
    return sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def key(text: str, path: str) -> str:
    # the path as given is in every span (messages say it), the absolute one says what a relative include reads
    return _digest("\0".join((_fingerprint(), path, os.path.abspath(path), _digest(text))))


def _entry(entry_key: str) -> Path:
    return userdirs.cache_dir() / "models" / f"{entry_key}.json"


def lookup(text: str, path: str, read) -> tuple[nodes.Module, bool] | None:
    """The cached tree for ruleset `text` at `path`, if an entry is whole, this tree's, and every other
    source it was built from (`read(path)` gives its text now) is unchanged; else None.  With the tree,
    whether this perfdsl's resolve and checks found no error in it (`store`'s `checked`)."""
    entry_key = key(text, path)
    try:
        # bounded, and only a regular file: a FIFO or /dev/zero in the cache folder is no hang
        stored = json.loads(read_bounded(_entry(entry_key), "缓存", ENTRY_BYTES, error=ValueError))
        if not isinstance(stored, dict) or stored.get("format") != FORMAT or stored.get("key") != entry_key:
            return None
        for other, digest in stored["sources"]:
            if not isinstance(other, str):
                return None
            if digest is None:  # a place looked in first and found empty: a file there now would be read
                if os.path.lexists(other):
                    return None
            elif _digest(read(other)) != digest:
                return None
        module = _Decoder(stored["files"]).decode(stored["module"])
        return (module, stored.get("checked") is True) if isinstance(module, nodes.Module) else None
    except Exception:  # unreadable, truncated, foreign, stale or forged: parse instead (and write it again)
        return None


def store(text: str, path: str, module: nodes.Module, sources, checked: bool = False) -> None:
    """Keep `module` (parsed from `text` at `path`; `sources` are the (path, text) of every other file read,
    and (path, None) of every place looked in first and found empty); `checked`: resolved and checked by
    this perfdsl without an error."""
    import tempfile

    try:
        entry_key = key(text, path)
        target = _entry(entry_key)  # no home folder to find it in: a RuntimeError
        encoder = _Encoder()
        body = encoder.encode(module)
        data = {"format": FORMAT, "key": entry_key, "checked": bool(checked),
                "sources": [[other, None if other_text is None else _digest(other_text)]
                            for other, other_text in sources],
                "files": encoder.files, "module": body}
        payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=target.parent, prefix=".model.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(payload)
            os.replace(temporary, target)
        except BaseException:
            with _quiet():
                os.unlink(temporary)
            raise
    except (OSError, TypeError, ValueError, RuntimeError):  # a cache is an optimisation: never a reason to fail
        # (RuntimeError: a tree too deep to encode, RecursionError, or a cache folder Path.home cannot place)
        pass


class _quiet:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], OSError)


class _Encoder:
    """Trees to JSON: ``[tag, …]`` lists for everything JSON has no word for."""

    def __init__(self):
        self.files: list = []  # [path, text] of each SourceFile, stored once
        self._file_index: dict = {}

    def encode(self, value):
        kind = type(value)
        if value is None or kind in (bool, int, float) and kind is not float:
            return value
        if kind is str:
            return value
        if isinstance(value, str):  # the parser's names carry a span: the text is what the tree keeps
            return str.__str__(value)
        if kind is Decimal:
            return ["D", str(value)]
        if kind is tuple:
            return ["t", [self.encode(item) for item in value]]
        if kind is list:
            return ["l", [self.encode(item) for item in value]]
        if kind is frozenset:
            return ["f", [self.encode(item) for item in value]]
        if kind is dict:
            return ["d", [[self.encode(k), self.encode(v)] for k, v in value.items()]]
        if kind is source.Span:  # half the objects of a tree: written flat
            return ["s", self._file(value.source), value.line, value.column, value.end_line, value.end_column]
        if kind is source.SourceFile:
            return ["S", self._file(value)]
        name = _NAMES.get(kind)
        if name is None:
            raise TypeError(f"{kind.__name__} is not kept in the cache")
        return ["o", name, [self.encode(getattr(value, field)) for field in _plan(kind)[0]]]

    def _file(self, file: source.SourceFile) -> int:
        index = self._file_index.get(file.path)
        if index is None or self.files[index][1] != file.text:
            index = self._file_index[file.path] = len(self.files)
            self.files.append([file.path, file.text])
        return index


def _plan(cls) -> tuple:
    """(names of the fields an entry holds, in order: those given to ``__init__``; how many of them are given
    by position, the rest by keyword; those keywords), worked out once per class."""
    plan = _PLANS.get(cls)
    if plan is None:
        given = [item for item in cls.__attrs_attrs__ if item.init]
        given.sort(key=lambda item: item.kw_only)  # positional ones first, each group in field order
        keywords = tuple(item.alias for item in given if item.kw_only)
        plan = _PLANS[cls] = (tuple(item.name for item in given), len(given) - len(keywords), keywords)
    return plan


_PLANS: dict = {}
_SCALARS = frozenset((type(None), bool, int, str))  # what JSON gives that a tree holds as it is
_SEQUENCES = {"t": tuple, "l": list, "f": frozenset}


class _Decoder:
    """JSON back to trees: each object made by its class's own ``__init__``, from the values `_Encoder` wrote
    in `_plan`'s order (a count that does not fit is a TypeError: the entry is ignored)."""

    def __init__(self, files):
        self.files = [source.SourceFile(str(path), str(text)) for path, text in files]
        self._made = {name: (cls, *_plan(cls)[1:]) for name, cls in _CLASSES.items()}

    def decode(self, value):
        if value.__class__ is not list:
            if value.__class__ in _SCALARS:
                return value
            raise ValueError("not a tree")
        tag = value[0]
        decode = self.decode
        if tag == "o":
            cls, positional, keywords = self._made[value[1]]  # a KeyError for anything not a tree's class
            values = [item if item.__class__ in _SCALARS else decode(item) for item in value[2]]
            if len(values) != positional + len(keywords):
                raise TypeError(f"{value[1]}: {len(values)} values")
            if keywords:
                return cls(*values[:positional], **dict(zip(keywords, values[positional:])))
            return cls(*values)
        if tag == "s":
            if len(value) != 6:
                raise ValueError("not a span")
            return source.Span(self.files[value[1]], *value[2:])
        if tag == "D":
            return Decimal(value[1])
        if tag == "S":
            return self.files[value[1]]
        if tag == "d":
            return {decode(k): decode(v) for k, v in value[1]}
        if tag not in _SEQUENCES:
            raise ValueError(f"unknown tag {tag!r}")
        return _SEQUENCES[tag]([item if item.__class__ in _SCALARS else decode(item) for item in value[1]])
