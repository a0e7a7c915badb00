"""Dashboard pages. Each handler calls one ``Service`` method and renders a template; errors a
user can fix are shown on the page they came from."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.concurrency import run_in_threadpool

from ..api.deps import get_service
from ..api.errors import RequestError
from ..api.service import MAX_FETCHES_PER_REQUEST, MAX_OFFSET, MAX_STORY_FETCHES, Service, judging_options
from ..article import MAX_ID_CHARS
from ..errors import AuthError, InputError, RumorlensError
from ..read.files import link_list
from ..store.store import MAX_NOTE_CHARS, MAX_REVIEWER_CHARS
from ..verdict import Verdict

router = APIRouter(include_in_schema=False)
# A page of a listing: enough to scan, small enough to render at once on a 15k-article corpus.
ARTICLES_PER_PAGE = 200
STORIES_PER_PAGE = 100
LATEST_STORIES = 100  # a person's or an outlet's page lists the latest stories; the articles search has them all


def page(request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
    service: Service = request.app.state.service
    context.setdefault("has_store", service.store is not None)
    context.setdefault("can_save", service.store is not None and not service.read_only)  # the check form's "save to the store"
    context.setdefault("max_story_fetches", MAX_STORY_FETCHES)  # the check form's "fetch each teaser's story"
    return request.app.state.templates.TemplateResponse(request, name, context, status_code=status)


def prevalence_from_percent(value: str) -> float | None:
    """The form's "share of fakes you expect" (a percentage, blank for the model's own) as the
    fraction ``--prevalence`` takes."""
    value = value.strip().rstrip("%").strip()
    if not value:
        return None
    try:
        pct = float(value)
    except ValueError:
        pct = float("nan")
    if not 1 <= pct <= 99:  # also refuses nan
        raise RequestError("RL070", field="prevalence_pct", detail=f"{value!r} is not a percentage from 1 to 99; leave it blank for the model's own")
    return pct / 100


@router.get("/", response_class=HTMLResponse)
async def check_page(request: Request):
    service: Service = request.app.state.service
    return page(request, "check.html", nav="check", form={}, accurate_status=service.accurate_status())


@router.post("/check", response_class=HTMLResponse)
async def check_submit(
    request: Request,
    title: str = Form(""),
    text: str = Form(""),
    url: str = Form(""),
    file: UploadFile | None = File(None),
    text_only: bool = Form(False),
    prevalence_pct: str = Form(""),
    accurate: bool = Form(False),
    fetch_stories: bool = Form(False),
    save: bool = Form(False),
    token: str = Form(""),
    service: Service = Depends(get_service),
):
    form = {"title": title, "text": text, "url": url, "text_only": text_only, "prevalence_pct": prevalence_pct, "accurate": accurate,
            "fetch_stories": fetch_stories, "save": save}
    problems: list[RumorlensError] = []  # records of an upload, links of the URL box, that could not be checked
    try:
        if save:  # before anything is fetched or judged
            if service.store is None:
                raise RequestError("RL070", field="save", detail="this server has no store to save to")
            service.authorise(token, AuthError("RL055"))  # and RL077 on a read-only server
            if prevalence_pct.strip():
                raise RequestError("RL070", field="prevalence_pct",
                                   detail="leave it blank to save: stored verdicts keep the model's own share, as `rumorlens ingest` does")
        options = judging_options(text_only, prevalence_from_percent(prevalence_pct), accurate)
        links = url_box_links(url)
        pasted = bool(title.strip() or text.strip())
        if file is not None and file.filename:
            data = await file.read()
            verdicts, problems = judged_or_not(await run_in_threadpool(service.check_upload, file.filename, data, options, fetch_stories, save))
        elif len(links) > 1 or (links and not pasted):  # links alone: each fetched, a feed's items each judged
            if pasted:
                raise InputError("RL009", where="form", field="url", detail="several links beside the article text",
                                 fix="give one link to name the text's outlet, or the links alone to fetch and check each")
            verdicts, problems = judged_or_not(await run_in_threadpool(service.check_links, links, options, fetch_stories, save))
        else:
            verdict = await run_in_threadpool(service.check, options, save, title=title or None, text=text or None,
                                              url=links[0][1] if links else None)
            verdicts = [verdict]
    except RumorlensError as err:
        return page(request, "check.html", status=err.status, nav="check", form=form, error=err,
                    accurate_status=service.accurate_status())
    shown = await run_in_threadpool(linked_stories, service, [{**v.as_dict(), "prevalence": options.get("prevalence")} for v in verdicts])  # the fine print says so
    return page(request, "verdict.html", nav="check", verdicts=shown, problems=problems, saved=save)


def url_box_links(box: str) -> list[tuple[int, str]]:
    """The ``(line, URL)`` links in the URL box: one per line, as in a reading list for `check`.
    One line is passed on as it is (the fetcher says what is wrong with it); of several, every one
    must be an http(s) link."""
    lines = [(n, line.strip()) for n, line in enumerate(box.splitlines(), start=1) if line.strip() and not line.strip().startswith("#")]
    if len(lines) <= 1:
        return lines
    links = link_list(box)
    if not links:
        n, line = next((n, line) for n, line in lines if not link_list(line))
        raise InputError("RL009", where=f"url:{n}", field="url", detail=f"'{line[:80]}' is not an http(s):// link",
                         fix="give one link per line, each starting with http:// or https://")
    if len(links) > MAX_FETCHES_PER_REQUEST:
        raise InputError("RL009", where="url", field="url",
                         detail=f"{len(links)} links; the dashboard fetches at most {MAX_FETCHES_PER_REQUEST} at a time",
                         fix="give fewer, or save them in a .txt file for `rumorlens check links.txt`")
    return links


def judged_or_not(outcomes: list) -> tuple[list[Verdict], list[RumorlensError]]:
    """The verdicts, and the errors of what could not be judged, shown above them; with nothing
    judged, the first error goes back to the form."""
    verdicts = [o for o in outcomes if isinstance(o, Verdict)]
    problems = [o for o in outcomes if not isinstance(o, Verdict)]
    if not verdicts:
        raise problems[0]
    return verdicts, problems


@router.get("/articles", response_class=HTMLResponse)
async def articles_page(
    request: Request,
    q: str = Query("", max_length=500),
    outlet: str = Query("", max_length=253),
    label: Literal["", "fake", "real"] = Query(""),
    ruled: Literal["", "yes", "no"] = Query(""),
    sort: Literal["newest", "p_fake"] = Query("newest"),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    after: str | None = Query(None, min_length=1, max_length=MAX_ID_CHARS),
    service: Service = Depends(get_service),
):
    found = await run_in_threadpool(service.search, q, outlet, label or None, ARTICLES_PER_PAGE, offset, after,
                                    {"yes": True, "no": False}.get(ruled), sort)
    return page(request, "articles.html", nav="articles", listing=found, q=q, outlet=outlet, label=label, ruled=ruled, sort=sort,
                queue=ruled == "no" and sort == "p_fake")


@router.get("/articles/{article_id:path}", response_class=HTMLResponse)
async def article_page(request: Request, article_id: str, service: Service = Depends(get_service)):
    record, about = await stored_article(service, article_id)
    return article_view(request, service, record, about=about)


async def stored_article(service: Service, article_id: str) -> tuple[dict, list]:
    """A stored article's record (``linked_stories`` added) and the people it is about."""
    record = await run_in_threadpool(service.article, article_id)
    about = await run_in_threadpool(service.people_of, article_id)
    return (await run_in_threadpool(linked_stories, service, [record]))[0], about


