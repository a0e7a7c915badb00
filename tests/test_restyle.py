"""model/restyle.py and model/robustness.py: the stress tests' rewrites change tone and framing,
never the facts, names, quotes or who is cited."""

from __future__ import annotations

from rumorlens.article import Article
from rumorlens.model.restyle import REWRITE_CHARS, rewrite_sensational, rewrite_sober, sensationalise, soberise
from rumorlens.model.robustness import restyled

FAKE_BODY = (
    "HollywoodLifers, do you think Kim will leave? A source EXCLUSIVELY told HollywoodLife that Kim "
    "Kardashian dished to pals about a SHOCKING split!\n"
    "“It is over,” the insider said. The couple is devastated. Sound off in the comments below!\n"
    "A rep for Kardashian did not respond."
)


def test_restyle_soberise_drops_tone_keeps_sources():
    title, text = soberise("Kim's SHOCKING Split?!", FAKE_BODY)
    assert "!" not in title + text and not title.endswith("?")
    assert "shocking" not in text.lower() and "devastated" not in text
    for kept in ("A source", "HollywoodLife", "Kim Kardashian", "“It is over,” the insider said", "A rep for Kardashian"):
        assert kept in text


def test_restyle_rewrite_sober_also_drops_asides_exclusive_tags_and_gossip_verbs():
    title, text = rewrite_sober("Kim's SHOCKING Split?!", FAKE_BODY)
    assert "HollywoodLifers" not in text and "comments" not in text and "do you think" not in text
    assert "exclusive" not in text.lower()
    assert "dished" not in text and "pals" not in text and "said to friends" in text
    # the sourcing survives: the source, the outlet it told, the quote and the rep
    for kept in ("A source told HollywoodLife", "“It is over,” the insider said", "A rep for Kardashian did not respond"):
        assert kept in text


def test_restyle_rewrite_cuts_a_long_page_to_whole_leading_paragraphs():
    paragraphs = [f"Paragraph {i} says Kim Kardashian went out." + " More words." * 20 for i in range(40)]
    _, text = rewrite_sober("Title", "\n".join(paragraphs))
    assert len(text) <= REWRITE_CHARS and text.startswith("Paragraph 0 ") and text.split("\n")[-1] in paragraphs
    _, text = rewrite_sensational("Title", "\n".join(paragraphs), seed=1)
    assert text.startswith("Paragraph 0 ") and len(text) < REWRITE_CHARS + 300


def test_restyle_rewrite_sensational_adds_tabloid_framing_not_facts():
    body = "Kim Kardashian said she loved the film.\nHer husband agreed, friends said."
    plain_title, plain_text = sensationalise("Kim attends premiere", body, seed=3)
    title, text = rewrite_sensational("Kim attends premiere", body, seed=3)
    assert title.endswith("!!") and "Kim attends premiere" in title
    assert any(aside in text for aside in ("comments", "tell us", "Let us know"))
    assert "Kim Kardashian" in text and "loved the" in text
    assert text != plain_text  # more than the retouch: an aside at least


def test_restyle_restyled_goes_against_each_label_and_keeps_ids():
    arts = [Article(id="f", title="SHOCKING split?!", text=FAKE_BODY, label="fake"),
            Article(id="r", title="Kim attends premiere", text="Kim Kardashian said she loved it.", label="real")]
    for how in ("retouch", "rewrite"):
        fake, real = restyled(arts, how=how)
        assert (fake.id, fake.label, real.id, real.label) == ("f", "fake", "r", "real")
        assert "!" not in fake.title and real.title.endswith("!!")


def test_random_restyle_is_style_noise_that_keeps_the_sourcing():
    """The accurate mode's reader trains on it: about a third each kept, sober and sensational,
    decided by the seed alone (never the label), and every version keeps who is cited."""
    from rumorlens.model.restyle import random_restyle

    kinds = {"kept": 0, "sober": 0, "loud": 0}
    for seed in range(300):
        title, text = random_restyle("Kim's SHOCKING Split?!", FAKE_BODY, seed=seed)
        assert (title, text) == random_restyle("Kim's SHOCKING Split?!", FAKE_BODY, seed=seed)  # reproducible
        assert all(kept in text for kept in ("“It is over,”", "insider", "A source", "HollywoodLife", "A rep for Kardashian"))
        if (title, text) == ("Kim's SHOCKING Split?!", FAKE_BODY):
            kinds["kept"] += 1
        elif "!" not in title + text:
            kinds["sober"] += 1
        else:
            kinds["loud"] += 1
    assert all(70 <= n <= 130 for n in kinds.values()), kinds
