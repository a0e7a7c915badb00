"""REST API: every route, the one error shape, auth, the body cap and the URL-fetching rules.

In-process via TestClient over a real SQLite store and a real Judge (see ``e2e/support.py``).
"""

# ruff: noqa: F811  (pytest fixtures are imported from e2e.support and then requested by name)

from __future__ import annotations

import asyncio
import collections
import concurrent.futures
import dataclasses
import json
import threading

import httpx
import pytest
from e2e.support import (  # noqa: F401  (fixtures)
    HOSTILE_TITLE,
    TOKEN,
    SlowReader,
    WithReader,
    assert_error_shape,
    auth,
    fresh_store,
    judge,
    read_client,
    seeded_store,
    write_client,
)
from fastapi.testclient import TestClient

from rumorlens.api import create_app
from rumorlens.article import Article
from rumorlens.errors import ERRORS, UsageError
from rumorlens.read.files import record_to_article

ARTICLE = {
    "title": "Jennifer Aniston pregnant at 50?",
    "text": "A source close to the star says she is allegedly expecting twins. Shocking news for fans!",
    "url": "https://www.example-tabloid.com/jen",
}


# -- service -------------------------------------------------------------------------------------
def test_api_healthz_reports_model_version_and_store(read_client, judge):
    resp = read_client.get("/healthz")
    assert resp.status_code == 200
    body = resp.json()
    assert body["ok"] is True
    assert body["model_version"] == judge.version
    assert body["store"] == "ok"
    assert body["articles"] >= 6


def test_api_openapi_docs_list_every_route(read_client):
    assert read_client.get("/docs").status_code == 200
    paths = read_client.get("/openapi.json").json()["paths"]
    for p in ("/v1/check", "/v1/check/feed", "/v1/articles", "/v1/articles/feed", "/v1/articles/{article_id}", "/v1/stories", "/v1/stories/{story_id}", "/v1/outlets", "/v1/outlets/{outlet}", "/v1/people",
              "/v1/people/{name}", "/healthz"):
        assert p in paths


def test_api_refuses_to_start_write_routes_without_token(monkeypatch, judge):
    monkeypatch.delenv("RUMORLENS_TOKEN", raising=False)
    with pytest.raises(UsageError) as info:
        create_app(judge=judge)
    assert info.value.code == "RL050"
    assert str(info.value) == "write routes need a token: set RUMORLENS_TOKEN before `rumorlens serve` (or pass --read-only) [RL050]"


def test_api_read_only_serves_reads_and_refuses_writes(monkeypatch, judge, seeded_store):
    monkeypatch.delenv("RUMORLENS_TOKEN", raising=False)
    client = TestClient(create_app(store=seeded_store, judge=judge, read_only=True), raise_server_exceptions=False)
    assert client.get("/v1/articles?limit=1").status_code == 200
    assert client.post("/v1/check", json=ARTICLE).status_code == 200
    body = assert_error_shape(client.post("/v1/articles", json=ARTICLE, headers=auth()), 403, "RL077")
    assert body["error"] == "write routes are disabled: this server was started with --read-only"


# -- POST /v1/check ----------------------------------------------------------------------------
def test_api_check_returns_the_verdict_of_the_library(read_client, judge, seeded_store):
    resp = read_client.post("/v1/check", json=ARTICLE)
    assert resp.status_code == 200, resp.text
    got = resp.json()
    article = Article.create(text=ARTICLE["text"], title=ARTICLE["title"], url=ARTICLE["url"])
    assert got == judge.judge(article, memory=seeded_store).as_dict()
    assert got["label"] in ("fake", "real") and 0 <= got["p_fake"] <= 1
    assert got["outlet"] == "example-tabloid.com"
    spans = [s for s in got["signals"] if s["start"] >= 0]
    assert spans, "an anonymous-source article should have span signals"
    for s in spans:
        assert got["text"][s["start"] : s["end"]] == s["text"]


def test_api_check_equals_check_json_cli(tmp_path, judge, monkeypatch):
    """POST /v1/check gives exactly the JSON `rumorlens check --json` prints for the same record."""
    from typer.testing import CliRunner

    from rumorlens.cli import app as cli_app
    from rumorlens.model.judge import Judge

    model_dir = judge.path if getattr(judge, "path", None) else judge.save(tmp_path / "model")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps(ARTICLE) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli_app, ["check", str(feed), "--json", "--model", str(model_dir)])
    assert result.exit_code == 0, result.output
    cli_verdict = json.loads(result.stdout.strip().splitlines()[-1])
    client = TestClient(create_app(judge=Judge.load(model_dir), read_only=True))
    assert client.post("/v1/check", json=ARTICLE).json() == cli_verdict


ANOTHER = {"title": "Kim and Kanye at the premiere", "text": "Kim Jones told People on the record that the premiere on Monday was wonderful.", "url": "https://people.com/kim"}


def test_api_check_a_list_judges_every_article_and_puts_each_bad_one_in_its_place(read_client, judge, tmp_path):
    """A list sent to /v1/check: every article judged in order, as `check --json --prevalence
    train` judges the same records as a feed; an item that is invalid or has nothing to judge is
    an error naming body[i] in its place, and never stops the others."""
    from typer.testing import CliRunner

    from rumorlens.cli import app as cli_app

    sent = [ARTICLE, {"title": "Insider: Star Secretly Pregnant"}, {"txt": "typo"}, {"title": " ", "text": ""}, "just a string", ANOTHER]
    resp = read_client.post("/v1/check", json=sent)
    assert resp.status_code == 200, resp.text
    got = resp.json()
    assert got["ok"] is False and got["count"] == 6 and got["judged"] == 3
    assert [v is None for v in got["verdicts"]] == [False, False, True, True, True, False]
    assert [(e["index"], e["code"]) for e in got["errors"]] == [(2, "RL070"), (3, "RL053"), (4, "RL070")]
    assert "field 'body[2].txt' is invalid" in got["errors"][0]["error"] and "field 'body[4]' is invalid" in got["errors"][2]["error"]
    # each verdict is the one a single check gives, and the one `check --json` gives for the feed
    assert got["verdicts"][0] == read_client.post("/v1/check", json=ARTICLE).json()
    assert got["verdicts"][1]["warnings"] == ["body[1]: no article body, so only the headline is judged, which is less reliable; give the body as 'text' if you have it [RW005]"]
    model_dir = judge.path if getattr(judge, "path", None) else judge.save(tmp_path / "model")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(json.dumps(ARTICLE) + "\n" + json.dumps(ANOTHER) + "\n", encoding="utf-8")
    cli = CliRunner().invoke(cli_app, ["check", str(feed), "--json", "--model", str(model_dir), "--prevalence", "train"])
    assert cli.exit_code == 0, cli.output
    expected = [json.loads(line) for line in cli.stdout.splitlines()]
    assert [v["p_fake"] for v in (got["verdicts"][0], got["verdicts"][5])] == [v["p_fake"] for v in expected]
    assert [v["label"] for v in (got["verdicts"][0], got["verdicts"][5])] == [v["label"] for v in expected]
    clean = read_client.post("/v1/check", json=[ARTICLE, ANOTHER]).json()
    assert clean["ok"] is True and clean["errors"] == [] and clean["judged"] == 2
    # the query options apply to every article of the list
    rebased = read_client.post("/v1/check?prevalence=0.5&text_only=true", json=[ARTICLE]).json()["verdicts"][0]
    assert rebased == read_client.post("/v1/check?prevalence=0.5&text_only=true", json=ARTICLE).json()


def test_api_check_list_with_prevalence_auto_is_rebased_to_its_own_estimate(read_client, judge, dev_path):
    """`prevalence=auto` on a list is `check --prevalence auto`: the share estimated from the
    list's own p_fake (its stories), every verdict re-based to it, the share in the reply; one
    article, or a list under 50, cannot be estimated from and is RL070 naming prevalence."""
    from rumorlens.read import read_articles

    rows = [json.loads(line) for line in dev_path.read_text(encoding="utf-8").splitlines()]
    half = [r for r in rows if r["label"] == "fake"][:40] + [r for r in rows if r["label"] == "real"][:40]
    sent = [{"title": r["title"], "text": r["text"]} for r in half]
    got = read_client.post("/v1/check?prevalence=auto&text_only=true", json=sent).json()
    articles = [a for a in read_articles([dev_path]) if a.id in {r["id"] for r in half}]
    share = judge.auto_prevalence([dataclasses.replace(a, url=None, outlet=None) for a in articles], text_only=True)
    assert got["ok"] and got["judged"] == 80 and got["prevalence"] == pytest.approx(share, abs=0.02) and got["prevalence"] > 0.3
    at_share = read_client.post(f"/v1/check?prevalence={got['prevalence']}&text_only=true", json=sent).json()
    assert [v["p_fake"] for v in got["verdicts"]] == [v["p_fake"] for v in at_share["verdicts"]]
    assert read_client.post("/v1/check?text_only=true", json=sent).json()["prevalence"] is None
    for body in (sent[0], sent[:49]):
        err = assert_error_shape(read_client.post("/v1/check?prevalence=auto", json=body), 422, "RL070")
        assert "prevalence" in err["error"] and "50" in err["error"]


