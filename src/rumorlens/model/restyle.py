"""Mechanical restyling: the same story told soberly or sensationally, facts and sources kept.

Used two ways: the restyle stress test (does the verdict survive a change of tone?) and
style-consistency augmentation in training (restyled copies keep their label, so the model
learns that tone alone is not evidence). Deterministic for a given ``seed`` so numbers reproduce.
"""

from __future__ import annotations

import random
import re

from ..signals import find_signals
from ..signals.lexicon import SENSATIONAL_WORDS

# Loaded word -> a neutral word that keeps the sentence grammatical enough.
NEUTRAL = {
    "shocking": "notable", "shock": "surprise", "shocked": "surprised", "shocker": "surprise",
    "stunning": "notable", "stunned": "surprised", "stuns": "surprises", "trap": "keep",
    "trapped": "kept", "melted": "softened", "melts": "softens", "bombshell": "news",
    "devastated": "upset", "devastating": "difficult", "heartbroken": "sad",
    "heartbreaking": "sad", "heartbreak": "sadness", "furious": "unhappy", "fury": "anger",
    "livid": "unhappy", "enraged": "angry", "meltdown": "difficult moment", "feud": "dispute",
    "feuding": "disagreeing", "war": "dispute", "wars": "disputes", "secret": "private",
    "secrets": "private matters", "secretly": "privately", "slams": "criticises",
    "slammed": "criticised", "blasts": "criticises", "blasted": "criticised", "rages": "argues",
    "raging": "arguing", "rage": "anger", "explosive": "tense", "scandal": "controversy",
    "scandalous": "controversial", "betrayal": "breach of trust", "betrayed": "let down",
    "humiliated": "embarrassed", "humiliating": "embarrassing", "horrifying": "troubling",
    "horror": "concern", "nightmare": "difficulty", "crisis": "difficulty", "disaster": "setback",
    "desperate": "eager", "desperately": "eagerly", "torture": "hard", "tortured": "troubled",
    "crumbling": "struggling", "collapse": "end", "collapsing": "ending",
    "hysterically": "heavily", "hysterical": "upset", "sobbing": "crying", "jealous": "envious",
    "jealousy": "envy", "revenge": "response", "catfight": "argument", "showdown": "meeting",
    "ultimatum": "demand", "sneaky": "quiet", "outrageous": "unusual", "outraged": "unhappy",
    "insane": "remarkable", "crazy": "unusual", "obsessed": "keen", "obsession": "interest",
    "drama": "tension", "explodes": "argues", "exploded": "argued", "erupts": "starts",
    "erupted": "started", "banished": "excluded", "dumped": "left", "dumps": "leaves",
    "exclusive": "report", "exposed": "revealed", "exposes": "reveals", "unbelievable": "surprising",
    "jaw-dropping": "surprising", "brutal": "harsh", "cruel": "harsh", "vicious": "harsh",
    "nasty": "unpleasant", "spiraling": "struggling", "spiralling": "struggling",
    "breakdown": "hard time", "rocked": "affected", "reeling": "affected", "agony": "distress",
    "panic": "worry", "panicked": "worried", "terrified": "worried", "frantic": "worried",
    "fuming": "annoyed", "seething": "annoyed", "ruined": "damaged", "destroyed": "damaged",
    "sinister": "odd",
}
HEDGES_TO_DROP = ("reportedly", "allegedly", "apparently", "supposedly", "purportedly", "seemingly")
LOADED_OPENERS = ("SHOCKING:", "BOMBSHELL:", "EXCLUSIVE:", "DEVASTATING:", "OMG:")
LOADED_ADJECTIVES = ("shocking", "stunning", "explosive", "heartbreaking", "scandalous")
LOADED_CLOSERS = ("Fans are stunned!", "The drama is far from over!!", "Stay tuned for more shocking details!")

_LOADED_RE = re.compile(r"\b(" + "|".join(sorted((re.escape(w) for w in SENSATIONAL_WORDS if " " not in w), key=len, reverse=True)) + r")\b", re.I)
_HEDGE_RE = re.compile(r"\b(" + "|".join(HEDGES_TO_DROP) + r")\b,?\s*", re.I)
_CAPS_RE = re.compile(r"\b[A-Z]{4,}\b")
_SAID_RE = re.compile(r"\b(said|says)\b")


