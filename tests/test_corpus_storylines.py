"""Storylines, people extraction and near-duplicates."""

from __future__ import annotations

import pytest
from conftest import DEV, SEEDS, TRAIN

from rumorlens.corpus.duplicates import find_duplicates
from rumorlens.corpus.storylines import build_storylines, storyline_id
from rumorlens.corpus.text import people, principal_people
from rumorlens.read import read_articles


def row(id, title, text, outlet="example.com", published=None, label="fake", p=None):
    return {"id": id, "title": title, "text": text, "outlet": outlet, "published": published,
            "final_label": label, "label_source": "label", "p_fake": p}


@pytest.mark.parametrize("title, text, expected", [
    ("Khloé Kardashian's new look", "Khloé Kardashian stepped out on Monday.", {"khloe kardashian"}),
    ("News", "Sources say Lamar Odom’s recovery is going well, Kris Jenner said.", {"lamar odom", "kris jenner"}),
    ("News", "She moved to Los Angeles and New York after the Golden Globes.", set()),
    ("News", "Khloe KardashianTo say the least, FaceTimes Lamar often.", set()),
    # A name after a hyphenated prefix or a quote still counts; one glued to a word does not.
    ("News", "Rumours of a post-Jen Aniston split and ‘Brad Pitt’ talks; her motherKris Jenner said no.", {"jen aniston", "brad pitt"}),
])
def test_corpus_people_folds_accents_and_skips_non_names(title, text, expected):
    assert set(people(title, text)) == expected


def test_corpus_people_are_people_not_places_shows_or_page_furniture():
    """What a storyline is titled by and lists as its people. Before the learnt word list these
    were all "people": a palace, a town, a show, a morning programme, a newsletter box."""
    text = ("Prince Harry and Meghan Markle left Kensington Palace for Beverly Hills, where the Big Little Lies "
            "star Nicole Kidman joined them on Good Morning America. Teen Mom fans were not told. "
            "Subscribe Thank you for signing up. President Donald Trump said nothing.")
    assert set(people("Royal visit", text)) == {"prince harry", "meghan markle", "nicole kidman", "donald trump"}


def test_corpus_people_are_not_shows_events_or_places_that_end_like_names():
    """The people scorecard ranked "Jersey Shore", "Christmas Eve", "Winter Olympics" and eight
    more like them among people; their last words end no one's name here, but may start one."""
    text = ("Snooki and Deena Cortese filmed Jersey Shore at Manchester Arena on Christmas Eve, before the "
            "Winter Olympics; the Kardashian Christmas card, Carpool Karaoke and Twin Peaks came later. "
            "Eve Mavrakis was there.")
    assert set(people("Kim Breaks Silence", text)) == {"deena cortese", "eve mavrakis", "snooki"}


def test_corpus_people_are_not_hurricanes_teams_venues_or_films():
    """"Hurricane Harvey", "Love Manchester" and "Unbreakable Kimmy Schmidt" were ranked among
    people on train + dev, and storylines were titled "England Patriots & Philadelphia Eagles"."""
    text = ("Jennifer Lopez raised money after Hurricane Harvey at the Dolby Theatre, then watched the New "
            "England Patriots play the Philadelphia Eagles and the Cleveland Cavaliers. Ariana Grande sang "
            "at One Love Manchester; Tomb Raider and Unbreakable Kimmy Schmidt opened in Southern "
            "California, the Washington Post said. Miss America and Captain Marvel came too. "
            "French Montana and Travis Barker were there.")
    assert set(people("Relief", text)) == {"jennifer lopez", "ariana grande", "kimmy schmidt", "french montana", "travis barker"}


def test_corpus_people_keeps_names_that_are_also_words_or_places():
    """Names spaCy's small model misses or whose parts are English words stay people."""
    text = ("Amber Heard met Ariana Grande, Camila Cabello, Hope Hicks, Drew Barrymore, Rose McGowan "
            "and Asia Argento; Paris Hilton and Stormy Daniels arrived later.")
    assert set(people("News", text)) == {"amber heard", "ariana grande", "camila cabello", "hope hicks", "drew barrymore",
                                          "rose mcgowan", "asia argento", "paris hilton", "stormy daniels"}


