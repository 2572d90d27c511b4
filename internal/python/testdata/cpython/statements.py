# -*- coding: utf-8 -*-
"""Every statement form."""
from __future__ import annotations

import os
import os.path as osp, sys
from . import sibling
from ..parent.mod import (
    a as b,
    c,
)
from .x import *


@decorator
@decorator.with_args(1, key="v")
class Klass(Base, metaclass=Meta, **extra):
    """Docstring."""

    attr: int = 1
    other: "str"

    def method(self, a, b=2, /, c=3, *args, d, e=5, **kwargs) -> None:
        global counter
        x = y = z = 0
        x += 1; y -= 2
        a.b[c] = d
        del a[0], b.c
        assert x, "message"
        return x, y

    @property
    async def coro(self):
        async with ctx() as c, other():
            await c
        async for i in aiter():
            yield i
        yield
        yield gen()

    def star(self, *, only):
        pass


def outer():
    count = 0

    def inner():
        nonlocal count
        count += 1

    return inner


for i, (j, k) in enumerate(pairs):
    if i:
        continue
    elif j:
        break
    else:
        pass
else:
    done = True

while (n := next(it)) is not None:
    total = n
else:
    total = None

try:
    risky()
except (ValueError, TypeError) as exc:
    raise RuntimeError("wrapped") from exc
except Exception:
    raise
else:
    fine = 1
finally:
    cleanup()

try:
    pass
except* ValueError as group:
    pass

with (
    open("a") as fa,
    open("b") as fb,
):
    pass

with open("x") as (p, q):
    pass

match command.split():
    case [action]:
        pass
    case [action, obj] if obj:
        pass
    case Point(x=0, y=0) | {"k": 1, **rest}:
        pass
    case _:
        pass

match = 1
case = match
type = 2
print(match, case, type)
if x: pass
while False: break
class Empty: ...
lambda_ = lambda: 0
