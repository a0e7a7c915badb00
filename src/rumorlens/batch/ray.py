"""The Ray engine: Ray Data ``map_batches`` with an actor per worker (extra ``rumorlens[ray]``).

``JudgeActor`` loads the model once in ``__init__`` and scores every batch it is given with the
same ``score_frames`` the other engines use.
"""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd

from ..errors import UsageError
from .core import Scoring
from .engines import absolute_pythonpath, require, split_parts, waves


class JudgeActor:
    """A Ray Data callable class: one instance per actor, so one model load per worker."""

    def __init__(self, scoring: Scoring) -> None:
        self.scoring = scoring
        scoring.judge()  # warm the per-process cache now, not on the first batch

    def __call__(self, batch: pd.DataFrame) -> pd.DataFrame:
        return next(self.scoring.frames(iter([batch])))


class RayEngine:
    name = "ray"

    def __init__(self, scoring: Scoring, master: str | None = None, concurrency: int | None = None,
                 wave_partitions: int | None = None, **_: object) -> None:
        self.scoring = scoring
        self.address = master
        self.concurrency = concurrency
        self.wave_partitions = wave_partitions
        self._owned = False

    def __enter__(self) -> RayEngine:
        ray = require("ray", "ray[data]", "ray", "the ray engine")
        require("ray.data", "ray[data]", "ray", "the ray engine")
        if not ray.is_initialized():
            pythonpath = absolute_pythonpath()  # a source checkout: let workers import it too
            env = {"PYTHONPATH": pythonpath} if pythonpath else {}
            try:
                ray.init(
                    address=self.address,
                    include_dashboard=False,
                    log_to_driver=False,
                    runtime_env={"env_vars": env} if env else None,
                )
            except Exception as exc:  # noqa: BLE001 - unreachable cluster, bad address, ...
                raise UsageError("RL085", engine="ray", detail=f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}") from None
            self._owned = True
        self.ray = ray
        return self

    def __exit__(self, *exc: object) -> None:
        if self._owned:
            self.ray.shutdown()

    def _workers(self) -> int:
        return self.concurrency or max(1, int(self.ray.cluster_resources().get("CPU", 1)))

    def score(self, frames: Iterator[pd.DataFrame]) -> Iterator[pd.DataFrame]:
        import logging

        import ray.data

        ray.data.DataContext.get_current().enable_progress_bars = False
        logging.getLogger("ray.data").setLevel(logging.WARNING)  # per-dataset INFO lines drown the summary
        n = self._workers()
        # Actors start once per wave: big waves amortise the ~1 s model load over many partitions.
        for wave in waves(frames, self.wave_partitions or 4 * n):
            parts = [int(f["_part"].iloc[0]) for f in wave if len(f)]
            ds = ray.data.from_pandas(wave).map_batches(
                JudgeActor,
                fn_constructor_kwargs={"scoring": self.scoring},
                batch_format="pandas",
                batch_size=None,
                compute=ray.data.ActorPoolStrategy(size=min(n, len(parts))),  # `concurrency=n` before Ray 2.51
                num_cpus=1,
            )
            yield from split_parts(ds.to_pandas(), parts)
