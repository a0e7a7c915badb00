"""Store: SQLite and a real PostgreSQL behind one object, idempotent batches, migrations,
and one-line coded errors for every way a database can refuse."""

from __future__ import annotations

import dataclasses
import json
import os
import sqlite3
import subprocess
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import couple_records
from sqlalchemy import text
from test_store_helpers import (  # noqa: F401
    HandJudge,
    art,
    fresh_pg_url,
    store,
    store_url,
    verdict_for,
)

from rumorlens.errors import NotFound, StoreError, UsageError, message_code
from rumorlens.store import SCHEMA_VERSION, ingest, open_store
from rumorlens.store.store import Store

REPO = Path(__file__).resolve().parents[1]

ARTS = [
    art("a1", "Khloe Kardashian pregnant, insider claims", "An insider says Khloe Kardashian is pregnant again.",
        "https://radaronline.com/a1", "fake", 1500000000),
    art("a2", "Lamar Odom speaks at gala", "Lamar Odom told People at the gala that he is doing well.",
        "https://people.com/a2", "real", 1510000000),
    art("a3", "Unlabelled story", "A story nobody labelled, with an insider quote.", "https://example.com/a3"),
]


def test_store_add_stores_articles_verdicts_signals_and_known_labels(store):
    assert store.add([(a, verdict_for(a, 0.9 if a.label == "fake" else 0.1)) for a in ARTS]) == 3
    one = store.article("a1")
    assert one["title"] == "Khloe Kardashian pregnant, insider claims"
    assert one["known_label"] == "fake" and one["outlet"] == "radaronline.com"
    assert one["verdicts"][0]["label"] == "fake" and one["verdicts"][0]["truth_rating"] == 1
    assert one["verdicts"][0]["reasons"] == ["hand-made reason"]
    assert one["signals"][0]["kind"] == "hedge" and one["signals"][0]["text"] == "Khloe"
    rows = {r["id"]: r for r in store.rows()}
    assert rows["a1"]["final_label"] == "fake" and rows["a1"]["label_source"] == "label"
    assert rows["a3"]["final_label"] == "real" and rows["a3"]["label_source"] == "model"


@pytest.mark.parametrize("title, body", [("T", "a  b\tc\n\nd "), ("", "Ünïcode\u2003spaces\u00a0here"), ("X", "\x1codd\x1fseparators")])
def test_content_id_is_stable_across_the_faster_whitespace_split(title, body):
    """Stored ids and content hashes were made with re.sub(r"\\s+"); the faster split/join must
    give the same value, or re-ingesting old articles would duplicate them."""
    import hashlib
    import re

    from rumorlens.article import content_id

    old = "sha1-" + hashlib.sha1(re.sub(r"\s+", " ", f"{title}\n{body}".lower()).strip().encode()).hexdigest()[:16]
    assert content_id(title, body) == old


def test_store_readding_the_same_articles_adds_nothing(store):
    pairs = [(a, verdict_for(a, 0.3)) for a in ARTS]
    assert store.add(pairs) == 3
    assert store.add(pairs) == 0
    assert store.add(pairs[:1] + pairs[:1]) == 0
    assert store.count() == 3
    assert len(store.article("a2")["signals"]) == 1  # no duplicated signals either


def test_store_ingest_skips_known_ids_without_judging_them_again(store):
    judge = HandJudge()
    first = ingest(store, ARTS, judge=judge, batch_size=2)
    assert (first.stored, first.skipped_duplicates) == (3, 0)
    judge.seen.clear()
    again = ingest(store, ARTS + [art("a4", "New", "A brand new story.")], judge=judge, batch_size=2)
    assert (again.stored, again.skipped_duplicates) == (1, 3)
    assert judge.seen == ["a4"]


def test_store_ingest_takes_nul_and_lone_surrogates_on_both_databases(store):
    """A JSON record may carry \\u0000 or half a surrogate pair: PostgreSQL refused the NUL (and
    with it the whole batch, as 'cannot open database'), and the half pair could not be written
    as UTF-8 anywhere. Both arrive as text that stores and prints."""
    from rumorlens.read.files import parse_jsonl

    line = json.dumps({"id": "n1", "title": "Star \u0000pregnant \ud800", "text": "An insider says\u0000 she is expecting \udfff."})
    [odd] = list(parse_jsonl(line + "\n", "feed.jsonl", []))
    assert (odd.title, odd.text) == ("Star pregnant \ufffd", "An insider says she is expecting \ufffd.")
    report = ingest(store, [odd, ARTS[0]], judge=HandJudge(), batch_size=10)
    assert report.stored == 2 and report.failed == 0
    assert store.article("n1")["title"] == "Star pregnant \ufffd"
    assert json.dumps(store.article("n1"), ensure_ascii=False, default=str).encode("utf-8")


def test_store_ingest_names_an_overlong_id_and_stores_the_rest_on_both_databases(store):
    """A 10,000-character id (or a URL whose host is longer than any host can be) made
    PostgreSQL refuse the whole batch, good records too, as 'cannot open database'."""
    from rumorlens.read.files import parse_jsonl

    lines = "".join(json.dumps(r) + "\n" for r in [
        {"id": "x" * 10_000, "text": "An insider says so."},
        {"id": "h1", "text": "A source says so.", "url": "http://" + "a" * 300 + ".com/story"},
        {"id": "ok", "text": "She told People so."},
    ])
    items = list(parse_jsonl(lines, "feed.jsonl", []))
    assert str(items[0]) == ("feed.jsonl:1: field 'id' is invalid (10000 characters; at most 200); "
                             "give a shorter id, or none for a content hash [RL009]")
    assert items[1].outlet is None
    report = ingest(store, items[1:], judge=HandJudge(), batch_size=10)
    assert report.stored == 2 and {r["id"] for r in store.rows()} == {"h1", "ok"}


def test_store_writers_racing_for_the_same_ids_each_succeed_and_store_them_once(store_url):
    """Eight API workers (or parallel ingests) saving the same articles at once: some found the
    ids new, then lost the insert to another writer, and failed (503) on both databases. Now a
    writer that lost looks again, skips what the other stored, and succeeds."""
    import threading

    stores = [open_store(store_url) for _ in range(8)]
    try:
        for round_ in range(3):
            pairs = [(art(f"r{round_}-{k}", f"Story {k}", f"An insider says story {k} is true."), None) for k in range(25)]
            pairs = [(a, verdict_for(a, 0.7)) for a, _ in pairs]
            start, results, errors = threading.Barrier(len(stores)), [], []

            def write(s):
                start.wait()
                try:
                    results.append(s.add(pairs))
                except Exception as err:  # noqa: BLE001 - the test reports it
                    errors.append(repr(err))

            threads = [threading.Thread(target=write, args=(s,)) for s in stores]
            [t.start() for t in threads]
            [t.join(60) for t in threads]
            assert errors == [] and sum(results) == 25, (errors, results)
        assert len(stores[0].ids()) == 75
    finally:
        for s in stores:
            s.close()


def test_store_storylines_come_a_page_at_a_time_largest_first(store_url):
    store = open_store(store_url)
    sagas = {
        "ab": ("Jennifer Aniston and Brad Pitt", "are expecting twins, an insider claims, and the couple is thrilled about the pregnancy", 4),
        "kk": ("Kim Kardashian and Kanye West", "are heading for a divorce after months of fights over the ranch, a source says", 3),
        "ts": ("Taylor Swift and Joe Alwyn", "are secretly engaged and planning a summer wedding in London, friends say", 2),
    }
    arts = [art(f"{key}{i}", f"{who} news {i}", f"{who} {what}. Story number {i} from outlet {i}.", label="fake")
            for key, (who, what, n) in sagas.items() for i in range(n)]
    try:
        ingest(store, arts, judge=HandJudge())
        everything = store.storylines()
        assert [sl.n for sl in everything] == [4, 3, 2]
        assert [sl.id for sl in store.storylines(limit=2)] == [sl.id for sl in everything[:2]]
        assert [sl.id for sl in store.storylines(limit=2, offset=2)] == [everything[2].id]
        assert store.storylines(offset=3) == [] and store.storylines(limit=0) == []
        assert store.count_storylines() == 3 and store.count_storylines(min_size=3) == 2
        assert [sl.n for sl in store.storylines(min_size=3, limit=1, offset=1)] == [3]
        # found by a name or words in their title or their stories' headlines, as typed, any case
        assert [sl.n for sl in store.storylines(q="KIM kardashian")] == [3] and store.count_storylines(q="kim  kardashian") == 1
        assert [sl.n for sl in store.storylines(q="news 3")] == [4] and store.count_storylines(q="news 3", min_size=5) == 0
        assert store.storylines(q="100%") == [] and store.count_storylines(q="kanye kim") == 0
        assert [sl.id for sl in store.storylines(q="news", limit=1, offset=1)] == [everything[1].id]
    finally:
        store.close()


