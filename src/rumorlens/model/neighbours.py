"""Story memory inside the model: how the most similar training stories were labelled.

Gossip Cop's best evidence was often "we already checked this one". The training set covers
many stories several times (the same rumour in five magazines), so the labels of an article's
nearest training neighbours are a strong, style-free feature. Each training article keeps only
its ``keep_terms`` heaviest n-grams, which keeps the shipped arrays small and the lookup fast.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .vectorize import csr_l2

N_FEATURES = 3  # weighted fake share of the k nearest, max similarity to a fake, to a real


@dataclass(frozen=True)
class Remembered:
    """One training story an article is like: how alike (cosine of their pruned n-gram rows),
    how it was labelled, and where it came from when the model directory says
    (``memory.json.gz``; a story's text and headline are never kept, only its id, outlet and
    year)."""

    similarity: float
    fake: bool
    id: str | None = None
    outlet: str | None = None
    year: int | None = None


def story_index(ids: Sequence[str | None], outlets: Sequence[str | None], published: Sequence[str | None]) -> dict:
    """What a model directory keeps about its training stories, row for row with the memory:
    ids, outlets, and the year each was published (``published`` as an ``Article`` carries it,
    ISO-8601)."""
    years = [int(p[:4]) if p and p[:4].isdigit() else None for p in published]
    return {"ids": list(ids), "outlets": list(outlets), "years": years}


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
        self.stories_ = None  # ``story_index`` of the same rows, if the caller knows them (Judge.fit does)
        return self

    def remembered(self, nearest: tuple[np.ndarray, np.ndarray], min_similarity: float = 0.0) -> list[Remembered]:
        """One row of ``nearest`` as the stories themselves, the most alike first (ties by
        training row), those below ``min_similarity`` or not alike at all left out."""
        sims, cols = nearest
        stories = getattr(self, "stories_", None) or {}
        ids, outlets, years = (stories.get(k) or () for k in ("ids", "outlets", "years"))
        out = []
        for j in sorted(range(len(sims)), key=lambda j: (-float(sims[j]), int(cols[j]))):
            sim, col = float(sims[j]), int(cols[j])
            if sim <= 0 or sim < min_similarity:
                break
            out.append(Remembered(similarity=sim, fake=bool(self.labels_[col]),
                                  id=ids[col] if col < len(ids) else None,
                                  outlet=outlets[col] if col < len(outlets) else None,
                                  year=years[col] if col < len(years) else None))
        return out

    def nearest(self, X_words, exclude: np.ndarray | None = None, cap: float | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each query row's k most similar training stories: (cosines, row indices), in no
        particular order (``features`` sums them as they come; ``remembered`` sorts them). Out
        of fold, ``exclude`` hides training rows and ``cap`` hides neighbours at or above that
        cosine (near-copies).

        Each row's k best are taken among its non-zero similarities, which are never made
        dense (a dense articles x 13,615 argpartition was a quarter of a checked batch's time)."""
        Q = prune_rows(X_words, self.query_terms)
        k = min(self.k, self.matrix_.shape[0])
        hidden = np.zeros(self.matrix_.shape[0], dtype=bool)
        if exclude is not None:
            hidden[exclude] = True
        S = (Q @ self.index_).tocsr()
        found = []
        for row in range(S.shape[0]):
            lo, hi = S.indptr[row], S.indptr[row + 1]
            sims, cols = S.data[lo:hi], S.indices[lo:hi]
            if exclude is not None or cap is not None:
                keep = ~hidden[cols] & (sims < (np.inf if cap is None else cap))
                sims, cols = sims[keep], cols[keep]
            if len(sims) > k:
                top = np.argpartition(sims, len(sims) - k)[len(sims) - k :]
                sims, cols = sims[top], cols[top]
            found.append((sims.clip(min=0), cols))
        return found

    def features(self, nearest: list[tuple[np.ndarray, np.ndarray]]) -> np.ndarray:
        """Story-memory features from ``nearest``: the similarity-weighted share of fakes among
        the k nearest (minus 0.5), the best similarity to a fake, to a real story. A row with
        fewer than k similar stories is filled up with zero-similarity ones counted as real,
        each weighing 1e-6 in the fake share; with none at all, the share is the training share."""
        out = np.zeros((len(nearest), N_FEATURES))
        k = min(self.k, self.matrix_.shape[0])
        for row, (sims, cols) in enumerate(nearest):
            if not sims.size or sims.max() <= 0:
                out[row] = self.neutral
                continue
            labels = self.labels_[cols]
            w = sims + 1e-6
            fill = k - len(sims)
            out[row, 0] = (labels * w).sum() / (w.sum() + fill * 1e-6) - 0.5
            out[row, 1] = sims[labels == 1].max(initial=0.0)
            out[row, 2] = sims[labels == 0].max(initial=0.0)
        return out

    @property
    def neutral(self) -> np.ndarray:
        """The features of a story like none the model was trained on (what memory adds is
        measured from here)."""
        return np.array([float(self.labels_.mean()) - 0.5, 0.0, 0.0])

    def transform(self, X_words, exclude: np.ndarray | None = None, cap: float | None = None) -> np.ndarray:
        """Features for each query row (``features`` of ``nearest``)."""
        return self.features(self.nearest(X_words, exclude, cap))
