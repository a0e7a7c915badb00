"""The Spark engine: ``mapInPandas`` over ``score_frames`` (extra ``rumorlens[spark]``).

The driver streams the inputs and ships waves of partitions to the executors as Arrow batches;
executors do the expensive part (parsing, signals, the model) and return one small row per
article. Each Python worker loads the Judge once and keeps it for every task it runs
(``spark.python.worker.reuse`` is on by default).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pandas as pd

from ..errors import UsageError
from .core import SPARK_SCORED_SCHEMA, Scoring
from .engines import absolute_pythonpath, require, split_parts, waves

RAW_SCHEMA = "_part long, _row long, source string, raw string, warnings string, error_code string, error string, label string"


def _scorer(scoring: Scoring, shipped: str | None):
    def score(frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        local = None
        if shipped:  # the model dir sent with SparkContext.addFile: a local copy on every executor
            from pyspark import SparkFiles

            candidate = Path(SparkFiles.get(shipped))
            local = str(candidate) if candidate.exists() else None
        yield from scoring.frames(frames, local)

    return score


class SparkEngine:
    name = "spark"

    def __init__(self, scoring: Scoring, master: str | None = None, wave_partitions: int | None = None, **_: object) -> None:
        self.scoring = scoring
        self.master = master or "local[*]"
        self.master_given = master is not None
        self.wave_partitions = wave_partitions
        self.spark = None
        self._owned = False

    def __enter__(self) -> SparkEngine:
        require("pyspark", "pyspark", "spark", "the spark engine")
        require("pyarrow", "pyarrow", "spark", "the spark engine")
        import warnings

        from pyspark.sql import SparkSession

        # PySpark warns on every conversion that pandas 3 is "not fully supported"; the columns
        # rumorlens exchanges are plain strings and numbers, which convert fine.
        warnings.filterwarnings("ignore", category=FutureWarning, module=r"pyspark\..*")

        active = SparkSession.getActiveSession()
        if active is not None:  # an application (or a test) already runs one: use it, leave it running
            self.spark = active
        else:
            # Workers must run the same Python (and see the same rumorlens) as the driver.
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
            os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
            builder = SparkSession.builder
            # Under spark-submit (it sets PYSPARK_GATEWAY_PORT) the submit command's --master and
            # --conf apply unless --master is given here too; otherwise local[*] by default.
            if self.master_given or not os.environ.get("PYSPARK_GATEWAY_PORT"):
                builder = builder.master(self.master)
            builder = (
                builder.appName("rumorlens-batch")
                .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                .config("spark.ui.showConsoleProgress", "false")
            )
            if pythonpath := absolute_pythonpath():  # a source checkout: let executors import it too
                builder = builder.config("spark.executorEnv.PYTHONPATH", pythonpath)
            try:
                self.spark = builder.getOrCreate()
            except Exception as exc:  # noqa: BLE001 - Java missing, bad master URL, ...
                raise UsageError("RL085", engine="spark", detail=f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}") from None
            self.spark.sparkContext.setLogLevel("ERROR")
            self._owned = True
        self.spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")
        self._shipped = None
        model_dir = self.scoring.model_dir
        if model_dir and not self.spark.sparkContext.master.startswith("local"):
            self.spark.sparkContext.addFile(model_dir, recursive=True)
            self._shipped = Path(model_dir).name
        return self

    def __exit__(self, *exc: object) -> None:
        if self._owned and self.spark is not None:
            self.spark.stop()
        self.spark = None

    @property
    def parallelism(self) -> int:
        return max(1, int(self.spark.sparkContext.defaultParallelism))

    def score(self, frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        fn = _scorer(self.scoring, self._shipped)
        for wave in waves(frames, self.wave_partitions or self.parallelism):
            parts = [int(f["_part"].iloc[0]) for f in wave if len(f)]
            raw = pd.concat(wave, ignore_index=True)
            # One Spark partition per rumorlens partition, so a wave keeps every core busy.
            df = self.spark.createDataFrame(raw, schema=RAW_SCHEMA).repartitionByRange(len(parts), "_part", "_row")
            scored = df.mapInPandas(fn, schema=SPARK_SCORED_SCHEMA).toPandas()
            yield from split_parts(scored, parts)
