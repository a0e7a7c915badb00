"""Storylines: the same rumour or event about the same people, across outlets and years.

Method: TF-IDF over title + lead; candidate pairs are articles that share a person (people
extracted by ``text.people``); a pair is linked when its cosine is at least ``threshold`` AND
the two share enough people (both names when each names two or more). Links are merged
strongest-first, and two groups merge only while their stories stay alike on average (the mean
cosine over every pair across them) and are about the same people, so one busy celebrity cannot
chain the whole corpus together. Near-duplicates are clustered once, through their canonical
article, and listed in ``article_ids`` without adding to ``n``.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from ..folding import fold_text, strip_accents
from .text import LEAD_CHARS, body_people, chained_name, display_name, fold, lead, people, principal_people

# How storylines are drawn. A store grouped by an older rumorlens is regrouped when it next
# shows them: 2 = people no longer include places and shows, three-word names shown whole;
# 3 = "Will Smith" and "Bill Cosby" are people (their first names are stop words), and so are
# one-word stage names ("Beyoncé", "Rihanna"); 4 = one key per person ("Oprah" is "Oprah Winfrey");
# 5 = names made of ordinary words ("Mel B", "Mama June"), people listed in the order named;
# 6 = groups merge only while their stories stay alike on average (MIN_MEAN_COSINE), and a
# title's two keywords that stand together in its stories are shown as that phrase ("royal wedding");
# 7 = shows, events and places that end like names are not people ("Jersey Shore", "Christmas Eve");
# 8 = nor hurricanes, teams, venues and films ("Hurricane Harvey", "Cleveland Cavaliers", "Dolby
# Theatre", "Tomb Raider"). Each version's people finder is PEOPLE_VERSION in text.py.
STORYLINES_VERSION = "8"
THRESHOLD = 0.3
# Stories about exactly the same two or more people need less shared wording to be the same
# storyline: "Khloe & Lamar: divorce" and "Khloe & Lamar: reconciliation" use different words.
SAME_PEOPLE_THRESHOLD = 0.1
# Two groups merge only if their stories are this alike on average (the mean cosine over every
# pair of stories across them, not just the one link that brought them together). Linking by the
# strongest pair alone chained a couple's wedding, Christmas and "Suits" stories one link at a
# time until a cap of 60 cut the chain wherever it stood: train + dev had three "Meghan Markle &
# Prince Harry" storylines of 60, two titled "wedding, royal" and "royal, wedding", and Kim
# Kardashian & Kanye West's surrogate, Paris robbery and divorce rumours in one storyline of 60.
# Measured over 0.1-0.3 in docs/corpus.md (``bench/bench_corpus.py storylines``).
MIN_MEAN_COSINE = 0.2
# A bound, no longer what shapes storylines: at MIN_MEAN_COSINE the largest of train + dev is 98.
MAX_SIZE = 200
# Beyond EXACT_BUCKET stories of one person, the most similar others each story keeps as links.
NEAREST = 60
# A person's stories are compared with each other a block of rows at a time, so memory stays at
# BLOCK x bucket however often a name turns up (Kim Kardashian: 425 of train + dev, thousands in
# a team's years of feeds). Up to 4,000 the whole square was drawn at once, and a bigger bucket
# was skipped: her storylines would have vanished from a corpus of about 200,000 articles.
BLOCK = 1000
# Up to this many stories of one person every pair above the threshold is a candidate link, as it
# always was. Beyond, only each story's NEAREST most similar ones: a name a crawl repeats in
# 20,000 look-alike pages made 200 million links and 8 GB.
EXACT_BUCKET = 4000
MAX_BUCKET = 50_000  # a name in more stories than this is no one in particular: it seeds no pairs
# Words every gossip story uses about its people: useless as a storyline's topic.
GENERIC = {"star", "stars", "reality", "source", "sources", "insider", "insiders", "report", "reports", "reportedly",
           "news", "magazine", "touch", "weekly", "celebrity", "celebrities", "tv", "show", "singer", "actress", "actor",
           "rapper", "former", "told", "says", "said", "claims", "new", "year", "old", "fans", "instagram", "twitter",
           "photo", "photos", "video", "exclusive", "life", "time", "family", "couple", "relationship", "people"}  # people named in more articles than this are too common to seed pairs


@dataclass(frozen=True)
class Storyline:
    id: str
    title: str
    people: list[str]
    outlets: list[str]
    article_ids: list[str]
    first_seen: str | None
    last_seen: str | None
    n: int  # distinct stories (near-duplicates counted once)
    share_fake: float
    timeline: list[dict] = field(default_factory=list)  # date, article_id, outlet, label, p_fake, title

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Storyline:
        return cls(**{k: d[k] for k in cls.__dataclass_fields__ if k in d})


def relabelled(story: Storyline, article_id: str, label: str, label_source: str, copies: set[str]) -> Storyline:
    """``story`` with one member's final label changed (a fact-checker ruled on it): its
    timeline entry, and the share of fakes over the members that are not near-copies of
    another (``copies``), as grouping counts it. The people and wording that grouped the story
    do not change, so nothing needs grouping again."""
    timeline = [dict(e, label=label, label_source=label_source) if e["article_id"] == article_id else e for e in story.timeline]
    return replace(story, timeline=timeline, share_fake=share_fake(e["label"] for e in timeline if e["article_id"] not in copies))


def share_fake(labels) -> float:
    """The share of fakes among the stories with a label (near-copies left out by the caller)."""
    labelled = [label for label in labels if label]
    return round(sum(label == "fake" for label in labelled) / len(labelled), 3) if labelled else 0.0


def storyline_id(article_ids) -> str:
    """Stable for the same members, whatever order they were ingested in."""
    return "s" + hashlib.sha1("\n".join(sorted(article_ids)).encode()).hexdigest()[:11]


def _vectorizer(n_docs: int) -> TfidfVectorizer:
    # Document-frequency cuts only make sense on a corpus; a handful of articles keeps every word.
    big = n_docs >= 50
    return TfidfVectorizer(stop_words="english", strip_accents=strip_accents, sublinear_tf=True,
                           min_df=2 if big else 1, max_df=0.3 if big else 1.0, dtype=np.float32)


def tfidf(docs: list[str]):
    """(matrix, vectorizer), or (None, None) when there is nothing to compare."""
    if len(docs) < 2:
        return None, None
    vec = _vectorizer(len(docs))
    try:
        return vec.fit_transform(docs), vec
    except ValueError:  # empty vocabulary: only stop words
        return None, None


def extract_people(rows: list[dict], known_people: Mapping[str, dict[str, str]] | None = None) -> list[dict[str, str]]:
    """People per row. Name keys seen in any body lead form the corpus vocabulary that lets
    Title Case titles contribute names safely. ``known_people``: ``body_people`` already found,
    by id (the store keeps them, ``corpus/traits.py``)."""
    kept = known_people or {}
    bodies = [kept[r["id"]] if r["id"] in kept else body_people(r.get("text")) for r in rows]
    known = set().union(*bodies) if bodies else set()
    return [people(r.get("title"), None, known, body=b) for r, b in zip(rows, bodies)]


def _linked(pa: set[str], pb: set[str]) -> bool:
    """Same people: both names when each story is about two or more, and mostly the same set."""
    if not pa or not pb:
        return False
    shared = len(pa & pb)
    return shared >= min(2, len(pa), len(pb)) and shared / len(pa | pb) >= 0.5


def cluster(rows: list[dict], threshold: float = THRESHOLD, max_size: int = MAX_SIZE,
            known_people: Mapping[str, dict[str, str]] | None = None,
            min_mean: float = MIN_MEAN_COSINE) -> tuple[list[list[int]], list[dict[str, str]], object, object]:
    """Group row indices; returns (groups, people per row, tfidf matrix, vectorizer)."""
    ppl = extract_people(rows, known_people)
    about = [set(principal_people(r.get("title"), p)) for r, p in zip(rows, ppl)]
    docs = [lead(r.get("title"), r.get("text")) for r in rows]
    X, vec = tfidf(docs)
    if X is None:
        return [[i] for i in range(len(rows))], ppl, X, vec
    buckets: dict[str, list[int]] = defaultdict(list)
    for i, p in enumerate(about):
        for key in p:
            buckets[key].append(i)
    pairs: dict[tuple[int, int], float] = {}
    for members in buckets.values():
        if len(members) < 2 or len(members) > MAX_BUCKET:
            continue
        idx = np.array(members)
        low = min(threshold, SAME_PEOPLE_THRESHOLD)
        columns = X[idx].T.tocsc()
        for start in range(0, len(idx), BLOCK):  # rows in order: the pairs come in the same order as from the whole square
            sims = (X[idx[start : start + BLOCK]] @ columns).toarray()
            if len(idx) <= EXACT_BUCKET:
                a, b = np.nonzero(np.triu(sims, k=1 + start) >= low)
            else:
                a, b = _nearest(sims, start, low, NEAREST)
            for ia, ib in zip(a.tolist(), b.tolist()):
                first, second = sorted((start + ia, ib))
                i, j = int(idx[first]), int(idx[second])
                if (i, j) in pairs:
                    continue
                sim = float(sims[ia, ib])
                same = len(about[i]) >= 2 and about[i] == about[j]
                if (sim >= threshold and _linked(about[i], about[j])) or same:
                    pairs[(i, j)] = sim
    parent = list(range(len(rows)))
    size = [1] * len(rows)
    # Per-group counts of who the stories are about: two groups merge only if the people most
    # of their stories are about still match, which stops chains drifting from one couple to
    # the next through shared relatives.
    about_counts = [Counter(p) for p in about]
    wording = _GroupWording(X)

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def signature(r: int) -> set[str]:
        return {k for k, c in about_counts[r].items() if c * 2 >= size[r]}

    for (i, j), _s in sorted(pairs.items(), key=lambda kv: -kv[1]):
        ri, rj = root(i), root(j)
        if ri == rj or size[ri] + size[rj] > max_size or not _linked(signature(ri), signature(rj)):
            continue
        # two single stories: their link is the whole of it (and may be below min_mean for
        # stories about the same people); a group: every story of the other must fit it
        if size[ri] + size[rj] > 2 and wording.mean_cosine(ri, rj) / (size[ri] * size[rj]) < min_mean:
            continue
        wording.merge(ri, rj)
        parent[rj] = ri
        size[ri] += size[rj]
        about_counts[ri].update(about_counts[rj])
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        groups[root(i)].append(i)
    return list(groups.values()), ppl, X, vec


class _GroupWording:
    """Each group's TF-IDF rows summed (sorted columns, weights), kept as groups merge. Rows
    have unit length, so the dot product of two groups' sums is the sum of the cosines over every
    pair of stories across them: the mean similarity of two groups is one sparse dot product,
    not a comparison of every pair."""

    def __init__(self, X) -> None:
        X = X.tocsr()
        X.sort_indices()
        self._columns, self._weights, self._starts = X.indices, X.data.astype(np.float64), X.indptr
        self._sums: dict[int, tuple[np.ndarray, np.ndarray]] = {}

    def _of(self, group: int) -> tuple[np.ndarray, np.ndarray]:
        found = self._sums.get(group)
        if found is None:  # a story on its own: its row (scipy's row indexing costs more than the sums)
            lo, hi = self._starts[group], self._starts[group + 1]
            found = (self._columns[lo:hi], self._weights[lo:hi])
        return found

    def mean_cosine(self, a: int, b: int) -> float:
        """The sum of the cosines between group ``a``'s stories and group ``b``'s."""
        (ca, wa), (cb, wb) = sorted((self._of(a), self._of(b)), key=lambda s: len(s[0]))
        if not len(ca) or not len(cb):
            return 0.0
        at = np.minimum(np.searchsorted(cb, ca), len(cb) - 1)  # the smaller looked up in the larger
        shared = cb[at] == ca
        return float(wa[shared] @ wb[at[shared]])

    def merge(self, into: int, other: int) -> None:
        (ca, wa), (cb, wb) = self._of(into), self._of(other)
        self._sums.pop(other, None)
        columns, where = np.unique(np.concatenate([ca, cb]), return_inverse=True)
        self._sums[into] = (columns, np.bincount(where, weights=np.concatenate([wa, wb]), minlength=len(columns)))


def _nearest(sims: np.ndarray, start: int, low: float, k: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, columns) of each row's ``k`` most similar others at ``low`` or above, in a block of
    a big bucket whose first row is story ``start`` of it (so its own column is skipped)."""
    own = np.arange(sims.shape[0])
    sims[own, start + own] = -1.0
    k = min(k, sims.shape[1] - 1)
    top = np.argpartition(-sims, k - 1, axis=1)[:, :k]  # exactly k a row, however many tie (look-alike pages all do)
    kept = np.take_along_axis(sims, top, axis=1) >= low
    return np.repeat(own, k).reshape(-1, k)[kept], top[kept]


