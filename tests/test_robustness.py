"""model/robustness.py: grouped cross-validation and the time split keep what they promise apart
(the model never trains on a story about the test story's person, from its outlet, or from
after it), so their numbers measure what the model card says they measure."""

from __future__ import annotations

import numpy as np
import pytest

from rumorlens.article import Article
from rumorlens.model.robustness import cross_validate, future_split, main_person, split_groups

PEOPLE = ["Kim Kardashian", "Brad Pitt", "Taylor Swift", "Selena Gomez", "Blake Shelton", "Chrissy Teigen"]
OUTLETS = ["people.com", "radaronline.com", "variety.com", "hollywoodlife.com", "eonline.com", "usmagazine.com"]


def corpus(n: int = 60) -> list[Article]:
    out = []
    for i in range(n):
        person = PEOPLE[i % len(PEOPLE)]
        out.append(Article.create(
            id=f"a{i}", title=f"{person} Steps Out In Los Angeles",
            text=f"{person} was seen at a cafe on Tuesday with friends, a witness said.",
            url=f"https://{OUTLETS[(i // 2) % len(OUTLETS)]}/news/story-{i}",
            published=f"2018-{1 + i % 12:02d}-{1 + i % 28:02d}T12:00:00Z" if i % 5 else None,
            label="fake" if i % 3 == 0 else "real"))
    return out


class Recorder:
    """A stand-in model that remembers what it was trained on and scores by label (so the
    metrics are computable) without learning anything."""

    trained: list[list[Article]] = []

    def __init__(self, articles):
        Recorder.trained.append(list(articles))

    def predict_proba(self, articles, text_only=True, prevalence=None):
        return [0.9 if a.label == "fake" else 0.1 for a in articles]

    def threshold(self, text_only=True, prevalence=None):
        return 0.5

    def rebase(self, p, prevalence):
        return p

    def adapted_share(self, p):  # a handful of stories: check's default keeps the training share
        return None


@pytest.fixture(autouse=True)
def fresh_recorder():
    Recorder.trained = []


def test_main_person_is_the_story_subject_and_none_when_nobody_is_named():
    a = Article(id="x", title="Brad Pitt And Angelina Jolie Reunite?", text="Brad Pitt and Angelina Jolie were seen together.")
    assert main_person(a) in ("brad pitt", "angelina jolie")
    assert main_person(Article(id="y", title="a quiet day", text="nothing happened in town today at all.")) is None


def test_leave_people_out_never_trains_on_the_test_storys_person():
    arts = corpus()
    row = cross_validate(arts, Recorder, by="person", folds=3)
    assert row["split"] == "leave-people-out" and row["n"] == len(arts) and row["groups"] == len(PEOPLE)
    for trained in Recorder.trained:
        seen = {main_person(a) for a in trained}
        held = [a for a in arts if a not in trained]
        assert held and not seen & {main_person(a) for a in held}
    assert row["macro_f1"] == 1.0  # the stand-in's scores are the labels: every article was scored once


def test_leave_outlets_out_never_trains_on_the_test_storys_outlet():
    arts = corpus()
    cross_validate(arts, Recorder, by="outlet", folds=3)
    for trained in Recorder.trained:
        held = [a for a in arts if a not in trained]
        assert not {a.outlet for a in trained} & {a.outlet for a in held}


def test_split_groups_rejects_an_unknown_split_and_keeps_nameless_stories_apart():
    nameless = [Article(id=f"n{i}", title="a quiet day", text="nothing happened in town today at all.") for i in range(3)]
    assert len(set(split_groups(nameless, "person"))) == 3
    assert split_groups(nameless, "random") is None
    with pytest.raises(ValueError, match="person"):
        split_groups(nameless, "celebrity")


def test_future_split_trains_on_older_stories_only_and_compares_a_same_size_random_draw():
    arts = corpus()
    random_row, newest_row = future_split(arts, Recorder, share=0.25)
    dated = [a for a in arts if a.published]
    assert random_row["n_test"] == newest_row["n_test"] == round(len(dated) * 0.25)
    assert random_row["n_train"] == newest_row["n_train"] == len(dated) - newest_row["n_test"]
    older = Recorder.trained[1]
    assert all(a.published for a in older)  # undated stories are in neither row
    assert max(a.published for a in older) <= newest_row["test_from"] + "T23:59:59Z"
    assert newest_row["test_to"] == max(a.published for a in dated)[:10]
    # like for like: each row re-sampled to both rows' shares of fakes (the stand-in is perfect)
    shares = {str(random_row["fake_share_test"]), str(newest_row["fake_share_test"])}
    assert set(newest_row["macro_f1_at_share"]) == shares and set(newest_row["macro_f1_at_share"].values()) == {1.0}
    # and what check's default would score: here the training share, so the plain row
    assert newest_row["default_share"] is None and newest_row["macro_f1_default"] == newest_row["macro_f1"]


def test_resampled_macro_f1_holds_the_asked_share_of_fakes(monkeypatch):
    from rumorlens.model import robustness

    y = np.array([1] * 30 + [0] * 70)
    p = np.where(y == 1, 0.9, 0.1)
    p[:10] = 0.1  # ten fakes missed: how many a draw holds decides its score
    shares = []
    metrics = robustness.metrics
    monkeypatch.setattr(robustness, "metrics", lambda yy, pp, t: shares.append(yy.mean()) or metrics(yy, pp, t))
    score = robustness.resampled_macro_f1(y, p, 0.5, share=0.1, draws=5)
    assert len(shares) == 5 and all(abs(s - 0.1) < 0.02 for s in shares)
    assert 0.5 < score < 1.0


def test_future_split_refuses_a_share_that_leaves_nothing_to_test():
    with pytest.raises(ValueError, match="no test"):
        future_split(corpus(), Recorder, share=0.0)