def test_api_check_list_limits_are_422_before_anything_is_judged(read_client):
    assert "the list is empty" in assert_error_shape(read_client.post("/v1/check", json=[]), 422, "RL070")["error"]
    body = assert_error_shape(read_client.post("/v1/check", json=[ANOTHER] * 1001), 422, "RL070")
    assert "1001 articles in one request; send at most 1000" in body["error"]
    fetch = [{"url": f"https://news.example.com/{i}"} for i in range(11)]
    body = assert_error_shape(read_client.post("/v1/check", json=fetch), 422, "RL070")
    assert "11 articles to fetch by url; send at most 10" in body["error"]


def test_api_check_list_fetches_public_urls_and_refuses_private_ones_in_place(read_client, monkeypatch):
    page = "<html><head><title>Lamar Odom speaks out</title></head><body><article><h1>Lamar Odom speaks out</h1>" + (
        "<p>Lamar Odom told reporters on the record that he wishes Khloe Kardashian well.</p>" * 3) + "</article></body></html>"
    seen: list[str] = []
    _mock_web(monkeypatch, {"http://news.public.test/lamar": httpx.Response(200, html=page)}, seen)
    got = read_client.post("/v1/check", json=[{"url": "http://news.public.test/lamar"}, {"url": "http://169.254.169.254/latest/"}, ANOTHER]).json()
    assert got["judged"] == 2 and got["verdicts"][0]["outlet"] == "news.public.test" and got["verdicts"][2]["title"] == ANOTHER["title"]
    assert got["errors"] == [{"index": 1, "code": "RL015", "error": got["errors"][0]["error"]}]
    assert got["errors"][0]["error"].startswith("http://169.254.169.254/latest/: refusing to fetch")
    assert seen == ["http://news.public.test/lamar"]


def test_api_check_reads_html(read_client):
    html = "<html><head><title>Khloe and Lamar back together?</title></head><body><article><h1>Khloe and Lamar back together?</h1>" + (
        "<p>An insider claims Khloe Kardashian has been leaning on ex-husband Lamar Odom for support after the scandal, "
        "but a rep for the star denied the report.</p>" * 3) + "</article></body></html>"
    resp = read_client.post("/v1/check", json={"html": html, "url": "https://www.people.com/khloe"})
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert "Lamar Odom" in body["text"] and "<p>" not in body["text"]
    assert body["outlet"] == "people.com"


@pytest.mark.parametrize(
    "payload, field",
    [
        ({"txt": "typo in the field name"}, "txt"),
        ({"text": 5}, "text"),
        ({"text": "ok", "title": ["not", "a", "string"]}, "title"),
    ],
)
def test_api_check_invalid_body_names_the_field(read_client, payload, field):
    body = assert_error_shape(read_client.post("/v1/check", json=payload), 422, "RL070")
    assert body["errors"][0]["field"] == field
    assert f"field '{field}' is invalid" in body["error"]


def test_api_check_without_text_html_url_or_title_is_422(read_client):
    body = assert_error_shape(read_client.post("/v1/check", json={"title": "  ", "text": ""}), 422, "RL053")
    assert body["error"] == ERRORS["RL053"]


def test_api_check_a_headline_alone_is_judged_with_a_warning(read_client):
    """As in a feed of headlines: judged on the headline, and the verdict says it had no body.
    (With a url as well, the url is fetched: the page is the better ground.)"""
    resp = read_client.post("/v1/check", json={"title": "Insider: Star Secretly Pregnant"})
    assert resp.status_code == 200
    v = resp.json()
    assert v["title"] == v["text"] == "Insider: Star Secretly Pregnant"
    assert v["label"] in ("fake", "real") and 0 <= v["p_fake"] <= 1
    assert v["warnings"] == ["request: no article body, so only the headline is judged, which is less reliable; give the body as 'text' if you have it [RW005]"]


@pytest.mark.parametrize("raw", [b'{"text": "unterminated', b"", b"[1, 2,]", b"\xff\xfe not utf8", b"[" * 100_000])
def test_api_check_malformed_json_is_422(read_client, raw):
    body = assert_error_shape(read_client.post("/v1/check", content=raw, headers={"content-type": "application/json"}), 422, "RL071")
    assert body["error"].startswith("request body is not valid JSON (")
    if raw.startswith(b"[["):  # hostile nesting is a bad body, not a crash (RL074)
        assert body["error"].startswith("request body is not valid JSON (it is nested too deeply)")


def test_api_body_over_10mb_declared_is_413(read_client):
    big = b'{"text": "' + b"a" * (10 * 1024 * 1024) + b'"}'
    body = assert_error_shape(read_client.post("/v1/check", content=big, headers={"content-type": "application/json"}), 413, "RL052")
    assert body["error"] == "request body is larger than 10485760 bytes"


def test_api_body_over_10mb_streamed_without_length_is_413(read_client):
    def chunks():  # chunked transfer: no Content-Length, so the cap must count bytes as they arrive
        yield b'{"text": "'
        for _ in range(11):
            yield b"a" * (1024 * 1024)
        yield b'"}'

    assert_error_shape(read_client.post("/v1/check", content=chunks(), headers={"content-type": "application/json"}), 413, "RL052")


def test_api_concurrent_checks_are_batched_and_give_the_same_verdicts(judge, seeded_store):
    """Concurrent checks are judged together in batches; each still gets exactly its own verdict."""
    batches: list[int] = []

    class Recording:
        def judge(self, article, **kw):
            return judge.judge(article, **kw)

        def judge_many(self, articles, **kw):
            batches.append(len(articles))
            return judge.judge_many(articles, **kw)

    recording = Recording()
    recording.version = judge.version
    app = create_app(store=seeded_store, judge=recording, read_only=True)
    bodies = [{"title": f"Story {i}", "text": f"A source close to star number {i} says the {'wedding' if i % 2 else 'split'} is "
               f"{'allegedly' if i % 3 else 'officially'} happening. " * (1 + i % 4)} for i in range(24)]

    async def send_all():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            return await asyncio.gather(*(client.post("/v1/check", json=b) for b in bodies))

    # A thread of its own: earlier tests (Playwright's sync API) may leave an event loop set
    # on the main thread, where asyncio.run() refuses to start.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        responses = pool.submit(asyncio.run, send_all()).result()
    # each body read as `check feed.jsonl` reads that record, judged alone
    expected = [judge.judge(record_to_article(b, "body", []), memory=seeded_store).as_dict() for b in bodies]
    assert [r.json() for r in responses] == expected
    assert sum(batches) == len(bodies) and max(batches) > 1, batches


def test_api_check_options_text_only_and_prevalence_are_per_request(judge, seeded_store):
    """`?text_only=true&prevalence=0.5` gives exactly `check --text-only --prevalence 0.5`'s
    verdict, even when concurrent requests with other options share a batch."""
    calls: list[tuple[int, tuple]] = []

    class Recording:
        def judge(self, article, **kw):
            return judge.judge(article, **kw)

        def judge_many(self, articles, **kw):
            calls.append((len(articles), tuple(sorted((k, v) for k, v in kw.items() if k in ("text_only", "prevalence")))))
            return judge.judge_many(articles, **kw)

    recording = Recording()
    recording.version = judge.version
    app = create_app(store=seeded_store, judge=recording, read_only=True)
    body = {"title": "Star pregnant?", "text": "A source close to the couple says the star is secretly pregnant. " * 3,
            "url": "https://www.hollywoodlife.com/2018/01/02/star-pregnant/"}
    queries = ["", "?prevalence=0.5", "?text_only=true", "?text_only=true&prevalence=0.5"] * 4

    async def send_all():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            return await asyncio.gather(*(client.post("/v1/check" + q, json=body) for q in queries))

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        responses = pool.submit(asyncio.run, send_all()).result()
    article = record_to_article(body, "body", [])
    options = {"": {}, "?prevalence=0.5": {"prevalence": 0.5}, "?text_only=true": {"text_only": True},
               "?text_only=true&prevalence=0.5": {"text_only": True, "prevalence": 0.5}}
    for q, r in zip(queries, responses):
        assert r.status_code == 200
        assert r.json() == judge.judge(article, memory=seeded_store, **options[q]).as_dict(), q
    by_query = {q: r.json() for q, r in zip(queries, responses)}
    assert by_query["?prevalence=0.5"]["p_fake"] > by_query[""]["p_fake"]  # 50% fakes expected instead of ~21%
    assert by_query["?text_only=true"]["text_only"] and not by_query[""]["text_only"]
    assert any(s["kind"] == "outlet_record" for s in by_query[""]["signals"])  # the outlet's record is shown...
    assert not any(s["kind"] == "outlet_record" for s in by_query["?text_only=true"]["signals"])  # ...unless ignored
    assert sum(n for n, _ in calls) == len(queries) and len({o for _, o in calls}) == 4, calls

    client = TestClient(app)
    for bad in ("?prevalence=1.5", "?prevalence=0", "?prevalence=lots"):
        r = client.post("/v1/check" + bad, json=body)
        assert_error_shape(r, 422, "RL070")
        assert "prevalence" in r.json()["error"]


