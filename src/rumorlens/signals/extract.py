"""Cue extractors: a handful of compiled regexes, each returning exact character spans.

Every ``Signal`` returned satisfies ``text[s.start:s.end] == s.text``. Speed matters (the
product scores >1000 articles/s), so patterns are anchored on cheap literal prefixes (a quote
mark, a determiner, a first-letter trie) and context checks run only on the few hits.
"""

from __future__ import annotations

import re

from ..verdict import SIGNAL_KINDS, Signal
from . import lexicon as L
from .outlets import _OUTLET_EXACT, _outlet_of, _outlet_ok
from .patterns import _norm, trie_pattern
from .speakers import _NOT_NAMES, _PRONOUNS, _named_speaker, _people_in, _pronoun_speaker

# The kinds found in the text itself; outlet_record, person_record and debunk_match come from the
# Judge's memory, similar_story from the model's story memory (none is a signal feature).
SIGNAL_KINDS_FOUND = tuple(k for k in SIGNAL_KINDS if k not in ("outlet_record", "person_record", "debunk_match", "similar_story"))

# Default prior weights (> 0 points to fake). The model may overwrite them.
WEIGHTS = {
    "anonymous_source": 0.6,
    "on_record_quote": -0.4,
    "on_record_quote_pronoun": -0.2,
    # A reported denial or debunk is Gossip Cop's own argument that a story is false: in the
    # training data 39% of articles reporting one are fake against 20% without.
    "denial": 0.5,
    "hedge": 0.3,
    "question_title": 0.4,
    "sensational": 0.3,
    "caps": 0.2,
    "bang": 0.3,
    "outlet_tabloid": 0.3,
    "outlet_other": -0.1,
    "outlet_gossip_cop": 0.6,  # articles naming Gossip Cop were fake 96% of the time (train)
}


# -- lexicon: hedge / sensational / denial / private / public, anonymous nouns --------------
_LEX_KINDS: dict[str, set[str]] = {}
for _kind, _words in (
    ("hedge", L.HEDGE_PHRASES),
    ("sensational", L.SENSATIONAL_WORDS),
    ("denial", L.DENIAL_PHRASES),
    ("private", L.PRIVATE_WORDS),
    ("public", L.PUBLIC_WORDS),
    ("anon", L.ANON_NOUNS),
    ("anon_generic", L.GENERIC_PEOPLE),
    ("learned", L.LEARNED_VERBS),
    ("told_us", L.TOLD_US_PHRASES),
    ("hears", ("hears",)),
):
    for _w in _words:
        _LEX_KINDS.setdefault(_norm(_w), set()).add(_kind)
_LEX_KIND_TUPLES = {k: tuple(sorted(v)) for k, v in _LEX_KINDS.items()}