def test_corpus_people_whose_first_name_is_a_stop_word():
    """"Will" and "Bill" start names (the Bill Cosby trial was one storyline nobody was in), but
    a modal "Will" in a Title Case headline does not join the next word to a name."""
    text = "Will Smith hugged Bill Cosby's lawyer. Later Bill Cosby and Will Ferrell spoke."
    assert set(people("News", text)) == {"will smith", "bill cosby", "will ferrell"}
    assert set(people("Kim Will Divorce Kanye West", "Kim Kardashian and Kanye West were seen.")) == {"kim kardashian", "kanye west"}


def test_corpus_people_with_one_word_stage_names():
    """Beyoncé and Jay-Z were nobody to a finder of name pairs; now they are people, written as
    names are ("usher" the verb is not Usher), not a second person inside a full name found
    ("Oprah" of "Oprah Winfrey"), and not a word inside another ("Sia" in "Asia Argento")."""
    text = "Beyoncé and Jay-Z renewed their vows; Oprah Winfrey and Asia Argento came to usher guests in."
    assert people("Oprah Praises Beyonce", text) == {"beyonce": "Beyoncé", "jay-z": "Jay-Z", "oprah winfrey": "Oprah Winfrey",
                                                      "asia argento": "Asia Argento"}
    assert principal_people("Asia Argento Speaks Out", people("News", text)) == ["asia argento"]
    rows = [row(f"r{i}", "Rihanna and Chris Brown back together?", f"Rihanna and Chris Brown were seen together again {w}, a source says.")
            for i, w in enumerate(["in Paris", "at a club", "on a yacht"])]
    (story,) = build_storylines(rows)
    assert story.title.startswith(("Rihanna & Chris Brown", "Chris Brown & Rihanna")) and story.n == 3


def test_corpus_people_one_person_is_one_key_under_a_stage_name_or_a_full_name():
    """"Oprah" and "Oprah Winfrey", "Beyoncé" and "Beyoncé Knowles" are the same person: stories
    naming her either way share her storyline (two keys split it)."""
    assert people("Oprah Talks Bread", "Oprah said she loves bread.") == {"oprah winfrey": "Oprah Winfrey"}
    assert people("Beyonce Knowles Pregnant?", "Beyonce Knowles is expecting, a source says.") == {"beyonce": "Beyoncé"}
    rows = [row("o1", "Oprah Winfrey to run for president?", "Oprah Winfrey is weighing a run for president, insiders say."),
            row("o2", "Oprah for president in 2020?", "Oprah is weighing a run for president in 2020, friends say."),
            row("o3", "Is Oprah running for president?", "Oprah Winfrey's friends say she is weighing a run for president.")]
    (story,) = build_storylines(rows)
    assert story.n == 3 and story.title.startswith("Oprah Winfrey")


def test_corpus_people_whose_names_are_ordinary_words_in_the_order_a_story_names_them():
    """"Mel B", "Mama June", "Big Sean", "Jack Black" are made of words the pair finder refuses
    (one letter, "big", "black"); kept by hand, matched as written. The people come in the order
    the story names them, so a story with no one in its headline is about the first named."""
    found = people("News", "Big Sean and Ariana Grande split, and Mel B laughed. Mama June and Jack Black were not there.")
    assert list(found) == ["big sean", "ariana grande", "mel b", "mama june", "jack black"]
    assert principal_people("News", found) == ["big sean", "ariana grande"]
    assert people("News", "The big sean of grass. Mel Brooks and Betty Whiteside came.") == {
        "mel brooks": "Mel Brooks", "betty whiteside": "Betty Whiteside"}
    assert people("Bad Bunny Drops Album", "The album is out.") == {"bad bunny": "Bad Bunny"}
    assert people("News", "Medium Tyler Henry read her palm.") == {"tyler henry": "Tyler Henry"}  # a trade, not a first name


