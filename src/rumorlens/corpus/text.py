"""Text helpers the corpus views share: lead extraction, accent folding, people names.

People extraction is deliberately simple (no NER model ships offline): a person is a pair of
adjacent capitalised words, neither of which is a stop word or a known non-name word, with
possessives stripped and accents folded so "Khloé Kardashian's" and "Khloe Kardashian" agree.
Titles are often Title Case ("Lamar Will Trap Khloe In His Love"), so pairs found only in a
title count only when the same pair also appears in the body, where casing is informative.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from ..folding import fold_text, strip_accents
from ..signals.lexicon import LEARNT_NOT_NAMES

LEAD_CHARS = 600
# The people finder's version: the people each article's lead names are kept between groupings
# (``corpus/traits.py``) and found again when this changes. Raise it with any change to what
# ``body_people`` returns, and STORYLINES_VERSION with it (that one is what makes a store
# regroup; it also moves when only the grouping changes, and then the kept people stay good).
PEOPLE_VERSION = "7"

# Capitalised words that start or end non-name pairs in celebrity news ("Los Angeles",
# "Golden Globes", "Page Six"). Kept short on purpose: the cosine test filters most noise.
NOT_NAME = {
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "new", "los", "las", "san", "york", "angeles", "vegas", "city", "united", "states", "north", "south",
    "getty", "images", "instagram", "twitter", "facebook", "youtube", "snapchat", "tiktok", "story", "photo",
    "photos", "video", "news", "daily", "mail", "online", "magazine", "weekly", "page", "six", "star",
    "entertainment", "tonight", "hollywood", "life", "radar", "people", "gossip", "cop", "tmz", "e",
    "us", "uk", "usa", "la", "nyc", "tv", "show", "season", "episode", "series", "film", "movie", "awards",
    "award", "golden", "globes", "globe", "academy", "oscars", "oscar", "grammy", "grammys", "emmy", "emmys",
    "music", "big", "brother", "real", "housewives", "keeping", "up", "with", "kardashians", "royal",
    "family", "house", "white", "church", "hospital", "center", "centre", "street", "park", "beach",
    "exclusive", "breaking", "report", "update", "watch", "pics", "pic", "read", "more", "click", "here",
    "splash", "backgrid", "ap", "reuters", "mr", "mrs", "ms", "dr", "sir", "lady", "lord",
    "inc", "co", "ltd", "llc", "corp", "net", "com", "red", "carpet", "met", "gala", "super", "bowl",
    "american", "idol", "voice", "bachelor", "bachelorette", "island", "dancing", "stars", "game",
    "thrones", "also", "however", "but", "and", "or", "so", "then", "now", "when", "after",
    "castle", "bros", "website", "medium", "psychic",
    # never in a name in this news, but starting places, events, films and shows in 11 to 130
    # train + dev leads: "Hurricane Harvey", "Dolby Theatre", "Metropolitan Museum", "Billboard
    # Latin", "Jingle Ball", "Tomb Raider", "Galaxy Vol.", "Unbreakable Kimmy Schmidt", "Miss
    # America", "Captain Marvel" (titles, as "mr" and "lady" are), "Jesus Christ Superstar Live"
    "hurricane", "hurricanes", "coachella", "dolby", "harvard", "metropolitan", "billboard", "billboards",
    "jingle", "pussycat", "unbreakable", "galaxy", "tomb", "chilling", "hocus", "lion", "miss", "captain",
    "superstar",
}


# Words that end shows, events and places but no one's name in this news ("Jersey Shore",
# "Christmas Eve", "Winter Olympics", "Marvel Studios", "Manchester Arena", "Twin Peaks",
# "Carpool Karaoke", "Fixer Upper", "Disney Channel", "San Diego Comic-Con", "… Breaks Silence",
# "Kardashian Christmas"): each ended such a pair in 25 to 570 train + dev articles and a person's
# name in at most 4 ("Pauly Shore", "David Shore" are lost). They may still start a name ("Eve
# Mavrakis").
# Teams, places, venues, films and shows end such pairs too ("New England Patriots", "Cleveland
# Cavaliers", "Coachella Valley", "Harvard University", "Barker Hangar", "Tomb Raider",
# "Brooklyn Nine-Nine", "Hawaii Five-0", "Crazy Rich Asians", "One Love Manchester", "Southern
# California", "Washington Post", "Florida Georgia Line"): 11 to 70 articles each, a person's name
# in at most 1 ("Markie Post").
NOT_LAST_NAME = frozenset({"shore", "eve", "olympics", "studios", "arena", "peaks", "karaoke", "upper", "channel",
                           "comic-con", "silence", "christmas",
                           "patriots", "eagles", "cavaliers", "valley", "theatre", "theater", "university", "museum",
                           "hangar", "raider", "vol", "nine-nine", "five-0", "latin", "dolls", "asians",
                           "dorado", "pocus", "adventures", "california", "manchester", "post", "georgia"})

_STOP = set(ENGLISH_STOP_WORDS) | NOT_NAME | LEARNT_NOT_NAMES
# Given names that are also stop words: a name's first word when a name word follows ("Will
# Smith", "Bill Cosby"), never its second ("Kim Will Divorce" needs "Will Divorce" in a body).
GIVEN_NAMES_IN_STOP = frozenset({"will", "bill"})
# "KardashianTo", "FaceTimes": words glued together by a lost space or brand names, not names.
# Real names with inner capitals start with one of these (McConaughey, DeGeneres, LeBron).
_CAMEL = re.compile(r"^[^\W\d_][a-z]+[A-Z]")
_CAMEL_OK = ("Mc", "Mac", "De", "Di", "Da", "La", "Le", "Du", "Van", "Von")
_WORD = re.compile(r"[^\W\d_][\w'’‘\-]*")
_POSSESSIVE = re.compile(r"(?:['’‘]s|['’‘])$")


fold = lru_cache(maxsize=200_000)(fold_text)
fold.__doc__ = """Lowercase ASCII-ish fold of a word or a name, cached: "Khloé" -> "khloe"."""


def lead(title: str | None, text: str | None, chars: int = LEAD_CHARS) -> str:
    return f"{title or ''}\n{(text or '')[:chars]}"


# Runs of two or more words that do not start lowercase, one space apart: the only places a
# name pair can be. Most words are lowercase, so finding runs in C first skips them cheaply.
_CAPITAL_RUN = re.compile(r"(?<![^\W\d_])[^\W\d_a-z][\w'’‘\-]*(?:[ \u00a0][^\W\d_a-z][\w'’‘\-]*)+")


def _name_pairs(text: str) -> list[tuple[str, str]]:
    """(key, display) for each adjacent capitalised word pair that looks like a name."""
    return [(key, display) for key, display, _, _ in name_pair_spans(text)]


def name_pair_spans(text: str) -> list[tuple[str, str, int, int]]:
    """(key, display, start, end) for each adjacent capitalised word pair that looks like a name."""
    out = []
    for run in _CAPITAL_RUN.finditer(text):
        out += [(k, d, run.start() + a, run.start() + b) for k, d, a, b in _pairs_in(run.group(0))]
    return out


def _pairs_in(text: str) -> list[tuple[str, str, int, int]]:
    out = []
    prev: tuple[str, str, int, int] | None = None  # (clean word, folded, start, end offset)
    for m in _WORD.finditer(text):
        word = m.group(0)
        if not word[0].isupper():  # cheap reject first: most words are lowercase
            prev = None
            continue
        raw = _POSSESSIVE.sub("", word).strip("-'’‘")
        key = fold(raw)
        ok = len(raw) > 1 and not raw.isupper() and key not in _STOP and not (_CAMEL.match(raw) and not raw.startswith(_CAMEL_OK))
        if ok and prev is not None and key not in NOT_LAST_NAME and text[prev[3] : m.start()] in (" ", "\u00a0"):
            out.append((f"{prev[1]} {key}", f"{prev[0]} {raw}", prev[2], m.end()))
        # A possessive ends a name ("Odom's mistresses"), so it cannot start the next pair.
        starts = ok or (key in GIVEN_NAMES_IN_STOP and word[1:].islower())
        prev = (raw, key, m.start(), m.end()) if starts and not _POSSESSIVE.search(m.group(0)) else None
    return out


# Stage names of one word, which a finder of name pairs cannot see: Beyoncé and Jay-Z stories
# had no people unless someone else was named. Kept by hand, each in 8 or more training leads:
# spaCy's small model reads most of them as organisations, so they cannot be learnt as the
# not-names are. Words that are also ordinary ones ("Pink", "Seal", "Sting", "Monica") are not.
MONONYMS = {
    "beyonce": "Beyoncé", "jay-z": "Jay-Z", "rihanna": "Rihanna", "drake": "Drake", "oprah": "Oprah", "madonna": "Madonna",
    "tyga": "Tyga", "adele": "Adele", "zendaya": "Zendaya", "cher": "Cher", "kesha": "Kesha", "ciara": "Ciara",
    "lorde": "Lorde", "rupaul": "RuPaul", "eminem": "Eminem", "shakira": "Shakira", "sza": "SZA", "diddy": "Diddy",
    "usher": "Usher", "snooki": "Snooki", "halsey": "Halsey", "sia": "Sia", "bono": "Bono", "gaga": "Lady Gaga",
    "cardi": "Cardi B", "weeknd": "The Weeknd",
}


# One person under two keys: a stage name and a full name both turn up ("Oprah" in 29 train +
# dev leads, "Oprah Winfrey" in 86; "Beyoncé Knowles" in 7 beside "Beyoncé" in 289), and two
# keys split one person's storylines and debunk matches. Each becomes the key she is best known by.
SAME_PERSON = {
    "oprah": "oprah winfrey", "oprah gail": "oprah winfrey", "beyonce knowles": "beyonce", "beyonce knowles-carter": "beyonce",
    "beyonce giselle": "beyonce", "adele adkins": "adele", "kesha rose": "kesha", "madonna louise": "madonna",
}
_SAME_PERSON_DISPLAY = {"oprah winfrey": "Oprah Winfrey"}


# Full names made of words the pair finder must refuse ("Mel B": one letter; "Mama June", "Big
# Sean", "Bad Bunny", "Jack Black", "Betty White": a word that starts non-names, "Big Brother",
# "White House"), kept by hand as the stage names are: each in 3 or more train + dev leads but the
# last, matched as written, capitals and all.
NAMES_OF_ORDINARY_WORDS = ("Mel B", "Mama June", "Big Sean", "Bad Bunny", "Jack Black", "Betty White", "Big Boi", "Bow Wow")
_ORDINARY_WORD_NAME = re.compile(r"(?<![\w'’])(" + "|".join(map(re.escape, NAMES_OF_ORDINARY_WORDS)) + r")(?![\w-])")


def _hand_kept_names(text: str) -> list[tuple[int, str, str]]:
    """(where, key, shown) of each name in ``text`` that a hand list keeps: the names made of
    ordinary words, and the one-word stage names capitalised as names are ("Usher", not "usher")."""
    found: list[tuple[int, str, str]] = []
    if any(name in text for name in NAMES_OF_ORDINARY_WORDS):  # rare: skip the regex scan (a third of a second on train + dev)
        found += [(m.start(), fold(m.group(1)), m.group(1)) for m in _ORDINARY_WORD_NAME.finditer(text)]
    folded = fold_text(text)
    if not any(name in folded for name in MONONYMS):  # most leads name none: skip reading every word
        return found
    found += [(m.start(), key, MONONYMS[key]) for m in _SINGLE.finditer(text)
              if m.group(0)[:1].isupper() and (key := fold(m.group(0))) in MONONYMS]
    return found


def _one_key_per_person(found: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, shown in found.items():
        same = SAME_PERSON.get(key, key)
        out.setdefault(same, shown if same == key else _SAME_PERSON_DISPLAY.get(same) or MONONYMS[same])
    return out


def _without_covered_mononyms(found: dict[str, str]) -> dict[str, str]:
    """A one-word name inside a found full name is that person ("Oprah" of "Oprah Winfrey",
    "Drake" of "Drake Bell"), not a second one."""
    words = {w for key in found if " " in key for w in key.split()}
    return {k: d for k, d in found.items() if " " in k or k not in words}


def body_people(text: str | None) -> dict[str, str]:
    """The people a story's lead names: folded name key -> name as shown, in the order named."""
    return dict(_lead_people((text or "")[: LEAD_CHARS * 2]))


