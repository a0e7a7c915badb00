"""``score_frames``: the only scoring logic of a batch, shared by the local, Spark and Ray engines.

It is a pure function of its input frames (raw rows from ``source.py``) and the model, so every
engine gives byte-identical verdicts: Spark calls it through ``mapInPandas``, Ray through an actor's
``__call__``, the local engine directly. The Judge is loaded once per process (``Judge.load`` keeps
an in-process cache), which is once per Spark Python worker or Ray actor.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..article import Article
from ..errors import InputError, RumorlensError
from ..read.files import TOO_DEEP, labelled, record_to_article
from ..verdict import Verdict

# Columns a frame carries through unchanged, so distributed engines can restore partition order.
KEY_COLUMNS = ("_part", "_row")
RAW_COLUMNS = ("source", "raw", "warnings", "error_code", "error", "label")
SCORED_COLUMNS = ("source", "id", "label", "p_fake", "verdict", "error_code", "error")
SPARK_SCORED_SCHEMA = (
    "_part long, _row long, source string, id string, label string, p_fake double, "
    "verdict string, error_code string, error string"
)


def load_judge(model_dir: str | Path | None, accurate: bool = False, reader_threads: int | None = None):
    """The model (``Judge.load`` caches it per process); with ``accurate`` its accurate mode,
    also loaded once per process, its reader on ``reader_threads`` torch threads."""
    from ..model.judge import Judge

    judge = Judge.load(model_dir) if model_dir else Judge.load()
    return judge.accurate(threads=reader_threads) if accurate else judge


def parse_row(source: str, raw: str | None, warnings: str | None) -> Article:
    """One raw record to an Article with exactly the rules ``check`` applies to a JSONL line."""
    try:
        obj = json.loads(raw) if raw is not None else None
    except json.JSONDecodeError as exc:
        raise InputError("RL005", where=source, detail=exc.msg) from None
    except RecursionError:  # hostile input: thousands of nested brackets, as check says it
        raise InputError("RL005", where=source, detail=TOO_DEEP) from None
    return record_to_article(obj, source, json.loads(warnings) if warnings else [])


def verdict_json(verdict: Verdict, signals: bool) -> str:
    d = verdict.as_dict()
    if not signals:
        d.pop("signals", None)
    return json.dumps(d, ensure_ascii=False)


@dataclass(frozen=True)
class Scoring:
    """How a batch is scored: the model and the judging options. Every engine holds one and
    hands it as a single picklable value to where the work runs (a Spark task, a Ray actor)."""

    model_dir: str | None = None  # None: the shipped model
    signals: bool = True
    text_only: bool = False
    prevalence: float | None = None
    accurate: bool = False  # the fine-tuned reader stacked on (``check --accurate``)
    # torch threads per reader: None uses every core (the local engine); distributed engines run
    # one task per core, so each task's reader gets one thread instead of fighting the others.
    reader_threads: int | None = None

    def judge(self):
        """The judge these options score with, loaded once per process (a worker warms it)."""
        return load_judge(self.model_dir, self.accurate, self.reader_threads)

    def frames(self, frames: Iterator[pd.DataFrame], model_dir: str | None = None) -> Iterator[pd.DataFrame]:
        """``score_frames`` with these options; ``model_dir`` overrides where the model is read
        (a Spark executor's local copy of the shipped directory)."""
        return score_frames(frames, model_dir or self.model_dir, self.signals, self.text_only, self.prevalence,
                            self.accurate, self.reader_threads)


def score_frames(
    frames: Iterator[pd.DataFrame],
    model_dir: str | Path | None = None,
    signals: bool = True,
    text_only: bool = False,
    prevalence: float | None = None,
    accurate: bool = False,
    reader_threads: int | None = None,
) -> Iterator[pd.DataFrame]:
    """Judge every raw row; yield one scored frame per input frame, row for row.

    A good row gets ``id, label, p_fake`` and the verdict as JSON (``Verdict.as_dict()``); a bad
    one gets ``error_code`` and a one-line ``error`` naming its source. Nothing raises per record.
    """
    judge = load_judge(model_dir, accurate, reader_threads)
    for frame in frames:
        out = {c: [None] * len(frame) for c in SCORED_COLUMNS}
        out["source"] = list(frame["source"])
        articles: list[tuple[int, Article]] = []
        for i, (source, raw, warnings, code, error, label) in enumerate(
            zip(frame["source"], frame["raw"], frame["warnings"], frame["error_code"], frame["error"], frame["label"])
        ):
            if isinstance(error, str) and error:
                out["error_code"][i], out["error"][i] = code, error
                continue
            # Engines hand missing strings over as None or NaN, depending on the Arrow path.
            raw, warnings = _str_or_none(raw), _str_or_none(warnings)
            try:
                articles.append((i, labelled(parse_row(source, raw, warnings), _str_or_none(label))))
            except RumorlensError as err:
                out["error_code"][i], out["error"][i] = err.code, str(err)
        for i, verdict in _judge_all(judge, articles, out, explain=signals, text_only=text_only, prevalence=prevalence):
            out["id"][i], out["label"][i], out["p_fake"][i] = verdict.id, verdict.label, float(verdict.p_fake)
            out["verdict"][i] = verdict_json(verdict, signals)
        scored = pd.DataFrame({c: pd.Series(out[c], dtype="float64" if c == "p_fake" else object) for c in SCORED_COLUMNS})
        for key in KEY_COLUMNS:
            if key in frame.columns:
                scored.insert(0 if key == "_part" else 1, key, frame[key].to_numpy())
        yield scored


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _judge_all(judge, articles: list[tuple[int, Article]], out: dict, **options):
    """Judge the rows in vectorised batches, streamed so only one batch of Verdicts is alive at a
    time; if the model raises, judge the rest one by one so only the bad record fails.
    ``options`` are ``Judge.judge_many``'s (explain, text_only, prevalence)."""
    done = 0
    try:
        for (i, _), verdict in zip(articles, judge.judge_many([a for _, a in articles], **options)):
            yield i, verdict
            done += 1
    except Exception:  # noqa: BLE001 - a record the model cannot handle must not fail the batch
        pass
    for i, article in articles[done:]:
        try:
            yield i, judge.judge(article, **options)
        except Exception as exc:  # noqa: BLE001
            err = InputError("RL083", where=article.source or article.id, detail=f"{type(exc).__name__}: {exc}")
            out["error_code"][i], out["error"][i] = err.code, str(err)


def raw_frame(rows: list, part: int, first_row: int = 0) -> pd.DataFrame:
    """Raw rows of one partition as the frame ``score_frames`` takes."""
    # Object columns built straight from the tuples: no string-dtype conversion and no NaN for
    # missing values (pandas 3 would otherwise copy every article text twice).
    columns = list(zip(*rows)) if rows else [()] * len(RAW_COLUMNS)
    frame = pd.DataFrame({name: pd.Series(col, dtype=object) for name, col in zip(RAW_COLUMNS, columns)})
    frame.insert(0, "_part", part)
    frame.insert(1, "_row", range(first_row, first_row + len(rows)))
    return frame
