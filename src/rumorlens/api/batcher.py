"""Micro-batching for ``POST /v1/check``: concurrent requests are judged together.

The Judge scores a batch faster per article than one at a time (one sparse transform instead
of many), so under load the server is ~2x faster. Nothing waits for a batch to fill: whatever
has queued while the previous batch ran is the next batch, so a lone request is judged at once.

Batches are judged on the event loop, not in a worker thread. Judging is CPU work under the
GIL either way; in a thread it fought the loop for the GIL and paid a thread hop per batch, and
p99 latency at 16 concurrent clients was ~60 ms instead of ~47 ms (bench/bench_api.py). The
cost is that the loop does nothing else while a batch runs: at most ``max_batch`` articles of
about a millisecond each.

Requests may ask for different judging options (``text_only``, ``prevalence``); a batch is
judged in groups of equal options, in arrival order, so one request's options never leak into
another's verdict.

The accurate mode's judge is the exception to judging on the loop: a fine-tuned transformer
takes ~40 ms an article, so its batcher (``in_thread=True``) judges each group in a worker
thread (torch releases the GIL) and only hands the results back on the loop, which keeps
serving fast checks meanwhile. One batcher task means one group at a time, so the judge and its
per-text cache are never used from two threads at once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from starlette.concurrency import run_in_threadpool

from ..article import Article
from ..verdict import Verdict

# Loop turns to let pass before taking a batch: requests that arrived while the last batch ran
# need a few turns (read, parse, route, validate) to reach the queue and join this batch.
SETTLE_TURNS = 4


Options = tuple[tuple[str, Any], ...]  # sorted keyword options, hashable so batches can group on them


class JudgeBatcher:
    """One per event loop; ``await batcher.judge(article, **options)`` returns that article's
    verdict. ``judge_many(articles, **options)`` and ``judge_one(article, **options)`` do the work."""

    def __init__(self, judge_many: Callable[..., list[Verdict]], judge_one: Callable[..., Verdict], max_batch: int = 32,
                 in_thread: bool = False) -> None:
        self.loop = asyncio.get_running_loop()
        self.judge_many = judge_many
        self.judge_one = judge_one
        self.max_batch = max_batch
        self.in_thread = in_thread
        self.queue: asyncio.Queue[tuple[Article, Options, asyncio.Future]] = asyncio.Queue()
        self.task = self.loop.create_task(self._run())

    async def judge(self, article: Article, **options: Any) -> Verdict:
        future: asyncio.Future = self.loop.create_future()
        await self.queue.put((article, tuple(sorted(options.items())), future))
        return await future

    async def _run(self) -> None:
        while True:
            batch = [await self.queue.get()]
            for _ in range(SETTLE_TURNS):
                await asyncio.sleep(0)
            while len(batch) < self.max_batch and not self.queue.empty():
                batch.append(self.queue.get_nowait())
            groups: dict[Options, list[tuple[Article, asyncio.Future]]] = {}
            for article, options, future in batch:
                groups.setdefault(options, []).append((article, future))
            for options, group in groups.items():
                articles = [a for a, _ in group]
                if self.in_thread:
                    outcomes = await run_in_threadpool(self._outcomes, articles, dict(options))
                else:
                    outcomes = self._outcomes(articles, dict(options))
                # Futures belong to the loop: results are set here, never from the worker thread.
                for (_, future), outcome in zip(group, outcomes):
                    if future.done():
                        continue
                    if isinstance(outcome, BaseException):
                        future.set_exception(outcome)
                    else:
                        future.set_result(outcome)

    def _outcomes(self, articles: list[Article], options: dict[str, Any]) -> list[Verdict | BaseException]:
        """Each article's verdict, or the error it alone raised."""
        try:
            return list(self.judge_many(articles, **options))
        except Exception:  # noqa: BLE001 - one bad article must not fail its neighbours
            return [self._judge_alone(article, options) for article in articles]

    def _judge_alone(self, article: Article, options: dict[str, Any]) -> Verdict | BaseException:
        try:
            return self.judge_one(article, **options)
        except Exception as exc:  # noqa: BLE001 - delivered to the request that sent it
            return exc
