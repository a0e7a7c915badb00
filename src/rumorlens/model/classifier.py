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

from .neighbours import N_FEATURES, StoryNeighbours
from .features import OutletPrior, SignalFeaturizer, make_word_vectorizer, model_text

DEFAULTS = {
    "C": 8.0,
    "max_features": 200_000,
    "signal_weight": 0.3,
    "outlet_strength": 10.0,
    "folds": 4,
    "seed": 13,
    "neighbours_k": 10,  # 0 turns story memory off
    "neighbours_terms": 80,
    # Out of fold, neighbours this similar are hidden: dev and new stories have no near-copies
    # in training, so the calibrator must not learn to lean on them.
    "neighbours_cap": 0.8,
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
        self.neighbours_ = None
        oof_nb = np.zeros((len(y), N_FEATURES if int(s["neighbours_k"]) > 0 else 0))
        if oof_nb.shape[1]:
            progress("indexing training stories")
            self.neighbours_ = StoryNeighbours(int(s["neighbours_k"]), int(s["neighbours_terms"])).fit(X_words, y)
        folds = StratifiedKFold(int(s["folds"]), shuffle=True, random_state=int(s["seed"]))
        oof = np.zeros(len(y))
        oof_outlet = np.zeros((len(y), 2))
        for i, (train_idx, held_idx) in enumerate(folds.split(X, y)):
            progress(f"cross-validating fold {i + 1}/{s['folds']}")
            clf = self._classifier().fit(*training_rows(train_idx))
            oof[held_idx] = clf.decision_function(X[held_idx])
            fold_prior = OutletPrior(strength=float(s["outlet_strength"])).fit([outlets[j] for j in train_idx], y[train_idx])
            oof_outlet[held_idx] = fold_prior.transform([outlets[j] for j in held_idx])
            if self.neighbours_ is not None:
                oof_nb[held_idx] = self.neighbours_.transform(X_words[held_idx], exclude=held_idx, cap=float(s["neighbours_cap"]))
        progress("fitting the final model")
        final = self._classifier().fit(*training_rows(np.arange(len(y))))
        # Plain arrays from here on: the same attributes a loaded model has.
        self.coef_ = final.coef_.ravel().astype(np.float32)
        self.intercept_ = float(final.intercept_[0])

        # Calibrators: logistic stackers on out-of-fold inputs (with and without the outlet).
        Z_text = np.column_stack([oof, oof_nb])
        Z_full = np.column_stack([oof, oof_outlet, oof_nb])
        text_cal = LogisticRegression(C=100.0).fit(Z_text, y)
        full_cal = LogisticRegression(C=100.0).fit(Z_full, y)
        self.text_cal_ = np.array([*text_cal.coef_[0], text_cal.intercept_[0]])
        self.full_cal_ = np.array([*full_cal.coef_[0], full_cal.intercept_[0]])
        self.oof_text_ = text_cal.predict_proba(Z_text)[:, 1]
        self.oof_full_ = full_cal.predict_proba(Z_full)[:, 1]
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

    def neighbour_features(self, X) -> np.ndarray:
        if self.neighbours_ is None:
            return np.zeros((X.shape[0], 0))
        return self.neighbours_.transform(X[:, : len(self.vectorizer_.vocabulary_)])

    def predict(self, X, outlets: Sequence[str | None], text_only: bool) -> tuple[np.ndarray, np.ndarray]:
        """(p_fake, raw text scores) for a feature matrix from ``features``."""
        scores = self.text_scores(X)
        cols = [scores.reshape(-1, 1)]
        if not text_only:
            cols.append(self.outlets_.transform(outlets))
        cols.append(self.neighbour_features(X))
        Z = np.column_stack(cols)
        w = self.text_cal_ if text_only else self.full_cal_
        return _sigmoid(Z @ w[:-1] + w[-1]), scores

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
        if self.neighbours_ is not None:
            m = self.neighbours_.matrix_
            arrays.update(nb_data=m.data.astype(np.float16), nb_indices=m.indices.astype(np.int32), nb_indptr=m.indptr.astype(np.int64), nb_labels=self.neighbours_.labels_)
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
        self.neighbours_ = None
        if "nb_data" in arrays:
            self.neighbours_ = StoryNeighbours(int(self.settings["neighbours_k"]), int(self.settings["neighbours_terms"]))
            shape = (len(arrays["nb_labels"]), len(vocab))
            self.neighbours_.matrix_ = sparse.csr_matrix((arrays["nb_data"].astype(np.float32), arrays["nb_indices"], arrays["nb_indptr"]), shape=shape)
            self.neighbours_.labels_ = arrays["nb_labels"].astype(np.int8)
        return self


def best_threshold(y: np.ndarray, p: np.ndarray) -> float:
    """The p_fake cut that maximises macro-F1 on out-of-fold predictions (fakes are ~21%)."""
    grid = np.arange(0.15, 0.71, 0.01)
    scores = [f1_score(y, p >= t, average="macro") for t in grid]
    return float(round(grid[int(np.argmax(scores))], 2))
