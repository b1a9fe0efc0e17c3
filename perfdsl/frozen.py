"""Immutable value classes without generated code: what `@attrs.frozen` gives, at a fraction of the import cost.

attrs writes Python source for every class's ``__init__``, ``__eq__``, ``__hash__`` and ``__repr__`` and
compiles it when the class is made — about a millisecond a class, and the syntax tree alone has sixty
(docs/architecture.md, "Cold start").  The classes here get the same methods as closures over the class's
field list, made without `compile`: construction costs what attrs' generated ``__init__`` costs (a loop
of `object.__setattr__` instead of unrolled calls), equality and hashing compare an `operator.attrgetter`
tuple, and nothing is compiled at import.

    @frozen
    class Num(Expr):
        value: Decimal
        kind: str
        unit: str | None = None
        text: str = field(default="", eq=False)

Fields are the class's annotated names, in order, after those of its frozen bases; a default (or a
`field`) follows the annotation.  The class is rebuilt with ``__slots__`` (and a ``__weakref__`` slot at
the root), frozen (setting or deleting an attribute raises `FrozenInstanceError`, an `AttributeError`),
equal by its ``eq`` fields and of the same class (hashable alike), unless ``@frozen(eq=False)``: then by
identity.  Copy, deepcopy and pickle keep every field, ``init=False`` ones too.

The classes answer attrs' own functions — ``attrs.fields``, ``attrs.has``, ``attrs.evolve`` — through
``__attrs_attrs__``, a tuple of `Field`s carrying the attributes those functions read (``name``,
``alias``, ``init``, ``default`` …), so callers need not know which kind of class they hold
(tests/test_frozen.py holds this against the installed attrs).
"""

from __future__ import annotations

from operator import attrgetter

__all__ = ["FrozenInstanceError", "Field", "evolve", "field", "frozen", "NOTHING"]

_set = object.__setattr__


class _Nothing:
    __slots__ = ()

    def __repr__(self):
        return "NOTHING"

    def __bool__(self):
        return False


#: No default: the field must be given.
NOTHING = _Nothing()


class FrozenInstanceError(AttributeError):
    """An attempt to change a frozen instance (attrs raises its own class of the same name, also an
    `AttributeError`)."""

    msg = "can't set attribute"
    args = ("can't set attribute",)


def _frozen_setattr(self, name, value):
    raise FrozenInstanceError()


def _frozen_delattr(self, name):
    raise FrozenInstanceError()


class Field:
    """One field of a frozen class, with the attribute names of `attrs.Attribute` that attrs' functions read."""

    __slots__ = ("name", "alias", "default", "factory", "takes_self", "init", "eq", "repr", "hash", "kw_only",
                 "inherited", "type", "converter", "validator", "metadata", "on_setattr", "order", "eq_key",
                 "order_key")

    def __init__(self, name, default=NOTHING, factory=None, takes_self=False, init=True, eq=True, repr=True,
                 kw_only=False, inherited=False, type=None):
        values = {"name": name, "alias": name.lstrip("_") if name.startswith("_") and not name.startswith("__")
                  else name, "default": default, "factory": factory, "takes_self": takes_self, "init": init,
                  "eq": eq, "repr": repr, "hash": None, "kw_only": kw_only, "inherited": inherited, "type": type,
                  "converter": None, "validator": None, "metadata": {}, "on_setattr": None, "order": eq,
                  "eq_key": None, "order_key": None}
        for key, value in values.items():
            _set(self, key, value)

    __setattr__ = _frozen_setattr

    @property
    def required(self) -> bool:
        return self.default is NOTHING and self.factory is None

    def inherit(self) -> Field:
        return Field(self.name, self.default, self.factory, self.takes_self, self.init, self.eq, self.repr,
                     self.kw_only, True, self.type)

    def __repr__(self):
        return f"Field(name={self.name!r}, init={self.init}, eq={self.eq}, kw_only={self.kw_only})"


class _Spec:
    """What `field(…)` leaves in a class body until `frozen` reads it."""

    __slots__ = ("options",)

    def __init__(self, options):
        self.options = options


def field(*, default=NOTHING, factory=None, takes_self=False, init=True, eq=True, repr=True, kw_only=False):
    """A field's options, as with `attrs.field`: `factory` makes the default (given the half-made instance
    with `takes_self`, after every field before it is set); ``eq=False`` leaves it out of equality and
    hashing, ``repr=False`` out of the repr, ``init=False`` out of ``__init__`` (it needs a default)."""
    if default is not NOTHING and factory is not None:
        raise TypeError("a field has a default or a factory, not both")
    if takes_self and init:
        raise TypeError("only a field left out of __init__ may be made from the instance (takes_self)")
    if not init and default is NOTHING and factory is None:
        raise TypeError("a field left out of __init__ needs a default or a factory")
    return _Spec({"default": default, "factory": factory, "takes_self": takes_self, "init": init, "eq": eq,
                  "repr": repr, "kw_only": kw_only})


