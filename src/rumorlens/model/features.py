"""The learnable feature pieces. They follow the scikit-learn estimator contract (``__init__``
stores options, ``fit`` returns self, learned attributes end in ``_``) without importing
scikit-learn, which checking articles must not pay for (see ``vectorize.py``); the TF-IDF
factories import it only when training."""

from __future__ import annotations

import math

import numpy as np

from ..signals import FEATURE_NAMES, signal_counts

# Tone cues are shown to readers as signals but kept out of the model: a fake rewritten soberly
# or a true story told breathlessly must not change the verdict. The model weighs what the story
# rests on (who is quoted, unnamed sources, denials, cited outlets, the kind of claim).
STYLE_FEATURES = frozenset(
    {"n_hedge", "rate_hedge", "n_sensational", "rate_sensational", "question_title", "exclaim_rate", "caps_rate"}
)
MODEL_FEATURES = tuple(name for name in FEATURE_NAMES if name not in STYLE_FEATURES)

# The model's signal features by what they measure, for the per-family ablation (setting
# ``signal_exclude``: families or feature names left out). Features mixing two families
# (``anon_minus_onrecord``, ``anon_share``) go with both.
SIGNAL_FAMILIES: dict[str, tuple[str, ...]] = {
    "anonymous_sources": ("n_anonymous_source", "rate_anonymous_source", "has_anonymous_source", "anon_minus_onrecord", "anon_share"),
    "on_record_quotes": ("n_on_record_quote", "rate_on_record_quote", "has_on_record_quote", "n_unique_speakers", "rep_quoted",
                         "quote_rate", "anon_minus_onrecord", "anon_share"),
    "denials": ("n_denial", "rate_denial", "has_denial", "gossip_cop_mention"),
    "cited_outlets": ("n_cited_outlet", "rate_cited_outlet", "n_unique_outlets", "n_tabloid_outlets", "n_other_outlets"),
    "claim_kind": ("private_rate", "public_rate", "private_minus_public"),
    "length": ("n_words_log",),
}

# The same reasoning for the n-grams (setting ``tone_blind``): words that only colour a story are
# stop words, so no weight can be learned on them. Pure emotion and emphasis, single-word hedges,
# "exclusive" tags and gossip register. Words that name the claim stay ("feud", "cheating",
# "secret", "split", "pregnant", "mistress"): a sober rewrite keeps the claim, and the claim is
# what Gossip Cop checked.
TONE_WORDS = frozenset(
    """shocking shock shocked shocker stunning stunned stuns bombshell devastated devastating
    heartbroken heartbreaking heartbreak furious fury livid enraged meltdown slams slammed blasts
    blasted rages raging rage explosive scandalous humiliated humiliating horrifying horror
    nightmare desperate desperately hysterical hysterically sobbing outrageous outraged insane
    crazy unbelievable brutal cruel vicious nasty spiraling spiralling rocked reeling agony panic
    panicked terrified frantic fuming seething sinister omg
    reportedly allegedly alleged apparently supposedly purportedly seemingly rumored rumoured
    unconfirmed speculation speculated
    exclusive exclusively
    dished dishes dish dishing spilled spills spilling gushed gushes gushing pals pal hubby beau
    bff flaunts flaunted flaunting steamy smitten sizzling sizzles""".split()
)


# The n-gram model reads the first MODEL_CHARS characters: the claim and its sourcing sit at the
# top of a story, and the long tail of 20k-character pages would otherwise dominate the cost.
MODEL_CHARS = 6000


def model_text(text: str) -> str:
    return text[:MODEL_CHARS]


def make_word_vectorizer(
    max_features: int = 200_000,
    vocabulary: dict[str, int] | None = None,
    ngram_max: int = 2,
    analyzer: str = "word",
    tone_blind: bool = False,
) -> "TfidfVectorizer":  # noqa: F821
    """Word uni+bigrams by default. English stop words are dropped so the model leans on content
    words ("insider", "source close", "pregnant") rather than on function-word style, and with
    ``tone_blind`` the ``TONE_WORDS`` too. ``analyzer="char_wb"`` (character 3-5-grams) exists for
    the ablation in the model card."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

    if analyzer == "char_wb":
        return TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=3, max_features=max_features, sublinear_tf=True, dtype=np.float32, vocabulary=vocabulary)
    return TfidfVectorizer(
        ngram_range=(1, ngram_max),
        min_df=2,
        max_df=0.9,
        max_features=max_features,
        sublinear_tf=True,
        stop_words=sorted(ENGLISH_STOP_WORDS | TONE_WORDS) if tone_blind else "english",
        dtype=np.float32,
        vocabulary=vocabulary,
    )


class SignalFeaturizer:
    """Numeric signal counts (anonymous sources, on-record quotes, denials, ...) standardised.

    Input is a sequence of texts or of precomputed ``signal_counts`` dicts.
    """

    def __init__(self, clip: float = 5.0, exclude: tuple[str, ...] = ()) -> None:
        self.clip = clip
        self.exclude = tuple(exclude)  # families (SIGNAL_FAMILIES) or feature names

    def counts_matrix(self, items) -> np.ndarray:
        names = self.feature_names_
        rows = [item if isinstance(item, dict) else signal_counts(item) for item in items]
        return np.array([[float(r.get(name, 0.0)) for name in names] for r in rows], dtype=np.float64).reshape(len(rows), len(names))

    def fit(self, X, y=None):
        dropped = {name for item in self.exclude for name in SIGNAL_FAMILIES.get(item, (item,))}
        self.feature_names_ = [name for name in MODEL_FEATURES if name not in dropped]
        raw = self.counts_matrix(X)
        self.mean_ = raw.mean(axis=0)
        scale = raw.std(axis=0)
        self.scale_ = np.where(scale > 1e-9, scale, 1.0)
        return self

    def transform(self, X) -> np.ndarray:
        z = (self.counts_matrix(X) - self.mean_) / self.scale_
        return np.clip(z, -self.clip, self.clip)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"signal:{n}" for n in self.feature_names_], dtype=object)


class OutletPrior:
    """Smoothed per-outlet fake rate as log-odds relative to the base rate.

    ``strength`` pseudo-counts at the base rate pull small outlets towards "no information",
    so an outlet seen twice cannot swing a verdict. Unknown outlets score 0.
    """

    def __init__(self, strength: float = 10.0) -> None:
        self.strength = strength

    def fit(self, outlets, y):
        y = np.asarray(y).astype(int)
        counts: dict[str, list[int]] = {}
        for outlet, label in zip(outlets, y):
            if outlet:
                c = counts.setdefault(outlet, [0, 0])
                c[0] += 1
                c[1] += int(label)
        self.counts_ = counts
        self.base_rate_ = float(y.mean()) if len(y) else 0.5
        return self

    def log_odds(self, outlet: str | None) -> float:
        if not outlet or outlet not in self.counts_:
            return 0.0
        n, k = self.counts_[outlet]
        b, m = self.base_rate_, self.strength
        rate = (k + m * b) / (n + m)
        return math.log(rate / (1 - rate)) - math.log(b / (1 - b))

    def transform(self, outlets) -> np.ndarray:
        return np.array([[self.log_odds(o), 1.0 if o in self.counts_ else 0.0] for o in outlets], dtype=np.float64).reshape(-1, 2)

    def record(self, outlet: str | None) -> tuple[int, int] | None:
        if not outlet or outlet not in self.counts_:
            return None
        n, k = self.counts_[outlet]
        return int(n), int(k)
