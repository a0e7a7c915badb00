"""Regex building blocks the extractors share: a phrase list as one character trie, and the
normal form a phrase is looked up in (lower case, one kind of apostrophe, single spaces)."""

from __future__ import annotations

import re

# Most frequent word-initial characters first: a failing word start then skips fewer branches.
_FIRST_ORDER = {c: i for i, c in enumerate("tasowihbcmfpdrlengyuvjkqzTASOWIHBCMFPDRLENGYUVJKQZ")}


def trie_pattern(phrases, escape=True) -> str:
    """A regex matching any of ``phrases`` (longest first), as a character trie.

    Spaces match any run of whitespace and apostrophes match both ' and ’.
    """
    root: dict = {}
    for phrase in phrases:
        node = root
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = True

    def atom(ch: str) -> str:
        if ch == " ":
            return r"\s+"
        if ch in "'’":
            return "['’]"
        return re.escape(ch) if escape else ch

    def emit(node: dict) -> str:
        end = "" in node
        keys = sorted((k for k in node if k), key=lambda c: (_FIRST_ORDER.get(c, 99), c))
        alts = [atom(ch) + emit(node[ch]) for ch in keys]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if end:
            return "(?:" + body + ")?" if len(alts) == 1 else body + "?"
        return body

    return emit(root)


def _norm(s: str) -> str:
    return " ".join(s.lower().replace("’", "'").split())