def evolve(instance, **changes):
    """A copy of `instance` with `changes`, as `attrs.evolve` makes it (which works on these classes too)."""
    for item in instance.__attrs_attrs__:
        if item.init and item.alias not in changes:
            changes[item.alias] = getattr(instance, item.name)
    return instance.__class__(**changes)


class _Fields(tuple):
    """The fields of a class, also by name (``attrs.fields(Num).value``), as attrs gives them."""

    __slots__ = ()

    def __getattr__(self, name):
        for item in self:
            if item.name == name:
                return item
        raise AttributeError(name)


def frozen(cls=None, *, eq: bool = True):
    """The decorator: `cls` rebuilt as a slotted, frozen class with the methods of its fields."""
    if cls is None:
        return lambda cls: _build(cls, eq)
    return _build(cls, eq)


def _build(cls, eq: bool):
    body = dict(cls.__dict__)
    inherited = []
    for base in reversed(cls.__mro__[1:]):
        for item in base.__dict__.get("__attrs_attrs__", ()):
            if item.name not in [f.name for f in inherited]:
                inherited.append(item.inherit())
    own = []
    for name in body.get("__annotations__", {}):
        value = body.pop(name, NOTHING)
        options = value.options if isinstance(value, _Spec) else {"default": value}
        if any(f.name == name for f in inherited):
            raise TypeError(f"{cls.__name__}.{name}: a field may not redefine an inherited one")
        own.append(Field(name, **options))
    fields = _Fields(inherited + own)
    for key in ("__dict__", "__weakref__"):
        body.pop(key, None)
    for key in ("__init__", "__eq__", "__hash__", "__setattr__", "__getstate__", "__setstate__"):
        if key in body:
            raise TypeError(f"{cls.__name__}: a frozen class makes its own {key}")
    body["__qualname__"] = cls.__qualname__
    for value in body.values():
        if getattr(getattr(value, "__code__", None), "co_freevars", ()) and "__class__" in value.__code__.co_freevars:
            raise TypeError(f"{cls.__name__}: super() and __class__ are not supported in a frozen class")
    has_weakref = any("__weakref__" in getattr(base, "__slots__", ()) or
                      (base is not object and "__weakref__" in base.__dict__) for base in cls.__mro__[1:])
    body["__slots__"] = tuple(f.name for f in own) + (() if has_weakref else ("__weakref__",))
    body["__attrs_attrs__"] = fields
    body["__match_args__"] = tuple(f.name for f in fields if f.init and not f.kw_only)
    body["__init__"] = _init(fields, cls.__name__)
    body["__setattr__"] = _frozen_setattr
    body["__delattr__"] = _frozen_delattr
    body.setdefault("__repr__", _repr(fields))
    body["__getstate__"], body["__setstate__"] = _state(fields)
    if eq:
        body["__eq__"], body["__ne__"], body["__hash__"] = _equality(fields)
    return type(cls)(cls.__name__, cls.__bases__, body)


def _init(fields, class_name):
    positional = tuple(f for f in fields if f.init and not f.kw_only)
    keywords = tuple(f for f in fields if f.init and f.kw_only)
    derived = tuple(f for f in fields if not f.init)
    names = tuple(f.name for f in positional + keywords)
    count = len(positional)
    required = 0
    for index, item in enumerate(positional):
        if item.required:
            if index > required:
                raise TypeError(f"{class_name}: no mandatory field may follow one with a default ({item.name})")
            required = index + 1
    # The fast paths: positional arguments, and at most the one keyword-only field (a node's span) by name;
    # every other call (other keywords, a factory's default, a mistake) goes through `bind`.
    plain = not any(f.factory is not None or (f.kw_only and f.required) for f in positional + keywords)
    positional_tail = tuple(f.default for f in positional[required:])
    tail = positional_tail + tuple(f.default for f in keywords)
    single = keywords[0].alias if len(keywords) == 1 else None
    # a call naming every field it does not give by position (attrs.evolve, the model cache's decoder)
    named_after = [tuple(f.alias for f in (positional + keywords)[given:]) for given in range(count + 1)]
    aliases = {f.alias: f for f in positional + keywords}

    def bind(args, kwargs):
        """The values of `names` for any other call, or the TypeError Python gives a bad call."""
        if len(args) > count:
            raise TypeError(f"{class_name}.__init__() takes {count} positional arguments but {len(args)} were given")
        given = dict(zip((f.alias for f in positional), args))
        for key, value in kwargs.items():
            if key not in aliases:
                raise TypeError(f"{class_name}.__init__() got an unexpected keyword argument {key!r}")
            if key in given:
                raise TypeError(f"{class_name}.__init__() got multiple values for argument {key!r}")
            given[key] = value
        values = []
        for item in positional + keywords:
            if item.alias in given:
                values.append(given[item.alias])
            elif item.factory is not None:
                values.append(item.factory())
            elif item.default is not NOTHING:
                values.append(item.default)
            else:
                raise TypeError(f"{class_name}.__init__() missing required argument: {item.alias!r}")
        return values

    made = [0, None]  # instances made, the compiled __init__

    def __init__(self, *args, **kwargs):
        made[0] += 1
        if made[0] >= COMPILE_AFTER and made[1] is None:  # made often: the __init__ attrs would write (below)
            made[1] = _compile(self.__class__, fields, class_name)
        given = len(args)
        if given > count or not plain:
            args = bind(args, kwargs)
        elif not kwargs:
            args = args + tail[given - required:] if given >= required else bind(args, kwargs)
        elif given + len(kwargs) == len(names):
            try:  # as many keywords as names left, and each of them found: exactly those names
                args = args + tuple(map(kwargs.__getitem__, named_after[given]))
            except KeyError:
                args = bind(args, kwargs)
        elif len(kwargs) == 1 and single in kwargs and given >= required:
            args = args + positional_tail[given - required:] + (kwargs[single],)
        else:
            args = bind(args, kwargs)
        for name, value in zip(names, args):
            _set(self, name, value)
        for item in derived:
            _set(self, item.name, item.factory(self) if item.takes_self else
                 item.factory() if item.factory is not None else item.default)

    __init__.__qualname__ = f"{class_name}.__init__"
    return __init__


