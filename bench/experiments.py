"""Ideas tried on top of the shipped model for docs/model-card.md (issue 5), kept so the
"tried, not kept" rows can be re-measured. Prints one JSON object per row; asserts nothing.

    python bench/experiments.py stackers     # non-linear / wider stackers on the same out-of-fold scores
    python bench/experiments.py views        # extra n-gram blocks: the lead, the text around sources
    python bench/experiments.py memory       # story memory from headline + lead instead of the body
    python bench/experiments.py furniture    # page furniture (lines repeated across outlets) removed
    python bench/experiments.py prevalence   # dev re-sampled to other shares of fakes: training cut, --prevalence 0.5, auto, the adaptive default
    python bench/experiments.py cuts         # the default cut against lower ones at 21-50% fakes (out of fold)
    python bench/experiments.py noise        # drop training articles the model confidently disagrees with
    python bench/experiments.py outlets      # weight articles by outlet size; leave-outlets-out CV (~12 min)
    python bench/experiments.py learning     # learning curve: 25/50/75/100% of train (~4 min)
    python bench/experiments.py titles       # articles without a headline; training on headline-less copies
    python bench/experiments.py posts        # the subject's own social-media post as on-record evidence
    python bench/experiments.py pairs        # who x what: names crossed with the claim in headline and lead
    python bench/experiments.py batchmates   # p_fake pulled towards similar articles checked in the same batch (dev)
    python bench/experiments.py chars        # a character n-gram scorer (headline; whole text) stacked beside the shipped two
    python bench/experiments.py paragraphs   # each article's strongest paragraph, scored by the fold's scorers, stacked
    python bench/experiments.py trees        # gradient-boosted trees (LightGBM, pip install lightgbm) on the text features, stacked
    python bench/experiments.py speech       # reported speech without quote marks: the share of fakes with and without it (no fit)
    python bench/experiments.py all

Every row trains on train.jsonl with the shipped settings and 4 folds, is chosen on out-of-fold
numbers, and is scored on dev text-only (with outlet where named). Dev has 325 fakes: gaps under
about 0.01 macro-F1 are noise. ~30 minutes for ``all`` on 2 cores.
"""

from __future__ import annotations

import argparse
import collections
import json
import re
import sys
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DATA = ROOT.parent / "shared" / "data" / "gossipcop"

from rumorlens.model.classifier import _stacker, best_threshold  # noqa: E402
from rumorlens.model.evaluate import evaluate  # noqa: E402
from rumorlens.model.judge import Judge, untitled_mask  # noqa: E402
from rumorlens.read import read_articles  # noqa: E402
from rumorlens.read.clean import strip_furniture  # noqa: E402
from rumorlens.signals import analyse  # noqa: E402


def emit(row: dict) -> None:
    print(json.dumps(row), flush=True)


class Bench:
    """The shipped settings fitted once on train; out-of-fold and dev stacker inputs kept."""

    def __init__(self) -> None:
        self.train = list(read_articles([DATA / "train.jsonl"]))
        self.dev = list(read_articles([DATA / "dev.jsonl"]))
        self.y = np.array([a.label == "fake" for a in self.train], dtype=int)
        self.y_dev = np.array([a.label == "fake" for a in self.dev], dtype=int)
        t = time.perf_counter()
        self.judge = Judge.fit(self.train, **Judge.load().meta.get("settings", {}))
        self.train_seconds = time.perf_counter() - t
        self.model = self.judge.model
        self.inputs, self.dev_inputs = {}, {}
        for mode, text_only in (("text", True), ("full", False)):
            arts = [a.without_outlet() for a in self.dev] if text_only else self.dev
            _, _, X = self.judge._features(arts)
            _, scores = self.model.predict(X, [a.url for a in arts], text_only)
            self.inputs[mode] = self.model.stack_inputs_[mode]
            self.dev_inputs[mode] = np.column_stack([scores, self.model.neighbour_features(X)])
        from sklearn.model_selection import StratifiedKFold

        s = self.model.settings  # the model's own folds (they depend on the labels only)
        self.folds = list(StratifiedKFold(int(s["folds"]), shuffle=True, random_state=int(s["seed"])).split(self.y, self.y))

    def row(self, name: str, Z, Z_dev, mode: str = "text", **extra) -> None:
        """Stack ``Z`` (out of fold) with the shipped logistic stacker; score on dev."""
        w, p_oof = _stacker(Z, self.y)
        p = 1 / (1 + np.exp(-(Z_dev @ w[:-1] + w[-1])))
        self.report(name, p_oof, p, mode, **extra)

    def report(self, name, p_oof, p, mode="text", **extra) -> None:
        from sklearn.metrics import f1_score, roc_auc_score

        th = best_threshold(self.y, p_oof)
        emit({
            "run": name, "mode": "text only" if mode == "text" else "with outlet",
            "oof_macro_f1": round(f1_score(self.y, p_oof >= th, average="macro"), 4), "oof_roc_auc": round(roc_auc_score(self.y, p_oof), 4),
            "dev_macro_f1": round(f1_score(self.y_dev, p >= th, average="macro"), 4), "dev_roc_auc": round(roc_auc_score(self.y_dev, p), 4),
            **extra,
        })

    def with_block(self, X, block):
        """Both text scorers refitted on the shipped folds with ``block`` beside the n-grams ``X``
        (the model's own ``_fit_scorers``: the extra columns get no NB ratio). Returns the
        out-of-fold stacker inputs (with the shipped memory features) and a function giving the
        same inputs for other articles: ``dev_inputs(X_dev, block_dev, memory_dev)``."""
        from scipy import sparse

        A = sparse.hstack([X, block], format="csr")
        oof = np.zeros((len(self.y), 2))
        for train_idx, held_idx in self.folds:
            for k, (coef, bias) in enumerate(self.model._fit_scorers(A[train_idx], self.y[train_idx])):
                oof[held_idx, k] = A[held_idx] @ coef + bias
        final = self.model._fit_scorers(A, self.y)

        def dev_inputs(X_dev, block_dev, memory_dev):
            A_dev = sparse.hstack([X_dev, block_dev], format="csr")
            return np.column_stack([*(A_dev @ coef + bias for coef, bias in final), memory_dev])

        return np.column_stack([oof, self.inputs["text"][:, 2:]]), dev_inputs

    def signals(self, arts) -> np.ndarray:
        """The model's signal features, unscaled (one column per ``MODEL_FEATURES`` name)."""
        return self.model.signals_.counts_matrix([analyse(a.full_text)[1] for a in arts])


