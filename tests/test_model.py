"""model/: the Judge contract, safe persistence (never unpickles), coded model errors,
evaluation metrics and the HTML report."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from conftest import TRAIN
from rumorlens.article import Article
from rumorlens.errors import InputError, ModelError
from rumorlens.model.evaluate import Evaluation, evaluate, metrics
from rumorlens.model.judge import Judge
from rumorlens.model.persist import FORMAT_VERSION
from rumorlens.model.report import render_report


def fresh_copy(src: Path, dst: Path) -> Path:
    """A copy in a new directory, so the loader's per-directory cache cannot hide a change."""
    shutil.copytree(src, dst)
    return dst


# -- the Judge contract ------------------------------------------------------------------


def test_model_judge_learns_the_tiny_articles(tiny_judge, tiny_articles):
    verdicts = list(tiny_judge.judge_many(tiny_articles))
    assert [v.id for v in verdicts] == [a.id for a in tiny_articles]  # streamed in input order
    correct = sum(v.label == a.label for v, a in zip(verdicts, tiny_articles))
    assert correct >= 10, [(v.id, v.label, a.label) for v, a in zip(verdicts, tiny_articles)]
    for v in verdicts:
        assert v.model_version == "tiny-test" == tiny_judge.version
        assert 1 <= len(v.reasons) <= 5
        for s in v.signals:
            if s.start >= 0:
                assert v.text[s.start : s.end] == s.text


def test_model_judges_a_string_as_check_reads_plain_text_and_refuses_other_types(tiny_judge, tiny_articles):
    a = tiny_articles[0]
    from_string = tiny_judge.judge(f"{a.title}\n{a.text}")
    from_article = tiny_judge.judge(Article.create(title=a.title, text=a.text))
    assert (from_string.title, from_string.p_fake, from_string.reasons) == (from_article.title, from_article.p_fake, from_article.reasons)
    assert [v.p_fake for v in tiny_judge.judge_many([f"{a.title}\n{a.text}", a])][0] == from_article.p_fake
    with pytest.raises(TypeError, match="judge takes an Article or a string of text, not bytes"):
        tiny_judge.judge(b"bytes")


def test_model_predict_proba_matches_judge(tiny_judge, tiny_articles):
    p = tiny_judge.predict_proba(tiny_articles)
    assert isinstance(p, np.ndarray) and p.shape == (len(tiny_articles),)
    assert np.allclose(p, [v.p_fake for v in tiny_judge.judge_many(tiny_articles)])
    p_text = tiny_judge.predict_proba(tiny_articles, text_only=True)
    assert np.allclose(p_text, [v.p_fake for v in tiny_judge.judge_many(tiny_articles, text_only=True)])


def test_model_explain_false_gives_bare_verdicts(tiny_judge, tiny_articles):
    v = tiny_judge.judge(tiny_articles[0], explain=False)
    assert v.signals == () and v.reasons == ()
    assert v.p_fake == pytest.approx(tiny_judge.judge(tiny_articles[0]).p_fake)


def test_model_text_only_ignores_the_outlet(tiny_judge):
    body = "The singer was seen at dinner, a source says, and her rep confirmed it to People."
    a = Article.create(text=body, title="Dinner", url="https://www.intouchweekly.com/x")
    b = Article.create(text=body, title="Dinner", url="https://people.com/y")
    va, vb = tiny_judge.judge(a, text_only=True), tiny_judge.judge(b, text_only=True)
    assert va.p_fake == vb.p_fake and va.outlet is None and va.text_only
    assert not any(s.kind == "outlet_record" for s in va.signals)


def test_model_outlet_record_signal_from_training_counts(tiny_judge):
    a = Article.create(text="A source claims the star is pregnant.", title="News", url="https://radaronline.com/z")
    v = tiny_judge.judge(a)
    (rec,) = [s for s in v.signals if s.kind == "outlet_record"]
    assert rec.start == rec.end == -1 and rec.text == "radaronline.com"
    assert rec.note.startswith("radaronline.com: 2 of 2 checked stories fake") and rec.weight > 0


# -- safe persistence --------------------------------------------------------------------


def test_model_save_load_round_trip_gives_identical_probabilities(tiny_articles, tmp_path):
    fitted = Judge.fit(tiny_articles, folds=2)
    before = fitted.predict_proba(tiny_articles)
    fitted.save(tmp_path / "m", model_version="round-trip")
    loaded = Judge.load(tmp_path / "m")
    assert loaded.version == "round-trip"
    after = loaded.predict_proba(tiny_articles)
    # The saved neighbour matrix is float16 (size), so agreement is to the printed 4 decimals,
    # and verdict labels are identical.
    assert np.allclose(after, before, rtol=0, atol=1e-4)
    assert [v.label for v in loaded.judge_many(tiny_articles)] == [v.label for v in fitted.judge_many(tiny_articles)]
    assert np.allclose(loaded.predict_proba(tiny_articles, text_only=True), fitted.predict_proba(tiny_articles, text_only=True), rtol=0, atol=1e-4)
    # Whatever was saved loads back bit for bit: a second copy of the directory gives identical numbers.
    shutil.copytree(tmp_path / "m", tmp_path / "m2")
    assert np.array_equal(Judge.load(tmp_path / "m2").predict_proba(tiny_articles), after)


