"""Scoring a model on labelled articles: shared by ``rumorlens evaluate``, training and the quality gate."""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from sklearn.metrics import brier_score_loss, confusion_matrix, f1_score, roc_auc_score

from ..article import Article
from .classifier import estimate_prevalence, rebase
from .judge import auto_evidence_mask


@dataclass
class Evaluation:
    n: int
    accuracy: float
    macro_f1: float
    f1_fake: float
    f1_real: float
    roc_auc: float
    brier: float
    ece: float
    seconds: float
    articles_per_second: float
    threshold: float
    text_only: bool
    confusion: list[list[int]]  # rows: true fake, true real; cols: predicted fake, predicted real
    balanced_macro_f1: float = float("nan")  # macro-F1 with fakes and reals weighted equally
    prevalence: float | None = None  # the share of fakes the model was re-based to, if any
    prevalence_estimated: bool = False  # that share was estimated from the articles (auto, or the default adapting)
    macro_f1_training_share: float = float("nan")  # macro-F1 at the training share's cut, for comparison
    fake_share: float = float("nan")  # the share of fakes the labels say
    estimated_fake_share: float = float("nan")  # the share the model's p_fake suggest, labels unseen
    estimated_from: int = 0  # the articles that estimate is read from (judge.auto_evidence: stories when there are enough)
    headlines_only: int = 0  # articles judged on their headline alone (RW005): weaker ground, say how many
    calibration: list[dict] = field(default_factory=list)  # reliability bins
    per_outlet: list[dict] = field(default_factory=list)

    @property
    def one_class(self) -> bool:
        """Only fakes or only real stories are labelled: ROC AUC and balanced macro-F1 are undefined."""
        return [0, 0] in (list(self.confusion[0]), list(self.confusion[1]))

    def as_dict(self, full: bool = False) -> dict:
        d = {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "f1_fake": round(self.f1_fake, 4),
            "f1_real": round(self.f1_real, 4),
            "roc_auc": round(self.roc_auc, 4),
            "brier": round(self.brier, 4),
            "ece": round(self.ece, 4),
            "seconds": round(self.seconds, 3),
            "articles_per_second": round(self.articles_per_second, 1),
            "balanced_macro_f1": round(self.balanced_macro_f1, 4),
            "threshold": self.threshold,
            "prevalence": self.prevalence,
            "prevalence_estimated": self.prevalence_estimated,
            "macro_f1_training_share": round(self.macro_f1_training_share, 4),
            "fake_share": round(self.fake_share, 4),
            "estimated_fake_share": round(self.estimated_fake_share, 4),
            "estimated_from": self.estimated_from,
            "headlines_only": self.headlines_only,
            "text_only": self.text_only,
            "confusion": self.confusion,
        }
        if full:
            d["calibration"] = self.calibration
            d["per_outlet"] = self.per_outlet
        return d


def metrics(y_true: Sequence[int], p_fake: Sequence[float], threshold: float = 0.5) -> dict:
    """The numbers every report uses, from 0/1 truth (1 = fake) and p_fake."""
    y = np.asarray(y_true).astype(int)
    p = np.asarray(p_fake, dtype=float)
    pred = (p >= threshold).astype(int)
    both_classes = len(set(y.tolist())) == 2
    # Published GossipCop results are often on class-balanced test sets: this is macro-F1 as
    # if fakes and reals were equally common (each class weighted to half), comparable to them.
    balanced = np.where(y == 1, 0.5 / max(y.mean(), 1e-9), 0.5 / max(1 - y.mean(), 1e-9)) if both_classes else None
    return {
        "accuracy": float((pred == y).mean()) if len(y) else 0.0,
        "macro_f1": float(f1_score(y, pred, average="macro", zero_division=0)),
        "balanced_macro_f1": float(f1_score(y, pred, average="macro", zero_division=0, sample_weight=balanced)) if both_classes else float("nan"),
        "f1_fake": float(f1_score(y, pred, pos_label=1, zero_division=0)),
        "f1_real": float(f1_score(y, pred, pos_label=0, zero_division=0)),
        "roc_auc": float(roc_auc_score(y, p)) if both_classes else float("nan"),
        "brier": float(brier_score_loss(y, p)) if len(y) else float("nan"),
        "ece": expected_calibration_error(y, p),
        "confusion": confusion_matrix(y, pred, labels=[1, 0]).tolist(),
    }


