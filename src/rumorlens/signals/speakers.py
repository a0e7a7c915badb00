"""Who is quoted: the full names in running text, and whom '"…," she said' stands for.

A named quote's speaker is cleaned of roles and sentence words (``_named_speaker``). A pronoun
quote's speaker is the person the text named last, by full name or by one word of it, whom the
pronoun fits (``_pronoun_speaker``): the learnt table ``name_pronouns.txt`` says which names take
"he" and which "she". Whether a quote counts as on the record is decided in ``extract``; this
module only says who spoke.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import groupby

from . import lexicon as L
from .outlets import _outlet_of

_PRONOUNS = frozenset({"he", "she", "He", "She"})
_NOT_NAMES = frozenset(
    """The A An But And So When If In On At As This That He She They It We I His Her Their
    Our Then Now Later However Meanwhile According Also Still Yet One Another Some Many
    Sources Source Insiders Insider Fans Friends Everyone Nobody Somebody Someone What Who
    Why How Where There Here Which While After Before Though Although Because Since Instead
    Or Nor For With Without From By To Of Not No Yes Mr Mrs Ms You Your My Me Us Oh Well
    Photos Photo Video Watch Read More Related Click Advertisement Reports Report Rumors
    Article Having Speaking Adding Asked Talking Writing""".split()
)

# A person's name: two to four capitalised words ("Kim Kardashian", "Lamar Odom").
# A surname may have an inner capital after a prefix ("Leonardo DiCaprio", "Matthew McConaughey",
# "Ellen DeGeneres", "Shaquille O'Neal"): without it the whole name was missed.
# So may a given name ("LeAnn Rimes", "LeBron James", "NeNe Leakes", "JoJo Siwa", "KeKe Palmer").
_SURNAME = r"(?:(?:Mc|Mac|De|Di|Da|La|Le|Du|O['’])(?=[A-Z]))?[A-Z][a-z’'.-]+"
_GIVEN_NAME = r"(?:(?:Mc|De|Di|Da|La|Le|Ne|Jo|Ke)(?=[A-Z]))?[A-Z][a-z’'-]+"
_PERSON = re.compile(r"(?<![\w’'])" + _GIVEN_NAME + r"(?:[ \t]+(?:" + _SURNAME + r"|de|van|von|di|da|del|la|le|al|bin)){1,3}(?![\w’'])")


# "Fifty Shades Darker. She": a full stop after a word longer than an initial or "Jr." ends
# the name (the pattern lets "." into name words for "J." and "Jr.").
_SENTENCE_IN_NAME = re.compile(r"(?<=[a-z’'-]{3}\.)\s")


# A pronoun's speaker is guessed from capitalised runs, and shows, films, places, holidays and
# photo agencies are capitalised too ("Keeping Up With The Kardashians", "Puerto Rico", "Getty
# Images"). A run holding one of these words, or a possessive, is not a person; a leading role
# or sentence-opening word is not part of the name ("Boyfriend Wilmer Valderrama", "Soon Pratt").
_NOT_PERSON_WORDS = frozenset(
    """The With Of And For In On At To Up Ups Plus Away Right Day Night Week Weekend Show Party Awards
    Award Images Image Photos History Instagram Twitter Facebook YouTube Snapchat TikTok News Magazine
    Daily Weekly Dish Times Post Entertainment Tonight Live Season Episode Music Records Studios
    Pictures Network Channel Club Festival Hotel Street City County Island Beach Park Center House
    Hospital University College School Church Court Department Police Inc Company Group Foundation
    Palace America American British Rico York Angeles Vegas London Paris Hollywood Christmas
    Thanksgiving Easter Halloween Bowl Grammy Grammys Oscars Oscar Emmy Emmys Globes Golden Rolling
    Kong Grown Housewives Bachelor Bachelorette Idol Voice Talent Games Wars Kingdom Royal Hills Teen Mom
    Universe Moments Living Premium""".split()
)
_NOT_NAME_START = frozenset(
    """Boyfriend Girlfriend Husband Wife Fiance Fiancé Fiancee Fiancée Actress Actor Singer Rapper Model
    Mom Dad Sister Brother Daughter Son Pal Co-star Costar Host Director Producer Designer Former
    Comedian Musician Dancer Attorney Lawyer Publicist Manager Spokesperson Spokeswoman Spokesman
    Soon Last Next Today Yesterday Earlier Recently Finally Eventually Sadly Luckily Unfortunately
    Apparently Reportedly Even Just Only Back Once Both Actually""".split()
)


# Lower-case words a Title Case headline puts between names ("Becca Kufrin Is Engaged").
_FUNCTION_WORDS = frozenset(w.lower() for w in _NOT_NAMES) | frozenset(
    "is are was were be been being has have had says said gets got does did do can could would during into".split()
)


def _not_in_name(token: str) -> bool:
    """A word that is not part of a person's name: a show's, a place's or an ordinary word, or
    a possessive ("Grey’s Anatomy")."""
    if token in _NOT_PERSON_WORDS or token.endswith(("’s", "'s", "’", "'")):
        return True
    word = token.rstrip(".,").lower()
    return word in _FUNCTION_WORDS or word in L.LEARNT_NOT_NAMES


def _person(name: str | None) -> str | None:
    """The last full name in ``name`` (a capitalised run), without a leading role word; else
    None. Words that are never in a name split the run, so "Big Little Lies" and "Says She
    Wants Kids" name nobody and "Becca Kufrin Is Engaged" names Becca Kufrin."""
    runs = [list(words) for in_name, words in groupby((name or "").split(), key=lambda t: not _not_in_name(t)) if in_name]
    for words in reversed(runs):
        while words and words[0] in _NOT_NAME_START:
            words.pop(0)
        if len(words) >= 2:
            return " ".join(words)
    return None