_BANGS = ("!!", "?!", "!?")
_BANG = re.compile(r"[!?]*")
# -- building blocks --------------------------------------------------------------------------
_WORD = r"[\w’'-]+"
_NAME_TOK = r"[A-Z][\w’'.-]*"
_NAME = _NAME_TOK + r"(?:[ \t]+(?:" + _NAME_TOK + r"|de|van|von|di|da|del|la|le|al|bin))" + r"{0,3}"
_VERB = "(?:" + trie_pattern(L.SAY_VERBS) + ")"
_TELL = "(?:" + trie_pattern(L.TELL_VERBS) + ")"
_QVERB = "(?:" + trie_pattern(L.QUOTE_VERBS) + ")"
_ANON_NOUN = "(?:" + trie_pattern(L.ANON_NOUNS) + ")"
_REP_NOUN = "(?:" + trie_pattern(L.REP_NOUNS) + ")"
_DET = "(?:" + trie_pattern(L.ANON_DETERMINERS) + ")"
_ADV = r"(?:(?i:now|also|exclusively|recently|previously|further|even|reportedly|later|then|allegedly|apparently|once|just|has|have|had)\s+)"  # "a source EXCLUSIVELY told"
_MEDIA_NOUN = r"(?:magazine|mag|publication|outlet|tabloid|newspaper|paper|site|website|webloid|weekly|network|station|show|programme|program|reporters?|us|me|him|her|them|Us)"
# what someone told: an outlet ("Britain's Heat magazine", "RadarOnline.com", "the publication")
_OBJ = (
    r"(?:(?:the|a|an|this|our|their)\s+(?:[\w’'.!&-]+\s+){0,3}?" + _MEDIA_NOUN + r"\b"
    r"|(?:[A-Z][\w’'.!&-]*\s+){0,3}?(?:magazine|mag|Magazine|Weekly)\b"
    r"|(?:us|me)\b"
    r"|(?:the\s+)?[A-Z][\w’'&-]*(?:\.com\b|\.net\b|\.co\.uk\b|!)?(?:[ \t]+(?:&[ \t]+)?[A-Z][\w’'&-]*(?:\.com\b|!)?){0,3})"
)
_QUAL = (
    r"(?:,?\s+(?:(?:(?:who\s+is\s+|who['’]s\s+|who\s+are\s+)?(?:very\s+|extremely\s+)?close\s+to|familiar\s+with|near\s+to|near|connected\s+to|"
    r"with\s+(?:direct\s+)?knowledge\s+of|knowledgeable\s+about|briefed\s+on|who\s+knows?|who\s+(?:has|have)\s+(?:spoken|talked)\s+(?:to|with)|"
    r"in\s+the\s+know|inside|within|on\s+the\s+set\s+of|of|for|from|at|to)"
    r"(?:\s+(?:the|her|his|their|both|a|an)){0,2}(?:\s+[\w’'.-]+?){1,3}?"
    # complete on their own: "who spoke on condition of anonymity", "in her inner circle"
    r"|who\s+(?:spoke|asked|requested|declined|wished)\b[^,.\n]{0,40}?\b(?:anonymity|named|identified)"
    r"|in\s+(?:the\s+)?(?:[\w’'.-]+\s+){0,2}?(?:inner\s+)?circle)(?=[,\s]))"
)
# A plain word for people ("a person", "those") is an unnamed source only with one of these in
# its qualifier.
_SOURCE_QUAL = re.compile(
    r"(?i:\b(?:close\s+to|familiar\s+with|knowledge\s+of|knowledgeable|briefed|in\s+the\s+know|connected\s+to|"
    r"inner\s+circle|camp|entourage|who\s+knows?|spoken|talked|anonymity|named|identified|inside)\b)"
)
# the first word of such a qualifier, matched where the word for people ends (cheap: anchored)
_GENERIC_NEXT = re.compile(r"\s+(?i:close|familiar|with|knowledgeable|briefed|in|connected|who|inside|of|very)\b")
# Plural sources need no determiner ("Sources say", "People close to the star say").
_NO_DETERMINER_NEEDED = frozenset({"sources", "insiders", "people close"})
# Nor do plural friends and family ("Friends of the couple say", "Pals say", "Close friends
# say"), but written with a capital only where a sentence starts: "the Friends cast" is a show.
_BARE_PLURALS = frozenset({"friends", "pals", "confidants", "confidantes", "relatives", "family members",
                           "onlookers", "eyewitnesses", "aides", "staffers", "associates"})
# words before a bare plural that belong in its span: "Close friends say", "Our sources say"
_PLURAL_ADJ_BEFORE = re.compile(r"(?:^|(?<=[\s“\"(‘]))(?i:(?:our|her|his|their)\s+)?"
                                r"(?i:(?:close|longtime|long-time|mutual|old|unnamed|anonymous|trusted)\s+)?$")