def test_api_accurate_checks_run_beside_fast_ones(judge, seeded_store):
    """`?accurate=true` is judged by the accurate judge in a worker thread: a fast check sent
    while a slow accurate one runs is answered first, and each gets its own judge's verdict."""
    release = threading.Event()
    reader = SlowReader(judge, release)
    with_reader = WithReader(judge, reader)
    app = create_app(store=seeded_store, judge=with_reader, read_only=True)

    async def scenario():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as client:
            slow = asyncio.create_task(client.post("/v1/check?accurate=true&text_only=true", json=ARTICLE))
            for _ in range(2000):  # until the accurate batch is being judged
                if reader.batches:
                    break
                await asyncio.sleep(0.005)
            fast = await asyncio.wait_for(client.post("/v1/check", json=ARTICLE), 15)
            release.set()
            again = await client.post("/v1/check?accurate=true", json=ARTICLE)
            return fast, await asyncio.wait_for(slow, 25), again, threading.get_ident()

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        fast, slow, again, loop_thread = pool.submit(asyncio.run, scenario()).result()
    article = record_to_article(ARTICLE, "body", [])
    assert fast.status_code == 200 and fast.json() == judge.judge(article, memory=seeded_store).as_dict()
    assert slow.status_code == 200, slow.text
    expected = dataclasses.replace(judge.judge(article, memory=seeded_store, text_only=True), model_version=reader.version)
    assert slow.json() == expected.as_dict()
    assert again.json()["model_version"] == reader.version and not again.json()["text_only"]
    assert with_reader.loads == 1  # loaded once, on the first request that asked
    assert len(reader.batches) == 2 and all(thread != loop_thread for _, thread in reader.batches)


def test_api_accurate_not_offered_is_501_rl079_and_healthz_says_why(judge, small_model_dir):
    from rumorlens.model.judge import Judge

    message = "this server does not offer the accurate mode: {}; drop the accurate option for the fast check, or have the server's operator fix that"
    off = TestClient(create_app(judge=WithReader(judge, SlowReader(judge)), read_only=True, accurate=False), raise_server_exceptions=False)
    body = assert_error_shape(off.post("/v1/check?accurate=true", json=ARTICLE), 501, "RL079")
    assert body["error"] == message.format("it was started with --no-accurate")
    assert off.get("/healthz").json()["accurate"] == "off"
    assert off.post("/v1/check", json=ARTICLE).status_code == 200  # the fast check is unaffected

    # a model trained without --accurate: the reason, with its own code, reaches the client
    no_reader = TestClient(create_app(judge=Judge.load(small_model_dir), read_only=True), raise_server_exceptions=False)
    health = no_reader.get("/healthz").json()
    assert health["ok"] and health["accurate"].startswith("unavailable: "), health
    body = assert_error_shape(no_reader.post("/v1/check?accurate=true", json=ARTICLE), 501, "RL079")
    assert body["error"].startswith("this server does not offer the accurate mode: ") and "[RL026]" in body["error"]
    assert "rumorlens train --accurate" in body["error"]
    assert no_reader.get("/healthz").json()["accurate"].startswith("unavailable: ")

    ready = TestClient(create_app(judge=WithReader(judge, SlowReader(judge)), read_only=True))
    assert ready.get("/healthz").json()["accurate"] == "available"
    assert ready.post("/v1/check?accurate=true", json=ARTICLE).json()["model_version"].endswith("+reader-test")
    assert ready.get("/healthz").json()["accurate"] == "ready"
    assert_error_shape(ready.post("/v1/check?accurate=maybe", json=ARTICLE), 422, "RL070")


def test_api_one_failing_article_fails_only_its_own_request(judge, seeded_store):
    """A batch that raises is retried article by article: neighbours still get their verdicts."""

    class Flaky:
        def judge(self, article, **kw):
            if "poison" in article.text:
                raise RuntimeError("boom")
            return judge.judge(article, **kw)

        def judge_many(self, articles, **kw):
            return [self.judge(a, **kw) for a in articles]

    flaky = Flaky()
    flaky.version = judge.version
    app = create_app(store=seeded_store, judge=flaky, read_only=True)
    bodies = [{"text": f"A source says story {i} is {'poison' if i == 3 else 'fine'}."} for i in range(8)]

    async def send_all():
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await asyncio.gather(*(client.post("/v1/check", json=b) for b in bodies))

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        responses = pool.submit(asyncio.run, send_all()).result()
    assert [r.status_code for r in responses] == [200, 200, 200, 500, 200, 200, 200, 200]
    assert_error_shape(responses[3], 500, "RL074")


def test_api_warm_up_builds_the_store_caches_before_the_first_request(judge, seeded_store):
    """`rumorlens serve` warms up before listening: the first check must not build the debunk
    index and scorecard while clients wait, and the warmed objects are frozen out of the GC."""
    import gc

    from rumorlens.api.service import Service

    import threading

    seeded_store.refresh()  # its views current, as a server's are once drawn
    seeded_store._cache.clear()
    seeded_store._last_views.clear()  # a server that just started has drawn none (else it serves those and redraws in threads)
    seeded_store.refresh_in_background = True  # as `serve` opens it
    try:
        Service(store=seeded_store, judge=judge, read_only=True).warm_up()
        assert "debunks" in seeded_store._cache and "scorecard:10" in seeded_store._cache
        assert gc.get_freeze_count() > 0
        # the people scorecard, which only pages read, is drawn in a thread the warm-up started
        (ahead,) = [t for t in threading.enumerate() if t.name == "rumorlens-people-ahead"] or [None]
        if ahead is not None:
            ahead.join(30)
        assert "people:10" in seeded_store._cache
        assert "debunks" in seeded_store._cache, "drawing the people evicted nothing"
    finally:
        seeded_store.refresh_in_background = False
        gc.unfreeze()


# -- URL rules -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "url, host",
    [
        ("http://127.0.0.1:8000/healthz", "127.0.0.1"),
        ("http://10.1.2.3/story", "10.1.2.3"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
        ("http://[::1]/x", "::1"),
        ("http://localhost/x", "localhost"),
        ("http://192.168.0.10/x", "192.168.0.10"),
    ],
)
def test_api_check_refuses_private_urls(read_client, url, host):
    body = assert_error_shape(read_client.post("/v1/check", json={"url": url}), 422, "RL015")
    assert f"({host})" in body["error"]


def _mock_web(monkeypatch, routes: dict[str, httpx.Response], seen: list[str]):
    """Route the fetcher's HTTP through a mock transport and treat *.public.test as public."""
    from rumorlens.read import fetch

    real_is_public = fetch.is_public_host
    monkeypatch.setattr(fetch, "is_public_host", lambda host: host.endswith("public.test") or real_is_public(host))

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return routes.get(str(request.url), httpx.Response(404))

    real_client = httpx.Client
    # the mock stands in for the network, in place of the pinned transport that would dial it
    monkeypatch.setattr(httpx, "Client", lambda *a, **kw: real_client(*a, **{**kw, "transport": httpx.MockTransport(handler)}))


def test_api_check_refuses_redirect_into_metadata_range(read_client, monkeypatch):
    seen: list[str] = []
    _mock_web(monkeypatch, {"http://news.public.test/story": httpx.Response(302, headers={"location": "http://169.254.169.254/latest/meta-data/"})}, seen)
    body = assert_error_shape(read_client.post("/v1/check", json={"url": "http://news.public.test/story"}), 422, "RL015")
    assert "(169.254.169.254)" in body["error"]
    assert seen == ["http://news.public.test/story"], "the private address must never be requested"