def test_corpus_principal_people_resolves_first_names_in_titles():
    found = people(None, "Kris Jenner loves Lamar Odom. Khloe Kardashian is not amused.")
    assert principal_people("Kris Jenner Still 'Loves' Lamar Odom But She's Standing Behind Khloe", found) == [
        "kris jenner", "lamar odom", "khloe kardashian"]


COPY = ("Jennifer Aniston and Justin Theroux announced their separation in a joint statement on Thursday, "
        "saying they had decided to part ways as a couple earlier this year and remain close friends. ")


def test_corpus_duplicates_links_syndicated_copies_to_one_canonical():
    rows = [row("b", "Split", COPY * 3), row("a", "Split", COPY * 3 + "Read more."), row("c", "Other", "Completely different text about a tour " * 5)]
    dups = find_duplicates(rows)
    assert dups == {"b": ("a", pytest.approx(dups["b"][1]))} and dups["b"][1] >= 0.8


def test_corpus_storylines_group_same_people_and_count_duplicates_once():
    rows = [
        row("k1", "Khloe Kardashian and Lamar Odom reconcile", "Khloe Kardashian and Lamar Odom are back together, an insider says.", "radaronline.com", "2016-01-01T00:00:00Z"),
        row("k2", "Lamar Odom and Khloe Kardashian back together?", "Lamar Odom wants Khloe Kardashian back together again.", "hollywoodlife.com", "2017-05-01T00:00:00Z", "fake"),
        row("k3", "Khloe Kardashian, Lamar Odom together again", "Khloe Kardashian and Lamar Odom together again, sources say.", "okmagazine.com", "2016-06-01T00:00:00Z", "real"),
        row("k3copy", "Khloe Kardashian, Lamar Odom together again", "Khloe Kardashian and Lamar Odom together again, sources say.", "copycat.com"),
        row("t1", "Taylor Swift releases album", "Taylor Swift released a new album on Friday, Taylor Swift said.", "people.com"),
    ]
    stories = build_storylines(rows, {"k3copy": ("k3", 1.0)})
    assert len(stories) == 1
    s = stories[0]
    assert s.title.startswith(("Khloe Kardashian & Lamar Odom", "Lamar Odom & Khloe Kardashian"))
    assert s.n == 3 and sorted(s.article_ids) == ["k1", "k2", "k3", "k3copy"]  # the copy is listed, not counted
    assert s.first_seen == "2016-01-01T00:00:00Z" and s.last_seen == "2017-05-01T00:00:00Z"
    assert [e["article_id"] for e in s.timeline[:3]] == ["k1", "k3", "k2"]  # in date order
    assert s.share_fake == pytest.approx(2 / 3, abs=1e-3)
    assert s.id == storyline_id(["k3copy", "k2", "k1", "k3"])  # stable whatever the order


def test_corpus_a_couples_stories_come_apart_by_what_they_are_about():
    """Stories about the same couple link on little shared wording, and merging on the single
    strongest link chained their surrogate rumours, the Paris robbery and their divorce rumours
    into one storyline (cut only by a cap of 60). A group now joins another only if their stories
    are alike on average, so a story that mentions two topics no longer bridges them."""
    baby = [row(f"b{i}", f"Kim Kardashian and Kanye West surrogate baby: {w}",
                f"Kim Kardashian and Kanye West welcome a baby girl via surrogate, {w}; the surrogate gave birth to a healthy daughter.")
            for i, w in enumerate(["born healthy", "nursery ready", "named Chicago", "third child"])]
    paris = [row(f"p{i}", f"Kim Kardashian and Kanye West Paris robbery: {w}",
                 f"Kim Kardashian and Kanye West spoke about the Paris robbery, {w}; thieves stole jewels at gunpoint in the hotel.")
             for i, w in enumerate(["suspects charged", "trial begins", "ring recovered", "driver arrested"])]
    bridge = [row("x", "Kim Kardashian and Kanye West: surrogate baby after Paris robbery",
                  "Kim Kardashian and Kanye West had a baby via surrogate a year after the Paris robbery.")]
    apart = build_storylines(baby + paris + bridge)
    members = [set(s.article_ids) - {"x"} for s in apart]
    assert {f"b{i}" for i in range(4)} in members and {f"p{i}" for i in range(4)} in members
    assert len({s.title for s in apart}) == 2 and any("surrogate" in s.title for s in apart) and any("paris" in s.title or "robbery" in s.title for s in apart)
    chained = build_storylines(baby + paris + bridge, min_mean=0.0)  # the single strongest link, as before
    assert [len(s.article_ids) for s in chained] == [9]