# "We hear you", "we're told to stay home": not what the outlet was told
_NOT_TOLD_US = re.compile(r"\s+(?i:you|to|it|from|about|nothing|him|them)\b")
_THAT_AT_END = re.compile(r"\s+that$", re.I)
_PUNCT_NEXT = re.compile(r"\s*[!?.,;:)]")
# "Star reports, citing a source, that…", "which cited an unnamed insider"
_CITING_BEFORE = re.compile(r"(?i:\b(?:citing|cited|quoting|quoted)\s+)$")
# Anonymous sources are found from their noun ("source", "insider", "pal"...): a determiner
# up to three words before it ("a Kardashian family insider") and a verb of saying after it
# ("... told Britain's Heat magazine", "... close to the star have now claimed").
_DET_BEFORE = re.compile(
    r"(?:^|(?<=[\s“\"(‘]))(?P<det>(?i:" + _DET + r"))\s+(?:" + _WORD + r"\s+){0,3}?$"
)
_ACCORDING_BEFORE = re.compile(
    r"(?:^|(?<=[\s“\"(‘]))(?i:according)\s+to\s+(?:(?i:" + _DET + r")\s+)?(?:" + _WORD + r"\s+){0,2}?$"
)
_ANON_TAIL = re.compile(
    r"(?P<qual>" + _QUAL + r")??,?\s+" + _ADV + r"{0,2}"
    r"(?:(?P<tell>" + _TELL + r")(?:\s+(?P<obj>" + _OBJ + r"))?|(?P<verb>" + _VERB + r")(?:\s+to\s+(?P<obj2>" + _OBJ + r"))?)(?![\w’'-])"
)
_ACC_TAIL = re.compile(_QUAL)
# "RadarOnline.com has learned", "we have learned", "In Touch has exclusively learned"
_LEARNED_BEFORE = re.compile(
    r"(?:^|(?<=[\s“\"(‘]))(?P<who>(?:[A-Z][\w.!&’'-]*\s+){0,2}[A-Z][\w.!&’'-]*|[Ww]e|[Ii]t)\s+"
    r"(?:has|have|['’]ve)\s+(?:(?:exclusively|also|now)\s+)?$"
)

# ``"...," NAME said [to OUTLET]`` and ``"...," said NAME``
_POST = re.compile(
    r"(?:”|(?<=\S)\")[ \t]*,?[ \t]*(?:"
    r"(?P<rep>(?i:a|an|the|his|her|their)\s+(?i:" + _REP_NOUN + r")(?:\s+(?:for|to|of)\s+(?:the\s+)?" + _NAME + r")?)"
    r"|(?P<name>(?:she|he)(?![\w’'-])|" + _NAME + r")(?:,\s+(?P<role>[^,\n\"“”]{2,60}),)?"
    r")\s+" + _ADV + r"{0,2}(?P<verb>" + _QVERB + r")(?![\w’'-])"
    r"(?P<obj>\s+(?:to\s+)?" + _OBJ + r")?"
    r"|(?:”|(?<=\S)\")[ \t]*,?[ \t]*(?P<verb2>said|says|added|adds|explained|explains|continued|wrote|told|tells|insisted|recalled|recalls|admitted|admits)"
    r"\s+(?P<name2>(?:(?i:a|an|the|his|her|their)\s+(?i:" + _REP_NOUN + r")(?:\s+(?:for|to|of)\s+(?:the\s+)?" + _NAME + r")?)|" + _NAME + r")"
)
# ``NAME told People: "...`` — anchored on the opening quote, matched backwards in a window
_PRE_ANCHOR = re.compile(r"[:,]\s*[“\"]")
_PRE = re.compile(
    r"(?:(?<=[\s(])|^)(?P<name>(?:(?i:a|an|the|his|her|their)\s+(?i:" + _REP_NOUN + r")(?:\s+(?:for|to|of)\s+(?:the\s+)?" + _NAME + r")?)|" + _NAME + r")"
    r"\s+" + _ADV + r"{0,2}(?P<verb>" + _QVERB + r")(?![\w’'-])(?P<obj>\s+(?:to\s+)?" + _OBJ + r")?"
    r"(?:\s+(?:in|on|during|at|to|with)\s+[^:,\"“”\n]{1,60})?\s*$"
)
# Denial words that deny no story: an idiom ("there's no denying", "neither confirming nor
# denying"), the second half of a compound ("no-nonsense"), or "denied" as a passive with no one
# denying (in dev: a request to dismiss, visas, a trademark, surgery; "the report was denied by
# her rep" and "has been debunked" still count).
_NOT_A_DENIAL_BEFORE = re.compile(r"(?i:\bno\s+|\bconfirm(?:ing|ed|s)?\s+n?or\s+|-)$")
_PASSIVE_BEFORE = re.compile(r"(?i:\b(?:was|were|been|being|be|is|are)\s+)$")
_BY_AFTER = re.compile(r"\s+by\b")
_REP_LOOKBACK = re.compile(r"(?i:\b(?:rep|reps|representative|spokesperson|spokesman|spokeswoman|publicist|lawyer|attorney)\b)")

