"""Honest evidence from dev alone: restyle stress test, grouped cross-validation, a time split.

A model that learned outlet names, celebrities or tabloid tone looks good on a random split and
fails on new outlets, new people and on fakes rewritten soberly. These measurements show that gap.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace

import numpy as np
from sklearn.model_selection import GroupKFold, StratifiedKFold

from ..article import Article
from ..corpus.text import people, principal_people
from .evaluate import metrics
from .restyle import reattribute_sober, reattribute_tabloid, rewrite_sensational, rewrite_sober, sensationalise, soberise

# "retouch" changes the tone words only; "rewrite" also drops (or adds) the outlet's asides to its
# readers, "exclusive" tags and gossip verbs and cuts the story to a short article's length, as a
# language model's rewrite would; "attribution" retells who says so, unnamed sources in the news
# register for fakes and the tabloid one for real stories (see restyle.py).
STYLES = {"retouch": (soberise, sensationalise), "rewrite": (rewrite_sober, rewrite_sensational),
          "attribution": (reattribute_sober, reattribute_tabloid)}


def restyled(articles: Sequence[Article], seed: int = 0, how: str = "retouch") -> list[Article]:
    """Against the grain: fakes made sober and news-like, real stories made sensational."""
    sober, sensational = STYLES[how]
    out = []
    for i, a in enumerate(articles):
        if a.label == "fake":
            title, text = sober(a.title, a.text)
        else:
            title, text = sensational(a.title, a.text, seed=seed + i)
        out.append(replace(a, title=title, text=text))
    return out


def restyle_stresses(
    judge,
    articles: Sequence[Article],
    text_only: bool = True,
    hows: Sequence[str] = tuple(STYLES),
    prevalence: float | None = None,
    progress: Callable[[str], None] = lambda how: None,
) -> dict[str, dict]:
    """For each style in ``hows``: macro-F1 before and after restyling every labelled article
    against its label. The originals are judged once for all of them."""
    labelled = [a for a in articles if a.label in ("fake", "real")]
    y = np.array([a.label == "fake" for a in labelled], dtype=int)
    threshold = judge.threshold(text_only, prevalence)
    before = metrics(y, judge.predict_proba(labelled, text_only=text_only, prevalence=prevalence), threshold)
    out = {}
    for how in hows:
        after = metrics(y, judge.predict_proba(restyled(labelled, how=how), text_only=text_only, prevalence=prevalence), threshold)
        out[how] = {
            "n": len(labelled),
            "how": how,
            "text_only": text_only,
            "macro_f1_original": round(before["macro_f1"], 4),
            "macro_f1_restyled": round(after["macro_f1"], 4),
            "drop": round(before["macro_f1"] - after["macro_f1"], 4),
            "f1_fake_original": round(before["f1_fake"], 4),
            "f1_fake_restyled": round(after["f1_fake"], 4),
            "roc_auc_original": round(before["roc_auc"], 4),
            "roc_auc_restyled": round(after["roc_auc"], 4),
        }
        progress(how)
    return out


def restyle_stress(judge, articles: Sequence[Article], text_only: bool = True, how: str = "retouch", prevalence: float | None = None) -> dict:
    """One style of ``restyle_stresses``."""
    return restyle_stresses(judge, articles, text_only, (how,), prevalence)[how]


# How ``cross_validate`` keeps articles apart: "outlet" scores every article with a model that
# never saw its outlet, "person" with one that never saw a story about its main person (a proxy
# for another collection's celebrities and rumours: no story memory, no name n-grams to lean on).
SPLITS = ("random", "outlet", "person")
SPLIT_NAMES = {"random": "random", "outlet": "leave-outlets-out", "person": "leave-people-out"}


def main_person(article: Article) -> str | None:
    """The person a story is about (folded full name), or None when it names nobody."""
    found = people(article.title, article.text)
    principal = principal_people(article.title, found, limit=1)
    return principal[0] if principal else None


def split_groups(articles: Sequence[Article], by: str) -> list[str] | None:
    """One group key per article for ``by`` ("random": None, no groups). A story that names
    nobody is a group of its own."""
    if by == "random":
        return None
    if by == "outlet":
        return [a.outlet or f"id:{i}" for i, a in enumerate(articles)]
    if by == "person":
        return [main_person(a) or f"id:{i}" for i, a in enumerate(articles)]
    raise ValueError(f"unknown split {by!r}; use one of {', '.join(SPLITS)}")


def cross_validate(
    articles: Sequence[Article],
    fit: Callable[[list[Article]], object],
    by: str = "random",
    folds: int = 5,
    seed: int = 13,
    progress: Callable[[str], None] = lambda s: None,
) -> dict:
    """Text-only macro-F1 over folds. ``by`` (``SPLITS``) keeps each outlet's or each main
    person's articles in one fold, so every score is on outlets (people) the model never saw in
    training; articles without a URL are left out of the outlet split."""
    labelled = [a for a in articles if a.label in ("fake", "real") and (a.outlet or by != "outlet")]
    y = np.array([a.label == "fake" for a in labelled], dtype=int)
    groups = split_groups(labelled, by)
    if groups is None:
        splits = StratifiedKFold(folds, shuffle=True, random_state=seed).split(labelled, y)
    else:
        splits = GroupKFold(n_splits=folds).split(labelled, y, groups=groups)
    p = np.zeros(len(labelled))
    thresholds = []
    for i, (train_idx, test_idx) in enumerate(splits):
        progress(f"{by} fold {i + 1}/{folds}")
        judge = fit([labelled[j] for j in train_idx])
        p[test_idx] = judge.predict_proba([labelled[j] for j in test_idx], text_only=True)
        thresholds.append(judge.threshold(True))
    m = metrics(y, p, float(np.mean(thresholds)))
    extra = {"groups": len(set(groups))} if groups is not None else {}
    return {"split": SPLIT_NAMES[by], "n": len(labelled), "folds": folds, **extra,
            **{k: round(v, 4) for k, v in m.items() if k != "confusion"}}


def resampled_macro_f1(y: np.ndarray, p: np.ndarray, threshold: float, share: float, draws: int = 50, seed: int = 0) -> float:
    """Mean macro-F1 over ``draws`` subsamples of (y, p) with a share ``share`` of fakes, all of
    the scarcer class kept: two test sets compared at one base rate."""
    fakes, reals = np.flatnonzero(y == 1), np.flatnonzero(y == 0)
    n_fake = min(len(fakes), int(len(reals) * share / (1 - share)))
    n_real = min(len(reals), int(n_fake * (1 - share) / share))
    rng = np.random.default_rng(seed)
    scores = []
    for _ in range(draws):
        pick = np.r_[rng.choice(fakes, n_fake, replace=False), rng.choice(reals, n_real, replace=False)]
        scores.append(metrics(y[pick], p[pick], threshold)["macro_f1"])
    return float(np.mean(scores))


def future_split(
    articles: Sequence[Article],
    fit: Callable[[list[Article]], object],
    share: float = 0.2,
    seed: int = 13,
    progress: Callable[[str], None] = lambda s: None,
) -> list[dict]:
    """Train on the older stories, score the newest ``share`` (by ``published``), text only;
    beside it the same number of dated stories drawn at random, scored by a model trained on
    the rest, so the two rows differ only in whether the test stories came later. Stories
    without a date are left out of both.

    The two test sets hold different shares of fakes, and macro-F1 depends on that share, so
    each row also gives macro-F1 re-sampled to both rows' shares (``p_fake`` and the cut
    re-based to it, as ``--prevalence`` does): the like-for-like comparison."""
    dated = sorted((a for a in articles if a.label in ("fake", "real") and a.published), key=lambda a: a.published)
    n_test = int(round(len(dated) * share))
    if n_test < 1 or n_test >= len(dated):
        raise ValueError(f"share {share} leaves no test or no training stories among {len(dated)} dated ones")
    order = np.random.default_rng(seed).permutation(len(dated))
    rows, scored = [], []
    for name, test_idx in (("random dated", np.sort(order[:n_test])), ("newest dated", np.arange(len(dated) - n_test, len(dated)))):
        progress(name)
        held = set(test_idx.tolist())
        judge = fit([a for i, a in enumerate(dated) if i not in held])
        test = [dated[i] for i in test_idx]  # in date order, as both index lists are sorted
        y = np.array([a.label == "fake" for a in test], dtype=int)
        p = np.asarray(judge.predict_proba(test, text_only=True))
        m = metrics(y, p, judge.threshold(True))
        scored.append((judge, y, p))
        # what check and evaluate do by default with this many stories (Judge.judge_adapting)
        adapted = judge.adapted_share(p)
        by_default = m if adapted is None else metrics(y, judge.rebase(p, adapted), judge.threshold(True, adapted))
        rows.append({"split": name, "n_train": len(dated) - n_test, "n_test": n_test,
                     "test_from": test[0].published[:10], "test_to": test[-1].published[:10],
                     "fake_share_test": round(float(y.mean()), 4),
                     **{k: round(v, 4) for k, v in m.items() if k != "confusion"},
                     "default_share": adapted, "macro_f1_default": round(by_default["macro_f1"], 4),
                     "ece_default": round(by_default["ece"], 4)})
    shares = sorted({row["fake_share_test"] for row in rows} - {0.0, 1.0})
    for row, (judge, y, p) in zip(rows, scored):
        # judged once: re-basing to a share is Bayes' rule on p_fake, not another reading
        row["macro_f1_at_share"] = {str(s): round(resampled_macro_f1(y, judge.rebase(p, s), judge.threshold(True, s), s), 4)
                                    for s in shares if 0 < y.sum() < len(y)}
    return rows
