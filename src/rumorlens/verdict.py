"""``Signal`` and ``Verdict``: the only output type. Every view renders a Verdict, none computes its own."""

from __future__ import annotations

from dataclasses import dataclass, field

from .article import is_headline_only

SIGNAL_KINDS = (
    "anonymous_source",
    "on_record_quote",
    "denial",
    "hedge",
    "sensational",
    "cited_outlet",
    "outlet_record",
    "person_record",
    "debunk_match",
    "similar_story",
)


@dataclass(frozen=True)
class Signal:
    """One piece of evidence. ``text == verdict.text[start:end]`` for spans in the article;
    signals about the article as a whole (``outlet_record``, ``person_record``, ``debunk_match``,
    ``similar_story``) have
    ``start == end == -1``. ``weight`` > 0 pushes towards fake, < 0 towards real."""

    kind: str
    text: str
    start: int
    end: int
    weight: float = 0.0
    note: str = ""
    speaker: str | None = None  # on_record_quote: who is quoted
    outlet: str | None = None  # cited_outlet / on_record_quote: the publication named

    def as_dict(self) -> dict:
        # Built by hand: dataclasses.asdict deep-copies and was a sixth of `check --json` time.
        d = {"kind": self.kind, "text": self.text, "start": self.start, "end": self.end, "weight": self.weight, "note": self.note}
        if self.speaker is not None:
            d["speaker"] = self.speaker
        if self.outlet is not None:
            d["outlet"] = self.outlet
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Signal:
        return cls(**{k: d.get(k) for k in cls.__dataclass_fields__ if k in d})


def truth_rating(p_fake: float, threshold: float = 0.5) -> int:
    """Gossip Cop's meter, 0 = fake and 10 = true, from ``p_fake``.

    Piecewise linear so that the model's decision threshold sits at 5: a story labelled fake
    never shows a rating above 5 and a story labelled real never one below 5, whatever
    threshold the model was tuned to.
    """
    p = min(max(float(p_fake), 0.0), 1.0)
    t = min(max(float(threshold), 1e-6), 1 - 1e-6)
    score = 10 - 5 * p / t if p <= t else 5 - 5 * (p - t) / (1 - t)
    return int(min(10, max(0, round(score))))


@dataclass(frozen=True)
class Verdict:
    id: str
    label: str  # "fake" | "real"
    p_fake: float
    signals: tuple[Signal, ...]
    reasons: tuple[str, ...]
    model_version: str
    text: str  # the cleaned article text the signal offsets point into
    title: str = ""
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    known_label: str | None = None  # the label the input carried, if any
    text_only: bool = False
    threshold: float = 0.5  # p_fake at or above which the label is "fake"
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @property
    def truth_rating(self) -> int:
        return truth_rating(self.p_fake, self.threshold)

    @property
    def headline_only(self) -> bool:
        """Judged on a headline alone (RW005)."""
        return is_headline_only(self.title, self.text)

    def as_dict(self, include_text: bool = True) -> dict:
        d = {
            "id": self.id,
            "title": self.title,
            "outlet": self.outlet,
            "url": self.url,
            "published": self.published,
            "label": self.label,
            "p_fake": round(float(self.p_fake), 4),
            "truth_rating": self.truth_rating,
            "signals": [s.as_dict() for s in self.signals],
            "reasons": list(self.reasons),
            "model_version": self.model_version,
            "text_only": self.text_only,
            "threshold": round(float(self.threshold), 4),
            "known_label": self.known_label,
            "warnings": list(self.warnings),
        }
        if include_text:
            d["text"] = self.text
        return d

    @classmethod
    def from_dict(cls, d: dict) -> Verdict:
        return cls(
            id=d["id"],
            label=d["label"],
            p_fake=float(d["p_fake"]),
            signals=tuple(Signal.from_dict(s) for s in d.get("signals") or ()),
            reasons=tuple(d.get("reasons") or ()),
            model_version=d.get("model_version", ""),
            text=d.get("text", ""),
            title=d.get("title") or "",
            outlet=d.get("outlet"),
            url=d.get("url"),
            published=d.get("published"),
            known_label=d.get("known_label"),
            text_only=bool(d.get("text_only", False)),
            threshold=float(d.get("threshold", 0.5)),
            warnings=tuple(d.get("warnings") or ()),
        )