def test_corpus_storyline_titles_show_two_keywords_that_stand_together_as_the_phrase():
    """A title's two keywords came in the order of their weights: "wedding, royal", "vegas, las".
    Written together in most of the storyline's stories, they are shown as the phrase; words that
    are only near each other stay apart."""
    wedding = [row(f"w{i}", f"Prince Harry and Meghan Markle royal wedding {w}",
                   f"Prince Harry and Meghan Markle planned the royal wedding, {w}; the royal wedding is in May.")
               for i, w in enumerate(["guest list", "cake flavour", "dress designer"])]
    album = [row(f"a{i}", f"Taylor Swift new album {w}", f"Taylor Swift released a new album, {w}, said Taylor Swift.")
             for i, w in enumerate(["on Friday", "in London", "at last"])]
    titles = {s.title for s in build_storylines(wedding + album)}
    assert titles == {"Prince Harry & Meghan Markle: royal wedding", "Taylor Swift: album, released"}


def test_corpus_storylines_with_the_same_title_say_when_they_began():
    """Two storylines can come out with the same title (two small "Beyonce & Jay-Z: blue ivy" ones
    in train + dev, months apart); each then says the month its first story came out."""
    from rumorlens.corpus.storylines import Storyline, _told_apart, title_people

    def story(id, title, first):
        return Storyline(id=id, title=title, people=[], outlets=[], article_ids=[], first_seen=first, last_seen=first, n=2, share_fake=0.5)

    told = _told_apart([story("s1", "Beyonce & Jay-Z: blue ivy", "2017-10-07T22:03:39Z"),
                        story("s2", "Beyonce & Jay-Z: blue ivy", "2018-01-28T05:00:00Z"),
                        story("s3", "Beyonce & Jay-Z: blue ivy", None),
                        story("s4", "Taylor Swift: album", "2018-01-28T05:00:00Z")])
    assert [s.title for s in told] == ["Beyonce & Jay-Z: blue ivy (Oct 2017)", "Beyonce & Jay-Z: blue ivy (Jan 2018)",
                                       "Beyonce & Jay-Z: blue ivy", "Taylor Swift: album"]
    assert title_people(told[0].title) == title_people("Beyonce & Jay-Z (Oct 2017)") == ["Beyonce", "Jay-Z"]  # whom it is about
    assert title_people("Untitled: words") == []


def test_corpus_storylines_of_a_name_in_thousands_of_stories_are_still_drawn(monkeypatch):
    """A person in more stories than the whole-square comparison held (4,000: a team's corpus of
    about 200,000 articles for Kim Kardashian) had no storylines at all. Her stories are now
    compared a block of rows at a time, and any block size draws the same storylines."""
    import rumorlens.corpus.storylines as storylines

    topics = ["new perfume", "charity gala", "fashion week", "tax filing", "cover shoot", "podcast", "award speech", "book tour"]
    rows = [row(f"n{i:04d}", f"Kim Kardashian {topics[i % len(topics)]} item {i}",
                f"Kim Kardashian spoke about the {topics[i % len(topics)]} number {i} on a show today.", "people.com")
            for i in range(4100)]
    rows += [row(f"tw{i}", f"Kim Kardashian secretly expecting twins via surrogate {'again' if i else ''}",
                 "An insider says Kim Kardashian is secretly expecting twins through a surrogate this spring.", "radaronline.com")
             for i in range(3)]
    drawn = build_storylines(rows)
    twins = [s for s in drawn if "tw0" in s.article_ids]
    assert twins and {"tw0", "tw1", "tw2"} <= set(twins[0].article_ids)
    monkeypatch.setattr(storylines, "BLOCK", 7)
    assert [s.as_dict() for s in build_storylines(rows)] == [s.as_dict() for s in drawn]


