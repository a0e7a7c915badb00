"""Engines run ``score_frames`` over a stream of partitions and yield the scored partitions in order.

Every engine has the same shape: a context manager (start and stop the runtime it owns) with
``score(frames) -> Iterator[scored frame]``, one scored frame per input partition, in input order.
Reading, partitioning, resuming and writing happen once, in ``run.py``, for all of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from ..errors import UsageError
from .core import Scoring

ENGINES = ("local", "processes", "spark", "ray")


def require(module: str, package: str, extra: str, name: str):
    """Import an optional dependency or fail with the one-line RL041 message."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise UsageError("RL041", name=name, package=package, extra=extra) from None


class LocalEngine:
    """In this process, one partition at a time: memory stays constant whatever the input size."""

    name = "local"

    def __init__(self, scoring: Scoring, **_: object) -> None:
        self.scoring = scoring

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def score(self, frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        yield from self.scoring.frames(frames)


def absolute_pythonpath() -> str | None:
    """The driver's PYTHONPATH with relative entries made absolute: executors and Ray workers
    start in other directories, and ``PYTHONPATH=src`` would point nowhere there."""
    import os

    value = os.environ.get("PYTHONPATH")
    if not value:
        return None
    return os.pathsep.join(str(Path(p).resolve()) for p in value.split(os.pathsep) if p)


def make_engine(name: str, scoring: Scoring, **options: object):
    """``options`` are the engine's own (``master``, ``workers``, ``concurrency``, ``wave_partitions``)."""
    if name == "local":
        return LocalEngine(scoring, **options)
    if name == "processes":
        from .processes import ProcessEngine

        return ProcessEngine(scoring, **options)
    if name == "spark":
        from .spark import SparkEngine

        return SparkEngine(scoring, **options)
    if name == "ray":
        from .ray import RayEngine

        return RayEngine(scoring, **options)
    raise UsageError("RL042", option="--engine", detail=f"'{name}'; use one of {', '.join(ENGINES)}")


def waves(frames: Iterator[pd.DataFrame], size: int) -> Iterator[list[pd.DataFrame]]:
    """Group partitions so a distributed engine gets enough work per job while the driver holds
    only ``size`` partitions at a time."""
    wave: list[pd.DataFrame] = []
    for frame in frames:
        wave.append(frame)
        if len(wave) >= size:
            yield wave
            wave = []
    if wave:
        yield wave


def split_parts(scored: pd.DataFrame, parts: list[int]) -> Iterator[pd.DataFrame]:
    """Back from one engine result to one frame per partition, rows in input order."""
    scored = scored.sort_values(["_part", "_row"], kind="stable")
    by_part = {int(k): g for k, g in scored.groupby("_part", sort=False)}
    for part in parts:
        yield by_part.get(part, scored.iloc[0:0]).reset_index(drop=True)
