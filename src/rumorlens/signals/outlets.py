"""Which publication a phrase names: "In Touch", "RadarOnline.com", "Britain's Heat magazine".

Strong forms ("Us Weekly", "TMZ") name an outlet anywhere; context forms ("Star", "People",
"Heat") only where the words around them say a publication is meant ("told Star", "Star
magazine reports"), and not in "to Star in, Produce…" or "Heat Vision". The master scan in
``extract`` finds the forms (``_OUTLET_EXACT``); ``_outlet_ok`` checks a context form's
surroundings; ``_outlet_of`` names the outlet in a phrase (what a source told, a speaker's
name that is really a publication).
"""

from __future__ import annotations

import re

from . import lexicon as L
from .patterns import _norm, trie_pattern

_OUTLET_FORMS: dict[str, str] = {}
for _canon, _forms in L.OUTLETS_STRONG.items():
    for _f in _forms:
        _OUTLET_FORMS[_f] = _canon
_OUTLET_CANON_LOWER = {_norm(k): v for k, v in _OUTLET_FORMS.items()}
_OUTLET_CANON_LOWER.update({_norm(k): v for k, v in L.OUTLETS_CONTEXT.items()})
_OUTLET_EXACT: dict[str, tuple[str, bool]] = {}  # surface form -> (canonical, needs context)
for _f, _c in L.OUTLETS_CONTEXT.items():
    _OUTLET_EXACT[_f] = (_c, True)
for _f, _c in _OUTLET_FORMS.items():
    _OUTLET_EXACT[_f] = (_c, False)
_STRONG_OUTLET = re.compile(r"(?<![\w.])(?:" + trie_pattern(_OUTLET_FORMS) + r")(?![\w&])")
_CTX_OUTLET = re.compile(r"(?:" + trie_pattern(L.OUTLETS_CONTEXT) + r")(?![\w&-])")

_CTX_BEFORE = re.compile(
    r"(?:\b(?:told|tells|telling|tell|to|according|via|with|by|for|in|from|reported)"
    r"(?:\s+to)?\s+(?:the\s+)?(?:(?:Britain|Australia|America)['’]s\s+|British\s+|Australian\s+|UK\s+|U\.K\.\s+|US\s+|U\.S\.\s+)?)$"
)
_CTX_AFTER = re.compile(
    r"(?:\s+(?:[Mm]agazine|mag|[Ww]eekly|reports|says|claims|writes|notes|reveals|has\s+learned|has\s+reported|"
    r"has\s+confirmed|exclusively|magazine['’]s|issue|cover\s+story)\b"
    r"|\.com\b|['’]s\s+(?:[\w-]+\s+){0,2}?(?:report|reports|story|article|sources?|insiders?|issue|cover|reporting)\b)"
)
# "to Star in, Produce…" is a headline's verb; "told Star in an interview" is the magazine
_STAR_NOT = re.compile(r"\s+(?:Wars|Trek|Search|Is\s+Born|Tours?|Trib|Tribune|Sports|Academy|Wrestling|[Ii]n\b(?!\s+(?:its|an?|the|her|his)\b))")
_HEAT_NOT = re.compile(r"\s+Vision\b")  # The Hollywood Reporter's Heat Vision section
_PEOPLE_NOT = re.compile(r"['’]s\s+(?:Choice|Sexiest|Court|Republic|Party|Liberation|Princess)\b")


def _outlet_of(s: str | None) -> str | None:
    if not s:
        return None
    s = s.strip().rstrip(".,")
    hit = _OUTLET_FORMS.get(s) or _OUTLET_CANON_LOWER.get(_norm(s))
    if hit:
        return hit
    m = _STRONG_OUTLET.search(s)
    if m:
        return _OUTLET_FORMS[m.group()]
    m = _CTX_OUTLET.search(s)
    if m and (m.end() == len(s) or s[m.end():].strip().lower().startswith(("magazine", "mag", ".com", "weekly"))):
        return L.OUTLETS_CONTEXT[m.group()]
    return None


def _outlet_ok(text: str, s: int, e: int, word: str) -> bool:
    """Does an ambiguous outlet name ("People", "Star") sit in a citing context?"""
    if s and (text[s - 1].isalnum() or text[s - 1] in "._-&"):
        return False
    after = text[e:e + 60]
    if word == "Star" and _STAR_NOT.match(after) or word == "Heat" and _HEAT_NOT.match(after):
        return False
    if word in ("People", "PEOPLE") and _PEOPLE_NOT.match(after):
        return False
    return _CTX_BEFORE.search(text, max(0, s - 40), s) is not None or _CTX_AFTER.match(after) is not None
