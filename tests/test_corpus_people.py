"""People scorecard: how often the stories about each person were fake."""

from __future__ import annotations

import pytest
from conftest import couple_records
from test_store_helpers import HandJudge, art, store_url  # noqa: F401

from rumorlens.corpus.people import build_people, matching
from rumorlens.errors import NotFound
from rumorlens.store import ingest, open_store


def r(id, title, text, label, source="label", published=None):
    return {"id": id, "title": title, "text": text, "final_label": label, "label_source": source, "published": published}


def test_corpus_people_rates_the_people_stories_are_about_and_ranks_the_reliably_faked_first():
    """A story counts for the people its headline names (else the first two of its lead), once:
    a near-duplicate is skipped, and a person only mentioned further on is not its subject.
    Ranked by the interval's lower bound, so ten fakes in twelve outrank two in two."""
    rows = ([r(f"b{i}", "Brad Pitt dating again?", "Brad Pitt is secretly dating a professor, an insider says. Jennifer Aniston is fine.",
               "fake" if i < 10 else "real", published=f"2017-0{i % 9 + 1}-01T00:00:00Z") for i in range(12)]
            + [r(f"c{i}", "Chrissy Teigen shares recipe", "Chrissy Teigen told People about her new cookbook.", "fake" if i == 0 else "real",
                 source="model") for i in range(15)]
            + [r(f"s{i}", "Sia tour dates", "Sia announced her tour dates on Monday.", "fake") for i in range(2)]
            + [r("b0-copy", "Brad Pitt dating again?", "Brad Pitt is secretly dating a professor.", "fake")])
    people = build_people(rows, duplicates={"b0-copy": ("b0", 1.0)}, min_n=10)
    by_name = {p.person: p for p in people}
    brad, chrissy, sia = by_name["Brad Pitt"], by_name["Chrissy Teigen"], by_name["Sia"]
    assert [p.person for p in people if p.ranked] == ["Brad Pitt", "Chrissy Teigen"] and (brad.rank, chrissy.rank) == (1, 2)
    assert (brad.n, brad.n_fake, brad.fake_rate) == (12, 10, pytest.approx(10 / 12, abs=1e-4))  # the copy counts once
    assert brad.ci_low < brad.fake_rate < brad.ci_high and chrissy.ci_high < brad.ci_low
    assert [f["id"] for f in brad.recent_fakes] == ["b8", "b7", "b6"] and brad.n_known == 12 and chrissy.n_known == 0
    assert "Jennifer Aniston" not in by_name, "named in the lead after the subject: not whom the story is about"
    assert not sia.ranked and sia.rank is None and sia.as_dict()["status"] == "too few articles" and sia.n == 2
    assert sia.fake_rate == 1.0 and sia.ci_low < brad.ci_low


def test_corpus_people_are_named_as_most_of_their_stories_write_them():
    """One person whichever way a story writes her name, shown as most of them do, accents and
    all: that is what a search of the stored stories finds."""
    rows = [r("k1", "Khloé Kardashian is pregnant", "Khloé Kardashian is pregnant, a source says.", "fake"),
            r("k2", "Khloé Kardashian shops", "Khloé Kardashian went shopping.", "real"),
            r("k3", "Khloe Kardashian in LA", "Khloe Kardashian was seen in LA.", "real")]
    people = build_people(rows, min_n=1)
    assert [(p.person, p.n, p.n_fake) for p in people] == [("Khloé Kardashian", 3, 1)]
    assert matching(people, "  KHLOE   kardashian ") == people and matching(people, "khloé") == people, "any case, accents ignored"
    assert matching(people, "kim") == [] and matching(people, None) == people


