"""The processes engine: every core of this machine, with no JVM or Ray runtime.

Partitions are judged by ``score_frames`` in a pool of worker processes, each of which loads the
model once (``Scoring.judge`` warms it when the worker starts), and come back in input order. One
partition per worker is in flight plus one queued, so every worker has its next partition ready
while memory stays bounded whatever the input size: each worker holds a partition's verdicts
(about 35 KB an article with signals and text), so ``--rows-per-partition`` sets the memory.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from functools import partial

import pandas as pd

from ..concurrency import in_order
from .core import Scoring


def _warm(scoring: Scoring) -> None:
    scoring.judge()  # load the model when the worker starts, not inside the first partition


def _score_partition(scoring: Scoring, frame: pd.DataFrame) -> pd.DataFrame:
    return next(scoring.frames(iter([frame])))


class ProcessEngine:
    name = "processes"

    def __init__(self, scoring: Scoring, workers: int | None = None, **_: object) -> None:
        self.scoring = scoring
        self.workers = workers or os.cpu_count() or 1
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> ProcessEngine:
        # spawn, not fork: the driver may hold threads (the progress bar, a fetch pool), and a
        # forked child can inherit one of their locks held for good.
        self.pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_warm, initargs=(self.scoring,))
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if self.pool is None:
            return
        workers = list((getattr(self.pool, "_processes", None) or {}).values())  # shutdown forgets them
        self.pool.shutdown(wait=exc_type is None, cancel_futures=True)
        if exc_type is not None:
            # After a failure (a worker killed, say) the pool stops its workers itself, but one can
            # slip through (seen about once in 20 kills): blocked for good on a queue whose both
            # ends it holds, it would outlive the command, holding its memory and output pipes.
            for process in workers:
                if process.is_alive():
                    process.terminate()
            for process in workers:
                process.join(timeout=10)

    def score(self, frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        assert self.pool is not None, "use the engine as a context manager"
        yield from in_order(self.pool, partial(_score_partition, self.scoring), frames, ahead=self.workers)