# One scan finds every lexicon word, outlet name and ALL-CAPS word; it only tries matches
# right after whitespace/quote/bracket characters (a cheap charset prefix), which is what
# keeps the whole extractor at a fraction of a millisecond per article.
_SURFACE = set()
for _w in _LEX_KINDS:
    _SURFACE.add(_w)
    _SURFACE.add(_w[0].upper() + _w[1:])
_SURFACE.update(_OUTLET_EXACT)
_SURFACE_KINDS = {w: _LEX_KIND_TUPLES[_norm(w)] for w in _SURFACE if _norm(w) in _LEX_KIND_TUPLES}
_MASTER = re.compile(
    r"[\s“\"(‘'/—–\-\[*…]((?:" + trie_pattern(_SURFACE) + r")|[A-Z]{4,})(?![\w&-])(?!['’](?!s(?!\w))\w)"
)
# Words whose trailing period is not a sentence end ("Ms. Gomez", "Dr. Dre", "J. Lo").
_ABBREV = frozenset("Mr Mrs Ms Dr St Jr Sr Mt Prof Sen Rep Gov Lt Col Gen Capt Sgt vs Vs No U.S U.K".split())


def _is_boundary(text: str, dot: int) -> bool:
    """Is ``text[dot:dot + 2] == ". "`` a sentence break (a capital follows, not an abbreviation)?"""
    j = dot + 1
    while j < len(text) and text[j] in " \t":
        j += 1
    if j >= len(text) or not text[j].isupper():
        return False
    w = dot
    while w > 0 and not text[w - 1].isspace():
        w -= 1
    word = text[w:dot].lstrip("(“\"‘")
    return not (word in _ABBREV or (len(word) == 1 and word.isupper()))


def _sentence_start(text: str, lo: int, pos: int) -> int:
    """Where the sentence holding ``pos`` starts, but not before ``lo``: spans never cross a
    newline or a ". " followed by a capital."""
    lo = max(lo, text.rfind("\n", lo, pos) + 1)
    dot = text.rfind(". ", lo, pos)
    while dot >= 0:
        if _is_boundary(text, dot):
            j = dot + 1
            while text[j] in " \t":
                j += 1
            return j
        dot = text.rfind(". ", lo, dot)
    return lo


def _sentence_end(text: str, pos: int, hi: int) -> int:
    """Where the sentence holding ``pos`` ends, but not after ``hi``."""
    nl = text.find("\n", pos, hi)
    if nl >= 0:
        hi = nl
    dot = text.find(". ", pos, hi)
    while dot >= 0:
        if _is_boundary(text, dot):
            return dot
        dot = text.find(". ", dot + 1, hi)
    return hi


def _sig(text, kind, start, end, weight, note, speaker=None, outlet=None) -> Signal:
    # strip whitespace/punctuation at the edges so spans are tight
    while end > start and text[end - 1] in " \t\n,.;:":
        end -= 1
    while start < end and text[start] in " \t\n":
        start += 1
    return Signal(kind, text[start:end], start, end, float(weight), note, speaker, outlet)


def _outlet_signal(text: str, s: int, e: int, canon: str) -> Signal:
    if canon == "Gossip Cop":
        w, note = WEIGHTS["outlet_gossip_cop"], "cites Gossip Cop"
    elif canon in L.TABLOID_OUTLETS:
        w, note = WEIGHTS["outlet_tabloid"], f"cites tabloid {canon}"
    else:
        w, note = WEIGHTS["outlet_other"], f"cites {canon}"
    return _sig(text, "cited_outlet", s, e, w, note, outlet=canon)


def _nearby_outlet(spans, pos: int, text: str, limit: int = 90) -> str | None:
    """The first cited outlet after ``pos`` in the same sentence (within ``limit`` chars)."""
    for s, e, canon in spans:
        if s < pos:
            continue
        if s - pos > limit:
            return None
        gap = text[pos:s]
        if "\n" in gap or ". " in gap or "“" in gap or '"' in gap:
            return None
        return canon
    return None


def _rep_speaker(phrase: str) -> str:
    toks = phrase.split(None, 1)
    return toks[1] if len(toks) > 1 else phrase


def _quote_before(text: str, close: int) -> str:
    """The quoted text ending at the closing quote mark at ``close``."""
    lo = max(0, close - 1500)
    o = max(text.rfind("“", lo, close), text.rfind('"', lo, close), text.rfind("\n", lo, close))
    return text[o + 1:close] if o >= 0 else text[lo:close]