def test_api_check_fetches_public_url(read_client, monkeypatch):
    page = "<html><head><title>Lamar Odom speaks out</title></head><body><article><h1>Lamar Odom speaks out</h1>" + (
        "<p>Lamar Odom told reporters on the record that he wishes Khloe Kardashian well and that the rumours are untrue.</p>" * 3
    ) + "</article></body></html>"
    seen: list[str] = []
    _mock_web(monkeypatch, {"http://news.public.test/lamar": httpx.Response(200, html=page)}, seen)
    resp = read_client.post("/v1/check", json={"url": "http://news.public.test/lamar"})
    assert resp.status_code == 200, resp.text
    assert "wishes Khloe Kardashian well" in resp.json()["text"]
    assert resp.json()["outlet"] == "news.public.test"


def test_api_check_of_a_feed_url_says_it_is_a_feed_not_one_verdict_for_its_first_item(read_client, monkeypatch):
    """A verdict on a feed's first item would pass for the feed's; the REST check of one URL says
    what it was given instead, and where every item is judged."""
    from test_read import RSS

    _mock_web(monkeypatch, {"http://news.public.test/feed": httpx.Response(200, content=RSS.encode(), headers={"content-type": "application/rss+xml"})}, [])
    body = assert_error_shape(read_client.post("/v1/check", json={"url": "http://news.public.test/feed"}), 422, "RL054")
    assert body["error"].startswith("request: http://news.public.test/feed is an RSS or Atom feed of several stories, not one article")
    assert "send it to POST /v1/check/feed" in body["error"]
    got = read_client.post("/v1/check", json=[{"url": "http://news.public.test/feed"}, {"text": "A source says so."}]).json()
    assert [e["code"] for e in got["errors"]] == ["RL054"] and len(got["verdicts"]) == 2 and got["verdicts"][0] is None


def test_api_check_feed_judges_every_item_in_order_as_check_does_the_saved_feed(read_client, judge, monkeypatch, tmp_path):
    """`POST /v1/check/feed`: each item of a public feed judged, in order, to the verdict `rumorlens
    check feed.rss --json` gives the same feed saved to a file; the empty item is an error in its
    place. Private feeds are refused before any fetch, as for /v1/check."""
    from test_read import RSS
    from typer.testing import CliRunner

    from rumorlens.cli import app as cli_app

    seen: list[str] = []
    _mock_web(monkeypatch, {"http://news.public.test/feed": httpx.Response(200, content=RSS.encode(), headers={"content-type": "application/rss+xml"})}, seen)
    resp = read_client.post("/v1/check/feed", json={"url": "http://news.public.test/feed"})
    assert resp.status_code == 200, resp.text
    got = resp.json()
    assert got["ok"] is False and got["count"] == 3 and got["judged"] == 2 and got["feed"] == "http://news.public.test/feed"
    assert got["prevalence"] is None
    assert [v and v["id"] for v in got["verdicts"]] == ["celebnews-1001", got["verdicts"][1]["id"], None]
    assert got["errors"] == [{"index": 2, "code": "RL019", "error": got["errors"][0]["error"]}]
    assert got["errors"][0]["error"].startswith("http://news.public.test/feed#3: feed item has no title")
    assert any("[RW009]" in w for w in got["verdicts"][1]["warnings"])  # the teaser says so, as in check
    saved = tmp_path / "celeb.rss"
    saved.write_text(RSS, encoding="utf-8")
    cli = CliRunner().invoke(cli_app, ["check", str(saved), "--json", "--prevalence", "train"], env={"RUMORLENS_MODEL": str(judge.path)})
    from_file = [json.loads(line) for line in cli.stdout.splitlines()]
    assert [v["p_fake"] for v in got["verdicts"][:2]] == [v["p_fake"] for v in from_file]
    assert [v["signals"] for v in got["verdicts"][:2]] == [v["signals"] for v in from_file]
    assert_error_shape(read_client.post("/v1/check/feed", json={"url": "http://10.0.0.8/feed"}), 422, "RL015")
    assert_error_shape(read_client.post("/v1/check/feed", json={"link": "http://news.public.test/feed"}), 422, "RL070")
    assert seen == ["http://news.public.test/feed"]


def test_api_check_feed_of_one_unreadable_item_lists_its_error_and_a_dead_feed_is_the_requests(read_client, monkeypatch):
    """A feed whose only item cannot be read was fetched: the reply is the list, its one item an
    error in its place, as in a longer feed. A feed that cannot be fetched is the request's error."""
    from test_read import RSS

    one_empty = RSS[: RSS.index("<item>")] + "<item><title></title><description></description></item></channel></rss>"
    _mock_web(monkeypatch, {"http://news.public.test/feed": httpx.Response(200, content=one_empty.encode(), headers={"content-type": "application/rss+xml"})}, [])
    resp = read_client.post("/v1/check/feed", json={"url": "http://news.public.test/feed"})
    assert resp.status_code == 200, resp.text
    got = resp.json()
    assert (got["ok"], got["count"], got["judged"], got["verdicts"]) == (False, 1, 0, [None])
    assert [e["code"] for e in got["errors"]] == ["RL019"] and got["errors"][0]["error"].startswith("http://news.public.test/feed#1: feed item has no title")
    body = assert_error_shape(read_client.post("/v1/check/feed", json={"url": "http://news.public.test/gone"}), 422, "RL010")
    assert "http://news.public.test/gone" in body["error"]


def test_api_articles_feed_stores_every_item_with_the_token_and_fetches_teasers_stories(write_client, fresh_store, monkeypatch):
    """`POST /v1/articles/feed` (token): the feed's items stored as `rumorlens ingest URL` stores
    them; with fetch_stories a teaser is stored with the story its link leads to; a second post
    stores nothing new; no token, no fetch."""
    page = ("<html><body><article><h1>Swift tour</h1><p>" + "Taylor Swift told Billboard on Monday that her tour begins in May. " * 4
            + "</p></article></body></html>")
    from test_read import RSS

    seen: list[str] = []
    _mock_web(monkeypatch, {"http://news.public.test/feed": httpx.Response(200, content=RSS.replace("https://www.celebnews.example/swift-tour", "http://news.public.test/swift").encode(),
                                                                           headers={"content-type": "application/rss+xml"}),
                            "http://news.public.test/swift": httpx.Response(200, html=page)}, seen)
    assert_error_shape(write_client.post("/v1/articles/feed", json={"url": "http://news.public.test/feed"}), 401, "RL051")
    assert seen == []
    resp = write_client.post("/v1/articles/feed", json={"url": "http://news.public.test/feed", "fetch_stories": True}, headers=auth())
    assert resp.status_code == 201, resp.text
    got = resp.json()
    assert got["saved"] == 2 and got["count"] == 3 and [e["code"] for e in got["errors"]] == ["RL019"]
    assert got["ids"][0] == "celebnews-1001" and "text" not in got["verdicts"][0]
    assert fresh_store.count() == 2
    stored = write_client.get("/v1/articles/" + got["ids"][1]).json()
    assert stored["text"].count("told Billboard on Monday") == 4 and stored["warnings"] == []
    again = write_client.post("/v1/articles/feed", json={"url": "http://news.public.test/feed"}, headers=auth()).json()
    assert again["saved"] == 0 and fresh_store.count() == 2


# -- POST /v1/articles -------------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"Authorization": "Basic " + TOKEN}])
def test_api_add_articles_needs_bearer_token(write_client, headers):
    body = assert_error_shape(write_client.post("/v1/articles", json=ARTICLE, headers=headers), 401, "RL051")
    assert body["error"] == "missing or wrong bearer token; send 'Authorization: Bearer <RUMORLENS_TOKEN>'"
    assert write_client.get("/v1/articles").json()["count"] == 0, "nothing may be stored without the token"


def test_api_add_one_article_then_read_it_back(write_client):
    resp = write_client.post("/v1/articles", json={**ARTICLE, "id": "jen-1", "label": "fake"}, headers=auth())
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["ok"] is True and body["saved"] == 1 and body["ids"] == ["jen-1"]
    got = write_client.get("/v1/articles/jen-1").json()
    assert got["title"] == ARTICLE["title"]
    assert got["known_label"] == "fake"
    assert got["label"] == body["verdicts"][0]["label"]
    assert got["p_fake"] == body["verdicts"][0]["p_fake"]
    assert [s["kind"] for s in got["signals"]] == [s["kind"] for s in body["verdicts"][0]["signals"]]


