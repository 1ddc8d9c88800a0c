"""Records: the part of `dataclasses` that budgetlint uses, at a fraction of its start-up cost.

`@record` reads a class's annotated fields and their defaults, as `@dataclass` does, and returns
the class rebuilt with `__slots__`, an `__init__` taking the fields by position or keyword,
`__repr__`, `__eq__`, pickling, and — with `frozen=True` — immutability and `__hash__`.

Why not dataclasses: `budgetlint check` runs in pre-commit hooks and editors, where start-up is
what users feel.  Importing dataclasses imports inspect, ast, dis and tokenize, and every
`@dataclass` compiles generated source: on the machines we measure, about 35 ms of a ~200 ms run
for the 20 classes on the check path.  Here nothing is compiled: `__init__` is one generic
function.  It costs a few µs a call, so a class made by the hundred thousand (Indicator, Finding)
writes its own `__init__`, which `@record` then keeps; such a class declares its fields by
annotation alone, its defaults being those of its `__init__` (written once).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing itself is not imported on the check path
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    T = TypeVar("T")


class _Fresh:
    """A default made anew for each record (dataclasses' `field(default_factory=...)`)."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[], Any]):
        self.make = make


class FrozenRecordError(AttributeError):
    """An attempt to change a field of a frozen record."""


_set = object.__setattr__


class Record:
    """The base of every record: the methods that need only the list of fields."""

    __slots__ = ()
    _fields: tuple[str, ...] = ()
    _defaults: dict[str, Any] = {}
    _frozen = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        fields = self._fields
        if len(args) > len(fields):
            raise TypeError(f"{type(self).__name__}() takes {len(fields)} fields, {len(args)} given")
        for name, value in zip(fields, args):
            _set(self, name, value)
        defaults = self._defaults
        for name in fields[len(args) :]:
            if name in kwargs:
                value = kwargs.pop(name)
            elif name in defaults:
                value = defaults[name]
                if type(value) is _Fresh:
                    value = value.make()
            else:
                raise TypeError(f"{type(self).__name__}() missing the field {name!r}")
            _set(self, name, value)
        if kwargs:
            raise TypeError(f"{type(self).__name__}() has no field {next(iter(kwargs))!r}")
        post = getattr(self, "__post_init__", None)
        if post is not None:
            post()

    def _values(self) -> tuple[Any, ...]:
        return tuple([getattr(self, name) for name in self._fields])

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={getattr(self, name)!r}" for name in self._fields)
        return f"{type(self).__name__}({inner})"

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._values() == other._values()  # type: ignore[attr-defined,unused-ignore]

    __hash__ = None  # type: ignore[assignment]  # mutable records are not hashable (as dataclasses)

    def __reduce__(self):
        return _rebuild, (type(self), self._values())


def _rebuild(cls: type[Record], values: tuple[Any, ...]) -> Any:
    obj: Any = object.__new__(cls)
    for name, value in zip(cls._fields, values):
        _set(obj, name, value)
    return obj


def _frozen_setattr(self: Any, name: str, value: Any) -> None:
    raise FrozenRecordError(f"{type(self).__name__} is frozen: cannot assign {name!r}")


def _frozen_hash(self: Any) -> int:
    return hash(self._values())


def _record(cls: type[T] | None = None, /, *, frozen: bool = False) -> Any:
    """The class rebuilt as a record (see the module's text); use as `@record` or `@record(frozen=True)`."""

    def build(cls: type[T]) -> type[T]:
        annotations = cls.__dict__.get("__annotations__", {})
        own = tuple(name for name, kind in annotations.items() if not str(kind).startswith("ClassVar"))
        inherited = getattr(cls, "_fields", ())
        defaults = dict(getattr(cls, "_defaults", {}))
        extra = tuple(cls.__dict__.get("__slots__", ()))  # slots that are not fields (not compared, not pickled)
        body = {
            key: value
            for key, value in cls.__dict__.items()
            if key not in own and key not in extra and key not in ("__dict__", "__weakref__")
        }
        for name in own:
            if name in cls.__dict__:
                defaults[name] = cls.__dict__[name]
        new = tuple(name for name in own if name not in inherited)
        body.update(__slots__=new + extra, _fields=inherited + new, _defaults=defaults, _frozen=frozen)
        if frozen:
            body.update(__setattr__=_frozen_setattr, __delattr__=_frozen_setattr, __hash__=_frozen_hash)
        bases = (
            cls.__bases__ if issubclass(cls, Record) else (Record,) + tuple(b for b in cls.__bases__ if b is not object)
        )
        made: type[T] = type(cls.__name__, bases, body)
        return made

    return build if cls is None else build(cls)


def fields(obj: Any) -> tuple[str, ...]:
    """The names of a record's fields, in order."""
    return obj._fields


def is_record(obj: Any) -> bool:
    return isinstance(obj, Record)


def replace(obj: T, **changes: Any) -> T:
    """A copy of `obj` with some fields changed (`__init__` is not run again, as for a pickle)."""
    values = dict(zip(obj._fields, obj._values()))  # type: ignore[attr-defined]
    unknown = set(changes) - set(values)
    if unknown:
        raise TypeError(f"{type(obj).__name__} has no field {sorted(unknown)[0]!r}")
    values.update(changes)
    return _rebuild(type(obj), tuple(values[name] for name in obj._fields))  # type: ignore[attr-defined,arg-type]


def _named(cls: type[T]) -> type[T]:
    """The class rebuilt as a named tuple of its annotated fields, in order, keeping their defaults
    and the class's methods: `typing.NamedTuple` without importing typing (~5 ms of start-up)."""
    from collections import namedtuple

    annotations = cls.__dict__.get("__annotations__", {})
    names = tuple(annotations)
    defaults = tuple(cls.__dict__[name] for name in names if name in cls.__dict__)
    if any(name not in cls.__dict__ for name in names[len(names) - len(defaults) :]):
        raise TypeError(f"{cls.__name__}: a field without a default follows one with a default")
    base = namedtuple(cls.__name__, names, defaults=defaults, module=cls.__module__)  # type: ignore[misc,unused-ignore]
    body = {
        key: value for key, value in cls.__dict__.items() if key not in names and key not in ("__dict__", "__weakref__")
    }
    body["__slots__"] = ()
    made: type[T] = type(cls.__name__, (base,), body)
    return made


# What the type checker is told: @record and @named make classes whose fields are their annotations, with
# an __init__ taking them (PEP 681), and fresh(list) is a default of the type its factory makes.  At run
# time the functions above do the work and typing is never imported.
if TYPE_CHECKING:
    from typing import dataclass_transform, overload

    @overload
    def record(cls: type[T], /) -> type[T]: ...
    @overload
    def record(*, frozen: bool = False) -> Callable[[type[T]], type[T]]: ...
    @dataclass_transform(field_specifiers=())
    def record(cls: Any = None, /, *, frozen: bool = False) -> Any: ...

    @dataclass_transform(frozen_default=True)
    def named(cls: type[T]) -> type[T]: ...

    def fresh(make: Callable[[], T]) -> T: ...

else:
    record, named, fresh = _record, _named, _Fresh
