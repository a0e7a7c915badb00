"""The REST routes under /v1 plus /healthz: parse, call one ``Service`` method, return JSON."""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field, TypeAdapter, ValidationError
from starlette.concurrency import run_in_threadpool

from ..article import MAX_ID_CHARS
from ..errors import AuthError
from ..verdict import Verdict
from .deps import get_service
from .errors import RequestError, validation_errors
from .schemas import ARTICLE, ARTICLE_LIST, CHECK, FEED, RULING, CheckRequest, FeedRequest, RulingIn, one_or_many_schema
from .service import MAX_ACCURATE_UPLOAD, MAX_ARTICLES_PER_POST, MAX_FETCHES_PER_REQUEST, MAX_OFFSET, Page, Service, fetches_url, judging_options

router = APIRouter()


def json_body(schema: dict) -> dict:
    """The OpenAPI entry of a JSON request body a route reads itself (``parse_json``, then
    ``validate``: the one error shape for bad JSON and bad fields alike)."""
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


async def parse_json(request: Request):
    """Parse the JSON body ourselves so a body that is not JSON gets RL071 whatever its
    Content-Type, in the one error shape."""
    raw = await request.body()
    if not raw.strip():
        raise RequestError("RL071", detail="the body is empty")
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise RequestError("RL071", detail=f"{exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except UnicodeDecodeError:
        raise RequestError("RL071", detail="the body is not UTF-8") from None
    except RecursionError:  # hostile input: thousands of nested brackets, as files get RL005
        raise RequestError("RL071", detail="it is nested too deeply") from None


def validate(data, adapter: TypeAdapter):
    """Validate against a schema; every problem is listed, the first one names the field."""
    try:
        return adapter.validate_python(data)
    except ValidationError as exc:
        errors = validation_errors(exc.errors(include_url=False))
        err = RequestError("RL070", field=errors[0]["field"], detail=errors[0]["detail"])
        err.errors = errors
        raise err from None


def require_token(request: Request, service: Service = Depends(get_service)) -> None:
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    service.authorise(given if scheme.lower() == "bearer" else None, AuthError("RL051"))


@router.get("/healthz", tags=["service"], summary="Is the server up? Model version and store status")
async def healthz(service: Service = Depends(get_service)):
    report = await run_in_threadpool(service.health)
    return JSONResponse(report, status_code=200 if report["ok"] else 503)


@router.post(
    "/v1/check",
    tags=["check"],
    summary="Judge one article (exactly the JSON of `rumorlens check --json`) or a list of them",
    openapi_extra=json_body(one_or_many_schema(CheckRequest)),
)
async def check(
    request: Request,
    text_only: bool = Query(False, description="ignore the outlet: judge the text alone (as `check --text-only`)"),
    prevalence: Annotated[float, Field(ge=0.01, le=0.99)] | Literal["auto"] | None = Query(
        None,
        description="share of fakes expected among the articles you send (e.g. 0.5 for a queue of flagged stories); "
                    "re-bases p_fake and the fake/real cut (as `check --prevalence`). `auto`, for a list of 50 or more: "
                    "estimated from the list's own p_fake, labels unseen (as `check --prevalence auto`)",
    ),
    accurate: bool = Query(
        False,
        description="also read the text with the fine-tuned language model (as `check --accurate`): about 40 times "
                    "slower (~40 ms an article; the server's first such request loads it, ~8 s); 501 RL079 where the "
                    "server does not offer it (see /healthz `accurate`)",
    ),
    service: Service = Depends(get_service),
):
    data = await parse_json(request)
    options = judging_options(text_only, prevalence, accurate)
    if isinstance(data, list):
        return await check_list(data, options, service)
    if prevalence == "auto":
        raise RequestError("RL070", field="prevalence", detail="auto estimates the share from a list of 50 or more articles; give one article's share as a number")
    body: CheckRequest = validate(data, CHECK)
    verdict = await service.check_async(options, **body.model_dump())
    # A JSONResponse skips FastAPI's jsonable_encoder walk, a tenth of a check's server time.
    return JSONResponse(verdict.as_dict())


@router.post(
    "/v1/check/feed",
    tags=["check"],
    summary="Judge every item of a public RSS or Atom feed, in order (what a list sent to /v1/check returns)",
    openapi_extra=json_body(FeedRequest.model_json_schema()),
)
async def check_feed(
    request: Request,
    text_only: bool = Query(False, description="ignore the outlet: judge the text alone (as `check --text-only`)"),
    prevalence: Annotated[float, Field(ge=0.01, le=0.99)] | Literal["auto"] | None = Query(
        None, description="share of fakes expected among the feed's items, or `auto` (50 items or more) to estimate it from them"),
    accurate: bool = Query(False, description=f"as for /v1/check; at most {MAX_ACCURATE_UPLOAD} items"),
    service: Service = Depends(get_service),
):
    body: FeedRequest = validate(await parse_json(request), FEED)
    outcomes, share = await run_in_threadpool(service.check_feed, body.url, judging_options(text_only, prevalence, accurate), body.fetch_stories)
    return JSONResponse({**outcomes_reply(outcomes), "prevalence": share, "feed": body.url})


@router.post(
    "/v1/articles/feed",
    tags=["articles"],
    status_code=201,
    summary="Judge and store every item of a public RSS or Atom feed (needs the bearer token)",
    dependencies=[Depends(require_token)],
    openapi_extra=json_body(FeedRequest.model_json_schema()),
)
async def add_feed(
    request: Request,
    text_only: bool = Query(False, description="store the verdicts of the text alone (as `ingest --text-only`)"),
    accurate: bool = Query(False, description=f"store accurate-mode verdicts; at most {MAX_ACCURATE_UPLOAD} items"),
    service: Service = Depends(get_service),
):
    body: FeedRequest = validate(await parse_json(request), FEED)
    outcomes, added = await run_in_threadpool(service.ingest_feed, body.url, judging_options(text_only, accurate=accurate), body.fetch_stories)
    reply = outcomes_reply(outcomes, include_text=False)
    ids = [v["id"] for v in reply["verdicts"] if v is not None]
    return JSONResponse({**reply, "saved": added, "ids": ids, "feed": body.url}, status_code=201)


def outcomes_reply(results: list, include_text: bool = True) -> dict:
    """``{ok, count, judged, verdicts, errors}`` for outcomes in order: a verdict, or an error in
    its place (its verdict null, ``errors`` naming its index)."""
    errors = [{"index": i, "code": r.code, "error": r.message} for i, r in enumerate(results) if not isinstance(r, Verdict)]
    return {"ok": not errors, "count": len(results), "judged": len(results) - len(errors),
            "verdicts": [r.as_dict(include_text=include_text) if isinstance(r, Verdict) else None for r in results], "errors": errors}


async def check_list(data: list, options: dict, service: Service) -> JSONResponse:
    """A list sent to ``POST /v1/check``: every article judged, in order, as ``check --json``
    judges a feed at the training share (or ``prevalence``); one that cannot be read is an error in
    its place (``verdicts[i]`` null, ``errors`` naming ``body[i]``) and the others are still judged."""
    limit = MAX_ACCURATE_UPLOAD if options.get("accurate") else MAX_ARTICLES_PER_POST
    if not data or len(data) > limit:
        mode = " with accurate=true" if options.get("accurate") else ""
        detail = "the list is empty; send at least one article" if not data else f"{len(data)} articles in one request{mode}; send at most {limit}"
        raise RequestError("RL070", field="body", detail=detail)
    fetches = sum(1 for item in data if isinstance(item, dict) and fetches_url(item))
    if fetches > MAX_FETCHES_PER_REQUEST:
        raise RequestError("RL070", field="body", detail=f"{fetches} articles to fetch by url; send at most {MAX_FETCHES_PER_REQUEST} a request, or their text")
    results: list = [None] * len(data)
    items = []
    for i, raw in enumerate(data):
        try:
            items.append((i, (f"body[{i}]", validate(raw, CHECK).model_dump())))
        except RequestError as err:
            field = err.fields["field"]
            results[i] = RequestError("RL070", field=f"body[{i}]" + ("" if field == "body" else f".{field}"), detail=err.fields["detail"])
    outcomes, share = await run_in_threadpool(service.check_many, [item for _, item in items], options)
    for (i, _), outcome in zip(items, outcomes):
        results[i] = outcome
    reply = outcomes_reply(results)
    return JSONResponse({"ok": reply["ok"], "count": reply["count"], "judged": reply["judged"],
                         "prevalence": share,  # the share of fakes judged at (None: the training share's)
                         "verdicts": reply["verdicts"], "errors": reply["errors"]})


@router.post(
    "/v1/articles",
    tags=["articles"],
    status_code=201,
    summary="Judge and store one article or a list (needs the bearer token)",
    dependencies=[Depends(require_token)],
    openapi_extra=json_body(one_or_many_schema()),
)
async def add_articles(
    request: Request,
    text_only: bool = Query(False, description="store the verdicts of the text alone (as `ingest --text-only`)"),
    accurate: bool = Query(
        False,
        description=f"store accurate-mode verdicts (as `ingest --accurate`): about 40 times slower, at most "
                    f"{MAX_ACCURATE_UPLOAD} articles a request; 501 RL079 where the server does not offer it",
    ),
    service: Service = Depends(get_service),
):
    data = await parse_json(request)
    body = validate(data, ARTICLE_LIST if isinstance(data, list) else ARTICLE)
    items = body if isinstance(body, list) else [body]
    if not items:
        raise RequestError("RL070", field="body", detail="the list is empty; send at least one article")
    limit = MAX_ACCURATE_UPLOAD if accurate else MAX_ARTICLES_PER_POST
    if len(items) > limit:
        mode = " with accurate=true" if accurate else ""
        raise RequestError("RL070", field="body", detail=f"{len(items)} articles in one request{mode}; send at most {limit}")

    def work():
        articles = []
        for i, item in enumerate(items):
            where = f"body[{i}]" if isinstance(body, list) else "body"
            if item.id:  # the store keeps the warning: name the article, not just its place in a request
                where += f" (id {item.id})"
            articles.append(service.article_from_fields(**item.model_dump(), where=where))
        return service.save(articles, **judging_options(text_only, accurate=accurate))

    verdicts, added = await run_in_threadpool(work)
    return JSONResponse(
        {"ok": True, "saved": added, "ids": [v.id for v in verdicts], "verdicts": [v.as_dict(include_text=False) for v in verdicts]},
        status_code=201,
    )


def paged(request: Request, key: str, page: Page) -> dict:
    """A listing's JSON: this page's items, the total, and the link to the next page (null on
    the last) with the same filters."""
    return {"ok": True, "count": len(page.items), "total": page.total, "offset": page.offset,
            "next": page.next_link(request.url), key: page.items}


@router.get("/v1/articles", tags=["articles"], summary="Search stored articles, a page at a time")
async def search_articles(
    request: Request,
    q: str | None = Query(None, max_length=500, description="words in the title or text (any case, accents ignored)"),
    outlet: str | None = Query(None, max_length=253, description="outlet host, e.g. people.com"),
    label: Literal["fake", "real"] | None = Query(None, description="final label: a fact-checker's ruling, else known, else judged"),
    limit: int = Query(50, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="skip this many"),
    after: str | None = Query(None, min_length=1, max_length=MAX_ID_CHARS,
                              description="start right after this article id (the previous page's `next` link sets it): "
                                          "the page stays put while articles are added, where an offset would shift"),
    ruled: bool | None = Query(None, description="only articles a fact-checker has ruled on (true), or only those nobody has (false)"),
    sort: Literal["newest", "p_fake"] = Query("newest", description="newest first, or most likely fake first (p_fake, by the latest "
                                                                    "verdict; pages by offset): with ruled=false, a fact-checker's queue"),
    service: Service = Depends(get_service),
):
    return paged(request, "articles", await run_in_threadpool(service.search, q, outlet, label, limit, offset, after, ruled, sort))


@router.get("/v1/articles/{article_id:path}", tags=["articles"], summary="One stored article with verdict, storyline and near-duplicates")
async def get_article(article_id: str, service: Service = Depends(get_service)):
    return await run_in_threadpool(service.article, article_id)


@router.delete(
    "/v1/articles/{article_id:path}",
    tags=["articles"],
    summary="Remove a stored article with its verdicts, signals and rulings (needs the bearer token)",
    dependencies=[Depends(require_token)],
)
async def delete_article(article_id: str, service: Service = Depends(get_service)):
    await run_in_threadpool(service.delete, article_id)
    return {"ok": True, "deleted": article_id}


@router.post(
    "/v1/articles/{article_id:path}/rulings",
    tags=["articles"],
    status_code=201,
    summary="Record a fact-checker's ruling on a stored article: its final label from then on (needs the bearer token)",
    dependencies=[Depends(require_token)],
    openapi_extra=json_body(RulingIn.model_json_schema()),
)
async def rule_article(article_id: str, request: Request, service: Service = Depends(get_service)):
    body = validate(await parse_json(request), RULING)
    ruling = await run_in_threadpool(service.rule, article_id, body.label, body.note, body.by)
    return JSONResponse({"ok": True, "id": article_id, "ruling": ruling, "final_label": ruling["label"]}, status_code=201)


@router.get("/v1/stories", tags=["stories"], summary="Storylines: articles about the same story, largest first, a page at a time")
async def list_stories(
    request: Request,
    min_size: int = Query(2, ge=2, le=100_000, description="only storylines of at least this many distinct stories"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET, description="skip this many (the previous page's `next` link sets it)"),
    q: str | None = Query(None, max_length=200, description="only storylines whose title or one of whose stories' headlines holds these words (any case, accents ignored)"),
    service: Service = Depends(get_service),
):
    found = await run_in_threadpool(service.stories, min_size, limit, offset, q)
    return paged(request, "stories", found) | {"updating": service.redrawing("storylines")}


@router.get("/v1/stories/{story_id}", tags=["stories"], summary="One storyline with its articles in date order")
async def get_story(story_id: str, service: Service = Depends(get_service)):
    return await run_in_threadpool(service.story, story_id)


@router.get("/v1/outlets", tags=["outlets"], summary="The outlet scorecard: fake rate with a 95% interval")
async def list_outlets(min_n: int = Query(10, ge=1, le=100_000, description="stories an outlet needs to be ranked"),
                       limit: int | None = Query(None, ge=1, le=100_000, description="at most this many outlets, ranked first (default: all)"),
                       q: str | None = Query(None, max_length=200, description="only outlets whose name holds this (any case): dailymail"),
                       service: Service = Depends(get_service)):
    outlets = await run_in_threadpool(service.outlets, min_n, q)
    shown = outlets if limit is None else outlets[:limit]
    return {"ok": True, "count": len(shown), "total": len(outlets), "updating": service.redrawing("scorecard"), "outlets": shown}


@router.get("/v1/outlets/{outlet}", tags=["outlets"], summary="One outlet: how often its stories were fake, by year, whom they were about, its storylines and stories")
async def get_outlet(outlet: str = Path(..., max_length=300, description="the outlet as the scorecard names it (people.com); any case, www. and a scheme ignored"),
                     min_n: int = Query(10, ge=1, le=100_000, description="stories an outlet needs to be ranked"),
                     limit: int = Query(50, ge=0, le=10_000, description="at most this many of its stories, newest first"),
                     service: Service = Depends(get_service)):
    found = await run_in_threadpool(service.outlet, outlet, min_n, limit)
    return {"ok": True, "updating": service.redrawing("scorecard")} | found


@router.get("/v1/people", tags=["people"], summary="The people scorecard: how often stories about each person were fake")
async def list_people(min_n: int = Query(10, ge=1, le=100_000, description="stories a person needs to be ranked"),
                      limit: int = Query(100, ge=1, le=10_000, description="at most this many people, ranked first"),
                      q: str | None = Query(None, max_length=200, description="only people whose name holds these words (any case, accents ignored)"),
                      service: Service = Depends(get_service)):
    people = await run_in_threadpool(service.people, min_n, q)
    return {"ok": True, "count": min(limit, len(people)), "total": len(people), "updating": service.redrawing("people"), "people": people[:limit]}


@router.get("/v1/people/{name}", tags=["people"], summary="One person: how often their stories were fake, by year, with their storylines and stories")
async def get_person(name: str = Path(..., max_length=200, description="the name, in any case, accents ignored"),
                     min_n: int = Query(10, ge=1, le=100_000, description="stories a person needs to be ranked"),
                     limit: int = Query(50, ge=0, le=10_000, description="at most this many of their stories, newest first"),
                     service: Service = Depends(get_service)):
    person = await run_in_threadpool(service.person, name, min_n, limit)
    return {"ok": True, "updating": service.redrawing("people")} | person