def test_api_a_stored_headline_reads_back_as_judged_alone(write_client):
    """A headline stored without a body reads back with the headline once (not title, newline,
    title), its signals still pointing into it, and RW005 among the warnings, on the dashboard too."""
    title = "Insider: Star Secretly Pregnant And Heartbroken"
    resp = write_client.post("/v1/articles", json=[{"id": "head-1", "title": title}, {**ARTICLE, "id": "story-1"}], headers=auth())
    assert resp.status_code == 201, resp.text
    got = write_client.get("/v1/articles/head-1").json()
    assert got["title"] == got["text"] == title
    # the warning it was read with, kept by the store (where it was in the request and which article, once)
    assert got["warnings"] == ["body[0] (id head-1): no article body, so only the headline is judged, which is less reliable; give the body as 'text' if you have it [RW005]"]
    assert got["signals"] and all(got["text"][s["start"]:s["end"]] == s["text"] for s in got["signals"] if s["start"] >= 0)
    page = write_client.get("/articles/head-1", headers={"accept": "text/html"}).text
    assert 'data-testid="warnings"' in page and "[RW005]" in page
    story = write_client.get("/v1/articles/story-1").json()
    assert story["warnings"] == [] and story["text"] == f"{ARTICLE['title']}\n{ARTICLE['text']}"


# -- POST /v1/articles/{id}/rulings -------------------------------------------------------------------
def test_api_a_ruling_becomes_the_final_label_and_keeps_the_history(write_client):
    """A fact-checker's ruling: needs the token, is the article's final label in the listing's
    filter and on the article, and a second one is the one in force."""
    write_client.post("/v1/articles", json=[{**ARTICLE, "id": "jen-1", "label": "fake"}, {**ANOTHER, "id": "other"}], headers=auth())
    for headers in ({}, {"Authorization": "Bearer wrong"}):
        assert_error_shape(write_client.post("/v1/articles/jen-1/rulings", json={"label": "real"}, headers=headers), 401, "RL051")
    assert write_client.get("/v1/articles/jen-1").json()["rulings"] == [], "nothing may be ruled without the token"
    resp = write_client.post("/v1/articles/jen-1/rulings", json={"label": "real", "note": "Her rep confirmed it to us", "by": "Jane D."}, headers=auth())
    assert resp.status_code == 201, resp.text
    body = resp.json()
    assert body["ok"] is True and body["id"] == "jen-1" and body["final_label"] == "real"
    assert {k: body["ruling"][k] for k in ("label", "note", "reviewer")} == {"label": "real", "note": "Her rep confirmed it to us", "reviewer": "Jane D."}
    got = write_client.get("/v1/articles/jen-1").json()
    assert (got["known_label"], got["final_label"], got["label_source"]) == ("fake", "real", "ruling")
    assert got["label"] in ("fake", "real") and got["p_fake"] is not None  # the model's verdict is still there, as judged
    listed = write_client.get("/v1/articles?label=real").json()["articles"]
    assert [(a["id"], a["ruling"], a["label_source"]) for a in listed if a["id"] == "jen-1"] == [("jen-1", "real", "ruling")]
    assert "jen-1" not in [a["id"] for a in write_client.get("/v1/articles?label=fake").json()["articles"]]
    write_client.post("/v1/articles/jen-1/rulings", json={"label": "fake"}, headers=auth())
    got = write_client.get("/v1/articles/jen-1").json()
    assert [r["label"] for r in got["rulings"]] == ["real", "fake"] and got["final_label"] == "fake"


def test_api_the_queue_of_unruled_articles_most_likely_fake_first_pages_by_offset(write_client):
    items = [{"id": f"s{i}", "title": f"Story {i}", "text": t, "published": 1500000000 + i}
             for i, t in enumerate(["Kim told People on the record all is well.", "An insider claims the couple secretly split, sources say.",
                                    "A source close to the star says she is allegedly pregnant. Shocking!", "The premiere was on Monday, she told Variety."])]
    write_client.post("/v1/articles", json=items, headers=auth())
    judged = {a["id"]: a["p_fake"] for a in write_client.get("/v1/articles").json()["articles"]}
    likeliest = max(judged, key=judged.get)
    write_client.post(f"/v1/articles/{likeliest}/rulings", json={"label": "fake"}, headers=auth())
    first = write_client.get("/v1/articles?ruled=false&sort=p_fake&limit=2").json()
    rest = sorted((i for i in judged if i != likeliest), key=lambda i: -judged[i])
    assert [a["id"] for a in first["articles"]] == rest[:2] and first["total"] == 3
    assert first["next"] == "/v1/articles?ruled=false&sort=p_fake&limit=2&offset=2"  # by offset: a p_fake order has no "after"
    second = write_client.get(first["next"]).json()
    assert [a["id"] for a in second["articles"]] == rest[2:] and second["next"] is None
    assert [a["id"] for a in write_client.get("/v1/articles?ruled=true").json()["articles"]] == [likeliest]
    err = assert_error_shape(write_client.get(f"/v1/articles?sort=p_fake&after={rest[0]}"), 422, "RL070")
    assert err["error"] == "field 'after' is invalid: it pages newest first; page a list sorted by p_fake with offset; fix the request (schemas at /docs)"
    assert_error_shape(write_client.get("/v1/articles?sort=oldest"), 422, "RL070")
    page = write_client.get("/articles?ruled=no&sort=p_fake", headers={"accept": "text/html"}).text
    assert page.index(f"/articles/{rest[0]}") < page.index(f"/articles/{rest[1]}") and f"/articles/{likeliest}\"" not in page
    assert '<option value="no" selected>' in page and '<option value="p_fake" selected>' in page
    assert '<a href="/articles?ruled=no&amp;sort=p_fake" title="the likeliest fakes nobody has ruled on yet" class="on">Queue</a>' in page


def test_api_delete_removes_a_stored_article_with_the_token_only(write_client, judge, seeded_store):
    write_client.post("/v1/articles", json=[{**ARTICLE, "id": "jen-1"}, {**ANOTHER, "id": "other"}], headers=auth())
    write_client.post("/v1/articles/jen-1/rulings", json={"label": "fake"}, headers=auth())
    assert_error_shape(write_client.delete("/v1/articles/jen-1"), 401, "RL051")
    assert write_client.get("/v1/articles/jen-1").status_code == 200, "nothing may be deleted without the token"
    resp = write_client.delete("/v1/articles/jen-1", headers=auth())
    assert resp.status_code == 200 and resp.json() == {"ok": True, "deleted": "jen-1"}
    assert_error_shape(write_client.get("/v1/articles/jen-1"), 404, "RL075")
    assert [a["id"] for a in write_client.get("/v1/articles").json()["articles"]] == ["other"]
    body = assert_error_shape(write_client.delete("/v1/articles/jen-1", headers=auth()), 404, "RL075")
    assert body["error"] == "no article with id 'jen-1'; list them at /v1/articles"
    some_id = seeded_store.search(limit=1)[0]["id"]
    client = TestClient(create_app(store=seeded_store, judge=judge, read_only=True), raise_server_exceptions=False)
    assert_error_shape(client.delete(f"/v1/articles/{some_id}", headers=auth()), 403, "RL077")
    assert seeded_store.summaries([some_id])


def test_api_and_dashboard_serve_ids_with_slashes_hashes_and_spaces(write_client):
    """A feed's own ids may be paths or URLs ("people/2018/khloe split?#2"): every route takes
    them percent-encoded, and every dashboard link to an article encodes them."""
    from urllib.parse import quote

    odd = "people/2018/khloe split?#2"
    write_client.post("/v1/articles", json=[{**ARTICLE, "id": odd}, {**ANOTHER, "id": "plain"}], headers=auth())
    path = quote(odd, safe="")
    assert write_client.get(f"/v1/articles/{path}").json()["id"] == odd
    assert write_client.post(f"/v1/articles/{path}/rulings", json={"label": "real"}, headers=auth()).status_code == 201
    assert write_client.get(f"/v1/articles/{path}").json()["final_label"] == "real"
    listing = write_client.get("/articles", headers={"accept": "text/html"}).text
    assert 'href="/articles/people/2018/khloe%20split%3F%232"' in listing
    page = write_client.get("/articles/people/2018/khloe%20split%3F%232", headers={"accept": "text/html"})
    assert page.status_code == 200 and 'action="/articles/people/2018/khloe%20split%3F%232/rulings"' in page.text
    ruled = write_client.post("/articles/people/2018/khloe%20split%3F%232/rulings", data={"label": "fake", "token": TOKEN},
                              headers={"accept": "text/html"}, follow_redirects=False)
    assert ruled.status_code == 303 and ruled.headers["location"] == f"/articles/{path}#rulings"
    assert write_client.get(ruled.headers["location"].split("#")[0], headers={"accept": "text/html"}).status_code == 200
    assert write_client.delete(f"/v1/articles/{path}", headers=auth()).json() == {"ok": True, "deleted": odd}
    assert [a["id"] for a in write_client.get("/v1/articles").json()["articles"]] == ["plain"]


@pytest.mark.parametrize("body, field", [({"label": "maybe"}, "label"), ({}, "label"), ({"label": "fake", "verdict": "x"}, "verdict"),
                                         ({"label": "fake", "note": "x" * 2001}, "note"), ({"label": "fake", "by": "y" * 201}, "by")])