def _is_denial(s: str) -> bool:
    for m in _MASTER.finditer(" " + s):
        if "denial" in _LEX_KIND_TUPLES.get(_norm(m.group(1)), ()):
            return True
    return False


_REP_DET = re.compile(r"(?i:a|an|the|his|her|their)\s")


def analyse_spans(text: str) -> tuple[list[Signal], dict]:
    """All signals plus the raw tallies ``features`` needs."""
    out: list[Signal] = []
    stats = {"private": 0, "public": 0, "caps": 0, "speakers": set(), "outlets": set(),
             "tabloid_outlets": 0, "other_outlets": 0, "rep": 0, "gossip_cop": 0,
             "question_title": 0}
    append = out.append

    # title line is a question
    nl = text.find("\n")
    title = text[:nl if nl >= 0 else len(text)].rstrip()
    if len(title) > 1 and title.endswith("?"):
        # the span is the "?" and at most three words before it, not the whole headline
        s = len(title) - 1
        for _ in range(3):
            k = s
            while k > 0 and title[k - 1] in " \t":
                k -= 1
            if k == 0 or title[k - 1].isspace():
                break
            while k > 0 and not title[k - 1].isspace():
                k -= 1
            s = k
        append(_sig(text, "hedge", s, len(title), WEIGHTS["question_title"], "question headline"))
        stats["question_title"] = 1

    spans: list[tuple[int, int, str]] = []  # cited outlets
    anon_hits: list[tuple[int, int, str]] = []
    learned_hits: list[tuple[int, int]] = []
    told_hits: list[tuple[int, int, str | None]] = []  # the outlet's own "we're told", "Page Six hears"
    gossip_cop_at: list[int] = []
    # the master scan (on " " + text so the first word has a prefix character)
    for m in _MASTER.finditer(" " + text):
        w = m.group(1)
        s, e = m.start(1) - 1, m.end(1) - 1
        hit = _OUTLET_EXACT.get(w) or _OUTLET_EXACT.get(" ".join(w.split()))
        if hit:
            canon, needs_ctx = hit
            if not needs_ctx or _outlet_ok(text, s, e, w):
                spans.append((s, e, canon))
                append(_outlet_signal(text, s, e, canon))
                if canon == "Gossip Cop":
                    gossip_cop_at.append(s)
                continue
        kinds = _SURFACE_KINDS.get(w) or _LEX_KIND_TUPLES.get(_norm(w))
        if not kinds:
            if w.isupper() and w not in L.CAPS_STOPLIST and len(w) >= 4:
                stats["caps"] += 1
                append(_sig(text, "sensational", s, e, WEIGHTS["caps"], "all-caps word"))
            continue
        for k in kinds:
            if k == "private":
                stats["private"] += 1
            elif k == "public":
                stats["public"] += 1
            elif k == "hedge":
                append(_sig(text, "hedge", s, e, WEIGHTS["hedge"], f"hedged claim: {w.lower()}"))
            elif k == "sensational":
                append(_sig(text, "sensational", s, e, WEIGHTS["sensational"], f"loaded word: {w.lower()}"))
            elif k in ("anon", "anon_generic"):
                anon_hits.append((s, e, w, k == "anon_generic"))
            elif k == "learned":
                learned_hits.append((s, e))
            elif k == "told_us":
                if not _NOT_TOLD_US.match(text, e) and not (_THAT_AT_END.search(w) and _PUNCT_NEXT.match(text, e)):  # "We hear that!"
                    told_hits.append((s, s + len(_THAT_AT_END.sub("", w)), None))  # the span ends on "hear"
            elif k == "hears" and spans and spans[-1][1] <= s and not text[spans[-1][1]:s].strip():
                told_hits.append((spans[-1][0], e, spans[-1][2]))  # "Page Six hears": the outlet heard it from somebody
            elif k == "denial":
                if _NOT_A_DENIAL_BEFORE.search(text, max(0, s - 24), s) or (
                        w.lower() == "denied" and _PASSIVE_BEFORE.search(text, max(0, s - 12), s) and not _BY_AFTER.match(text, e)):
                    continue  # "there's no denying", "no-nonsense", "her request was denied": no story denied
                ds = s
                lo = max(0, s - 100, text.rfind("\n", 0, s) + 1, text.rfind(". ", 0, s) + 2)
                r = _REP_LOOKBACK.search(text, lo, s)
                note = "reports a denial"
                if r:  # "a rep for the star told us the story is false"
                    d = text.rfind(" ", max(lo, r.start() - 12), r.start())
                    ds = r.start() if d < 0 else d + 1
                    note = "spokesperson denies the story"
                append(_sig(text, "denial", ds, e, WEIGHTS["denial"], note))

    # stacked punctuation: !! ?! !?
    for b in _BANGS:
        i = text.find(b)
        while i >= 0:
            j = _BANG.match(text, i).end()
            if i == 0 or text[i - 1] not in "!?":
                append(_sig(text, "sensational", i, j, WEIGHTS["bang"], "stacked punctuation"))
            i = text.find(b, j)

    spans.sort()
    for _, _, canon in spans:
        stats["outlets"].add(canon)
        if canon == "Gossip Cop":
            stats["gossip_cop"] += 1
        elif canon in L.TABLOID_OUTLETS:
            stats["tabloid_outlets"] += 1
        else:
            stats["other_outlets"] += 1

    # Gossip Cop's own verdicts ("Gossip Cop contested the claim")
    for i in gossip_cop_at:
        m = _GC.match(text, i)
        if m:
            append(_sig(text, "denial", m.start(), m.end(), WEIGHTS["denial"], "Gossip Cop disputes the story", outlet="Gossip Cop"))

    # anonymous sources, anchored on their noun
    anon_spans: list[tuple[int, int]] = []
    for s, e, noun, generic in anon_hits:  # generic: "a person", "those", only with a qualifier that says so
        nl_ = " ".join(noun.lower().split())
        if generic and not _GENERIC_NEXT.match(text, e):
            continue  # most "people" and "those" are just people: skip them cheaply
        lo = _sentence_start(text, max(0, s - 48), s)
        start = None
        mt = None
        d = _ACCORDING_BEFORE.search(text, lo, s)
        if d:
            start = d.start()
            mt = _ACC_TAIL.match(text, e)
            if generic and not (mt and _SOURCE_QUAL.search(mt.group())):
                continue
            end = mt.end() if mt else e
            mt = None
        else:
            d = _DET_BEFORE.search(text, lo, s)
            citing = None
            if not generic and (d is not None or nl_ in ("sources", "insiders")):
                citing = _CITING_BEFORE.search(text, lo, d.start() if d is not None else s)
            if citing is not None:
                # "citing a source", "which cited an unnamed insider": no verb of its own
                q = _ACC_TAIL.match(text, e)
                start, end = citing.start(), q.end() if q else e
            else:
                bare = d is None and not generic
                if bare and nl_ not in _NO_DETERMINER_NEEDED and not (
                        nl_ in _BARE_PLURALS and (noun[0].islower() or s == lo)):
                    continue
                mt = _ANON_TAIL.match(text, e)
                if not mt:
                    continue
                if bare and nl_ in _BARE_PLURALS and (mt.group().startswith(",") or (mt.group("verb") or "").endswith("ing")):
                    continue  # "more than friends, telling MTV News", "texts from friends saying…": not their claim
                verb_at = mt.start("tell") if mt.group("tell") else mt.start("verb")
                if _sentence_end(text, e, verb_at) < verb_at:
                    continue  # "…with close friends of Harry. A source also revealed": the verb is the next sentence's
                if generic and not (mt.group("qual") and _SOURCE_QUAL.search(mt.group("qual"))):
                    continue
                start = d.start() if d else s
                if bare:
                    start = _PLURAL_ADJ_BEFORE.search(text, lo, s).start()
                end = mt.end()
        end = min(end, _sentence_end(text, e, end))
        if anon_spans and start < anon_spans[-1][1]:
            continue
        outlet = None
        if mt is not None:
            g = "obj" if mt.group("obj") else "obj2"
            obj = mt.group(g)
            outlet = _outlet_of(obj) if obj and mt.start(g) < end else None
        if outlet is None:
            outlet = _nearby_outlet(spans, end, text, 40)
        note = "unnamed " + " ".join(noun.lower().split()) + (f" via {outlet}" if outlet else "")
        sig = _sig(text, "anonymous_source", start, end, WEIGHTS["anonymous_source"], note, outlet=outlet)
        append(sig)
        anon_spans.append((sig.start, sig.end))
    for s, e in learned_hits:
        m = _LEARNED_BEFORE.search(text, _sentence_start(text, max(0, s - 60), s), s)
        if not m:
            continue
        who = m.group("who")
        start = m.start()
        toks = who.split()
        if len(toks) > 1 and toks[0] in _NOT_NAMES:  # "But RadarOnline.com has learned"
            start += who.index(toks[1])
        outlet = _outlet_of(who)
        append(_sig(text, "anonymous_source", start, e, WEIGHTS["anonymous_source"],
                    "outlet cites what it has learned from unnamed people", outlet=outlet))
        anon_spans.append((start, e))
    for s, e, outlet in told_hits:
        if any(a < e and s < b for a, b in anon_spans):
            continue
        append(_sig(text, "anonymous_source", s, e, WEIGHTS["anonymous_source"],
                    "outlet cites what it was told by unnamed people", outlet=outlet))
        anon_spans.append((s, e))

    # on-record quotes after a closing quote mark: "...," Jenner told People.
    last_named: str | None = None
    quote_spans: list[tuple[int, int]] = []
    closers = []
    for qc in ("”", '"'):
        i = text.find(qc)
        while i >= 0:
            closers.append(i)
            i = text.find(qc, i + 1)
    closers.sort()
    for qi in closers:
        m = _POST.match(text, qi)
        if not m:
            continue
        rep = m.group("rep")
        name = m.group("name") or m.group("name2")
        g = "rep" if rep else ("name" if m.group("name") else "verb2")
        a_start, a_end = m.start(g), m.end()
        if any(s <= a_start < e for s, e in anon_spans):
            continue
        obj = m.group("obj")
        outlet = _outlet_of(obj) if obj else None
        if obj and not outlet and g == "name" and not re.match(r"\s+(?:to\s+)?(?:the|a|an|us)\b", obj):
            a_end = m.start("obj")  # "…," Kim told Kanye: keep the span on the verb
        if outlet is None:
            outlet = _nearby_outlet(spans, m.end(), text)
        speaker = None
        if rep or (name and _REP_DET.match(name)):
            speaker = _rep_speaker(rep or name)
            stats["rep"] += 1
            if _is_denial(_quote_before(text, qi)):
                append(_sig(text, "denial", a_start, a_end, WEIGHTS["denial"], f"{speaker} denies the story", speaker=speaker, outlet=outlet))
                continue
        elif name:
            if name.split()[0] in _PRONOUNS:
                # '"…," she said': the speaker is someone named before the quote whom the
                # pronoun fits (_pronoun_speaker). With an outlet ("she told People") it is on
                # the record even when nobody can be named; without one it counts only when a
                # full name or a named speaker comes before it, and not when the nearest
                # attribution before it is an unnamed source's (that "she" may be the source).
                after_source = max((e for _, e in anon_spans if e <= qi), default=-1) > max((e for _, e in quote_spans if e <= qi), default=-1)
                if outlet is None and after_source:
                    continue
                close = _quote_before(text, qi)
                opening = qi - len(close) - 1
                # look back ~600 chars, from a paragraph start so quote marks pair up
                para = text.rfind("\n", 0, max(opening - 600, 0)) + 1
                window = text[para:max(opening, para)]
                # Whether it counts as on the record: someone is named before it (the last named
                # speaker if the window still talks about them, else the last full name in it).
                # Who it is: the same, among the names the pronoun fits ("she" is not Brad Pitt).
                people = None  # read only when needed: most pronoun quotes follow a named one
                if last_named and last_named.split()[-1] in window:
                    named = last_named
                else:
                    people = _people_in(text, para, max(opening, para))
                    named = (people[-1][0] if people else None) or last_named
                if outlet is not None or named:
                    who = _pronoun_speaker(text, name.split()[0].lower(), para, max(opening, para), people, last_named)
                    note = f"quote attributed (by pronoun) to {who}" if who else "quote attributed by pronoun"
                    append(_sig(text, "on_record_quote", a_start, a_end, WEIGHTS["on_record_quote_pronoun"],
                                note + (f" via {outlet}" if outlet else ""), speaker=who, outlet=outlet))
                    quote_spans.append((a_start, a_end))
                continue
            speaker = _named_speaker(name)
            if speaker and g == "name" and not name.startswith(speaker):
                a_start += name.find(speaker.split()[0])  # "But Twitter confirmed" -> "Twitter confirmed"
        if not speaker:
            continue
        last_named = speaker
        stats["speakers"].add(speaker)
        append(_sig(text, "on_record_quote", a_start, a_end, WEIGHTS["on_record_quote"],
                    f"quote attributed to {speaker}" + (f" via {outlet}" if outlet else ""), speaker=speaker, outlet=outlet))
        quote_spans.append((a_start, a_end))

    # on-record quotes before an opening quote mark: Jenner told People: "...
    for qi in closers:
        if text[qi] == '"' and qi + 1 < len(text) and text[qi + 1].isspace():
            continue
        k = qi - 1
        while k >= 0 and text[k] in " \t":
            k -= 1
        if k < 0 or text[k] not in ":,":
            continue
        _pre_quote(text, k, anon_spans, quote_spans, spans, stats, append)
    i = text.find("“")
    while i >= 0:
        k = i - 1
        while k >= 0 and text[k] in " \t":
            k -= 1
        if k >= 0 and text[k] in ":,":
            _pre_quote(text, k, anon_spans, quote_spans, spans, stats, append)
        i = text.find("“", i + 1)

    return _merge_overlaps(out), stats


