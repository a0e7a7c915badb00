"""Ingest: read → judge → store, in committed batches.

Crash safety comes from the batch boundary: each batch of articles, verdicts and signals is one
transaction, and ``on_batch`` (which the CLI uses to print "stored N") is only called after the
commit. A ``kill -9`` loses at most the open batch, which was never reported; a re-run skips the
ids already stored and completes the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from itertools import islice

from ..article import Article
from ..concurrency import ready_batches
from ..verdict import Verdict
from .store import Store


@dataclass
class IngestReport:
    stored: int = 0
    skipped_duplicates: int = 0
    failed: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def _batches(items: Iterable[Article], size: int) -> Iterator[list[Article]]:
    it = iter(items)
    while batch := list(islice(it, size)):
        yield batch


def _verdicts_for(articles: list[Article], judge, text_only: bool) -> list:
    """Judge what needs judging; rows that arrived with a verdict (batch output) keep it."""
    out: list = [Verdict.from_dict(a.verdict) if a.verdict is not None else None for a in articles]
    todo = [i for i, v in enumerate(out) if v is None]
    if judge is not None and todo:
        for i, verdict in zip(todo, judge.judge_many([articles[i] for i in todo], text_only=text_only, explain=True)):
            out[i] = verdict
    return out


def ingest(
    store: Store,
    articles: Iterable[Article],
    judge=None,
    text_only: bool = False,
    batch_size: int = 500,
    on_batch: Callable[[IngestReport, int], None] | None = None,
    live: bool = False,
) -> IngestReport:
    """Judge (when a judge is given) and store ``articles``; return the counts.

    ``on_batch(report, n_in_batch)`` is called after each committed batch. Articles already in
    the store (same id; ids default to a normalised content hash) are skipped without judging.
    One writer thread commits batch k while this thread judges batch k+1: SQLite and the
    database drivers release the GIL while writing, so the two overlap. ``live`` (a feed on
    standard input): a batch is whatever has arrived, committed before more is read, so a record
    is stored when it comes, not when 500 more have (``concurrency.ready_batches``).
    """
    report = IngestReport()
    pending: tuple[Future, int, int] | None = None

    def finish(job: tuple[Future, int, int]) -> None:
        future, n_fresh, n_batch = job
        stored = future.result()  # re-raises a StoreError from the writer
        report.skipped_duplicates += n_fresh - stored  # another writer (or batch) got there first
        report.stored += stored
        if on_batch is not None:
            on_batch(report, n_batch)

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="rumorlens-writer") as writer:
        for batch in ready_batches(articles, batch_size) if live else _batches(articles, batch_size):
            known = store.existing_ids([a.id for a in batch])
            fresh: list[Article] = []
            seen: set[str] = set()
            for a in batch:
                if a.id in known or a.id in seen:
                    report.skipped_duplicates += 1
                else:
                    seen.add(a.id)
                    fresh.append(a)
            verdicts = _verdicts_for(fresh, judge, text_only)
            if pending is not None:
                finish(pending)
            pending = (writer.submit(store.add, list(zip(fresh, verdicts))), len(fresh), len(batch))
            if live:  # stored now, not when the next records arrive
                finish(pending)
                pending = None
        if pending is not None:
            finish(pending)
    return report
