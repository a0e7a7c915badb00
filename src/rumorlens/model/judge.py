"""``Judge``: a trained model that turns ``Article`` objects into explained ``Verdict`` objects."""

from __future__ import annotations

import dataclasses
import functools
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import chain, islice
from pathlib import Path

import numpy as np
from scipy import sparse

from ..article import Article
from ..concurrency import ready_batches
from ..corpus.memory import Memory, OutletRecord, wilson_interval
from ..errors import ModelError
from ..signals import analyse
from ..verdict import Signal, Verdict
from .classifier import RumorModel, digest_settings
from .explain import SIMILAR_STORIES, SIMILAR_STORY, ToldBefore, debunk_signal, outlet_signal, person_signal, reasons_for, similar_story_signal
from .neighbours import N_FEATURES, story_index
from .persist import STORIES_FILE, fit_digest, load_model_dir, load_story_index, save_model_dir, save_story_index

DEFAULT_MODEL_DIR = Path(__file__).resolve().parent.parent / "models" / "default"
TOP_TERMS = 3
MIN_TERM_CONTRIBUTION = 0.08  # ignore n-grams that move the score less than this


def default_model_path() -> Path:
    env = os.environ.get("RUMORLENS_MODEL")
    return Path(env) if env else DEFAULT_MODEL_DIR


AUTO_MIN_ARTICLES = 50  # --prevalence auto: the estimate's spread is ~0.01 over 600 dev articles, ~0.035 over 50

# ``prevalence="adapt"`` (what `check` and `evaluate` do unless told a share): a run re-bases to
# the share of fakes its own p_fake suggest, but only when the estimate is clearly not the
# training share. Over dev re-sampled to 10-70% fakes the estimate's spread is about
# 0.35 / sqrt(n) (0.028 at 200 articles), so 200 articles and a gap of 8 points keep a feed like
# the training data at the training share (it never fired at 21% fakes, as is or rewritten) while
# a balanced set or a queue of flagged stories gets its own cut (+0.02-0.07 macro-F1; model card,
# Prevalence). The estimate must see the whole run (a file sorted by label would mislead any
# prefix), and the verdicts wait for it, so a run longer than ADAPT_MAX_ARTICLES streams at the
# training share instead (5,000 held verdicts add about 80 MB).
ADAPT_MIN_ARTICLES = 200
ADAPT_MIN_GAP = 0.08
ADAPT_MAX_ARTICLES = 5000


