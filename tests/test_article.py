"""Article: outlet derivation, stable ids, validation and the Verdict's truth meter."""

from __future__ import annotations

import pytest

from rumorlens.article import MAX_TEXT_CHARS, MAX_TITLE_CHARS, Article, content_id, normalise_published, outlet_from_url
from rumorlens.errors import InputError
from rumorlens.verdict import Signal, Verdict, truth_rating


@pytest.mark.parametrize(
    "url, outlet",
    [
        ("https://www.people.com/celebrity/story", "people.com"),
        ("http://people.com/x", "people.com"),
        ("www.peoplemagazine.co.za/celebrity-news/x/", "peoplemagazine.co.za"),
        ("radaronline.com/exclusives/2014/story/", "radaronline.com"),
        ("HTTPS://WWW.Star-Magazine.com:443/a?b=c", "star-magazine.com"),
        ("https://news.example.org/a", "news.example.org"),
        (None, None),
        ("", None),
        ("not a url", None),
        ("localhost/path", None),
    ],
)
def test_article_outlet_from_url(url, outlet):
    assert outlet_from_url(url) == outlet


def test_article_create_derives_outlet_from_schemeless_url():
    a = Article.create(text="Body text.", title="T", url="www.hollywoodlife.com/2015/story/")
    assert a.outlet == "hollywoodlife.com"
    assert a.url == "www.hollywoodlife.com/2015/story/"


def test_article_content_id_is_stable_and_ignores_whitespace_and_case():
    a = Article.create(text="Lamar  calls\nher every day.", title="A title")
    b = Article.create(text="lamar calls her   every day.", title="A Title")
    c = Article.create(text="Lamar calls her every week.", title="A title")
    assert a.id == b.id == content_id("A title", "Lamar calls her every day.")
    assert a.id.startswith("sha1-") and len(a.id) == len("sha1-") + 16
    assert a.id != c.id


def test_article_explicit_id_is_kept():
    assert Article.create(text="x y z", id=" gossipcop-123 ").id == "gossipcop-123"
    assert Article.create(text="x y z", id=42).id == "42"


@pytest.mark.parametrize("text", [None, "", "   \n  ", 17])
def test_article_without_text_is_rl007(text):
    with pytest.raises(InputError) as exc:
        Article.create(text=text, source="feed.jsonl:3")
    assert str(exc.value) == "feed.jsonl:3: record has no 'text' field and no 'title' (or they are empty); add the article body as 'text' [RL007]"
    assert exc.value.code == "RL007"


@pytest.mark.parametrize("text", [None, "", "  \n "])
def test_article_with_a_headline_and_no_body_is_the_headline_alone_with_rw005(text):
    a = Article.create(text=text, title=" Star Secretly Pregnant ", source="gossipcop_fake.csv:7")
    assert (a.title, a.text, a.full_text) == ("Star Secretly Pregnant",) * 3
    assert a.headline_only and a.warnings == (
        "gossipcop_fake.csv:7: no article body, so only the headline is judged, which is less reliable; give the body as 'text' if you have it [RW005]",)
    story = Article.create(text="Star Secretly Pregnant", title="A different headline")
    assert not story.headline_only and story.full_text == "A different headline\nStar Secretly Pregnant"


def test_article_overlong_text_is_truncated_with_rw002():
    a = Article.create(text="x" * (MAX_TEXT_CHARS + 10), source="big.txt")
    assert len(a.text) == MAX_TEXT_CHARS
    assert a.warnings == (f"big.txt: text is {MAX_TEXT_CHARS + 10} characters; only the first {MAX_TEXT_CHARS} are judged [RW002]",)


def test_article_overlong_title_is_cut_with_rw008_and_a_headline_alone_stays_one():
    """A 10 MB 'title' cell cost `check` 5.6 s and 435 MB for one record; a headline is a line."""
    a = Article.create(text="Body.", title="Insider says " * 1_000, source="feed.csv:2")
    assert len(a.title) <= MAX_TITLE_CHARS and a.title.startswith("Insider says")
    assert a.warnings == (f"feed.csv:2: title is {len('Insider says ' * 1_000) - 1} characters; only the first {MAX_TITLE_CHARS} are kept [RW008]",)
    alone = Article.create(text="", title="Star pregnant " * 1_000)
    assert alone.headline_only and alone.text == alone.title and len(alone.text) <= MAX_TITLE_CHARS


# Written for these tests: a Spanish gossip item, the same in Japanese, and English spelt with
# Cyrillic look-alike letters (а е о с р х for a e o c p x), as spam pages disguise text.
SPANISH = ("Según una fuente cercana a la pareja, la cantante estaría muy afectada por la ruptura con el futbolista. "
           "Ella no quiere hablar con nadie, dijo un amigo a la revista, y su representante negó los rumores de una "
           "nueva relación. Los fans de la pareja esperan que se reconcilien pronto para el bien de sus hijos.")
JAPANESE = ("関係者によると、歌手は破局にとても落ち込んでいるという。友人は雑誌に「彼女は誰とも話したくない」と語った。"
            "事務所は新しい交際の噂を否定している。ファンは二人の復縁を願っている。" * 2)
ENGLISH = ("The singer is said to be heartbroken after the split, a source close to the couple told the magazine. "
           "She does not want to talk to anyone, and her rep denied the rumours of a new romance with a co-star.")
LOOKALIKE = ENGLISH.translate(str.maketrans("aeocpx", "аеосрх"))


