"""A feed item that is only a summary, swapped for the story it links to (``--fetch-stories``).

Tabloid feeds mostly carry a teaser of each story ("Khloe is heartbroken…") and a link. Judged
alone, a 200-character teaser rarely holds what the verdict rests on: the insider, the rep's
denial, the on-record quote (RW009 says so). Asked to, the reader fetches each such item's link
a few at a time, in the feed's order, and judges the page's text under the item's own name: its
id (the feed's guid, or the teaser's hash, so a later run stores the same item once), its link,
and its headline and date when the page does not give them. A link that cannot be read, or a
page with less text than the teaser (a paywall, a page built by scripts), leaves the teaser
judged, and its warning says why (RW010). Nothing else a feed or file holds is fetched.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from ..article import Article
from ..concurrency import in_order
from ..errors import InputError, message_code, warning_text
from .fetch import LINK_WORKERS, read_url
from .files import Item


def fetch_stories(items: Iterable[Item], workers: int = LINK_WORKERS, public_only: bool = False,
                  limit: int | None = None) -> Iterator[Item]:
    """``items`` in order, each summary-only feed item replaced by the story at its link; with
    ``limit``, only the first that many (the rest stay summaries, RW009): a server's bound on
    the fetches one request may cause. ``public_only`` as for ``read_url``.

    Anything else passes straight through when no fetch is ahead of it, so a live feed on
    standard input (``tail -f feed.jsonl | rumorlens check - --fetch-stories``) still gets each
    verdict as its record arrives."""
    fetches = 0

    def wanted(item: Item) -> bool:  # asked in the items' order, so the first teasers are fetched
        nonlocal fetches
        fetch = is_summary(item) and (limit is None or fetches < limit)
        fetches += fetch
        return fetch

    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from in_order(pool, lambda item: _story_of(item, public_only), items, ahead=2 * workers, wanted=wanted)


def is_summary(item: Item) -> bool:
    """A feed item read from a teaser (RW009), with a link to the story."""
    return isinstance(item, Article) and bool(item.url) and any(message_code(w) == "RW009" for w in item.warnings)


def _story_of(item: Article, public_only: bool = False) -> Article:
    """The story a summary-only feed item (``is_summary``) links to, as that item."""
    page = next(iter(read_url(item.url, public_only=public_only)), None)
    if isinstance(page, InputError):
        why = page.fields.get("detail") or page.message.split(": ", 1)[-1].split(";")[0]
        return _teaser(item, f"{why}, {page.code}")
    if page is None or len(page.text) <= len(item.text):
        return _teaser(item, "the page holds no more text than the summary")
    kept = [w for w in item.warnings if message_code(w) != "RW009"]
    return Article.create(
        text=page.text,
        title=item.title or page.title,
        url=item.url,
        id=item.id,
        published=item.published or page.published,
        label=item.label,
        author=item.author or page.author,
        source=item.source,
        warnings=kept + list(page.warnings),
    )


def _teaser(item: Article, why: str) -> Article:
    """The teaser, still judged, its RW009 turned into RW010 saying why the story was not read."""
    warnings = tuple(
        warning_text("RW010", where=item.source or item.id, size=len(item.text), link=item.url, detail=why)
        if message_code(w) == "RW009" else w
        for w in item.warnings
    )
    return replace(item, warnings=warnings)