class _OutsideQuotes:
    """Whether positions in ``text[lo:hi]``, asked in order, are outside quotation marks: the
    quote marks since the position's paragraph start are counted on from the position asked
    before it in the same paragraph, not again from the start."""

    def __init__(self, text: str, lo: int) -> None:
        self.text, self.lo = text, lo
        self.para = self.counted = -1
        self.opened = self.closed = self.straight = 0

    def __call__(self, at: int) -> bool:
        text = self.text
        start = max(self.lo, text.rfind("\n", self.lo, at) + 1)
        if start != self.para:
            self.para, self.counted, self.opened, self.closed, self.straight = start, start, 0, 0, 0
        seg = text[self.counted:at]
        self.opened, self.closed, self.straight = self.opened + seg.count("“"), self.closed + seg.count("”"), self.straight + seg.count('"')
        self.counted = at
        return not (self.opened > self.closed or self.straight % 2 == 1)


def _people_in(text: str, lo: int, hi: int) -> list[tuple[str, bool, int]]:
    """The full names mentioned in ``text[lo:hi]``, in order, with names inside quotation marks
    skipped; each with whether it is a photo credit ("Rick Diamond/Getty Images") and where it
    starts."""
    found = []
    outside = _OutsideQuotes(text, lo)
    for m in _PERSON.finditer(text, lo, hi):
        if not outside(m.start()):
            continue
        name = _person(_clean_name(_SENTENCE_IN_NAME.split(m.group())[0]))
        if name:
            found.append((name, text.startswith("/", m.end()), m.start()))
    return found


_CAPITAL_WORD = re.compile(r"(?<![\w’'.-])(?:Mc|Mac|De|Di|La|Le|O['’])?[A-Z][a-z’'-]*[a-z]")
# One word of a name standing alone ("Reynolds hit back", "DeGeneres then joked"): not inside
# another word, not a possessive ("Timberlake’s bestie"), not followed by more of a name
_ALONE_AFTER = re.compile(r"(?![\w-])(?!['’‘]s\b)(?![ \t]+[A-Z])")
# What comes before a mention that opens a sentence or a clause, where news writing puts the
# person it has introduced ("DeGeneres then joked", "Meanwhile, Kim said"), not an object
# ("now that he's dating Patrick, 36")
_CLAUSE_END = frozenset(".!?”\"’\n,;:")


