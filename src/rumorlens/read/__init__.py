"""Reading articles from files, folders, stdin and URLs, mixed freely.

>>> for article in read_articles(["seeds/", "feed.jsonl", "https://example.com/story"]):
...     print(article.id, article.outlet)

Problems (a missing file, a broken JSONL line) go to ``on_problem`` and reading goes on;
the default ``on_problem`` raises, which suits a single-article library call.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from ..article import Article
from ..errors import InputError
from .clean import clean_body, normalise_newlines, strip_furniture
from .fetch import fetch_bytes, is_public_host, read_url
from .files import Item, read_bytes, read_path
from .stdin import read_stdin


def _raise(err: InputError) -> None:
    raise err


def iter_items(inputs: Iterable[str | Path], stdin=None) -> Iterator[Item]:
    """Yield ``Article`` or ``InputError`` for every record of every input, in order."""
    for raw in inputs:
        spec = str(raw)
        if spec == "-":
            yield from read_stdin(stdin if stdin is not None else sys.stdin.buffer)
        elif spec.lower().startswith(("http://", "https://")):
            yield from read_url(spec)
        else:
            yield from read_path(Path(spec))


def read_articles(
    inputs: Iterable[str | Path] | str | Path,
    on_problem: Callable[[InputError], None] = _raise,
    on_warning: Callable[[str], None] | None = None,
    stdin=None,
    fetch_stories: bool = False,
) -> Iterator[Article]:
    """Yield the readable articles; report each unreadable record to ``on_problem``.
    ``fetch_stories``: a feed item that is only a summary is judged on the story it links to
    (``read/stories.py``)."""
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    items = iter_items(inputs, stdin=stdin)
    if fetch_stories:
        from .stories import fetch_stories as fetched

        items = fetched(items)
    for item in items:
        if isinstance(item, InputError):
            on_problem(item)
            continue
        if on_warning is not None:
            for w in item.warnings:
                on_warning(w)
        yield item


def read_article(spec: str | Path) -> Article:
    """Exactly one article from a path or URL (the first record if there are several)."""
    for article in read_articles([spec]):
        return article
    raise InputError("RL002", where=str(spec))


__all__ = [
    "read_articles",
    "read_article",
    "iter_items",
    "read_bytes",
    "fetch_bytes",
    "is_public_host",
    "clean_body",
    "normalise_newlines",
    "strip_furniture",
]
