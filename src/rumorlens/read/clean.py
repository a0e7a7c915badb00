"""Cleaning article bodies: literal ``/n`` markers and page furniture.

Furniture ("Join the Discussion", "Read More >", "PHOTOS: ...", "Image via ...", "By on") is page
chrome, not the story, so it is removed before judging: it would otherwise leak the outlet's
template into the model and show up as reasons.
"""

from __future__ import annotations

import re

_FURNITURE = re.compile(
    r"""^\s*(?:
        join\ the\ discussion
      | read\ more\s*(?:>|»|›|\.\.\.)?
      | (?:photos?|pics|video|gallery|watch)\s*:.*
      | image\s+(?:via|credit|source)\b.*
      | (?:photo|image)\s+credit\s*:.*
      | by\s+on
      | advertisement
      | get\ push\ notifications.*
      | (?:also\ read|related|recommended|see\ also)\s*:.*
      | click\ here\ to\ .*
      | share\ (?:this|on)\ .*
      | (?:sign\ up|subscribe)\ (?:for|to)\ .*newsletter.*
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_BLANKS = re.compile(r"\n{3,}")
# Furniture is a short line. Crawled gallery pages also start whole paragraphs with "Photos:" or
# "Click here to see…", and there the paragraph is the story (often the very claim checked).
MAX_FURNITURE_CHARS = 200


def normalise_newlines(text: str) -> str:
    """Crawled text writes line breaks as the two characters ``/n``; make them real."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Only '/n' that is not part of a URL path like 'site.com/news': require no letter after.
    return re.sub(r"/n(?![a-z])", "\n", text)


def strip_furniture(text: str) -> tuple[str, list[str]]:
    """Drop furniture lines; return the cleaned text and the lines removed."""
    kept, removed = [], []
    for line in text.split("\n"):
        if line.strip() and len(line.strip()) <= MAX_FURNITURE_CHARS and _FURNITURE.match(line):
            removed.append(line.strip())
        else:
            kept.append(line.rstrip())
    cleaned = _BLANKS.sub("\n\n", "\n".join(kept)).strip()
    return cleaned, removed


def clean_body(text: str) -> str:
    return strip_furniture(normalise_newlines(text))[0]
