"""A cache of parsed rulesets in the user's cache folder: data, never code.

`perfdsl eval` of one record spends most of its time before the first
record: importing Lark and parsing the ruleset and everything it includes.
This keeps the parsed, include-expanded syntax tree (`nodes.Module`) as JSON,
keyed by the ruleset's path and text, with the path and SHA-256 of every other
source the loader read (includes now, ``extends`` bases as they come: every
file that goes through the loader's parse), and a fingerprint of the code
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

from . import LANGUAGE_VERSION, nodes, source, userdirs

try:  # the interpreter's own SHA-256: `hashlib` loads OpenSSL first, 4 ms of every cold start
    from _sha256 import sha256
except ImportError:  # pragma: no cover - other Pythons name it otherwise, or have only hashlib's
    try:
        from _sha2 import sha256
    except ImportError:
        from hashlib import sha256

FORMAT = 2  # 2: an entry says whether its tree resolved and checked without an error ("checked")


def enabled() -> bool:
    return os.environ.get("PERFDSL_NO_CACHE", "").strip().lower() in ("", "0", "false", "no")


def _classes() -> dict:
    out = {}
    for module in (nodes, source):
        for name, value in vars(module).items():
            if isinstance(value, type) and "__attrs_attrs__" in value.__dict__ and value.__module__ == module.__name__:
                out[f"{module.__name__.rsplit('.', 1)[1]}.{name}"] = value
    return out


_CLASSES = _classes()
_NAMES = {cls: name for name, cls in _CLASSES.items()}


def _fingerprint() -> str:
    """The code that builds, resolves and checks a tree: the sizes and modification times of perfdsl's own
    modules (every one: which of them a check's outcome depends on is no list to keep by hand) and the grammar's."""
    here = Path(__file__).resolve().parent
    grammar = here.parent / "grammar"
    modules = sorted(entry.name for entry in os.scandir(here) if entry.name.endswith(".py"))
    files = [here / name for name in modules] + [grammar / "perfdsl.lark", here / "_grammar" / "perfdsl.lark"]
    parts = [LANGUAGE_VERSION, str(FORMAT)]
    for path in files:
        try:
            stat = path.stat()
        except OSError:
            continue
        parts.append(f"{path.name}:{stat.st_size}:{stat.st_mtime_ns}")
    return "|".join(parts)


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
        with open(_entry(entry_key), encoding="utf-8") as handle:
            stored = json.load(handle)
        if not isinstance(stored, dict) or stored.get("format") != FORMAT or stored.get("key") != entry_key:
            return None
        for other, digest in stored["sources"]:
            if not isinstance(other, str) or _digest(read(other)) != digest:
                return None
        module = _Decoder(stored["files"]).decode(stored["module"])
        return (module, stored.get("checked") is True) if isinstance(module, nodes.Module) else None
    except Exception:  # unreadable, truncated, foreign, stale or forged: parse instead (and write it again)
        return None


def store(text: str, path: str, module: nodes.Module, sources, checked: bool = False) -> None:
    """Keep `module` (parsed from `text` at `path`; `sources` are the (path, text) of every other file read);
    `checked`: resolved and checked by this perfdsl without an error."""
    import tempfile

    entry_key = key(text, path)
    target = _entry(entry_key)
    try:
        encoder = _Encoder()
        body = encoder.encode(module)
        data = {"format": FORMAT, "key": entry_key, "checked": bool(checked),
                "sources": [[other, _digest(other_text)] for other, other_text in sources],
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
    except (OSError, TypeError, ValueError, RecursionError):  # a cache is an optimisation: never a reason to fail
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
        if kind is source.SourceFile:
            index = self._file_index.get(value.path)
            if index is None or self.files[index][1] != value.text:
                index = self._file_index[value.path] = len(self.files)
                self.files.append([value.path, value.text])
            return ["S", index]
        name = _NAMES.get(kind)
        if name is None:
            raise TypeError(f"{kind.__name__} is not kept in the cache")
        return ["o", name, {field.alias: self.encode(getattr(value, field.name))
                            for field in kind.__attrs_attrs__ if field.init}]


class _Decoder:
    def __init__(self, files):
        self.files = [source.SourceFile(str(path), str(text)) for path, text in files]

    def decode(self, value):
        if not isinstance(value, list):
            if value is None or isinstance(value, (bool, int, str)):
                return value
            raise ValueError("not a tree")
        tag = value[0]
        if tag == "D":
            return Decimal(value[1])
        if tag == "t":
            return tuple(self.decode(item) for item in value[1])
        if tag == "l":
            return [self.decode(item) for item in value[1]]
        if tag == "f":
            return frozenset(self.decode(item) for item in value[1])
        if tag == "d":
            return {self.decode(k): self.decode(v) for k, v in value[1]}
        if tag == "S":
            return self.files[value[1]]
        if tag == "o":
            cls = _CLASSES[value[1]]  # a KeyError for anything not a tree's class
            return cls(**{str(name): self.decode(item) for name, item in value[2].items()})
        raise ValueError(f"unknown tag {tag!r}")
