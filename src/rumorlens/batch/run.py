"""``run_batch``: read, partition, skip finished partitions, score on an engine, write, summarise."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path

import pandas as pd

from ..errors import ModelError, RumorlensError, UsageError
from .core import Scoring, load_judge, raw_frame
from .engines import ENGINES, make_engine
from .output import FORMATS, BatchOutput
from .source import Input, RawRow, expand_inputs, input_signature, iter_raw_rows

DEFAULT_ROWS_PER_PARTITION = 5_000


def partitions_of(rows: Iterator[RawRow], size: int) -> Iterator[tuple[int, int, list[RawRow]]]:
    """``(part, first_row, rows)``: the same inputs always give the same partitions, which is
    what lets a re-run recognise the ones it already finished."""
    part, first = 0, 0
    while chunk := list(islice(rows, size)):
        yield part, first, chunk
        part, first = part + 1, first + len(chunk)


def plan_rows_per_partition(specs: list[Input], partitions: int | None, rows_per_partition: int | None) -> tuple[int, int | None]:
    """Rows per partition, and the row count when it had to be counted (for ``--partitions``)."""
    if partitions is None:
        return rows_per_partition or DEFAULT_ROWS_PER_PARTITION, None
    if partitions < 1:
        raise UsageError("RL042", option="--partitions", detail=f"{partitions}; give a positive number")
    if any(spec == "-" for spec, _ in specs):
        raise UsageError("RL042", option="--partitions", detail="standard input cannot be counted in advance; use --rows-per-partition")
    total = sum(1 for _ in iter_raw_rows(specs))  # a cheap pass: lines are split, not parsed
    return max(1, -(-total // partitions)), total


def run_batch(
    inputs: Iterable[str | Path],
    out: str | Path,
    *,
    engine: str = "local",
    partitions: int | None = None,
    rows_per_partition: int | None = None,
    fmt: str = "jsonl",
    signals: bool = True,
    text_only: bool = False,
    prevalence: float | None = None,
    accurate: bool = False,
    fetch_stories: bool = False,
    model_dir: str | Path | None = None,
    master: str | None = None,
    progress: Callable[[int], None] = lambda n: None,
    set_total: Callable[[int], None] = lambda n: None,
    stdin=None,
    **engine_options: object,
) -> dict:
    """Judge every article of ``inputs`` into ``out`` and return the manifest (counts, files).

    Bad records never stop the run: they are counted and listed in ``out/errors.jsonl``.
    Re-running with the same ``out`` and inputs skips the partitions already written.
    ``fetch_stories``: a summary-only RSS/Atom item is judged on the story its link leads to, as
    ``check --fetch-stories`` (the driver fetches, a few links at a time, while it reads).
    """
    specs = expand_inputs(inputs)
    if not specs:
        raise UsageError("RL040", command="batch")
    if engine not in ENGINES:
        raise UsageError("RL042", option="--engine", detail=f"'{engine}'; use one of {', '.join(ENGINES)}")
    if fmt not in FORMATS:
        raise UsageError("RL042", option="--format", detail=f"'{fmt}'; use jsonl or parquet")
    workers = engine_options.get("workers")
    if workers is not None and (not isinstance(workers, int) or workers < 1):
        raise UsageError("RL042", option="--workers", detail=f"{workers}; give a positive number")
    if rows_per_partition is not None and rows_per_partition < 1:
        raise UsageError("RL042", option="--rows-per-partition", detail=f"{rows_per_partition}; give a positive number")
    try:
        # fail fast on a bad --model (or one without a reader, or no torch), before any engine
        # starts; Spark and Ray workers load the reader themselves, so their driver only checks it
        judge = load_judge(model_dir, accurate and engine == "local")
        version = judge.version
        if accurate and engine != "local":
            from ..model.accurate import AccurateJudge

            version = AccurateJudge.version_of(judge)
    except ModelError as err:
        raise UsageError(err.code, **err.fields) from None
    size, total = plan_rows_per_partition(specs, partitions, rows_per_partition)  # counted unfetched: one row per item either way
    if total is not None:
        set_total(total)
    plan = {
        "inputs": input_signature([spec for spec, _ in specs]),
        "rows_per_partition": size,
        "format": fmt,
        "signals": signals,
        "text_only": text_only,
        "prevalence": prevalence,  # None and a plan from before the option compare equal
        "fetch_stories": fetch_stories or None,  # likewise
        "model_version": version,
    }
    output = BatchOutput(out, plan)
    output.open()

    counts = {"n_parts": 0, "skipped": 0}

    def pending() -> Iterator[pd.DataFrame]:
        for part, first, rows in partitions_of(iter_raw_rows(specs, stdin=stdin, fetch_stories=fetch_stories), size):
            counts["n_parts"] = part + 1
            if output.is_done(part):
                counts["skipped"] += 1
                progress(len(rows))
                continue
            yield raw_frame(rows, part, first)

    # an absolute model path: Spark executors and Ray workers run in other directories
    scoring = Scoring(str(Path(model_dir).resolve()) if model_dir else None, signals, text_only, prevalence,
                      accurate, reader_threads=None if engine == "local" else 1)  # one task per core elsewhere
    starting = time.perf_counter()
    with make_engine(engine, scoring, master=master, **engine_options) as runner:
        started = time.perf_counter()  # job time excludes starting the JVM / Ray runtime
        try:
            for scored in runner.score(pending()):
                output.write_part(int(scored["_part"].iloc[0]), scored)
                progress(len(scored))
        except Exception as exc:
            if engine == "local" or isinstance(exc, RumorlensError):
                raise
            # The finished partitions are on disk; say so instead of a JVM or Ray traceback.
            detail = f"{type(exc).__name__}: {_first_line(exc)}"
            raise RumorlensError("RL085", engine=engine, detail=detail) from exc
        elapsed = time.perf_counter() - started
    return output.finish(
        counts["n_parts"],
        {
            "engine": engine,
            "partitions_skipped": counts["skipped"],
            "engine_start_s": round(started - starting, 3),
            "elapsed_s": round(elapsed, 3),
        },
    )


def _first_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return (lines[-1] if lines else "")[:300]
