"""Outlet scorecard: how often each outlet's checked stories were fake, with a Wilson interval.

A story counts once: near-duplicates are skipped and the label is a fact-checker's ruling
where one was made in the store, else the known label when the record carried one (Gossip Cop's
editors), else the model's verdict. Outlets with fewer than
``min_n`` stories are listed as "too few articles" instead of being ranked, because a rate over
three stories says nothing. Ranking is by the interval's upper bound, so an outlet must be
reliably good, not just lucky on a small sample, to rank high.
"""

from __future__ import annotations

from collections import defaultdict
import copy
from dataclasses import dataclass, field, fields
from typing import ClassVar

from .memory import OutletRecord, wilson_interval

MIN_N = 10
RECENT_FAKES = 3


@dataclass(frozen=True, kw_only=True)
class RankedScore:
    """A row of the outlet or the people scorecard: what ``rated`` says of its stories, and
    ``NAME``, the field of the subclass that says whose row it is (listed first)."""

    NAME: ClassVar[str]
    # fields a page of one outlet or person reads, left out of the scorecard's rows (as_dict)
    PAGE_ONLY: ClassVar[tuple[str, ...]] = ()
    n: int
    n_fake: int
    fake_rate: float
    ci_low: float
    ci_high: float
    ranked: bool  # False: "too few articles"
    rank: int | None
    by_year: dict[str, dict] = field(default_factory=dict)  # year -> {n, n_fake, fake_rate}
    recent_fakes: list[dict] = field(default_factory=list)  # id, title, published
    n_known: int = 0  # how many labels came from people (rulings, the records' labels) rather than the model

    def as_dict(self) -> dict:
        # not dataclasses.asdict: it would deep-copy every story id of the page-only fields, only
        # for them to be dropped (a third of /v1/outlets' time on train + dev)
        d = {f.name: copy.deepcopy(getattr(self, f.name)) for f in fields(self) if f.name not in self.PAGE_ONLY}
        d = {self.NAME: d.pop(self.NAME), **d}
        d["status"] = "ranked" if self.ranked else "too few articles"
        return d


@dataclass(frozen=True, kw_only=True)
class OutletScore(RankedScore):
    NAME: ClassVar[str] = "outlet"
    outlet: str
    # what an outlet's page adds (``records.outlet_page``), not the scorecard's rows: its
    # stories, newest first, and which of them were fake (whom its fakes were about)
    PAGE_ONLY: ClassVar[tuple[str, ...]] = ("article_ids", "fake_ids")
    article_ids: list[str] = field(default_factory=list, repr=False)
    fake_ids: frozenset[str] = field(default_factory=frozenset, repr=False)

    def record(self) -> OutletRecord:
        return OutletRecord(self.outlet, self.n, self.n_fake, self.fake_rate, self.ci_low, self.ci_high, source="store")


@dataclass(frozen=True)
class Scorecard:
    outlets: list[OutletScore]
    min_n: int

    @property
    def ranked(self) -> list[OutletScore]:
        return [o for o in self.outlets if o.ranked]

    @property
    def too_few(self) -> list[OutletScore]:
        return [o for o in self.outlets if not o.ranked]

    def get(self, outlet: str) -> OutletScore | None:
        return next((o for o in self.outlets if o.outlet == outlet), None)

    def record(self, outlet: str) -> OutletRecord | None:
        """The Memory-protocol answer: None for unknown outlets and those with too few stories."""
        score = self.get(outlet)
        return score.record() if score is not None and score.ranked else None


def rated(items: list[dict], min_n: int) -> dict:
    """What a scorecard says of one outlet's (or one person's) stories, each with a final label:
    how many, how many fake, the rate with its 95% Wilson interval, whether there are enough to
    rank, the latest fakes, and how many labels came from people rather than the model."""
    n = len(items)
    n_fake = sum(r["final_label"] == "fake" for r in items)
    lo, hi = wilson_interval(n_fake, n)
    fakes = sorted((r for r in items if r["final_label"] == "fake"), key=lambda r: (r.get("published") or "", r["id"]), reverse=True)
    return dict(n=n, n_fake=n_fake, fake_rate=round(n_fake / n, 4), ci_low=round(lo, 4), ci_high=round(hi, 4), ranked=n >= min_n,
                recent_fakes=[{"id": r["id"], "title": r.get("title") or "", "published": r.get("published")} for r in fakes[:RECENT_FAKES]],
                n_known=sum(r.get("label_source") in ("label", "ruling") for r in items))