def _mentioned_in(text: str, lo: int, hi: int, people: list[tuple[str, bool, int]], also: Sequence[str]) -> list[tuple[str, bool, int, bool]]:
    """``people`` (``_people_in`` of ``text[lo:hi]``) with the places where one of them, or of
    ``also`` (names known from elsewhere: the headline's, the last named speaker), is named by one
    word alone ("Reynolds hit back" after "Ryan Reynolds"), as that full name, all in order; the
    last field says which of those one-word mentions open a sentence or clause (the text's
    subject, most likely). A word two of them share ("Kardashian") names nobody; possessives and
    words inside quotation marks are not mentions."""
    owner: dict[str, str | None] = {}
    for full in [p[0] for p in people if not p[1]] + [a for a in also if a]:
        words = full.split()
        while len(words) > 2 and words[-1].lower() in _HEADLINE_VERBS:  # "Demi Lovato Celebrates"
            words.pop()
        while len(words) > 2 and (words[0] in _HEADLINE_ROLES or words[0].endswith("ing")):  # "'Teen Mom OG' Star Amber Portwood", "Revisiting Hugh Hefner"
            words.pop(0)
        full = " ".join(words)
        for w in {words[0], words[-1]}:
            if w not in _NOT_NAME_START and not _not_in_name(w):
                owner[w] = _same_person(owner.get(w, full), full)
    full_names = [(*p, False) for p in people]
    found = []  # each owned word where it stands alone (str.find: far cheaper than a regex over every position)
    for word, full in owner.items():
        at = text.find(word, lo, hi) if full is not None else -1
        while at >= 0:
            end = at + len(word)
            if (at == 0 or not (text[at - 1].isalnum() or text[at - 1] in "_’'.-")) and _ALONE_AFTER.match(text, end):
                found.append((at, full))
            at = text.find(word, end, hi)
    if not found:
        return full_names
    found.sort()
    outside = _OutsideQuotes(text, lo)
    short = [(full, False, at, _opens_clause(text, at)) for at, full in found if outside(at)]
    return sorted(full_names + short, key=lambda p: p[2])


def _same_person(a: str | None, b: str) -> str | None:
    """The name for both when ``a`` and ``b`` are one person's ("Shawniece Jackson" in a credit
    line "Courtesy Shawniece Jackson"): the shorter; None for two people or none."""
    if a is None:
        return None
    if a == b or f" {a}" in f" {b}":
        return a
    return b if f" {b}" in f" {a}" else None


def _opens_clause(text: str, at: int) -> bool:
    before = text[max(0, at - 3):at].rstrip(" \t")
    return not before or before[-1] in _CLAUSE_END


# Title Case headline verbs a name run swallows ("Kim Kardashian Opens Up"), trimmed when a
# pronoun's speaker is named. (Not when counting quotes: the shipped model reads those as is.)
_HEADLINE_VERBS = frozenset(
    """opens celebrates slams talks gushes confirms responds addresses breaks claps debuts announces
    defends reacts explains posts poses goes makes wants thanks praises mourns honors honours jokes
    recalls returns stuns flaunts shows dishes details teases hints sparks fires hits blasts shades
    throws files drops leaves joins splits weds marries dates kisses cuddles reunites steps looks
    rocks wears sings performs speaks shuts cries""".split()
)


_HEADLINE_ROLES = frozenset("Star Alum Singer Actress Actor Rapper Host Model".split())


def _fitting_person(people: list[tuple], pronoun: str, known_only: bool = False) -> str | None:
    """Who of ``people`` (``_people_in`` or ``_mentioned_in``, in order) "he" or "she" stands
    for. Three kinds fit: a name known to take the pronoun; a name the learnt table does not know
    that the text treats as a person, naming it by one word at the start of a sentence or clause
    ("Beletsky says"); and any other name it does not know (often a capitalised run that is no
    name at all: "Full Summary Edit", "Red Sparrow"). The last of the first two kinds is the
    speaker; only when there is no known one, the last of the other two. ``known_only``: a known
    name or nobody. Photo credits are never the speaker."""
    known = vouched = other = (-1, None)
    for at, (name, credit, *rest) in enumerate(people):
        if credit:
            continue
        while len(name.split()) > 2 and name.rsplit(None, 1)[1].lower() in _HEADLINE_VERBS:
            name = name.rsplit(None, 1)[0]  # "Demi Lovato Celebrates"
        takes = _known_pronoun(name)
        if takes == pronoun:
            known = (at, name)
        elif takes is None:
            if rest[1:2] == [True]:
                vouched = (at, name)
            else:
                other = (at, name)
    if known_only:
        return known[1]
    return max(known, vouched)[1] if known[1] else max(vouched, other)[1]