def stackers(b: Bench) -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    S, S_dev = b.signals(b.train), b.signals(b.dev)
    mu, sd = S.mean(0), S.std(0) + 1e-9
    Sz, Sz_dev = np.clip((S - mu) / sd, -5, 5), np.clip((S_dev - mu) / sd, -5, 5)
    cv = StratifiedKFold(5, shuffle=True, random_state=7)  # the stacker's own honest out-of-fold

    def run(name, make, Z, Z_dev, mode):
        p_oof = cross_val_predict(make(), Z, b.y, cv=cv, method="predict_proba")[:, 1]
        b.report(name, p_oof, make().fit(Z, b.y).predict_proba(Z_dev)[:, 1], mode)

    def gbm():
        return HistGradientBoostingClassifier(max_iter=200, learning_rate=0.05, max_leaf_nodes=15, min_samples_leaf=40, l2_regularization=1.0, random_state=0)

    for mode in ("text", "full"):
        Z, Z_dev = b.inputs[mode], b.dev_inputs[mode]
        run("shipped logistic stacker", lambda: LogisticRegression(C=100.0, max_iter=2000), Z, Z_dev, mode)
        run("logistic stacker + 24 signal features", lambda: LogisticRegression(C=1.0, max_iter=2000), np.column_stack([Z, Sz]), np.column_stack([Z_dev, Sz_dev]), mode)
        run("gradient-boosted stacker + signal features", gbm, np.column_stack([Z, S]), np.column_stack([Z_dev, S_dev]), mode)


def views(b: Bench) -> None:
    """Extra copies of the body n-grams for one part of the article, refitting both text scorers
    (``Bench.with_block``)."""
    train, dev = b.train, [a.without_outlet() for a in b.dev]
    _, analysed, X = b.judge._features(train)
    _, analysed_dev, X_dev = b.judge._features(dev)
    words, memory_dev = b.model.vectorizer_, b.dev_inputs["text"][:, 2:]

    def run(name, block, block_dev):
        Z, dev_inputs = b.with_block(X, block)
        b.row(name, Z, dev_inputs(X_dev, block_dev, memory_dev))

    def around(arts, analysed_arts, kinds, pad=150):
        out = []
        for a, (signals, _) in zip(arts, analysed_arts):
            t = a.full_text
            out.append(" ".join(t[max(0, s.start - pad): s.end + pad] for s in signals if s.kind in kinds and s.start >= 0))
        return out

    b.row("shipped (for reference)", b.inputs["text"], b.dev_inputs["text"])
    for chars, weight in ((400, 0.5), (800, 0.5)):
        run(f"+ n-grams of the first {chars} body characters x{weight}",
            words.transform([a.text[:chars] for a in train]) * weight, words.transform([a.text[:chars] for a in dev]) * weight)
    anon = ({"anonymous_source"}, "unnamed sources")
    both = ({"anonymous_source", "on_record_quote", "denial"}, "unnamed sources, quotes and denials")
    for kinds, label in (anon, both):
        run(f"+ n-grams within 150 characters of {label} x0.5",
            words.transform(around(train, analysed, kinds)) * 0.5, words.transform(around(dev, analysed_dev, kinds)) * 0.5)


