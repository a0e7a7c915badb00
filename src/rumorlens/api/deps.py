"""What the server needs from the rest of rumorlens, stated as small protocols.

The API and the dashboard never talk to a database or a model directly: they go through
``Service`` (see ``service.py``). ``rumorlens.store.Store`` and ``rumorlens.model.judge.Judge``
fit these protocols; unit tests may pass a small stand-in judge.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any, Protocol

from fastapi import Request

from ..article import Article
from ..verdict import Verdict


class JudgeLike(Protocol):
    version: str

    def judge(self, article: Article, *, text_only: bool = False, explain: bool = True, memory: Any = None,
              prevalence: float | None = None) -> Verdict: ...


class StoreLike(Protocol):
    """The ``rumorlens.store.Store`` methods the server uses (it is also the Judge's Memory)."""

    def add(self, pairs: Iterable[tuple[Article, Verdict | None]]) -> int: ...

    def article(self, article_id: str) -> dict: ...

    def rule(self, article_id: str, label: str, note: str = "", reviewer: str | None = None) -> dict: ...

    def delete(self, ids: Sequence[str]) -> list[str]: ...

    def rows(self, with_text: bool = True) -> list[dict]: ...

    def summaries(self, ids: Sequence[str]) -> list[dict]: ...

    def search(self, q: str | None = None, outlet: str | None = None, label: str | None = None, limit: int = 50,
               offset: int = 0, after: str | None = None, ruled: bool | None = None, sort: str = "newest") -> list[dict]: ...

    def count(self, q: str | None = None, outlet: str | None = None, label: str | None = None,
              through: str | None = None, ruled: bool | None = None) -> int: ...

    def storylines(self, min_size: int = 2, limit: int | None = None, offset: int = 0, q: str | None = None) -> list: ...

    def storyline_of(self, article_id: str) -> Any: ...

    def count_storylines(self, min_size: int = 2, q: str | None = None) -> int: ...

    def redrawing(self, view: str) -> bool: ...

    def storyline(self, storyline_id: str) -> Any: ...

    def scorecard(self, min_n: int = 10) -> Any: ...

    def people(self, min_n: int = 10) -> list: ...

    def related_storylines(self, story: Any, limit: int = 10) -> tuple[list[dict], int]: ...

    def duplicates(self) -> dict[str, tuple[str, float]]: ...


def get_service(request: Request):
    """FastAPI dependency: the one ``Service`` the app was created with."""
    return request.app.state.service