def _known_pronoun(name: str) -> str | None:
    """"he" or "she" for a name the learnt table knows (the full name decides, else the first
    name: "Taylor" is both, "Taylor Swift" is not); None for a name it does not know."""
    return L.NAME_PRONOUNS.get(name) or L.NAME_PRONOUNS.get(name.split()[0])


def _pronoun_fits(name: str, pronoun: str) -> bool:
    """Can "he" or "she" stand for ``name``? A name the table does not know fits either."""
    return _known_pronoun(name) in (None, pronoun)


@lru_cache(maxsize=256)
def _headline_people(headline: str) -> list[tuple[str, bool, int]]:
    """``_people_in`` of a headline, read once for all the pronoun quotes of its story."""
    return _people_in(headline, 0, len(headline))


def _pronoun_speaker(text: str, pronoun: str, para: int, opening: int, people: list[tuple[str, bool, int]] | None,
                     last_named: str | None) -> str | None:
    """Who '"…," she said' is: the last named speaker if the paragraphs before the quote
    (``text[para:opening]``, whose ``_people_in`` are ``people`` if already read) still talk
    about them, unless a sentence or clause since opens with one word of another person's name
    whom the pronoun fits ("DeGeneres then joked … she said" after Justin Timberlake spoke);
    else the last person named there, by full name or by one word of it ("Reynolds hit back"),
    whom the pronoun fits; else the last named speaker, else the last name earlier in the
    article known to take the pronoun, else the headline's."""
    headline_end = text.find("\n", 0, para) if para > 0 else -1

    def headline() -> list[tuple[str, bool, int]]:
        return _headline_people(text[:headline_end]) if headline_end > 0 else []

    if last_named and _pronoun_fits(last_named, pronoun):
        last_word = last_named.split()[-1]
        at = text.rfind(last_word, para, opening)
        if at >= 0:
            # A full name since is as often an object ("broke into a James Brown impression")
            # and most capitalised words are none: who the window introduced is read only when
            # one might be a person's name.
            after = at + len(last_word)
            if not any(not _not_in_name(w) and w not in _NOT_NAME_START for w in _CAPITAL_WORD.findall(text, after, opening)):
                return last_named
            window = people if people is not None else _people_in(text, para, after)
            introduced = [p[0] for p in (*headline(), *window) if not p[1]]
            later = [p for p in _mentioned_in(text, after, opening, _people_in(text, after, opening), introduced) if p[3]]
            return _fitting_person(later, pronoun) or last_named
    if people is None:
        people = _people_in(text, para, opening)
    who = _fitting_person(_mentioned_in(text, para, opening, people, [last_named or "", *(p[0] for p in headline() if not p[1])]), pronoun)
    if who is None and last_named and _pronoun_fits(last_named, pronoun):
        who = last_named
    if who is None and para > 0:
        # earlier in the article only a name known to take the pronoun (capitalised runs there
        # are as often shows and page furniture), else the headline's
        who = _fitting_person(_people_in(text, 0, para), pronoun, known_only=True)
        if who is None and headline_end > 0:
            who = _fitting_person(headline(), pronoun)
    return who


def _clean_name(name: str) -> str | None:
    toks = name.split()
    while toks and toks[0].rstrip(".,") in _NOT_NAMES:
        toks.pop(0)
    if not toks:
        return None
    name = " ".join(toks).rstrip(".,")
    if _outlet_of(name):
        return None
    return name or None


def _named_speaker(name: str) -> str | None:
    """A named quote's speaker as a reader should see it: cut at a sentence end ('…," says
    Hart. Little Fires Everywhere' is Hart's), without a leading role, place or ordinary word
    while a full name remains ("Actor George Takei", "Hubby Eric Decker"). Organisations stay
    whole: "Kensington Palace added" is on the record."""
    speaker = _clean_name(_SENTENCE_IN_NAME.split(name)[0])
    toks = speaker.split() if speaker else []
    while len(toks) > 2 and (toks[0] in _NOT_NAME_START or _not_in_name(toks[0])):
        toks.pop(0)
    return " ".join(toks) or None
