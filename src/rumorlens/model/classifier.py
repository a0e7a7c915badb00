"""``RumorModel``: word n-grams + signal features -> linear text score, then two calibrators.

Why two stages: the text score must stand alone (``--text-only``, new outlets), so it is
learned without the outlet. A second, tiny logistic model combines the out-of-fold text score
with the outlet prior; out-of-fold so it learns how much to trust the text score on articles
the text model has not memorised. The text-only calibrator is the same thing without the outlet.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from .features import OutletPrior, SignalFeaturizer, make_word_vectorizer, model_text

DEFAULTS = {
    "C": 8.0,
    "max_features": 200_000,
    "signal_weight": 0.3,
    "outlet_strength": 10.0,
    "folds": 4,
    "seed": 13,
}


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


class RumorModel:
    def __init__(self, **settings) -> None:
        self.settings = {**DEFAULTS, **settings}

    # -- training ------------------------------------------------------------------------
    def fit(
        self,
        texts: Sequence[str],
        outlets: Sequence[str | None],
        y: np.ndarray,
        counts: Sequence[dict] | None = None,
        augmented: tuple[Sequence[str], Sequence[dict], Sequence[int]] | None = None,
        progress: Callable[[str], None] = lambda s: None,
    ):
        """``augmented`` = (texts, signal counts, index of the original each copy restyles):
        restyled copies train the text model with their original's label and always sit in
        their original's fold, so cross-validation never scores a story it trained on."""
        s = self.settings
        y = np.asarray(y).astype(int)
        progress("vectorising words")
        self.vectorizer_ = make_word_vectorizer(int(s["max_features"]))
        X_words = self.vectorizer_.fit_transform([model_text(t) for t in texts])
        progress("finding signals")
        signal_input = counts if counts is not None else texts
        self.signals_ = SignalFeaturizer().fit(signal_input)
        X = self._stack(X_words, self.signals_.transform(signal_input))
        if augmented is not None:
            aug_texts, aug_counts, aug_source = augmented
            aug_source = np.asarray(aug_source, dtype=int)
            X_aug = self.features(aug_texts, aug_counts)
            y_aug = y[aug_source]
        else:
            aug_source = np.zeros(0, dtype=int)
            X_aug, y_aug = None, np.zeros(0, dtype=int)

        def training_rows(idx: np.ndarray):
            if X_aug is None:
                return X[idx], y[idx]
            extra = np.flatnonzero(np.isin(aug_source, idx))
            return sparse.vstack([X[idx], X_aug[extra]], format="csr"), np.concatenate([y[idx], y_aug[extra]])

        self.outlets_ = OutletPrior(strength=float(s["outlet_strength"])).fit(outlets, y)
        folds = StratifiedKFold(int(s["folds"]), shuffle=True, random_state=int(s["seed"]))
        oof = np.zeros(len(y))
        oof_outlet = np.zeros((len(y), 2))
        for i, (train_idx, held_idx) in enumerate(folds.split(X, y)):
            progress(f"cross-validating fold {i + 1}/{s['folds']}")
            clf = self._classifier().fit(*training_rows(train_idx))
            oof[held_idx] = clf.decision_function(X[held_idx])
            fold_prior = OutletPrior(strength=float(s["outlet_strength"])).fit([outlets[j] for j in train_idx], y[train_idx])
            oof_outlet[held_idx] = fold_prior.transform([outlets[j] for j in held_idx])
        progress("fitting the final model")
        final = self._classifier().fit(*training_rows(np.arange(len(y))))
        # Plain arrays from here on: the same attributes a loaded model has.
        self.coef_ = final.coef_.ravel().astype(np.float32)
        self.intercept_ = float(final.intercept_[0])

        # Calibrators: Platt scaling on out-of-fold scores (with and without the outlet).
        text_cal = LogisticRegression(C=100.0).fit(oof.reshape(-1, 1), y)
        full_cal = LogisticRegression(C=100.0).fit(np.column_stack([oof, oof_outlet]), y)
        self.text_cal_ = np.array([text_cal.coef_[0, 0], text_cal.intercept_[0]])
        self.full_cal_ = np.array([*full_cal.coef_[0], full_cal.intercept_[0]])
        self.oof_text_ = text_cal.predict_proba(oof.reshape(-1, 1))[:, 1]
        self.oof_full_ = full_cal.predict_proba(np.column_stack([oof, oof_outlet]))[:, 1]
        self.threshold_text_ = best_threshold(y, self.oof_text_)
        self.threshold_full_ = best_threshold(y, self.oof_full_)
        return self

    def _classifier(self) -> LogisticRegression:
        return LogisticRegression(C=float(self.settings["C"]), max_iter=3000, class_weight="balanced", solver="liblinear")

    def _stack(self, X_words, X_signals):
        return sparse.hstack([X_words, sparse.csr_matrix(X_signals * float(self.settings["signal_weight"]))], format="csr", dtype=np.float32)

    # -- inference -----------------------------------------------------------------------
    def features(self, texts: Sequence[str], counts: Sequence[dict]):
        return self._stack(self.vectorizer_.transform([model_text(t) for t in texts]), self.signals_.transform(counts))

    def text_scores(self, X) -> np.ndarray:
        return X @ self.coef_ + self.intercept_

    def probabilities(self, scores: np.ndarray, outlets: Sequence[str | None], text_only: bool) -> np.ndarray:
        if text_only:
            a = self.text_cal_
            return _sigmoid(a[0] * scores + a[-1])
        prior = self.outlets_.transform(outlets)
        b = self.full_cal_
        return _sigmoid(b[0] * scores + b[1] * prior[:, 0] + b[2] * prior[:, 1] + b[-1])

    def threshold(self, text_only: bool) -> float:
        return self.threshold_text_ if text_only else self.threshold_full_

    def feature_names(self) -> list[str]:
        return [*self.vectorizer_.get_feature_names_out(), *self.signals_.get_feature_names_out()]

    # -- persistence as arrays (see persist.py) ------------------------------------------
    def to_arrays(self) -> tuple[dict, dict[str, np.ndarray], list[str], dict[str, list[int]]]:
        vocab = [None] * len(self.vectorizer_.vocabulary_)
        for term, col in self.vectorizer_.vocabulary_.items():
            vocab[col] = term
        arrays = {
            "idf": self.vectorizer_.idf_.astype(np.float32),
            "coef": self.coef_,
            "intercept": np.array([self.intercept_]),
            "signal_mean": self.signals_.mean_,
            "signal_scale": self.signals_.scale_,
            "text_cal": self.text_cal_,
            "full_cal": self.full_cal_,
        }
        config = {
            "settings": self.settings,
            "signal_features": self.signals_.feature_names_,
            "base_rate": self.outlets_.base_rate_,
            "threshold_text": self.threshold_text_,
            "threshold_full": self.threshold_full_,
        }
        return config, arrays, vocab, self.outlets_.counts_

    @classmethod
    def from_arrays(cls, config: dict, arrays: dict[str, np.ndarray], vocab: list[str], outlets: dict) -> RumorModel:
        self = cls(**config["settings"])
        self.vectorizer_ = make_word_vectorizer(vocabulary={t: i for i, t in enumerate(vocab)})
        self.vectorizer_.idf_ = arrays["idf"].astype(np.float64)
        self.signals_ = SignalFeaturizer()
        self.signals_.feature_names_ = list(config["signal_features"])
        self.signals_.mean_, self.signals_.scale_ = arrays["signal_mean"], arrays["signal_scale"]
        self.outlets_ = OutletPrior(strength=float(self.settings["outlet_strength"]))
        self.outlets_.counts_ = {k: [int(v[0]), int(v[1])] for k, v in outlets.items()}
        self.outlets_.base_rate_ = float(config["base_rate"])
        self.threshold_text_, self.threshold_full_ = float(config["threshold_text"]), float(config["threshold_full"])
        self.coef_, self.intercept_ = arrays["coef"].astype(np.float32), float(arrays["intercept"][0])
        self.text_cal_, self.full_cal_ = arrays["text_cal"], arrays["full_cal"]
        return self


def best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The p_fake cut that maximises macro-F1 on out-of-fold predictions (fakes are ~21%)."""
    grid = np.arange(0.15, 0.71, 0.01)
    scores = [f1_score(y, p >= t, average="macro") for t in grid]
    return float(round(grid[int(np.argmax(scores))], 2))