def memory(b: Bench) -> None:
    """Nearest training stories by headline + lead (the claim) instead of the body's top terms:
    the model's own ``StoryNeighbours`` over a headline TF-IDF, rows left unpruned."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from rumorlens.model.neighbours import StoryNeighbours

    def lead(a):
        return f"{a.title or ''} {a.text[:300]}"

    vec = TfidfVectorizer(min_df=2, max_df=0.2, sublinear_tf=True, stop_words="english").fit([lead(a) for a in b.train])
    T, T_dev = vec.transform([lead(a) for a in b.train]), vec.transform([lead(a) for a in b.dev])
    s = b.model.settings
    headlines = StoryNeighbours(int(s["neighbours_k"]), keep_terms=1000, query_terms=1000).fit(T, b.y)
    F = np.zeros((len(b.y), 3))
    for _, held_idx in b.folds:
        F[held_idx] = headlines.transform(T[held_idx], exclude=held_idx, cap=float(s["neighbours_cap"]))
    F_dev = headlines.transform(T_dev)
    b.row("headline memory alone", F, F_dev)
    for mode in ("text", "full"):
        b.row("shipped", b.inputs[mode], b.dev_inputs[mode], mode)
        b.row("shipped + headline memory", np.column_stack([b.inputs[mode], F]), np.column_stack([b.dev_inputs[mode], F_dev]), mode)


def furniture(b: Bench) -> None:
    """Lines repeated in >= 5 training articles ("Get push notifications…", share buttons, photo
    agencies) are page templates that identify outlets. How much does the model lean on them?"""

    def norm(line):
        return re.sub(r"\W+", " ", line.lower()).strip()

    counts = collections.Counter()
    for a in b.train:
        counts.update({norm(line) for line in a.text.split("\n") if line.strip()})
    template = {line for line, n in counts.items() if n >= 5 and line}

    def strip(a):
        kept = "\n".join(line for line in a.text.split("\n") if norm(line) not in template)
        return replace(a, text=strip_furniture(kept)[0] or a.text)

    dev_stripped = [strip(a) for a in b.dev]
    for name, judge in (("shipped settings", b.judge), ("trained on stripped text", None)):
        if judge is None:
            t = time.perf_counter()
            judge = Judge.fit([strip(a) for a in b.train], **b.model.settings)
            seconds = round(time.perf_counter() - t, 1)
        else:
            seconds = round(b.train_seconds, 1)
        emit({
            "run": name, "template_lines": len(template), "train_seconds": seconds,
            "oof_macro_f1_text_only": judge.meta["out_of_fold"]["text_only"]["macro_f1"],
            "dev_macro_f1_text_only": round(evaluate(judge, b.dev, text_only=True).macro_f1, 4),
            "dev_stripped_macro_f1_text_only": round(evaluate(judge, dev_stripped, text_only=True).macro_f1, 4),
        })


def prevalence(b: Bench) -> None:
    """Macro-F1's best cut moves with the share of fakes: re-sample dev to half fakes (all 325
    fakes, 325 of the reals, 50 draws) and compare the default cut with --prevalence 0.5. Then
    --prevalence auto: re-sample dev to 10-70% fakes (600 articles, 30 draws each) and compare
    the estimated share and macro-F1 with the default and with being told the true share; also
    with a shift the estimate does not model (fakes read more real, reals more fake)."""
    from sklearn.metrics import f1_score

    shipped = Judge.load()
    model = shipped.model
    rng = np.random.default_rng(0)
    fakes, reals = np.flatnonzero(b.y_dev == 1), np.flatnonzero(b.y_dev == 0)
    draws = [np.concatenate([fakes, rng.choice(reals, len(fakes), replace=False)]) for _ in range(50)]
    for mode, text_only in (("text", True), ("full", False)):
        p = shipped.predict_proba(b.dev, text_only=text_only)
        p_half = shipped.predict_proba(b.dev, text_only=text_only, prevalence=0.5)
        cut, cut_half = model.threshold(text_only), model.threshold(text_only, 0.5)
        emit({
            "run": "dev re-sampled to half fakes", "mode": "text only" if text_only else "with outlet",
            "macro_f1_default_cut": round(float(np.mean([f1_score(b.y_dev[d], p[d] >= cut, average="macro") for d in draws])), 4),
            "macro_f1_prevalence_0.5": round(float(np.mean([f1_score(b.y_dev[d], p_half[d] >= cut_half, average="macro") for d in draws])), 4),
            "macro_f1_dev_as_is_default_cut": round(f1_score(b.y_dev, p >= cut, average="macro"), 4),
            "cut": cut, "cut_at_0.5": cut_half,
        })

    p = shipped.predict_proba(b.dev, text_only=True)
    logit = np.log(p / (1 - p))
    from rumorlens.model.robustness import restyled

    rewritten = shipped.predict_proba(restyled(b.dev, how="rewrite"), text_only=True)
    # "train": the training share's cut (--prevalence train); "auto": always the estimate;
    # "default": what check and evaluate do unprompted (Judge.adapted_share: the estimate only
    # from 200 articles and 8 points away from the training share); "told": the true share.
    for shift, n in ((0.0, 600), (0.0, 200), (1.0, 600), ("rewrite", 600), ("rewrite", 200)):
        if shift == "rewrite":
            shifted = rewritten
        else:
            shifted = 1 / (1 + np.exp(-(logit - shift * b.y_dev + 0.5 * shift * (1 - b.y_dev))))
        for share in (0.1, 0.21, 0.35, 0.5, 0.7):
            rows = []
            for _ in range(30):
                n_fake = int(round(share * n))
                idx = np.concatenate([rng.choice(fakes, n_fake, replace=n_fake > len(fakes)), rng.choice(reals, n - n_fake, replace=False)])
                q, y = shifted[idx], b.y_dev[idx]
                est = float(np.clip(model.estimate_prevalence(q), 0.01, 0.99))
                adapted = shipped.adapted_share(q)
                rows.append((est, adapted is not None,
                             *(f1_score(y, model.rebase(q, s) >= model.threshold(True, s), average="macro") for s in (None, est, adapted, share))))
            r = np.array(rows, dtype=float)
            emit({"run": "prevalence on re-sampled dev, text only", "articles": n, "logit_shift": shift, "true_share": share,
                  "estimated_share": round(float(r[:, 0].mean()), 3), "estimated_share_sd": round(float(r[:, 0].std()), 3),
                  "default_rebased_share_of_draws": round(float(r[:, 1].mean()), 2),
                  "macro_f1_train": round(float(r[:, 2].mean()), 4), "macro_f1_auto": round(float(r[:, 3].mean()), 4),
                  "macro_f1_default": round(float(r[:, 4].mean()), 4), "macro_f1_told_the_share": round(float(r[:, 5].mean()), 4)})


def cuts(b: Bench) -> None:
    """Would a default cut below the training share's hedge against collections with more fakes?
    Macro-F1 of each cut on the out-of-fold p_fake, train re-weighted to 21-50% fakes."""
    from rumorlens.model.classifier import macro_f1_curve

    grid = np.round(np.arange(0.15, 0.71, 0.01), 2)
    shares = (0.21, 0.3, 0.4, 0.5)
    base = float(b.y.mean())
    for mode, p, default in (("text only", b.model.oof_text_, b.model.threshold(True)), ("with outlet", b.model.oof_full_, b.model.threshold(False))):
        curves = np.array([macro_f1_curve(b.y, p, grid, np.where(b.y == 1, s / base, (1 - s) / (1 - base))) for s in shares])
        best_average = float(grid[int(np.argmax(curves.mean(axis=0)))])
        for cut in sorted({default, 0.30, best_average}):
            i = int(np.argmin(abs(grid - cut)))
            emit({"run": "out-of-fold macro-F1 by share of fakes", "mode": mode, "cut": cut, "default": cut == default,
                  "best_average": cut == best_average, **{f"share_{s}": round(float(c[i]), 4) for s, c in zip(shares, curves)}})
        emit({"run": "best cut at each share", "mode": mode,
              **{f"share_{s}": [float(grid[int(np.argmax(c))]), round(float(c.max()), 4)] for s, c in zip(shares, curves)}})


def noise(b: Bench) -> None:
    """Some labels are wrong (a SAG Awards live-stream page labelled fake). Drop the training
    articles whose out-of-fold text-only p_fake contradicts their label most, retrain, score dev."""
    p, y = b.model.oof_text_, b.y.astype(bool)
    for fake_below, real_above in ((0.05, 0.9), (0.1, 0.8)):
        drop = (y & (p < fake_below)) | (~y & (p > real_above))
        t = time.perf_counter()
        judge = Judge.fit([a for a, d in zip(b.train, drop) if not d], **b.model.settings)
        row = {"run": f"drop fakes with p_fake < {fake_below} and reals > {real_above}", "dropped_fake": int((drop & y).sum()),
               "dropped_real": int((drop & ~y).sum()), "train_seconds": round(time.perf_counter() - t, 1)}
        for mode, text_only in (("text_only", True), ("with_outlet", False)):
            r = evaluate(judge, b.dev, text_only=text_only)
            row[f"dev_macro_f1_{mode}"], row[f"dev_roc_auc_{mode}"] = round(r.macro_f1, 4), round(r.roc_auc, 4)
        emit(row)


def outlets(b: Bench) -> None:
    """A few outlets supply thousands of articles each. Weighting every article by
    n_outlet ** -0.5 (setting ``outlet_balance``) makes the scorers learn less from them: does
    that carry better to outlets the model never saw? Compare with ``bench/quality.py cv``."""
    from rumorlens.model.robustness import cross_validate

    settings = {**b.model.settings, "outlet_balance": 0.5}
    t = time.perf_counter()
    judge = Judge.fit(b.train, **settings)
    row = {"run": "outlet_balance 0.5", "train_seconds": round(time.perf_counter() - t, 1),
           "oof_macro_f1_text_only": judge.meta["out_of_fold"]["text_only"]["macro_f1"], "oof_roc_auc_text_only": judge.meta["out_of_fold"]["text_only"]["roc_auc"]}
    for mode, text_only in (("text_only", True), ("with_outlet", False)):
        r = evaluate(judge, b.dev, text_only=text_only)
        row[f"dev_macro_f1_{mode}"], row[f"dev_roc_auc_{mode}"] = round(r.macro_f1, 4), round(r.roc_auc, 4)
    emit(row)
    grouped = cross_validate(b.train + b.dev, lambda arts: Judge.fit(arts, **{**settings, "folds": 3}), by="outlet", folds=5)
    emit({"run": "outlet_balance 0.5, leave-outlets-out 5-fold (as bench/quality.py cv)", **grouped})


def learning(b: Bench) -> None:
    """How much would more labelled GossipCop stories help? Train on 25/50/75% of train (one
    shuffle, nested subsets) and on all of it; out of fold and dev, text only."""
    order = np.random.default_rng(0).permutation(len(b.train))
    for share in (0.25, 0.5, 0.75, 1.0):
        if share < 1.0:
            t = time.perf_counter()
            judge = Judge.fit([b.train[i] for i in order[: int(share * len(b.train))]], **b.model.settings)
            seconds = time.perf_counter() - t
        else:
            judge, seconds = b.judge, b.train_seconds
        oof, r = judge.meta["out_of_fold"]["text_only"], evaluate(judge, b.dev, text_only=True)
        emit({"run": f"{share:.0%} of train", "n_train": round(share * len(b.train)), "train_seconds": round(seconds, 1),
              "oof_macro_f1_text_only": oof["macro_f1"], "oof_roc_auc_text_only": oof["roc_auc"],
              "dev_macro_f1_text_only": round(r.macro_f1, 4), "dev_roc_auc_text_only": round(r.roc_auc, 4)})


def titles(b: Bench) -> None:
    """Articles often arrive without their headline (pasted text, feeds). How much does that cost,
    and does training on headline-less copies of a quarter of train (same label, same fold) help?"""
    from dataclasses import replace as with_

    from rumorlens.model.classifier import RumorModel

    no_title = [with_(a, title="") for a in b.dev]
    labelled = [a for a in b.train if a.label in ("fake", "real")]
    texts = [a.full_text for a in labelled]
    picked = [i for i in np.flatnonzero(np.random.default_rng(0).random(len(labelled)) < 0.25) if labelled[i].title]
    copies = ([labelled[i].text for i in picked], [""] * len(picked), [analyse(labelled[i].text)[1] for i in picked], picked)
    t = time.perf_counter()
    model = RumorModel(**b.model.settings).fit(texts, [a.title for a in labelled], [a.url for a in labelled], b.y,
                                               counts=[analyse(x)[1] for x in texts], augmented=copies)
    dropout = Judge(model, {"settings": b.model.settings})
    for name, judge, seconds in (("shipped settings", b.judge, b.train_seconds), ("+ headline-less copies of 25% of train", dropout, time.perf_counter() - t)):
        row = {"run": name, "train_seconds": round(seconds, 1)}
        for dev_name, arts in (("dev", b.dev), ("dev_without_headlines", no_title)):
            r = evaluate(judge, arts, text_only=True)
            row[f"{dev_name}_macro_f1_text_only"], row[f"{dev_name}_roc_auc_text_only"] = round(r.macro_f1, 4), round(r.roc_auc, 4)
        emit(row)


# -- posts: "Simpson revealed it via her Twitter account", "she took to Instagram" ------------
# A story that rests on its subject's own post is on the record in her own words. In train, 29%
# of articles with neither an on-record quote nor such a post are fake, 16-17% of those with a post.
_PLATFORM = re.compile(r"\b(?:Instagram|Twitter|Facebook|Snapchat|TikTok|YouTube|social media|(?:re)?tweet(?:ed|s)?)\b")
_POST_VERB = re.compile(
    r"\b(?:took\s+to|(?:posted|wrote|shared|captioned|announced|revealed|confirmed|responded|replied|explained|"
    r"addressed|clapped\s+back|hit\s+back|shot\s+back|penned|uploaded|shut\s+down|gushed|opened\s+up|said|"
    r"thanked|teased|debuted|showed\s+off|unveiled)\b(?:[^.\n!?]{0,60}?\s)?(?:on|via|to|in|using|through)"
    r"(?:\s+(?:her|his|their|its|an?|the))?(?:\s+(?:own|official|verified|personal))?\s+$"
    r"|tweet(?:ed|s)?$)"
)
# people reacting to a story are not its subject speaking ("fans took to Twitter")
_NOT_SUBJECT = re.compile(r"(?i:\b(?:fans?|followers?|users?|people|viewers?|commenters?|trolls?|critics|others|many|some|someone|everyone|twitter|internet)\s+(?:\w+\s+)?$)")


def own_posts(text: str, anon_spans) -> int:
    """How many times ``text`` cites its subject's own post (not a source's claim about one)."""
    from rumorlens.signals.extract import _sentence_start

    n = 0
    for m in _PLATFORM.finditer(text):
        lo = _sentence_start(text, max(0, m.start() - 120), m.start())
        hi = m.end() if m.group().lower().startswith(("tweet", "retweet")) else m.start()
        v = _POST_VERB.search(text, lo, hi)
        if v is None or any(s < v.start() and e > lo for s, e in anon_spans) or _NOT_SUBJECT.search(text, lo, v.start()):
            continue
        n += 1
    return n


def posts(b: Bench) -> None:
    """Three columns beside the n-grams (standardised, x the model's signal weight): has a post,
    posts per 1,000 words, has an on-record quote *or* a post. Scored on dev and on both restyle
    stress tests. (Counting posts as on-record quotes inside the signal features, a full retrain,
    gave out of fold 0.8115 / 0.8977 text only and a rewrite drop of 0.007.)"""
    from scipy import sparse

    from rumorlens.model.robustness import restyled

    def block(arts, analysed):
        rows = []
        for a, (signals, counts) in zip(arts, analysed):
            t = a.full_text
            n = own_posts(t, [(s.start, s.end) for s in signals if s.kind == "anonymous_source"])
            words = max(t.count(" ") + t.count("\n") + 1, 1)
            rows.append([float(n > 0), np.log1p(n * 1000.0 / words), float(n > 0 or counts["has_on_record_quote"] > 0)])
        return np.array(rows)

    train = b.train
    _, analysed, X = b.judge._features(train)
    F = block(train, analysed)
    mu, sd = F.mean(0), F.std(0) + 1e-9
    weight = float(b.model.settings["signal_weight"])

    def scaled(F_):
        return sparse.csr_matrix(np.clip((F_ - mu) / sd, -5, 5) * weight)

    emit({"run": "articles with an own post", "train": int(F[:, 0].sum()), "train_fake_share_with": round(float(b.y[F[:, 0] > 0].mean()), 3),
          "train_fake_share_without_quote_or_post": round(float(b.y[F[:, 2] == 0].mean()), 3)})
    Z, dev_inputs = b.with_block(X, scaled(F))
    for name, arts in (("dev", b.dev), ("dev retouched", restyled(b.dev, how="retouch")), ("dev rewritten", restyled(b.dev, how="rewrite"))):
        arts = [a.without_outlet() for a in arts]
        _, analysed_dev, X_dev = b.judge._features(arts)
        b.report(f"shipped, {name}", b.model.oof_text_, b.model.predict(X_dev, [None] * len(arts), True, untitled_mask(arts))[0])
        b.row(f"+ own posts, {name}", Z, dev_inputs(X_dev, scaled(block(arts, analysed_dev)), b.model.neighbour_features(X_dev)))


def subject_on_record(article, signals) -> tuple[bool, bool]:
    """(a named on-record speaker shares a word with a person the headline is about, any named
    on-record speaker): "Kim told People" in a story about Kim, against a friend or a host quoted."""
    from rumorlens.corpus.text import fold, people, principal_people

    about = {w for key in principal_people(article.title, people(article.title, article.text)) for w in key.split()}
    speakers = [fold(s.speaker) for s in signals if s.kind == "on_record_quote" and s.speaker]
    return any(w in about for sp in speakers for w in sp.split()), bool(speakers)


def subject(b: Bench) -> None:
    """Whether the person the story is about is the one quoted on the record, beside whether
    anyone is: the share of fakes in train by both and by an unnamed source, then one column (the
    subject on the record; standardised, x the signal weight) beside the n-grams, both text
    scorers refitted on the shipped folds."""
    from scipy import sparse

    from rumorlens.model.robustness import restyled

    def block(arts, analysed):
        return np.array([[float(subject_on_record(a, signals)[0])] for a, (signals, _) in zip(arts, analysed)])

    train = b.train
    _, analysed, X = b.judge._features(train)
    for anon in (True, False):
        for who in ("the subject", "someone else", "nobody named"):
            mask = []
            for a, (signals, counts) in zip(train, analysed):
                subj, anyone = subject_on_record(a, signals)
                said = "the subject" if subj else "someone else" if anyone else "nobody named"
                mask.append(said == who and (counts["has_anonymous_source"] > 0) == anon)
            mask = np.array(mask)
            emit({"run": f"on the record: {who}; unnamed source: {'yes' if anon else 'no'}", "train": int(mask.sum()),
                  "train_fake_share": round(float(b.y[mask].mean()), 3)})
    F = block(train, analysed)
    mu, sd = F.mean(0), F.std(0) + 1e-9
    weight = float(b.model.settings["signal_weight"])

    def scaled(F_):
        return sparse.csr_matrix(np.clip((F_ - mu) / sd, -5, 5) * weight)

    Z, dev_inputs = b.with_block(X, scaled(F))
    for name, arts in (("dev", b.dev), ("dev rewritten", restyled(b.dev, how="rewrite"))):
        arts = [a.without_outlet() for a in arts]
        _, analysed_dev, X_dev = b.judge._features(arts)
        b.report(f"shipped, {name}", b.model.oof_text_, b.model.predict(X_dev, [None] * len(arts), True, untitled_mask(arts))[0])
        b.row(f"+ the subject on the record, {name}", Z, dev_inputs(X_dev, scaled(block(arts, analysed_dev)), b.model.neighbour_features(X_dev)))


def pairs(b: Bench) -> None:
    """Rumours repeat as *who* and *what* together ("Aniston" with "pregnant", "Pitt" with
    "Jolie"): a linear model over single n-grams cannot weigh the conjunction. Cross features of
    the people named in the headline and lead (each word of a full name) with the claim words
    there (the private-matter and public-event lexicons), and the pairs of people, as one more
    binary TF-IDF block beside the n-grams (refitting both text scorers on the shipped folds);
    scored on dev and the rewrite stress test."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from rumorlens.model.robustness import restyled
    from rumorlens.signals import lexicon as L
    from rumorlens.signals.speakers import _NOT_NAMES, _PERSON

    claims = sorted({w.lower() for w in (*L.PRIVATE_WORDS, *L.PUBLIC_WORDS)}, key=len, reverse=True)
    claim_re = re.compile(r"\b(?:" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in claims) + r")\b", re.I)

    def crosses(a, lead_chars=600, with_people_pairs=True):
        head = f"{a.title or ''}\n{a.text[:lead_chars]}"
        people = sorted({w.lower() for m in _PERSON.finditer(head) for w in m.group().split() if w not in _NOT_NAMES and len(w) > 2})[:12]
        what = sorted({" ".join(m.group().lower().split()) for m in claim_re.finditer(head)})
        out = [f"{p}|{c}" for p in people for c in what]
        if with_people_pairs:
            out += [f"{p}&{q}" for i, p in enumerate(people) for q in people[i + 1:]]
        return out

    train = b.train
    _, _, X = b.judge._features(train)
    dev_sets = [(name, [a.without_outlet() for a in arts]) for name, arts in (("dev", b.dev), ("dev rewritten", restyled(b.dev, how="rewrite")))]
    dev_X = {name: b.judge._features(arts)[2] for name, arts in dev_sets}  # the same for every variant
    for weight, lead_chars, people_pairs in ((0.5, 600, True), (0.3, 600, True), (0.5, 600, False), (0.5, 1500, True)):
        vec = TfidfVectorizer(analyzer=lambda toks: toks, min_df=3, binary=True, sublinear_tf=True)
        Z, dev_inputs = b.with_block(X, vec.fit_transform([crosses(a, lead_chars, people_pairs) for a in train]) * weight)
        name = f"+ who x what x{weight}, first {lead_chars} characters" + (", + pairs of people" if people_pairs else "")
        for dev_name, arts in dev_sets:
            X_dev = dev_X[dev_name]
            block_dev = vec.transform([crosses(a, lead_chars, people_pairs) for a in arts]) * weight
            b.row(f"{name}, {dev_name}", Z, dev_inputs(X_dev, block_dev, b.model.neighbour_features(X_dev)), n_cross_features=len(vec.vocabulary_))