def test_store_related_storylines_are_the_others_about_the_same_people(store_url):
    """A couple's stories come apart by what they are about, so a storyline lists the others
    about everyone its title names (largest first, with how many there are in all); one about
    only one of them is not among them, and one about her alone lists both of theirs."""
    store = open_store(store_url)
    try:
        ingest(store, [art(r["id"], r["title"], r["text"], label="fake") for r in couple_records()], judge=HandJudge())
        by_member = {a: s for s in store.storylines() for a in s.article_ids}
        baby, paris, perfume = by_member["b0"], by_member["p0"], by_member["k0"]
        assert len({baby.id, paris.id, perfume.id, by_member["t0"].id}) == 4
        related, total = store.related_storylines(baby)
        assert [r["id"] for r in related] == [paris.id] and total == 1
        assert related[0] == {"id": paris.id, "title": paris.title, "n": 3, "share_fake": 1.0, "first_seen": None, "last_seen": None}
        assert [r["id"] for r in store.related_storylines(perfume)[0]] == [baby.id, paris.id], "largest first"
        assert store.related_storylines(perfume, limit=1) == (
            [{"id": baby.id, "title": baby.title, "n": 4, "share_fake": 1.0, "first_seen": None, "last_seen": None}], 2)
        assert store.related_storylines(by_member["t0"]) == ([], 0)
    finally:
        store.close()


def test_store_outlet_is_found_as_typed_with_whom_its_stories_were_about_and_its_storylines(store_url):
    """An outlet's page reads its row of the scorecard, found however a reader writes it (any
    case, "www.", a link to it), whom its stories were about by the people scorecard (its fakes
    most often first), the storylines its stories are in (most of its stories first) and its
    stories newest first; a near-copy it ran twice counts once, and an outlet with no stored
    story is RL035."""
    from rumorlens.corpus.people import people_at
    from rumorlens.errors import NotFound

    store = open_store(store_url)
    try:
        records = couple_records()
        arts = [art(r["id"], r["title"], r["text"], label="fake" if r["id"][0] in "bk" else "real",
                    url=f"https://www.{'tabloid' if r['id'][0] in 'bk' else 'news'}.example/{r['id']}",
                    published=f"2018-0{i % 9 + 1}-01T00:00:00Z") for i, r in enumerate(records)]
        copy = art("b0-copy", records[0]["title"], records[0]["text"], label="fake", url="https://www.tabloid.example/again",
                   published="2018-12-01T00:00:00Z")
        ingest(store, [*arts, copy], judge=HandJudge())
        tabloid = store.outlet("https://WWW.Tabloid.example/some/story")
        assert store.outlet("tabloid.example") == tabloid and (tabloid.outlet, tabloid.n, tabloid.n_fake) == ("tabloid.example", 6, 6)
        counted = {a.id for a in arts if a.id[0] in "bk"}
        assert set(tabloid.article_ids) == counted and len(tabloid.article_ids) == 6, "the near-copy counts once"
        published = {a.id: a.published for a in arts}
        assert [published[i] for i in tabloid.article_ids] == sorted((published[i] for i in tabloid.article_ids), reverse=True)
        assert "article_ids" not in tabloid.as_dict() and "fake_ids" not in tabloid.as_dict(), "the scorecard's rows stay as they were"
        about = people_at(store.people(), tabloid)
        assert about == {"people": [{"person": "Kim Kardashian", "n": 6, "n_fake": 6}, {"person": "Kanye West", "n": 4, "n_fake": 4}],
                         "people_total": 2}
        news = store.outlet("news.example")
        assert people_at(store.people(), news)["people"] == [
            {"person": "Kanye West", "n": 3, "n_fake": 0}, {"person": "Kim Kardashian", "n": 3, "n_fake": 0},
            {"person": "Taylor Swift", "n": 2, "n_fake": 0}]
        by_member = {a: s for s in store.storylines() for a in s.article_ids}
        ran, total = store.storylines_at(tabloid)
        assert [(r["id"], r["n_here"]) for r in ran] == [(by_member["b0"].id, 4), (by_member["k0"].id, 2)] and total == 2
        assert ran[0]["title"] == by_member["b0"].title and ran[0]["n"] == 4
        assert store.storylines_at(tabloid, limit=1) == (ran[:1], 2)
        # a new story's subjects' records, as the Judge asks for them (check --db): ranked people only
        story = art("new", "Kim Kardashian perfume sells out again", "Kim Kardashian said her perfume sold out.")
        (records,) = store.people_records_many([story], min_n=3)
        assert [(r.person, r.n, r.n_fake, r.source) for r in records] == [("Kim Kardashian", 9, 6, "store")]
        assert store.people_records_many([story]) == [[]], "9 stories are too few to rank at 10"
        from rumorlens.corpus.scorecard import matching_outlets

        everyone = store.scorecard().outlets
        assert [o.outlet for o in matching_outlets(everyone, "TABLOID")] == ["tabloid.example"]
        assert [o.outlet for o in matching_outlets(everyone, "https://www.news.example/p0")] == ["news.example"], "a pasted link"
        assert matching_outlets(everyone, "") == everyone and matching_outlets(everyone, "nowhere") == []
        with pytest.raises(NotFound) as missing:
            store.outlet("nowhere.example")
        assert missing.value.code == "RL035" and "outlets --search" in str(missing.value)
    finally:
        store.close()


def test_store_storylines_drawn_by_an_older_rumorlens_are_regrouped_once_or_kept_where_it_may_not_write(store_url, monkeypatch):
    """Upgrading changes how storylines are drawn (people who are places, before); a store grouped
    by the older version is regrouped when it next shows them, not left with the old titles until
    the next ingest. A server that may not write keeps serving the old ones instead of failing."""
    import rumorlens.corpus.storylines as storylines
    from rumorlens.errors import StoreError

    store = open_store(store_url)
    try:
        texts = ["Jennifer Aniston is pregnant with twins, an insider says, and Brad Pitt is thrilled.",
                 "Aniston pregnant with twins: a source close to Jennifer says Brad Pitt is thrilled."]
        ingest(store, [art(f"v{i}", f"Story {i}", texts[i % 2], label="fake") for i in range(4)], judge=HandJudge())
        first = [sl.as_dict() for sl in store.storylines()]
        assert first and store._get_meta("storylines_version") == storylines.STORYLINES_VERSION
        built = []
        real_build = storylines.build_storylines
        monkeypatch.setattr(storylines, "build_storylines", lambda *a, **k: built.append(1) or real_build(*a, **k))
        assert [sl.as_dict() for sl in store.storylines()] == first and built == [], "up to date: not regrouped"
        monkeypatch.setattr(storylines, "STORYLINES_VERSION", "99")  # what an upgrade does
        assert [sl.as_dict() for sl in store.storylines()] == first and built == [1]
        assert store._get_meta("storylines_version") == "99"
        store.storylines()
        assert built == [1], "regrouped once"

        monkeypatch.setattr(storylines, "STORYLINES_VERSION", "100")
        monkeypatch.setattr(Store, "_write_storylines", lambda self, stories, mark: (_ for _ in ()).throw(StoreError("RL038", url="db", detail="permission denied")))
        assert [sl.as_dict() for sl in store.storylines()] == first and built == [1, 1]
        store.storylines()
        assert built == [1, 1], "a store it may not write is not regrouped on every read"
    finally:
        store.close()


def test_store_keeps_each_articles_grouping_traits_and_computes_only_new_ones(store_url, monkeypatch):
    """After an ingest, grouping computed every article's people and MinHash signature again,
    half of the 12 s it took on train + dev. They are kept now: the next grouping computes them
    for the new article only, groups exactly as from scratch, computes them all again when the
    people finder's version changes, and a deleted article's go with it."""
    import rumorlens.corpus.storylines as storylines
    from rumorlens.corpus import text as corpus_text
    from rumorlens.corpus import traits
    from rumorlens.corpus.duplicates import find_duplicates

    texts = ["Jennifer Aniston is pregnant with twins, an insider says, and Brad Pitt is thrilled about the baby news.",
             "Aniston pregnant with twins: a source close to Jennifer Aniston says Brad Pitt is thrilled about it.",
             "Kim Kardashian told People she loves her new show, and the premiere drew a record audience on Sunday."]
    store = open_store(store_url)
    try:
        ingest(store, [art(f"t{i}", f"Story {i}", texts[i % 3] + f" Report {i}.", label="fake") for i in range(6)]
               + [art("t0-copy", "Story 0", texts[0] + " Report 0.")], judge=HandJudge())
        computed: list[list[str]] = []
        real_compute = traits.compute
        monkeypatch.setattr(traits, "compute", lambda rows: computed.append(sorted(r["id"] for r in rows)) or real_compute(rows))
        first = [sl.as_dict() for sl in store.storylines()]
        assert computed == [["t0", "t0-copy", "t1", "t2", "t3", "t4", "t5"]] and first
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM article_traits")).scalar() == 7

        ingest(store, [art("t6", "Story 6", texts[1] + " Report 6.", label="real")], judge=HandJudge())
        grouped = [sl.as_dict() for sl in store.storylines()]
        assert computed[1:] == [["t6"]], "only the new article's traits are computed"
        rows = store.rows()
        assert store.duplicates() == {"t0-copy": ("t0", 1.0)}
        assert grouped == [sl.as_dict() for sl in storylines.build_storylines(rows, find_duplicates(rows))], "as grouped from scratch"
        assert "t6" in {a for sl in grouped for a in sl["article_ids"]}

        monkeypatch.setattr(storylines, "STORYLINES_VERSION", "99")  # new grouping, the same people finder
        assert [sl.as_dict() for sl in store.storylines()] == grouped and computed[2:] == [], "regrouped on the kept traits"
        monkeypatch.setattr(corpus_text, "PEOPLE_VERSION", "99")  # a new people finder, which regroups too
        monkeypatch.setattr(storylines, "STORYLINES_VERSION", "100")
        assert [sl.as_dict() for sl in store.storylines()] == grouped and len(computed[2]) == 8

        store.delete(["t6"])
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM article_traits WHERE article_id = 't6'")).scalar() == 0
        assert "t6" not in {a for sl in store.storylines() for a in sl.article_ids} and computed[3:] == []
    finally:
        store.close()