def linked_stories(service: Service, verdicts: list[dict]) -> list[dict]:
    """Each verdict dict with ``stored_similar``: the ids of the stories already checked that it
    is like (``similar_story``) which this server's store holds too, so its page links them (a
    team that ingested the training data reads the earlier story there)."""
    held = service.held({s["text"] for v in verdicts for s in v.get("signals") or () if s["kind"] == "similar_story" and s["text"]})
    return [{**v, "stored_similar": held} for v in verdicts]


def article_view(request: Request, service: Service, record: dict, status: int = 200, **context) -> HTMLResponse:
    """A stored article's page; the ruling form only where this server takes writes."""
    context.setdefault("rule_form", {})
    context.setdefault("about", [])
    return page(request, "article.html", status=status, nav="articles", v=record, can_rule=not service.read_only,
                max_note=MAX_NOTE_CHARS, max_reviewer=MAX_REVIEWER_CHARS, **context)


@router.post("/articles/{article_id:path}/rulings", response_class=HTMLResponse)
async def rule_submit(
    request: Request,
    article_id: str,
    label: str = Form(""),
    note: str = Form(""),
    by: str = Form(""),
    token: str = Form(""),
    service: Service = Depends(get_service),
):
    """A fact-checker's ruling from the article page: recorded, then back to the page (303, so a
    reload does not post it again); a refusal is shown above the form, which keeps what was typed
    except the token."""
    try:
        service.authorise(token, AuthError("RL055"))
        if label not in ("fake", "real"):
            raise RequestError("RL070", field="label", detail="choose fake or real")
        await run_in_threadpool(service.rule, article_id, label, note, by or None)
    except RumorlensError as err:
        record, about = await stored_article(service, article_id)  # an unknown id: the 404 page
        return article_view(request, service, record, status=err.status, rule_error=err, about=about,
                            rule_form={"label": label, "note": note, "by": by})
    return RedirectResponse(f"/articles/{quote(article_id, safe='')}#rulings", status_code=303)


