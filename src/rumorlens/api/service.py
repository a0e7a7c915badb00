"""The server's library layer: everything the REST routes and dashboard pages do, minus HTTP.

Routes stay thin (parse, call one ``Service`` method, render); the logic and the adaptation to
the store's return types live here so both views show exactly the same data.
"""

from __future__ import annotations

import asyncio
import dataclasses
import gc
import hmac
import itertools
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from starlette.concurrency import run_in_threadpool

from ..article import Article, outlet_from_url, storable
from ..errors import InputError, NotFound, RumorlensError, UsageError
from ..concurrency import in_order
from ..read.fetch import LINK_WORKERS, fetch_bytes, read_fetched, read_links, read_url
from ..read.files import Item, read_bytes, record_to_article
from ..read.stories import fetch_stories
from ..store.records import article_record, outlet_page, person_record, plain, story_dict, summary_row
from ..verdict import Verdict
from .batcher import JudgeBatcher
from .errors import RequestError
from .deps import JudgeLike, StoreLike

MAX_BODY_BYTES = 10 * 1024 * 1024
UPLOAD_SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".json", ".csv", ".parquet", ".rss", ".atom", ".xml")


MAX_OFFSET = 10_000_000  # the furthest a listing's page may start (a query parameter's bound)
MAX_STORY_FETCHES = 50  # teaser-only feed items whose stories one dashboard request may fetch


@dataclasses.dataclass
class Page:
    """One page of a long listing (stored articles, storylines) and where it sits in the whole."""

    items: list[dict]
    total: int  # in all pages
    offset: int
    limit: int
    # The next page starts after this page's last item, named by its id, not at an offset:
    # articles checked while someone pages through then do not shift what they see next.
    keyed: bool = False

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.items)
        return end if self.items and end < self.total else None

    @property
    def previous_offset(self) -> int | None:
        return max(0, self.offset - self.limit) if self.offset > 0 else None

    def next_link(self, url) -> str | None:
        """The next page of the listing at ``url`` (a request's URL, its filters kept), as a
        path: right behind a proxy too. None on the last page."""
        if self.next_offset is None:
            return None
        return self._link(url, after=self.items[-1]["id"]) if self.keyed else self._link(url, offset=self.next_offset)

    def previous_link(self, url) -> str | None:
        return None if self.previous_offset is None else self._link(url, offset=self.previous_offset)

    def first_link(self, url) -> str:
        return self._link(url, offset=0)

    @staticmethod
    def _link(url, **where) -> str:
        url = url.remove_query_params(["offset", "after"]).include_query_params(**where)
        return f"{url.path}?{url.query}"


class ReadOnly(RumorlensError):
    status = 403


class NoStore(RumorlensError):
    status = 503


class NotFoundHere(NotFound):
    """A missing article or storyline, named with where to list them."""


class NoAccurate(RumorlensError):
    """The accurate mode was asked for on a server that cannot or will not run it."""

    status = 501


# The accurate mode reads ~27 articles/s on 2 cores: an upload of this many takes seconds, not
# minutes, and one form post cannot tie the server's reader up for long.
MAX_ACCURATE_UPLOAD = 100
# A POST /v1/articles list or a dashboard upload: under a second to judge and a page a person can
# still scroll (10 MB of headlines would otherwise be ~100,000 verdicts); more is batch's job.
MAX_ARTICLES_PER_POST = 1000
MAX_FETCHES_PER_REQUEST = 10  # URLs one request (a list sent to /v1/check, the dashboard's URL box) may have fetched


def _in_place(items: list, verdicts: list[Verdict]) -> list:
    """Each article of ``items`` replaced by its verdict (``verdicts`` in the articles' order),
    each error left where it was."""
    judged = iter(verdicts)
    return [next(judged) if isinstance(item, Article) else item for item in items]


def given(value: object) -> bool:
    """A request field with something in it."""
    return isinstance(value, str) and bool(value.strip())


def fetches_url(fields: dict[str, Any]) -> bool:
    """Whether a check request has the server fetch its ``url``: no text or html to judge
    (``Service.article_from_fields``; a list's fetches are capped before any is read)."""
    return given(fields.get("url")) and not given(fields.get("text")) and not given(fields.get("html"))