def test_store_concurrent_readers_of_stale_storylines_rebuild_them_once_without_colliding(store_url):
    """Requests that find storylines stale at once (one server's threads, or several processes)
    each rebuilt them, and on PostgreSQL the later rebuilds collided with the rows the first had
    committed (503, duplicate key). Now they take turns, and the result is the one rebuild's."""
    import threading

    shared = open_store(store_url)
    texts = ["Jennifer Aniston is pregnant with twins, an insider says, and Brad Pitt is thrilled.",
             "Aniston pregnant with twins: a source close to Jennifer says Brad Pitt is thrilled.",
             "Kim Kardashian told People she loves her new show and the premiere."]
    ingest(shared, [art(f"s{i}", f"Story {i}", texts[i % 3], label="fake" if i % 3 < 2 else "real") for i in range(30)], judge=HandJudge())
    expected = [sl.id for sl in shared.storylines()]
    assert expected
    others = [open_store(store_url) for _ in range(3)]  # as other processes would hold
    try:
        for _ in range(3):
            with shared.engine.begin() as conn:
                shared._set_meta(conn, "duplicates_stale", "1")
                shared._set_meta(conn, "storylines_stale", "1")
            readers = [shared] * 4 + others  # four threads of one server, three other processes
            start, errors, seen = threading.Barrier(len(readers)), [], []

            def read(s):
                start.wait()
                try:
                    seen.append([sl.id for sl in s.storylines()])
                except Exception as err:  # noqa: BLE001 - the test reports it
                    errors.append(repr(err))

            threads = [threading.Thread(target=read, args=(s,)) for s in readers]
            [t.start() for t in threads]
            [t.join(120) for t in threads]
            assert errors == [] and len(seen) == len(readers)
            assert [sl.id for sl in shared.storylines()] == expected
    finally:
        for s in [shared, *others]:
            s.close()


def test_store_opened_new_by_several_processes_at_once_is_made_once(tmp_path):
    """`serve --workers 2` on a new database: both workers found no tables, both created them,
    and one failed to start (SQLite: 'table already exists'; PostgreSQL: a duplicate key in its
    catalogue). Six openers at once now all open it, on both databases."""
    import threading

    urls = [str(tmp_path / f"new{i}.db") for i in range(3)]
    if os.environ.get("RUMORLENS_TEST_PG"):
        urls += [fresh_pg_url() for _ in range(2)]
    for url in urls:
        start, errors, opened = threading.Barrier(6), [], []

        def open_one():
            start.wait()
            try:
                s = open_store(url)
                opened.append(s.schema_version)
                s.close()
            except Exception as err:  # noqa: BLE001 - the test reports it
                errors.append(repr(err))

        threads = [threading.Thread(target=open_one) for _ in range(6)]
        [t.start() for t in threads]
        [t.join(60) for t in threads]
        assert errors == [] and opened == [SCHEMA_VERSION] * 6, url


def test_store_ingest_counts_repeats_across_batches_once(store):
    # a1 comes back in the next batch while the writer may still be committing the first
    report = ingest(store, ARTS + [ARTS[0], ARTS[1]], judge=HandJudge(), batch_size=2)
    assert (report.stored, report.skipped_duplicates) == (3, 2)
    assert store.count() == 3


def test_store_ingest_reports_only_committed_batches(store):
    calls = []
    ingest(store, ARTS, judge=HandJudge(), batch_size=2, on_batch=lambda r, n: calls.append((r.stored, store.count())))
    # Each report comes after its commit: what is reported is already in the database.
    assert calls == [(2, 2), (3, 3)]


def test_store_records_schema_version_in_migrations_table(store_url):
    s = open_store(store_url)
    with s.engine.connect() as conn:
        versions = [r[0] for r in conn.execute(text("SELECT version FROM rumorlens_migrations"))]
    assert versions == list(range(1, SCHEMA_VERSION + 1))
    s.close()
    again = open_store(store_url)  # reopening migrates nothing twice
    assert again.schema_found == SCHEMA_VERSION
    again.close()


def test_store_label_filters_and_the_queue_read_the_final_label_the_database_keeps(store_url):
    """A label filter and a most-likely-fake-first queue read ``final_label`` and ``p_fake`` kept
    beside each article instead of joining every article to its verdicts and rulings. A database
    from before they were kept gets them worked out when opened; after that the database keeps
    them itself, whoever writes a ruling or a verdict (a team's own script included)."""
    s = open_store(store_url)
    s.add([(a, verdict_for(a, p)) for a, p in zip(ARTS, (0.9, 0.2, 0.6))] + [(art("bare", "Unjudged", "Nobody judged this."), None)])
    s.rule("a2", "fake", "rep admitted it was made up")
    with s.engine.begin() as conn:  # back to version 4: no kept columns, no triggers
        if s.is_sqlite:
            for name in [r[0] for r in conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))]:
                conn.execute(text(f"DROP TRIGGER {name}"))
        else:
            conn.execute(text("DROP FUNCTION rumorlens_final_label() CASCADE"))
        conn.execute(text("DROP INDEX ix_articles_final_label"))
        conn.execute(text("DROP INDEX ix_articles_p_fake"))
        conn.execute(text("ALTER TABLE articles DROP COLUMN final_label"))
        conn.execute(text("ALTER TABLE articles DROP COLUMN p_fake"))
        conn.execute(text("DELETE FROM rumorlens_migrations WHERE version > 4"))
    s.close()
    s = open_store(store_url)
    try:
        assert s.schema_found == 4
        # a1 carried "fake"; a2 carried "real" but was ruled fake; a3 is the model's (0.6 fake)
        assert [r["id"] for r in s.search(label="fake", sort="p_fake")] == ["a1", "a3", "a2"] and s.count(label="fake") == 3
        assert [r["id"] for r in s.search(sort="p_fake")] == ["a1", "a3", "a2", "bare"]
        assert s.search(label="real") == [] and s.count(label="real") == 0
        with s.engine.begin() as conn:  # a script of the team's own, not rumorlens
            conn.execute(text("INSERT INTO rulings (article_id, label, note, created_at) VALUES ('a3', 'real', '', '2099-01-01T00:00:00Z')"))
            conn.execute(text("UPDATE verdicts SET p_fake = 0.95 WHERE article_id = 'a2'"))
        assert [r["id"] for r in s.search(label="real")] == ["a3"] and [r["final_label"] for r in s.search(label="real")] == ["real"]
        with s.engine.begin() as conn:  # an article the script stores with a known label and no verdict
            conn.execute(text("INSERT INTO articles (id, content_hash, title, text, known_label, ingested_at) "
                              "VALUES ('raw', 'h', 'Raw', 'Stored by a script.', 'real', '2020-01-01T00:00:00Z')"))
        assert sorted(r["id"] for r in s.search(label="real")) == ["a3", "raw"]
        with s.engine.begin() as conn:
            conn.execute(text("UPDATE articles SET known_label = 'fake' WHERE id = 'raw'"))
        assert [r["id"] for r in s.search(label="real")] == ["a3"]
        assert [r["id"] for r in s.search(sort="p_fake", limit=2)] == ["a2", "a1"]
        s.rule("a3", "fake")  # a ruling stamped now is older than the script's: the script's stays in force
        assert s.count(label="real") == 1
        s.delete(["a3"])
        assert s.count(label="real") == 0 and s.count(label="fake") == 3
    finally:
        s.close()


ACCENTED = [art("b1", "Beyoncé And Her Fiancé?", "An insider claims BEYONCÉ is secretly engaged.", label="fake"),
            art("b2", "Beyonce tour dates", "Beyonce announced the tour on stage. No fiance here."),
            art("b3", "CÉLINE DION returns", "Céline Dion\u00a0sang at the Colosseum\u2026 in Rome."),
            art("b4", "Plain story", "Nothing accented at all.")]


def search_ids(store, q: str) -> list[str]:
    found = sorted(r["id"] for r in store.search(q=q))
    assert store.count(q=q) == len(found)  # the count pages with the same words
    return found