def test_api_a_ruling_that_cannot_be_kept_is_422_naming_the_field(write_client, body, field):
    write_client.post("/v1/articles", json={**ARTICLE, "id": "jen-1"}, headers=auth())
    err = assert_error_shape(write_client.post("/v1/articles/jen-1/rulings", json=body, headers=auth()), 422, "RL070")
    assert err["errors"][0]["field"] == field
    assert write_client.get("/v1/articles/jen-1").json()["rulings"] == []


def test_api_a_ruling_on_an_unknown_article_is_404_and_read_only_servers_take_none(write_client, judge, seeded_store):
    body = assert_error_shape(write_client.post("/v1/articles/nope/rulings", json={"label": "fake"}, headers=auth()), 404, "RL075")
    assert body["error"] == "no article with id 'nope'; list them at /v1/articles"
    some_id = seeded_store.search(limit=1)[0]["id"]
    client = TestClient(create_app(store=seeded_store, judge=judge, read_only=True), raise_server_exceptions=False)
    assert_error_shape(client.post(f"/v1/articles/{some_id}/rulings", json={"label": "fake"}, headers=auth()), 403, "RL077")
    assert seeded_store.article(some_id)["rulings"] == []


def test_api_add_a_list_of_articles(write_client):
    items = [{"id": f"a{i}", "title": f"Story {i}", "text": f"A source says story number {i} is true."} for i in range(3)]
    resp = write_client.post("/v1/articles", json=items, headers=auth())
    assert resp.status_code == 201, resp.text
    assert resp.json()["saved"] == 3
    again = write_client.post("/v1/articles", json=items, headers=auth())
    assert again.json()["saved"] == 0, "re-posting stored ids is idempotent"
    assert write_client.get("/v1/articles").json()["count"] == 3


def test_api_add_articles_text_only_and_accurate_store_those_verdicts(judge, fresh_store):
    """`?text_only=true` and `?accurate=true` on POST /v1/articles store what `ingest --text-only`
    and `ingest --accurate` would: the text-only p_fake, the accurate judge's verdict."""
    app = create_app(store=fresh_store, judge=WithReader(judge, SlowReader(judge)), token=TOKEN)
    story = {**ARTICLE, "url": "https://www.example-tabloid.com/jen-twins"}
    with TestClient(app, raise_server_exceptions=False) as client:
        fast = client.post("/v1/articles?text_only=true", json={**story, "id": "plain"}, headers=auth()).json()["verdicts"][0]
        article = record_to_article({**story, "id": "plain"}, "want", [])
        want, outlet = judge.judge(article, text_only=True).as_dict(), judge.judge(article).as_dict()
        assert fast["p_fake"] == want["p_fake"] != outlet["p_fake"] and fast["model_version"] == judge.version
        resp = client.post("/v1/articles?accurate=true", json={**story, "id": "slow"}, headers=auth())
        assert resp.status_code == 201, resp.text
        assert resp.json()["verdicts"][0]["model_version"] == judge.version + "+reader-test"
        assert client.get("/v1/articles/slow").json()["model_version"] == judge.version + "+reader-test"
        many = [{"id": f"m{i}", "text": f"A source says story {i} is true."} for i in range(101)]
        body = assert_error_shape(client.post("/v1/articles?accurate=true", json=many, headers=auth()), 422, "RL070")
        assert "101 articles in one request with accurate=true; send at most 100" in body["error"]
        assert client.get("/v1/articles").json()["count"] == 2
    # a server without the accurate mode says so and stores nothing
    off = create_app(store=fresh_store, judge=WithReader(judge, SlowReader(judge)), token=TOKEN, accurate=False)
    with TestClient(off, raise_server_exceptions=False) as client:
        assert_error_shape(client.post("/v1/articles?accurate=true", json={**story, "id": "never"}, headers=auth()), 501, "RL079")
        assert client.get("/v1/articles").json()["count"] == 2


def test_api_add_list_with_a_bad_item_names_it_and_stores_nothing(write_client):
    items = [{"text": "fine"}, {"text": 42}]
    body = assert_error_shape(write_client.post("/v1/articles", json=items, headers=auth()), 422, "RL070")
    assert body["errors"][0]["field"] == "[1].text"
    assert write_client.get("/v1/articles").json()["count"] == 0


def test_api_add_empty_list_is_422(write_client):
    assert_error_shape(write_client.post("/v1/articles", json=[], headers=auth()), 422, "RL070")


# -- reads -----------------------------------------------------------------------------------------------
def test_api_search_filters(read_client):
    everything = read_client.get("/v1/articles?limit=1000").json()
    assert everything["count"] >= 200
    assert all("text" not in a for a in everything["articles"]), "lists leave the body out"
    khloe = read_client.get("/v1/articles", params={"q": "lamar odom"}).json()["articles"]
    assert {f"00{i}" for i in range(5)} <= {a["id"][:3] for a in khloe}
    outlet = everything["articles"][0]["outlet"]
    by_outlet = read_client.get("/v1/articles", params={"outlet": outlet}).json()["articles"]
    assert by_outlet and all(a["outlet"] == outlet for a in by_outlet)
    fakes = read_client.get("/v1/articles", params={"label": "fake"}).json()["articles"]
    assert fakes and all(a["final_label"] == "fake" for a in fakes)
    assert read_client.get("/v1/articles", params={"limit": 2}).json()["count"] == 2


def walk(client, first: str, key: str) -> tuple[list[dict], list[dict]]:
    """Every item of a listing, following each page's `next` link; and the pages' envelopes."""
    items, pages, url = [], [], first
    while url:
        body = client.get(url).json()
        pages.append({k: v for k, v in body.items() if k != key})
        items += body[key]
        url = body["next"]
    return items, pages


def test_api_search_pages_through_every_match_with_next_links(read_client):
    """A corpus bigger than one page: following `next` gives every match once, in order, with
    the filters kept; `total` says how many in all and the last page has no `next`."""
    everything = read_client.get("/v1/articles?limit=1000").json()
    assert everything["total"] == everything["count"] and everything["next"] is None
    items, pages = walk(read_client, "/v1/articles?limit=37", "articles")
    assert [a["id"] for a in items] == [a["id"] for a in everything["articles"]]
    assert [p["offset"] for p in pages] == list(range(0, everything["total"], 37))
    # each next page starts after the last article shown, so pages stay put while articles arrive
    assert all(p["next"] == f"/v1/articles?limit=37&after={a['id']}" for p, a in zip(pages, items[36::37]))
    assert all(p["total"] == everything["total"] for p in pages) and pages[-1]["next"] is None
    fakes = read_client.get("/v1/articles", params={"label": "fake", "limit": 1000}).json()
    items, pages = walk(read_client, "/v1/articles?label=fake&limit=5", "articles")
    assert [a["id"] for a in items] == [a["id"] for a in fakes["articles"]] and len(pages) > 1
    assert all("label=fake" in p["next"] for p in pages[:-1])
    past = read_client.get("/v1/articles", params={"offset": 100_000}).json()
    assert past["count"] == 0 and past["total"] == everything["total"] and past["next"] is None


def test_api_stories_page_by_size(read_client):
    everything = read_client.get("/v1/stories?limit=1000").json()
    items, pages = walk(read_client, "/v1/stories?limit=1", "stories")
    assert [s["id"] for s in items] == [s["id"] for s in everything["stories"]] and len(pages) == everything["total"]
    big = read_client.get("/v1/stories", params={"min_size": 3}).json()
    assert big["total"] == sum(s["n"] >= 3 for s in everything["stories"]) and all(s["n"] >= 3 for s in big["stories"])
    assert_error_shape(read_client.get("/v1/stories?min_size=1"), 422, "RL070")
    # searched by a name in a storyline's title or its stories' headlines
    name = everything["stories"][0]["people"][0]
    found = read_client.get("/v1/stories", params={"q": name.upper(), "limit": 1000}).json()
    assert found["total"] == len(found["stories"]) >= 1 and everything["stories"][0]["id"] in [s["id"] for s in found["stories"]]
    assert all(name.lower() in s["title"].lower() or any(name.lower() in (e["title"] or "").lower() for e in s["timeline"])
               for s in found["stories"])
    none = read_client.get("/v1/stories", params={"q": "zzz no such words"}).json()
    assert (none["total"], none["stories"]) == (0, [])