class Judge:
    """Load with ``Judge.load()`` (the shipped model) or ``Judge.load(path)``; train with
    ``Judge.fit(articles)``."""

    def __init__(self, model: RumorModel, meta: dict, path: Path | None = None) -> None:
        self.model = model
        self.meta = meta
        self.path = path
        self.version: str = meta.get("model_version", "unversioned")
        self._terms = model.word_terms()
        self._n_words = len(self._terms)

    # -- construction --------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None) -> Judge:
        resolved = (Path(path) if path else default_model_path()).resolve()
        # File times are part of the cache key so a retrained or replaced model reloads.
        stamp = tuple((resolved / f).stat().st_mtime_ns if (resolved / f).exists() else 0 for f in ("meta.json", "arrays.npz", "vocab.json.gz", STORIES_FILE))
        return _load_cached(str(resolved), stamp)

    @classmethod
    def fit(
        cls,
        articles: Sequence[Article],
        text_only: bool = False,
        augment: bool = False,
        progress: Callable[[str], None] = lambda s: None,
        **settings,
    ) -> Judge:
        """Train on labelled articles. ``augment`` adds a restyled copy of each with the same
        label, made sober or sensational at random (independent of the label), so tone stops
        being evidence. Restyling against the grain instead (fakes sober, real stories loud)
        would teach the opposite cue: measured, it scored 0.79 on dev against 0.82."""
        from ..errors import InputError
        from .restyle import sensationalise, soberise

        labelled = [a for a in articles if a.label in ("fake", "real")]
        y = np.array([a.label == "fake" for a in labelled], dtype=int)
        n_fake = int(y.sum())
        if n_fake < 2 or len(y) - n_fake < 2:
            raise InputError("RL023", n_fake=n_fake, n_real=len(y) - n_fake)
        progress("finding signals")
        texts = [a.full_text for a in labelled]
        counts = [analyse(t)[1] for t in texts]
        augmented = None
        if augment:
            progress("restyling copies")
            aug_texts, aug_titles = [], []
            coin = np.random.default_rng(int(settings.get("seed", 13))).random(len(labelled)) < 0.5
            for i, a in enumerate(labelled):
                title, body = soberise(a.title, a.text) if coin[i] else sensationalise(a.title, a.text, seed=i)
                aug_texts.append(f"{title}\n{body}" if title else body)
                aug_titles.append(title)
            augmented = (aug_texts, aug_titles, [analyse(t)[1] for t in aug_texts], list(range(len(labelled))))
        model = RumorModel(**settings)
        untitled = None
        if model.settings["untitled_stacker"]:
            progress("finding signals without the headlines")
            untitled = ([a.text for a in labelled], [analyse(a.text)[1] if a.title else c for a, c in zip(labelled, counts)])
        urls = [None if text_only else a.url for a in labelled]
        titles = [a.title for a in labelled]
        try:
            model.fit(texts, titles, urls, y, counts=counts, augmented=augmented, untitled=untitled, progress=progress)
        except ValueError as exc:
            if "no terms remain" in str(exc) or "empty vocabulary" in str(exc):
                raise InputError("RL025", detail=str(exc).rstrip(".")) from None
            raise
        if model.neighbours_ is not None:  # which stories a verdict is like, for its reasons
            model.neighbours_.stories_ = story_index([a.id for a in labelled], [a.outlet for a in labelled],
                                                     [a.published for a in labelled])
        from .evaluate import metrics

        oof = {
            mode: {k: round(v, 4) for k, v in metrics(y, p, t).items() if k in ("macro_f1", "balanced_macro_f1", "f1_fake", "roc_auc", "brier", "ece")}
            for mode, p, t in (("text_only", model.oof_text_, model.threshold_text_), ("with_outlet", model.oof_full_, model.threshold_full_))
        }
        meta = {"n_train": len(y), "n_train_fake": n_fake, "text_only_training": text_only, "augmented": augment, "settings": model.settings, "out_of_fold": oof}
        return cls(model, meta)

    def accurate(self, threads: int | None = None) -> Judge:
        """This model with its fine-tuned MiniLM reader stacked on (``model/accurate.py``): about
        50 times slower, for the accuracy measured in docs/model-card.md. Needs the ``accurate``
        extra and a model directory trained with ``rumorlens train --accurate`` (the shipped one
        is). Loaded once per Judge."""
        if self.__dict__.get("_accurate") is None:
            from .accurate import AccurateJudge

            self._accurate = AccurateJudge.from_judge(self, threads=threads)
        return self._accurate

    def fingerprint(self) -> str:
        """A digest of the fitted parameters (``persist.fit_digest``)."""
        config, arrays, vocab, _ = self.model.to_arrays()
        return fit_digest(arrays, vocab, {**config, "settings": digest_settings(config["settings"])})

    def save(self, out: str | Path, **meta) -> Path:
        out = Path(out)
        config, arrays, vocab, outlets = self.model.to_arrays()
        self.meta = {**self.meta, **meta, "config": config}
        self.version = self.meta.get("model_version", self.version)
        save_model_dir(out, self.meta, arrays, vocab, outlets)
        stories = getattr(self.model.neighbours_, "stories_", None)
        if stories is not None:
            save_story_index(out, stories)
        return out

    # -- scoring -------------------------------------------------------------------------
    def predict_proba(self, articles: Sequence[Article], text_only: bool = False, prevalence: float | None = None) -> np.ndarray:
        if text_only:
            articles = [a.without_outlet() for a in articles]
        _, _, X = self._features(articles)
        return self.rebase(self._probabilities(articles, X, text_only), prevalence)

    def rebase(self, p: np.ndarray, prevalence: float | None) -> np.ndarray:
        """``p_fake`` re-based to a share ``prevalence`` of fakes (unchanged for None), without
        judging the articles again."""
        return self.model.rebase(p, prevalence)

    def threshold(self, text_only: bool = False, prevalence: float | None = None) -> float:
        """The p_fake cut for the label (for ``p_fake`` re-based to ``prevalence`` if given)."""
        return self.model.threshold(text_only, prevalence)

    def estimate_prevalence(self, articles: Iterable[Article], text_only: bool = False, batch_size: int = 1000) -> tuple[float, int]:
        """(share of fakes these articles suggest, how many were read): give the share to
        ``prevalence=`` when you do not know how many fakes a collection holds. Reads the
        articles once, in batches; needs no labels (``RumorModel.estimate_prevalence``)."""
        iterator, probs = iter(articles), []
        while batch := list(islice(iterator, batch_size)):
            probs.append(self.predict_proba(batch, text_only=text_only))
        p = np.concatenate(probs) if probs else np.zeros(0)
        return self.model.estimate_prevalence(p), len(p)

    def auto_prevalence(self, articles: Sequence[Article], text_only: bool = False) -> float:
        """``prevalence="auto"``: ``estimate_prevalence`` over ``auto_evidence`` (the stories, when
        there are enough), kept in 0.01-0.99; refused (ValueError) for fewer than
        ``AUTO_MIN_ARTICLES`` articles, where the estimate is too unsteady."""
        if len(articles) < AUTO_MIN_ARTICLES:
            raise ValueError(f"auto needs at least {AUTO_MIN_ARTICLES} articles to estimate the share of fakes, "
                             f"got {len(articles)}; give the share as a number")
        share, _ = self.estimate_prevalence(auto_evidence(articles), text_only=text_only)
        return usable_share(share)

    def adapted_share(self, p_fake: Sequence[float]) -> float | None:
        """The share of fakes ``prevalence="adapt"`` re-bases a run with these (training-share)
        ``p_fake`` to: the estimate, when the run holds ``ADAPT_MIN_ARTICLES`` to
        ``ADAPT_MAX_ARTICLES`` articles and the estimate lies ``ADAPT_MIN_GAP`` or more from the
        training share; else None (keep it)."""
        if not ADAPT_MIN_ARTICLES <= len(p_fake) <= ADAPT_MAX_ARTICLES:
            return None
        share = usable_share(self.model.estimate_prevalence(p_fake))
        return share if self.clearly_shifted(share, len(p_fake)) else None

    def clearly_shifted(self, share: float, n: int) -> bool:
        """Whether an estimated ``share`` of fakes over ``n`` articles is clearly not the training
        share: ``ADAPT_MIN_ARTICLES`` or more articles and ``ADAPT_MIN_GAP`` or more apart."""
        return n >= ADAPT_MIN_ARTICLES and abs(share - self.model.outlets_.base_rate_) >= ADAPT_MIN_GAP

    def judge_adapting(self, articles: Iterable[Article], *, on_share: Callable[[float | None, int | None], None] | None = None,
                       stream: bool = False, **options) -> Iterator[Verdict]:
        """``judge_many`` at the share of fakes these articles suggest when that is clearly not
        the training share (``adapted_share`` over their stories, ``share_evidence``), else at the
        training share.
        Before the first verdict ``on_share(share or None, n)`` is told what was chosen, ``n``
        being how many articles the run holds, or None when the run is streamed at the training
        share instead: with ``stream`` (a live feed must not wait), or when it holds more than
        ``ADAPT_MAX_ARTICLES``. A run like the training data costs nothing extra; a shifted one
        has only the articles whose label turns round judged twice."""
        if "prevalence" in options:
            raise TypeError("judge_adapting chooses the prevalence itself; use judge_many to give one")
        iterator = iter(articles)
        head = [] if stream else list(islice(iterator, ADAPT_MAX_ARTICLES + 1))
        if stream or len(head) > ADAPT_MAX_ARTICLES:
            if on_share is not None:
                on_share(None, None)
            yield from self.judge_many(chain(_drained(head), iterator), live=stream, **options)
            return
        first = list(self.judge_many(head, **options))
        share = self.adapted_share(share_evidence(first))
        if on_share is not None:
            on_share(share, len(first))
        if share is None:
            yield from first
            return
        # Re-based by Bayes' rule, as judge_many(prevalence=share) would; only the articles whose
        # label the new cut turns round are judged again (their reasons argue the other way).
        cut = self.threshold(bool(options.get("text_only", False)), share)
        p = self.rebase(np.array([v.p_fake for v in first]), share)
        turned = [i for i, v in enumerate(first) if (p[i] >= cut) != (v.label == "fake")]
        redone = dict(zip(turned, self.judge_many([head[i] for i in turned], prevalence=share, **options)))
        for i, verdict in enumerate(first):
            yield redone[i] if i in redone else dataclasses.replace(verdict, p_fake=float(p[i]), threshold=cut)

    def judge(self, article: Article, *, text_only: bool = False, explain: bool = True, memory: Memory | None = None,
              prevalence: float | None = None) -> Verdict:
        return next(self.judge_many([article], text_only=text_only, explain=explain, memory=memory, prevalence=prevalence))

    def judge_many(
        self,
        articles: Iterable[Article],
        *,
        text_only: bool = False,
        explain: bool = True,
        memory: Memory | None = None,
        batch_size: int = 256,
        prevalence: float | None = None,
        live: bool = False,
    ) -> Iterator[Verdict]:
        """Stream verdicts in input order; memory stays bounded by ``batch_size``. ``live``: the
        articles come from a live feed (standard input), so a batch is whatever has arrived,
        never waiting for ``batch_size`` of them (``concurrency.ready_batches``).

        ``prevalence``: the share of fakes expected among these articles (a moderation queue
        of flagged stories is not the training data's ~21%); ``p_fake`` and the label's cut
        are re-based to it (``RumorModel.rebase`` and ``threshold``)."""
        if prevalence is not None and not 0.0 < prevalence < 1.0:
            raise ValueError(f"prevalence must be between 0 and 1, got {prevalence}")
        iterator = map(as_article, articles)
        batches = ready_batches(iterator, batch_size) if live else iter(lambda: list(islice(iterator, batch_size)), [])
        for batch in batches:
            yield from self._judge_batch(batch, text_only, explain, memory, prevalence)

    def _judge_batch(self, batch: list[Article], text_only: bool, explain: bool, memory: Memory | None,
                     prevalence: float | None = None) -> Iterator[Verdict]:
        if text_only:
            batch = [a.without_outlet() for a in batch]
        texts, analysed, X = self._features(batch)
        nearest = self.model.nearest(X)  # once, for p_fake and for what the reasons say of it
        story_memory = self.model.neighbour_features(X, nearest)
        probs = self.rebase(self._probabilities(batch, X, text_only, story_memory), prevalence)
        threshold = self.threshold(text_only, prevalence)
        contrib = self._term_contributions(X, batch, text_only) if explain else None
        told = self._told_before(batch, text_only, nearest, story_memory) if explain and nearest is not None else None
        debunks = memory.debunk_matches_many(batch) if explain and memory is not None else None
        people_records = getattr(memory, "people_records_many", None) if explain else None
        people = people_records(batch) if people_records is not None else None
        for i, article in enumerate(batch):
            p = float(probs[i])
            label = "fake" if p >= threshold else "real"
            signals: list[Signal] = list(analysed[i][0]) if explain else []
            reasons: list[str] = []
            if explain:
                record = None if text_only else self.outlet_record(article.outlet, memory)
                if record is not None:
                    signals.append(outlet_signal(record))
                if people is not None:
                    signals.extend(person_signal(r) for r in people[i])
                if debunks is not None:
                    signals.extend(debunk_signal(m) for m in debunks[i])
                if told is not None:
                    signals.extend(similar_story_signal(r) for r in told[i].stories if r.id)  # a model without memory.json.gz: the reason only
                fake_terms, real_terms = self._top_terms(contrib, i, label)
                reasons = reasons_for(label, signals, record, fake_terms, real_terms, people[i] if people is not None else (),
                                      told[i] if told is not None else None)
            yield Verdict(
                id=article.id,
                label=label,
                p_fake=p,
                signals=tuple(signals),
                reasons=tuple(reasons),
                model_version=self.version,
                text=texts[i],
                title=article.title,
                outlet=article.outlet,
                url=article.url,
                published=article.published,
                known_label=article.label,
                text_only=text_only,
                threshold=threshold,
                warnings=article.warnings,
            )

    def _probabilities(self, articles: Sequence[Article], X, text_only: bool, story_memory: np.ndarray | None = None) -> np.ndarray:
        """p_fake at the training share, for ``X`` from ``_features`` (``AccurateJudge`` adds its
        reader here); ``story_memory``: the rows' ``neighbour_features``, if already found."""
        return self.model.predict(X, [a.url for a in articles], text_only, untitled_mask(articles), story_memory)[0]

    def _stacker_rows(self, articles: Sequence[Article], text_only: bool) -> np.ndarray:
        """The stacker weights that scored each article (``row_weights``: scorers, story memory,
        then the intercept); one row for all when they share it."""
        return self.model.stackers(text_only, untitled_mask(articles))

    def _told_before(self, articles: Sequence[Article], text_only: bool, nearest: list, story_memory: np.ndarray) -> list[ToldBefore]:
        """What story memory says about each article: how far the labels of the training stories
        it is most like moved its log-odds (``story_memory``, its features, against those of a story
        like none of them) and the closest of those stories (Gossip Cop's "we already checked
        this one")."""
        neighbours = self.model.neighbours_
        first = len(self.model.scorers(text_only))
        weights = self._stacker_rows(articles, text_only)[:, first : first + N_FEATURES]
        push = ((story_memory - neighbours.neutral[None, :]) * weights).sum(axis=1)
        out = []
        for row, (sims, cols) in enumerate(nearest):
            alike = sims > 0
            close = neighbours.remembered((sims, cols), SIMILAR_STORY) if sims.size and sims.max() >= SIMILAR_STORY else []
            out.append(ToldBefore(push=float(push[row]), stories=tuple(close[:SIMILAR_STORIES]), n=int(alike.sum()),
                                  n_fake=int(neighbours.labels_[cols[alike]].sum())))
        return out

    def _term_weights(self, text_only: bool, untitled: bool = False) -> np.ndarray | None:
        """Each feature's weight in the calibrated log-odds (for the words in the reasons);
        ``untitled``: for articles without a headline (None if they have no stacker of their own)."""
        return self.model.term_weights(text_only, untitled)

    def _features(self, articles: Sequence[Article]):
        """(texts, (signals, counts) per article, feature matrix): the one path to features."""
        texts = [a.full_text for a in articles]
        analysed = [analyse(t) for t in texts]
        return texts, analysed, self.model.features(texts, [a.title for a in articles], [c for _, c in analysed])

    def outlet_record(self, outlet: str | None, memory: Memory | None = None) -> OutletRecord | None:
        """The outlet's record from the store when one is given, else from the training data."""
        if not outlet:
            return None
        if memory is not None:
            stored = memory.outlet_record(outlet)
            if stored is not None:
                return stored
        counts = self.model.outlets_.record(outlet)
        if counts is None:
            return None
        n, k = counts
        low, high = wilson_interval(k, n)
        return OutletRecord(outlet=outlet, n=n, n_fake=k, fake_rate=k / n, ci_low=low, ci_high=high, source="training data")

    def _term_contributions(self, X, articles: Sequence[Article], text_only: bool):
        """Per-article contribution of each body n-gram to the calibrated score (CSR): each
        value times its term's weight, under the stacker that scored the article (headline-less
        articles have their own, ``RumorModel.stackers``)."""
        words = X[:, : self._n_words].tocsr()
        values = words.data * self._term_weights(text_only)[words.indices]
        own = self._term_weights(text_only, untitled=True)
        untitled = untitled_mask(articles)
        if own is not None and untitled.any():
            rows = np.repeat(untitled, np.diff(words.indptr))
            values[rows] = words.data[rows] * own[words.indices[rows]]
        return sparse.csr_matrix((values, words.indices, words.indptr), shape=words.shape)

    def _top_terms(self, contrib, row: int, label: str) -> tuple[list[str], list[str]]:
        """The word n-grams in this article that pushed hardest towards its label."""
        lo, hi = contrib.indptr[row], contrib.indptr[row + 1]
        values, cols = contrib.data[lo:hi], contrib.indices[lo:hi]
        if not len(values):
            return [], []
        if label == "fake":
            order = np.argsort(values)[::-1][:TOP_TERMS]
            return [self._terms[cols[j]] for j in order if values[j] > MIN_TERM_CONTRIBUTION], []
        order = np.argsort(values)[:TOP_TERMS]
        return [], [self._terms[cols[j]] for j in order if values[j] < -MIN_TERM_CONTRIBUTION]


