"""Scoring at scale: the same Judge over a local stream, Spark or Ray, writing JSONL or Parquet.

>>> from rumorlens.batch import run_batch
>>> manifest = run_batch(["feed.jsonl"], "verdicts/", engine="spark", partitions=8)

``score_frames`` (in ``core``) is the only scoring logic; the engines only decide where it runs.
Workers never touch a store: load the results afterwards with ``rumorlens ingest``.
"""

from __future__ import annotations

from .core import score_frames
from .engines import ENGINES
from .output import FORMATS
from .run import DEFAULT_ROWS_PER_PARTITION, run_batch

__all__ = ["DEFAULT_ROWS_PER_PARTITION", "ENGINES", "FORMATS", "run_batch", "score_frames"]
