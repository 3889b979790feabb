"""fast_init: a frozen dataclass with a faster __init__ behaves like the dataclass."""

from __future__ import annotations

import dataclasses
import inspect
from dataclasses import dataclass, field

import pytest

from bordermap._records import fast_init


@dataclass(frozen=True)
class Plain:
    start: int
    text: str
    kind: str = "name"
    ids: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)


@fast_init
@dataclass(frozen=True)
class Fast:
    start: int
    text: str
    kind: str = "name"
    ids: tuple[str, ...] = ()
    notes: list[str] = field(default_factory=list)


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((3, "Hit"), {}),
        ((3, "Hit", "town"), {}),
        ((3,), {"text": "Hit", "ids": ("town:hit",)}),
        ((), {"start": 3, "text": "Hit", "notes": ["a"]}),
    ],
)
def test_fast_init_builds_the_same_record(
    args: tuple[object, ...], kwargs: dict[str, object]
) -> None:
    fast, plain = Fast(*args, **kwargs), Plain(*args, **kwargs)  # type: ignore[arg-type]
    assert dataclasses.astuple(fast) == dataclasses.astuple(plain)
    assert repr(fast) == repr(plain).replace("Plain", "Fast")
    assert fast == Fast(*args, **kwargs)  # type: ignore[arg-type]
    assert hash(fast.start) == hash(Fast(*args, **kwargs).start)  # type: ignore[arg-type]


def test_fast_init_keeps_the_signature_and_errors() -> None:
    assert str(inspect.signature(Fast)) == str(inspect.signature(Plain)).replace("Plain", "Fast")
    with pytest.raises(TypeError):
        Fast(3)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Fast(3, "Hit", colour="red")  # type: ignore[call-arg]


def test_fast_init_record_stays_frozen_and_replaceable() -> None:
    record = Fast(3, "Hit")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.start = 4  # type: ignore[misc]
    assert dataclasses.replace(record, kind="town") == Fast(3, "Hit", "town")
    assert Fast(1, "a").notes is not Fast(1, "a").notes  # a fresh list each time


def test_fast_init_refuses_what_it_cannot_copy() -> None:
    @dataclass
    class Mutable:
        x: int

    with pytest.raises(TypeError, match="not a frozen dataclass"):
        fast_init(Mutable)

    @dataclass(frozen=True)
    class Checked:
        x: int

        def __post_init__(self) -> None:
            pass

    with pytest.raises(TypeError, match="__post_init__"):
        fast_init(Checked)
