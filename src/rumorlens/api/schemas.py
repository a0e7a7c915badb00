"""Request bodies (the only place pydantic lives). Unknown fields are refused, so a typo like
``txt`` gets a 422 naming the field instead of a silent "give one of text, html or url"."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from ..store.store import MAX_NOTE_CHARS, MAX_REVIEWER_CHARS


class CheckRequest(BaseModel):
    """What to judge: pasted ``text`` (with an optional ``title``), a page's ``html``, or a public
    ``url`` to fetch. ``url`` alongside text or html only names the outlet."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"title": "Jennifer Aniston pregnant at 50?", "text": "A source close to the star says ...", "url": "https://example-tabloid.com/story"}]})

    title: str | None = Field(default=None, max_length=2_000)
    text: str | None = None
    url: str | None = Field(default=None, max_length=4_000)
    html: str | None = None
    id: str | None = Field(default=None, max_length=200)
    published: str | int | float | None = None


class ArticleIn(CheckRequest):
    """An article to judge and store; ``label`` is a known fact-check label if you have one."""

    label: Literal["fake", "real"] | None = None
    author: str | None = Field(default=None, max_length=500)


class RulingIn(BaseModel):
    """A fact-checker's ruling on a stored article: ``label`` fake or real, ``note`` saying what
    was checked and found, ``by`` who ruled. It becomes the article's final label."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"label": "fake", "note": "Her rep told us the story is untrue", "by": "Jane D."}]})

    label: Literal["fake", "real"]
    note: str = Field(default="", max_length=MAX_NOTE_CHARS)
    by: str | None = Field(default=None, max_length=MAX_REVIEWER_CHARS)


class FeedRequest(BaseModel):
    """A public RSS or Atom feed (or a page) to fetch: every item it gives is judged, in order.
    ``fetch_stories``: a summary-only item is judged on the story its link leads to."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"url": "https://example-tabloid.com/feed/", "fetch_stories": True}]})

    url: str = Field(max_length=4_000)
    fetch_stories: bool = False


CHECK = TypeAdapter(CheckRequest)
FEED = TypeAdapter(FeedRequest)
ARTICLE = TypeAdapter(ArticleIn)
ARTICLE_LIST = TypeAdapter(list[ArticleIn])
RULING = TypeAdapter(RulingIn)


def one_or_many_schema(model: type[BaseModel] = ArticleIn) -> dict:
    one = model.model_json_schema(ref_template="#/components/schemas/{model}")
    one.pop("$defs", None)
    return {"anyOf": [one, {"type": "array", "items": one, "maxItems": 1000}]}
