"""Corpus commands end to end: ingest (incl. kill -9 mid-ingest), stats, stories, outlets,
export, ClaimReview import/export, and every database failure as one exact line."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS, TINY_ARTICLES, TRAIN, couple_records, labelled_couple_records
from test_store_helpers import fresh_pg_url
from typer.testing import CliRunner

from rumorlens.cli import app
from rumorlens.store import SCHEMA_VERSION, open_store

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def runner(tiny_model_dir, monkeypatch) -> CliRunner:
    monkeypatch.setenv("RUMORLENS_MODEL", str(tiny_model_dir))
    monkeypatch.setenv("RUMORLENS_PROGRESS", "0")
    monkeypatch.delenv("RUMORLENS_DB", raising=False)
    return CliRunner()


def feed(tmp_path: Path, records: list[dict], name: str = "feed.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


RECORDS = [
    {"id": "r1", "title": "Khloe Kardashian secretly pregnant, insider claims", "url": "https://radaronline.com/r1",
     "text": "An insider told Radar that Khloe Kardashian is secretly pregnant with Lamar Odom's baby.", "label": "fake",
     "published": "1500000000"},
    {"id": "r2", "title": "Lamar Odom thanks fans at charity gala", "url": "https://people.com/r2",
     "text": "Lamar Odom spoke at the charity gala and told People he is grateful to his fans.", "label": "real",
     "published": "1510000000"},
    {"id": "r3", "title": "Singer announces tour", "url": "https://billboard.com/r3",
     "text": "The singer announced a world tour in a statement on Monday."},
]


def test_cli_ingest_stores_and_summarises(runner, tmp_path):
    db = tmp_path / "c.db"
    result = runner.invoke(app, ["ingest", str(feed(tmp_path, RECORDS)), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"stored 3, skipped 0 duplicates, failed 0 -> {db}"
    again = runner.invoke(app, ["ingest", str(feed(tmp_path, RECORDS)), "--db", str(db), "--json"])
    assert json.loads(again.stdout) == {"stored": 0, "skipped_duplicates": 3, "failed": 0, "db": str(db)}
    with open_store(db) as s:
        art = s.article("r1")
        assert art["known_label"] == "fake" and art["verdicts"][0]["model_version"] == "tiny-test"
        assert s.count() == 3


def test_cli_ingest_without_ids_dedups_by_content(runner, tmp_path):
    db = tmp_path / "c.db"
    no_ids = [{k: v for k, v in r.items() if k != "id"} for r in RECORDS]
    runner.invoke(app, ["ingest", str(feed(tmp_path, no_ids)), "--db", str(db)])
    # same content with different whitespace and case -> same normalised hash -> nothing new
    reshaped = [dict(r, text="  " + r["text"].upper() + "\n") for r in no_ids]
    result = runner.invoke(app, ["ingest", str(feed(tmp_path, no_ids, "copy.jsonl")), "--db", str(db), "--json"])
    assert json.loads(result.stdout)["stored"] == 0
    assert open_store(db).count() == 3
    assert reshaped  # (upper-casing the body is a different article: ids are content hashes)


def test_cli_ingest_counts_failed_records_and_exits_1(runner, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text(json.dumps(RECORDS[0]) + "\n{not json\n" + json.dumps({"id": "x", "title": "", "author": "no body"}) + "\n")
    result = runner.invoke(app, ["ingest", str(path), "--db", str(tmp_path / "c.db"), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["stored"] == 1 and json.loads(result.stdout)["failed"] == 2
    assert f"{path}:3: record has no 'text' field and no 'title'" in result.stderr


def test_cli_ingest_quiet_prints_only_errors_and_the_summary(runner, tmp_path):
    """`ingest -q` (a cron job): no reading warnings and no "stored N" per batch, but errors and
    the summary still; the stored article keeps its warning."""
    records = [dict(RECORDS[1], id="h1", text=""), RECORDS[0]]  # a headline alone: RW005
    path = feed(tmp_path, records)
    path.write_text(path.read_text() + "{not json\n")
    loud = runner.invoke(app, ["ingest", str(path), "--db", str(tmp_path / "loud.db")])
    assert "[RW005]" in loud.stderr and "stored 2 (skipped 0 duplicates)" in loud.stderr and "[RL005]" in loud.stderr
    quiet = runner.invoke(app, ["ingest", str(path), "--db", str(tmp_path / "quiet.db"), "-q", "--json"])
    assert quiet.exit_code == 1 and json.loads(quiet.stdout) == {"stored": 2, "skipped_duplicates": 0, "failed": 1, "db": str(tmp_path / "quiet.db")}
    assert [line for line in quiet.stderr.splitlines() if line.strip()] == [line for line in loud.stderr.splitlines() if line.startswith("error:")]
    shown = runner.invoke(app, ["articles", "h1", "--db", str(tmp_path / "quiet.db"), "--json"])
    assert any("[RW005]" in w for w in json.loads(shown.stdout)["warnings"])  # where -q's hint sends the reader


def test_cli_ingest_without_inputs_is_usage_error(runner, tmp_path):
    result = runner.invoke(app, ["ingest", "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: no input given; pass files, folders, URLs or - for stdin "
                                     "(see `rumorlens ingest --help`) [RL040]")


def test_cli_a_storyline_lists_the_others_about_the_same_people(runner, tmp_path, monkeypatch):
    """`stories ID` ends with the other storylines about the people its title names (a couple's
    stories come apart by topic), `--json` carries them, and beyond the ten shown it says how to
    list them all."""
    from rumorlens.store.store import Store

    db = str(tmp_path / "kim.db")
    records = couple_records("bpk")
    assert runner.invoke(app, ["ingest", str(feed(tmp_path, records)), "--db", db]).exit_code == 0
    stories = {s["article_ids"][0][0]: s for s in map(json.loads, runner.invoke(app, ["stories", "--db", db, "--json"]).stdout.splitlines())}
    baby = runner.invoke(app, ["stories", stories["b"]["id"], "--db", db])
    assert baby.exit_code == 0
    tail = baby.stdout.split("also about them: 1 storyline\n")[1]
    assert stories["p"]["id"] in tail and "3 stories" in tail and stories["p"]["title"] in tail and stories["k"]["id"] not in tail
    as_json = json.loads(runner.invoke(app, ["stories", stories["k"]["id"], "--db", db, "--json"]).stdout)
    assert [r["id"] for r in as_json["related"]] == [stories["b"]["id"], stories["p"]["id"]] and as_json["related_total"] == 2
    real = Store.related_storylines
    monkeypatch.setattr(Store, "related_storylines", lambda self, story, limit=10: real(self, story, limit=1))
    perfume = runner.invoke(app, ["stories", stories["k"]["id"], "--db", db]).stdout
    assert "also about them: 2 storylines" in perfume and "… 1 more: rumorlens stories --search 'Kim Kardashian'" in perfume


def test_cli_people_ranks_whom_stories_are_about_by_how_often_they_were_fake(runner, tmp_path):
    """`people` ranks the people stories are about (labels as the records carry them), says who
    was in too few stories to rank, and its JSON lists them all, ranked first, up to --limit."""
    db = str(tmp_path / "kim.db")
    records = [dict(r, label="fake" if r["id"][0] in "bk" else "real") for r in couple_records()]
    assert runner.invoke(app, ["ingest", str(feed(tmp_path, records)), "--db", db]).exit_code == 0
    shown = runner.invoke(app, ["people", "--db", db, "--min-n", "3"])
    assert shown.exit_code == 0 and "2 people ranked" in shown.stdout
    rows = [line for line in shown.stdout.splitlines() if line.startswith("│")]
    assert "Kim Kardashian" in rows[0] and "9" in rows[0] and "67%" in rows[0] and "Kanye West" in rows[1] and "57%" in rows[1]
    assert "too few articles (< 3) to rank: 1 person, e.g. Taylor Swift (2)" in shown.stdout
    listed = [json.loads(x) for x in runner.invoke(app, ["people", "--db", db, "--min-n", "3", "--json"]).stdout.splitlines()]
    assert [(p["person"], p["rank"], p["n_fake"]) for p in listed] == [("Kim Kardashian", 1, 6), ("Kanye West", 2, 4), ("Taylor Swift", None, 0)]
    assert [p["person"] for p in map(json.loads, runner.invoke(app, ["people", "--db", db, "--json", "--limit", "1"]).stdout.splitlines())] == ["Kim Kardashian"]
    assert runner.invoke(app, ["people", "--db", db, "--min-n", "0"]).exit_code == 2
    taylor = runner.invoke(app, ["people", "--db", db, "--min-n", "3", "--search", "TAYLOR"]).stdout
    assert "1 person named 'TAYLOR'" in taylor and [line.split("│")[1:3] for line in taylor.splitlines() if line.startswith("│")] == [
        [" -    ", " Taylor Swift           "]], "found though too few to rank"
    assert [p["person"] for p in map(json.loads, runner.invoke(app, ["people", "--db", db, "-s", "west", "--json"]).stdout.splitlines())] == ["Kanye West"]


def test_cli_people_name_shows_one_person_with_years_storylines_and_stories(runner, tmp_path):
    """`people NAME`: the person's rate, interval and rank, year by year, the storylines about
    them and their stories newest first (up to --limit); --json the same as a record; a name no
    story is about, or a name with --search, is a usage error."""
    db = str(tmp_path / "kim.db")
    records = labelled_couple_records(lambda i, r: f"201{7 + i % 2}-03-0{i % 9 + 1}T00:00:00Z")
    assert runner.invoke(app, ["ingest", str(feed(tmp_path, records)), "--db", db]).exit_code == 0
    shown = runner.invoke(app, ["people", "KIM KARDASHIAN", "--db", db, "--min-n", "3", "--limit", "2"])
    assert shown.exit_code == 0, shown.output
    record = json.loads(runner.invoke(app, ["people", "kim kardashian", "--db", db, "--min-n", "3", "--json"]).stdout)
    assert (record["person"], record["rank"], record["n"], record["n_fake"]) == ("Kim Kardashian", 1, 9, 6)
    assert f"9 stories, 6 fake: 67% (95% interval {record['ci_low']:.0%}-{record['ci_high']:.0%}), rank 1" in shown.stdout
    assert list(record["by_year"]) == ["2017", "2018"] and sum(y["n"] for y in record["by_year"].values()) == 9
    assert record["storylines_total"] == len(record["storylines"]) >= 2
    assert f"storylines about them: {record['storylines_total']}" in shown.stdout and all(s["id"] in shown.stdout for s in record["storylines"])
    assert record["stories_total"] == 9 and len(record["stories"]) == 9
    # where their stories ran, most fakes first
    assert record["outlets"] == [{"outlet": "tabloid.example", "n": 6, "n_fake": 6}, {"outlet": "news.example", "n": 3, "n_fake": 0}]
    assert record["outlets_total"] == 2 and "where their stories ran, most fakes first" in shown.stdout
    assert [a["published"] for a in record["stories"]] == sorted((a["published"] for a in record["stories"]), reverse=True)
    assert "their stories, newest first (2 of 9)" in shown.stdout
    assert record["stories"][0]["published"][:10] in shown.stdout and record["stories"][2]["published"][:10] not in shown.stdout
    nobody = runner.invoke(app, ["people", "Nobody Atall", "--db", db])
    assert nobody.exit_code == 2 and "no person with id 'Nobody Atall'" in nobody.stderr and "[RL035]" in nobody.stderr
    both = runner.invoke(app, ["people", "Kim Kardashian", "--search", "kim", "--db", db])
    assert both.exit_code == 2 and "[RL042]" in both.stderr


def test_cli_outlets_name_shows_one_outlet_with_years_people_storylines_and_stories(runner, tmp_path):
    """`outlets NAME`: the outlet's rate, interval and rank, year by year, whom its stories were
    about (its fakes most often first), the storylines its stories are in and its stories newest
    first (up to --limit); found as typed or pasted; --json the same as a record; an outlet with
    no stored story, or a name with --search, is a usage error. The list searches and pages too."""
    db = str(tmp_path / "outlets.db")
    records = labelled_couple_records(lambda i, r: f"201{7 + i % 2}-03-0{i % 9 + 1}T00:00:00Z")
    assert runner.invoke(app, ["ingest", str(feed(tmp_path, records)), "--db", db]).exit_code == 0
    shown = runner.invoke(app, ["outlets", "TABLOID.example", "--db", db, "--min-n", "3", "--limit", "2"])
    assert shown.exit_code == 0, shown.output
    record = json.loads(runner.invoke(app, ["outlets", "https://www.tabloid.example/b0", "--db", db, "--min-n", "3", "--json"]).stdout)
    assert (record["outlet"], record["n"], record["n_fake"], record["ranked"]) == ("tabloid.example", 6, 6, True)
    assert f"6 stories, 6 fake: 100% (95% interval {record['ci_low']:.0%}-{record['ci_high']:.0%}), rank {record['rank']}" in shown.stdout
    assert sum(y["n"] for y in record["by_year"].values()) == 6
    assert record["people"] == [{"person": "Kim Kardashian", "n": 6, "n_fake": 6}, {"person": "Kanye West", "n": 4, "n_fake": 4}]
    assert record["people_total"] == 2 and "whom its stories were about, most fakes first" in shown.stdout
    assert [(s["n_here"], s["n"]) for s in record["storylines"]] == [(4, 4), (2, 2)] and record["storylines_total"] == 2
    assert all(s["id"] in shown.stdout for s in record["storylines"]) and "4 of 4 stories from it" in shown.stdout
    assert record["stories_total"] == 6 and len(record["stories"]) == 6 and {a["outlet"] for a in record["stories"]} == {"tabloid.example"}
    assert [a["published"] for a in record["stories"]] == sorted((a["published"] for a in record["stories"]), reverse=True)
    assert "its stories, newest first (2 of 6)" in shown.stdout
    nowhere = runner.invoke(app, ["outlets", "nowhere.example", "--db", db])
    assert nowhere.exit_code == 2 and "no outlet with id 'nowhere.example'" in nowhere.stderr and "[RL035]" in nowhere.stderr
    both = runner.invoke(app, ["outlets", "news.example", "--search", "news", "--db", db])
    assert both.exit_code == 2 and "[RL042]" in both.stderr
    found = runner.invoke(app, ["outlets", "--db", db, "-s", "TABLOID"]).stdout  # listed though too few to rank at 10
    assert "1 outlet named 'TABLOID'" in found and "tabloid.example" in found and "news.example" not in found
    listed = [json.loads(x)["outlet"] for x in runner.invoke(app, ["outlets", "--db", db, "--min-n", "3", "--json", "--limit", "1"]).stdout.splitlines()]
    assert listed == ["news.example"], "the most reliable first, one of two"


def test_cli_serve_get_answers_one_request_without_a_server(runner, tmp_path, monkeypatch):
    """`serve --get PATH` (as datasette's): the app answers one GET in-process and the body is
    printed, for a script or a cron job; no token, no port. A 404 prints the API's error JSON,
    says so in one line on stderr and exits 1; a path without its leading / is a usage error."""
    monkeypatch.delenv("RUMORLENS_TOKEN", raising=False)
    db = str(tmp_path / "get.db")
    records = labelled_couple_records()
    assert runner.invoke(app, ["ingest", str(feed(tmp_path, records)), "--db", db]).exit_code == 0
    listed = runner.invoke(app, ["serve", "--db", db, "--get", "/v1/outlets?min_n=3&limit=1"])
    assert listed.exit_code == 0, listed.output
    body = json.loads(listed.stdout)
    assert body["ok"] is True and body["count"] == 1 and body["total"] == 2 and body["outlets"][0]["outlet"] == "news.example"
    page = runner.invoke(app, ["serve", "--db", db, "--get", "/outlets/tabloid.example"])
    assert page.exit_code == 0 and "<h1>tabloid.example</h1>" in page.stdout
    missing = runner.invoke(app, ["serve", "--db", db, "--get", "/v1/people/Nobody%20Atall"])
    assert missing.exit_code == 1 and json.loads(missing.stdout)["code"] == "RL075"
    assert missing.stderr.strip() == ("error: GET /v1/people/Nobody%20Atall answered 404: "
                                      "no person with id 'Nobody Atall'; list them at /v1/people?q=")
    bad = runner.invoke(app, ["serve", "--db", db, "--get", "v1/outlets"])
    assert bad.exit_code == 2 and "[RL042]" in bad.stderr and bad.stdout == ""


def test_cli_stats_stories_outlets_export(runner, tmp_path):
    db = str(tmp_path / "c.db")
    runner.invoke(app, ["ingest", str(SEEDS), str(feed(tmp_path, RECORDS)), "--db", db])
    stats = json.loads(runner.invoke(app, ["stats", "--db", db, "--json"]).stdout)
    assert stats["articles"] == 8 and stats["labelled"] == 2 and stats["outlets"] == 4
    assert stats["judged_fake"] + stats["judged_real"] == 8
    assert stats["stories"] >= 1

    lines = runner.invoke(app, ["stories", "--db", db, "--json"]).stdout.splitlines()
    stories = [json.loads(x) for x in lines]
    khloe = [s for s in stories if any(a.startswith("00") for a in s["article_ids"])]
    assert khloe and "Khloe Kardashian" in khloe[0]["title"] and "Lamar Odom" in khloe[0]["title"]
    one = runner.invoke(app, ["stories", khloe[0]["id"], "--db", db])
    assert one.exit_code == 0 and khloe[0]["title"] in one.stdout and "Lamar" in one.stdout
    searched = [json.loads(x) for x in runner.invoke(app, ["stories", "--search", "lamar odom", "--db", db, "--json"]).stdout.splitlines()]
    assert khloe[0]["id"] in [s["id"] for s in searched]
    assert all("lamar odom" in s["title"].lower() or any("lamar odom" in e["title"].lower() for e in s["timeline"]) for s in searched)
    shown = runner.invoke(app, ["stories", "-s", "nobody at all", "--db", db])
    assert shown.exit_code == 0 and "0 storylines matching 'nobody at all'" in shown.stdout
    both = runner.invoke(app, ["stories", khloe[0]["id"], "--search", "lamar", "--db", db])
    assert both.exit_code == 2 and "[RL042]" in both.stderr
    missing = runner.invoke(app, ["stories", "nosuchstory", "--db", db])
    assert missing.exit_code == 2
    assert missing.stderr.strip() == "error: no storyline with id 'nosuchstory'; list them with `rumorlens stories` [RL035]"

    outlets = [json.loads(x) for x in runner.invoke(app, ["outlets", "--db", db, "--json", "--min-n", "1"]).stdout.splitlines()]
    assert {o["outlet"] for o in outlets} >= {"radaronline.com", "people.com"}
    few = [json.loads(x) for x in runner.invoke(app, ["outlets", "--db", db, "--json"]).stdout.splitlines()]
    assert all(o["status"] == "too few articles" and o["rank"] is None for o in few)
    assert "too few articles (< 10) to rank" in runner.invoke(app, ["outlets", "--db", db]).stdout

    exported = [json.loads(x) for x in runner.invoke(app, ["export", "--db", db]).stdout.splitlines()]
    assert len(exported) == 8 and {"id", "label", "p_fake", "truth_rating", "known_label", "text"} <= set(exported[0])
    out = tmp_path / "corpus.csv"
    assert runner.invoke(app, ["export", "--db", db, "--format", "csv", "--out", str(out)]).exit_code == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert len(rows) == 8 and rows[0]["label"] in ("fake", "real")
    bad = runner.invoke(app, ["export", "--db", db, "--format", "xml"])
    assert bad.exit_code == 2 and bad.stderr.strip() == "error: invalid value for --format: 'xml'; use jsonl or csv [RL042]"


def test_cli_articles_searches_the_store_a_page_at_a_time_and_shows_one_as_the_api_does(runner, tmp_path, tiny_model_dir):
    db = str(tmp_path / "c.db")
    runner.invoke(app, ["ingest", str(SEEDS), str(feed(tmp_path, RECORDS)), "--db", db])

    def listed(*args):
        result = runner.invoke(app, ["articles", "--db", db, "--json", *args])
        assert result.exit_code == 0, result.output
        return [json.loads(x) for x in result.stdout.splitlines()]

    everything = listed("--limit", "100")
    assert len(everything) == 8 and [r["id"] for r in everything[:2]] == ["r2", "r1"]  # newest first
    assert [r["id"] for r in listed("--limit", "3", "--offset", "3")] == [r["id"] for r in everything[3:6]]
    lamar = listed("--search", "LAMAR ODOM")
    assert {"r1", "r2"} <= {r["id"] for r in lamar} and all(r["id"] in ("r1", "r2") or r["id"].startswith("00") for r in lamar)
    assert [r["id"] for r in listed("--outlet", "people.com")] == ["r2"]
    assert [r["id"] for r in listed("--search", "lamar", "--label", "real", "--outlet", "people.com")] == ["r2"]
    table = runner.invoke(app, ["articles", "--db", db, "--limit", "2"]).stdout
    assert "1-2 of 8 stored articles, newest first" in table and f"next page: --after {everything[1]['id']}" in table
    # the next page starts right after the id the last one ended with, and says where it is
    assert [r["id"] for r in listed("--limit", "3", "--after", everything[1]["id"])] == [r["id"] for r in everything[2:5]]
    table = runner.invoke(app, ["articles", "--db", db, "--limit", "2", "--after", everything[1]["id"]]).stdout
    assert "3-4 of 8 stored articles" in table and f"next page: --after {everything[3]['id']}" in table
    missing = runner.invoke(app, ["articles", "--db", db, "--after", "no-such-id"])
    assert missing.exit_code == 2 and "no article with id 'no-such-id'" in missing.stderr and "[RL035]" in missing.stderr
    both = runner.invoke(app, ["articles", "--db", db, "--after", "r1", "--offset", "2"])
    assert both.exit_code == 2 and "[RL042]" in both.stderr

    one = runner.invoke(app, ["articles", "r1", "--db", db, "--json"])
    record = json.loads(one.stdout)
    assert record["id"] == "r1" and record["known_label"] == "fake" and "Khloe" in record["text"]
    assert {"storyline", "near_duplicates", "signals", "reasons", "p_fake"} <= set(record)
    from fastapi.testclient import TestClient

    from rumorlens.api import create_app
    from rumorlens.model.judge import Judge

    with open_store(db) as store, TestClient(create_app(store=store, judge=Judge.load(tiny_model_dir), read_only=True)) as client:
        assert client.get("/v1/articles/r1").json() == record, "the CLI shows what the REST API serves"
    shown = runner.invoke(app, ["articles", "r1", "--db", db, "--explain"])
    assert shown.exit_code == 0 and "p_fake" in shown.stdout and "legend:" in shown.stdout and "Khloe" in shown.stdout
    missing = runner.invoke(app, ["articles", "nope", "--db", db])
    assert missing.exit_code == 2 and missing.stderr.strip() == "error: no article with id 'nope'; list them with `rumorlens articles` [RL035]"
    bad = runner.invoke(app, ["articles", "--db", db, "--label", "maybe"])
    assert bad.exit_code == 2 and bad.stderr.strip() == "error: invalid value for --label: 'maybe'; use fake or real [RL042]"


def test_cli_export_csv_never_hands_a_spreadsheet_a_formula_and_reads_back_as_stored(runner, tmp_path):
    """A scraped headline '=HYPERLINK(...)' exported as CSV would run in the journalist's Excel:
    such cells start with a quote mark there (OWASP), and reading the CSV back takes it off."""
    db = str(tmp_path / "c.db")
    hostile = {"id": "h1", "title": '=HYPERLINK("http://evil.example","click")', "text": "-5 reasons the insider story is false.",
               "url": "https://example.com/x", "label": "fake"}
    plain = {"id": "p1", "title": "Star Opens Up", "text": "She told People so.", "label": "real"}
    assert runner.invoke(app, ["ingest", str(feed(tmp_path, [hostile, plain])), "--db", db]).exit_code == 0
    out = tmp_path / "corpus.csv"
    assert runner.invoke(app, ["export", "--db", db, "--format", "csv", "--out", str(out)]).exit_code == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out.read_text()))}
    assert rows["h1"]["title"] == "'" + hostile["title"] and rows["h1"]["text"] == "'" + hostile["text"]
    assert rows["p1"]["title"] == "Star Opens Up"  # nothing else is touched
    assert not any(str(v).startswith(("=", "+", "-", "@")) for r in rows.values() for v in r.values())
    back = {v["id"]: v for v in map(json.loads, runner.invoke(app, ["check", str(out), "--json"]).stdout.splitlines())}
    assert back["h1"]["title"] == hostile["title"] and back["h1"]["text"].endswith(hostile["text"])


def test_cli_claimreview_round_trip(runner, tmp_path):
    db1, db2 = str(tmp_path / "one.db"), str(tmp_path / "two.db")
    runner.invoke(app, ["ingest", str(feed(tmp_path, RECORDS)), "--db", db1])
    out = tmp_path / "reviews.jsonld"
    assert runner.invoke(app, ["export-claims", "--format", "claimreview", "--db", db1, "--out", str(out)]).exit_code == 0
    reviews = json.loads(out.read_text())
    assert len(reviews) == 3
    r = reviews[0]
    assert r["@type"] == "ClaimReview" and r["reviewRating"]["bestRating"] == 10 and r["reviewRating"]["worstRating"] == 0
    assert r["reviewRating"]["alternateName"] in ("False", "Mostly false", "Mostly true", "True")
    result = runner.invoke(app, ["import-claims", str(out), "--db", db2, "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["stored"] == 3
    assert "stored 3 (skipped 0 duplicates)" in result.stderr  # a batch's line, as ingest prints it
    again = runner.invoke(app, ["import-claims", str(out), "--db", db2, "--json", "-q"])  # -q: errors and the summary only
    assert again.exit_code == 0 and json.loads(again.stdout)["skipped_duplicates"] == 3 and again.stderr == ""
    before = {x["id"]: x for x in open_store(db1).iter_export()}
    after = {x["id"]: x for x in open_store(db2).iter_export()}
    assert set(before) == set(after)
    for key, b in before.items():
        a = after[key]
        assert (a["title"], a["url"], a["published"]) == (b["title"], b["url"], b["published"])
        assert a["known_label"] == b["label"]  # the exported verdict comes back as a known label


def test_cli_rule_records_a_fact_checkers_call_that_every_view_and_export_carries(runner, tmp_path):
    """`rule` makes the call the article's final label: `articles` shows it and its history,
    the listing filter follows it, `export` writes it, `export-claims` publishes it as the review,
    and an exported file ingested elsewhere keeps it, note, reviewer and date. Bad input is one line, exit 2."""
    db = str(tmp_path / "c.db")
    assert runner.invoke(app, ["ingest", str(feed(tmp_path, RECORDS)), "--db", db]).exit_code == 0
    done = runner.invoke(app, ["rule", "r1", "REAL", "--note", "Her rep confirmed it to us", "--by", "Jane D.", "--db", db])
    assert done.exit_code == 0 and done.stdout.strip() == f"ruled r1 real by Jane D. -> {db}"
    again = runner.invoke(app, ["rule", "r3", "fake", "-n", "Invented: no tour was announced", "--db", db, "--json"])
    got = json.loads(again.stdout)
    assert again.exit_code == 0 and (got["id"], got["final_label"], got["ruling"]["label"], got["ruling"]["reviewer"]) == ("r3", "fake", "fake", None)
    shown = runner.invoke(app, ["articles", "r1", "--db", db]).stdout
    assert "ruled real by Jane D. on " in shown and ": Her rep confirmed it to us" in shown and "final label: real (the latest ruling)" in shown
    listed = runner.invoke(app, ["articles", "--label", "real", "--db", db], env={"COLUMNS": "200"}).stdout
    assert "real (ruling)" in listed and "r1" in listed and "r3" not in listed
    record = json.loads(runner.invoke(app, ["articles", "r1", "--db", db, "--json"]).stdout)
    assert (record["final_label"], record["label_source"], [r["note"] for r in record["rulings"]]) == ("real", "ruling", ["Her rep confirmed it to us"])
    assert json.loads(runner.invoke(app, ["stats", "--db", db, "--json"]).stdout)["ruled"] == 2

    out = tmp_path / "corpus.csv"
    assert runner.invoke(app, ["export", "--db", db, "--format", "csv", "--out", str(out)]).exit_code == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(out.read_text()))}
    assert {k: rows["r1"][k] for k in ("known_label", "ruling", "ruling_note", "ruled_by", "final_label")} == {
        "known_label": "fake", "ruling": "real", "ruling_note": "Her rep confirmed it to us", "ruled_by": "Jane D.", "final_label": "real"}
    # the CSV carries every ruling too (as JSON in its cell), and an ingest elsewhere reads them back
    assert [r["note"] for r in json.loads(rows["r1"]["rulings"])] == ["Her rep confirmed it to us"] and rows["r2"]["rulings"] == ""
    from_csv = str(tmp_path / "from-csv.db")
    assert runner.invoke(app, ["ingest", str(out), "--db", from_csv]).exit_code == 0
    assert [(r["label"], r["reviewer"]) for r in open_store(from_csv).article("r1")["rulings"]] == [("real", "Jane D.")]
    assert open_store(from_csv).count(label="fake") == 1  # r3, ruled fake
    reviews = {r["identifier"]: r for r in json.loads(runner.invoke(app, ["export-claims", "--format", "claimreview", "--db", db]).stdout)}
    assert reviews["r1"]["reviewRating"]["ratingValue"] == 10 and reviews["r1"]["reviewRating"]["alternateName"] == "True"
    assert reviews["r1"]["reviewBody"] == "Her rep confirmed it to us" and reviews["r1"]["rumorlens"]["ruled_by"] == "Jane D."
    assert reviews["r3"]["reviewRating"]["ratingValue"] == 0 and reviews["r3"]["reviewRating"]["alternateName"] == "False"
    assert reviews["r2"]["rumorlens"]["ruling"] is None and reviews["r2"]["reviewBody"]  # the model's reasons, as before
    ruled_only = json.loads(runner.invoke(app, ["export-claims", "--ruled-only", "--db", db]).stdout)
    assert [r["identifier"] for r in ruled_only] == [r["identifier"] for r in reviews.values() if r["rumorlens"]["ruling"]] == ["r1", "r3"]
    jsonl = tmp_path / "corpus.jsonl"
    assert runner.invoke(app, ["export", "--db", db, "--out", str(jsonl)]).exit_code == 0
    exported_at = {r["id"]: r["ruled_at"] for r in map(json.loads, jsonl.read_text().splitlines())}
    other = str(tmp_path / "team.db")
    assert runner.invoke(app, ["ingest", str(jsonl), "--db", other]).exit_code == 0
    moved = {r["id"]: r for r in open_store(other).iter_export()}
    assert {k: (r["known_label"], r["ruling"], r["final_label"]) for k, r in moved.items()} == {
        "r1": ("fake", "real", "real"), "r2": ("real", None, "real"), "r3": (None, "fake", "fake")}
    assert (moved["r1"]["ruling_note"], moved["r1"]["ruled_by"]) == ("Her rep confirmed it to us", "Jane D.")
    assert moved["r1"]["ruled_at"] == exported_at["r1"]  # the day it was ruled, not the day it moved

    # the queue: what nobody has ruled on, most likely fake first, paged by offset
    queue = runner.invoke(app, ["articles", "--unruled", "--sort", "p_fake", "--db", db], env={"COLUMNS": "200"})
    assert queue.exit_code == 0 and "1-1 of 1 stored articles matching, most likely fake first" in queue.stdout and "r2" in queue.stdout
    assert [json.loads(x)["id"] for x in runner.invoke(app, ["articles", "--ruled", "--db", db, "--json"]).stdout.splitlines()] == ["r1", "r3"]
    paged = runner.invoke(app, ["articles", "--sort", "p_fake", "--limit", "1", "--db", db]).stdout
    assert "next page: --offset 1" in paged
    for args, line in ((["rule", "nope", "fake"], "error: no article with id 'nope'; list them with `rumorlens articles` [RL035]"),
                       (["rule", "r1", "maybe"], "error: invalid value for LABEL: 'maybe'; use fake or real [RL042]"),
                       (["rule", "r1", "fake", "--note", "x" * 2001], "error: invalid value for --note: 2,001 characters; keep it to 2,000 [RL042]"),
                       (["articles", "--sort", "oldest"], "error: invalid value for --sort: 'oldest'; use newest or p_fake [RL042]"),
                       (["articles", "--sort", "p_fake", "--after", "r1"], "error: invalid value for --after: it pages newest first; page a list sorted by p_fake with --offset [RL042]")):
        bad = runner.invoke(app, [*args, "--db", db])
        assert bad.exit_code == 2 and bad.stderr.strip() == line
    assert [r["label"] for r in open_store(db).article("r1")["rulings"]] == ["real"]


def test_cli_delete_removes_stored_articles_names_the_missing_and_asks_first(runner, tmp_path):
    db = str(tmp_path / "c.db")
    assert runner.invoke(app, ["ingest", str(feed(tmp_path, RECORDS)), "--db", db]).exit_code == 0
    runner.invoke(app, ["rule", "r1", "real", "--db", db])
    refused = runner.invoke(app, ["delete", "r1", "--db", db])  # not at a terminal: it cannot ask
    assert refused.exit_code == 2 and refused.stderr.strip() == "error: invalid value for --yes: deleting asks first; give --yes when not at a terminal [RL042]"
    done = runner.invoke(app, ["delete", "r1", "nope", "--yes", "--db", db])
    assert done.exit_code == 1 and done.stdout.strip() == f"deleted 1 article(s), 1 not found -> {db}"
    assert done.stderr.strip() == "error: no article with id 'nope'; list them with `rumorlens articles` [RL035]"
    stats = json.loads(runner.invoke(app, ["stats", "--db", db, "--json"]).stdout)
    assert (stats["articles"], stats["ruled"]) == (2, 0)
    both = runner.invoke(app, ["delete", "r2", "r3", "-y", "--json", "--db", db])
    assert both.exit_code == 0 and json.loads(both.stdout) == {"ok": True, "deleted": ["r2", "r3"], "missing": [], "db": db}
    assert json.loads(runner.invoke(app, ["stats", "--db", db, "--json"]).stdout)["articles"] == 0


@pytest.mark.parametrize("answer, kept", [("n", True), ("y", False)])
def test_cli_delete_at_a_terminal_asks_first(tiny_model_dir, tmp_path, answer, kept):
    """At a terminal `delete` asks; anything but yes keeps the article (exit 2)."""
    import pty

    db = str(tmp_path / "c.db")
    env = {**os.environ, "RUMORLENS_MODEL": str(tiny_model_dir), "RUMORLENS_PROGRESS": "0"}
    subprocess.run([sys.executable, "-m", "rumorlens", "ingest", str(feed(tmp_path, RECORDS)), "--db", db], env=env, check=True, capture_output=True)
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "rumorlens", "delete", "r1", "--db", db], env=env, stdin=follower,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    os.write(leader, f"{answer}\n".encode())
    out, _ = proc.communicate(timeout=60)
    os.close(leader)
    os.close(follower)
    assert "Delete 1 article(s) and all that is stored about them" in out.decode()
    assert proc.returncode == (2 if kept else 0)
    assert ("r1" in open_store(db).ids()) is kept


def test_cli_says_it_is_grouping_while_a_terminal_waits_for_storylines(tiny_model_dir, tmp_path):
    """The first `stories` after an ingest groups the store first (5 s on train + dev) and used to
    sit silent; at a terminal it now says what it is doing, once, and not when the output is a
    pipe (which gets exactly the table as before)."""
    import pty

    db = str(tmp_path / "c.db")
    env = {**os.environ, "RUMORLENS_MODEL": str(tiny_model_dir), "COLUMNS": "120"}
    env.pop("RUMORLENS_PROGRESS", None)
    subprocess.run([sys.executable, "-m", "rumorlens", "ingest", str(feed(tmp_path, RECORDS)), "--db", db],
                   env={**env, "RUMORLENS_PROGRESS": "0"}, check=True, capture_output=True)

    def at_terminal(*args: str) -> str:
        leader, follower = pty.openpty()
        proc = subprocess.Popen([sys.executable, "-m", "rumorlens", *args, "--db", db], env=env, stdin=follower,
                                stdout=subprocess.PIPE, stderr=follower)
        os.close(follower)
        out, chunks = proc.communicate(timeout=120)[0], []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            chunks.append(chunk)
        os.close(leader)
        assert proc.returncode == 0, out
        return b"".join(chunks).decode(errors="replace")

    first = at_terminal("stories")
    assert "Grouping near-duplicates and storylines of 3 stored articles" in first
    assert "Grouping" not in at_terminal("stories"), "drawn already: nothing to say"
    piped = subprocess.run([sys.executable, "-m", "rumorlens", "stories", "--db", db], env={**env, "RUMORLENS_PROGRESS": "0"},
                           capture_output=True, text=True, check=True)
    assert "Grouping" not in piped.stderr + piped.stdout and "storylines" in piped.stdout


def test_cli_import_claims_rejects_non_claimreview(runner, tmp_path):
    path = tmp_path / "x.json"
    path.write_text(json.dumps([{"@type": "NewsArticle", "headline": "hi"}]))
    result = runner.invoke(app, ["import-claims", str(path), "--db", str(tmp_path / "c.db")])
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"error: {path}#1: not a ClaimReview document (@type is 'NewsArticle', expected "
                                     "'ClaimReview'); give schema.org ClaimReview JSON-LD [RL036]")


@pytest.mark.parametrize("command", [["stats"], ["articles"], ["stories"], ["outlets"], ["export"], ["export-claims"]])
def test_cli_bad_database_url_is_one_line(runner, command):
    result = runner.invoke(app, command + ["--db", "mysql://root@localhost/x"])
    assert result.exit_code == 2
    assert result.stderr.strip() == ("error: unsupported database URL mysql://root@localhost/x; use a file path, "
                                     "sqlite:///PATH or postgresql://USER@HOST/DB [RL034]")


def test_cli_unreachable_postgres_is_one_line(runner):
    result = runner.invoke(app, ["stats", "--db", "postgresql://u:pw@127.0.0.1:1/x"])
    assert result.exit_code == 2
    line = result.stderr.strip()
    assert line.startswith("error: cannot open database postgresql://u:***@127.0.0.1:1/x (") and "\n" not in line
    assert line.endswith("; check the URL, that the server is running and that you may connect [RL030]")


def test_cli_newer_schema_is_one_line(runner, tmp_path):
    db = tmp_path / "new.db"
    open_store(db).close()
    with sqlite3.connect(db) as conn:
        conn.execute("INSERT INTO rumorlens_migrations VALUES (42, 'from the future', 'x')")
    result = runner.invoke(app, ["stats", "--db", str(db)])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: database {db} has schema version 42, newer than this rumorlens "
                                     f"({SCHEMA_VERSION}); upgrade rumorlens [RL033]")


def test_cli_locked_database_is_one_line(runner, tmp_path, monkeypatch):
    db = tmp_path / "busy.db"
    open_store(db).close()
    monkeypatch.setenv("RUMORLENS_LOCK_TIMEOUT", "0.2")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = runner.invoke(app, ["ingest", str(feed(tmp_path, RECORDS)), "--db", str(db)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 2
    assert result.stderr.strip() == f"error: database {db} is locked by another process; wait for it to finish or use another --db [RL031]"


def test_cli_read_only_directory_is_one_line(runner, tmp_path):
    from test_store import read_only_dir

    with read_only_dir(tmp_path / "ro") as ro:
        result = runner.invoke(app, ["ingest", str(feed(tmp_path, RECORDS)), "--db", str(ro / "c.db")])
    assert result.exit_code == 2
    assert result.stderr.strip() == (f"error: cannot write database {ro / 'c.db'} (read-only file or directory); "
                                     "choose a writable location with --db or RUMORLENS_DB [RL032]")


def test_cli_ingest_into_postgres(runner, tmp_path):
    url = fresh_pg_url()
    result = runner.invoke(app, ["ingest", str(SEEDS), str(feed(tmp_path, RECORDS)), "--db", url, "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["stored"] == 8
    again = runner.invoke(app, ["ingest", str(SEEDS), "--db", url, "--json"])
    assert json.loads(again.stdout)["skipped_duplicates"] == 5
    stats = json.loads(runner.invoke(app, ["stats", "--db", url, "--json"]).stdout)
    assert stats["articles"] == 8 and stats["labelled"] == 2


@pytest.mark.slow
def test_cli_ingest_survives_kill_9_and_rerun_completes(tiny_model_dir, tmp_path):
    """A real SIGKILL mid-ingest: everything reported as stored is there; a re-run completes
    the rest without duplicates."""
    lines = TRAIN.read_text().splitlines()[:4000]
    src = tmp_path / "big.jsonl"
    src.write_text("\n".join(lines) + "\n")
    db = tmp_path / "k.db"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "RUMORLENS_MODEL": str(tiny_model_dir), "RUMORLENS_PROGRESS": "0"}
    cmd = [sys.executable, "-m", "rumorlens", "ingest", str(src), "--db", str(db), "--batch-size", "200"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    reported = 0
    deadline = time.time() + 120
    while time.time() < deadline:
        line = proc.stderr.readline()
        if line.startswith("stored "):
            reported = int(line.split()[1])
            if reported >= 600:
                break
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert 600 <= reported < 4000
    with open_store(db) as s:
        kept = s.count()
        assert kept >= reported  # nothing reported as stored was lost
        with s.engine.connect() as conn:
            from sqlalchemy import text
            assert conn.execute(text("SELECT count(*) FROM verdicts")).scalar() == kept  # no half-written batch
    rerun = subprocess.run(cmd + ["--json"], env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    assert summary["stored"] == 4000 - kept and summary["skipped_duplicates"] == kept
    with open_store(db) as s:
        assert s.count() == 4000
        assert len(set(s.ids())) == 4000


def test_cli_ingest_a_live_feed_on_stdin_stores_each_record_as_it_arrives(tiny_model_dir, tmp_path):
    """`tail -f feed.jsonl | rumorlens ingest -`: a record is in the store while the feed is still
    open (it waited for 500 records, or the end of input), and the end of input ends the run."""
    db = tmp_path / "live.db"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src"), "RUMORLENS_MODEL": str(tiny_model_dir),
           "RUMORLENS_PROGRESS": "0"}
    proc = subprocess.Popen([sys.executable, "-m", "rumorlens", "ingest", "-", "--db", str(db), "--json"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        for i in range(2):
            proc.stdin.write((json.dumps({"id": f"live-{i}", "text": "A source close to the star says she is engaged."}) + "\n").encode())
            proc.stdin.flush()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                if db.exists() and len(open_store(db).ids()) == i + 1:
                    break
                time.sleep(0.2)
            assert len(open_store(db).ids()) == i + 1, "the record was not stored while the feed stayed open"
        proc.stdin.close()
        assert proc.wait(timeout=60) == 0
        assert json.loads(proc.stdout.read().decode().splitlines()[-1])["stored"] == 2
    finally:
        proc.kill()


def test_cli_evaluate_and_train_on_an_export_learn_from_fact_checkers_rulings_never_from_verdicts(runner, tmp_path):
    """A team's store exported is labelled data: `evaluate` scores and `train` learns from each
    article's ruling in force, else the label it came with. Articles the model alone has judged
    are not labelled (scored against its own verdicts, a model looks perfect), and a known label
    a fact-checker overruled counts as ruled."""
    db = tmp_path / "desk.db"
    records = [{"id": a.id, "title": a.title, "text": a.text, "url": a.url} | ({"label": a.label} if i in (0, 6) else {})
               for i, a in enumerate(TINY_ARTICLES)]  # two keep their labels (tiny-00 fake, tiny-06 real)
    runner.invoke(app, ["ingest", str(feed(tmp_path, records)), "--db", str(db)])
    truth = {a.id: a.label for a in TINY_ARTICLES}
    for article_id in ["tiny-01", "tiny-02", "tiny-03", "tiny-07", "tiny-08", "tiny-09", "tiny-10"]:
        assert runner.invoke(app, ["rule", article_id, truth[article_id], "--db", str(db)]).exit_code == 0
    runner.invoke(app, ["rule", "tiny-00", "real", "--note", "first call", "--db", str(db)])
    runner.invoke(app, ["rule", "tiny-00", "fake", "--note", "her rep's denial was a dodge", "--db", str(db)])  # in force
    runner.invoke(app, ["rule", "tiny-06", "fake", "--note", "the premiere never happened", "--db", str(db)])  # overruled
    human = {i: truth[i] for i in ["tiny-00", "tiny-01", "tiny-02", "tiny-03", "tiny-07", "tiny-08", "tiny-09", "tiny-10"]} | {"tiny-06": "fake"}
    for fmt in ("jsonl", "csv"):
        exported = tmp_path / f"desk.{fmt}"
        assert runner.invoke(app, ["export", "--format", fmt, "--db", str(db), "--out", str(exported)]).exit_code == 0
        scored = runner.invoke(app, ["evaluate", str(exported), "--json", "--prevalence", "train"])
        assert scored.exit_code == 0, scored.output
        got = json.loads(scored.stdout)
        assert got["n"] == len(human) == 9, fmt  # the two judged by the model alone are not labelled
        assert got["fake_share"] == pytest.approx(sum(v == "fake" for v in human.values()) / len(human), abs=1e-4), fmt
    ruled = tmp_path / "ruled.jsonl"
    assert runner.invoke(app, ["export", "--ruled", "--db", str(db), "--out", str(ruled)]).exit_code == 0  # what the desk ruled, alone
    assert [json.loads(line)["id"] for line in ruled.read_text().splitlines()] == sorted(human)  # every labelled one here was ruled
    assert json.loads(runner.invoke(app, ["evaluate", str(ruled), "--json", "--prevalence", "train"]).stdout)["n"] == 9
    fakes = runner.invoke(app, ["export", "--label", "fake", "--unruled", "--db", str(db)])
    assert {json.loads(line)["final_label"] for line in fakes.stdout.splitlines()} <= {"fake"} and all(
        json.loads(line)["ruling"] is None for line in fakes.stdout.splitlines())
    refused = runner.invoke(app, ["export", "--label", "maybe", "--db", str(db)])
    assert refused.exit_code == 2 and "[RL042]" in refused.stderr
    trained = runner.invoke(app, ["train", "--data", str(tmp_path / "desk.jsonl"), "--out", str(tmp_path / "desk-model"), "--json"])
    assert trained.exit_code == 0, trained.output
    meta = json.loads(trained.stdout)
    assert (meta["n_train"], meta["n_train_fake"]) == (9, 5)


def test_library_log_lines_are_one_line_on_stderr_and_a_server_adds_the_traceback(capsys, monkeypatch):
    """What the library logs (a failed background rebuild, an unhandled error behind a 500) is
    printed by the program in the CLI's shape; a server's log also gets the traceback."""
    import logging

    from rumorlens import logs

    monkeypatch.setattr(logs._handler, "tracebacks", False)  # as a CLI run starts (a `serve` test may have run before)
    monkeypatch.setattr(logs._handler, "json", False)
    log = logging.getLogger("rumorlens.store.store")
    logs.print_library_logs()
    logs.print_library_logs()  # however often it is called: one handler
    assert sum(h is logs._handler for h in logging.getLogger("rumorlens").handlers) == 1
    log.info("not shown")
    log.warning("the store's searches will read every article's text")
    try:
        raise ValueError("database gone")
    except ValueError:
        log.exception("rebuilding the store's derived views failed; the last ones drawn are served")
    assert capsys.readouterr().err.splitlines() == [
        "warning: the store's searches will read every article's text",
        "error: rebuilding the store's derived views failed; the last ones drawn are served (ValueError: database gone)"]
    logs.print_library_logs(tracebacks=True)
    try:
        raise ValueError("database gone")
    except ValueError:
        log.exception("unhandled error on GET /v1/stories")
    err = capsys.readouterr().err
    assert err.startswith("error: unhandled error on GET /v1/stories (ValueError: database gone)\nTraceback (most recent call last):")


def test_library_log_lines_as_json_for_serve_json_carry_the_error_and_its_traceback(capsys, monkeypatch):
    """`serve --json`: a warning and an unhandled error behind a 500 are JSON lines, the
    traceback inside the line (a log collector keeps it with its error)."""
    import logging

    from rumorlens import logs

    monkeypatch.setattr(logs._handler, "tracebacks", False)
    monkeypatch.setattr(logs._handler, "json", False)
    logs.print_library_logs(tracebacks=True, json_lines=True)
    log = logging.getLogger("rumorlens.api")
    log.warning("the store's searches will read every article's text")
    try:
        raise ValueError("database gone")
    except ValueError:
        log.exception("unhandled error on GET /v1/stories")
    warning, error = (json.loads(line) for line in capsys.readouterr().err.splitlines())
    assert {k: warning[k] for k in ("event", "level", "message")} == {"event": "log", "level": "warning", "message": "the store's searches will read every article's text"}
    assert (error["level"], error["message"], error["error"]) == ("error", "unhandled error on GET /v1/stories", "ValueError: database gone")
    assert error["traceback"].startswith("Traceback (most recent call last):") and error["traceback"].rstrip().endswith("ValueError: database gone")
    assert warning["time"].endswith("Z") and "traceback" not in warning