# Remembered for the last few thousand leads: checking a story against a store reads its lead's
# people twice (debunk matching, then its subject's record), each a third of that lookup's time.
@lru_cache(maxsize=2048)
def _lead_people(lead_text: str) -> dict[str, str]:
    # every name with where it stands, so that the list is in the order the story names them
    # (the first two named are whom a story with no one in its headline is about)
    at = [(start, key, shown) for key, shown, start, _ in name_pair_spans(lead_text)] + _hand_kept_names(lead_text)
    found: dict[str, str] = {}
    for _, key, shown in sorted(at, key=lambda x: x[0]):
        found.setdefault(key, shown)
    return _one_key_per_person(_without_covered_mononyms(found))


def people(title: str | None, text: str | None, known: set[str] | None = None,
           body: dict[str, str] | None = None) -> dict[str, str]:
    """Folded name key -> display name, from the title and the lead of the body.

    ``known`` is a corpus-wide set of name keys seen in bodies; title-only pairs must be in it
    (or in this article's own body lead) to count. ``body`` reuses ``body_people(text)``. One-word
    stage names (``MONONYMS``) count wherever they are.
    """
    found = dict(body) if body is not None else body_people(text)
    for k, d in _one_key_per_person(dict(_name_pairs(title or ""))).items():
        if k in found or (known is not None and k in known):
            found.setdefault(k, d)
    for k, d in _one_key_per_person({key: shown for _, key, shown in _hand_kept_names(title or "")}).items():
        found.setdefault(k, d)
    return _without_covered_mononyms(found)