def _match_case(word: str, like: str) -> str:
    if like.isupper():
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def soberise(title: str, text: str) -> tuple[str, str]:
    """Strip sensational words, exclamation marks, shouting and hedges; keep everything else."""

    def tone_down(s: str) -> str:
        s = _LOADED_RE.sub(lambda m: _match_case(NEUTRAL.get(m.group(1).lower(), ""), m.group(1)), s)
        s = _HEDGE_RE.sub("", s)
        s = _CAPS_RE.sub(lambda m: m.group(0).capitalize(), s)
        s = re.sub(r"[!?]*!+[!?]*", ".", s)
        s = re.sub(r"\?{2,}", "?", s)
        return re.sub(r"[ \t]{2,}", " ", s).replace(" .", ".")

    title = tone_down(title).rstrip()
    if title.endswith("?"):
        title = title[:-1].rstrip() + "."
    return title, tone_down(text)


def sensationalise(title: str, text: str, seed: int = 0) -> tuple[str, str]:
    """Add loaded framing: an all-caps opener, exclamation marks, loaded adjectives, hedges."""
    rng = random.Random(seed)
    title = f"{rng.choice(LOADED_OPENERS)} {title.rstrip('.')}!!"
    paragraphs = text.split("\n")
    for i, p in enumerate(paragraphs):
        if not p.strip():
            continue
        if rng.random() < 0.5:
            p = re.sub(r"\.(\s|$)", "!\\1", p, count=1)
        if rng.random() < 0.4:
            p = _SAID_RE.sub(lambda m: "reportedly " + m.group(1), p, count=1)
        if rng.random() < 0.3:
            p = re.sub(r"\b(the|a|an) ([a-z]{4,})\b", lambda m: f"{m.group(1)} {rng.choice(LOADED_ADJECTIVES)} {m.group(2)}", p, count=1)
        paragraphs[i] = p
    return title, "\n".join(paragraphs).rstrip() + "\n" + rng.choice(LOADED_CLOSERS)


# -- the harder proxy: a rewrite, not a retouch ----------------------------------------------
# A language model asked to rewrite a story soberly does more than swap loaded words: it drops
# the outlet's asides to its readers ("HollywoodLifers, do you think…?", "Sound off in the
# comments"), its "EXCLUSIVE" tags and gossip verbs ("dished", "spilled"), and it writes a short
# article, not a 6,000-character crawled page. Asked for a sensational one, it adds those. Facts,
# names, quotes and who is cited are kept both ways.
REWRITE_CHARS = 2500

READER_ASIDE = re.compile(
    r"[^.!?\n]*(?:\b\w+lifers\b|\btell us\b|\blet us know\b|\bwhat do you think\b|\bsound off\b|\bin the comments\b"
    r"|\bclick (?:here|through)\b|\bsubscribe\b|\bsign up\b|\bnewsletter\b|\bfollow us\b|\bshare your thoughts\b"
    r"|\bdo you think\b|\bvote\b)[^.!?\n]*[.!?]*",
    re.I,
)
_EXCLUSIVE = re.compile(r",?\s*\bexclusive(?:ly)?\b:?", re.I)
GOSSIP_VERBS = {
    "dished": "said", "dishes": "says", "dish": "say", "spilled": "said", "spills": "says",
    "gushed": "said", "gushes": "says", "dishing": "saying", "gushing": "saying", "spilling": "saying",
    "pals": "friends", "pal": "friend", "hubby": "husband", "beau": "partner", "bff": "friend",
    "flaunted": "showed", "flaunts": "shows", "flaunting": "showing", "steamy": "romantic",
    "smitten": "happy", "sizzling": "warm", "sizzles": "appears", "bash": "party",
}
_GOSSIP_RE = re.compile(r"\b(" + "|".join(GOSSIP_VERBS) + r")\b", re.I)
_PLAIN_TO_GOSSIP = {"said": "dished", "says": "dishes", "friends": "pals", "husband": "hubby"}
_PLAIN_RE = re.compile(r"\b(" + "|".join(_PLAIN_TO_GOSSIP) + r")\b")
READER_ASIDES = (
    "What do you think? Sound off in the comments!",
    "Fans, tell us: do you think this will last?",
    "Let us know what you think!",
)


def shorten(text: str, limit: int = REWRITE_CHARS) -> str:
    """Whole paragraphs from the top, up to ``limit`` characters (at least one paragraph)."""
    kept, size = [], 0
    for p in text.split("\n"):
        if kept and size + len(p) > limit:
            break
        kept.append(p)
        size += len(p) + 1
    return "\n".join(kept).strip()