def as_article(item: Article | str) -> Article:
    """An ``Article``, or a string read as `echo TEXT | rumorlens check -` reads plain text (an
    optional URL line, the headline, then the body): ``judge.judge("An insider claims…")`` works."""
    if isinstance(item, Article):
        return item
    if isinstance(item, str):
        from ..read.files import parse_plain_text

        return parse_plain_text(item, "<text>", None, [])
    raise TypeError(f"judge takes an Article or a string of text, not {type(item).__name__}; build one with Article.create(text=...)")


def usable_share(share: float) -> float:
    """An estimated share of fakes as the options take it: kept in 0.01-0.99, four places."""
    return round(min(max(float(share), 0.01), 0.99), 4)


def _drained(items: list) -> Iterator:
    """``items`` in order, each let go of once taken: a stream's held head is not kept alive
    for the rest of the stream."""
    items.reverse()
    while items:
        yield items.pop()


def share_evidence(verdicts: Iterable[Verdict]) -> list[float]:
    """The p_fake a run's share of fakes is estimated from when it adapts: its stories, not the
    headlines judged alone, whose p_fake lean off the training share by themselves (dev's headlines,
    21% fakes, estimate 28% text only and 14% with the outlet) and would re-base a run that is
    like the training data (a third of 600-headline draws did, costing 0.03 macro-F1)."""
    return [v.p_fake for v in verdicts if not v.headline_only]


