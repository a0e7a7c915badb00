"""ClaimReview JSON-LD: reading other fact-checkers' ratings, writing ours."""

from __future__ import annotations

import json

import pytest

from rumorlens.corpus.claimreview import (
    export_claimreviews,
    rating_label,
    read_claimreviews,
)
from rumorlens.errors import InputError

REVIEW = {
    "@context": "https://schema.org",
    "@type": "ClaimReview",
    "identifier": "cr-1",
    "claimReviewed": "Jennifer Aniston is pregnant with twins",
    "reviewBody": "Aniston's representative denied the report; the magazine cited one unnamed source.",
    "itemReviewed": {"@type": "Claim", "datePublished": "2017-03-01",
                     "appearance": [{"@type": "CreativeWork", "url": "https://www.intouchweekly.com/posts/aniston-twins"}]},
    "reviewRating": {"@type": "Rating", "ratingValue": 1, "bestRating": 5, "worstRating": 1, "alternateName": "False"},
}


@pytest.mark.parametrize("rating, label", [
    ({"alternateName": "False"}, "fake"),
    ({"alternateName": "Pants on Fire"}, "fake"),
    ({"alternateName": "Mostly false", "ratingValue": 9, "bestRating": 10}, "fake"),  # the words win
    ({"alternateName": "True"}, "real"),
    ({"alternateName": "Mostly True"}, "real"),
    ({"ratingValue": 8, "bestRating": 10, "worstRating": 0}, "real"),
    ({"ratingValue": 2, "bestRating": 5, "worstRating": 1}, "fake"),
    ({"alternateName": "Unproven"}, None),
    ({}, None),
])
def test_corpus_claimreview_rating_label(rating, label):
    assert rating_label(rating) == label


def test_corpus_claimreview_reads_object_list_and_graph(tmp_path):
    for shape in (REVIEW, [REVIEW], {"@context": "https://schema.org", "@graph": [REVIEW]}):
        path = tmp_path / "r.json"
        path.write_text(json.dumps(shape))
        [article] = list(read_claimreviews(path))
        assert (article.id, article.title, article.label) == ("cr-1", "Jennifer Aniston is pregnant with twins", "fake")
        assert article.outlet == "intouchweekly.com" and article.published == "2017-03-01T00:00:00Z"
        assert article.text.startswith("Aniston's representative denied")


def test_corpus_claimreview_bad_entries_are_coded_errors(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([REVIEW, {"@type": "ClaimReview", "claimReviewed": "x"}, {"@type": "Person"}]))
    items = list(read_claimreviews(path))
    assert not isinstance(items[0], InputError)
    assert [str(e) for e in items[1:]] == [
        f"{path}#2: not a ClaimReview document (missing a reviewRating with alternateName or ratingValue); give schema.org ClaimReview JSON-LD [RL036]",
        f"{path}#3: not a ClaimReview document (@type is 'Person', expected 'ClaimReview'); give schema.org ClaimReview JSON-LD [RL036]",
    ]
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    [err] = list(read_claimreviews(broken))
    assert err.code == "RL005"
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000)  # hostile nesting: one coded error, not a crash
    assert [str(e) for e in read_claimreviews(deep)] == [f"{deep}: invalid JSON (nested too deeply); fix the line or remove it [RL005]"]


def test_corpus_claimreview_reads_a_folder_and_older_encodings(tmp_path):
    """A fact-checker's export folder is read file by file (sorted, .json and .jsonld); a
    Windows-1252 file keeps its curly quotes, as check reads it; a folder with none is RL036."""
    folder = tmp_path / "export"
    (folder / "2017").mkdir(parents=True)
    second = dict(REVIEW, identifier="cr-2", claimReviewed="Brad Pitt “secretly” married")
    (folder / "a.json").write_text(json.dumps(REVIEW))
    (folder / "2017" / "b.jsonld").write_bytes(json.dumps(second, ensure_ascii=False).encode("cp1252"))
    (folder / "notes.txt").write_text("not a review")
    assert [(a.id, a.title) for a in read_claimreviews(folder)] == [
        ("cr-2", "Brad Pitt “secretly” married"), ("cr-1", "Jennifer Aniston is pregnant with twins")]
    (tmp_path / "empty").mkdir()
    [err] = list(read_claimreviews(tmp_path / "empty"))
    assert str(err) == f"{tmp_path / 'empty'}: not a ClaimReview document (a folder with no .json or .jsonld file in it); give schema.org ClaimReview JSON-LD [RL036]"


def test_corpus_claimreview_export_uses_truth_rating_on_0_to_10():
    rows = [{"id": "a", "title": "T", "url": "https://x.com/a", "outlet": "x.com", "published": None, "label": "fake",
             "p_fake": 0.93, "truth_rating": 1, "reasons": ["Relies on an anonymous source."], "model_version": "m", "known_label": None},
            {"id": "b", "title": "U", "url": None, "outlet": None, "published": None, "label": None, "truth_rating": None}]
    [review] = export_claimreviews(rows)  # articles without a verdict are not exported
    assert review["reviewRating"] == {"@type": "Rating", "ratingValue": 1, "bestRating": 10, "worstRating": 0, "alternateName": "False"}
    assert review["claimReviewed"] == "T" and review["reviewBody"] == "Relies on an anonymous source."
    assert review["itemReviewed"]["appearance"] == [{"@type": "CreativeWork", "url": "https://x.com/a"}]