def _merge_overlaps(signals: list[Signal]) -> list[Signal]:
    """Sorted signals where no two of one kind overlap: of overlapping ones ("Gossip Cop also
    debunked" and "debunked") the longer, then the one naming a speaker/outlet, is kept."""
    kept: dict[str, Signal] = {}  # kind -> last kept signal of that kind
    dropped: set[int] = set()
    ordered = sorted((sg for sg in signals if sg.start < sg.end), key=lambda x: (x.start, -x.end, x.kind))
    for sg in ordered:
        prev = kept.get(sg.kind)
        if prev is not None and sg.start < prev.end:
            rank = (sg.end - sg.start, sg.speaker is not None, sg.outlet is not None)
            if rank <= (prev.end - prev.start, prev.speaker is not None, prev.outlet is not None):
                dropped.add(id(sg))
                continue
            dropped.add(id(prev))
        kept[sg.kind] = sg
    return sorted((sg for sg in ordered if id(sg) not in dropped), key=lambda x: (x.start, x.end, x.kind))


def _pre_quote(text, k, anon_spans, quote_spans, spans, stats, append) -> None:
    lo = max(0, k - 160, text.rfind("\n", 0, k) + 1)
    dot = text.rfind(". ", lo, k)
    if dot >= 0:
        lo = dot + 2
    m = _PRE.search(text, lo, k)
    if not m:
        return
    st = m.start("name")
    if any(s <= st < e for s, e in anon_spans) or any(s <= st < e for s, e in quote_spans):
        return
    name = m.group("name")
    obj = m.group("obj")
    outlet = _outlet_of(obj) if obj else None
    if outlet is None:
        outlet = _nearby_outlet(spans, m.end("verb"), text)
    end = m.end("obj") if obj else m.end("verb")
    if _REP_DET.match(name):
        speaker = _rep_speaker(name)
        stats["rep"] += 1
    else:
        speaker = _named_speaker(name)
        if speaker and not name.startswith(speaker):
            st += name.find(speaker.split()[0])
    if not speaker or speaker.split()[0] in _PRONOUNS:
        return
    stats["speakers"].add(speaker)
    quote_spans.append((st, end))
    append(_sig(text, "on_record_quote", st, end, WEIGHTS["on_record_quote"],
                f"quote attributed to {speaker}" + (f" via {outlet}" if outlet else ""), speaker=speaker, outlet=outlet))


_GC = re.compile(
    r"Gossip Cop\s+(?:(?:has|have|had|can|was|is|also|then|further|quickly|repeatedly|previously|already|exclusively|immediately)\s+){0,2}"
    r"(?:" + trie_pattern(L.GOSSIP_COP_VERBS) + r")\b"
)


def find_signals(text: str) -> list[Signal]:
    """Explainable cues in ``text`` (title, newline, body), sorted by start offset."""
    return analyse_spans(text)[0]