def test_api_search_next_page_stays_put_while_articles_are_added(write_client):
    """A team's store keeps growing while someone pages through it: the next page starts right
    after the last article they saw, where an offset would show it again."""
    client = write_client
    post = lambda i, day: client.post("/v1/articles", headers=auth(), json={  # noqa: E731
        "id": f"s{i}", "title": f"Story {i}", "text": "A source says the couple split. " * 5, "published": f"2018-01-{day:02d}"})
    for i in range(1, 6):
        assert post(i, 10 + i).status_code == 201
    first = client.get("/v1/articles?limit=2").json()
    assert [a["id"] for a in first["articles"]] == ["s5", "s4"] and first["next"] == "/v1/articles?limit=2&after=s4"
    assert post(6, 28).status_code == 201  # newest of all: lands on the first page
    second = client.get(first["next"]).json()
    assert [a["id"] for a in second["articles"]] == ["s3", "s2"] and second["offset"] == 3 and second["total"] == 6
    assert [a["id"] for a in client.get("/v1/articles?limit=2&offset=2").json()["articles"]] == ["s4", "s3"]
    gone = assert_error_shape(client.get("/v1/articles?after=no-such-id"), 422, "RL070")
    assert gone["error"] == ("field 'after' is invalid: no stored article has the id 'no-such-id'; start from the first page; "
                             "fix the request (schemas at /docs)")
    both = assert_error_shape(client.get("/v1/articles?after=s4&offset=2"), 422, "RL070")
    assert both["error"].startswith("field 'offset' is invalid: give offset or after, not both")


@pytest.mark.parametrize("query, field", [("limit=0", "limit"), ("limit=abc", "limit"), ("label=maybe", "label"), ("offset=-1", "offset")])
def test_api_search_bad_query_names_the_parameter(read_client, query, field):
    body = assert_error_shape(read_client.get(f"/v1/articles?{query}"), 422, "RL070")
    assert body["errors"][0]["field"] == field


def test_api_get_article_with_storyline(read_client):
    ids = [a["id"] for a in read_client.get("/v1/articles", params={"q": "lamar odom"}).json()["articles"]]
    seed_id = sorted(i for i in ids if i.startswith("00"))[0]
    got = read_client.get(f"/v1/articles/{seed_id}").json()
    assert "Khloe" in got["text"]
    assert got["storyline"] is not None and seed_id in got["storyline"]["article_ids"]
    assert isinstance(got["near_duplicates"], list)


def test_api_hostile_article_is_returned_verbatim_as_json(read_client):
    got = read_client.get("/v1/articles/hostile-1").json()
    assert got["title"] == HOSTILE_TITLE  # JSON carries data; escaping is the renderer's job


def test_api_stories_and_one_story(read_client):
    stories = read_client.get("/v1/stories").json()
    assert stories["ok"] is True and stories["count"] >= 1
    khloe = next(s for s in stories["stories"] if any(a.startswith("000_") for a in s["article_ids"]))
    one = read_client.get(f"/v1/stories/{khloe['id']}").json()
    assert one["id"] == khloe["id"]
    dates = [a["published"] or "" for a in one["articles"]]
    assert dates == sorted(dates), "a storyline lists its articles in date order"
    assert {a["id"] for a in one["articles"]} <= set(khloe["article_ids"])
    from rumorlens.corpus.storylines import title_people

    names = title_people(khloe["title"])
    assert one["related_total"] >= len(one["related"]) and khloe["id"] not in {r["id"] for r in one["related"]}
    assert all(name in r["title"] for r in one["related"] for name in names), "the others are about the same people"


def test_api_people_scorecard(read_client):
    """How often the stories about each person were fake: ranked people first, the most
    reliably faked first, then those in too few stories; ``limit`` takes the first of them."""
    body = read_client.get("/v1/people", params={"min_n": 2, "limit": 10_000}).json()
    assert body["ok"] is True and body["count"] == body["total"] >= 3 and body["updating"] is False
    ranked = [p for p in body["people"] if p["ranked"]]
    assert ranked and all(p["n"] >= 2 and 0 <= p["ci_low"] <= p["fake_rate"] <= p["ci_high"] <= 1 for p in ranked)
    assert [p["rank"] for p in ranked] == list(range(1, len(ranked) + 1))
    assert [p["ci_low"] for p in ranked] == sorted((p["ci_low"] for p in ranked), reverse=True)
    assert body["people"][: len(ranked)] == ranked and all(p["status"] == "too few articles" for p in body["people"][len(ranked) :])
    assert "Khloe Kardashian" in {p["person"] for p in ranked}  # the seeds' storyline is about her
    first = read_client.get("/v1/people", params={"min_n": 2, "limit": 1}).json()
    assert first["count"] == 1 and first["total"] == body["total"] and first["people"] == body["people"][:1]
    assert read_client.get("/healthz").json()["redrawing"] == {"storylines": False, "scorecard": False, "people": False}
    khloe = read_client.get("/v1/people", params={"q": "KHLOE", "min_n": 2}).json()
    assert khloe["total"] >= 1 and all("khlo" in p["person"].lower() for p in khloe["people"])
    assert khloe["people"] == [p for p in body["people"] if "khlo" in p["person"].lower()]


def test_api_one_person_with_years_storylines_and_stories(read_client):
    """`GET /v1/people/{name}`: the person's scorecard row (found in any case, accents
    ignored) with its years, the storylines about them and their stories newest first, up to
    ``limit``; a name no story is about is a 404 that says where to look."""
    listed = read_client.get("/v1/people", params={"min_n": 2, "q": "khloe"}).json()["people"][0]
    body = read_client.get("/v1/people/KHLOÉ KARDASHIAN", params={"min_n": 2, "limit": 1}).json()
    assert body["ok"] is True and body["updating"] is False
    assert {k: body[k] for k in listed} == listed, "the scorecard's row, as the list gives it"
    assert body["stories_total"] == listed["n"] >= 2 and len(body["stories"]) == 1
    assert sum(y["n"] for y in body["by_year"].values()) <= listed["n"]
    assert body["storylines"] and all("Khloe Kardashian" in s["title"] for s in body["storylines"])
    everything = read_client.get("/v1/people/khloe kardashian", params={"min_n": 2, "limit": 100}).json()["stories"]
    assert len(everything) == listed["n"] and everything[:1] == body["stories"]
    ran = collections.Counter(a["outlet"] for a in everything if a["outlet"])  # where their stories ran, most fakes first
    fakes = collections.Counter(a["outlet"] for a in everything if a["outlet"] and a["final_label"] == "fake")
    assert body["outlets_total"] == len(ran) and {o["outlet"]: (o["n"], o["n_fake"]) for o in body["outlets"]} == {
        k: (ran[k], fakes[k]) for k in [o["outlet"] for o in body["outlets"]]}
    assert [(-o["n_fake"], -o["n"], o["outlet"]) for o in body["outlets"]] == sorted((-o["n_fake"], -o["n"], o["outlet"]) for o in body["outlets"])
    assert sum(o["n"] for o in body["outlets"]) == sum(ran.values()) if len(ran) <= 10 else len(body["outlets"]) == 10
    assert [a["published"] or "" for a in everything] == sorted((a["published"] or "" for a in everything), reverse=True)
    missing = read_client.get("/v1/people/nobody at all")
    assert missing.status_code == 404 and missing.json()["code"] == "RL075" and "/v1/people?q=" in missing.json()["error"]
    assert read_client.get("/v1/people/" + "x" * 201).status_code == 422


def test_api_outlets_scorecard(read_client):
    body = read_client.get("/v1/outlets", params={"min_n": 3}).json()
    assert body["ok"] is True and body["count"] >= 10
    for o in body["outlets"]:
        assert o["n"] >= 1 and 0 <= o["ci_low"] <= o["fake_rate"] <= o["ci_high"] <= 1
    ranked = [o for o in body["outlets"] if o["ranked"]]
    assert len(ranked) >= 3 and all(o["n"] >= 3 for o in ranked)
    assert [o["rank"] for o in ranked] == list(range(1, len(ranked) + 1))
    assert body["outlets"][: len(ranked)] == ranked, "ranked outlets come first"
    assert all(o["status"] == "too few articles" for o in body["outlets"][len(ranked) :])
    default = read_client.get("/v1/outlets").json()["outlets"]
    assert all(o["n"] >= 10 for o in default if o["ranked"])


def test_api_outlets_scorecard_searches_and_pages(read_client):
    """`GET /v1/outlets?q=&limit=`: the outlets whose name holds q, in the scorecard's order, and
    the first ``limit`` of them, with how many there are in all; without either, all of them."""
    everything = read_client.get("/v1/outlets", params={"min_n": 3}).json()
    assert everything["count"] == everything["total"] == len(everything["outlets"])
    first = read_client.get("/v1/outlets", params={"min_n": 3, "limit": 2}).json()
    assert first["count"] == 2 and first["total"] == everything["total"] and first["outlets"] == everything["outlets"][:2]
    name = everything["outlets"][0]["outlet"]
    part = name.split(".")[0][1:].upper()
    found = read_client.get("/v1/outlets", params={"min_n": 3, "q": part}).json()
    assert found["outlets"] == [o for o in everything["outlets"] if part.lower() in o["outlet"]] and found["total"] >= 1
    assert read_client.get("/v1/outlets", params={"q": "no such outlet at all"}).json() | {"updating": False} == {
        "ok": True, "count": 0, "total": 0, "updating": False, "outlets": []}
    assert read_client.get("/v1/outlets", params={"limit": 0}).status_code == 422