def chars(b: Bench, only: tuple[str, ...] = ()) -> None:
    """Character n-grams read spellings the word n-grams split or miss (names, "Kardashian's",
    "ex-husband"). Instead of replacing the words (the char_wb ablation), a third scorer over
    character 2-5-grams, fitted on the shipped folds, gives one more stacker column: of the
    headline alone (cheap: ~70 characters a story) and of the first 3,000 characters; each as
    written and tone-blind (only the words the word n-grams keep, no punctuation)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from rumorlens.model.features import make_word_vectorizer
    from rumorlens.model.robustness import restyled

    rewritten = [a.without_outlet() for a in restyled(b.dev, how="rewrite")]
    _, _, X_rw = b.judge._features(rewritten)
    _, scores_rw = b.model.predict(X_rw, [None] * len(rewritten), True)
    # the shipped stacker inputs of each dev set, read once for every variant
    dev_sets = {"dev": ([a.without_outlet() for a in b.dev], b.dev_inputs["text"]),
                "dev rewritten": (rewritten, np.column_stack([scores_rw, b.model.neighbour_features(X_rw)]))}
    for dev_name, (_, Z_dev) in dev_sets.items():
        b.row("shipped" if dev_name == "dev" else f"shipped, {dev_name}", b.inputs["text"], Z_dev)
    words = make_word_vectorizer(ngram_max=1, tone_blind=True).build_analyzer()  # lower case, no punctuation, stop or tone words

    def blind(text):
        return " ".join(words(text))

    for name, part, ngrams, max_features in (("headline", lambda a: a.title or "", (2, 5), 200_000),
                                             ("first 3,000 characters", lambda a: a.full_text[:3000], (3, 5), 300_000),
                                             ("tone-blind headline", lambda a: blind(a.title or ""), (2, 5), 200_000),
                                             ("tone-blind first 3,000 characters", lambda a: blind(a.full_text[:3000]), (3, 5), 300_000)):
        if only and name not in only:
            continue
        t = time.perf_counter()
        vec = TfidfVectorizer(analyzer="char_wb", ngram_range=ngrams, min_df=3, max_df=0.5, sublinear_tf=True, max_features=max_features)
        C = vec.fit_transform([part(a) for a in b.train])
        oof = np.zeros(len(b.y))
        for train_idx, held_idx in b.folds:
            clf = b.model._classifier().fit(C[train_idx], b.y[train_idx])
            oof[held_idx] = clf.decision_function(C[held_idx])
        clf = b.model._classifier().fit(C, b.y)
        seconds = round(time.perf_counter() - t, 1)
        for dev_name, (arts, Z_dev) in dev_sets.items():
            extra = clf.decision_function(vec.transform([part(a) for a in arts]))
            if dev_name == "dev":
                b.row(f"{name} characters alone", oof[:, None], extra[:, None])
            b.row(f"+ a {name} character scorer, {dev_name}", np.column_stack([b.inputs["text"], oof]), np.column_stack([Z_dev, extra]),
                  n_features=C.shape[1], fit_seconds=seconds)


def trees(b: Bench) -> None:
    """A linear model adds up its n-grams; gradient-boosted trees over the same features can
    weigh them together ("pregnant" only with "source", "split" without a named rep). LightGBM
    (not a dependency: ``pip install lightgbm``) on the text features the shipped scorers read
    (n-grams seen in 5+ training stories, the signals), fitted on the shipped folds, stacked as a
    third column; scored on dev and the rewrite stress test."""
    try:
        import lightgbm
    except ImportError:
        emit({"run": "trees", "skipped": "pip install lightgbm"})
        return
    from rumorlens.model.robustness import restyled

    _, _, X = b.judge._features(b.train)
    X = X.tocsc()
    keep = np.flatnonzero(np.diff(X.indptr) >= 5)  # columns (n-grams, signals) in 5+ stories
    X = X[:, keep].tocsr()
    rewritten = [a.without_outlet() for a in restyled(b.dev, how="rewrite")]
    _, _, X_rw = b.judge._features(rewritten)
    _, scores_rw = b.model.predict(X_rw, [None] * len(rewritten), True)
    _, _, X_dev = b.judge._features([a.without_outlet() for a in b.dev])
    dev_sets = {"dev": (X_dev[:, keep], b.dev_inputs["text"]),
                "dev rewritten": (X_rw[:, keep], np.column_stack([scores_rw, b.model.neighbour_features(X_rw)]))}
    for dev_name, (_, Z_dev) in dev_sets.items():
        b.row("shipped" if dev_name == "dev" else f"shipped, {dev_name}", b.inputs["text"], Z_dev)
    for leaves, rounds in ((15, 400), (31, 800)):
        params = dict(n_estimators=rounds, learning_rate=0.05, num_leaves=leaves, min_child_samples=20, colsample_bytree=0.3,
                      subsample=0.8, subsample_freq=1, reg_lambda=1.0, class_weight="balanced", n_jobs=2, verbose=-1, random_state=0)
        t = time.perf_counter()
        oof = np.zeros(len(b.y))
        for train_idx, held_idx in b.folds:
            clf = lightgbm.LGBMClassifier(**params).fit(X[train_idx], b.y[train_idx])
            oof[held_idx] = clf.predict(X[held_idx], raw_score=True)
        clf = lightgbm.LGBMClassifier(**params).fit(X, b.y)
        seconds = round(time.perf_counter() - t, 1)
        name = f"LightGBM, {leaves} leaves, {rounds} rounds"
        for dev_name, (X_d, Z_dev) in dev_sets.items():
            extra = clf.predict(X_d, raw_score=True)
            if dev_name == "dev":
                b.row(f"{name}, alone", oof[:, None], extra[:, None])
            b.row(f"+ {name}, {dev_name}", np.column_stack([b.inputs["text"], oof]), np.column_stack([Z_dev, extra]),
                  n_features=X.shape[1], fit_seconds=seconds)


def batchmates(b: Bench) -> None:
    """Transductive story memory: a batch of unseen stories holds the same rumour several times,
    so each article's text-only log-odds is averaged with those of its batch-mates (cosine over
    the pruned n-gram rows, as the model's story memory; similarity-weighted, weight ``lam``), the
    cut kept. Needs no labels; tried on dev as one batch."""
    from sklearn.metrics import f1_score, roc_auc_score

    from rumorlens.model.neighbours import prune_rows

    dev = [a.without_outlet() for a in b.dev]
    _, _, X = b.judge._features(dev)
    p = b.judge._probabilities(dev, X, True)
    th = b.judge.threshold(True)
    logit, cut = np.log(p / (1 - p)), np.log(th / (1 - th))
    Q = prune_rows(X[:, : b.judge._n_words], int(b.model.settings["neighbours_terms"]))
    S = (Q @ Q.T).toarray()
    np.fill_diagonal(S, 0)
    emit({"run": "shipped", "dev_macro_f1": round(f1_score(b.y_dev, logit >= cut, average="macro"), 4), "dev_roc_auc": round(roc_auc_score(b.y_dev, logit), 4)})
    for least in (0.15, 0.2, 0.25, 0.3, 0.4):
        W = np.where(S >= least, S, 0)
        has = W.sum(1) > 0
        mates = (W @ logit) / np.maximum(W.sum(1), 1e-9)
        for lam in (0.3, 0.5, 1.0):
            z = np.where(has, (logit + lam * mates) / (1 + lam), logit)
            emit({"run": f"batch-mates at cosine >= {least}, weight {lam}", "share_with_mates": round(float(has.mean()), 3),
                  "dev_macro_f1": round(f1_score(b.y_dev, z >= cut, average="macro"), 4), "dev_roc_auc": round(roc_auc_score(b.y_dev, z), 4)})


def paragraphs(b: Bench) -> None:
    """Where in the article: a crawled page holds the story among related links, captions and
    comments, and one paragraph may carry the claim and its insider. Each paragraph (8 words or
    more, of the first MODEL_CHARS characters) is scored by the fold's own text scorers as if it
    were an article (its n-grams and signals, no headline); the article's highest and mean
    paragraph scores per scorer go into the stacker beside the whole-article scores."""
    from rumorlens.model.features import MODEL_CHARS

    train, dev = b.train, [a.without_outlet() for a in b.dev]
    _, _, X = b.judge._features(train)
    m = b.model

    def split(arts):
        texts, owner = [], []
        for i, a in enumerate(arts):
            paras = [p for p in re.split(r"\n+", a.text[:MODEL_CHARS]) if len(p.split()) >= 8] or [a.text[:MODEL_CHARS]]
            texts += paras
            owner += [i] * len(paras)
        return m.features(texts, [""] * len(texts), [analyse(t)[1] for t in texts]), np.asarray(owner)

    t = time.perf_counter()
    P, owner = split(train)
    P_dev, owner_dev = split(dev)
    emit({"run": "paragraphs read", "train_paragraphs": P.shape[0], "dev_paragraphs": P_dev.shape[0], "seconds": round(time.perf_counter() - t, 1)})

    def pooled(scores, own, n):
        top, total, count = np.full(n, -np.inf), np.zeros(n), np.zeros(n)
        np.maximum.at(top, own, scores)
        np.add.at(total, own, scores)
        np.add.at(count, own, 1)
        return top, total / np.maximum(count, 1)

    oof = np.zeros((len(b.y), 4))
    for train_idx, held_idx in b.folds:
        rows = np.flatnonzero(np.isin(owner, held_idx))
        for k, (coef, bias) in enumerate(m._fit_scorers(X[train_idx], b.y[train_idx])):
            top, mean = pooled(P[rows] @ coef + bias, owner[rows], len(b.y))
            oof[held_idx, k], oof[held_idx, 2 + k] = top[held_idx], mean[held_idx]
    dev_cols = np.zeros((len(dev), 4))
    for k, (coef, bias) in enumerate(m.text_scorers_):
        dev_cols[:, k], dev_cols[:, 2 + k] = pooled(P_dev @ coef + bias, owner_dev, len(dev))
    b.row("shipped (for reference)", b.inputs["text"], b.dev_inputs["text"])
    b.row("+ strongest paragraph per scorer", np.column_stack([b.inputs["text"], oof[:, :2]]), np.column_stack([b.dev_inputs["text"], dev_cols[:, :2]]))
    b.row("+ strongest and mean paragraph per scorer", np.column_stack([b.inputs["text"], oof]), np.column_stack([b.dev_inputs["text"], dev_cols]))


_SPOKEN = re.compile(r"\s*(?:,|(?:that|she|he|they|it|the|in|on|during|at)\b|to\s+(?:[A-Z]|reporters\b))")


def reported_speech(text: str) -> bool:
    """A named speaker (as the quote finder names them) with a verb of saying and no quote marks:
    "Cena revealed that he and Bella…", "Burruss's publicist told the Atlanta TV station that…".
    "Told" counts only to an outlet or reporters ("Kim told Kanye she was done" is hearsay)."""
    import rumorlens.signals.extract as X
    import rumorlens.signals.speakers as names
    from rumorlens.signals.outlets import _outlet_of

    said = re.compile(r"(?:(?<=[\s(])|^)(?P<name>" + X._NAME + r")\s+" + X._ADV + r"{0,2}(?P<verb>told|tells|said|says|revealed|reveals|"
                      r"explained|explains|confirmed|confirms|admitted|admits|announced|announces|insisted|insists|recalled|recalls)"
                      r"(?![\w’'-])(?P<rest>[^.\n]{0,40})")
    for m in said.finditer(text):
        speaker = names._named_speaker(m.group("name"))
        if not speaker or speaker.split()[0] in names._PRONOUNS:
            continue
        rest = m.group("rest")
        if m.group("verb").startswith("tel"):
            if _outlet_of(rest.strip().split(" that")[0][:30]) or re.match(r"\s+(?:reporters|us)\b", rest):
                return True
        elif _SPOKEN.match(rest):
            return True
    return False


def speech(train, y) -> None:
    """Does reported speech (no quote marks) tell fakes apart, beside quotes and unnamed sources?"""
    table = collections.Counter()
    for a, fake in zip(train, y):
        signals, _ = analyse(a.full_text)
        kinds = {s.kind for s in signals}
        table[("on_record_quote" in kinds, "anonymous_source" in kinds, reported_speech(a.full_text), bool(fake))] += 1
    for quote in (True, False):
        for anon in (True, False):
            for spoken in (True, False):
                n_fake, n_real = table[(quote, anon, spoken, True)], table[(quote, anon, spoken, False)]
                if n_fake + n_real:
                    emit({"quote": quote, "unnamed_source": anon, "reported_speech": spoken, "train": n_fake + n_real,
                          "train_fake_share": round(n_fake / (n_fake + n_real), 3)})


TABULATIONS = {"speech": speech}  # counts over train, no model fitted

EXPERIMENTS = {"stackers": stackers, "views": views, "memory": memory, "furniture": furniture, "prevalence": prevalence, "cuts": cuts, "noise": noise,
               "outlets": outlets, "learning": learning, "titles": titles, "posts": posts, "subject": subject, "pairs": pairs,
               "chars": chars, "batchmates": batchmates, "paragraphs": paragraphs, "trees": trees}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=[*EXPERIMENTS, *TABULATIONS, "all"])
    args = ap.parse_args()
    if args.what in TABULATIONS:
        train = list(read_articles([DATA / "train.jsonl"]))
        TABULATIONS[args.what](train, [a.label == "fake" for a in train])
        return
    bench = Bench()
    emit({"run": "fit with the shipped settings", "train_seconds": round(bench.train_seconds, 1)})
    for name, experiment in EXPERIMENTS.items():
        if args.what in (name, "all"):
            experiment(bench)


if __name__ == "__main__":
    main()