def rewrite_sober(title: str, text: str) -> tuple[str, str]:
    """``soberise`` plus what a rewrite drops: reader asides, "exclusive" tags, gossip verbs,
    and the length of a crawled page."""
    title, text = soberise(title, text)

    def plain(s: str) -> str:
        s = READER_ASIDE.sub("", s)
        s = _EXCLUSIVE.sub("", s)
        s = _GOSSIP_RE.sub(lambda m: _match_case(GOSSIP_VERBS[m.group(1).lower()], m.group(1)), s)
        return re.sub(r"[ \t]{2,}", " ", s).strip()

    body = "\n".join(plain(p) for p in text.split("\n"))
    return plain(title) or title, shorten(re.sub(r"\n{3,}", "\n\n", body))


def rewrite_sensational(title: str, text: str, seed: int = 0) -> tuple[str, str]:
    """``sensationalise`` plus what a tabloid rewrite adds: gossip verbs, an "EXCLUSIVE" tag,
    an aside to the reader, and the same short length."""
    rng = random.Random(seed)
    title, text = sensationalise(title, shorten(text), seed=seed)
    text = _PLAIN_RE.sub(lambda m: _PLAIN_TO_GOSSIP[m.group(1)] if rng.random() < 0.5 else m.group(1), text)
    return title.replace(":", ": EXCLUSIVE", 1) if rng.random() < 0.5 else title, f"{text}\n{rng.choice(READER_ASIDES)}"


def random_restyle(title: str, text: str, seed: int = 0) -> tuple[str, str]:
    """Style noise that ignores the label: a third of stories kept, a third made sober and a
    third sensational, each half by retouch and half by rewrite. Training the accurate mode's
    reader on it teaches that tone is not evidence (it reads tone, unlike the tone-blind n-grams)."""
    rng = random.Random(seed)
    roll, rewrite = rng.random(), rng.random() < 0.5
    if roll < 1 / 3:
        return title, text
    if roll < 2 / 3:
        return rewrite_sober(title, text) if rewrite else soberise(title, text)
    return rewrite_sensational(title, text, seed=seed) if rewrite else sensationalise(title, text, seed=seed)


# -- who says so, retold: the sources kept, their register changed ---------------------------
# A sober rewrite of a tabloid story keeps its unnamed sources but not their register: "a pal
# spilled to Star" becomes "a person familiar with the matter told Star". A tabloid rewrite of a
# news story does the opposite. Each unnamed-source attribution the signal extractor finds is
# retold (the outlet it names kept); quotes, names, facts and everything else stay as they are.
NEWS_SOURCES = (
    "a person familiar with the matter", "people close to the couple", "someone who knows the star",
    "one individual close to the situation", "a person with knowledge of the situation",
)
TABLOID_SOURCES = ("an insider", "a pal", "a source close to the star", "a well-placed insider", "a friend of the star")


def reattribute(title: str, text: str, subjects: tuple[str, ...], verb: str, seed: int = 0) -> tuple[str, str]:
    """Every unnamed-source attribution in ``text`` retold as one of ``subjects`` (in turn, from
    ``seed``) with ``verb``: "an insider told Star" -> "a person familiar with the matter told Star"."""
    sources = [s for s in find_signals(text) if s.kind == "anonymous_source"]  # spans never cross a line
    out, last = [], 0
    for i, s in enumerate(sources):
        a, b = s.start, s.end
        if a < last:
            continue
        said, who = text[a:b], subjects[(seed + i) % len(subjects)]
        lower = said.lower()
        if lower.startswith("according to"):
            new = f"according to {who}"
        elif lower.startswith(("citing", "cited", "quoting", "quoted")):
            new = f"citing {who}"
        else:
            new = f"{who} told {s.outlet}" if s.outlet else f"{who} {verb}"
        out += [text[last:a], new[:1].upper() + new[1:] if said[:1].isupper() else new]
        last = b
    out.append(text[last:])
    return title, "".join(out)


def reattribute_sober(title: str, text: str) -> tuple[str, str]:
    """Unnamed sources in the news register ("a person familiar with the matter said")."""
    return reattribute(title, text, NEWS_SOURCES, "said", seed=len(text))


def reattribute_tabloid(title: str, text: str, seed: int = 0) -> tuple[str, str]:
    """Unnamed sources in the tabloid register ("an insider dished")."""
    return reattribute(title, text, TABLOID_SOURCES, "dished", seed=seed)
