"""``rumorlens batch``: judge millions of articles locally, on every core, on Spark or on Ray."""

from __future__ import annotations

from pathlib import Path

import typer

from .app import app
from .check import PREVALENCE_HELP, parse_prevalence
from .common import (
    EXIT_OK,
    EXIT_SOME_FAILED,
    FETCH_STORIES_HELP,
    console,
    errors_as_exit,
    print_json,
    progress_enabled,
    usage,
)

MODEL_HELP = "Model directory (default: $RUMORLENS_MODEL or the shipped model); must be readable by every worker."


@app.command()
def batch(
    inputs: list[str] = typer.Argument(None, help="JSONL/CSV/TSV/Parquet files or folders (also gzipped feeds, .txt/.html/.json, URLs, -).", show_default=False),
    out: Path = typer.Option(..., "--out", "-o", help="Output directory: part files, errors.jsonl, _manifest.json, _SUCCESS."),
    engine: str = typer.Option("local", "--engine", help="local (this process), processes (every core of this machine), spark or ray."),
    workers: int = typer.Option(None, "--workers", help="With --engine processes: worker processes (default: one per core)."),
    partitions: int = typer.Option(None, "--partitions", help="Split the input into N partitions (counts the rows first)."),
    rows_per_partition: int = typer.Option(None, "--rows-per-partition", help="Rows per partition (default 5000) instead of --partitions."),
    fmt: str = typer.Option("jsonl", "--format", help="jsonl or parquet."),
    no_signals: bool = typer.Option(False, "--no-signals", help="Skip explanations (faster, smaller): no signals field, empty reasons; p_fake and label unchanged."),
    text_only: bool = typer.Option(False, "--text-only", help="Ignore URL and outlet: the text alone decides."),
    prevalence: str = typer.Option(None, "--prevalence", callback=parse_prevalence, metavar="SHARE", help=PREVALENCE_HELP + " Batch never estimates it: every partition is judged alike."),
    accurate: bool = typer.Option(False, "--accurate", help="Stack the model's fine-tuned MiniLM reader on the fast scorers, as "
                                  "`check --accurate`: about 40 times slower; every worker needs the accurate extra (torch)."),
    fetch_stories: bool = typer.Option(False, "--fetch-stories", help=FETCH_STORIES_HELP),
    model: Path = typer.Option(None, "--model", help=MODEL_HELP, envvar="RUMORLENS_MODEL"),
    master: str = typer.Option(None, "--master", help="Spark master URL (default local[*]) or Ray address (default: start a local Ray)."),
    json_out: bool = typer.Option(False, "--json", help="Print the run's manifest as JSON."),
) -> None:
    """Judge a large feed into a directory of verdict files, one row per article.

    Rows carry the same fields as `check --json`. Bad records are counted and listed in
    OUT/errors.jsonl and never stop the run (exit 1 if there were any). Re-running with the same
    --out skips the partitions already finished, so a crashed run resumes where it stopped.
    Workers never write to a store: load the results with `rumorlens ingest`.

    Examples:

      rumorlens batch feed.jsonl --out verdicts/

      rumorlens batch feed.jsonl --out verdicts/ --engine processes

      rumorlens batch feeds/ --out verdicts/ --engine spark --partitions 64 --format parquet

      rumorlens batch day.parquet --out v/ --engine spark --master spark://head:7077 --model /shared/model

      rumorlens batch feed.jsonl --out v/ --engine ray --no-signals --json

      rumorlens batch flagged.jsonl --out v/ --accurate

      rumorlens batch feeds/*.rss --out v/ --fetch-stories   # teaser-only items judged on their stories
    """
    from ..errors import UsageError

    if not inputs:
        raise usage(UsageError("RL040", command="batch"))
    if prevalence == "auto":  # partitions are judged as they stream: there is no "all of them" to estimate from first
        raise usage(UsageError("RL042", option="--prevalence", detail="batch needs the share as a number; estimate it on a sample "
                                                                     "with `rumorlens check SAMPLE --prevalence auto`"))
    if workers is not None and engine != "processes":
        raise usage(UsageError("RL042", option="--workers", detail=f"only --engine processes takes it (got --engine {engine}); "
                                                                  "Spark and Ray take their cores from --master"))
    if prevalence == "train":  # batch's default already: partitions never re-base on their own
        prevalence = None
    from ..batch import run_batch
    from .common import progress_bar

    show = progress_enabled(None if not json_out else False)
    with progress_bar(f"Judging ({engine})", enabled=show) as advance, errors_as_exit():
        manifest = run_batch(
            inputs, out, engine=engine, partitions=partitions, rows_per_partition=rows_per_partition, fmt=fmt,
            signals=not no_signals, text_only=text_only, prevalence=prevalence, accurate=accurate, fetch_stories=fetch_stories,
            model_dir=model, master=master,
            progress=advance, workers=workers,
        )
    if json_out:
        print_json(manifest)
    else:
        rate = manifest["verdicts"] / manifest["elapsed_s"] if manifest["elapsed_s"] else 0.0
        console.print(
            f"Judged {manifest['verdicts']} articles ({manifest['fake']} fake, {manifest['real']} real) "
            f"into {out} in {manifest['elapsed_s']:.1f} s ({rate:.0f}/s, engine {engine}).",
            markup=False,
        )
        if manifest["partitions_skipped"]:
            console.print(f"Skipped {manifest['partitions_skipped']} of {manifest['partitions']} partitions finished by an earlier run.", markup=False)
        if manifest["errors"]:
            console.print(f"{manifest['errors']} bad records: see {out / 'errors.jsonl'}", markup=False)
    raise typer.Exit(EXIT_SOME_FAILED if manifest["errors"] else EXIT_OK)
