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
    **settings,
) -> Judge:
    """Fit on ``data`` (files/folders of labelled articles), score on ``dev`` if given, save to ``out``."""
    start = time.perf_counter()
    data_paths = [Path(d) for d in data]
    progress("reading training data")
    kwargs = {"on_problem": on_problem} if on_problem else {}
    articles = list(read_articles(data_paths, **kwargs))
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
    if dev is not None:
        progress("scoring the dev split")
        dev_path = Path(dev)
        dev_articles = list(read_articles([dev_path], **kwargs))
        meta["dev_data"] = dev_path.name
        meta["dev_data_sha256"] = sha256_of([dev_path])
        meta["dev_metrics"] = {
            "with_outlet": evaluate(judge, dev_articles, text_only=False).as_dict(),
            "text_only": evaluate(judge, dev_articles, text_only=True).as_dict(),
        }
    judge.save(out, **meta)
    return judge