def auto_evidence(articles: Sequence[Article]) -> Sequence[Article]:
    """The articles ``prevalence="auto"`` estimates the share of fakes from: the stories when
    there are ``AUTO_MIN_ARTICLES`` of them, leaving out headlines judged alone, as
    ``share_evidence`` does for the default; a run of (mostly) headlines has only them to go on."""
    use = auto_evidence_mask(articles)
    return articles if use.all() else [a for a, kept in zip(articles, use) if kept]


def auto_evidence_mask(articles: Sequence[Article]) -> np.ndarray:
    """True for each article ``auto_evidence`` keeps."""
    stories = np.array([not a.headline_only for a in articles], dtype=bool)
    return stories if stories.sum() >= AUTO_MIN_ARTICLES else np.ones(len(articles), dtype=bool)


def untitled_mask(articles: Sequence[Article]) -> np.ndarray:
    """True for each article that came without a headline."""
    return np.array([not a.title for a in articles], dtype=bool)


@functools.lru_cache(maxsize=4)
def _load_cached(path: str, _stamp: tuple) -> Judge:
    """Loading is ~1 s; the API, batch workers and tests share one instance per model dir."""
    p = Path(path)
    if not p.exists():
        raise ModelError("RL020", where=path)
    meta, arrays, vocab, outlets = load_model_dir(p)
    try:
        model = RumorModel.from_arrays(meta["config"], arrays, vocab, outlets)
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError("RL021", where=path, detail=f"{type(exc).__name__}: {exc}") from None
    if model.neighbours_ is not None:
        model.neighbours_.stories_ = load_story_index(p, model.neighbours_.matrix_.shape[0])
    return Judge(model, meta, p)
