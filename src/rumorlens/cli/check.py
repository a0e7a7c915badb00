"""``rumorlens check``: verdicts with reasons for any articles."""

from __future__ import annotations

from pathlib import Path

import typer

from .app import app
from .common import EXIT_USAGE, Outcome, errors_as_exit, print_json, stdout_is_terminal, track, usage
from .render import print_explained, print_verdict

MODEL_HELP = "Model directory (default: $RUMORLENS_MODEL or the shipped model)."
PREVALENCE_HELP = (
    "Expected share of fakes among these articles, 0.01-0.99 (default: the training data's, about "
    "0.21). p_fake and the fake/real cut are re-based to it, e.g. 0.5 for a queue of flagged stories."
)


def load_judge(model: Path | None):
    from ..model.judge import Judge

    with errors_as_exit(EXIT_USAGE):
        return Judge.load(model)


def open_memory(db: str | None):
    """A store to remember outlets and known debunks, if one is asked for."""
    if db is None:
        return None
    from ..store import open_store

    with errors_as_exit(EXIT_USAGE):
        return open_store(db)


@app.command()
def check(
    inputs: list[str] = typer.Argument(None, help="Files, folders, http(s) URLs, or - for stdin.", show_default=False),
    json_out: bool = typer.Option(False, "--json", help="One JSON verdict per line on stdout."),
    explain: bool = typer.Option(False, "--explain", help="Show the article with signal spans highlighted."),
    text_only: bool = typer.Option(False, "--text-only", help="Ignore URL and outlet: the text alone decides."),
    prevalence: float = typer.Option(None, "--prevalence", min=0.01, max=0.99, help=PREVALENCE_HELP),
    model: Path = typer.Option(None, "--model", help=MODEL_HELP, envvar="RUMORLENS_MODEL"),
    db: str = typer.Option(None, "--db", help="A rumorlens store to use for outlet records and known debunks."),
    no_text: bool = typer.Option(False, "--no-text", help="With --json: leave the article text out of each verdict."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Do not print warnings."),
) -> None:
    """Judge articles: fake or real, p_fake, a 0-10 truth rating, and the reasons why.

    Reads plain text (optional URL line, title, body), HTML, .json/.jsonl/.csv feeds,
    folders (recursively), URLs and - for stdin. Bad records are reported on stderr as one
    line each and the rest are still judged (exit 1 if any failed, 2 for usage errors).

    Examples:

      rumorlens check article.txt

      rumorlens check --explain story.html

      rumorlens check feed.jsonl --json > verdicts.jsonl

      curl -s https://example.com/story | rumorlens check - --text-only

      rumorlens check flagged-queue.jsonl --prevalence 0.5 --json
    """
    if not inputs:
        from ..errors import UsageError

        raise usage(UsageError("RL040", command="check"))
    judge = load_judge(model)
    memory = open_memory(db)
    outcome = Outcome(quiet_warnings=quiet)
    from ..read import read_articles

    articles = read_articles(inputs, on_problem=outcome.problem, on_warning=outcome.warning)
    verdicts = judge.judge_many(articles, text_only=text_only, memory=memory, prevalence=prevalence)
    for verdict in track(verdicts, "Checking", enabled=None if json_out and not stdout_is_terminal() else False):
        if json_out:
            print_json(verdict.as_dict(include_text=not no_text))
        elif explain:
            print_explained(verdict)
        else:
            print_verdict(verdict)
    raise typer.Exit(outcome.exit_code)