def test_store_search_ignores_accents_and_case(store):
    """A journalist types "beyonce": the stories that write "Beyoncé" or "BEYONCÉ" are found
    with the rest, and typing the accent finds the unaccented ones too (on SQLite, whose lower()
    folds A-Z alone, as on PostgreSQL). Before, half of train + dev's Beyoncé stories hid."""
    store.add((a, verdict_for(a, 0.5)) for a in ACCENTED)
    assert search_ids(store, "beyonce") == search_ids(store, "BEYONCÉ") == search_ids(store, "Beyoncé") == ["b1", "b2"]
    assert search_ids(store, "fiance") == search_ids(store, "FIANCÉ") == ["b1", "b2"]
    assert search_ids(store, "celine dion") == search_ids(store, "Céline Dion") == ["b3"]  # a no-break space between
    assert search_ids(store, "secretly engaged") == ["b1"] and search_ids(store, "colosseum...") == ["b3"]
    assert search_ids(store, "plain story") == ["b4"] and search_ids(store, "beyoncé tour") == ["b2"]
    # only where lower() would not do is a fold kept beside the article
    with store.engine.connect() as conn:
        kept = dict(conn.execute(text("SELECT id, text_folded FROM articles")).all())
    assert kept["b4"] is None and kept["b2"] is None and kept["b1"] == "an insider claims beyonce is secretly engaged."
    # so are storylines, by their stories' headlines
    assert store.count_storylines(q="BEYONCÉ", min_size=1) == store.count_storylines(q="beyonce", min_size=1)


