"""model/restyle.py and model/robustness.py: the stress tests' rewrites change tone and framing,
never the facts, names, quotes or who is cited."""

from __future__ import annotations

from rumorlens.article import Article
from rumorlens.model.restyle import (REWRITE_CHARS, reattribute_sober, reattribute_tabloid, rewrite_sensational, rewrite_sober,
                                     sensationalise, soberise)
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


def test_reattribute_retells_unnamed_sources_and_nothing_else():
    """The attribution stress test: who says so changes register, not identity. The extractor
    still finds an unnamed source in every retold attribution, and the outlet it named stays."""
    from rumorlens.signals import find_signals

    body = ("Kim Kardashian said she loved the film.\n"
            "“It is over,” an insider told Us Weekly. The pair split in May, sources claim.\n"
            "According to a pal, the wedding is off.")
    _, sober = reattribute_sober("Kim splits", body)
    assert "insider" not in sober and "pal" not in sober and "sources claim" not in sober
    assert "Kim Kardashian said she loved the film." in sober and "“It is over,”" in sober and "split in May" in sober
    assert " told Us Weekly." in sober and "According to " in sober
    retold = [s for s in find_signals("Kim splits\n" + sober) if s.kind == "anonymous_source"]
    assert len(retold) == 3 and retold[0].outlet == "Us Weekly"
    assert any(who in sober for who in ("familiar with the matter", "close to the couple", "knows the star", "close to the situation", "knowledge of"))

    news = "“They are happy,” a person familiar with the matter told People. The couple wed in June."
    _, loud = reattribute_tabloid("Kim weds", news, seed=0)
    assert loud == "“They are happy,” an insider told People. The couple wed in June."
    assert reattribute_tabloid("Kim weds", news, seed=0) == reattribute_tabloid("Kim weds", news, seed=0)  # reproducible
    assert reattribute_sober("t", "Kim Kardashian said she loved it.") == ("t", "Kim Kardashian said she loved it.")  # no source, no change


def test_restyle_restyled_goes_against_each_label_and_keeps_ids():
    arts = [Article(id="f", title="SHOCKING split?!", text=FAKE_BODY, label="fake"),
            Article(id="r", title="Kim attends premiere", text="Kim Kardashian said she loved it.", label="real")]
    for how in ("retouch", "rewrite"):
        fake, real = restyled(arts, how=how)
        assert (fake.id, fake.label, real.id, real.label) == ("f", "fake", "r", "real")
        assert "!" not in fake.title and real.title.endswith("!!")
    arts.append(Article(id="r2", title="Kim weds", text="The couple wed, a person familiar with the matter said.", label="real"))
    fake, real, real2 = restyled(arts, how="attribution")
    assert "the insider said" not in fake.text and real.text == arts[1].text  # nothing to retell in it
    assert real2.text in {f"The couple wed, {who} dished." for who in ("an insider", "a pal", "a source close to the star", "a well-placed insider", "a friend of the star")}


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