def chained_name(head: str, tail: str) -> str | None:
    """The three-word name two name pairs make when they chain on a shared word ("sarah
    jessica" + "jessica parker" -> "sarah jessica parker"), else None. The pair finder only
    sees pairs; whether the three words are one name is for the caller to check."""
    head_words, tail_words = head.split(), tail.split()
    if len(head_words) < 2 or len(tail_words) < 2 or head_words[-1] != tail_words[0]:
        return None
    return " ".join(head_words + tail_words[1:])


def display_name(display: str) -> str:
    """Readable ASCII form used in storyline titles ("Khloe Kardashian")."""
    return strip_accents(display)


_SINGLE = re.compile(r"[^\W\d_][\w\-]*")


def principal_people(title: str | None, found: dict[str, str], limit: int = 3) -> list[str]:
    """The people an article is *about*: full names in the title, single first or last names in
    the title resolved against the names found in the article ("... Behind Khloe" -> Khloe
    Kardashian), else the first two names of the lead."""
    if not found:
        return []
    t = fold_text(title or "")
    title_words = set(_SINGLE.findall(t))
    # a full name anywhere in the title; a one-word name as a word of it ("Sia", not "Asia")
    out: list[str] = [k for k in found if (k in t if " " in k else k in title_words)]
    if len(out) < limit:
        words = {fold(_POSSESSIVE.sub("", w)) for w in _SINGLE.findall(title or "") if w[:1].isupper()}
        covered = {part for key in out for part in key.split()}
        for key in found:  # body order: the first "Khloe ..." named is the Khloe meant
            parts = [p for p in key.split() if p in words and p not in _STOP]
            if key not in out and parts and not any(p in covered for p in parts):
                out.append(key)
                covered.update(key.split())
    if not out:
        out = list(found)[:2]
    return out[:limit]