def test_model_articles_without_a_headline_are_scored_by_their_own_stacker(tiny_articles, tmp_path):
    """A headline-less article's scorer and memory inputs go through the stacker fitted on the
    headline-less copies of the training folds; articles with a headline, alone or in the same
    batch, keep the main stacker, and the words in the reasons follow the stacker used."""
    from dataclasses import replace

    from rumorlens.model.classifier import _sigmoid

    fitted = Judge.fit(tiny_articles, folds=2)
    model = fitted.model
    assert set(model.untitled_cal_) == {"text", "full"} and model.untitled_cal_["text"].shape == model.text_cal_.shape
    untitled = [replace(a, title="") for a in tiny_articles]
    own = fitted.predict_proba(untitled, text_only=True)
    _, _, X = fitted._features(untitled)
    _, scores = model.predict(X, [None] * len(untitled), True)
    w = model.untitled_cal_["text"]
    assert np.allclose(own, _sigmoid(np.column_stack([scores, model.neighbour_features(X)]) @ w[:-1] + w[-1]))
    titled = fitted.predict_proba(tiny_articles, text_only=True)
    cal, model.untitled_cal_ = model.untitled_cal_, None
    try:
        assert not np.allclose(fitted.predict_proba(untitled, text_only=True), own)  # the main stacker would say otherwise
        assert np.array_equal(fitted.predict_proba(tiny_articles, text_only=True), titled)  # and headlined ones never use it
    finally:
        model.untitled_cal_ = cal
    mixed = fitted.predict_proba([tiny_articles[0], untitled[1], untitled[2], tiny_articles[3]], text_only=True)
    assert np.allclose(mixed, [titled[0], own[1], own[2], titled[3]])
    contrib = fitted._term_contributions(X, untitled, True)
    n = fitted._n_words
    assert np.allclose(contrib.toarray(), X[:, :n].multiply(model.term_weights(True, untitled=True)[:n]).toarray())
    loaded = Judge.load(fitted.save(tmp_path / "m", model_version="t"))
    assert np.allclose(loaded.predict_proba(untitled, text_only=True), own, atol=1e-4)
    assert np.allclose(loaded.predict_proba(untitled), fitted.predict_proba(untitled), atol=1e-4)
    # trained without it, the model has none and scores every article with the main stacker
    plain = Judge.fit(tiny_articles, folds=2, untitled_stacker=False)
    assert plain.model.untitled_cal_ is None and "text_cal_untitled" not in plain.model.to_arrays()[1]


def test_model_dir_holds_only_json_and_npz(tiny_model_dir, tiny_articles):
    files = sorted(p.name for p in tiny_model_dir.iterdir())
    assert files == ["arrays.npz", "memory.json.gz", "meta.json", "outlets.json", "vocab.json.gz"]
    meta = json.loads((tiny_model_dir / "meta.json").read_text())
    assert meta["format_version"] == FORMAT_VERSION and meta["model_version"] == "tiny-test"
    with np.load(tiny_model_dir / "arrays.npz", allow_pickle=False) as npz:
        assert all(npz[k].dtype != object for k in npz.files)
    # the training stories' ids, outlets and years, row for row with story memory: never their words
    raw = gzip.decompress((tiny_model_dir / "memory.json.gz").read_bytes()).decode("utf-8")
    assert json.loads(raw) == {"ids": [a.id for a in tiny_articles], "outlets": [a.outlet for a in tiny_articles],
                               "years": [None] * len(tiny_articles)}
    assert not any(a.title in raw or a.text[:30] in raw for a in tiny_articles)


