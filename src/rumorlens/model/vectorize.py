"""TF-IDF n-grams at inference time without importing scikit-learn.

Training fits scikit-learn's ``TfidfVectorizer`` (vocabulary and idf); checking articles only has
to *apply* it, and importing scikit-learn for that costs ~150 MB of resident memory and half a
second of start-up. ``NgramTfidf`` reproduces the word analyzer exactly (lower-case, the
``(?u)\\b\\w\\w+\\b`` token pattern, stop words removed before n-grams, n-grams joined by a space),
then sublinear tf, idf and L2 normalisation. ``tests/test_model.py`` checks it against
scikit-learn on real articles; training also builds its features with it, so training and
checking share one code path.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from itertools import chain

import numpy as np
from scipy import sparse

WORD_PATTERN = r"(?u)\b\w\w+\b"
FAST_WORD_PATTERN = r"\w\w+"  # finds exactly what WORD_PATTERN finds (see NgramTfidf.__init__)


class NgramTfidf:
    def __init__(
        self,
        vocabulary: dict[str, int] | Sequence[str],
        idf: np.ndarray,
        ngram_max: int = 2,
        stop_words: Iterable[str] | None = None,
        token_pattern: str = WORD_PATTERN,
        lowercase: bool = True,
        sublinear_tf: bool = True,
    ) -> None:
        """``vocabulary``: term -> column, or the terms in column order (as a saved model keeps
        them; the dict is then built only if asked for, which checking never does)."""
        self._vocabulary = vocabulary if isinstance(vocabulary, dict) else None
        self._terms = None if isinstance(vocabulary, dict) else list(vocabulary)
        self.idf_ = np.asarray(idf, dtype=np.float32)
        self.ngram_max = ngram_max
        self.stop_words = frozenset(stop_words or ())
        self.token_pattern = token_pattern
        # The same tokens, found ~20% faster: after a greedy \w\w+ no \b can fail.
        self._tokens = re.compile(FAST_WORD_PATTERN if token_pattern == WORD_PATTERN else token_pattern).findall
        self.lowercase = lowercase
        self.sublinear_tf = sublinear_tf
        # _lookup's sorted hashes: None until first used, () if two terms share a hash
        self._hashed: tuple | None = None

    @classmethod
    def from_sklearn(cls, vectorizer) -> NgramTfidf:
        """Copy a fitted scikit-learn ``TfidfVectorizer`` (word analyzer) into a plain one."""
        return cls(
            vocabulary=dict(vectorizer.vocabulary_),
            idf=vectorizer.idf_,
            ngram_max=vectorizer.ngram_range[1],
            stop_words=vectorizer.get_stop_words(),
            token_pattern=vectorizer.token_pattern,
            lowercase=vectorizer.lowercase,
            sublinear_tf=vectorizer.sublinear_tf,
        )

    @property
    def vocabulary_(self) -> dict[str, int]:
        if self._vocabulary is None:
            self._vocabulary = {term: col for col, term in enumerate(self._terms)}
        return self._vocabulary

    @property
    def terms(self) -> list[str]:
        """The terms in column order."""
        if self._terms is None:
            self._terms = [""] * len(self._vocabulary)
            for term, col in self._vocabulary.items():
                self._terms[col] = term
        return self._terms

    def config(self) -> dict:
        return {
            "ngram_max": self.ngram_max,
            "stop_words": sorted(self.stop_words),
            "token_pattern": self.token_pattern,
            "lowercase": self.lowercase,
            "sublinear_tf": self.sublinear_tf,
        }

    def _grams(self, doc: str) -> tuple[list[str], ...]:
        """The document's tokens (stop words removed), then its 2-grams, 3-grams, ..."""
        tokens = self._tokens(doc.lower() if self.lowercase else doc)
        if self.stop_words:
            stop = self.stop_words
            tokens = [t for t in tokens if t not in stop]
        # map/zip keep the n-gram loop in C
        return (tokens, *(list(map(" ".join, zip(*(tokens[i:] for i in range(n))))) for n in range(2, self.ngram_max + 1)))

    def _lookup(self) -> tuple[np.ndarray, np.ndarray] | None:
        """Every vocabulary term's ``hash()`` sorted, with its column; None if two terms share a
        hash (about one vocabulary in 10^8), when ``transform`` looks terms up in the dict instead.

        Why: looking each distinct n-gram up in a 300,000-term dict cost ~0.5 us (cache misses),
        the largest single cost of checking an article. Hashing the n-grams in C and finding them
        in a sorted array with numpy, a whole batch at once, costs a third of that. An n-gram
        outside the vocabulary matches a term only if their 64-bit hashes collide (odds ~10^-14
        per n-gram), so the columns are those of the dict."""
        if self._hashed is None:
            keys = np.fromiter(map(hash, self.terms), dtype=np.int64, count=len(self.terms))
            cols = np.arange(len(keys), dtype=np.int64)
            order = np.argsort(keys, kind="stable")
            keys, cols = keys[order], cols[order]
            self._hashed = (keys, cols) if not np.any(keys[1:] == keys[:-1]) else ()
        return self._hashed or None

    def _counts(self, docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(row, column, count) of every vocabulary n-gram in ``docs``, sorted by row then column."""
        per_doc: list[np.ndarray] = []  # each document's n-gram hashes (its columns on the dict path)
        lengths: list[int] = []
        lookup = self._lookup()
        for doc in docs:
            grams = chain.from_iterable(self._grams(doc))
            if lookup is None:
                per_doc.append(np.array([c for c in map(self.vocabulary_.get, grams) if c is not None], dtype=np.int64))
            else:
                per_doc.append(np.fromiter(map(hash, grams), dtype=np.int64))
            lengths.append(len(per_doc[-1]))
        width = len(self.idf_)
        if not per_doc:
            return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64)
        keys = np.concatenate(per_doc)
        rows = np.repeat(np.arange(len(docs), dtype=np.int64), lengths)
        if lookup is None:
            cols = keys
        else:
            terms, term_cols = lookup
            order = np.argsort(keys)  # sorted needles make numpy's binary search about twice as fast
            keys, rows = keys[order], rows[order]
            at = np.searchsorted(terms, keys)
            at[at == len(terms)] = 0
            hit = terms[at] == keys
            cols, rows = term_cols[at[hit]], rows[hit]
        cells, counts = np.unique(rows * width + cols, return_counts=True)
        return cells // width, cells % width, counts

    def transform(self, docs: Sequence[str], chunk: int = 2048) -> sparse.csr_matrix:
        """``chunk`` documents at a time bound the memory training's 13,000 articles take."""
        parts = [self._transform(docs[i : i + chunk]) for i in range(0, len(docs), chunk)] or [self._transform([])]
        return parts[0] if len(parts) == 1 else sparse.vstack(parts, format="csr", dtype=np.float32)

    def _transform(self, docs: Sequence[str]) -> sparse.csr_matrix:
        rows, cols, counts = self._counts(docs)
        values = counts.astype(np.float32)
        if self.sublinear_tf and len(values):
            values = np.log(values) + np.float32(1.0)
        if len(values):
            values *= self.idf_[cols]
        indptr = np.searchsorted(rows, np.arange(len(docs) + 1)).astype(np.int64)
        return csr_l2(values, cols.astype(np.int32), indptr, (len(docs), len(self.idf_)))

    def get_feature_names_out(self) -> np.ndarray:
        return np.array(self.terms, dtype=object)


def csr_l2(data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, shape: tuple[int, int]) -> sparse.csr_matrix:
    """A CSR matrix from its arrays with every row scaled to unit length, ``data`` in place.

    Works on the arrays with numpy alone: scipy's element-wise sparse operations cost ~0.2 ms of
    checks per call, and checking one article called this five times."""
    rows = np.repeat(np.arange(shape[0]), np.diff(indptr))
    norms = np.sqrt(np.bincount(rows, weights=np.square(data, dtype=np.float64), minlength=shape[0]))
    norms[norms == 0] = 1.0
    data /= norms[rows].astype(np.float32)
    return sparse.csr_matrix((data, indices, indptr), shape=shape, dtype=np.float32)
