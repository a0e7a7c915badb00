"""The accurate mode: the shipped scorers plus a fine-tuned MiniLM ``Reader``, stacked.

``rumorlens check --accurate`` / ``Judge.load().accurate()``. The fast model's stacker inputs
(two n-gram scorers' log-odds and story memory) get one more column, the reader's log-odds, and a
second logistic stacker calibrates all of them. It is about 50 times slower than the fast model
(the transformer reads every article), so it is an option, not the default; docs/model-card.md
has what it gains.

Honesty of the stacker: the reader is tuned on three of the fast model's four training folds and
the stacker fitted on the fourth, whose fast-model inputs are out of fold and whose articles the
reader never saw. A model directory keeps it in ``accurate/``: ``reader.json``,
``reader.safetensors`` (tensors only) and ``stacker.json``.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from ..article import Article
from ..errors import ModelError
from .classifier import _stacker, best_threshold, cut_at, prevalence_thresholds, row_weights, stacked
from .explain import MAX_REASONS
from .judge import Judge, untitled_mask
from .neighbours import N_FEATURES
from .reader import Reader, missing_extra, missing_package, reader_text

ACCURATE_DIR = "accurate"
STACKER_FILE = "stacker.json"
MODES = {True: "text", False: "full"}
UNTITLED = "_untitled"  # stacker.json's part for headline-less articles: "text_untitled", "full_untitled"
READ_CACHE = 50_000  # text_only -> the fast model's stack_inputs_ key


class AccurateJudge(Judge):
    """A ``Judge`` whose ``p_fake`` also hears the reader. Everything else (signals, outlet
    records, the words in the reasons) comes from the fast model it wraps."""

    def __init__(self, base: Judge, reader: Reader, stacker: dict, path: Path | None = None) -> None:
        super().__init__(base.model, base.meta, base.path)
        self.reader, self.stacker, self.accurate_path = reader, stacker, path
        self.version = _version(base, stacker)
        self.__dict__["_term_weights_cache"] = {}

    # -- loading -------------------------------------------------------------------------
    @classmethod
    def from_judge(cls, base: Judge, threads: int | None = None) -> AccurateJudge:
        where, stacker = cls.stacker_of(base)
        return cls(base, Reader.load(where, threads=threads), stacker, where)

    @staticmethod
    def stacker_of(base: Judge) -> tuple[Path, dict]:
        """``base``'s ``accurate/`` directory and its stacker, checked against ``base`` (RL026
        none, RL021 damaged, RL027 fitted on another fast model) without touching the reader."""
        where = (base.path or Path(".")) / ACCURATE_DIR
        if not (where / STACKER_FILE).is_file():
            raise ModelError("RL026", where=str(base.path or "this model"))
        # one weight per fast scorer and memory feature, the reader's, and the intercept
        width = len(base.model.scorers(True)) + (N_FEATURES if base.model.neighbours_ is not None else 0) + 2
        try:
            stacker = json.loads((where / STACKER_FILE).read_text(encoding="utf-8"))
            for mode in [*MODES.values(), *(part for part in stacker if part.endswith(UNTITLED))]:
                if np.asarray(stacker[mode]["weights"], dtype=float).shape != (width,):
                    raise ValueError(f"{mode} stacker has {len(stacker[mode]['weights'])} weights, the model needs {width}")
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError("RL021", where=str(where), detail=f"{STACKER_FILE}: {type(exc).__name__}: {exc}") from None
        if stacker.get("base_model_version") not in (None, base.version):
            raise ModelError("RL027", where=str(where), stacked_on=stacker["base_model_version"], found=base.version)
        return where, stacker

    @classmethod
    def version_of(cls, base: Judge) -> str:
        """The ``version`` ``from_judge(base)`` would have, checked as far as can be without
        torch or the reader's weights (about 8 s and 800 MB): for a driver whose workers load
        the reader themselves (``batch --engine spark|ray --accurate``). A damaged
        reader.safetensors is then found by the workers."""
        missing = missing_package()
        if missing:
            raise missing_extra(missing)
        where, stacker = cls.stacker_of(base)
        for name in ("reader.json", "reader.safetensors"):
            if not (where / name).is_file():
                raise ModelError("RL021", where=str(where), detail=f"{name}: no such file")
        return _version(base, stacker)

    @staticmethod
    def unavailable(base_path: str | Path | None) -> str | None:
        """Why ``from_judge`` would fail, found without importing torch or reading the reader
        (for a server's /healthz): the message of the error it would raise, or None."""
        missing = missing_package()
        if missing:
            return str(missing_extra(missing))
        if base_path is not None and not (Path(base_path) / ACCURATE_DIR / STACKER_FILE).is_file():
            return str(ModelError("RL026", where=str(base_path)))
        return None

    # -- scoring -------------------------------------------------------------------------
    def reader_logits(self, articles: Sequence[Article]) -> np.ndarray:
        """The reader's log-odds of fake. Remembered per text (the last ``READ_CACHE`` of them):
        reading is nearly all of this mode's time, and evaluating both modes, or checking the
        same story with and without its outlet, reads the same text twice."""
        texts = [reader_text(a.title, a.text) for a in articles]
        keys = [hashlib.blake2b(t.encode("utf-8", "surrogatepass"), digest_size=16).digest() for t in texts]
        cache = self.__dict__.setdefault("_read", OrderedDict())
        missing: dict[bytes, int] = {}  # each new text once, however often it repeats
        for i, k in enumerate(keys):
            if k not in cache:
                missing.setdefault(k, i)
        if missing:
            for k, z in zip(missing, self.reader.logits([texts[i] for i in missing.values()])):
                cache[k] = float(z)
        out = np.array([cache[k] for k in keys])
        for k in keys:
            cache.move_to_end(k)
        while len(cache) > READ_CACHE:
            cache.popitem(last=False)
        return out

    def _part(self, text_only: bool, untitled: bool = False) -> dict | None:
        """The stacker for this mode; ``untitled``: for headline-less articles (None in a
        stacker.json from before it had one)."""
        return self.stacker.get(MODES[text_only] + (UNTITLED if untitled else ""))

    def _probabilities(self, articles: Sequence[Article], X, text_only: bool, story_memory: np.ndarray | None = None) -> np.ndarray:
        story_memory = self.model.neighbour_features(X) if story_memory is None else story_memory
        _, scores = self.model.predict(X, [a.url for a in articles], text_only, story_memory=story_memory)
        Z = np.column_stack([scores, story_memory, self.reader_logits(articles)])
        return stacked(Z, self._stacker_rows(articles, text_only))

    def _stacker_rows(self, articles: Sequence[Article], text_only: bool) -> np.ndarray:
        own = self._part(text_only, untitled=True)
        return row_weights(self._part(text_only)["weights"], own and own["weights"], untitled_mask(articles))

    def threshold(self, text_only: bool = False, prevalence: float | None = None) -> float:
        part = self._part(text_only)
        return cut_at(part["threshold"], part.get("prevalence_thresholds"), self.model.outlets_.base_rate_, prevalence)

    def _term_weights(self, text_only: bool, untitled: bool = False) -> np.ndarray | None:
        cache = self.__dict__["_term_weights_cache"]
        key = (text_only, untitled)
        if key not in cache:
            part = self._part(text_only, untitled)
            cache[key] = None if part is None else self.model.combined_weights(text_only, part["weights"])
        return cache[key]

    def _judge_batch(self, batch, text_only, explain, memory, prevalence=None):
        verdicts = list(super()._judge_batch(batch, text_only, explain, memory, prevalence))
        if not explain:
            yield from verdicts
            return
        main = self._part(text_only)
        own = self._part(text_only, untitled=True) or main
        # the reader read this batch for p_fake a moment ago: its logits come from the cache
        for verdict, z, untitled in zip(verdicts, self.reader_logits(batch), untitled_mask(batch)):
            part = own if untitled else main  # the stacker that scored it
            yield _with_reader_reason(verdict, float(part["weights"][-2]) * (float(z) - float(part.get("reader_centre", 0.0))))


def reader_reason(push: float) -> str:
    """One sentence for what the reader added to the log-odds (``push`` > 0: towards fake)."""
    strength = "strongly" if abs(push) >= 1.5 else "clearly" if abs(push) >= 0.6 else "slightly"
    side = "fake" if push > 0 else "true"
    return f"The fine-tuned language model, reading the text as a whole, finds it {strength} like stories found {side} ({push:+.1f} on the log-odds)."


def _with_reader_reason(verdict, push: float):
    """The reader's sentence closes the reasons (taking the last place if all five are used):
    the others name evidence in the article, this one a reading of all of it."""
    from dataclasses import replace

    return replace(verdict, reasons=(*verdict.reasons[: MAX_REASONS - 1], reader_reason(push)))


# -- training ----------------------------------------------------------------------------
def fit_accurate(
    judge: Judge,
    articles: Sequence[Article],
    out: str | Path,
    *,
    reader: Reader | None = None,
    tuned_layers: int = 2,
    epochs: int = 2,
    lr: float = 1e-4,
    batch: int = 16,
    max_length: int = 256,
    augment: bool = True,
    threads: int | None = None,
    progress: Callable[[str], None] = lambda s: None,
    log: Callable[[dict], None] = lambda row: None,
) -> AccurateJudge:
    """Tune a reader on all of ``judge``'s training folds but the last and fit the stacker on
    the last; save both under ``out``/accurate. ``judge`` must be freshly fitted on ``articles``
    (``Judge.fit``: its out-of-fold stacker inputs are in memory, not in saved models).
    ``reader``: an already tuned one to stack instead of tuning anew (``rumorlens train --reader``);
    it must have been tuned on these articles' tuning folds (RL028 otherwise: its
    ``tuned_digest``, or for readers saved before it had one, their number).
    ``augment``: tune on ``restyle.random_restyle`` copies (same label, tone at random), so the
    reader learns that tone is not evidence; the stacker is fitted on the articles as they are."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    inputs = getattr(judge.model, "stack_inputs_", None)
    if inputs is None:
        raise ValueError("fit_accurate needs a Judge fitted in this process (Judge.fit), not a loaded one")
    labelled = [a for a in articles if a.label in ("fake", "real")]
    y = np.array([a.label == "fake" for a in labelled], dtype=int)
    if len(y) != len(inputs["text"]):
        raise ValueError("articles are not the ones the judge was fitted on")
    tune_idx, held_idx = tuning_split(labelled, judge.model.settings)
    tuned_digest = articles_digest([labelled[i] for i in tune_idx])
    if reader is not None:
        check_reusable(reader, tuned_digest, len(tune_idx))
    else:
        reader = Reader(tuned_layers, max_length, threads=threads)
        progress("reading with the frozen layers")
        states = reader.frozen_states(tuning_texts([labelled[i] for i in tune_idx], augment))
        progress("tuning the reader")
        reader.fit(states, y[tune_idx], epochs=epochs, batch=batch, lr=lr, log=log)
        reader.trained["augmented"] = augment
        del states
    reader.trained["tuned_digest"] = tuned_digest
    progress("reading the held-out fold")
    held = [labelled[i] for i in held_idx]
    z = reader.logits(tuning_texts(held, augment=False))
    read = {mode: z for mode in MODES.values()}
    if "text" + UNTITLED in inputs:  # the fast model has a headline-less stacker: so does this mode
        progress("reading the held-out fold without headlines")
        z_untitled = z.copy()
        titled = [j for j, a in enumerate(held) if a.title]
        z_untitled[titled] = reader.logits([reader_text("", held[j].text) for j in titled])
        read.update({mode + UNTITLED: z_untitled for mode in MODES.values()})
    y_held = y[held_idx]
    base_rate = judge.model.outlets_.base_rate_
    stacker: dict = {"base_model_version": judge.meta.get("model_version"), "n_tuned": int(len(tune_idx)), "n_stacked": int(len(held_idx))}
    cv = StratifiedKFold(5, shuffle=True, random_state=7)
    for mode, z in read.items():
        Z = np.column_stack([inputs[mode][held_idx], z])
        w, _ = _stacker(Z, y_held)
        # the stacker's own out-of-fold p (nested): what its cut and prevalence table are chosen on
        p_oof = cross_val_predict(LogisticRegression(C=100.0, max_iter=1000), Z, y_held, cv=cv, method="predict_proba")[:, 1]
        cut = best_threshold(y_held, p_oof)
        stacker[mode] = {"weights": [float(v) for v in w], "threshold": cut, "prevalence_thresholds": prevalence_thresholds(y_held, p_oof, base_rate),
                         "reader_centre": float(np.median(z)), "held_fold": _held_metrics(y_held, p_oof, cut)}
    out = Path(out) / ACCURATE_DIR
    reader.save(out)
    body = json.dumps(stacker, sort_keys=True)
    digest = hashlib.sha256(body.encode() + (out / "reader.safetensors").read_bytes()).hexdigest()[:8]
    stacker["digest"] = digest
    (out / STACKER_FILE).write_text(json.dumps(stacker, indent=2, sort_keys=True), encoding="utf-8")
    return AccurateJudge(judge, reader, stacker, out)


def tuning_split(labelled: Sequence[Article], settings: dict) -> tuple[np.ndarray, np.ndarray]:
    """(tuning rows, held rows): the fast model's folds but the last, and the last."""
    from sklearn.model_selection import StratifiedKFold

    y = np.array([a.label == "fake" for a in labelled], dtype=int)
    return list(StratifiedKFold(int(settings["folds"]), shuffle=True, random_state=int(settings["seed"])).split(y, y))[-1]


def reader_fits(reader: Reader, articles: Sequence[Article], settings: dict) -> None:
    """``check_reusable`` before any fitting: RL028 unless ``reader`` was tuned on the tuning
    folds a model fitted on ``articles`` with ``settings`` would have."""
    labelled = [a for a in articles if a.label in ("fake", "real")]
    tune_idx, _ = tuning_split(labelled, settings)
    check_reusable(reader, articles_digest([labelled[i] for i in tune_idx]), len(tune_idx))


def articles_digest(articles: Sequence[Article]) -> str:
    """Which articles a reader was tuned on, order aside (their content ids' sha256, 16 hex digits)."""
    from ..article import content_id

    ids = sorted(content_id(a.title, a.text) for a in articles)
    return hashlib.sha256("\n".join(ids).encode()).hexdigest()[:16]


def check_reusable(reader: Reader, tuned_digest: str, n_tuned: int) -> None:
    """RL028 unless ``reader`` was tuned on the articles ``tuned_digest`` names: stacked on
    articles it had read, its log-odds would look better than they are."""
    known = reader.trained.get("tuned_digest")
    if known is not None and known != tuned_digest:
        raise ModelError("RL028", where=str(reader.path or "the reader"), detail=f"other articles (digest {known}, these folds' is {tuned_digest})")
    if known is None and reader.trained.get("tuned_on") != n_tuned:
        raise ModelError("RL028", where=str(reader.path or "the reader"), detail=f"{reader.trained.get('tuned_on', 'an unknown number of')} articles, these folds hold {n_tuned}")


def _version(base: Judge, stacker: dict) -> str:
    return f"{base.version}+reader-{stacker.get('digest', 'unsaved')}"


def tuning_texts(articles: Sequence[Article], augment: bool) -> list[str]:
    """The reader's training texts: as they are, or each restyled at random (seeded by position)."""
    if not augment:
        return [reader_text(a.title, a.text) for a in articles]
    from .restyle import random_restyle

    return [reader_text(*random_restyle(a.title or "", a.text, seed=i)) for i, a in enumerate(articles)]


def _held_metrics(y: np.ndarray, p: np.ndarray, threshold: float) -> dict:
    from .evaluate import metrics

    return {k: round(v, 4) for k, v in metrics(y, p, threshold).items() if k in ("macro_f1", "roc_auc", "brier", "ece")}