#: How many instances of a class are made with the generic __init__ before it is compiled.  A cold `eval`
#: of a small ruleset makes a few dozen of most node classes (none compiled: nothing to pay); parsing a large
#: one makes thousands, and then the compiled __init__ (a third of the generic one's cost) pays for itself.
COMPILE_AFTER = 64


def _compile(cls, fields, class_name):
    """Give `cls` the __init__ attrs would generate (arguments bound by Python itself, one
    `object.__setattr__` a field), and its equality and hash written out the same way; the same results
    as the generic methods (a hash too: the same tuple is hashed), so instances made before still agree."""
    namespace = {"_frozen_set": _set, "_frozen_nothing": NOTHING}
    positional, keywords, lines = [], [], []
    for index, item in enumerate(fields):
        if item.init:
            if item.required:
                parameter = item.alias
            else:
                namespace[f"_frozen_default_{index}"] = NOTHING if item.factory is not None else item.default
                parameter = f"{item.alias}=_frozen_default_{index}"
            (keywords if item.kw_only else positional).append(parameter)
            if item.factory is not None:
                namespace[f"_frozen_factory_{index}"] = item.factory
                lines.append(f"    if {item.alias} is _frozen_nothing:\n"
                             f"        {item.alias} = _frozen_factory_{index}()")
            lines.append(f"    _frozen_set(self, {item.name!r}, {item.alias})")
    for index, item in enumerate(fields):  # after the given ones, as the generic __init__ does
        if not item.init:
            namespace[f"_frozen_factory_{index}"] = item.factory
            namespace[f"_frozen_default_{index}"] = item.default
            value = (f"_frozen_factory_{index}(self)" if item.takes_self else
                     f"_frozen_factory_{index}()" if item.factory is not None else f"_frozen_default_{index}")
            lines.append(f"    _frozen_set(self, {item.name!r}, {value})")
    parameters = ", ".join(["self"] + positional + (["*"] + keywords if keywords else []))
    source = f"def __init__({parameters}):\n" + ("\n".join(lines) or "    pass") + "\n"
    if "__eq__" in cls.__dict__:  # equality as the generic methods have it: the class, then the eq fields
        key = "".join(f", self.{item.name}" for item in fields if item.eq)
        other = "".join(f", other.{item.name}" for item in fields if item.eq)
        source += (f"def __eq__(self, other):\n"
                   f"    if other.__class__ is not self.__class__:\n        return NotImplemented\n"
                   f"    return (self.__class__{key}) == (other.__class__{other})\n"
                   f"def __ne__(self, other):\n"
                   f"    if other.__class__ is not self.__class__:\n        return NotImplemented\n"
                   f"    return (self.__class__{key}) != (other.__class__{other})\n"
                   f"def __hash__(self):\n    return hash((self.__class__{key}))\n")
    exec(compile(source, f"<frozen {class_name}>", "exec"), namespace)
    for name in ("__init__", "__eq__", "__ne__", "__hash__"):
        if name in namespace:
            namespace[name].__qualname__ = f"{class_name}.{name}"
            type.__setattr__(cls, name, namespace[name])
    return namespace["__init__"]


def _equality(fields):
    # the class leads the key, so that it is always a tuple: compared as attrs compares (identical items are
    # equal, a NaN too), and hashed with the class (two classes with equal fields hash apart)
    key = attrgetter("__class__", *(f.name for f in fields if f.eq))

    def __eq__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return key(self) == key(other)

    def __ne__(self, other):
        if other.__class__ is not self.__class__:
            return NotImplemented
        return key(self) != key(other)

    def __hash__(self):
        return hash(key(self))

    return __eq__, __ne__, __hash__


def _repr(fields):
    shown = tuple(f.name for f in fields if f.repr)

    def __repr__(self):
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in shown)
        return f"{self.__class__.__qualname__.rsplit('>.', 1)[-1]}({inner})"  # as attrs names a local class

    return __repr__


def _state(fields):
    names = tuple(f.name for f in fields)

    def __getstate__(self):
        return {name: getattr(self, name) for name in names}

    def __setstate__(self, state):
        for name, value in state.items():
            _set(self, name, value)

    return __getstate__, __setstate__
