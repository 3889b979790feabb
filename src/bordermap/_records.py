"""A faster ``__init__`` for the frozen dataclasses the stages pass along.

A frozen dataclass's generated ``__init__`` sets every field through
``object.__setattr__`` (its own ``__setattr__`` refuses), which costs about 0.2 µs a
field. An article makes a few hundred records (sentences, mentions, resolved places,
triggers, dates), so that alone was several per cent of the extraction time.

:func:`fast_init` replaces the ``__init__`` of a ``@dataclass(frozen=True)`` class with
one of the same signature that writes the fields into the instance's ``__dict__``
directly. Everything else is the dataclass's own: the record stays frozen (assignment
still raises ``FrozenInstanceError``), and ``==``, ``hash``, ``repr``,
``dataclasses.replace`` and ``dataclasses.fields`` work as before.
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


class _Factory:
    """Stands for "call the default factory" in a signature, shown as dataclasses shows it."""

    def __repr__(self) -> str:
        return "<factory>"


_NO_DEFAULT = _Factory()


def fast_init(cls: type[T]) -> type[T]:
    """Give a frozen dataclass (without ``slots`` or ``__post_init__``) a faster ``__init__``.

    Use it above the dataclass decorator::

        @fast_init
        @dataclass(frozen=True)
        class Span: ...
    """
    params = getattr(cls, "__dataclass_params__", None)
    if params is None or not params.frozen:
        raise TypeError(f"{cls.__name__} is not a frozen dataclass")
    if hasattr(cls, "__post_init__") or "__slots__" in cls.__dict__:
        raise TypeError(f"{cls.__name__}: __post_init__ and __slots__ are not supported")
    names: list[str] = []
    signature: list[str] = []
    prologue: list[str] = []
    namespace: dict[str, Any] = {"_NO_DEFAULT": _NO_DEFAULT}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        if not f.init:
            raise TypeError(f"{cls.__name__}.{f.name}: init=False fields are not supported")
        names.append(f.name)
        if f.default is not dataclasses.MISSING:
            namespace[f"_default_{f.name}"] = f.default
            signature.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"_factory_{f.name}"] = f.default_factory
            signature.append(f"{f.name}=_NO_DEFAULT")
            prologue.append(
                f"    if {f.name} is _NO_DEFAULT:\n        {f.name} = _factory_{f.name}()\n"
            )
        else:
            signature.append(f.name)
    body = "".join(prologue) + "    _record_dict = self.__dict__\n"
    body += "".join(f"    _record_dict[{n!r}] = {n}\n" for n in names)
    source = f"def __init__(self, {', '.join(signature)}):\n{body}"
    exec(source, namespace)  # the way dataclasses builds its own __init__
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = cls.__init__.__doc__
    init.__annotations__ = dict(cls.__init__.__annotations__)
    cls.__init__ = init  # type: ignore[misc,method-assign]
    return cls