class _Payload:
    """Unpickling this would create a file: proof that code ran."""

    marker: Path

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_model_tampered_arrays_with_object_array_is_rl021_not_code_execution(tiny_model_dir, tmp_path):
    model = fresh_copy(tiny_model_dir, tmp_path / "tampered")
    payload = _Payload()
    payload.marker = tmp_path / "pwned"
    with np.load(model / "arrays.npz", allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    arrays["coef"] = np.array([payload, 1], dtype=object)
    np.savez(model / "arrays.npz", **arrays)  # numpy pickles object arrays on save
    with pytest.raises(ModelError) as exc:
        Judge.load(model)
    assert exc.value.code == "RL021"
    assert str(exc.value) == (
        f"{model}: model file is damaged or from an incompatible version "
        "(ValueError: Object arrays cannot be loaded when allow_pickle=False); retrain with `rumorlens train` [RL021]"
    )
    assert not payload.marker.exists()


@pytest.mark.parametrize(
    "damage, detail",
    [
        (lambda m: (m / "arrays.npz").write_bytes(b"not a zip"), "ValueError"),  # numpy refuses to unpickle it
        (lambda m: (m / "vocab.json.gz").unlink(), "FileNotFoundError"),
        (lambda m: (m / "meta.json").write_text("{broken"), "JSONDecodeError"),
        (lambda m: (m / "outlets.json").write_text("[1, 2]"), ""),  # wrong JSON type
        (lambda m: (m / "memory.json.gz").write_bytes(b"not gzip"), "memory.json.gz: BadGzipFile"),
        (lambda m: (m / "memory.json.gz").write_bytes(gzip.compress(b'{"ids": ["a"], "outlets": [null], "years": [null]}')),
         "memory.json.gz must hold ids, outlets and years, 11 of each"),  # not one per training story
    ],
)
def test_model_damaged_files_are_rl021(tiny_model_dir, tmp_path, damage, detail):
    model = fresh_copy(tiny_model_dir, tmp_path / "damaged")
    damage(model)
    with pytest.raises(ModelError) as exc:
        Judge.load(model)
    assert exc.value.code == "RL021"
    assert str(exc.value).startswith(f"{model}: model file is damaged or from an incompatible version (")
    assert detail in str(exc.value)


def test_model_newer_format_version_is_rl022(tiny_model_dir, tmp_path):
    model = fresh_copy(tiny_model_dir, tmp_path / "future")
    meta = json.loads((model / "meta.json").read_text())
    meta["format_version"] = FORMAT_VERSION + 1
    (model / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(ModelError) as exc:
        Judge.load(model)
    assert str(exc.value) == f"{model}: model format version {FORMAT_VERSION + 1} is newer than this rumorlens understands ({FORMAT_VERSION}); upgrade rumorlens [RL022]"


def test_model_missing_dir_is_rl020(tmp_path):
    with pytest.raises(ModelError) as exc:
        Judge.load(tmp_path / "nowhere")
    assert str(exc.value) == f"{tmp_path / 'nowhere'}: no model found (missing meta.json); train one with `rumorlens train --out DIR` or drop --model [RL020]"


def test_model_env_var_selects_the_model(tiny_model_dir, monkeypatch):
    monkeypatch.setenv("RUMORLENS_MODEL", str(tiny_model_dir))
    assert Judge.load().version == "tiny-test"


@pytest.mark.parametrize("labels, n_fake, n_real", [(["fake"] * 4, 4, 0), (["real"] * 3 + ["fake"], 1, 3), ([None] * 3, 0, 0)])
def test_model_fit_needs_two_of_each_class_rl023(labels, n_fake, n_real):
    arts = [Article.create(text=f"Body number {i} about the star.", title=f"T{i}", label=lab) for i, lab in enumerate(labels)]
    with pytest.raises(InputError) as exc:
        Judge.fit(arts)
    assert str(exc.value) == f"training data has {n_fake} fake and {n_real} real labelled articles; need at least 2 of each class [RL023]"


def test_model_shipped_model_loads_with_meta(shipped_judge):
    meta = shipped_judge.meta
    assert shipped_judge.version and meta["format_version"] == FORMAT_VERSION
    assert len(meta.get("train_data_sha256", "")) == 64
    v = shipped_judge.judge(Article.create(text="An insider claims the couple secretly split.", title="Split?"))
    assert v.model_version == shipped_judge.version and 0 <= v.p_fake <= 1
    # the version names the training data and this very fit
    assert shipped_judge.version.endswith(f"-{meta['train_data_sha256'][:8]}-{shipped_judge.fingerprint()}")


def test_model_shipped_model_is_blind_to_tone_words(shipped_judge, dev_path):
    """Tone words are stop words of the shipped n-grams: a real story retold with "EXCLUSIVE",
    "shocking", "reportedly" and "Stunning!" keeps its p_fake; the claim words stay."""
    import json
    import re

    from rumorlens.model.features import TONE_WORDS

    model = shipped_judge.model
    assert model.settings["tone_blind"] is True
    for vocab in (model.vectorizer_.vocabulary_, model.title_vectorizer_.vocabulary_):
        assert not any(w in TONE_WORDS for term in vocab for w in term.split())
    assert {"feud", "cheating", "pregnant", "insider"} <= set(model.vectorizer_.vocabulary_)

    rows = [json.loads(line) for line in dev_path.read_text(encoding="utf-8").splitlines()[:300]]
    plain = [Article.create(text=r["text"], title=r["title"] or "", id=r["id"]) for r in rows if r["label"] == "real"][:40]
    coloured = [
        Article.create(id=a.id, title=f"EXCLUSIVE shocking {a.title}",
                       text=re.sub(r"\b(said|says)\b", r"reportedly \1", a.text, count=3) + "\nStunning!")
        for a in plain]
    before = shipped_judge.predict_proba(plain, text_only=True)
    after = shipped_judge.predict_proba(coloured, text_only=True)
    assert [a.text for a in coloured] != [a.text for a in plain]
    # only the signals' word-count rates move, a little
    assert np.abs(after - before).max() < 0.005, np.abs(after - before).max()


def test_model_signal_exclude_leaves_a_family_out_and_survives_saving(tiny_articles, tmp_path):
    """The per-family ablation's setting: the family's features are gone from the fitted model
    and from the one loaded back, and the rest are still there."""
    from rumorlens.model.features import MODEL_FEATURES, SIGNAL_FAMILIES

    judge = Judge.fit(tiny_articles, folds=2, signal_exclude=["denials", "n_words_log"])
    names = judge.model.signals_.feature_names_
    assert not set(names) & set(SIGNAL_FAMILIES["denials"]) and "n_words_log" not in names
    assert set(names) == set(MODEL_FEATURES) - set(SIGNAL_FAMILIES["denials"]) - {"n_words_log"}
    loaded = Judge.load(judge.save(tmp_path / "m", model_version="t"))
    assert loaded.model.signals_.feature_names_ == names
    assert np.allclose(loaded.predict_proba(tiny_articles), judge.predict_proba(tiny_articles), atol=1e-5)
    # every family names real model features
    assert all(set(f) <= set(MODEL_FEATURES) for f in SIGNAL_FAMILIES.values())


def test_model_saved_before_a_setting_existed_loads_as_it_was_with_its_fingerprint(tiny_articles, tmp_path):
    """A model directory whose settings lack keys added later (tone_blind, signal_exclude,
    untitled_stacker) loads
    with the behaviour it had, and adding those settings did not change its fingerprint."""
    import json

    from rumorlens.model.persist import fit_digest

    later = ("tone_blind", "signal_exclude", "untitled_stacker")
    fitted = Judge.fit(tiny_articles, folds=2, tone_blind=False, untitled_stacker=False)
    out = fitted.save(tmp_path / "old", model_version="old")
    meta_path = out / "meta.json"
    meta = json.loads(meta_path.read_text())
    for key in later:
        meta["config"]["settings"].pop(key)
    meta_path.write_text(json.dumps(meta))
    # the fingerprint such a model was given when it was saved, before the keys existed
    config, arrays, vocab, _ = fitted.model.to_arrays()
    config["settings"] = {k: v for k, v in config["settings"].items() if k not in later}
    old = Judge.load(out)
    assert old.model.settings["tone_blind"] is False and old.model.settings["signal_exclude"] == []
    assert old.model.settings["untitled_stacker"] is False and old.model.untitled_cal_ is None
    assert old.fingerprint() == fit_digest(arrays, vocab, config) == fitted.fingerprint()
    assert np.allclose(old.predict_proba(tiny_articles), fitted.predict_proba(tiny_articles), atol=1e-5)


def test_model_version_names_the_fit_not_only_the_data(tiny_articles, tmp_path):
    """Two models trained on the same file with other settings must not share a version, or their
    stored verdicts could not be told apart; the same fit keeps its version through save and load."""
    from rumorlens.model.train import train_model

    data = tmp_path / "train.jsonl"
    data.write_text("".join(json.dumps({"text": a.text, "title": a.title, "label": a.label}) + "\n" for a in tiny_articles), encoding="utf-8")
    one = train_model([data], tmp_path / "one", folds=2)
    other = train_model([data], tmp_path / "other", folds=2, C=3.0)
    again = train_model([data], tmp_path / "again", folds=2)
    assert one.version != other.version and one.version == again.version
    assert one.version.rsplit("-", 2)[1] == other.version.rsplit("-", 2)[1]  # same data hash
    assert Judge.load(tmp_path / "one").version == one.version and Judge.load(tmp_path / "one").fingerprint() == one.fingerprint()


# -- evaluation and report ----------------------------------------------------------------


def test_model_metrics_on_hand_computed_example():
    m = metrics([1, 1, 0, 0], [0.9, 0.4, 0.2, 0.6], threshold=0.5)
    assert m["accuracy"] == 0.5
    assert m["confusion"] == [[1, 1], [1, 1]]  # rows true fake/real, cols predicted fake/real
    assert m["roc_auc"] == pytest.approx(0.75)
    assert m["brier"] == pytest.approx(0.1925)
    assert m["f1_fake"] == pytest.approx(0.5) and m["f1_real"] == pytest.approx(0.5) and m["macro_f1"] == pytest.approx(0.5)



def test_model_metrics_balanced_macro_f1_weights_both_classes_equally():
    # 1 fake caught, 1 fake missed, 8 reals right: the rare class counts as much as the common one
    y = [1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    p = [0.9, 0.1, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]
    m = metrics(y, p, 0.5)
    # weighted so each class totals half: F1 fake = 2/3, F1 real = 5 / (5 + 1.25) = 0.8
    assert m["balanced_macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)
    assert m["macro_f1"] == pytest.approx((2 / 3 + 16 / 17) / 2)


def test_model_prevalence_rebases_p_fake_and_the_cut(tiny_judge, tiny_articles):
    from rumorlens.model.classifier import rebase

    model = tiny_judge.model
    base = model.outlets_.base_rate_
    plain = list(tiny_judge.judge_many(tiny_articles))
    for share in (0.1, 0.5, 0.9):
        rebased = list(tiny_judge.judge_many(tiny_articles, prevalence=share))
        for a, b in zip(plain, rebased):
            assert b.p_fake == pytest.approx(float(rebase(np.array([a.p_fake]), base, share)[0]))
            assert (b.p_fake > a.p_fake) == (share > base)
            assert b.threshold == model.threshold(False, share)
            assert b.label == ("fake" if b.p_fake >= b.threshold else "real")
    # re-basing to the training share changes nothing
    same = rebase(np.array([0.05, 0.3, 0.97]), 0.25, 0.25)
    assert same == pytest.approx([0.05, 0.3, 0.97])
    with pytest.raises(ValueError):
        list(tiny_judge.judge_many(tiny_articles, prevalence=1.0))


@pytest.mark.slow
def test_judge_adapting_estimates_the_share_from_stories_not_headlines_alone(shipped_judge, dev_path):
    """Headlines judged alone lean off the training share by themselves: 600 dev headlines at
    dev's 21% fakes whose p_fake alone would re-base the run are kept at the training share,
    while the same run with the stories' bodies is still re-based when it is 70% fakes."""
    import numpy as np

    from rumorlens.article import Article
    from rumorlens.model.judge import share_evidence
    from rumorlens.read import read_articles

    dev = [a for a in read_articles([str(dev_path)]) if a.title]
    heads = [Article.create(text="", title=a.title, url=a.url, id=a.id, label=a.label) for a in dev]
    p = np.array([v.p_fake for v in shipped_judge.judge_many(heads, explain=False)])
    pick = lambda label, k: [i for i in np.argsort(p) if heads[i].label == label][:k]  # noqa: E731
    run = [heads[i] for i in pick("fake", 126) + pick("real", 474)]  # 21% fakes, the lowest p_fake
    assert shipped_judge.adapted_share([p[heads.index(a)] for a in run]) is not None  # would have re-based
    said = []
    verdicts = list(shipped_judge.judge_adapting(run, on_share=lambda share, n: said.append((share, n))))
    assert said == [(None, len(run))] and share_evidence(verdicts) == []
    assert verdicts == list(shipped_judge.judge_many(run))
    # stories among them still decide: 70% fakes with bodies, plus the headlines, is re-based
    fakes = [a for a in dev if a.label == "fake"]
    queue = fakes + [a for a in dev if a.label == "real"][: len(fakes) * 3 // 7] + run
    said.clear()
    list(shipped_judge.judge_adapting(queue, text_only=True, on_share=lambda share, n: said.append((share, n))))
    assert said[0][0] is not None and said[0][0] > 0.6 and said[0][1] == len(queue)


def test_judge_adapting_rebases_only_a_run_that_clearly_is_not_the_training_share(shipped_judge, dev_path):
    """The default of check and evaluate: dev as it is (21% fakes) keeps the training share and
    is judged exactly as judge_many judges it; dev cut to 70% fakes, as a queue of flagged
    stories would be, is re-based to its estimated share, verdict for verdict what judge_many at
    that share gives (reasons included), and catches more fakes; 199 articles never adapt, nor
    does a run too long to be held before its first verdict."""
    from rumorlens.model.judge import ADAPT_MAX_ARTICLES, ADAPT_MIN_ARTICLES
    from rumorlens.read import read_articles

    dev = list(read_articles([str(dev_path)]))
    fakes = [a for a in dev if a.label == "fake"]
    reals = [a for a in dev if a.label == "real"]
    said = []
    as_is = list(shipped_judge.judge_adapting(dev, text_only=True, on_share=lambda share, n: said.append((share, n))))
    assert said == [(None, len(dev))]
    assert as_is == list(shipped_judge.judge_many(dev, text_only=True))

    queue = fakes + reals[: len(fakes) * 3 // 7]  # 70% fakes
    said.clear()
    adapted = list(shipped_judge.judge_adapting(queue, text_only=True, on_share=lambda share, n: said.append((share, n))))
    share, n = said[0]
    assert n == len(queue) and 0.6 < share < 0.8
    assert adapted == list(shipped_judge.judge_many(queue, text_only=True, prevalence=share))
    kept = list(shipped_judge.judge_many(queue, text_only=True))
    caught = lambda verdicts: sum(v.label == "fake" and a.label == "fake" for v, a in zip(verdicts, queue))  # noqa: E731
    assert caught(adapted) > caught(kept)
    assert all(v.threshold == shipped_judge.threshold(True, share) for v in adapted)

    small = queue[: ADAPT_MIN_ARTICLES - 1]
    said.clear()
    assert list(shipped_judge.judge_adapting(small, text_only=True, on_share=lambda share, n: said.append(share))) == kept[: len(small)]
    assert said == [None]
    with pytest.raises(TypeError):
        list(shipped_judge.judge_adapting(small, prevalence=0.5))

    # a run too long to hold (here 70% fakes, 5,000+ articles) streams at the training share
    long_queue = queue * (ADAPT_MAX_ARTICLES // len(queue) + 1)
    said.clear()
    streamed = shipped_judge.judge_adapting(long_queue, text_only=True, on_share=lambda share, n: said.append((share, n)))
    assert [v.p_fake for v in streamed] == [v.p_fake for v in kept] * (len(long_queue) // len(queue))
    assert said == [(None, None)]


def test_model_estimate_prevalence_recovers_the_share_of_fakes_from_calibrated_p():
    """EM on calibrated p_fake (labels unseen) finds how many fakes a collection holds."""
    from rumorlens.model.classifier import estimate_prevalence, rebase

    rng = np.random.default_rng(0)
    base = 0.2
    for share in (0.1, 0.2, 0.5, 0.8):
        y = rng.random(20_000) < share
        score = rng.normal(np.where(y, 1.5, -1.5), 1.0)  # the model's evidence, same for any share
        p_at_base = rebase(1 / (1 + np.exp(-3.0 * score)), 0.5, base)  # calibrated where 20% are fake
        assert estimate_prevalence(p_at_base, base) == pytest.approx(share, abs=0.01)
    assert estimate_prevalence(np.array([]), base) == base


def test_model_prevalence_cut_comes_from_the_saved_table_or_rebases_the_old_cut(tiny_model_dir, tmp_path):
    model = Judge.load(tiny_model_dir).model
    table = model.prevalence_thresholds_["full"]
    assert [row[0] for row in table] == pytest.approx(np.arange(0.05, 0.951, 0.05))
    assert all(0 < t < 1 for _, t in table)
    by_share = {round(k, 2): t for k, t in table}
    assert model.threshold(False, 0.5) == by_share[0.5]
    between = model.threshold(False, 0.525)  # between two rows: interpolated
    assert min(by_share[0.5], by_share[0.55]) <= between <= max(by_share[0.5], by_share[0.55])
    assert model.threshold(False, 0.01) == by_share[0.05]  # outside the table: its end row
    # a model saved before the table existed keeps its decisions: the cut is re-based with p
    copy = fresh_copy(tiny_model_dir, tmp_path / "old")
    meta = json.loads((copy / "meta.json").read_text())
    del meta["config"]["prevalence_thresholds"]
    (copy / "meta.json").write_text(json.dumps(meta))
    old = Judge.load(copy).model
    from rumorlens.model.classifier import rebase

    assert old.threshold(True, 0.6) == pytest.approx(float(rebase(np.array([old.threshold(True)]), old.outlets_.base_rate_, 0.6)[0]))

def test_model_evaluate_counts_only_labelled_and_reports_outlets(tiny_judge, tiny_articles):
    unlabelled = Article.create(text="No label here.", title="x")
    result = evaluate(tiny_judge, [*tiny_articles, unlabelled])
    assert result.n == len(tiny_articles)
    assert sum(map(sum, result.confusion)) == result.n
    assert 0 <= result.macro_f1 <= 1 and result.articles_per_second > 0
    assert sum(b["n"] for b in result.calibration) == result.n
    # per-outlet rows need at least 5 articles; none of the tiny outlets has that many
    assert result.per_outlet == []


def test_model_report_has_confusion_matrix_calibration_svg_and_outlets_and_escapes():
    result = Evaluation(
        n=20, accuracy=0.8, macro_f1=0.75, f1_fake=0.7, f1_real=0.8, roc_auc=0.9, brier=0.12, ece=0.05, seconds=0.1,
        articles_per_second=200.0, threshold=0.4, text_only=False, confusion=[[6, 2], [2, 10]],
        calibration=[{"low": 0.0, "high": 0.1, "n": 10, "mean_p": 0.05, "share_fake": 0.1}],
        per_outlet=[{"outlet": "<script>alert(1)</script>.com", "n": 12, "n_fake": 4, "accuracy": 0.75}],
    )
    page = render_report(result, "model <v1>")
    assert "<h2>Confusion matrix</h2>" in page and '<td class="ok">6</td>' in page and '<td class="ok">10</td>' in page
    assert '<svg width="360" height="360"' in page and "<circle" in page and "reliability plot" in page
    assert "<h2>Accuracy by outlet</h2>" in page and "&lt;script&gt;alert(1)&lt;/script&gt;.com" in page
    assert "<script>" not in page and "model &lt;v1&gt;" in page


def test_model_fit_without_usable_words_is_rl025():
    arts = [Article.create(text="the and of to a in", title="", label=lab) for lab in ("fake", "fake", "real", "real")]
    with pytest.raises(InputError) as exc:
        Judge.fit(arts, folds=2)
    assert exc.value.code == "RL025"
    assert str(exc.value).startswith("training data leaves no usable words after filtering (")


def test_model_older_format_is_rl021(tiny_model_dir, tmp_path):
    import json
    import shutil

    old = tmp_path / "old"
    shutil.copytree(tiny_model_dir, old)
    meta = json.loads((old / "meta.json").read_text())
    (old / "meta.json").write_text(json.dumps({**meta, "format_version": 1}))
    with pytest.raises(ModelError) as exc:
        Judge.load(old)
    assert str(exc.value) == f"{old}: model file is damaged or from an incompatible version (format version 1 is older than {FORMAT_VERSION}); retrain with `rumorlens train` [RL021]"


def test_model_plain_vectorizer_matches_scikit_learn(dev_path):
    """Checking applies TF-IDF without scikit-learn; it must equal scikit-learn's own transform."""
    import json

    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

    from rumorlens.model.vectorize import NgramTfidf

    rows = [json.loads(line) for line in dev_path.read_text(encoding="utf-8").splitlines()[:400]]
    docs = [f"{r['title'] or ''}\n{r['text'][:6000]}" for r in rows] + ["", "the and of", "Ünïcödé wörds ÀÇÇENTS"]
    sk = TfidfVectorizer(ngram_range=(1, 2), min_df=2, max_df=0.9, sublinear_tf=True, stop_words="english", dtype=np.float32).fit(docs)
    plain = NgramTfidf.from_sklearn(sk)
    expected = sk.transform(docs)
    diff = abs(expected - plain.transform(docs))
    assert diff.max() < 1e-6
    # A saved model gives the terms in column order; a few documents at a time (as training
    # does) and the dict lookup kept for a vocabulary whose terms share a hash give the same.
    saved = NgramTfidf(list(plain.get_feature_names_out()), sk.idf_, **plain.config())
    assert abs(expected - saved.transform(docs, chunk=7)).max() < 1e-6
    saved._hashed = ()  # what _lookup records when two terms share a hash
    assert abs(expected - saved.transform(docs)).max() < 1e-6
    assert saved.transform([]).shape == (0, len(sk.idf_))



def test_model_story_memory_matches_a_dense_brute_force(shipped_judge, dev_path):
    """Story memory picks each article's nearest training stories from sparse similarities;
    a brute-force dense search over all 13,615 training stories must give the same features,
    with and without the out-of-fold exclusions training uses."""
    from rumorlens.model.neighbours import prune_rows
    from rumorlens.read import read_articles

    articles = list(read_articles([dev_path]))[:200]
    articles.append(Article.create(text="Zzyzx qwertyuiop.", title="Xyzzy"))  # no similar story at all
    nb = shipped_judge.model.neighbours_
    _, _, X = shipped_judge._features(articles)
    words = X[:, : shipped_judge.model.n_words]

    def brute(exclude=None, cap=None):
        S = (prune_rows(words, nb.query_terms) @ nb.matrix_.T).toarray()
        if exclude is not None:
            S[:, exclude] = 0.0
        if cap is not None:
            S[S >= cap] = 0.0
        idx = np.argsort(-S, axis=1)[:, : nb.k]
        sims, labels = np.take_along_axis(S, idx, axis=1), nb.labels_[idx]
        share = (labels * (sims + 1e-6)).sum(1) / (sims + 1e-6).sum(1)
        return np.column_stack([share - 0.5, np.where(labels == 1, sims, 0).max(1), np.where(labels == 0, sims, 0).max(1)])

    fast = nb.transform(words)
    assert np.abs(fast[:-1] - brute()[:-1]).max() < 1e-5
    hidden = np.arange(0, len(nb.labels_), 3)
    assert np.abs(nb.transform(words, exclude=hidden, cap=0.5)[:-1] - brute(hidden, 0.5)[:-1]).max() < 1e-5
    # nothing similar: the training share, no similarity to a fake or a real
    assert fast[-1].tolist() == pytest.approx([nb.labels_.mean() - 0.5, 0.0, 0.0])
    assert (fast[:-1, 1:].max(axis=1) > 0).all()  # real articles do have neighbours


def _training_stories(label: str, n: int = 40) -> list:
    from rumorlens.read import read_articles

    stories = [a for a in read_articles([TRAIN]) if a.label == label and len(a.text) > 2000]
    return stories[:n]


@pytest.mark.parametrize("label", ["fake", "real"])
def test_model_names_the_story_already_checked_that_a_verdict_is_like(shipped_judge, label):
    """Gossip Cop's "we already checked this one": a training story checked again is matched
    to itself by id, outlet and year, and when memory moved the verdict far enough a reason
    says so. The signal explains p_fake; it does not change it."""
    found = "fake" if label == "fake" else "true"
    told_somewhere = 0
    for story in _training_stories(label):
        verdict = shipped_judge.judge(story)
        similar = [s for s in verdict.signals if s.kind == "similar_story"]
        assert 1 <= len(similar) <= 3 and similar[0].text == story.id and similar[0].outlet == story.outlet
        assert (similar[0].start, similar[0].end) == (-1, -1) and (similar[0].weight > 0) == (label == "fake")
        assert similar[0].note.startswith(f"found {found}, ") and f"alike: {story.id} ({story.outlet}" in similar[0].note
        assert [abs(s.weight) for s in similar] == sorted((abs(s.weight) for s in similar), reverse=True)
        told = [r for r in verdict.reasons if r.startswith("Told before: ")]
        if told:
            told_somewhere += 1
            assert f"were {found}; the closest (" in told[0] and told[0].endswith(f"{story.id}) was {found}.") or (
                f"most like it (" in told[0] and f"{story.id}) was {found}, and " in told[0] and told[0].endswith(f"most like it were {found}."))
        assert verdict.p_fake == shipped_judge.judge(story, explain=False).p_fake
    assert told_somewhere >= 5


def test_model_without_its_story_index_still_says_it_was_told_before(shipped_model_dir, tmp_path):
    """A model trained before memory.json.gz existed gives the reason, naming no story, and no
    similar_story signals (they would have nothing to point at)."""
    model = fresh_copy(shipped_model_dir, tmp_path / "older")
    (model / "memory.json.gz").unlink()
    verdicts = list(Judge.load(model).judge_many(_training_stories("real", 10)))
    assert not [s for v in verdicts for s in v.signals if s.kind == "similar_story"]
    told = [r for v in verdicts for r in v.reasons if r.startswith("Told before: ")]
    assert told and all("gossipcop-" not in r and r.endswith("alike) was true.") for r in told)


def test_model_similar_stories_only_above_the_cut_and_a_reason_only_when_memory_moved_it():
    from rumorlens.model.explain import ToldBefore, told_before_reason
    from rumorlens.model.neighbours import Remembered

    close = (Remembered(0.62, True, "gc-1", "radaronline.com", 2017), Remembered(0.41, False, "gc-2", None, None))
    assert told_before_reason(ToldBefore(push=0.8, stories=close, n=10, n_fake=7)) == (
        "Told before: 7 of the 10 stories already checked that are most like it were fake; "
        "the closest (62% alike, radaronline.com, 2017, gc-1) was fake.")
    assert told_before_reason(ToldBefore(push=-0.5, stories=close[1:], n=9, n_fake=1)) == (
        "Told before: 8 of the 9 stories already checked that are most like it were true; the closest (41% alike, gc-2) was true.")
    # a few close ones outweigh many loose ones: the sentence leads with the closest
    assert told_before_reason(ToldBefore(push=0.6, stories=close, n=10, n_fake=3)) == (
        "Told before: the story already checked that is most like it (62% alike, radaronline.com, 2017, gc-1) was fake, "
        "and 3 of the 10 most like it were fake.")
    assert told_before_reason(ToldBefore(push=0.2, stories=close, n=10, n_fake=7)) is None  # memory barely moved it
    assert told_before_reason(ToldBefore(push=0.9, stories=(), n=10, n_fake=9)) is None  # nothing close enough to name


def test_model_outlet_weights_learn_less_from_big_outlets():
    from rumorlens.model.classifier import outlet_weights

    outlets = ["big.com"] * 8 + ["small.com"] * 2 + [None]
    assert outlet_weights(outlets, 0.0).tolist() == [1.0] * 11  # off: every article counts once
    w = outlet_weights(outlets, 1.0)  # each outlet in total as much as one article without one
    assert w.mean() == pytest.approx(1.0)
    assert w[:8].sum() == pytest.approx(w[8:10].sum()) == pytest.approx(w[10])
    half = outlet_weights(outlets, 0.5)
    assert half[0] < half[8] < half[10]

def test_model_checking_does_not_import_scikit_learn(shipped_model_dir):
    """scikit-learn costs ~150 MB and half a second at start-up; `check` must not load it."""
    import subprocess
    import sys

    code = (
        "import sys; from rumorlens.model.judge import Judge; from rumorlens import Article;"
        f"Judge.load({str(shipped_model_dir)!r}).judge(Article.create(text='A source close to the star says so.', url='people.com/x'));"
        "print('sklearn' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_ready_batches_lets_a_live_feed_through_and_keeps_full_batches_for_a_file():
    """What `check -` batches by: a record that has arrived is judged without waiting for more,
    a feed that is all there still comes 256 at a time, order is kept and a reading error is
    raised after the records before it."""
    import threading

    from rumorlens.concurrency import ready_batches

    import time

    assert sum(ready_batches(iter(range(600)), 256), []) == list(range(600))
    batches = ready_batches(iter(range(1000)), 256)
    first = next(batches)
    time.sleep(0.3)  # judging the first batch: meanwhile the reader fills up
    assert 1 <= len(first) <= 256 and len(next(batches)) == 256

    release = threading.Event()

    def live():
        yield "first"
        release.wait(30)  # the feed stays open: nothing more until the first batch was seen
        yield "second"

    batches = ready_batches(live(), 256)
    assert next(batches) == ["first"]
    release.set()
    assert list(batches) == [["second"]]

    def broken():
        yield 1
        raise ValueError("disk gone")

    seen = []
    with pytest.raises(ValueError, match="disk gone"):
        for batch in ready_batches(broken(), 256):
            seen.extend(batch)
    assert seen == [1]


def test_ready_batches_stops_its_reader_when_the_caller_stops_early():
    """A library caller who takes one batch of `judge_many(live=True)` and walks away: the reader
    thread must not stay blocked on a full queue for the life of the process, and the source's
    own cleanup (closing its file) must run."""
    import threading
    import time

    from rumorlens.concurrency import ready_batches

    closed = threading.Event()

    def endless():
        try:
            n = 0
            while True:
                n += 1
                yield n
        finally:
            closed.set()

    batches = ready_batches(endless(), 8)
    assert next(batches) and any(t.name == "rumorlens-reader" for t in threading.enumerate())
    batches.close()  # what garbage collection does to an abandoned generator
    assert closed.wait(5), "the source was never closed"
    deadline = time.monotonic() + 5
    while any(t.name == "rumorlens-reader" for t in threading.enumerate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(t.name == "rumorlens-reader" for t in threading.enumerate()), "the reader thread is still blocked"


def test_reasons_call_gossip_cop_the_fact_checker_not_tabloid_reporting():
    """Naming Gossip Cop weighs towards fake (its busts), but it is not a tabloid source: the
    tabloids are named alone, and a bust by it that the article reports is said once."""
    from rumorlens.model.explain import reasons_for
    from rumorlens.verdict import Signal

    in_touch = Signal("cited_outlet", "In Touch", 0, 8, 0.3, "cites tabloid In Touch Weekly", outlet="In Touch Weekly")
    gossip_cop = Signal("cited_outlet", "Gossip Cop", 20, 30, 0.6, "cites Gossip Cop", outlet="Gossip Cop")
    busted = Signal("denial", "Gossip Cop contested", 20, 40, 0.5, "Gossip Cop disputes the story", outlet="Gossip Cop")
    reasons = reasons_for("fake", [in_touch, gossip_cop, busted])
    assert "Leans on tabloid reporting: “In Touch Weekly”." in reasons
    assert "Reports a denial or debunk: “Gossip Cop contested”." in reasons
    assert not any("Names Gossip Cop" in r for r in reasons)
    reasons = reasons_for("fake", [gossip_cop])
    assert "Names Gossip Cop, the fact-checker that busted tabloid stories." in reasons
    assert not any("tabloid reporting" in r or "established outlets" in r for r in reasons)


def test_reasons_name_one_subject_whose_record_is_telling():
    """A story's subject's record in the store is a reason only when it is telling (45% fake or
    more, or 15% or less), once, for the person whose record says most; towards fake for a poor
    record, towards real for a good one; an ordinary record is no reason."""
    from rumorlens.corpus.memory import PersonRecord
    from rumorlens.model.explain import person_signal, reasons_for

    poor = PersonRecord("Zara Quill", 40, 36, 0.9, 0.77, 0.96)
    good = PersonRecord("Milo Brack", 30, 1, 0.0333, 0.006, 0.17)
    plain = PersonRecord("Ann Other", 20, 5, 0.25, 0.11, 0.47)
    reasons = reasons_for("real", [], people=[plain, good])
    assert reasons[0] == "Stories about Milo Brack have a good record: 1 of 30 in the store were fake (3%)."
    reasons = reasons_for("fake", [], people=[good, poor, plain])
    assert [r for r in reasons if r.startswith("Stories about")] == ["Stories about Zara Quill have a poor record: 36 of 40 in the store were fake (90%)."]
    assert not any(r.startswith("Stories about") for r in reasons_for("fake", [], people=[plain]))
    signal = person_signal(good)
    assert (signal.kind, signal.text, signal.start, signal.end, signal.weight) == ("person_record", "Milo Brack", -1, -1, -0.433)


def test_human_label_is_the_ruling_in_force_an_exported_record_carries_else_its_own():
    """The label training and evaluation use for a store's export: the newest fake/real ruling
    (one without a date counts as newest, as the store dates it when storing it), else the label
    the record came with; never the model's verdict (the export's 'label')."""
    from rumorlens.model.labels import human_label

    def exported(known, rulings=None, **fields):
        row = {"p_fake": 0.9, "model_version": "m", "label": "fake"} | ({"rulings": rulings} if rulings is not None else {}) | fields
        return Article.create(text="A source says so.", id="x", label=known, verdict=row)

    assert human_label(exported(None)) is None  # judged by the model alone
    assert human_label(exported("real")) == "real"
    assert human_label(exported("real", [{"label": "real", "created_at": "2026-01-02"}, {"label": "fake", "created_at": "2026-01-01"}])) == "real"
    assert human_label(exported(None, [{"label": "fake", "created_at": "2026-01-02"}, {"label": "real"}])) == "real"
    assert human_label(exported("fake", [{"label": "maybe", "created_at": "2026-01-03"}])) == "fake"  # not a ruling to learn from
    assert human_label(exported(None, ruling="fake", ruled_at="2026-01-01")) == "fake"  # a file from before the history was exported
    assert human_label(Article.create(text="A source says so.", id="y", label="real")) == "real"  # any other record