def test_corpus_a_big_buckets_stories_link_to_at_most_a_storylines_worth_of_others():
    """Beyond 4,000 stories of one person, each keeps only its most similar others: a crawl of
    20,000 look-alike pages (every pair alike) made 200 million candidate links and 8 GB. Ties
    do not let more through, and no story links to itself."""
    import numpy as np

    from rumorlens.corpus.storylines import _nearest

    sims = np.ones((5, 12), dtype=np.float32)  # rows 3-7 of a bucket of 12, all alike
    rows, cols = _nearest(sims, start=3, low=0.3, k=4)
    assert len(rows) == 5 * 4 and all(np.bincount(rows, minlength=5) == 4)
    assert not any(3 + r == c for r, c in zip(rows, cols))
    faint = np.full((2, 6), 0.05, dtype=np.float32)
    assert [len(x) for x in _nearest(faint, start=0, low=0.1, k=3)] == [0, 0]  # below the threshold: no link


def test_corpus_storyline_titles_keep_three_word_names_whole():
    """"Millie Bobby Brown" is found as two pairs; the storyline is titled by her one name, not
    "Millie Bobby & Bobby Brown". Two pairs that only chain by chance (Khloe Kardashian, and
    Kardashian West from Kim's name) are not joined into someone who does not exist."""
    mbb = [
        row(f"m{i}", "Millie Bobby Brown on Stranger Things season finale", f"Millie Bobby Brown said the Stranger Things finale was emotional {w}.")
        for i, w in enumerate(["tonight", "again", "for everyone"])
    ]
    kk = [
        row(f"k{i}", "Khloe Kardashian pregnancy rumours", f"Khloe Kardashian is pregnant, claims a source. Her sister Kim Kardashian West {w}.")
        for i, w in enumerate(["said nothing", "was not asked", "laughed"])
    ]
    titles = {s.title.split(":")[0]: s.people for s in build_storylines(mbb + kk)}
    assert titles["Millie Bobby Brown"][0] == "Millie Bobby Brown"
    khloe = next(people for title, people in titles.items() if title.startswith("Khloe Kardashian"))
    assert "Khloe Kardashian West" not in khloe and "Kim Kardashian West" in khloe


@pytest.mark.slow
def test_corpus_storylines_put_the_seeds_together_and_with_nothing_unrelated(tmp_path):
    """Acceptance: seeds + train (+ dev) stored, then grouped; all five Khloe/Lamar seeds land in
    at most two storylines, and every article in those is about Khloe and Lamar."""
    from rumorlens.store import open_store

    arts = list(read_articles([TRAIN, DEV, SEEDS]))
    by_id = {a.id: a for a in arts}
    seeds = {a.id for a in read_articles([SEEDS])}
    assert len(seeds) == 5
    store = open_store(tmp_path / "all.db")
    store.add((a, None) for a in arts)
    stories = [s for s in store.storylines() if seeds & set(s.article_ids)]
    assert set().union(*(s.article_ids for s in stories)) >= seeds  # every seed is in a storyline
    assert len(stories) <= 2
    for s in stories:
        assert "Khloe Kardashian" in s.title and "Lamar Odom" in s.title
        for aid in s.article_ids:
            text = by_id[aid].full_text.lower()
            assert "khlo" in text and "lamar" in text, f"{aid} ({by_id[aid].title}) is not a Khloe/Lamar story"
