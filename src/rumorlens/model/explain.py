"""Turning signals and model features into reasons a reader can check.

Reasons are short sentences built from the strongest evidence, ordered so that the ones that
support the verdict come first, at most five.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..corpus.memory import DebunkMatch, OutletRecord, PersonRecord
from ..verdict import Signal
from .neighbours import Remembered

MAX_REASONS = 5
POOR_RECORD, GOOD_RECORD = 0.45, 0.15  # fake rates that make an outlet's record worth a reason
# Story memory is worth a reason when the training stories an article is like moved its
# log-odds by TOLD_BEFORE_PUSH or more and the closest is SIMILAR_STORY alike (cosine). On dev
# that is 2.6% of articles towards fake (87% of them fake, against 21% of all) and 15% towards
# true (96% true, against 79%); a looser cut named stories that share only their people.
TOLD_BEFORE_PUSH = 0.3
SIMILAR_STORY = 0.3
SIMILAR_STORIES = 3  # similar_story signals per verdict, the most alike first


@dataclass(frozen=True)
class ToldBefore:
    """What story memory added to one verdict: ``push`` on the log-odds (> 0 towards fake), the
    ``n`` training stories it is most like of which ``n_fake`` were fake, and the closest of
    them at ``SIMILAR_STORY`` or more (``stories``, the most alike first)."""

    push: float
    stories: tuple[Remembered, ...]
    n: int
    n_fake: int


def _where(story: Remembered) -> str:
    return ", ".join(str(part) for part in (story.outlet, story.year) if part)


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n} {word if n == 1 else (plural or word + 's')}"


def _quote_list(items: Sequence[str], limit: int = 3) -> str:
    seen: list[str] = []
    for item in items:
        item = " ".join(item.split())
        if item and item.lower() not in (s.lower() for s in seen):
            seen.append(item)
    return ", ".join(f"“{s}”" for s in seen[:limit])


def _record_weight(fake_rate: float) -> float:
    """An outlet's or a person's record as a weight in log-odds-like units: how far its rate
    sits from an even record (a quarter of stories fake)."""
    return round(float(np.clip((fake_rate - 0.25) * 2, -1, 1)), 3)


def outlet_signal(record: OutletRecord) -> Signal:
    note = f"{record.outlet}: {record.n_fake} of {record.n} checked stories fake ({record.fake_rate:.0%}, 95% CI {record.ci_low:.0%}-{record.ci_high:.0%}; {record.source})"
    return Signal(kind="outlet_record", text=record.outlet, start=-1, end=-1, weight=_record_weight(record.fake_rate), note=note, outlet=record.outlet)


def person_signal(record: PersonRecord) -> Signal:
    note = (f"{record.person}: {record.n_fake} of {record.n} stored stories about them fake ({record.fake_rate:.0%}, "
            f"95% CI {record.ci_low:.0%}-{record.ci_high:.0%}; {record.source})")
    return Signal(kind="person_record", text=record.person, start=-1, end=-1, weight=_record_weight(record.fake_rate), note=note)


def debunk_signal(match: DebunkMatch) -> Signal:
    when = (match.published or "")[:10] or "undated"
    note = f"Matches a story {match.labelled()}: {match.title} ({match.outlet or 'unknown outlet'}, {when})"
    weight = (1 if match.label == "fake" else -1) * round(float(match.score), 3)
    return Signal(kind="debunk_match", text=match.title, start=-1, end=-1, weight=weight, note=note, outlet=match.outlet)


def similar_story_signal(story: Remembered) -> Signal:
    where = _where(story)
    note = (f"found {'fake' if story.fake else 'true'}, {story.similarity:.0%} alike: {story.id or 'a training story'}"
            + (f" ({where})" if where else ""))
    weight = round(story.similarity if story.fake else -story.similarity, 3)
    return Signal(kind="similar_story", text=story.id or "", start=-1, end=-1, weight=weight, note=note, outlet=story.outlet)


def told_before_reason(told: ToldBefore) -> str | None:
    """One sentence when the stories already checked that an article is like moved its verdict
    (``TOLD_BEFORE_PUSH``) and one of them is close (``SIMILAR_STORY``), else None."""
    if abs(told.push) < TOLD_BEFORE_PUSH or not told.stories:
        return None
    side = "fake" if told.push > 0 else "true"
    same = told.n_fake if told.push > 0 else told.n - told.n_fake
    closest = told.stories[0]
    where = ", ".join(part for part in (f"{closest.similarity:.0%} alike", _where(closest), closest.id) if part)
    found = "fake" if closest.fake else "true"
    if 2 * same >= told.n:
        return f"Told before: {same} of the {told.n} stories already checked that are most like it were {side}; the closest ({where}) was {found}."
    # a few close ones outweigh many loose ones: lead with the closest, not the count
    return f"Told before: the story already checked that is most like it ({where}) was {found}, and {same} of the {told.n} most like it were {side}."


def reasons_for(
    label: str,
    signals: Sequence[Signal],
    outlet: OutletRecord | None = None,
    top_fake_terms: Sequence[str] = (),
    top_real_terms: Sequence[str] = (),
    people: Sequence[PersonRecord] = (),
    told: ToldBefore | None = None,
) -> list[str]:
    """Pick up to five sentences; each names evidence the reader can find in the article."""
    by_kind: dict[str, list[Signal]] = {}
    for s in signals:
        by_kind.setdefault(s.kind, []).append(s)
    fake_side: list[str] = []
    real_side: list[str] = []

    anon = by_kind.get("anonymous_source", [])
    quotes = by_kind.get("on_record_quote", [])
    speakers = [q.speaker or q.text for q in quotes]
    if anon and not quotes:
        fake_side.append(f"Rests on {_plural(len(anon), 'unnamed source')} ({_quote_list([s.text for s in anon], 2)}) and quotes no one on the record.")
    elif anon and quotes:
        sentence = f"Cites {_plural(len(anon), 'unnamed source')} beside {_plural(len(quotes), 'on-record quote')} ({_quote_list(speakers, 3)})."
        (fake_side if len(anon) > len(quotes) else real_side).append(sentence)
    elif quotes:
        real_side.append(f"Quotes {_quote_list(speakers, 3)} on the record and cites no unnamed sources.")

    for d in by_kind.get("denial", [])[:1]:
        fake_side.append(f"Reports a denial or debunk: {_quote_list([d.text], 1)}.")

    for m in by_kind.get("debunk_match", [])[:1]:
        (fake_side if m.weight > 0 else real_side).append(m.note + ".")

    if told is not None and (sentence := told_before_reason(told)):
        (fake_side if told.push > 0 else real_side).append(sentence)

    if outlet is not None and outlet.n >= 5:
        record = f"{outlet.n_fake} of {outlet.n} {outlet.outlet} stories checked were fake ({outlet.fake_rate:.0%})"
        if outlet.fake_rate >= POOR_RECORD:
            fake_side.append(f"The outlet has a poor record: {record}.")
        elif outlet.fake_rate <= GOOD_RECORD:
            real_side.append(f"The outlet has a good record: {record}.")

    # the story's subject: one sentence, for the person with the most telling record
    telling = [p for p in people if p.fake_rate >= POOR_RECORD or p.fake_rate <= GOOD_RECORD]
    for p in sorted(telling, key=lambda p: -abs(p.fake_rate - 0.25))[:1]:
        record = f"{p.n_fake} of {p.n} in the store were fake ({p.fake_rate:.0%})"
        if p.fake_rate >= POOR_RECORD:
            fake_side.append(f"Stories about {p.person} have a poor record: {record}.")
        else:
            real_side.append(f"Stories about {p.person} have a good record: {record}.")

    cited = by_kind.get("cited_outlet", [])
    # Gossip Cop is the fact-checker, not a tabloid: naming it weighs towards fake (its busts),
    # and a reported debunk by it is already said above.
    fact_checker = [c for c in cited if (c.outlet or "") == "Gossip Cop"]
    cited = [c for c in cited if c not in fact_checker]
    if fact_checker and not any((d.outlet or "") == "Gossip Cop" for d in by_kind.get("denial", [])):
        fake_side.append("Names Gossip Cop, the fact-checker that busted tabloid stories.")
    tabloids = [c.outlet or c.text for c in cited if c.weight > 0]
    others = [c.outlet or c.text for c in cited if c.weight <= 0]
    if tabloids:
        fake_side.append(f"Leans on tabloid reporting: {_quote_list(tabloids, 3)}.")
    elif others:
        real_side.append(f"Cites established outlets: {_quote_list(others, 3)}.")

    hedges, loaded = by_kind.get("hedge", []), by_kind.get("sensational", [])
    if len(hedges) + len(loaded) >= 2:
        parts = []
        if hedges:
            times = "once" if len(hedges) == 1 else f"{len(hedges)} times"
            parts.append(f"hedges {times} ({_quote_list([h.text for h in hedges], 2)})")
        if loaded:
            parts.append(f"uses loaded framing ({_quote_list([s.text for s in loaded], 3)})")
        sentence = " and ".join(parts)
        fake_side.append(sentence[0].upper() + sentence[1:] + ".")

    if not anon and not by_kind.get("denial"):
        real_side.append("No claim in it rests on an unnamed source, and it reports no denial.")

    if top_fake_terms:
        fake_side.append(f"Wording most like stories found fake: {_quote_list(top_fake_terms, 3)}.")
    if top_real_terms:
        real_side.append(f"Wording most like stories found true: {_quote_list(top_real_terms, 3)}.")

    ordered = fake_side + real_side if label == "fake" else real_side + fake_side
    return ordered[:MAX_REASONS]

