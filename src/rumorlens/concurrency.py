"""Running work on a pool while keeping the input's order and a bounded number of items ahead,
and batching a live stream without waiting for a batch to fill.

``Executor.map`` submits every item at once, so a long reading list would be fetched whole, and a
big feed's partitions held whole, before the first result is used; ``in_order`` keeps at most
``ahead`` items submitted beyond the one being waited for. ``ready_batches`` serves
`tail -f feed.jsonl | rumorlens check -`: a fixed batch of 256 would hold a live feed's verdicts
until 256 records had come.
"""

from __future__ import annotations

import queue
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def in_order(pool: Executor, fn: Callable[[T], R], items: Iterable[T], ahead: int,
             wanted: Callable[[T], bool] | None = None) -> Iterator[R | T]:
    """``fn(item)`` for every item, run on ``pool``, yielded in the items' order, each as soon as
    it and everything before it are done. With ``wanted``, an item it turns down is not sent to
    the pool and comes back as it is, in its place: straight away when nothing is ahead of it,
    so a live stream with little to do stays live."""
    pending: deque[Future] = deque()
    for item in items:
        if wanted is None or wanted(item):
            pending.append(pool.submit(fn, item))
        elif pending:
            pending.append(_done(item))
        else:
            yield item
            continue
        while pending and (len(pending) > ahead or pending[0].done()):
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _done(item: T) -> Future:
    future: Future = Future()
    future.set_result(item)
    return future


class _Raised:
    def __init__(self, error: BaseException) -> None:
        self.error = error


_END = object()


def ready_batches(items: Iterable[T], max_size: int) -> Iterator[list[T]]:
    """``items`` in lists, in order: each waits for one item, then takes whatever else has already
    arrived, up to ``max_size``. A thread reads ``items`` ahead (at most ``2 * max_size``), so a
    feed that is all there still comes in full batches, and a live one's record is let through
    as soon as it arrives. An error raised while reading is raised here, after the items before it.
    A consumer that stops early (a library caller who breaks out of the loop) stops the reader
    too, which closes ``items``, instead of leaving it blocked on a full queue for good."""
    ready: queue.Queue = queue.Queue(maxsize=2 * max_size)
    gone = threading.Event()  # the consumer has stopped asking

    def hand_over(thing) -> bool:
        while not gone.is_set():
            try:
                ready.put(thing, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:  # ends with exactly one of _END or _Raised, unless the consumer has gone
        source = iter(items)
        try:
            for item in source:
                if not hand_over(item):
                    break
            else:
                hand_over(_END)
        except BaseException as error:  # noqa: BLE001 - handed to the consumer, raised there
            hand_over(_Raised(error))
        finally:
            if gone.is_set() and hasattr(source, "close"):
                source.close()  # a generator's own cleanup (open files) runs now, not at exit

    threading.Thread(target=read, name="rumorlens-reader", daemon=True).start()
    end = None  # _END, or the _Raised the reader stopped with
    try:
        while end is None:
            batch = [ready.get()]  # wait for one
            while len(batch) < max_size and not ready.empty():  # then take what has come
                batch.append(ready.get_nowait())
            if batch[-1] is _END or isinstance(batch[-1], _Raised):
                end = batch.pop()
            if batch:
                yield batch
    finally:
        gone.set()
    if isinstance(end, _Raised):
        raise end.error
