"""``rumorlens check``: verdicts with reasons for any articles."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from .app import app
from .common import EXIT_USAGE, FETCH_STORIES_HELP, Outcome, console, err_console, errors_as_exit, print_json, stdout_is_terminal, track, usage
from .render import print_explained, print_verdict

MODEL_HELP = "Model directory (default: $RUMORLENS_MODEL or the shipped model)."
ACCURATE_HELP = (
    "Also read each article with the model's fine-tuned MiniLM and stack its verdict on the fast "
    "scorers: more accurate, about 50 times slower (pip install 'rumorlens[accurate]')."
)
SHARE_HELP = (
    "Expected share of fakes among these articles, 0.01-0.99; p_fake and the fake/real cut are re-based to it "
    "(e.g. 0.5 for a queue of flagged stories)."
)
PREVALENCE_HELP = SHARE_HELP + " Default: the training data's share, about 0.21."
PREVALENCE_AUTO_HELP = SHARE_HELP + (
    " 'auto' estimates it from the articles' own p_fake first (50 or more articles; all are read before the first "
    "verdict); 'train' keeps the training data's (about 0.21). Default: the training share, unless a run of "
    "200-5,000 articles from files clearly says otherwise (8 points or more away): then its estimated share, said on "
    "stderr (standard input streams at the training share)."
)


def parse_prevalence(value: str | None) -> float | str | None:
    """``--prevalence``: a share of fakes, ``auto`` or ``train``."""
    if value is None:
        return None
    if value.strip().lower() in ("auto", "train"):
        return value.strip().lower()
    try:
        share = float(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is neither a share of fakes (0.01-0.99) nor auto or train") from None
    if not 0.01 <= share <= 0.99:
        raise typer.BadParameter(f"{share:g} is not in 0.01-0.99 (a share of fakes: 0.5 means half)")
    return share


def auto_prevalence(judge, articles: list, text_only: bool, quiet: bool) -> float:
    """``--prevalence auto`` for a command: the estimate, said on stderr, or a usage error."""
    from ..errors import UsageError

    try:
        share = judge.auto_prevalence(articles, text_only=text_only)
    except ValueError as exc:
        raise usage(UsageError("RL042", option="--prevalence", detail=str(exc))) from None
    if not quiet:
        from ..model.judge import auto_evidence

        read = len(auto_evidence(articles))
        basis = f"{len(articles)} articles" if read == len(articles) else \
            f"{read} stories ({len(articles) - read} headlines alone left out: they lean off the share by themselves)"
        err_console.print(f"estimated share of fakes: {share:.0%} of {basis} (the model was trained on "
                          f"{judge.model.outlets_.base_rate_:.1%}); p_fake and the cut re-based to it", markup=False)
    return share


class SayAdapted:
    """``on_share`` for ``Judge.judge_adapting``: tells stderr when a run was re-based, and after
    a streamed run (``done``) whether its p_fake said it was far from the training share."""

    def __init__(self, judge, quiet: bool) -> None:
        self.judge, self.quiet, self.streamed, self.p_fakes = judge, quiet, False, []

    def __call__(self, share: float | None, n: int | None) -> None:
        self.streamed = n is None
        if share is not None and not self.quiet:
            err_console.print(f"note: these {n:,} articles look like about {share:.0%} fakes, not the "
                              f"{self.base:.1%} the model was trained on; p_fake and the fake/real cut are "
                              "re-based to that (--prevalence train keeps the training share)", markup=False)

    @property
    def base(self) -> float:
        return self.judge.model.outlets_.base_rate_

    def seen(self, verdict) -> None:
        if self.streamed and not verdict.headline_only:  # stories only: model.judge.share_evidence says why
            self.p_fakes.append(verdict.p_fake)

    def done(self, share: float | None = None, n: int | None = None) -> None:
        """After a streamed run: a note if the share of fakes its p_fake suggest (``share`` over
        ``n`` articles, else estimated from those ``seen``) is clearly not the training share."""
        from ..model.judge import ADAPT_MAX_ARTICLES

        if not self.streamed or self.quiet:
            return
        if share is None:
            share, n = self.judge.model.estimate_prevalence(self.p_fakes), len(self.p_fakes)
        if self.judge.clearly_shifted(share, n):
            err_console.print(f"note: these {n:,} articles look like about {share:.0%} fakes, not the "
                              f"{self.base:.1%} the model was trained on; standard input and runs of more than "
                              f"{ADAPT_MAX_ARTICLES:,} are judged at the training share as they stream: --prevalence auto "
                              "(or the share) re-bases them", markup=False)


def load_judge(model: Path | None, accurate: bool = False):
    from ..model.judge import Judge

    with errors_as_exit(EXIT_USAGE):
        judge = Judge.load(model)
        return judge.accurate() if accurate else judge


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
    prevalence: str = typer.Option(None, "--prevalence", callback=parse_prevalence, metavar="SHARE|auto|train", help=PREVALENCE_AUTO_HELP),
    accurate: bool = typer.Option(False, "--accurate", help=ACCURATE_HELP),
    model: Path = typer.Option(None, "--model", help=MODEL_HELP, envvar="RUMORLENS_MODEL"),
    db: str = typer.Option(None, "--db", help="A rumorlens store to use for outlet records and known debunks."),
    no_text: bool = typer.Option(False, "--no-text", help="With --json: leave the article text out of each verdict."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Do not print warnings."),
    fetch_stories: bool = typer.Option(False, "--fetch-stories", help=FETCH_STORIES_HELP),
) -> None:
    """Judge articles: fake or real, p_fake, a 0-10 truth rating, and the reasons why.

    Reads plain text (optional URL line, title, body), HTML, .json/.jsonl/.csv/.tsv feeds
    (gzipped too: .jsonl.gz), .parquet, RSS/Atom feeds (each item), folders (recursively), URLs
    (or a file listing them) and - for stdin; a feed of headlines alone is judged on them
    (RW005). Bad records are reported on stderr as one line each and the rest are still judged
    (exit 1 if any failed, 2 for usage errors).

    Examples:

      rumorlens check article.txt

      rumorlens check --explain story.html

      rumorlens check feed.jsonl --json > verdicts.jsonl

      rumorlens check gossipcop_fake.csv --json -q

      curl -s https://example.com/story | rumorlens check - --text-only

      rumorlens check links.txt          # one URL per line: each page fetched and judged

      rumorlens check https://www.example.com/celebrity/feed/   # every item of a site's RSS feed

      rumorlens check saved-feed.rss --fetch-stories   # each teaser-only item judged on its story

      rumorlens check flagged-queue.jsonl --prevalence 0.5 --json

      rumorlens check other-collection.jsonl --prevalence auto --json

      rumorlens check feed.jsonl --prevalence train --json

      rumorlens check --accurate story.txt
    """
    if not inputs:
        from ..errors import UsageError

        raise usage(UsageError("RL040", command="check"))
    judge = load_judge(model, accurate)
    memory = open_memory(db)
    outcome = Outcome(quiet_warnings=quiet, more_warnings_hint="each verdict lists its own under 'warnings' (--json), and -q hides all warnings")
    from ..read import read_articles

    articles = read_articles(inputs, on_problem=outcome.problem, on_warning=outcome.warning, fetch_stories=fetch_stories)
    if prevalence == "auto":
        articles = list(articles)  # read once, scored twice: to estimate the share, then to judge
        prevalence = auto_prevalence(judge, articles, text_only, quiet)
    said = SayAdapted(judge, quiet)
    live = "-" in inputs  # standard input may be a live feed: each verdict out as its record comes in
    if prevalence is None:  # the training share unless the run clearly says otherwise
        verdicts = judge.judge_adapting(articles, text_only=text_only, memory=memory, on_share=said, stream=live)
    else:
        verdicts = judge.judge_many(articles, text_only=text_only, memory=memory, prevalence=None if prevalence == "train" else prevalence,
                                    live=live)
    tally = {"fake": 0, "real": 0}
    for verdict in track(verdicts, "Checking", enabled=None if json_out and not stdout_is_terminal() else False):
        said.seen(verdict)
        tally[verdict.label] = tally.get(verdict.label, 0) + 1
        if json_out:
            print_json(verdict.as_dict(include_text=not no_text))
            if live:
                sys.stdout.flush()
        elif explain:
            print_explained(verdict)
        else:
            print_verdict(verdict)
    said.done()
    if not json_out and (sum(tally.values()) > 1 or outcome.failed):
        console.print(summary_line(tally, outcome.failed), markup=False)
    raise typer.Exit(outcome.exit_code)


def summary_line(tally: dict[str, int], failed: int) -> str:
    """The last line of a terminal run over many articles: what a reader scrolls back for."""
    n = sum(tally.values())
    line = f"{n} article{'s' if n != 1 else ''} checked: {tally['fake']} likely fake, {tally['real']} likely real"
    if failed:
        line += f"; {failed} could not be read (named above on stderr)"
    return line