def test_corpus_people_put_three_word_names_back_together():
    """The pair finder sees "Sarah Jessica Parker" as two pairs, which the scorecard listed as
    two people. A three-word name is one person; a pair named on its own more often than in the
    chain stands for it ("Kim Kardashian West" is Kim Kardashian, "Duchess Kate Middleton" is Kate
    Middleton); Bobby Brown, named alone once, keeps that story and not Millie Bobby Brown's; the
    two apostrophes stories write are one name."""
    rows = ([r(f"sjp{i}", "Sarah Jessica Parker feud", "Sarah Jessica Parker spoke about the feud on stage.", "fake") for i in range(3)]
            + [r(f"kk{i}", "Kim Kardashian shops", "Kim Kardashian went shopping in Calabasas.", "real") for i in range(3)]
            + [r("kkw", "Kim Kardashian West sells out", "Kim Kardashian West sold out her perfume in an hour.", "real")]
            + [r(f"km{i}", "Kate Middleton visits school", "Kate Middleton visited a school in London.", "real") for i in range(2)]
            + [r("dkm", "Duchess Kate Middleton dances", "Duchess Kate Middleton danced with a bear.", "fake")]
            + [r(f"mbb{i}", "Millie Bobby Brown quits", "Millie Bobby Brown quit the show, a source says.", "fake") for i in range(2)]
            + [r("bb", "Bobby Brown biopic", "Bobby Brown talked about his biopic.", "real")]
            + [r("td1", "Tom D’Agostino wedding", "Tom D’Agostino married Vicki in a secret wedding.", "fake"),
               r("td2", "Tom D'Agostino wedding", "Tom D'Agostino married Vicki in a secret wedding.", "fake")])
    counted = {p.person: (p.n, p.n_fake) for p in build_people(rows, min_n=1)}
    assert counted == {"Sarah Jessica Parker": (3, 3), "Kim Kardashian": (4, 0), "Kate Middleton": (3, 1),
                       "Millie Bobby Brown": (2, 2), "Bobby Brown": (1, 0), "Tom D’Agostino": (2, 2)}


def test_store_people_follow_rulings_and_count_each_story_once(store_url):
    """The store's people scorecard reads the stored stories' final labels: a fact-checker's
    ruling moves it at once."""
    store = open_store(store_url)
    try:
        ingest(store, [art(x["id"], x["title"], x["text"], label="fake") for x in couple_records()], judge=HandJudge())
        people = {p.person: p for p in store.people(min_n=2)}
        kim, kanye = people["Kim Kardashian"], people["Kanye West"]
        assert (kim.n, kim.n_fake, kanye.n) == (9, 9, 7) and kim.ranked and people["Taylor Swift"].n == 2
        assert people["Taylor Swift"].ranked and [p.person for p in store.people(min_n=8) if p.ranked] == ["Kim Kardashian"]
        store.rule("t0", "real", note="her label confirmed the album")
        assert {p.person: p for p in store.people(min_n=2)}["Taylor Swift"].n_fake == 1
    finally:
        store.close()


def test_store_finds_one_person_and_the_storylines_about_them(store_url):
    """``Store.person`` finds a person as the scorecard names them, in any case with accents
    ignored, with their stories newest first; ``storylines_about`` lists the storylines whose
    titles lead with them, largest first. Someone no story is about is RL035."""
    store = open_store(store_url)
    try:
        records = [dict(x, published=f"2018-0{i % 9 + 1}-01T00:00:00Z") for i, x in enumerate(couple_records())]
        ingest(store, [art(x["id"], x["title"], x["text"], label="fake", published=x["published"]) for x in records], judge=HandJudge())
        kim = store.person("KIM KARDASHIAN", min_n=2)
        assert kim.person == "Kim Kardashian" and kim.n == len(kim.article_ids) == 9 and "article_ids" not in kim.as_dict()
        dates = {x["id"]: x["published"] for x in records}
        assert [dates[i] for i in kim.article_ids] == sorted((dates[i] for i in kim.article_ids), reverse=True)
        shown, total = store.storylines_about(["Kim Kardashian"])
        assert total == len(shown) >= 2 and [s["n"] for s in shown] == sorted((s["n"] for s in shown), reverse=True)
        assert all(s["title"].startswith("Kim Kardashian") for s in shown)
        assert store.storylines_about(["Kim Kardashian"], limit=1) == (shown[:1], total)
        assert store.storylines_about(["Kim Kardashian"], besides=shown[0]["id"])[1] == total - 1
        assert store.storylines_about([]) == ([], 0)
        assert "Kim Kardashian" in [p.person for p in store.people_of(kim.article_ids[0], min_n=2)]
        assert store.people_of("no-such-article") == []
        with pytest.raises(NotFound) as missing:
            store.person("Nobody Atall")
        assert missing.value.code == "RL035"
    finally:
        store.close()
