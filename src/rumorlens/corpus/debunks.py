"""Matching known debunks: "this rumour was already busted".

For an article, stored articles about the same claim are those whose title + lead is close in
TF-IDF cosine (>= ``threshold``) AND that name at least one of the same people (when the
article names anyone). Known labels (from the records: an editor's call) sort before model
verdicts, then by similarity. Limits: a label is per story, not per sentence, so a match says
"a story on this claim was labelled fake", not that every sentence here is false.
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ..article import Article
from ..model.vectorize import NgramTfidf
from .memory import DebunkMatch
from .storylines import extract_people
from .text import body_people, lead, people

THRESHOLD = 0.35
_ACCENTS = re.compile("[\u0300-\u036f]")  # combining diacritical marks


class DebunkIndex:
    """Fit on stored rows (id, title, text, outlet, published, final_label, label_source)."""

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold

    def fit(self, rows: list[dict]) -> DebunkIndex:
        self.rows_ = [r for r in rows if r.get("final_label") in ("fake", "real")]
        self.people_ = [set(p) for p in extract_people(self.rows_)]
        self.known_ = set().union(*self.people_) if self.people_ else set()
        fitting = TfidfVectorizer(stop_words="english", sublinear_tf=True, max_df=0.5 if len(self.rows_) >= 50 else 1.0, dtype=np.float32)
        docs = [_lead(r.get("title"), r.get("text")) for r in self.rows_]
        try:
            self.matrix_ = fitting.fit_transform(docs) if docs else None
        except ValueError:  # empty vocabulary
            self.matrix_ = None
        # Queries go through the plain transformer (same vocabulary, idf and analyzer): scikit-
        # learn's per-call checks cost more than the transform itself on a server's small batches.
        self.vectorizer_ = NgramTfidf.from_sklearn(fitting) if self.matrix_ is not None else None
        # Terms x stories, as CSR: a query then walks only its own terms' postings instead of
        # every stored story's terms (a tenth of a server's time per check went there).
        self.postings_ = self.matrix_.T.tocsr() if self.matrix_ is not None else None
        return self

    def matches(self, article: Article, limit: int = 3) -> list[DebunkMatch]:
        return self.matches_many([article], limit)[0]

    def matches_many(self, articles: list[Article], limit: int = 3) -> list[list[DebunkMatch]]:
        """Matches for each article. One vectorizer call for the whole batch (the call's fixed
        cost dominated a server judging one article per request), and people are extracted only
        for articles with a candidate above the threshold (about a third of them)."""
        if self.matrix_ is None or not articles:
            return [[] for _ in articles]
        queries = self.vectorizer_.transform([_lead(a.title, a.text) for a in articles])
        # Kept sparse: a batch's similarities to every stored story, made dense, cost as much as
        # finding them (a tenth of a server's check with a store); only those above the
        # threshold are read.
        sims = (queries @ self.postings_).tocsr()
        out = []
        for j, a in enumerate(articles):
            lo, hi = sims.indptr[j], sims.indptr[j + 1]
            values, columns = sims.data[lo:hi], sims.indices[lo:hi]
            above = values >= self.threshold
            order = np.argsort(columns[above])  # stored order, as from a dense row
            out.append(self._matches_for(a, columns[above][order], values[above][order], limit))
        return out

    def _matches_for(self, article: Article, candidates: np.ndarray, scores: np.ndarray, limit: int) -> list[DebunkMatch]:
        """``candidates``: the stored rows at the threshold or above, ``scores`` their cosines."""
        if not len(candidates):
            return []
        mine = set(people(article.title, None, self.known_, body=body_people(article.text)))
        found = []
        for i, score in zip(candidates.tolist(), scores.tolist()):
            r = self.rows_[i]
            if r["id"] == article.id or (mine and not (mine & self.people_[i])):
                continue
            found.append(DebunkMatch(
                article_id=r["id"], title=r.get("title") or "", outlet=r.get("outlet"), published=r.get("published"),
                label=r["final_label"], label_source=r.get("label_source") or "model", score=round(float(score), 4)))
        found.sort(key=lambda m: (m.label_source == "model", -m.score, m.article_id))  # people's calls first
        return found[:limit]


def _lead(title: str | None, text: str | None) -> str:
    """Title + lead with accents folded ("Khloé" matches "Khloe"), case kept for the vectorizer."""
    doc = lead(title, text)
    if doc.isascii():
        return doc
    # Decompose, then drop the combining accents in one regex call (a per-character loop was a
    # tenth of the matching time). Other non-ASCII (curly quotes, dashes) must stay: deleting
    # them would glue "split—and" into one token.
    return _ACCENTS.sub("", unicodedata.normalize("NFKD", doc))


def describe(match: DebunkMatch) -> str:
    """The sentence a ``debunk_match`` signal carries."""
    where = ", ".join(x for x in (match.outlet, (match.published or "")[:10]) if x)
    return f"Matches a story {match.labelled()}: {match.title}" + (f" ({where})" if where else "")