def reliability_bins(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[dict]:
    edges = np.linspace(0, 1, bins + 1)
    out = []
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        if mask.any():
            out.append({"low": float(lo), "high": float(hi), "n": int(mask.sum()), "mean_p": float(p[mask].mean()), "share_fake": float(y[mask].mean())})
    return out


def expected_calibration_error(y, p, bins: int = 10) -> float:
    y, p = np.asarray(y, dtype=float), np.asarray(p, dtype=float)
    if not len(y):
        return float("nan")
    return float(sum(b["n"] * abs(b["mean_p"] - b["share_fake"]) for b in reliability_bins(y, p, bins)) / len(y))


def evaluate(judge, articles: Iterable[Article], text_only: bool = False, batch_size: int = 512, on_batch=None,
             prevalence: float | str | None = None, on_share=None, stream: bool = False) -> Evaluation:
    """Judge every labelled article (with explanations on, as users run it) and score.
    ``prevalence`` re-bases the model to that share of fakes first (``Judge.judge_many``);
    ``"auto"`` estimates the share from the articles' p_fake, without looking at their labels;
    ``"adapt"`` does what `check` does by default (``Judge.judge_adapting``, which also takes
    ``on_share`` and ``stream``): the estimate only when it is clearly not the training share."""
    labelled = [a for a in articles if a.label in ("fake", "real")]
    y = np.array([a.label == "fake" for a in labelled], dtype=int)
    estimated = prevalence == "auto"
    if estimated:
        prevalence = judge.auto_prevalence(labelled, text_only)
    adapted: list[float | None] = []
    if prevalence == "adapt":
        def told(share, n):
            adapted.append(share)
            if on_share is not None:
                on_share(share, n)

        verdicts = judge.judge_adapting(labelled, text_only=text_only, batch_size=batch_size, on_share=told, stream=stream)
    else:
        verdicts = judge.judge_many(labelled, text_only=text_only, batch_size=batch_size, prevalence=prevalence)
    p = np.empty(len(labelled))
    start = time.perf_counter()
    for i, verdict in enumerate(verdicts):
        p[i] = verdict.p_fake
        if on_batch is not None:
            on_batch(1)
    seconds = time.perf_counter() - start
    if prevalence == "adapt":
        prevalence = adapted[0]
        estimated = prevalence is not None
    threshold = judge.threshold(text_only, prevalence)
    m = metrics(y, p, threshold)
    evidence = auto_evidence_mask(labelled)  # what `auto` would read the share from
    base = judge.model.outlets_.base_rate_
    # What the training share's cut would have scored, beside the re-based one
    at_training_share = m["macro_f1"] if prevalence is None else metrics(y, rebase(p, prevalence, base), judge.threshold(text_only))["macro_f1"]
    return Evaluation(
        n=len(labelled),
        prevalence=prevalence,
        prevalence_estimated=estimated,
        macro_f1_training_share=at_training_share,
        fake_share=float(y.mean()) if len(y) else float("nan"),
        # p is calibrated to the share it was re-based to (the training share if none)
        estimated_fake_share=estimate_prevalence(p[evidence], prevalence if prevalence is not None else base),
        estimated_from=int(evidence.sum()),
        headlines_only=sum(a.headline_only for a in labelled),
        seconds=seconds,
        articles_per_second=len(labelled) / seconds if seconds else 0.0,
        threshold=threshold,
        text_only=text_only,
        calibration=reliability_bins(y, p),
        per_outlet=per_outlet(labelled, y, p >= threshold),
        **m,
    )


def per_outlet(articles: Sequence[Article], y: np.ndarray, pred: np.ndarray, min_n: int = 5) -> list[dict]:
    groups: dict[str, list[int]] = defaultdict(list)
    for i, a in enumerate(articles):
        groups[a.outlet or "(no outlet)"].append(i)
    rows = []
    for outlet, idx in groups.items():
        if len(idx) < min_n:
            continue
        ix = np.array(idx)
        rows.append({"outlet": outlet, "n": len(idx), "n_fake": int(y[ix].sum()), "accuracy": float((pred[ix] == y[ix]).mean())})
    return sorted(rows, key=lambda r: (-r["n"], r["outlet"]))


def format_metric(x: float) -> str:
    """A metric to three places for people; an undefined one (NaN) as a dash, not "nan"."""
    return f"{x:.3f}" if x == x else "—"