def test_store_from_before_searches_folded_accents_folds_what_it_holds(store_url):
    """A version-6 store is folded in place when opened (migration 7), a page at a time, and its
    searches find accented articles as a new store's do; on PostgreSQL the trigram indexes are
    those of the folded text, migration 6's dropped."""
    from rumorlens.store import search_index

    s = open_store(store_url)
    s.add((a, None) for a in ACCENTED)
    with s.engine.begin() as conn:  # back to version 6, as a store written before migration 7
        if not s.is_sqlite:
            for name in search_index.INDEXES:
                conn.execute(text(f"DROP INDEX {name}"))
            search_index.create_indexes(conn, search_index.LOWERED_INDEXES)
        conn.execute(text("ALTER TABLE articles DROP COLUMN title_folded"))
        conn.execute(text("ALTER TABLE articles DROP COLUMN text_folded"))
        conn.execute(text("DELETE FROM rumorlens_migrations WHERE version > 6"))
    s.close()
    page, search_index.BACKFILL_PAGE = search_index.BACKFILL_PAGE, 3  # more than one page
    try:
        s = open_store(store_url)
    finally:
        search_index.BACKFILL_PAGE = page
    try:
        assert (s.schema_found, s.schema_version) == (6, SCHEMA_VERSION)
        assert search_ids(s, "beyonce") == ["b1", "b2"] and search_ids(s, "celine") == ["b3"]
        if not s.is_sqlite:
            with s.engine.connect() as conn:
                indexes = set(conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'articles'")).scalars())
            assert set(search_index.INDEXES) <= indexes and not set(search_index.LOWERED_INDEXES) & indexes
            assert s.stats()["search"] == "trigram indexes"
        with s.engine.begin() as conn:  # a team's script stores an article its own way: found by lower()
            conn.execute(text("INSERT INTO articles (id, content_hash, title, text, ingested_at) "
                              "VALUES ('raw', 'h', 'Raw BEYONCE story', 'By a script.', '2020-01-01T00:00:00Z')"))
        assert search_ids(s, "beyonce") == ["b1", "b2", "raw"]
    finally:
        s.close()


def test_store_keeps_the_warnings_an_article_was_read_with(store):
    """A stored article's page says it was truncated or decoded with replacements (RW001-RW005)
    long after the check that read it; export carries them too."""
    from rumorlens.store.records import stored_verdict

    long = art("long", "Long story", "An insider speaks. " * 10)
    long = dataclasses.replace(long, warnings=("feed.jsonl:7: text is 250000 characters; only the first 100000 are judged [RW002]",))
    headline = art("head", "Star Secretly Married", "")
    assert [message_code(w) for w in headline.warnings] == ["RW005"]
    store.add([(a, verdict_for(a, 0.7)) for a in (long, headline, ARTS[1])])
    assert stored_verdict(store.article("long"))["warnings"] == list(long.warnings)
    assert stored_verdict(store.article("head"))["warnings"] == list(headline.warnings)  # said once, not twice
    assert stored_verdict(store.article("a2"))["warnings"] == []
    exported = {r["id"]: r["warnings"] for r in store.iter_export()}
    assert exported == {"long": list(long.warnings), "head": list(headline.warnings), "a2": []}


def test_store_opens_a_database_from_before_it_kept_warnings(store_url):
    """A version-1 database (no warnings column) is migrated in place: its articles read back
    without warnings (a headline alone still says so), new ones keep theirs."""
    from rumorlens.store.records import stored_verdict

    s = open_store(store_url)
    s.add([(a, verdict_for(a, 0.3)) for a in ARTS[:2]] + [(art("oldhead", "Star Secretly Married", ""), None)])
    with s.engine.begin() as conn:  # back to version 1, as a database written before migration 2
        conn.execute(text("ALTER TABLE articles DROP COLUMN warnings"))
        conn.execute(text("DELETE FROM rumorlens_migrations WHERE version > 1"))
    s.close()
    s = open_store(store_url)
    assert s.schema_found == 1
    assert stored_verdict(s.article("a1"))["warnings"] == []
    assert [message_code(w) for w in stored_verdict(s.article("oldhead"))["warnings"]] == ["RW005"]
    fresh = art("new", "New story", "Body.")
    fresh = dataclasses.replace(fresh, warnings=("new.txt: not valid UTF-8; read as Windows-1252, the usual older encoding of English text [RW001]",))
    s.add([(fresh, verdict_for(fresh, 0.2))])
    assert stored_verdict(s.article("new"))["warnings"] == list(fresh.warnings)
    assert s.count() == 4
    s.close()


def test_store_refuses_a_schema_from_a_newer_version(store_url):
    s = open_store(store_url)
    with s.engine.begin() as conn:
        conn.execute(text("INSERT INTO rumorlens_migrations (version, name, applied_at) VALUES (99, 'future', 'x')"))
    display = s.display_url
    s.close()
    with pytest.raises(StoreError) as err:
        open_store(store_url)
    assert str(err.value) == (f"database {display} has schema version 99, newer than this rumorlens "
                              f"({SCHEMA_VERSION}); upgrade rumorlens [RL033]")


def test_store_long_lived_store_sees_another_writers_articles(store_url, monkeypatch):
    import time

    from rumorlens.store import store as store_module

    # A server looks for other processes' writes at most every FRESHNESS_SECONDS (1 s); shortened
    # here so the test waits 0.1 s instead of a second.
    monkeypatch.setattr(store_module, "FRESHNESS_SECONDS", 0.1)
    server = open_store(store_url)  # e.g. the one `rumorlens serve` holds
    a = ARTS[0]
    assert server.scorecard(min_n=1).get("radaronline.com") is None
    writer = open_store(store_url)  # a separate `rumorlens ingest`
    writer.add([(a, verdict_for(a, 0.9))])
    time.sleep(0.15)  # past the window: the next read looks again
    assert server.scorecard(min_n=1).get("radaronline.com").n == 1
    assert server.debunk_matches(art("q", a.title, a.text))[0].article_id == "a1"
    writer.close()
    server.close()


def test_store_search_filters_in_the_database(store):
    """Search runs as SQL on both databases: words in title or text (case-insensitive, % and _
    taken literally), outlet, final label (known beats judged), newest first, undated last."""
    extra = [art("a4", "Kim K: 100% done with drama", "Kim Kardashian posted a long note.", "https://radaronline.com/a4", None, 1520000000),
             art("a5", "Undated insider story", "An insider says it is 100x worse.", "https://radaronline.com/a5")]
    store.add([(a, verdict_for(a, p)) for a, p in zip(ARTS + extra, (0.2, 0.9, 0.8, 0.3, 0.6))])

    def ids(**kw):
        return [r["id"] for r in store.search(**kw)]

    assert ids() == ["a4", "a2", "a1", "a5", "a3"]  # newest first; the undated ones last
    assert ids(q="KHLOE") == ["a1"] and ids(q="gala") == ["a2"]  # title, text
    assert ids(q="insider") == ["a1", "a5", "a3"]
    assert ids(q="100%") == ["a4"]  # not "100" followed by anything
    assert ids(q="100_") == [] and ids(q="   ") == ids()
    assert ids(outlet="radaronline.com") == ["a4", "a1", "a5"] and ids(outlet="People.com ") == ["a2"]
    # a1 is known fake though judged 0.2; a2 known real though judged 0.9; the rest as judged
    assert ids(label="fake") == ["a1", "a5", "a3"] and ids(label="real") == ["a4", "a2"]
    assert ids(q="insider", outlet="radaronline.com", label="fake") == ["a1", "a5"]
    assert ids(limit=2) == ["a4", "a2"] and ids(limit=0) == []
    # pages: offset skips, count says how many match in all pages, with the same filters
    assert ids(limit=2, offset=2) == ["a1", "a5"] and ids(limit=2, offset=4) == ["a3"] and ids(offset=9) == []
    assert ids(label="fake", limit=1, offset=1) == ["a5"]
    assert store.count() == 5 and store.count(q="insider") == 3 and store.count(q="insider", outlet="radaronline.com", label="fake") == 2
    assert store.count(q="nothing like it") == 0
    # or right after an article (the last of the previous page), and count says where that starts
    assert ids(limit=2, after="a2") == ["a1", "a5"] and ids(after="a5") == ["a3"] and ids(after="a3") == []
    assert ids(label="fake", after="a1") == ["a5", "a3"] and store.count(label="fake", through="a1") == 1
    assert store.count(through="a2") == 2 and store.count(through="a3") == 5
    with pytest.raises(NotFound) as missing:
        store.search(after="no-such-article")
    assert missing.value.code == "RL035"
    # an article added above the page someone is on ([a1, a5] at offset 2) does not shift their
    # next page: after a5 comes a3, where offset 4 now shows a5 again
    store.add([(a, verdict_for(a, 0.5)) for a in [art("a6", "Newest", "A new story.", "https://people.com/a6", None, 1530000000)]])
    assert ids(after="a5", limit=2) == ["a3"] and ids(offset=4, limit=2) == ["a5", "a3"]
    row = store.search(q="gala")[0]
    assert row["final_label"] == "real" and row["label_source"] == "label" and row["p_fake"] == pytest.approx(0.9)
    assert len(row["text"]) <= 600  # lists carry the lead, not the whole body


def test_store_stats_counts(store):
    store.add([(a, verdict_for(a, 0.9 if "insider" in a.text else 0.1)) for a in ARTS])
    stats = store.stats()
    assert {k: stats[k] for k in ("articles", "outlets", "labelled", "judged_fake", "judged_real")} == {
        "articles": 3, "outlets": 3, "labelled": 2, "judged_fake": 2, "judged_real": 1}
    assert stats["search"] == ("trigram indexes" if store.engine.dialect.name == "postgresql" else "scan")


def test_store_sqlite_uses_wal(tmp_path):
    s = open_store(tmp_path / "w.db")
    with s.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    s.close()


def test_store_default_url_comes_from_env(tmp_path, monkeypatch):
    monkeypatch.setenv("RUMORLENS_DB", str(tmp_path / "env.db"))
    s = open_store()
    assert s.display_url == str(tmp_path / "env.db")
    s.close()
    monkeypatch.delenv("RUMORLENS_DB")
    monkeypatch.chdir(tmp_path)
    s = open_store()
    assert s.display_url == "rumorlens.db" and (tmp_path / "rumorlens.db").exists()
    s.close()


@pytest.mark.parametrize("url", ["mysql://root@localhost/x", "sqlite:memory", "ftp://example.com/db"])
def test_store_unsupported_url_is_rl034(url):
    with pytest.raises(StoreError) as err:
        open_store(url)
    assert str(err.value) == (f"unsupported database URL {url}; use a file path, sqlite:///PATH or "
                              "postgresql://USER@HOST/DB [RL034]")


def test_store_missing_directory_is_rl030(tmp_path):
    path = tmp_path / "nope" / "x.db"
    with pytest.raises(StoreError) as err:
        open_store(path)
    assert str(err.value) == (f"cannot open database {path} (directory {tmp_path / 'nope'} does not exist); "
                              "check the URL, that the server is running and that you may connect [RL030]")


def test_store_a_refused_write_is_rl038_not_cannot_open():
    """A server that was reached and refused a value must not send the user to check the server."""
    from sqlalchemy.exc import DataError, IntegrityError, OperationalError

    from rumorlens.store.engine import translate

    refused = translate(DataError("INSERT", {}, Exception("value too long for type character varying(200)")), "postgresql://db", False)
    assert str(refused) == ("database postgresql://db refused a write (value too long for type character varying(200)); what was committed "
                            "before it is kept; report this with the records if they look valid [RL038]")
    assert translate(IntegrityError("INSERT", {}, Exception("duplicate key")), "postgresql://db", False).code == "RL038"
    assert translate(OperationalError("connect", {}, Exception("connection refused")), "postgresql://db", False).code == "RL030"


def test_store_unreachable_postgres_is_rl030():
    with pytest.raises(StoreError) as err:
        open_store("postgresql://rumorlens:secret@127.0.0.1:1/nothing")
    msg = str(err.value)
    assert msg.startswith("cannot open database postgresql://rumorlens:***@127.0.0.1:1/nothing (")
    assert msg.endswith("); check the URL, that the server is running and that you may connect [RL030]")
    assert "secret" not in msg and "\n" not in msg


def test_store_not_a_database_file_is_rl030(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(StoreError) as err:
        open_store(path)
    assert str(err.value) == (f"cannot open database {path} (not a rumorlens SQLite database); check the URL, "
                              "that the server is running and that you may connect [RL030]")


def test_store_locked_sqlite_is_rl031(tmp_path, monkeypatch):
    path = tmp_path / "locked.db"
    monkeypatch.setenv("RUMORLENS_LOCK_TIMEOUT", "0.2")
    s = open_store(path)
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another process mid-write
    try:
        with pytest.raises(StoreError) as err:
            s.add([(ARTS[0], None)])
        assert str(err.value) == (f"database {path} is locked by another process; wait for it to finish "
                                  "or use another --db [RL031]")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        s.close()


@contextmanager
def read_only_dir(path: Path):
    """A directory nobody may write to. Root ignores permission bits, so as root the
    directory is made immutable (chattr +i), which root cannot write through either."""
    path.mkdir()
    if os.geteuid() != 0:
        path.chmod(0o555)
        try:
            yield path
        finally:
            path.chmod(0o755)
        return
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"running as root and cannot make {path} immutable: {done.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)


def test_store_read_only_directory_is_rl032(tmp_path):
    with read_only_dir(tmp_path / "ro") as ro, pytest.raises(StoreError) as err:
        open_store(ro / "x.db")
    assert str(err.value) == (f"cannot write database {ro / 'x.db'} (read-only file or directory); choose a "
                              "writable location with --db or RUMORLENS_DB [RL032]")


def test_store_postgres_and_sqlite_give_the_same_rows(tmp_path):
    pg = open_store(fresh_pg_url())
    lite = open_store(tmp_path / "same.db")
    for s in (pg, lite):
        s.add([(a, verdict_for(a, 0.7)) for a in ARTS])

    def comparable(s):
        return [{k: v for k, v in r.items() if k not in ("ingested_at", "created_at")} for r in s.rows()]

    assert comparable(pg) == comparable(lite)
    assert json.dumps(pg.article("a1")["signals"]) == json.dumps(lite.article("a1")["signals"])
    pg.close()
    lite.close()


def test_store_a_ruling_is_the_final_label_everywhere_and_the_older_ones_stay(store):
    """A fact-checker's ruling outranks the record's label and the model's verdict in every
    view (listings, filters, scorecard, debunk matches, export); ruling again changes the call
    and keeps the first as history. Both databases."""
    store.add([(a, verdict_for(a, 0.9 if "insider" in a.text else 0.1)) for a in ARTS])
    # a1 carried "fake" and was judged fake; a3 was only judged (fake)
    first = store.rule("a1", "Real", "  The rep confirmed it to us on the record.  ", "Jane D.")
    assert {k: first[k] for k in ("label", "note", "reviewer")} == {"label": "real", "note": "The rep confirmed it to us on the record.", "reviewer": "Jane D."}
    store.rule("a3", "real")
    rows = {r["id"]: r for r in store.rows()}
    assert (rows["a1"]["final_label"], rows["a1"]["label_source"], rows["a1"]["ruled_by"]) == ("real", "ruling", "Jane D.")
    assert (rows["a3"]["final_label"], rows["a3"]["label_source"]) == ("real", "ruling")
    assert (rows["a2"]["final_label"], rows["a2"]["label_source"]) == ("real", "label")
    assert [r["id"] for r in store.search(label="fake")] == [] and store.count(label="real") == 3
    assert store.search(q="khloe")[0]["ruling"] == "real"
    assert store.stats()["ruled"] == 2
    radar = store.scorecard(min_n=1).get("radaronline.com")
    assert (radar.n_fake, radar.n_known) == (0, 1)  # a ruling is a person's label
    match = store.debunk_matches(art("q", "Khloe Kardashian pregnant again", "An insider says Khloe Kardashian is pregnant."))[0]
    assert (match.article_id, match.label, match.label_source) == ("a1", "real", "ruling")
    assert match.labelled() == "ruled real by a fact-checker"
    exported = {r["id"]: r for r in store.iter_export()}
    assert {k: exported["a1"][k] for k in ("known_label", "label", "ruling", "ruling_note", "ruled_by", "final_label")} == {
        "known_label": "fake", "label": "fake", "ruling": "real", "ruling_note": "The rep confirmed it to us on the record.",
        "ruled_by": "Jane D.", "final_label": "real"}
    assert exported["a2"]["ruling"] is None and exported["a2"]["final_label"] == "real"

    store.rule("a1", "fake", "The rep walked it back.")
    history = store.article("a1")["rulings"]
    assert [(r["label"], r["reviewer"]) for r in history] == [("real", "Jane D."), ("fake", None)]
    assert {r["id"]: r["final_label"] for r in store.rows()}["a1"] == "fake"
    assert [r["id"] for r in store.search(label="fake")] == ["a1"]


def test_store_refuses_a_ruling_it_cannot_keep_and_stores_nothing(store):
    store.add([(ARTS[0], verdict_for(ARTS[0], 0.9))])
    with pytest.raises(NotFound) as missing:
        store.rule("no-such-article", "fake")
    assert missing.value.code == "RL035" and "no article with id 'no-such-article'" in str(missing.value)
    for kwargs, detail in (({"label": "maybe"}, "invalid value for label: 'maybe'; use fake or real"),
                           ({"label": "fake", "note": "x" * 2001}, "invalid value for note: 2001 characters; keep it to 2000"),
                           ({"label": "fake", "reviewer": "y" * 201}, "invalid value for reviewer: 201 characters; keep it to 200")):
        with pytest.raises(UsageError) as bad:
            store.rule("a1", **kwargs)
        assert str(bad.value) == f"{detail} [RL042]"
    assert store.article("a1")["rulings"] == [] and store.stats()["ruled"] == 0


def test_store_storylines_and_a_long_lived_reader_see_a_new_ruling(store_url, monkeypatch):
    """A ruling from another process reaches a server's cached views within the freshness
    window, and the storyline's timeline shows the ruled label."""
    import time

    from rumorlens.store import store as store_module

    monkeypatch.setattr(store_module, "FRESHNESS_SECONDS", 0.1)
    server = open_store(store_url)
    twins = [art(f"t{i}", f"Jennifer Aniston pregnant with twins {w}", f"An insider says Jennifer Aniston is pregnant with twins {w}.",
                 f"https://{o}/t{i}", None, 1500000000 + i) for i, (w, o) in enumerate((("again", "radaronline.com"), ("now", "intouchweekly.com")))]
    server.add([(a, verdict_for(a, 0.9)) for a in twins])
    story = server.storylines()[0]
    assert {e["article_id"]: (e["label"], e["label_source"]) for e in story.timeline} == {"t0": ("fake", "model"), "t1": ("fake", "model")}
    assert server.scorecard(min_n=1).get("radaronline.com").n_fake == 1
    desk = open_store(store_url)  # a fact-checker's `rumorlens rule` in another process
    desk.rule("t0", "real", "Confirmed by her publicist")
    assert desk.refresh() is False  # nothing to group again: the timeline was relabelled in place
    time.sleep(0.15)
    assert server.scorecard(min_n=1).get("radaronline.com").n_fake == 0
    story = server.storylines()[0]
    assert {e["article_id"]: (e["label"], e["label_source"]) for e in story.timeline} == {"t0": ("real", "ruling"), "t1": ("fake", "model")}
    # shown in place, not by grouping every storyline again (seconds on a real corpus), and
    # the same as grouping again would give
    assert story.share_fake == 0.5
    server.refresh(force=True)
    assert server.storylines()[0] == story
    desk.close()
    server.close()


def test_store_opens_a_database_from_before_rulings_and_rules_on_its_articles(store_url):
    s = open_store(store_url)
    s.add([(a, verdict_for(a, 0.3)) for a in ARTS[:2]])
    with s.engine.begin() as conn:  # back to version 2, as a database written before migration 3
        conn.execute(text("DROP TABLE rulings"))
        conn.execute(text("DELETE FROM rumorlens_migrations WHERE version > 2"))
    s.close()
    s = open_store(store_url)
    assert (s.schema_found, s.schema_version) == (2, SCHEMA_VERSION)
    assert s.article("a1")["rulings"] == [] and {r["id"]: r["label_source"] for r in s.rows()} == {"a1": "label", "a2": "label"}
    s.rule("a2", "fake", "Debunked by her rep")
    assert s.search(label="fake")[0]["id"] in ("a1", "a2") and s.count(label="fake") == 2
    s.close()


def test_store_a_page_cut_first_and_read_by_id_is_the_page_of_the_full_join(store, monkeypatch):
    """Listings cut the page from the articles, then read only its articles' latest verdicts and
    rulings: the rows must be exactly those of ranking every verdict (re-judged articles, rulings
    changed, undated articles and ties included)."""
    from rumorlens.store import store as store_module

    arts = [art(f"p{i:02d}", f"Story {i} insider" if i % 3 else f"Story {i}", f"Body {i}: an insider says so." if i % 2 else f"Body {i}.",
                f"https://{'radaronline' if i % 4 else 'people'}.com/p{i}", None, None if i % 5 == 0 else 1500000000 + (i // 2) * 1000)
            for i in range(30)]
    store.add([(a, verdict_for(a, 0.9 if "insider" in a.text else 0.1, "v1")) for a in arts])
    store.add([(a, verdict_for(a, 0.3, "v2")) for a in arts[::3]])  # ignored: already stored
    with store.engine.begin() as conn:  # a newer model re-judged some (as a re-run with another model stores)
        conn.execute(text("INSERT INTO verdicts (article_id, model_version, label, p_fake, truth_rating, reasons, text_only, created_at) "
                          "SELECT article_id, 'v2', 'real', 0.2, 8, '[]', 0, '2999-01-01T00:00:00.000000Z' FROM verdicts WHERE article_id LIKE 'p1%'"))
    for i, call in ((3, "real"), (4, "fake"), (3, "fake")):
        store.rule(f"p{i:02d}", call)
    asks = [{}, {"limit": 7}, {"limit": 7, "offset": 7}, {"offset": 28}, {"q": "insider"}, {"outlet": "people.com"},
            {"limit": 5, "after": "p10"}, {"q": "insider", "after": "p13", "limit": 4}]
    two_steps = [store.search(**ask) for ask in asks]
    monkeypatch.setattr(store_module, "PAGE_IN_TWO_STEPS", -1)  # every page by the full join
    assert two_steps == [store.search(**ask) for ask in asks]
    rows = {r["id"]: r for r in two_steps[0]}
    assert (rows["p03"]["final_label"], rows["p11"]["model_version"], rows["p11"]["label"]) == ("fake", "v2", "real")


def test_store_a_fact_checkers_queue_lists_the_likeliest_fakes_nobody_has_ruled_on(store):
    """``ruled`` filters on whether anyone ruled; ``sort="p_fake"`` puts the likeliest fakes
    first (never-judged last) and pages by offset; count agrees with every filter."""
    arts = [art(f"q{i}", f"Story {i}", f"Body {i}, an insider says." if i % 2 else f"Body {i}.", None, None, 1500000000 + i) for i in range(6)]
    store.add([(a, verdict_for(a, p)) for a, p in zip(arts, (0.2, 0.95, 0.5, 0.7, 0.1, 0.9))] + [(art("never", "Never judged", "Stored only."), None)])
    store.rule("q1", "fake", "Rep denied it")

    def ids(**kw):
        return [r["id"] for r in store.search(**kw)]

    assert ids(ruled=True) == ["q1"] and store.count(ruled=True) == 1
    assert ids(ruled=False, sort="p_fake") == ["q5", "q3", "q2", "q0", "q4", "never"]
    assert ids(ruled=False, sort="p_fake", limit=2, offset=2) == ["q2", "q0"] and store.count(ruled=False) == 6
    assert ids(sort="p_fake", limit=2) == ["q1", "q5"]
    assert ids(ruled=False, label="fake", sort="p_fake") == ["q5", "q3", "q2"] and store.count(ruled=False, label="fake") == 3
    assert ids(ruled=False, q="insider") == ["q5", "q3"] and store.count(ruled=False, q="insider", through="q5") == 1
    for kwargs, detail in (({"sort": "oldest"}, "invalid value for sort: 'oldest'; use newest or p_fake"),
                           ({"sort": "p_fake", "after": "q5"}, "invalid value for after: it pages newest first; page a list sorted by p_fake with offset")):
        with pytest.raises(UsageError) as bad:
            store.search(**kwargs)
        assert str(bad.value) == f"{detail} [RL042]"


def test_store_an_articles_page_and_a_storylines_members_read_only_their_own_rows(store, monkeypatch):
    """The article record (near-duplicates) and a storyline's members come from ``summaries``
    of their ids, in the order asked, without reading every stored article and its text (a
    team's PostgreSQL may hold millions: the first article page took 0.9 s on train + dev)."""
    from rumorlens.api.service import Service
    from rumorlens.store.records import article_record

    split = ("Jennifer Aniston and Justin Theroux announced their separation in a joint statement on Thursday, saying they "
             "had decided to part ways as a couple earlier this year and remain close friends. ") * 3
    copies = [art("c0", "Jennifer Aniston and Justin Theroux split", split, "https://o0.com/c", None, 1500000000),
              art("c1", "Jennifer Aniston and Justin Theroux split", split + "Read more.", "https://o1.com/c", None, 1500000001),
              art("c2", "Jennifer Aniston, Justin Theroux separation", "Jennifer Aniston and Justin Theroux separation: the couple "
                  "decided to part ways and remain friends, a statement said on Thursday.", "https://o2.com/c", None, 1500000002)]
    store.add([(a, verdict_for(a, 0.8)) for a in copies + ARTS])
    store.rule("c1", "real")
    assert [r["id"] for r in store.summaries(["a2", "nope", "c1", "a1"])] == ["a2", "c1", "a1"]
    assert store.summaries(["c1"])[0]["final_label"] == "real" and store.summaries([]) == []
    assert store.duplicates() and store.storylines()  # drawn now; reading them is what is under test
    monkeypatch.setattr(type(store), "rows", lambda *a, **k: pytest.fail("read every stored article"))
    record = article_record(store, "c0")
    assert [(d["id"], d["ruling"]) for d in record["near_duplicates"]] == [("c1", "real")]
    story = Service(store=store, judge=None, token="t").story(record["storyline"]["id"])
    assert [a["id"] for a in story["articles"]] == ["c0", "c1", "c2"]


def test_store_delete_removes_articles_with_all_that_is_stored_about_them(store):
    """A takedown: the article, its verdicts, signals and rulings go in one transaction; the
    near-duplicate and storyline views are drawn again without it; unknown ids are reported by
    what comes back, and the rest of the store is untouched. Both databases."""
    twins = [art(f"t{i}", "Jennifer Aniston pregnant with twins", f"An insider says Jennifer Aniston is pregnant with twins {w}.",
                 f"https://o{i}.com/t", None, 1500000000 + i) for i, w in enumerate(("again", "now", "at last"))]
    store.add([(a, verdict_for(a, 0.9)) for a in twins + ARTS])
    store.rule("t1", "fake", "Rep denied it")
    assert {"t0", "t1", "t2"} <= set(store.storylines()[0].article_ids)
    assert store.delete(["t1", "nope", "t1", "a3"]) == ["t1", "a3"]
    assert store.count() == 4 and store.stats()["ruled"] == 0
    with pytest.raises(NotFound):
        store.article("t1")
    with store.engine.connect() as conn:
        for table in ("verdicts", "signals", "rulings"):
            assert conn.execute(text(f"SELECT COUNT(*) FROM {table} WHERE article_id IN ('t1', 'a3')")).scalar_one() == 0, table
    assert "t1" not in store.storylines()[0].article_ids and set(store.storylines()[0].article_ids) == {"t0", "t2"}
    assert store.summaries(["t0", "t1"])[0]["id"] == "t0" and len(store.summaries(["t0", "t1"])) == 1
    assert store.delete(["nope"]) == [] and store.delete([]) == []
    store.add([(twins[1], verdict_for(twins[1], 0.2))])  # stored again from scratch: no ruling, the new verdict
    assert store.article("t1")["rulings"] == [] and store.search(q="at last")[0]["id"] == "t2"


TWIN_TEXTS = ("An insider says Jennifer Aniston is pregnant with twins and thrilled about it.",
              "Jennifer Aniston is expecting twins at last, a source close to the star claims.",
              "Sources say Jennifer Aniston is pregnant with twins again, and her friends are happy.")


def _twin_stories(n: int, start: int = 0) -> list:
    """Different stories of one rumour: a storyline, not near-copies."""
    return [art(f"w{i}", "Jennifer Aniston pregnant with twins?", TWIN_TEXTS[i], f"https://o{i}.com/w", None, 1500000000 + i)
            for i in range(start, start + n)]


def test_store_an_article_stored_while_views_are_drawn_is_grouped_on_the_next_read(store_url, monkeypatch):
    """The stale mark is a writer's stamp: a rebuild that read the rows before another writer
    stored an article must not clear the mark that writer set, or the article would stay out of
    every storyline until the next ingest. Both databases."""
    import rumorlens.corpus.storylines as storylines

    store = open_store(store_url)
    writer = open_store(store_url)  # another process's ingest
    store.add([(a, verdict_for(a, 0.9)) for a in _twin_stories(2)])
    real_build = storylines.build_storylines
    late = _twin_stories(1, start=2)[0]

    def build_while_a_writer_stores(*args, **kwargs):
        if not writer.existing_ids(["w2"]):
            writer.add([(late, verdict_for(late, 0.9))])  # after the rows were read, before the views are written
        return real_build(*args, **kwargs)

    monkeypatch.setattr(storylines, "build_storylines", build_while_a_writer_stores)
    assert store.refresh() is True
    assert set(store.storylines()[0].article_ids) == {"w0", "w1", "w2"}, "the next read groups the late article"
    assert store.refresh() is False
    writer.close()
    store.close()


def test_store_a_servers_reads_serve_the_views_drawn_last_while_new_ones_are_drawn(store_url, monkeypatch):
    """In a server (``refresh_in_background``) a read after an ingest does not wait for the
    grouping: it gets the storylines drawn last, and a thread draws the new ones, which the
    reads after it get. A store never grouped is grouped before its first read."""
    import threading

    import rumorlens.corpus.storylines as storylines

    store = open_store(store_url)
    store.refresh_in_background = True
    store.add([(a, verdict_for(a, 0.9)) for a in _twin_stories(2)])
    assert set(store.storylines()[0].article_ids) == {"w0", "w1"}  # never drawn: drawn now, before the read
    assert store._background is None
    read = threading.Event()  # the new grouping waits until the read has been served (three stories group in a blink)
    real_build = storylines.build_storylines
    monkeypatch.setattr(storylines, "build_storylines", lambda *a, **k: read.wait(60) and real_build(*a, **k))
    store.add([(a, verdict_for(a, 0.9)) for a in _twin_stories(1, start=2)])
    served = store.storylines()
    drawing = store.redrawing("storylines"), store.redrawing("scorecard")  # what a page then says
    read.set()
    assert set(served[0].article_ids) == {"w0", "w1"}, "the last drawn, not a wait for the new ones"
    assert drawing == (True, True)
    store._background.join(timeout=60)
    assert set(store.storylines()[0].article_ids) == {"w0", "w1", "w2"}
    assert (store.redrawing("storylines"), store.redrawing("scorecard")) == (False, False)
    assert store.refresh() is False
    store.close()


def test_store_export_reads_a_page_at_a_time_and_takes_the_listings_filters(store, monkeypatch):
    """An export is read EXPORT_PAGE articles at a time (it read every row, texts included, at
    once); any page size gives the same rows in id order, rulings and all, and the filters are
    the listings': words, outlet, final label, ruled or not."""
    import rumorlens.store.store as store_module

    more = [art(f"p{i}", f"Story {i}", f"An insider says story {i} is true." if i % 2 else f"Story {i} was told to People.",
                f"https://o{i % 3}.com/p{i}") for i in range(7)]
    store.add([(a, verdict_for(a, 0.9 if "insider" in a.text else 0.1)) for a in ARTS + more])
    store.rule("p1", "real", "first call")
    store.rule("p1", "fake", "her rep denied it", "Jo")
    store.rule("a2", "fake", "no gala that night")
    whole = list(store.iter_export())
    monkeypatch.setattr(store_module, "EXPORT_PAGE", 2)
    assert list(store.iter_export()) == whole and [r["id"] for r in whole] == sorted(a.id for a in ARTS + more)
    assert [(r["label"], r["note"]) for r in next(r for r in whole if r["id"] == "p1")["rulings"]] == [("real", "first call"), ("fake", "her rep denied it")]
    for filters in ({"q": "insider"}, {"outlet": "o1.com"}, {"label": "fake"}, {"label": "real", "q": "people"}, {"ruled": True}, {"ruled": False}):
        expected = {r["id"] for r in store.search(limit=1000, **filters)}
        assert [r["id"] for r in store.iter_export(**filters)] == sorted(expected), filters
    assert [r["id"] for r in store.iter_export(ruled=True)] == ["a2", "p1"]


def test_store_a_servers_regrouping_draws_the_scorecards_it_served_again_before_it_ends(store_url):
    """The thread that draws a server's near-duplicates and storylines again after writes also
    draws the scorecards served so far: when it ends, the outlets page is fresh, where the reload
    it offered served the old scorecard once more and only then drew it."""
    store = open_store(store_url)
    store.refresh_in_background = True
    store.add([(a, verdict_for(a, 0.9)) for a in _twin_stories(2)])
    store.storylines()  # grouped once, before the first read
    assert store.scorecard(min_n=1).get("o0.com").n == 1  # served, so kept up to date
    assert store.people(min_n=1)[0].n == 2  # and the people scorecard too
    store.add([(a, verdict_for(a, 0.9)) for a in _twin_stories(1, start=2)])
    store.storylines()  # the old ones; a thread draws the new
    store._background.join(timeout=60)
    assert not store._building and store.redrawing("scorecard") is False and store.redrawing("people") is False
    assert store._fresh_cache().get("scorecard:1") is not None  # drawn by that thread, from the new rows
    assert store._fresh_cache().get("people:1") is not None
    assert store.scorecard(min_n=1).get("o2.com").n == 1 and not store._building  # no second drawing started
    assert store.people(min_n=1)[0].n == 3 and not store._building
    store.close()


def test_store_a_scorecard_built_while_the_data_changed_is_built_again_before_its_thread_ends(store_url, monkeypatch):
    """A server's scorecard thread whose rows changed under it (the storylines' thread redrew
    the near-duplicates, a ruling came) builds it again, so when the thread ends the scorecard
    is fresh: the next read serves it and says nothing is being redrawn. Before, that read
    found it stale, started one more build, and the outlets page said "being drawn again"
    after every thread had ended."""
    import threading
    import time

    import rumorlens.corpus.scorecard as scorecard

    store = open_store(store_url)
    try:
        store.refresh_in_background = True
        store.add([(a, verdict_for(a, 0.3)) for a in ARTS])
        assert store.scorecard(min_n=1).get("radaronline.com").n_fake == 1  # drawn now: there was none
        real, built = scorecard.build_scorecard, []

        def build_while_a_ruling_comes(*args, **kwargs):
            built.append(1)
            if len(built) == 1:  # a write lands while the first build reads the rows
                store.rule("a1", "real", note="the rep's statement checked out")
            return real(*args, **kwargs)

        monkeypatch.setattr(scorecard, "build_scorecard", build_while_a_ruling_comes)
        store.add([(art("a4", "Khloe again", "An insider says Khloe is moving.", "https://radaronline.com/a4"), verdict_for(ARTS[0], 0.9))])
        store.refresh()  # the near-duplicates drawn now: no other thread draws the scorecard below
        store.scorecard(min_n=1)  # the last one, while a thread draws the next
        deadline = time.monotonic() + 30
        while any(t.name.startswith("rumorlens-") for t in threading.enumerate()):
            assert time.monotonic() < deadline
            time.sleep(0.02)
        assert len(built) == 2, "built again on the rows as they now are"
        drawn = len(built)
        radar = store.scorecard(min_n=1).get("radaronline.com")
        assert (radar.n, radar.n_fake) == (2, 1) and not store.redrawing("scorecard")  # a4 judged fake; a1 ruled real
        assert len(built) == drawn and not any(t.name.startswith("rumorlens-") for t in threading.enumerate()), "no build started"
    finally:
        store.close()


def test_store_people_drawn_ahead_in_a_thread_and_a_page_that_asks_meanwhile_waits_for_that_drawing(store_url, monkeypatch):
    """A server's warm-up draws the people scorecard in a thread (the first person page waited
    1.9 s on train + dev while it was drawn); a page that asks during that drawing gets it
    when it is done, without drawing it a second time."""
    import threading

    import rumorlens.corpus.people as people_module

    store = open_store(store_url)
    try:
        store.refresh_in_background = True
        store.add([(a, verdict_for(a, 0.8)) for a in ARTS])
        store.refresh()  # the near-duplicates and storylines drawn, as a server's are before it serves
        real, drawn, started, go_on = people_module.build_people, [], threading.Event(), threading.Event()

        def slow_build(*args, **kwargs):
            drawn.append(threading.current_thread().name)
            started.set()
            go_on.wait(10)
            return real(*args, **kwargs)

        monkeypatch.setattr(people_module, "build_people", slow_build)
        worker = store.draw_people_ahead()
        assert started.wait(10), "the thread draws it"
        asked = []
        reader = threading.Thread(target=lambda: asked.append(store.people()), name="a page")
        reader.start()
        reader.join(0.3)
        assert reader.is_alive(), "the page waits for the drawing under way"
        go_on.set()
        reader.join(10)
        worker.join(10)
        assert drawn == ["rumorlens-people-ahead"], "drawn once, by the warm-up's thread"
        assert asked and asked[0] is store.people() and any(p.person == "Khloe Kardashian" for p in asked[0])
    finally:
        store.close()


def test_store_a_servers_checks_use_the_last_debunk_index_while_the_next_is_built(store_url):
    """A check in a server reads the debunk index and the outlet scorecard: after an article is
    stored they are built again from every article (4.1 s on train + dev judged), and the check
    gets the last ones meanwhile; the checks after the build see the new article."""
    import threading
    import time

    store = open_store(store_url)
    store.refresh_in_background = True
    store.add([(a, verdict_for(a, 0.9)) for a in _twin_stories(1)])
    query = art("q", "Jennifer Aniston pregnant with twins?", "Is Jennifer Aniston pregnant with twins? An insider says so.")
    assert [m.article_id for m in store.debunk_matches(query)] == ["w0"]  # none built before: built now
    assert store.scorecard(min_n=1).get("o0.com").n == 1
    store.add([(a, verdict_for(a, 0.9)) for a in _twin_stories(1, start=1)])
    assert [m.article_id for m in store.debunk_matches(query)] == ["w0"], "the last index, not a wait for the next"
    assert store.scorecard(min_n=1).get("o1.com") is None
    deadline = time.monotonic() + 60
    while store._building or any(t.name.startswith("rumorlens-") for t in threading.enumerate()):
        assert time.monotonic() < deadline, "the rebuild did not finish"
        time.sleep(0.05)
    assert {m.article_id for m in store.debunk_matches(query)} == {"w0", "w1"}
    assert store.scorecard(min_n=1).get("o1.com").n == 1
    store.close()


def test_store_an_exported_article_brings_its_rulings_into_another_store(store, tmp_path):
    """Moving a corpus (SQLite's export into the team's PostgreSQL and back): every ruling comes
    along, oldest first, with its note, reviewer and date, the one in force stays in force, and
    the label the record carried stays its own. A ruling that is not fake or real is left
    behind, not the article; a file from before the history was exported brings the one in force."""
    from rumorlens.read import read_articles

    source = open_store(tmp_path / "desk.db")
    source.add([(a, verdict_for(a, 0.9 if "insider" in a.text else 0.1)) for a in ARTS])
    source.rule("a1", "fake", "first call")
    source.rule("a1", "real", "Her rep confirmed it", "Jane D.")
    source.rule("a3", "fake", "no such tour")
    rows = list(source.iter_export())
    source.close()
    assert [(r["label"], r["note"], r["reviewer"]) for r in rows[0]["rulings"]] == [("fake", "first call", None), ("real", "Her rep confirmed it", "Jane D.")]
    rows[2]["rulings"][0]["label"] = "maybe"  # a hand-edited file
    exported = tmp_path / "corpus.jsonl"
    exported.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert ingest(store, read_articles([exported])).stored == 3  # the verdicts come with the rows: nothing judged
    moved = {r["id"]: r for r in store.iter_export()}
    assert {k: (r["known_label"], r["ruling"], r["final_label"]) for k, r in moved.items()} == {
        "a1": ("fake", "real", "real"), "a2": ("real", None, "real"), "a3": (None, None, "fake")}
    assert (moved["a1"]["ruling_note"], moved["a1"]["ruled_by"], moved["a1"]["ruled_at"]) == (
        "Her rep confirmed it", "Jane D.", rows[0]["ruled_at"])
    assert [r["note"] for r in store.article("a1")["rulings"]] == ["first call", "Her rep confirmed it"]  # the whole history
    assert [r["created_at"] for r in store.article("a1")["rulings"]] == [r["created_at"] for r in rows[0]["rulings"]]
    assert store.count(label="real") == 2 and store.count(label="fake") == 1  # the kept final labels follow the rulings in force
    # a file exported before the history was: the ruling in force alone comes along
    older = tmp_path / "older.jsonl"
    older.write_text(json.dumps({k: v for k, v in rows[0].items() if k != "rulings"} | {"id": "old-a1"}) + "\n")
    ingest(store, read_articles([older]))
    assert [(r["label"], r["note"]) for r in store.article("old-a1")["rulings"]] == [("real", "Her rep confirmed it")]


def test_store_each_article_has_one_latest_verdict_and_ruling_even_when_stamps_tie(store):
    """Two verdicts or two rulings of one article with the same stamp (a re-judging script, two
    desks in the same microsecond) still give one row per article: the later model version, the
    later ruling."""
    store.add([(a, verdict_for(a, 0.9, "v1")) for a in ARTS])
    with store.engine.begin() as conn:
        conn.execute(text("INSERT INTO verdicts (article_id, model_version, label, p_fake, truth_rating, reasons, text_only, created_at) "
                          "SELECT article_id, 'v2', 'real', 0.1, 9, '[]', 0, created_at FROM verdicts WHERE article_id = 'a3'"))
        for label in ("fake", "real"):
            conn.execute(text("INSERT INTO rulings (article_id, label, note, created_at) VALUES ('a2', :label, '', '2026-01-01T00:00:00.000000Z')"),
                         {"label": label})
    rows = store.rows()
    assert sorted(r["id"] for r in rows) == ["a1", "a2", "a3"]
    by_id = {r["id"]: r for r in rows}
    assert (by_id["a3"]["model_version"], by_id["a3"]["label"]) == ("v2", "real")
    assert (by_id["a2"]["ruling"], by_id["a2"]["final_label"]) == ("real", "real")
    assert [r["id"] for r in store.search(label="real")] == ["a2", "a3"] and store.count(label="real") == 2
    assert [r["model_version"] for r in store.summaries(["a3"])] == ["v2"]
