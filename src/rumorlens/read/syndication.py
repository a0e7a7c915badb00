"""RSS and Atom feeds: every item of a news site's feed is an article to check.

A feed (saved as ``.rss``, ``.atom`` or ``.xml``, piped in, or fetched from its URL) is read with
feedparser, the library made for the job: it knows RSS 0.9x/1.0/2.0 and Atom, their many date
formats and encodings, and survives the malformed feeds real sites publish. It is given the
bytes, never a string: given a string, feedparser would fetch a URL or open a file itself.
Entities are not expanded beyond what expat allows (no external entities, no "billion laughs").

Many feeds carry only a summary of each story, not the story. The summary is judged, and the
verdict's warnings say so (RW009), naming the link to check for the full text.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from html import unescape

from ..article import MAX_ID_CHARS, Article
from ..errors import InputError, warning_text
from .clean import clean_body

SYNDICATION_SUFFIXES = {".rss", ".atom", ".xml"}
# A body shorter than this is a summary, not a story: full-text feeds carry thousands of characters.
MIN_STORY_CHARS = 400
_FEED_ROOT = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*|<\?[^>]*>\s*|<!DOCTYPE[^>]*>\s*)*<(?:rss|feed|rdf:RDF)\b", re.S | re.I)
_BLOCKS = ("p", "div", "li", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "figcaption", "pre")
_MANY_BREAKS = re.compile(r"\n\s*\n\s*")


def looks_like_feed(text_start: str) -> bool:
    """Whether a document opens as an RSS or Atom feed (after an XML declaration, comments or a
    stylesheet instruction): how a piped or fetched ``.xml`` is told from other XML."""
    return _FEED_ROOT.match(text_start[:4096]) is not None


def parse_syndication(data: bytes, where: str, warnings: list[str]) -> Iterator[Article | InputError]:
    """Each item of the feed in ``data`` as an Article (``where#N``, N from 1), or an error."""
    import feedparser  # imported here: only feeds need it

    doc = feedparser.parse(data, sanitize_html=True)  # bytes: parsed, never fetched or opened
    if not doc.entries:
        detail = str(doc.get("bozo_exception") or "") or "it has no <item> or <entry>"
        yield InputError("RL018", where=where, detail=detail.strip())
        return
    for n, entry in enumerate(doc.entries, start=1):
        try:
            yield entry_to_article(entry, f"{where}#{n}", warnings)
        except InputError as err:
            yield err


def entry_to_article(entry, where: str, warnings: list[str]) -> Article:
    title = html_to_text(entry.get("title") or "") or None
    # The fullest text the item carries: <content:encoded> or <content> before <description>.
    bodies = [c.get("value") or "" for c in entry.get("content") or []] + [entry.get("summary") or ""]
    text = clean_body(max((html_to_text(b) for b in bodies), key=len))
    link = entry.get("link") or None
    if not text and not title:
        raise InputError("RL019", where=where)
    item_warnings = list(warnings)
    if text and len(text) < MIN_STORY_CHARS:
        item_warnings.append(warning_text("RW009", where=where, size=len(text), link=link or "the story's page"))
    guid = entry.get("id")
    return Article.create(
        text=text,
        title=title,
        url=link,
        # the feed's own id for the item (a "guid"), when short enough to be one of ours
        id=guid if isinstance(guid, str) and 0 < len(guid) <= MAX_ID_CHARS else None,
        published=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
        author=entry.get("author") or None,
        source=where,
        warnings=item_warnings,
    )


def html_to_text(html: str) -> str:
    """A feed's HTML snippet as plain text, paragraphs kept apart by a blank line."""
    if "<" not in html:
        return unescape(html).strip()
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        return unescape(re.sub(r"<[^>]*>", " ", html)).strip()
    for el in root.iter("br"):
        el.tail = "\n" + (el.tail or "")
    for el in root.iter(*_BLOCKS):
        el.tail = "\n\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().split("\n"))
    return _MANY_BREAKS.sub("\n\n", "\n".join(lines)).strip()


def _iso(parsed: time.struct_time | None) -> str | None:
    """feedparser's dates are UTC ``struct_time``s."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed) if parsed else None
