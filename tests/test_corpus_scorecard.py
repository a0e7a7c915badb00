"""Outlet scorecard and debunk matching."""

from __future__ import annotations

import pytest
from conftest import TRAIN
from test_store_helpers import art, store, store_url, verdict_for  # noqa: F401

from rumorlens.corpus.debunks import DebunkIndex, describe
from rumorlens.corpus.memory import DebunkMatch, OutletRecord
from rumorlens.corpus.scorecard import build_scorecard
from rumorlens.read import read_articles


def r(id, outlet, label, published=None, source="label"):
    return {"id": id, "title": f"story {id}", "outlet": outlet, "published": published, "final_label": label, "label_source": source}


def test_corpus_scorecard_rates_intervals_trend_and_too_few():
    rows = ([r(f"t{i}", "tabloid.com", "fake" if i < 9 else "real", f"201{i % 2 + 6}-01-0{i % 9 + 1}T00:00:00Z") for i in range(12)]
            + [r(f"m{i}", "mag.com", "fake" if i < 1 else "real") for i in range(20)]
            + [r("s1", "small.com", "fake"), r("s2", "small.com", "fake")])
    card = build_scorecard(rows, duplicates={"t11": ("t0", 1.0)}, min_n=10)
    mag, tab, small = card.get("mag.com"), card.get("tabloid.com"), card.get("small.com")
    assert [o.outlet for o in card.ranked] == ["mag.com", "tabloid.com"]
    assert (tab.n, tab.n_fake, tab.fake_rate) == (11, 9, pytest.approx(9 / 11, abs=1e-4))  # the duplicate counts once
    assert tab.ci_low < tab.fake_rate < tab.ci_high and mag.ci_high < tab.ci_low
    assert tab.by_year["2016"]["n"] + tab.by_year["2017"]["n"] == 11
    assert [f["id"] for f in tab.recent_fakes] == ["t7", "t5", "t3"]
    assert not small.ranked and small.as_dict()["status"] == "too few articles"
    assert card.record("small.com") is None and card.record("nowhere.com") is None
    assert card.record("mag.com") == OutletRecord("mag.com", 20, 1, 0.05, mag.ci_low, mag.ci_high, source="store")


def test_corpus_scorecard_prefers_known_labels(store):
    a = art("x1", "A", "Some text here.", "https://paper.com/1", label="real")
    store.add([(a, verdict_for(a, 0.95))])  # the model says fake, the editor said real
    assert store.scorecard(min_n=1).get("paper.com").n_fake == 0
    assert store.outlet_record("paper.com") is None  # one story is too few to report


@pytest.mark.slow
def test_corpus_scorecard_on_train_ranks_tabloids_below_trades(tmp_path):
    from rumorlens.store import open_store

    s = open_store(tmp_path / "train.db")
    s.add((a, None) for a in read_articles([TRAIN]))
    card = s.scorecard()
    rank = {o.outlet: o.rank for o in card.ranked}
    for tabloid in ("hollywoodlife.com", "radaronline.com"):
        for trade in ("people.com", "variety.com"):
            assert rank[tabloid] - rank[trade] >= 50, (tabloid, trade, rank[tabloid], rank[trade])
            assert card.get(tabloid).ci_low > card.get(trade).ci_high
    record = s.outlet_record("hollywoodlife.com")
    assert record.source == "store" and record.n == card.get("hollywoodlife.com").n and record.fake_rate > 0.8


DEBUNK_ROWS = [
    {"id": "d1", "title": "Jennifer Aniston pregnant with twins, insider claims", "outlet": "intouchweekly.com",
     "text": "Jennifer Aniston is pregnant with twins at 48, an insider told the magazine.", "published": "2017-03-01T00:00:00Z",
     "final_label": "fake", "label_source": "label"},
    {"id": "d2", "title": "Jennifer Aniston pregnant with twins", "outlet": "blog.com",
     "text": "Jennifer Aniston is pregnant with twins, a blog says.", "published": "2017-03-02T00:00:00Z",
     "final_label": "real", "label_source": "model"},
    {"id": "d3", "title": "Brad Pitt pregnant twins rumour", "outlet": "x.com",
     "text": "Brad Pitt is not pregnant with twins, obviously.", "published": None, "final_label": "fake", "label_source": "label"},
    {"id": "d4", "title": "Taylor Swift tour dates", "outlet": "billboard.com",
     "text": "Taylor Swift announced tour dates.", "published": None, "final_label": "real", "label_source": "label"},
]


def test_corpus_debunks_fold_accents_but_keep_dashes_between_words():
    """'Beyoncé' in the query is 'Beyonce' in the store, and 'split—again' is two words: the same
    claim scores as the same text (a glued 'splitagain' or an unfolded 'beyoncé' scores < 0.9)."""
    rows = [*DEBUNK_ROWS, {"id": "b1", "title": "Beyonce", "outlet": "radaronline.com", "text": "split—again",
                           "published": None, "final_label": "fake", "label_source": "label"}]
    index = DebunkIndex().fit(rows)
    matches = index.matches(art("q", "Beyoncé", "split again"))
    assert [m.article_id for m in matches] == ["b1"] and matches[0].score > 0.99


def test_corpus_debunks_match_same_claim_and_people_known_labels_first():
    index = DebunkIndex().fit(DEBUNK_ROWS)
    query = art("q", "Jennifer Aniston expecting twins, insiders say", "Jennifer Aniston is expecting twins, sources claim.")
    matches = index.matches(query)
    assert [m.article_id for m in matches] == ["d1", "d2"]  # d3 shares words but not the person
    assert matches[0].label_source == "label" and matches[0].label == "fake"
    assert describe(matches[0]) == ("Matches a story labelled fake: Jennifer Aniston pregnant with twins, insider claims "
                                    "(intouchweekly.com, 2017-03-01)")
    assert index.matches(art("d1", DEBUNK_ROWS[0]["title"], DEBUNK_ROWS[0]["text"]))[0].article_id == "d2"  # never itself
    assert index.matches(art("z", "Cooking pasta", "Boil water and add salt.")) == []


def test_corpus_store_is_a_memory_for_the_judge(store, tiny_judge):
    for row in DEBUNK_ROWS:
        a = art(row["id"], row["title"], row["text"], f"https://{row['outlet']}/{row['id']}",
                row["final_label"] if row["label_source"] == "label" else None, row["published"])
        store.add([(a, verdict_for(a, 0.2 if row["final_label"] == "real" else 0.9))])
    query = art("q", "Jennifer Aniston expecting twins, insiders say", "Jennifer Aniston is expecting twins, sources claim.")
    matches = store.debunk_matches(query, limit=1)
    assert matches == [DebunkMatch("d1", DEBUNK_ROWS[0]["title"], "intouchweekly.com", "2017-03-01T00:00:00Z", "fake", "label", matches[0].score)]
    verdict = tiny_judge.judge(query, memory=store)
    notes = [s.note or s.text for s in verdict.signals if s.kind == "debunk_match"]
    assert any("Jennifer Aniston pregnant with twins, insider claims" in n for n in notes), verdict.signals
    # a fact-checker rules the model-judged d2 fake: the next check says so
    store.rule("d2", "fake", "Her rep denied it")
    verdict = tiny_judge.judge(query, memory=store)
    notes = [s.note for s in verdict.signals if s.kind == "debunk_match"]
    assert notes[0].startswith("Matches a story ruled fake by a fact-checker: Jennifer Aniston pregnant with twins (blog.com, 2017-03-02)")
