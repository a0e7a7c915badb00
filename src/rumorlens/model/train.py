"""Training a model directory from labelled files: the library behind ``rumorlens train``."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Sequence
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__
from ..read import read_articles
from .evaluate import evaluate
from .judge import Judge
from .labels import with_human_labels


def sha256_of(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for p in sorted(paths, key=str):
        if p.is_dir():
            files = sorted(f for f in p.rglob("*") if f.is_file())
        else:
            files = [p]
        for f in files:
            with f.open("rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
    return h.hexdigest()


def train_model(
    data: Sequence[str | Path],
    out: str | Path,
    dev: str | Path | None = None,
    text_only: bool = False,
    progress: Callable[[str], None] = lambda s: None,
    on_problem=None,
    accurate: dict | None = None,
    **settings,
) -> Judge:
    """Fit on ``data`` (files/folders of labelled articles), score on ``dev`` if given, save to ``out``.
    ``accurate``: also tune the accurate mode's reader, with these ``fit_accurate`` options
    (``{}`` for its defaults), into ``out``/accurate."""
    start = time.perf_counter()
    data_paths = [Path(d) for d in data]
    progress("reading training data")
    kwargs = {"on_problem": on_problem} if on_problem else {}
    articles = with_human_labels(read_articles(data_paths, **kwargs))  # a store's export: its rulings count
    if accurate and accurate.get("reader") is not None:  # a reused reader must fit these folds: say so before the fit
        from .accurate import reader_fits
        from .classifier import RumorModel

        reader_fits(accurate["reader"], articles, RumorModel(**settings).settings)
    judge = Judge.fit(articles, text_only=text_only, progress=progress, **settings)
    train_seconds = time.perf_counter() - start
    data_sha = sha256_of(data_paths)
    meta = {
        # the data's hash says what it learned from, the fit's hash which fit it is (settings and
        # code change a model trained on the same data)
        "model_version": f"rumorlens-{__version__}-{data_sha[:8]}-{judge.fingerprint()}{'-textonly' if text_only else ''}",
        "rumorlens_version": __version__,
        "trained_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "train_data": [p.name for p in data_paths],
        "train_data_sha256": data_sha,
        "train_seconds": round(train_seconds, 1),
    }
    judge.meta["model_version"] = judge.version = meta["model_version"]  # the reader's stacker records it
    dev_articles = None
    if dev is not None:
        progress("scoring the dev split")
        dev_path = Path(dev)
        dev_articles = with_human_labels(read_articles([dev_path], **kwargs))
        meta["dev_data"] = dev_path.name
        meta["dev_data_sha256"] = sha256_of([dev_path])
        meta["dev_metrics"] = dev_metrics(judge, dev_articles)
    if accurate is not None:
        from .accurate import fit_accurate

        start = time.perf_counter()
        slow = fit_accurate(judge, articles, out, progress=progress, **accurate)
        meta["accurate"] = {"model_version": slow.version, "train_seconds": round(time.perf_counter() - start, 1),
                            # train --reader: the reader was tuned before (train_seconds is the restack alone)
                            "reader_reused": accurate.get("reader") is not None,
                            "held_fold": {mode: slow.stacker[mode]["held_fold"] for mode in ("text", "full")}}
        if dev_articles is not None:
            progress("scoring the dev split, accurate mode")
            meta["accurate"]["dev_metrics"] = dev_metrics(slow, dev_articles)
    judge.save(out, **meta)
    return judge


def dev_metrics(judge: Judge, articles: Sequence) -> dict:
    return {"with_outlet": evaluate(judge, articles, text_only=False).as_dict(), "text_only": evaluate(judge, articles, text_only=True).as_dict()}
