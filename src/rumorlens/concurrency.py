"""Running work on a pool while keeping the input's order and a bounded number of items ahead.

``Executor.map`` submits every item at once, so a long reading list would be fetched whole, and a
big feed's partitions held whole, before the first result is used; ``in_order`` keeps at most
``ahead`` items submitted beyond the one being waited for.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def in_order(pool: Executor, fn: Callable[[T], R], items: Iterable[T], ahead: int) -> Iterator[R]:
    """``fn(item)`` for every item, run on ``pool``, yielded in the items' order."""
    pending: deque[Future] = deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) > ahead:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()