@pytest.mark.parametrize("text, detail", [
    (SPANISH, "% of its words are common Spanish, French, German, Italian, Portuguese or Dutch ones, "),
    (JAPANESE, "100% of its letters are not in the Latin alphabet"),
    (LOOKALIKE, "% of its words mix Latin letters with look-alikes from another alphabet"),
])
def test_article_not_in_english_is_judged_with_rw011(text, detail):
    """The model reads English: a story in another language, or in look-alike letters, is still
    judged, with a warning that the verdict says little."""
    (warning,) = Article.create(text=text, title="Title", source="story.txt").warnings
    assert warning.startswith("story.txt: the text does not look like English (") and detail in warning
    assert warning.endswith("rumorlens reads English celebrity news, so this verdict says little: check an English version of the story [RW011]")


def test_article_rw011_is_said_of_the_text_it_was_built_from_once():
    """An article built from another (a feed item's fetched story) passes its warnings on: the
    English test is of the new text, and said once."""
    summary = Article.create(text=SPANISH, title="Title", source="feed.rss")
    assert len(Article.create(text=SPANISH + " Más noticias.", title="Title", source="feed.rss", warnings=summary.warnings).warnings) == 1
    assert Article.create(text=ENGLISH, title="Title", source="feed.rss", warnings=summary.warnings).warnings == ()


@pytest.mark.parametrize("text", [ENGLISH, "Singer heartbroken after split", "Sources say la cantante is devastated.",
                                  "Robert De Niro and Lana Del Rey at the premiere of La La Land, with Dick Van Dyke. " * 3])
def test_article_in_english_or_too_short_to_tell_has_no_rw011(text):
    assert not Article.create(text=text, title="Title").warnings


@pytest.mark.parametrize(
    "label, expected",
    [("fake", "fake"), ("REAL", "real"), (" Fake ", "fake"), (1, "fake"), (0, "real"), (1.0, "fake"), ("0.0", "real"), (None, None), ("", None),
     # other collections' words: "true"/"false" are the story's truth, as in a fact-check
     ("legit", "real"), ("Legitimate", "real"), ("TRUE", "real"), ("false", "fake"), ("hoax", "fake"), ("fake_news", "fake"),
     ("Real-News", "real"), ("pants on fire", "fake"),
     # a JSON boolean could mean "is fake" or "is true": not guessed
     (True, None), (False, None)],
)
def test_article_label_normalised(label, expected):
    assert Article.create(text="t", label=label).label == expected


def test_article_boolean_label_is_not_guessed():
    a = Article.create(text="t", label=True, source="f.json")
    assert a.label is None and a.warnings[0].endswith("[RW004]")


def test_article_unknown_label_dropped_with_rw004():
    a = Article.create(text="t", label="satire", source="f.csv:2")
    assert a.label is None
    assert a.warnings == ("f.csv:2: unknown label 'satire' ignored; use 'fake' or 'real' [RW004]",)


@pytest.mark.parametrize(
    "value, iso",
    [
        ("1523577600", "2018-04-13T00:00:00Z"),
        (1523577600, "2018-04-13T00:00:00Z"),
        (1523577600000, "2018-04-13T00:00:00Z"),
        ("2018-04-13", "2018-04-13T00:00:00Z"),
        ("2018-04-13T02:00:00+02:00", "2018-04-13T00:00:00Z"),
        (None, None),
        ("", None),
    ],
)
def test_article_published_normalised_to_iso_utc(value, iso):
    assert normalise_published(value) == iso


def test_article_round_trips_through_dict():
    a = Article.create(text="Body.", title="T", url="https://people.com/x", label="real", published="1523577600")
    d = a.as_dict()
    assert d["outlet"] == "people.com" and d["published"] == "2018-04-13T00:00:00Z"
    b = Article.from_dict(d)
    assert b == a


def test_article_full_text_is_title_newline_body_and_without_outlet_hides_url():
    a = Article.create(text="Body.", title="Title", url="https://people.com/x")
    assert a.full_text == "Title\nBody."
    hidden = a.without_outlet()
    assert hidden.url is None and hidden.outlet is None and hidden.full_text == a.full_text


# -- the truth meter lives on the Verdict ------------------------------------------------


@pytest.mark.parametrize("threshold", [0.15, 0.3, 0.5, 0.7])
def test_verdict_truth_rating_agrees_with_label_at_any_threshold(threshold):
    for i in range(101):
        p = i / 100
        rating = truth_rating(p, threshold)
        assert 0 <= rating <= 10
        if p >= threshold:  # labelled fake
            assert rating <= 5, (p, threshold, rating)
        else:
            assert rating >= 5, (p, threshold, rating)
    assert truth_rating(0.0, threshold) == 10 and truth_rating(1.0, threshold) == 0


def test_verdict_as_dict_round_trip_keeps_signals_and_text():
    text = "Title\nAn insider says so."
    sig = Signal(kind="anonymous_source", text="An insider says", start=6, end=21, weight=0.6)
    v = Verdict(id="a", label="fake", p_fake=0.8, signals=(sig,), reasons=("Rests on 1 unnamed source.",), model_version="test", text=text, threshold=0.4)
    d = v.as_dict()
    assert d["truth_rating"] == v.truth_rating <= 5
    assert d["signals"][0] == {"kind": "anonymous_source", "text": "An insider says", "start": 6, "end": 21, "weight": 0.6, "note": ""}
    assert text[sig.start : sig.end] == sig.text
    assert Verdict.from_dict(d) == v
    assert "text" not in v.as_dict(include_text=False)