def _title(group: list[int], ppl: list[dict[str, str]], X, vocab, background=None, leads: list[str] = ()) -> tuple[str, list[str]]:
    """A storyline's title and the people it shows; ``leads`` are its stories' folded headlines
    and leads, in which a three-word name must be seen whole."""
    counts: Counter = Counter()
    shown: dict[str, str] = {}
    for i in group:
        for k, d in ppl[i].items():
            counts[k] += 1
            shown.setdefault(k, display_name(d))
    named = _three_word_names(counts, shown, leads)
    names = [d for d, c in named if c >= max(2, len(group) // 2)][:2] or [d for d, _ in named[:1]]
    # the words of every name as shown, so "jay" (Jay-Z) and "lady" (Lady Gaga) are not keywords
    name_tokens = {t for k in counts for t in fold(shown[k]).replace("-", " ").split()}
    keywords: list[str] = []
    if X is not None:
        # Distinctive, not just frequent: the group's mean weight minus the corpus mean, so
        # "star" and "reality" lose to "divorce" and "ex-husband". Only the words the group uses
        # can come out above zero, so only those are weighed (not the whole vocabulary each time).
        columns, weights = _mean_row(X, group)
        if background is not None:
            weights = weights - background[columns]
        words = [vocab[columns[t]] for t in _top(weights, 20) if weights[t] > 0]
        words = [w for w in words if not (fold(w) in name_tokens or w in GENERIC or len(w) < 3 or w.isdigit())]
        keywords = _topics(words[:2], leads)
    head = " & ".join(names) if names else "Untitled"
    return (f"{head}: {', '.join(keywords)}" if keywords else head), [d for d, _ in named[:6]]


def _topics(words: list[str], leads: list[str]) -> list[str]:
    """A storyline's topic from its two most distinctive ``words``: the two, or the phrase they
    make when they stand together in at least half its stories (``leads``, folded; two at
    least), as written there. Listed apart, 141 of train + dev's 1,610 storylines showed a phrase
    backwards ("vegas, las", "bowl, super", "sync, lip", "wedding, royal")."""
    if len(words) < 2:
        return words
    counted = [(_together(a, b, leads), (a, b)) for a, b in ((words[0], words[1]), (words[1], words[0]))]
    together, written = max(counted, key=lambda c: c[0])  # the first order wins a tie
    return [" ".join(written)] if together >= 2 and 2 * together >= len(leads) else words[:2]


_WORD_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")


def _together(first: str, second: str, leads: list[str]) -> int:
    """In how many of ``leads`` ``first`` stands right before ``second``, as whole words ("royal
    wedding", "lip-sync"). Found with str.find, not a regex: a pattern per pair of words was
    compiled afresh for each storyline, and that was a tenth of grouping train + dev."""
    phrases = (f"{first} {second}", f"{first}-{second}")
    return sum(1 for lead in leads if first in lead and any(_stands_in(p, lead) for p in phrases))


def _stands_in(phrase: str, text: str) -> bool:
    start = text.find(phrase)
    while start != -1:
        end = start + len(phrase)
        if (start == 0 or text[start - 1] not in _WORD_CHARS) and (end == len(text) or text[end] not in _WORD_CHARS):
            return True
        start = text.find(phrase, start + 1)
    return False


def _mean_row(X, group: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(columns, weights): the mean of ``group``'s rows of the CSR matrix ``X`` where any of them
    is not zero, read from its arrays (scipy's row indexing cost more than the sums)."""
    spans = [(X.indptr[i], X.indptr[i + 1]) for i in group]
    columns, where = np.unique(np.concatenate([X.indices[lo:hi] for lo, hi in spans]), return_inverse=True)
    sums = np.bincount(where, weights=np.concatenate([X.data[lo:hi] for lo, hi in spans]), minlength=len(columns))
    return columns, sums / len(group)


def _top(weights: np.ndarray, k: int) -> np.ndarray:
    """The indices of the ``k`` largest weights, largest first: a partition, then a sort of those
    alone (sorting the whole vocabulary for each storyline took a tenth of the grouping)."""
    if len(weights) <= k:
        return np.argsort(-weights, kind="stable")
    top = np.argpartition(-weights, k)[:k]
    return top[np.argsort(-weights[top], kind="stable")]


def _three_word_names(counts: Counter, shown: dict[str, str], leads: list[str]) -> list[tuple[str, int]]:
    """People to show, most mentioned first, with a three-word name put back together: the pair
    finder sees "Millie Bobby Brown" as "Millie Bobby" and "Bobby Brown", which a storyline would
    otherwise be titled "Millie Bobby & Bobby Brown" by. Two pairs that chain on a shared word,
    are found in about as many stories (within 20%), and whose three words stand together in
    most of the stories (``leads``, folded) are one name; "Khloe Kardashian" and "Kardashian
    West" (from Kim's) are not."""
    ranked = counts.most_common()
    used: set[str] = set()
    out = []
    for key, n in ranked:
        if key in used:
            continue
        used.add(key)
        if " " not in key:  # a one-word stage name ("Rihanna") joins no other
            out.append((shown[key], n))
            continue
        for other, m in ranked:
            if other in used or " " not in other or min(n, m) < 0.8 * max(n, m):
                continue
            head, tail, whole = key, other, chained_name(key, other)
            if whole is None:
                head, tail, whole = other, key, chained_name(other, key)
            if whole is None or 2 * sum(whole in lead for lead in leads) < min(n, m):
                continue
            used.add(other)
            out.append((f"{shown[head]} {shown[tail].split(' ', 1)[1]}", max(n, m)))
            break
        else:
            out.append((shown[key], n))
    return out


def build_storylines(rows: list[dict], duplicates: dict[str, tuple[str, float]] | None = None,
                     threshold: float = THRESHOLD, max_size: int = MAX_SIZE,
                     known_people: Mapping[str, dict[str, str]] | None = None,
                     min_mean: float = MIN_MEAN_COSINE) -> list[Storyline]:
    """Storylines (groups of two or more distinct stories) from stored rows.

    ``rows`` need id, title, text, outlet, published, final_label (known label else model) and
    p_fake; ``duplicates`` maps a duplicate id to its canonical id; ``known_people`` as for
    ``extract_people``.
    """
    duplicates = duplicates or {}
    canon_rows = [r for r in rows if r["id"] not in duplicates]
    copies: dict[str, list[dict]] = defaultdict(list)
    by_id = {r["id"]: r for r in rows}
    for dup, (canon, _sim) in duplicates.items():
        if dup in by_id:
            copies[canon].append(by_id[dup])
    groups, ppl, X, vec = cluster(canon_rows, threshold, max_size, known_people, min_mean)
    vocab = vec.get_feature_names_out() if X is not None else None
    background = np.asarray(X.mean(axis=0)).ravel() if X is not None else None
    out = []
    for group in groups:
        if len(group) < 2:
            continue
        members = [canon_rows[i] for i in group]
        everyone = members + [c for m in members for c in copies.get(m["id"], [])]
        timeline = sorted(
            ({"date": r.get("published"), "article_id": r["id"], "outlet": r.get("outlet"),
              "label": r.get("final_label"), "label_source": r.get("label_source"),
              "p_fake": None if r.get("p_fake") is None else round(float(r["p_fake"]), 4), "title": r.get("title") or ""}
             for r in everyone),
            key=lambda e: (e["date"] is None, e["date"] or "", e["article_id"]))
        dates = [e["date"] for e in timeline if e["date"]]
        leads = [fold_text(lead(r.get("title"), r.get("text"), 2 * LEAD_CHARS)) for r in members]  # where people are found
        title, names = _title(group, ppl, X, vocab, background, leads)
        out.append(Storyline(
            id=storyline_id(e["article_id"] for e in timeline),
            title=title,
            people=names,
            outlets=sorted({r["outlet"] for r in everyone if r.get("outlet")}),
            article_ids=[e["article_id"] for e in timeline],
            first_seen=min(dates) if dates else None,
            last_seen=max(dates) if dates else None,
            n=len(members),
            share_fake=share_fake(r.get("final_label") for r in members),
            timeline=timeline,
        ))
    out.sort(key=lambda s: (-s.n, s.id))
    return _told_apart(out)


# What ``_told_apart`` adds to a title two storylines share: " (Oct 2017)".
MONTH_SUFFIX = re.compile(r" \([A-Z][a-z]{2} \d{4}\)$")


def title_people(title: str) -> list[str]:
    """The names a storyline's title leads with: "Kim Kardashian & Kanye West: surrogate baby"
    -> ["Kim Kardashian", "Kanye West"]; none for "Untitled"."""
    head = MONTH_SUFFIX.sub("", title.split(": ", 1)[0])
    return [] if head == "Untitled" else [name for name in head.split(" & ") if name]


def _told_apart(stories: list[Storyline]) -> list[Storyline]:
    """Storylines that came out with the same title, each with the month its first story came
    out: two small "Beyonce & Jay-Z: blue ivy" storylines of train + dev, months apart, read as
    one listed twice. Undated ones, or the same month, keep the title."""
    same = Counter(s.title for s in stories)
    return [replace(s, title=f"{s.title} ({_month(s.first_seen)})") if same[s.title] > 1 and _month(s.first_seen) else s
            for s in stories]


def _month(date: str | None) -> str | None:
    """"2017-10-07T22:03:39Z" -> "Oct 2017"; None for no date or one that is not ISO."""
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    try:
        year, month = int((date or "")[:4]), int((date or "")[5:7])
    except ValueError:
        return None
    return f"{months[month - 1]} {year}" if 1 <= month <= 12 else None