def judging_options(text_only: bool = False, prevalence: float | str | None = None, accurate: bool = False) -> dict[str, Any]:
    """The options a request chose, leaving out defaults (see ``Service.judge_article``);
    ``prevalence`` is a share or "auto" (a list's own estimate, ``Service.check_many``)."""
    options: dict[str, Any] = {}
    if text_only:
        options["text_only"] = True
    if prevalence is not None:
        options["prevalence"] = prevalence if prevalence == "auto" else float(prevalence)
    if accurate:
        options["accurate"] = True
    return options


class Service:
    """Holds the store, the judge and the write token; one per app."""

    def __init__(
        self,
        store: StoreLike | None = None,
        judge: JudgeLike | None = None,
        token: str | None = None,
        read_only: bool = False,
        judge_loader: Callable[[], JudgeLike] | None = None,
        accurate: bool = True,
    ) -> None:
        self.store = store
        self._judge = judge
        self._judge_loader = judge_loader
        self._judge_lock = threading.Lock()
        self.token = token
        self.read_only = read_only
        self._batchers: dict[bool, JudgeBatcher] = {}  # by accurate: one per mode (and event loop)
        # The accurate mode: offered unless the operator said --no-accurate, loaded on the first
        # request that asks (~8 s and ~800 MB), then judged one group at a time under its lock.
        # Why it cannot be had is remembered, so later requests fail fast with the same message.
        self.offers_accurate = accurate
        self._accurate: JudgeLike | None = None
        self._accurate_error: RumorlensError | None = None if accurate else NoAccurate("RL079", detail="it was started with --no-accurate")
        self._accurate_lock = threading.Lock()

    # -- the model -------------------------------------------------------------------------
    @property
    def judge(self) -> JudgeLike:
        """The Judge, loaded on first use so the server starts fast and /healthz can report."""
        if self._judge is None:
            with self._judge_lock:
                if self._judge is None:
                    if self._judge_loader is not None:
                        self._judge = self._judge_loader()
                    else:
                        from ..model.judge import Judge

                        self._judge = Judge.load()
        return self._judge

    @property
    def accurate_judge(self) -> JudgeLike:
        """The model with its fine-tuned reader stacked on (``Judge.accurate()``), loaded on first
        use; NoAccurate (RL079) says why it cannot be had (turned off, torch missing, no reader)."""
        if self._accurate is None:
            with self._accurate_lock:
                if self._accurate is None and self._accurate_error is None:
                    self._accurate, self._accurate_error = self._load_accurate()
            if self._accurate_error is not None:
                raise self._accurate_error
        return self._accurate

    def _load_accurate(self) -> tuple[JudgeLike | None, NoAccurate | None]:
        load = getattr(self.judge, "accurate", None)
        if load is None:
            return None, NoAccurate("RL079", detail="its judge has no accurate mode")
        try:
            return load(), None
        except RumorlensError as err:
            return None, NoAccurate("RL079", detail=str(err))

    def accurate_status(self) -> str:
        """For /healthz, without loading anything: off, ready (loaded), available (will load on
        the first request), or unavailable and why."""
        if not self.offers_accurate:
            return "off"
        if self._accurate is not None:
            return "ready"
        if self._accurate_error is not None:
            return f"unavailable: {self._accurate_error.message}"
        from ..model.accurate import AccurateJudge

        why = AccurateJudge.unavailable(getattr(self._judge, "path", None))
        return f"unavailable: {why}" if why else "available"

    def warm_up(self) -> None:
        """Build what the first check would otherwise build (the store's scorecard and debunk
        index, the model's caches), then ``gc.freeze()`` it all: the collector stops re-scanning
        those long-lived objects, which took tail latency from ~70 to ~50 ms under load. The
        people scorecard, which only pages read, is drawn in a thread meanwhile."""
        sample = Article.create(title="Warm-up", text="A source close to the singer says the couple split. Her rep denied it.",
                                url="https://www.example.com/warm-up")  # a URL, so the outlet scorecard is built too
        try:
            self.judge_articles([sample])
        except RumorlensError:
            pass  # /healthz and the first request report it properly
        if self.store is not None and self.store.refresh_in_background:  # a server's store, made for threads
            self.store.draw_people_ahead()  # no check needs it: in a thread, so start-up does not wait
        gc.collect()
        gc.freeze()

    def health(self) -> dict:
        out: dict[str, Any] = {"ok": True, "model_version": None, "store": "none", "read_only": self.read_only}
        out["accurate"] = self.accurate_status()
        try:
            out["model_version"] = self.judge.version
        except Exception as exc:  # noqa: BLE001 - health must report, not crash
            out["ok"] = False
            out["model_error"] = str(exc)
        if self.store is not None:
            try:
                out["articles"] = self.store.count()
                out["store"] = "ok"
                # what a page that showed the views drawn before the latest writes waits for
                out["redrawing"] = {view: self.store.redrawing(view) for view in ("storylines", "scorecard", "people")}
            except Exception as exc:  # noqa: BLE001
                out["ok"] = False
                out["store"] = f"error: {exc}"
        return out

    # ``options`` are the judging choices a request may make: ``text_only`` (ignore the outlet),
    # ``prevalence`` (the share of fakes expected; re-bases p_fake and the cut) and ``accurate``
    # (the slower judge with the fine-tuned reader). Only the ones given are passed on, so a
    # judge without them still serves default requests.
    def judge_article(self, article: Article, **options: Any) -> Verdict:
        return self.judge_articles([article], **options)[0]

    def judge_articles(self, articles: list[Article], **options: Any) -> list[Verdict]:
        judge = self._judge_for(options)
        if options.pop("accurate", False):
            with self._accurate_lock:  # its per-text cache is not for two threads at once
                return self._judge_with(judge, articles, options)
        return self._judge_with(judge, articles, options)

    def _judge_for(self, options: dict[str, Any]) -> JudgeLike:
        return self.accurate_judge if options.get("accurate") else self.judge

    def _judge_with(self, judge: JudgeLike, articles: list[Article], options: dict[str, Any]) -> list[Verdict]:
        many = getattr(judge, "judge_many", None)
        if many is None:
            return [judge.judge(a, explain=True, memory=self.store, **options) for a in articles]
        return list(many(articles, explain=True, memory=self.store, **options))

    async def check_async(self, options: dict[str, Any] | None = None, **fields: Any) -> Verdict:
        """``check`` for the server: judging batched with concurrent requests. Pasted text is
        read on the event loop (a fraction of a millisecond; the thread hop cost more than the
        read); HTML extraction and URL fetches, which can take long, go to a thread."""
        if (fields.get("text") or "").strip():
            article = self.article_from_fields(**fields)
        else:
            article = await run_in_threadpool(self.article_from_fields, **fields)
        options = options or {}
        accurate = bool(options.get("accurate"))
        if accurate and self._accurate is None:
            _ = await run_in_threadpool(lambda: self.accurate_judge)  # RL079 now, and the first load off the loop
        loop = asyncio.get_running_loop()
        batcher = self._batchers.get(accurate)
        if batcher is None or batcher.loop is not loop:
            # the accurate batcher judges in a worker thread (see batcher.py)
            batcher = self._batchers[accurate] = JudgeBatcher(self.judge_articles, self.judge_article,
                                                              max_batch=16 if accurate else 32, in_thread=accurate)
        return await batcher.judge(article, **options)

    # -- turning requests into articles ----------------------------------------------------
    def article_from_fields(
        self,
        title: str | None = None,
        text: str | None = None,
        url: str | None = None,
        html: str | None = None,
        id: str | None = None,
        published: Any = None,
        label: str | None = None,
        author: str | None = None,
        where: str = "request",
    ) -> Article:
        """The article a check request describes: text wins over html, html over fetching url,
        and a headline alone is judged on itself (RW005), as in a feed.

        Text goes through the same record reader as ``rumorlens check feed.jsonl`` (each JSON
        record becomes an article there) so the verdict is byte-for-byte the one ``check --json``
        gives.
        """
        fields = {"id": id, "title": title, "text": text, "url": url, "published": published, "label": label, "author": author}
        record = {k: v for k, v in fields.items() if v is not None}
        if given(text):
            return record_to_article(record, where, [])
        if given(html):
            article = _first(read_bytes(storable(html).encode("utf-8"), where, ".html", stem=id))
            if title and not article.title:
                article = dataclasses.replace(article, title=title.strip())
            if url:
                article = dataclasses.replace(article, url=url, outlet=outlet_from_url(url))
            return article
        if given(url):  # what fetches_url tells a list's limit ahead of reading
            # public_only: the server must never be steered into its own network (SSRF).
            found = list(itertools.islice(read_url(url.strip(), public_only=True), 2))
            if len(found) > 1:  # a feed: one verdict for its first item would pass for the feed's
                raise InputError("RL054", where=where, url=url.strip())
            return _first(found)
        if given(title):
            return record_to_article(record, where, [])
        raise InputError("RL053")

    def check(self, options: dict[str, Any] | None = None, keep: bool = False, **fields: Any) -> Verdict:
        """One article judged; ``keep``: stored with its verdict too (the dashboard's "save")."""
        return self.judge_in_place([self.article_from_fields(**fields)], options or {}, keep)[0]  # type: ignore[return-value]

    def check_many(self, items: list[tuple[str, dict[str, Any]]], options: dict[str, Any] | None = None) -> tuple[list[Verdict | RumorlensError], float | None]:
        """Judge every ``(where, fields)`` of a list sent to ``POST /v1/check`` together, in
        order: an item that cannot be read (nothing to judge, a URL that fails or is private) is
        its error in its place, and never stops the others. URLs are fetched from public addresses
        only, a few at a time. Returns the outcomes and the share of fakes they were judged at
        (None: the training share); ``prevalence="auto"`` estimates it from the articles read, as
        ``check --prevalence auto`` does."""
        options = options or {}
        self._accurate_ready(options)

        def read(item: tuple[str, dict[str, Any]]) -> Article | RumorlensError:
            where, fields = item
            try:
                return self.article_from_fields(**fields, where=where)
            except RumorlensError as err:
                return err

        with ThreadPoolExecutor(max_workers=LINK_WORKERS) as pool:
            read_items = list(in_order(pool, read, items, ahead=2 * LINK_WORKERS))
        options = self._share_for(read_items, options)
        return self.judge_in_place(read_items, options), options.get("prevalence")

    def _share_for(self, items: list[Article | RumorlensError], options: dict[str, Any]) -> dict[str, Any]:
        """``options`` with ``prevalence="auto"`` replaced by the share of fakes estimated from
        the articles read (RL070 when there are too few), as ``check --prevalence auto``."""
        if options.get("prevalence") != "auto":
            return options
        articles = [a for a in items if isinstance(a, Article)]
        try:
            return {**options, "prevalence": self._judge_for(options).auto_prevalence(articles, text_only=bool(options.get("text_only")))}
        except ValueError as exc:  # too few articles to estimate from
            raise RequestError("RL070", field="prevalence", detail=str(exc)) from None

    def read_feed(self, url: str, fetch_stories: bool = False, accurate: bool = False) -> list[Article | RumorlensError]:
        """Every item a feed's (or a page's) public ``url`` gives, in order, an item that cannot
        be read as its error in its place; ``fetch_stories`` as for ``check_links``. More items
        than a request may judge is RL070, before any is judged; a feed that cannot be fetched
        raises its own error (RL010, RL015...)."""
        limit = MAX_ACCURATE_UPLOAD if accurate else MAX_ARTICLES_PER_POST
        url = url.strip()
        page = fetch_bytes(url, public_only=True)  # a feed that cannot be fetched is the request's error
        items = list(itertools.islice(read_fetched(url, *page), limit + 1))
        if len(items) > limit:
            mode = " with accurate=true" if accurate else ""
            raise RequestError("RL070", field="url", detail=f"the feed gives more than {limit} articles{mode}; split it, or run `rumorlens check URL`")
        return list(self._stories(items, fetch_stories))

    def check_feed(self, url: str, options: dict[str, Any] | None = None, fetch_stories: bool = False) -> tuple[list[Verdict | RumorlensError], float | None]:
        """``POST /v1/check/feed``: every item of a feed judged together, in order, as a list sent
        to ``POST /v1/check`` is (``check_many``), and the share of fakes they were judged at."""
        options = options or {}
        self._accurate_ready(options)
        items = self.read_feed(url, fetch_stories, bool(options.get("accurate")))
        options = self._share_for(items, options)
        return self.judge_in_place(items, options), options.get("prevalence")

    def ingest_feed(self, url: str, options: dict[str, Any] | None = None, fetch_stories: bool = False) -> tuple[list[Verdict | RumorlensError], int]:
        """``POST /v1/articles/feed``: every readable item of a feed judged and stored, as ``rumorlens
        ingest URL``; the outcomes in the feed's order and how many articles were new."""
        options = options or {}
        self._writable_store()  # refused before anything is fetched
        self._accurate_ready(options)
        items = self.read_feed(url, fetch_stories, bool(options.get("accurate")))
        verdicts, added = self.save([a for a in items if isinstance(a, Article)], **options)
        return _in_place(items, verdicts), added

    def check_links(self, links: list[tuple[int, str]], options: dict[str, Any] | None = None,
                    fetch_stories: bool = False, keep: bool = False) -> list[Verdict | RumorlensError]:
        """The dashboard's URL box, read as `check links.txt` reads a reading list
        (``read_links``: each link fetched, from public addresses only, a few at a time, a failing
        one named by its line), then judged in place. A feed's link gives each of its items;
        ``fetch_stories``: as ``check --fetch-stories``, for at most ``MAX_STORY_FETCHES`` teasers."""
        options = options or {}
        self._accurate_ready(options)
        return self.judge_in_place(list(self._stories(read_links(links, "url", public_only=True), fetch_stories)), options, keep)

    @staticmethod
    def _stories(items: Iterable[Item], fetch: bool) -> Iterable[Item]:
        """``items``, with each teaser-only feed item's story fetched when asked (public
        addresses only, and a bounded number: one request must not make the server fetch a
        thousand pages)."""
        return fetch_stories(items, public_only=True, limit=MAX_STORY_FETCHES) if fetch else items

    def _accurate_ready(self, options: dict[str, Any]) -> None:
        """RL079 now, before anything is read or fetched, where the accurate mode is asked for
        and not offered (and the reader loaded if it is)."""
        if options.get("accurate"):
            _ = self.accurate_judge

    def judge_in_place(self, items: list[Article | RumorlensError], options: dict[str, Any],
                       keep: bool = False) -> list[Verdict | RumorlensError]:
        """Each article's verdict in its place (judged together), each error left where it was;
        ``keep``: the articles stored with their verdicts (an article already stored keeps what
        it had, as re-ingesting does)."""
        articles = [a for a in items if isinstance(a, Article)]
        if not articles:
            return list(items)
        return _in_place(items, self.save(articles, **options)[0] if keep else self.judge_articles(articles, **options))

    def check_upload(self, filename: str, data: bytes, options: dict[str, Any] | None = None,
                     fetch_stories: bool = False, keep: bool = False) -> list[Verdict | InputError]:
        """Judge every article in an uploaded .txt/.html/.jsonl/.json/.csv file, in order: a
        record that cannot be read is its error in its place (``feed.jsonl:3: …``), and never
        stops the others. The file's type, and more articles than a page shows, raise."""
        name = filename or "upload"
        suffix = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if suffix not in UPLOAD_SUFFIXES:
            raise InputError("RL076", name=name)
        stem = name.rsplit(".", 1)[0] if suffix in (".txt", ".html", ".htm") else None
        items: list[Article | InputError] = []
        options = options or {}
        accurate = bool(options.get("accurate"))
        self._accurate_ready(options)
        for item in read_bytes(data, name, suffix, stem=stem):
            items.append(item)
            if accurate and len(items) > MAX_ACCURATE_UPLOAD:
                raise InputError("RL009", where=name, field="accurate",
                                 detail=f"the accurate mode reads at most {MAX_ACCURATE_UPLOAD} articles per upload",
                                 fix="untick it for the fast check, or run `rumorlens check --accurate FILE` for more")
            if len(items) > MAX_ARTICLES_PER_POST:
                raise InputError("RL009", where=name, field="file",
                                 detail=f"the dashboard checks at most {MAX_ARTICLES_PER_POST} articles per upload",
                                 fix="split the file, or run `rumorlens check FILE` or `rumorlens batch` for more")
        return self.judge_in_place(list(self._stories(items, fetch_stories)), options, keep)

    # -- writes ----------------------------------------------------------------------------
    def authorise(self, given: str | None, refusal: RumorlensError) -> None:
        """Let a write through, or raise: ReadOnly (RL077) on a read-only server, else
        ``refusal`` unless ``given`` is the server's token (the API's header says RL051, the
        dashboard's form RL055)."""
        if self.read_only:
            raise ReadOnly("RL077")
        expected = self.token or ""
        # compare_digest: a byte-by-byte comparison would leak the token through timing.
        if given is None or not expected or not hmac.compare_digest(given.strip().encode(), expected.encode()):
            raise refusal

    def save(self, articles: list[Article], **options: Any) -> tuple[list[Verdict], int]:
        """Judge and store articles; return the verdicts and how many articles were new.
        ``options``: ``text_only``, ``accurate`` (no ``prevalence``: stored verdicts keep the
        training share, as ``ingest`` does)."""
        store = self._writable_store()
        verdicts = self.judge_articles(articles, **options)  # in batches: a POST may carry 1,000 articles
        added = store.add(list(zip(articles, verdicts)))
        return verdicts, int(added or 0)

    def rule(self, id: str, label: str, note: str = "", by: str | None = None) -> dict:
        """Record a fact-checker's ruling on a stored article; the ruling as stored."""
        try:
            return self._writable_store().rule(id, label, note, by)
        except NotFound:
            raise NotFoundHere("RL075", what="article", id=id, listing="/v1/articles") from None

    def delete(self, id: str) -> None:
        """Remove a stored article with its verdicts, signals and rulings."""
        if not self._writable_store().delete([id]):
            raise NotFoundHere("RL075", what="article", id=id, listing="/v1/articles")

    def _writable_store(self) -> StoreLike:
        if self.read_only:
            raise ReadOnly("RL077")
        return self._need_store()

    # -- reads -----------------------------------------------------------------------------
    def _need_store(self) -> StoreLike:
        if self.store is None:
            raise NoStore("RL078")
        return self.store

    def held(self, ids: set[str]) -> set[str]:
        """Which of ``ids`` this server's store holds (none without a store): what a page can
        link to."""
        return self.store.existing_ids(sorted(ids)) if ids and self.store is not None else set()

    def article(self, id: str) -> dict:
        """A stored article as its verdict dict (text included), plus storyline and near-duplicates."""
        try:
            return article_record(self._need_store(), id)
        except NotFound:
            raise NotFoundHere("RL075", what="article", id=id, listing="/v1/articles") from None

    def search(self, q: str | None = None, outlet: str | None = None, label: str | None = None, limit: int = 50,
               offset: int = 0, after: str | None = None, ruled: bool | None = None, sort: str = "newest") -> Page:
        """One page of the stored articles matching every given filter, newest first, from
        ``offset`` or right after the article ``after`` (the previous page's last).

        ``q`` matches in the title or text in any case, accents ignored; ``label`` is the final label (a
        fact-checker's latest ruling, else the known one if the article carried it, else the
        judged one); ``ruled`` whether anyone has ruled on it. ``sort="p_fake"`` lists the most
        likely fake first.
        """
        store = self._need_store()
        if after is not None and offset:
            raise RequestError("RL070", field="offset", detail="give offset or after, not both")
        try:
            rows = [summary_row(r) for r in store.search(q, outlet, label, limit, offset, after=after, ruled=ruled, sort=sort)]
            offset = offset if after is None else store.count(q, outlet, label, through=after, ruled=ruled)
        except NotFound:
            raise RequestError("RL070", field="after", detail=f"no stored article has the id '{after}'; start from the first page") from None
        except UsageError as err:  # the store's own rule (after only with the newest-first order), as a request error
            raise RequestError("RL070", field=err.fields["option"], detail=err.fields["detail"]) from None
        # newest first, the next page starts after the last article shown; by p_fake, at an offset
        return Page(rows, store.count(q, outlet, label, ruled=ruled), offset, limit, keyed=sort == "newest")

    def stories(self, min_size: int = 2, limit: int | None = None, offset: int = 0, q: str | None = None) -> Page:
        """One page of the storylines of at least ``min_size`` stories, largest first; ``q``:
        those whose title or a story's headline holds these words."""
        store = self._need_store()
        found = [story_dict(s) for s in store.storylines(min_size, limit, offset, q=q)]
        return Page(found, store.count_storylines(min_size, q=q), offset, limit if limit is not None else len(found))

    def redrawing(self, view: str) -> bool:
        """Whether the storylines or a scorecard (outlets, people) just served are being drawn
        again after writes (``Store.redrawing``); always False without a store."""
        return self.store is not None and self.store.redrawing(view)

    def story(self, id: str) -> dict:
        store = self._need_store()
        try:
            found = store.storyline(id)
        except NotFound:
            raise NotFoundHere("RL075", what="storyline", id=id, listing="/v1/stories") from None
        story = story_dict(found)
        members = [summary_row(r) for r in store.summaries(story["article_ids"])]
        members.sort(key=lambda r: (r.get("published") or "", r["id"]))
        story["articles"] = members
        story["related"], story["related_total"] = store.related_storylines(found)
        return story

    def outlets(self, min_n: int = 10, q: str | None = None) -> list[dict]:
        """The store's scorecard in its own order: ranked outlets first (by the library's
        ranking), then those with fewer than ``min_n`` stories, marked "too few articles";
        ``q``: only those whose name holds it ("dailymail")."""
        from ..corpus.scorecard import matching_outlets

        card = self._need_store().scorecard(min_n=min_n)
        return [plain(o) for o in matching_outlets(card.outlets, q)]

    def outlet(self, name: str, min_n: int = 10, limit: int = 50) -> dict:
        """One outlet's row of the scorecard with its years, whom its stories were about (its
        fakes most often first, ten of ``people_total``), the storylines its stories are in (ten
        of ``storylines_total``) and its stories, newest first (``limit`` of ``stories_total``);
        an outlet the store holds no judged story from is RL075."""
        store = self._need_store()
        try:
            found = store.outlet(name, min_n=min_n)
        except NotFound:
            raise NotFoundHere("RL075", what="outlet", id=name, listing="/v1/outlets?q=") from None
        return outlet_page(store, found, limit)

    def people(self, min_n: int = 10, q: str | None = None) -> list[dict]:
        """The store's people scorecard: ranked people first (the most reliably faked first),
        then those with fewer than ``min_n`` stories, marked "too few articles"; ``q``: only
        those whose name holds these words (``corpus.people.matching``)."""
        from ..corpus.people import matching

        return [plain(p) for p in matching(self._need_store().people(min_n=min_n), q)]

    def people_of(self, article_id: str) -> list[dict]:
        """The people a stored article is about, with their records (the article page's
        "About"); [] without a store. Read from the people scorecard, which a server keeps."""
        return [] if self.store is None else [plain(p) for p in self.store.people_of(article_id)]

    def person(self, name: str, min_n: int = 10, limit: int = 50) -> dict:
        """One person's row of the people scorecard with its years, the storylines about them
        (the ten largest, ``storylines_total`` in all), the outlets that ran their stories (most
        fakes first, ten of ``outlets_total``) and their stories, newest first (``limit`` of
        ``stories_total``); a person nobody's stories are about is RL075."""
        store = self._need_store()
        try:
            found = store.person(name, min_n=min_n)
        except NotFound:
            raise NotFoundHere("RL075", what="person", id=name, listing="/v1/people?q=") from None
        return person_record(store, found, limit)



def _first(items: Iterable[Article | InputError]) -> Article:
    for item in items:
        if isinstance(item, InputError):
            raise item
        return item
    raise InputError("RL053")


__all__ = ["MAX_ACCURATE_UPLOAD", "MAX_ARTICLES_PER_POST", "MAX_BODY_BYTES", "NoAccurate", "NoStore", "ReadOnly", "Service", "plain"]
