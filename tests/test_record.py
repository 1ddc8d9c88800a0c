"""budgetlint.record: the dataclass subset the check path uses, without dataclasses."""

from __future__ import annotations

import pickle

import pytest

from budgetlint.record import FrozenRecordError, fields, fresh, named, record, replace


@record
class Point:
    x: int
    y: int = 0
    tags: list = fresh(list)


@record(frozen=True)
class Key:
    name: str
    size: int = 1


def test_positional_keyword_and_defaults():
    p = Point(1, tags=["a"])
    assert (p.x, p.y, p.tags) == (1, 0, ["a"])
    assert Point(2).tags is not Point(2).tags  # a fresh list each time
    assert fields(p) == ("x", "y", "tags")
    assert repr(Point(1, 2)) == "Point(x=1, y=2, tags=[])"


def test_bad_calls_are_type_errors():
    with pytest.raises(TypeError, match="missing the field 'x'"):
        Point()
    with pytest.raises(TypeError, match="no field 'z'"):
        Point(1, z=2)
    with pytest.raises(TypeError, match="takes 3 fields"):
        Point(1, 2, [], 4)


def test_slots_equality_and_hash():
    assert Point(1, 2) == Point(1, 2) and Point(1, 2) != Point(2, 1)
    with pytest.raises(AttributeError):
        Point(1).other = 3  # __slots__: no stray attributes
    with pytest.raises(TypeError):
        hash(Point(1))  # mutable: unhashable, as a dataclass with eq
    assert hash(Key("a")) == hash(Key("a")) and {Key("a"), Key("a")} == {Key("a")}


def test_frozen_records_refuse_changes():
    key = Key("a")
    with pytest.raises(FrozenRecordError):
        key.size = 2
    assert replace(key, size=3) == Key("a", 3) and key.size == 1
    with pytest.raises(TypeError, match="no field"):
        replace(key, colour="red")


def test_pickle_round_trip_including_frozen():
    for obj in (Point(1, 2, ["x"]), Key("b", 4)):
        assert pickle.loads(pickle.dumps(obj)) == obj


def test_inheritance_adds_fields_after_the_base():
    @record
    class Point3(Point):
        z: int = 0

    p = Point3(1, 2, [], 3)
    assert fields(p) == ("x", "y", "tags", "z") and p.z == 3 and isinstance(p, Point)


@named
class Pair:
    """A pair."""

    left: int
    right: int = 2

    @property
    def total(self) -> int:
        return self.left + self.right


def test_named_tuples_keep_methods_and_trailing_defaults():
    assert Pair(1) == (1, 2) and Pair(1, 5).total == 6 and Pair._fields == ("left", "right")
    assert Pair(1)._replace(right=3) == (1, 3) and pickle.loads(pickle.dumps(Pair(4))) == Pair(4)
    assert Pair.__doc__ == "A pair."
    with pytest.raises(TypeError, match="without a default follows"):

        @named
        class Wrong:
            first: int = 0
            second: int


@record
class Cached:
    __slots__ = ("memo",)
    key: str
    size: int = 0


def test_slots_declared_in_the_body_are_kept_but_are_not_fields():
    one, two = Cached("a"), Cached("a")
    one.memo = "rendered once"
    assert fields(one) == ("key", "size") and one == two and "memo" not in repr(one)
    back = pickle.loads(pickle.dumps(one))
    assert back == one and not hasattr(back, "memo")
    with pytest.raises(AttributeError):
        one.other = 1  # still slotted: no __dict__
