"""Story memory inside the model: how the most similar training stories were labelled.

Gossip Cop's best evidence was often "we already checked this one". The training set covers
many stories several times (the same rumour in five magazines), so the labels of an article's
nearest training neighbours are a strong, style-free feature. Each training article keeps only
its ``keep_terms`` heaviest n-grams, which keeps the shipped arrays small and the lookup fast.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from .vectorize import csr_l2

N_FEATURES = 3  # weighted fake share of the k nearest, max similarity to a fake, to a real


def prune_rows(X: sparse.csr_matrix, keep_terms: int) -> sparse.csr_matrix:
    """Keep each row's ``keep_terms`` largest entries, then L2-normalise."""
    X = sparse.csr_matrix(X, dtype=np.float32)
    data, indices, indptr = [], [], [0]
    for i in range(X.shape[0]):
        lo, hi = X.indptr[i], X.indptr[i + 1]
        d, c = X.data[lo:hi], X.indices[lo:hi]
        if hi - lo > keep_terms:
            top = np.argpartition(d, -keep_terms)[-keep_terms:]
            top = top[np.argsort(c[top])]  # keep columns in order (canonical CSR)
            d, c = d[top], c[top]
        data.append(d)
        indices.append(c)
        indptr.append(indptr[-1] + len(d))
    return csr_l2(
        np.concatenate(data).astype(np.float32) if data else np.zeros(0, np.float32),
        np.concatenate(indices).astype(np.int32) if indices else np.zeros(0, np.int32),
        np.asarray(indptr, dtype=np.int64),
        X.shape,
    )


class StoryNeighbours:
    """k-nearest training stories by cosine over pruned TF-IDF rows."""

    def __init__(self, k: int = 10, keep_terms: int = 80, query_terms: int = 40) -> None:
        self.k = k
        self.keep_terms = keep_terms
        # Queries keep only their heaviest terms too: the lookup's cost grows with every query
        # term's posting list, and the heaviest 40 terms already find the same stories.
        self.query_terms = query_terms

    @property
    def index_(self) -> sparse.csr_matrix:
        """The training matrix transposed, as CSR, built once: ``Q @ matrix_.T`` would convert
        the whole matrix to CSR on every call (9 ms, most of a single-article check)."""
        cached = getattr(self, "_index", None)
        if cached is None or cached.shape != self.matrix_.T.shape:
            cached = self._index = self.matrix_.T.tocsr()
        return cached

    def fit(self, X_words, y):
        self.matrix_ = prune_rows(X_words, self.keep_terms)
        self.labels_ = np.asarray(y).astype(np.int8)
        return self

    def transform(self, X_words, exclude: np.ndarray | None = None, cap: float | None = None, batch: int = 512) -> np.ndarray:
        """Features for each query row. Out of fold, ``exclude`` hides training rows and
        ``cap`` hides neighbours at or above that cosine (near-copies)."""
        Q = prune_rows(X_words, self.query_terms)
        out = np.zeros((Q.shape[0], N_FEATURES))
        k = min(self.k, self.matrix_.shape[0])
        if exclude is None and cap is None:
            return self._transform_sparse(Q, k, out)
        for start in range(0, Q.shape[0], batch):
            S = (Q[start : start + batch] @ self.index_).toarray()
            if exclude is not None:
                S[:, exclude] = -1.0
            if cap is not None:
                S[S >= cap] = -1.0
            idx = np.argpartition(-S, k - 1, axis=1)[:, :k]
            sims = np.take_along_axis(S, idx, axis=1).clip(min=0)
            labels = self.labels_[idx]
            w = sims + 1e-6
            # with no similar story at all the share would come from arbitrary picks: say "the
            # training share" instead, the same answer as the sparse path
            out[start : start + batch, 0] = np.where(sims.max(1) > 0, (labels * w).sum(1) / w.sum(1), self.labels_.mean()) - 0.5
            out[start : start + batch, 1] = np.where(labels == 1, sims, 0).max(1)
            out[start : start + batch, 2] = np.where(labels == 0, sims, 0).max(1)
        return out

    def _transform_sparse(self, Q: sparse.csr_matrix, k: int, out: np.ndarray) -> np.ndarray:
        """Checking's path: the k best among each row's non-zero similarities, without making
        the similarities dense (a quarter of the time of checking a batch went to a dense
        argpartition over every training story). A row with fewer than k similar stories is
        filled up with zero-similarity ones counted as real; the dense path picks arbitrary
        ones, and either way each weighs 1e-6 in the fake share. With none at all, both paths
        give the training share."""
        S = (Q @ self.index_).tocsr()
        for row in range(S.shape[0]):
            lo, hi = S.indptr[row], S.indptr[row + 1]
            sims, cols = S.data[lo:hi], S.indices[lo:hi]
            if hi - lo > k:
                top = np.argpartition(sims, hi - lo - k)[hi - lo - k :]
                sims, cols = sims[top], cols[top]
            sims = sims.clip(min=0)
            labels = self.labels_[cols]
            w = sims + 1e-6
            fill = k - len(sims)  # zero-similarity stories: label 0 (as if real), weight 1e-6
            share = (labels * w).sum() / (w.sum() + fill * 1e-6) if sims.max(initial=0.0) > 0 else self.labels_.mean()
            out[row, 0] = share - 0.5
            out[row, 1] = sims[labels == 1].max(initial=0.0)
            out[row, 2] = sims[labels == 0].max(initial=0.0)
        return out