def outlets_of(items: list[dict], top: int = 10) -> dict:
    """Where these stories ran, by their final labels: ``outlets``, the ``top`` that ran the most
    fakes among them, then the most stories ({outlet, n, n_fake}), and ``outlets_total``, how
    many ran any.
    Gossip Cop's point about a star was often which magazine kept inventing stories about them."""
    tally: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in items:
        if r.get("outlet"):
            counts = tally[r["outlet"]]
            counts[0] += 1
            counts[1] += r["final_label"] == "fake"
    ranked = sorted(tally.items(), key=lambda kv: (-kv[1][1], -kv[1][0], kv[0]))
    return {"outlets": [{"outlet": outlet, "n": n, "n_fake": n_fake} for outlet, (n, n_fake) in ranked[:top]],
            "outlets_total": len(tally)}


def by_year(items: list[dict]) -> dict[str, dict]:
    """Year -> {n, n_fake, fake_rate} of the dated ``items`` (each with a final label), oldest first."""
    years: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for r in items:
        if r.get("published"):
            y = years[str(r["published"])[:4]]
            y[0] += 1
            y[1] += r["final_label"] == "fake"
    return {y: {"n": c[0], "n_fake": c[1], "fake_rate": round(c[1] / c[0], 4)} for y, c in sorted(years.items())}


def build_scorecard(rows: list[dict], duplicates: dict | None = None, min_n: int = MIN_N) -> Scorecard:
    """``rows`` need id, title, outlet, published, final_label, label_source."""
    duplicates = duplicates or {}
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        if r.get("outlet") and r.get("final_label") in ("fake", "real") and r["id"] not in duplicates:
            groups[r["outlet"]].append(r)
    scores = []
    for outlet, items in groups.items():
        scores.append(dict(outlet=outlet, **rated(items, min_n), by_year=by_year(items),
                           article_ids=[r["id"] for r in sorted(items, key=lambda r: (r.get("published") or "", r["id"]), reverse=True)],
                           fake_ids=frozenset(r["id"] for r in items if r["final_label"] == "fake")))
    ranked = sorted((s for s in scores if s["ranked"]), key=lambda s: (s["ci_high"], s["fake_rate"], -s["n"], s["outlet"]))
    too_few = sorted((s for s in scores if not s["ranked"]), key=lambda s: (-s["n"], s["outlet"]))
    out = [OutletScore(rank=i + 1, **s) for i, s in enumerate(ranked)] + [OutletScore(rank=None, **s) for s in too_few]
    return Scorecard(outlets=out, min_n=min_n)


def outlet_key(name: str) -> str:
    """An outlet as the scorecard names it, from what a reader types or pastes: a host or a link
    gives the outlet its articles get (``article.outlet_from_url``: "www.People.com",
    "https://people.com/x", a Wayback copy); anything else ("daily"), itself in lower case."""
    from ..article import outlet_from_url

    return outlet_from_url(name) or " ".join((name or "").split()).lower()


def named_outlet(outlets: list[OutletScore], name: str) -> OutletScore | None:
    """The outlet called ``name`` ("People.com", "www.people.com", a URL of it), or None."""
    wanted = outlet_key(name)
    return next((o for o in outlets if o.outlet == wanted), None) if wanted else None


def matching_outlets(outlets: list[OutletScore], q: str | None) -> list[OutletScore]:
    """The outlets whose name holds ``q`` (any case: "dailymail" finds dailymail.co.uk; a pasted
    "www.people.com" or link, people.com), in the scorecard's order; all of them for no ``q``."""
    needle = outlet_key(q or "")
    return [o for o in outlets if needle in o.outlet] if needle else outlets