@router.get("/stories", response_class=HTMLResponse)
async def stories_page(request: Request, offset: int = Query(0, ge=0, le=MAX_OFFSET), q: str = Query("", max_length=200),
                       service: Service = Depends(get_service)):
    q = q.strip()
    found = await run_in_threadpool(service.stories, 2, STORIES_PER_PAGE, offset, q or None)
    return page(request, "stories.html", nav="stories", listing=found, q=q, updating=service.redrawing("storylines"))


@router.get("/stories/{story_id}", response_class=HTMLResponse)
async def story_page(request: Request, story_id: str, service: Service = Depends(get_service)):
    from ..corpus.storylines import title_people

    story = await run_in_threadpool(service.story, story_id)
    # where "all of them" leads: the storylines page's search for the first name the title leads with
    return page(request, "story.html", nav="stories", story=story, related_search=(title_people(story["title"]) or [""])[0])


@router.get("/people", response_class=HTMLResponse)
async def people_page(request: Request, min_n: int = Query(10, ge=1, le=100_000, description="stories a person needs to be ranked"),
                      q: str = Query("", max_length=200, description="only people whose name holds these words"),
                      service: Service = Depends(get_service)):
    people = await run_in_threadpool(service.people, min_n, q)
    return page(request, "people.html", nav="people", people=people, min_n=min_n, q=q, updating=service.redrawing("people"))


@router.get("/people/{name:path}", response_class=HTMLResponse)
async def person_page(request: Request, name: str, min_n: int = Query(10, ge=1, le=100_000, description="stories a person needs to be ranked"),
                      service: Service = Depends(get_service)):
    from ..corpus.text import display_name

    person = await run_in_threadpool(service.person, name, min_n, LATEST_STORIES)
    # the storylines page's search finds them as storyline titles name them: accents dropped
    return page(request, "person.html", nav="people", person=person, min_n=min_n, storylines_search=display_name(person["person"]),
                updating=service.redrawing("people"))


@router.get("/outlets", response_class=HTMLResponse)
async def outlets_page(request: Request, min_n: int = Query(10, ge=1, le=100_000, description="stories an outlet needs to be ranked"),
                       q: str = Query("", max_length=200, description="only outlets whose name holds this"),
                       service: Service = Depends(get_service)):
    outlets = await run_in_threadpool(service.outlets, min_n, q)
    return page(request, "outlets.html", nav="outlets", outlets=outlets, min_n=min_n, q=q, updating=service.redrawing("scorecard"))


@router.get("/outlets/{name:path}", response_class=HTMLResponse)
async def outlet_page(request: Request, name: str, min_n: int = Query(10, ge=1, le=100_000, description="stories an outlet needs to be ranked"),
                      service: Service = Depends(get_service)):
    outlet = await run_in_threadpool(service.outlet, name, min_n, LATEST_STORIES)
    return page(request, "outlet.html", nav="outlets", outlet=outlet, min_n=min_n, updating=service.redrawing("scorecard"))