def test_api_one_outlet_with_years_people_storylines_and_stories(read_client):
    """`GET /v1/outlets/{outlet}`: the outlet's scorecard row (found in any case, with or
    without www.) with its years, whom its stories were about, the storylines its stories are
    in and its stories newest first, up to ``limit``; an outlet with no stored story is a 404
    that says where to look."""
    listed = max(read_client.get("/v1/outlets", params={"min_n": 3}).json()["outlets"], key=lambda o: o["n"])
    body = read_client.get(f"/v1/outlets/WWW.{listed['outlet'].upper()}", params={"min_n": 3, "limit": 1}).json()
    assert body["ok"] is True and body["updating"] is False
    assert {k: body[k] for k in listed} == listed, "the scorecard's row, as the list gives it"
    assert body["stories_total"] == listed["n"] and len(body["stories"]) == 1
    everything = read_client.get(f"/v1/outlets/{listed['outlet']}", params={"min_n": 3, "limit": 10_000}).json()
    stories = everything["stories"]
    assert len(stories) == listed["n"] and stories[:1] == body["stories"] and {a["outlet"] for a in stories} == {listed["outlet"]}
    assert sum(a["final_label"] == "fake" for a in stories) == listed["n_fake"]
    assert [a["published"] or "" for a in stories] == sorted((a["published"] or "" for a in stories), reverse=True)
    assert [(-p["n_fake"], -p["n"], p["person"]) for p in body["people"]] == sorted((-p["n_fake"], -p["n"], p["person"]) for p in body["people"])
    assert body["people_total"] >= len(body["people"]) and all(0 <= p["n_fake"] <= p["n"] <= listed["n"] for p in body["people"])
    assert all(s["n_here"] >= 1 and s["n"] >= max(2, s["n_here"]) for s in body["storylines"])
    assert [s["n_here"] for s in body["storylines"]] == sorted((s["n_here"] for s in body["storylines"]), reverse=True)
    missing = read_client.get("/v1/outlets/nowhere.example")
    assert missing.status_code == 404 and missing.json()["code"] == "RL075" and "/v1/outlets?q=" in missing.json()["error"]
    assert read_client.get("/v1/outlets/" + "x" * 301).status_code == 422


# -- one error shape on every route -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "method, path, kwargs, status, code",
    [
        ("get", "/v1/articles/no-such-id", {}, 404, "RL075"),
        ("get", "/v1/stories/no-such-story", {}, 404, "RL075"),
        ("get", "/v1/articles?limit=-1", {}, 422, "RL070"),
        ("get", "/v1/outlets?min_n=0", {}, 422, "RL070"),
        ("get", "/v1/people?min_n=0", {}, 422, "RL070"),
        ("get", "/v1/people?limit=0", {}, 422, "RL070"),
        ("post", "/v1/check", {"json": {}}, 422, "RL053"),
        ("post", "/v1/articles", {"json": ARTICLE}, 401, "RL051"),
        ("post", "/v1/articles", {"content": b"{", "headers": auth()}, 422, "RL071"),
        ("get", "/v1/nope", {}, 404, "RL072"),
        ("delete", "/v1/articles", {}, 405, "RL073"),
        ("get", "/v1/check", {}, 405, "RL073"),
    ],
)
def test_api_error_shape_on_every_route(read_client, method, path, kwargs, status, code):
    assert_error_shape(getattr(read_client, method)(path, **kwargs), status, code)


def test_api_missing_article_message_says_where_to_look(read_client):
    body = assert_error_shape(read_client.get("/v1/articles/nope"), 404, "RL075")
    assert body["error"] == "no article with id 'nope'; list them at /v1/articles"


def test_api_without_store_reads_are_503_and_check_works(judge):
    client = TestClient(create_app(judge=judge, read_only=True), raise_server_exceptions=False)
    for path in ("/v1/articles", "/v1/articles/x", "/v1/stories", "/v1/stories/x", "/v1/outlets", "/v1/people"):
        assert_error_shape(client.get(path), 503, "RL078")
    assert client.post("/v1/check", json=ARTICLE).status_code == 200


def test_api_internal_error_is_coded_without_traceback(judge):
    class Broken:
        version = "broken"

        def judge(self, article, **kw):
            raise RuntimeError("secret internals /etc/passwd")

    client = TestClient(create_app(judge=Broken(), read_only=True), raise_server_exceptions=False)
    body = assert_error_shape(client.post("/v1/check", json=ARTICLE), 500, "RL074")
    assert "secret" not in json.dumps(body) and "Traceback" not in json.dumps(body)


def test_api_workers_build_the_app_from_the_environment(monkeypatch, tmp_path, small_model_dir):
    """`serve --workers N` hands its options to each worker through the environment
    (api/server.py): model, store, read-only and --no-accurate all arrive."""
    from rumorlens.api.server import app_from_env
    from rumorlens.model.judge import Judge

    monkeypatch.setenv("RUMORLENS_MODEL", str(small_model_dir))
    monkeypatch.setenv("RUMORLENS_DB", str(tmp_path / "w.db"))
    monkeypatch.setenv("RUMORLENS_READ_ONLY", "1")
    monkeypatch.setenv("RUMORLENS_ACCURATE", "0")
    client = TestClient(app_from_env(), raise_server_exceptions=False)
    health = client.get("/healthz").json()
    assert health == {**health, "ok": True, "model_version": Judge.load(small_model_dir).version, "read_only": True,
                      "accurate": "off", "store": "ok", "articles": 0}
    assert_error_shape(client.post("/v1/check?accurate=true", json=ARTICLE), 501, "RL079")
    assert_error_shape(client.post("/v1/articles", json=ARTICLE, headers=auth()), 403, "RL077")


@pytest.mark.parametrize("body", [
    b'{"text": "An insider says \\ud800 she is expecting.", "published": "\\udfff"}',
    b'{"html": "<article><h1>Star expecting?</h1><p>An insider says \\ud800 she is expecting twins, sources close to her claim.</p>'
    b'<p>Her representative did not respond to a request for comment on Friday, and the couple were seen in Los Angeles.</p></article>"}',
    b'{"text": "Nothing \\u0000 odd here, she told People on the record."}',
])
def test_api_half_surrogates_and_nul_are_judged_not_a_500(write_client, body):
    """JSON may carry '\\ud800' without its pair or '\\u0000'; they reached the response and the
    store as they came, and crashed the request (500, UnicodeEncodeError). Now U+FFFD / dropped."""
    for path, status in (("/v1/check", 200), ("/v1/articles", 201)):
        resp = write_client.post(path, content=body, headers={**auth(), "content-type": "application/json"})
        assert resp.status_code == status, resp.text
        verdict = resp.json() if path == "/v1/check" else resp.json()["verdicts"][0]
        assert "\x00" not in json.dumps(verdict) and "\\ud800" not in json.dumps(verdict)


def test_json_access_log_says_500_for_a_failure_and_499_when_no_response_was_started(capsys):
    """`serve --json`'s access log: the status the client saw, or 499 (nginx's "client closed")
    for a request answered with nothing; a failure is re-raised for the error layer to answer."""
    import asyncio

    from rumorlens.api.access_log import JsonAccessLog

    async def fails(scope, receive, send):
        raise RuntimeError("bug")

    async def says_nothing(scope, receive, send):
        return None

    async def answers(scope, receive, send):
        await send({"type": "http.response.start", "status": 201, "headers": []})
        await send({"type": "http.response.body", "body": b"hello"})

    async def sink(message):
        return None

    scope = {"type": "http", "method": "POST", "path": "/v1/articles", "query_string": b"accurate=true", "client": ("10.0.0.7", 5000)}
    def run(app) -> None:  # on a loop of its own: another test's loop may be running in this thread
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            pool.submit(asyncio.run, JsonAccessLog(app)(scope, None, sink)).result()

    with pytest.raises(RuntimeError, match="^bug$"):
        run(fails)
    run(says_nothing)
    run(answers)
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(r["status"], r["bytes"]) for r in lines] == [(500, 0), (499, 0), (201, 5)]
    assert all((r["event"], r["method"], r["path"], r["query"], r["client"]) == ("request", "POST", "/v1/articles", "accurate=true", "10.0.0.7")
               for r in lines)
