"""``rumorlens train`` and ``rumorlens evaluate``."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import typer
from rich.table import Table

from .app import app
from .check import ACCURATE_HELP, MODEL_HELP, PREVALENCE_AUTO_HELP, SayAdapted, auto_prevalence, load_judge, parse_prevalence
from .common import EXIT_USAGE, Outcome, console, errors_as_exit, print_json, progress_bar, usage


@app.command()
def train(
    data: list[Path] = typer.Option(..., "--data", help="Labelled articles (JSONL/CSV/folders); repeatable."),
    out: Path = typer.Option(..., "--out", help="Directory to write the model to."),
    dev: Path = typer.Option(None, "--dev", help="Labelled dev split to score and record in meta.json."),
    text_only: bool = typer.Option(False, "--text-only", help="Learn from text alone: no URL or outlet prior."),
    augment: bool = typer.Option(False, "--augment/--no-augment", help="Add a restyled (sober or sensational) copy of each article, same label."),
    accurate: bool = typer.Option(False, "--accurate", help="Also tune a MiniLM reader for `check --accurate` (about 50 minutes on 2 cores for GossipCop's train split; pip install 'rumorlens[accurate]')."),
    epochs: int = typer.Option(2, "--epochs", min=1, help="With --accurate: passes over the data when tuning the reader."),
    reader: Path = typer.Option(None, "--reader", help="With --accurate: stack this already tuned reader (a model's accurate/ directory, tuned on the same training data) instead of tuning one: minutes instead of about 50."),
    json_out: bool = typer.Option(False, "--json", help="Print meta.json as one JSON object."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors and the summary: no progress (for logs and cron)."),
) -> None:
    """Train a model directory (arrays + JSON: loading it can never run code).

    Examples:

      rumorlens train --data ../shared/data/gossipcop/train.jsonl --out mymodel

      rumorlens train --data train.jsonl --dev dev.jsonl --out mymodel --json

      rumorlens train --data train.jsonl --out mymodel -q >> train.log

      rumorlens train --data train.jsonl --dev dev.jsonl --out mymodel --accurate

      rumorlens train --data train.jsonl --out newmodel --accurate --reader mymodel/accurate

      RUMORLENS_MODEL=mymodel rumorlens check article.txt
    """
    from ..errors import UsageError
    from ..model.train import train_model

    if reader is not None and not accurate:
        raise usage(UsageError("RL042", option="--reader", detail="it stacks a reader for the accurate mode; add --accurate"))
    writable_or_exit(out, "--out", directory=True)  # before minutes of training, not after
    outcome = Outcome()
    # Steps reported by training: read, signals (with and without headlines), vectorise (both),
    # index, 4 folds, final fit, dev; the accurate mode's tuning (two steps, unless reused), reading
    # the held fold (with and without headlines), its dev.
    steps = 10 + (1 if dev else 0) + (1 if augment else 0) + ((2 if reader is None else 0) + 2 + (1 if dev else 0) if accurate else 0)
    with progress_bar("training", total=steps, enabled=False if json_out or quiet else None) as advance:

        def step(message: str) -> None:
            advance(1, f"training: {message}")

        with errors_as_exit(EXIT_USAGE):
            options = {"epochs": epochs} if accurate else None
            if reader is not None:
                from ..model.reader import Reader

                options["reader"] = Reader.load(reader)  # a damaged or missing one fails now, before the fit
            judge = train_model(data, out, dev=dev, text_only=text_only, augment=augment, progress=step, on_problem=outcome.problem,
                                accurate=options)
    if json_out:
        print_json(judge.meta)
    else:
        console.print(f"wrote {out} ({judge.version}) in {judge.meta['train_seconds']} s")
        for mode, m in judge.meta.get("dev_metrics", {}).items():
            console.print(f"dev {mode}: macro-F1 {m['macro_f1']:.3f}  accuracy {m['accuracy']:.3f}  ROC AUC {m['roc_auc']:.3f}")
        for mode, m in judge.meta.get("accurate", {}).get("dev_metrics", {}).items():
            console.print(f"dev {mode}, --accurate: macro-F1 {m['macro_f1']:.3f}  accuracy {m['accuracy']:.3f}  ROC AUC {m['roc_auc']:.3f}")
    raise typer.Exit(outcome.exit_code)


@app.command()
def evaluate(
    inputs: list[str] = typer.Argument(None, help="Labelled articles (label fake/real).", show_default=False),
    model: Path = typer.Option(None, "--model", help=MODEL_HELP, envvar="RUMORLENS_MODEL"),
    text_only: bool = typer.Option(False, "--text-only", help="Ignore URL and outlet."),
    prevalence: str = typer.Option(None, "--prevalence", callback=parse_prevalence, metavar="SHARE|auto|train", help=PREVALENCE_AUTO_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print the metrics as one JSON object."),
    report: Path = typer.Option(None, "--report", help="Write an HTML report (confusion matrix, calibration, per-outlet accuracy)."),
    stress: bool = typer.Option(False, "--stress", help="Also rewrite every article against its label (fakes sober, real stories sensational; tone, then sources retold) and report the drop."),
    accurate: bool = typer.Option(False, "--accurate", help=ACCURATE_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Do not print warnings or notes on stderr (the metrics are the same)."),
) -> None:
    """Score a model on labelled articles: macro-F1, per-class F1, ROC AUC, Brier, speed.

    Examples:

      rumorlens evaluate ../shared/data/gossipcop/dev.jsonl

      rumorlens evaluate dev.jsonl --text-only --json

      rumorlens evaluate dev.jsonl --report report.html

      rumorlens evaluate balanced-test.jsonl --text-only --prevalence 0.5

      rumorlens evaluate other-collection.jsonl --text-only --prevalence auto

      rumorlens evaluate balanced-test.jsonl --text-only --prevalence train

      rumorlens evaluate dev.jsonl --text-only --stress

      rumorlens evaluate dev.jsonl --text-only --accurate
    """
    from ..errors import InputError, UsageError
    from ..model.evaluate import evaluate as run_evaluation
    from ..model.labels import with_human_labels
    from ..read import read_articles

    if not inputs:
        raise usage(UsageError("RL040", command="evaluate"))
    judge = load_judge(model, accurate)
    outcome = Outcome(quiet_warnings=quiet, more_warnings_hint="-q hides all warnings")
    # a store's export is scored against its fact-checkers' rulings, never against the model's verdicts
    articles = with_human_labels(read_articles(inputs, on_problem=outcome.problem, on_warning=outcome.warning))
    if not any(a.label for a in articles):
        raise usage(InputError("RL024", where=", ".join(inputs)))
    if report is not None:
        writable_or_exit(report, "--report")  # before judging, not after
    # Scored as `check` would judge them: the same default (the training share unless the
    # articles' own p_fake clearly say otherwise), auto, train or a given share. The labels are
    # never looked at to choose it.
    if prevalence == "auto":
        prevalence = auto_prevalence(judge, [a for a in articles if a.label in ("fake", "real")], text_only, quiet=json_out or quiet)
        result = dataclasses.replace(run_evaluation(judge, articles, text_only=text_only, prevalence=prevalence), prevalence_estimated=True)
    else:
        said = SayAdapted(judge, quiet=json_out or quiet)  # the same notes as check's
        asked = {None: "adapt", "train": None}.get(prevalence, prevalence)
        result = run_evaluation(judge, articles, text_only=text_only, prevalence=asked, on_share=said, stream="-" in inputs)
        prevalence = result.prevalence
        said.done(result.estimated_fake_share, result.estimated_from)
    stressed = restyle_stresses(judge, articles, text_only, prevalence, quiet=json_out) if stress else None
    if report is not None:
        from ..model.report import write_report

        report.parent.mkdir(parents=True, exist_ok=True)
        write_report(report, result, judge, stressed)
    if json_out:
        print_json({**result.as_dict(), **({"stress": stressed} if stressed else {})})
    else:
        print_evaluation(result, report, stressed)
    raise typer.Exit(outcome.exit_code)


def restyle_stresses(judge, articles, text_only: bool, prevalence: float | None, quiet: bool = False) -> dict:
    """The stress tests of model/robustness.py (retouch, rewrite, attribution), with a progress bar, the keys --json documents."""
    from ..model import robustness

    keys = ("macro_f1_restyled", "drop", "f1_fake_restyled", "roc_auc_restyled")
    with progress_bar("stress test", total=len(robustness.STYLES), enabled=False if quiet else None) as advance:
        stresses = robustness.restyle_stresses(judge, articles, text_only, prevalence=prevalence,
                                               progress=lambda how: advance(1, f"stress test: {how}"))
    return {how: {k: m[k] for k in keys} for how, m in stresses.items()}


def print_evaluation(r, report: Path | None, stressed: dict | None = None) -> None:
    from ..model.evaluate import format_metric

    headlines = f"; {r.headlines_only} of them headlines alone" if r.headlines_only else ""
    table = Table(title=f"{r.n} articles ({'text only' if r.text_only else 'with outlet'}{headlines})", show_header=True)
    for col in ("macro-F1", "F1 fake", "F1 real", "accuracy", "ROC AUC", "Brier", "ECE", "articles/s"):
        table.add_column(col, justify="right")
    table.add_row(*(format_metric(x) for x in (r.macro_f1, r.f1_fake, r.f1_real, r.accuracy, r.roc_auc, r.brier, r.ece)), f"{r.articles_per_second:,.0f}")
    console.print(table)
    if r.one_class:
        console.print("only one class is labelled here, so ROC AUC and balanced macro-F1 are undefined (—)")
    console.print(f"balanced macro-F1 (fakes and reals weighted equally): {format_metric(r.balanced_macro_f1)}")
    console.print(f"share of fakes: {r.fake_share:.0%} by the labels, {r.estimated_fake_share:.0%} by the model's p_fake")
    if r.prevalence is not None:
        console.print(f"model re-based to {r.prevalence:.0%} fakes: cut at p_fake {r.threshold:.2f} "
                      f"(macro-F1 at the training share's cut: {format_metric(r.macro_f1_training_share)})")
    cm = Table(title="confusion matrix", show_header=True)
    cm.add_column("true \\ predicted")
    cm.add_column("fake", justify="right")
    cm.add_column("real", justify="right")
    cm.add_row("fake", str(r.confusion[0][0]), str(r.confusion[0][1]))
    cm.add_row("real", str(r.confusion[1][0]), str(r.confusion[1][1]))
    console.print(cm)
    for how, m in (stressed or {}).items():
        console.print(f"stress test ({how}, written against each label): macro-F1 {format_metric(m['macro_f1_restyled'])}, "
                      f"drop {m['drop']:+.3f}, ROC AUC {format_metric(m['roc_auc_restyled'])}")
    if report is not None:
        console.print(f"report written to {report}")


def writable_or_exit(path: Path, option: str, directory: bool = False) -> None:
    """Fail with RL042 (exit 2) up front if ``path`` cannot be written, instead of a traceback
    after the work is done."""
    from ..errors import UsageError

    folder = path if directory else path.parent
    created = [p for p in (folder, *folder.parents) if not p.exists()]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / f".rumorlens-write-test-{os.getpid()}"
        probe.touch()
        probe.unlink()
        for p in created:  # leave no empty folders behind if the command fails later
            p.rmdir()
    except OSError as err:
        raise usage(UsageError("RL042", option=option, detail=f"cannot write {path} ({err.strerror or err})")) from None
