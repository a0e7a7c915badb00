"""Corpus commands: ingest, stats, articles, rule, delete, stories, outlets, export, import-claims, export-claims."""

from __future__ import annotations

import csv
import json
import shlex
import sys
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.table import Table

from .app import app
from .common import (
    EXIT_USAGE,
    FETCH_STORIES_HELP,
    Outcome,
    console,
    err_console,
    errors_as_exit,
    print_json,
    progress_bar,
    progress_enabled,
    usage,
)

DB_HELP = "Store: a file path, sqlite:///PATH or postgresql://USER:PASS@HOST/DB (default: $RUMORLENS_DB or ./rumorlens.db)."
MODEL_HELP = "Model directory (default: $RUMORLENS_MODEL or the shipped model)."


def _open(db: str | None):
    from ..store import open_store

    with errors_as_exit(EXIT_USAGE):
        return open_store(db)


@contextmanager
def _store_errors():
    """Database trouble mid-command (locked, server gone) is one line and exit 2, like at open."""
    with errors_as_exit(EXIT_USAGE):
        yield


def _grouped(store, storylines: bool = True) -> None:
    """Draw the store's near-duplicates (and storylines) now if articles came or went since they
    were drawn, saying so on a terminal: the first read after an ingest waits for them (5 s on
    train + dev, 13 s for a store's first grouping), and a silent wait looks like a hang."""
    with _store_errors():
        if not (progress_enabled() and store.views_stale(storylines)):
            return  # drawn already, or not a terminal (the read draws them as before)
        what = "near-duplicates and storylines" if storylines else "near-duplicates"
        with err_console.status(f"Grouping {what} of {store.count():,} stored articles (once after articles come or go)…"):
            store.refresh(storylines=storylines)


def _ingest(inputs, db, model, text_only, json_out, batch_size, read, command: str, accurate: bool = False,
            quiet: bool = False) -> None:
    from ..errors import UsageError
    from ..model.judge import Judge
    from ..store import ingest

    if not inputs:
        raise usage(UsageError("RL040", command=command))
    store = _open(db)
    with errors_as_exit(EXIT_USAGE):
        judge = Judge.load(model)
        if accurate:
            judge = judge.accurate()
    outcome = Outcome(quiet_warnings=quiet, more_warnings_hint="each stored article keeps its own (rumorlens articles ID), and -q hides all warnings")
    show = progress_enabled(None if not (json_out or quiet) else False)

    def on_batch(report, n):
        advance(n)
        if not (show or quiet):  # printed only after the commit, so "stored N" is never a promise
            err_console.print(f"stored {report.stored} (skipped {report.skipped_duplicates} duplicates)", markup=False)

    with progress_bar(f"Ingesting into {store.display_url}", enabled=show) as advance, _store_errors():
        report = ingest(store, read(outcome), judge=judge, text_only=text_only, batch_size=batch_size, on_batch=on_batch,
                        live="-" in inputs)  # a feed on standard input is stored as it comes
    report.failed = outcome.failed
    if json_out:
        print_json(report.as_dict() | {"db": store.display_url})
    else:
        console.print(f"stored {report.stored}, skipped {report.skipped_duplicates} duplicates, failed {report.failed} "
                      f"-> {store.display_url}", markup=False)
    raise typer.Exit(outcome.exit_code)


@app.command()
def ingest(
    inputs: list[str] = typer.Argument(None, help="Files, folders, http(s) URLs, or - for stdin.", show_default=False),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    text_only: bool = typer.Option(False, "--text-only", help="Judge on the text alone, ignoring URL and outlet."),
    model: Path = typer.Option(None, "--model", help=MODEL_HELP, envvar="RUMORLENS_MODEL"),
    batch_size: int = typer.Option(500, "--batch-size", min=1, help="Articles per committed transaction."),
    accurate: bool = typer.Option(False, "--accurate", help="Judge with the fine-tuned reader stacked on, as `check --accurate` "
                                  "(about 40 times slower; pip install 'rumorlens[accurate]')."),
    fetch_stories: bool = typer.Option(False, "--fetch-stories", help=FETCH_STORIES_HELP),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors and the summary: no warnings, no progress."),
) -> None:
    """Judge articles and store them with their verdicts and signals.

    Reads everything `check` reads. Records with a label keep it as a known verdict beside the
    model's. Re-ingesting adds nothing (same id, or same normalised content when there is no
    id). Work is committed every --batch-size articles: if ingest is killed, everything it
    reported as stored is kept and a re-run finishes the rest. Exit 1 if some records failed.

    Examples:

      rumorlens ingest ../shared/data/gossipcop/train.jsonl

      rumorlens ingest seeds/ feed.jsonl --db postgresql://me@localhost/rumorlens --json

      RUMORLENS_DB=corpus.db rumorlens ingest https://example.com/story

      rumorlens ingest flagged.jsonl --accurate

      rumorlens ingest https://www.example.com/celebrity/feed/ --fetch-stories

      rumorlens ingest headlines.jsonl -q --json     # a cron job: errors and the summary only
    """
    from ..read import read_articles

    def read(outcome):
        return read_articles(inputs, on_problem=outcome.problem, on_warning=outcome.warning, fetch_stories=fetch_stories)

    _ingest(inputs, db, model, text_only, json_out, batch_size, read, "ingest", accurate, quiet)


@app.command()
def stats(
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print the counts as JSON."),
) -> None:
    """Count what the store holds: articles, outlets, storylines, labelled, ruled on and judged.

    Examples:

      rumorlens stats

      rumorlens stats --db postgresql://me@localhost/rumorlens --json
    """
    store = _open(db)
    _grouped(store)  # the counts of storylines and near-duplicates
    with _store_errors():
        counts = store.stats()
    if json_out:
        print_json(counts)
        return
    for key, value in counts.items():
        console.print(f"{key:>15}  {value}", markup=False)


def _table(columns: list[tuple[str, int]], text_column: str, title: str | None = None) -> Table:
    """Short columns never wrap; the free-text column is cut with an ellipsis to fit."""
    table = Table(title=title)
    for name, width in columns:
        table.add_column(name, no_wrap=True, min_width=width)
    # Rich squeezes no_wrap columns to nothing when the row is too wide, so size the text column
    # to what is left of the console instead.
    left = console.width - sum(w for _, w in columns) - 3 * len(columns) - 4
    table.add_column(text_column, overflow="ellipsis", no_wrap=True, max_width=max(20, min(90, left)))
    return table


def _check_label_filter(label: str | None) -> None:
    """``--label`` of the listings (`articles`, `export`): fake or real, else a usage error."""
    from ..errors import UsageError

    if label is not None and label not in ("fake", "real"):
        raise usage(UsageError("RL042", option="--label", detail=f"'{label}'; use fake or real"))


def _fmt_rate(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


@app.command()
def articles(
    article_id: str = typer.Argument(None, help="Show this stored article: its verdict, reasons, storyline and near-duplicates."),
    search: str = typer.Option(None, "--search", "-s", help="Only articles with these words in the title or text (any case, accents ignored: 'beyonce' finds Beyoncé)."),
    outlet: str = typer.Option(None, "--outlet", help="Only articles from this outlet, e.g. people.com."),
    label: str = typer.Option(None, "--label", help="Only articles whose final label (a ruling, else known, else judged) is fake or real."),
    limit: int = typer.Option(50, "--limit", min=1, max=100_000, help="Show at most this many, newest first."),
    offset: int = typer.Option(0, "--offset", min=0, help="Skip this many first."),
    after: str = typer.Option(None, "--after", help="Start right after this article id (the next page: the last id shown). Unlike --offset, pages stay put while articles are added."),
    ruled: bool = typer.Option(None, "--ruled/--unruled", help="Only articles a fact-checker has ruled on (`rumorlens rule`), or only those nobody has.", show_default=False),
    sort: str = typer.Option("newest", "--sort", help="newest (first) or p_fake (most likely fake first; pages by --offset). `--unruled --sort p_fake` is a fact-checker's queue."),
    explain: bool = typer.Option(False, "--explain", help="With an id: also print the text with each signal's words highlighted."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="JSON: one article per line, or the one asked for (as GET /v1/articles/{id})."),
) -> None:
    """Search the stored articles, or show one with the verdict it was given.

    Examples:

      rumorlens articles --search pregnant --label fake

      rumorlens articles --outlet hollywoodlife.com --limit 20 --after gossipcop-1000240645

      rumorlens articles gossipcop-1000240645 --explain

      rumorlens articles --search "lamar odom" --json | jq -r .id

      rumorlens articles --unruled --sort p_fake --limit 20
    """
    from ..errors import UsageError
    from ..store.records import article_record, summary_row, verdict_from_stored
    from ..store.store import SORTS

    _check_label_filter(label)
    if after is not None and (offset or article_id):
        raise usage(UsageError("RL042", option="--after", detail="it pages through a listing; give it without an id or --offset"))
    if sort not in SORTS:
        raise usage(UsageError("RL042", option="--sort", detail=f"'{sort}'; use {' or '.join(SORTS)}"))
    if after is not None and sort != "newest":
        raise usage(UsageError("RL042", option="--after", detail="it pages newest first; page a list sorted by p_fake with --offset"))
    store = _open(db)
    if article_id:
        with errors_as_exit(EXIT_USAGE):
            stored = store.article(article_id)
        _grouped(store)  # its storyline and near-duplicates
        with errors_as_exit(EXIT_USAGE):
            record = article_record(store, article_id, stored)
        if json_out:
            print_json(record)
            return
        _print_stored(record, verdict_from_stored(stored), explain)
        return
    with _store_errors():  # and --after an id the store does not hold (RL035)
        rows = store.search(search, outlet, label, limit, offset, after=after, ruled=ruled, sort=sort)
        if after is not None:  # where the page starts, for "21-40 of 332"
            offset = store.count(search, outlet, label, through=after, ruled=ruled)
        total = store.count(search, outlet, label, ruled=ruled)
    if json_out:
        for r in rows:
            print_json(summary_row(r))
        return
    shown = f"{offset + 1}-{offset + len(rows)} of {total}" if rows else f"none of {total} on this page" if total else "no"
    table = _table([("id", 22), ("date", 10), ("outlet", 18), ("p_fake", 6), ("label", 13)], "title",
                   title=f"{shown} stored articles" + (" matching" if search or outlet or label or ruled is not None else "")
                   + (", newest first" if sort == "newest" else ", most likely fake first"))
    for r in rows:
        final = r.get("final_label") or "?"
        table.add_row(r["id"], (r.get("published") or "?")[:10], r.get("outlet") or "",
                      "-" if r.get("p_fake") is None else f"{r['p_fake']:.2f}",
                      f"{final} ({r.get('label_source') or 'model'})", r.get("title") or "")
    console.print(table)
    if offset + len(rows) < total:
        following = f"--after {rows[-1]['id']}" if sort == "newest" else f"--offset {offset + len(rows)}"
        console.print(f"next page: {following}", markup=False, style="dim")


def _print_stored(record: dict, verdict, explain: bool) -> None:
    from .render import print_explained, print_verdict

    if verdict is None:
        console.print(f"{record['title'] or record['id']} ({record['id']}): stored, never judged", markup=False)
    elif explain:
        print_explained(verdict)
    else:
        print_verdict(verdict)
    for r in record.get("rulings") or []:
        by = f" by {r['reviewer']}" if r.get("reviewer") else ""
        note = f": {r['note']}" if r.get("note") else ""
        console.print(f"ruled {r['label']}{by} on {r['created_at'][:10]}{note}", markup=False)
    if record.get("rulings"):
        console.print(f"final label: {record['final_label']} (the latest ruling)", markup=False)
    if record.get("storyline"):
        s = record["storyline"]
        console.print(f"storyline: {s['title']}  ({s['id']}, {s['n']} stories; rumorlens stories {s['id']})", markup=False)
    for d in record.get("near_duplicates") or []:
        console.print(f"near-duplicate: {d['id']} ({d.get('outlet') or '?'}, similarity {d['similarity']:.2f}) {d.get('title') or ''}", markup=False)


@app.command()
def rule(
    article_id: str = typer.Argument(..., help="The stored article to rule on (its id, as `rumorlens articles` lists it)."),
    label: str = typer.Argument(..., help="Your ruling: fake or real.", show_default=False),
    note: str = typer.Option("", "--note", "-n", help="Why, in a sentence: what you checked and found (at most 2,000 characters)."),
    by: str = typer.Option(None, "--by", help="Who ruled (a name or a desk), kept with the ruling.", envvar="RUMORLENS_REVIEWER"),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print the ruling and the article's final label as JSON."),
) -> None:
    """Record a fact-checker's ruling on a stored article: it was fake, or it was real.

    The ruling is the article's final label from then on, above the label its record carried
    and the model's verdict: in listings, the outlet scorecard, storylines, exports, and in the
    debunk matches of later articles on the same claim ("Matches a story ruled fake by a
    fact-checker"). Rule again to change the call; earlier rulings stay as the article's
    history (`rumorlens articles ID`).

    Examples:

      rumorlens rule gossipcop-1000240645 fake --note "Her rep told us the story is untrue" --by "Jane D."

      rumorlens rule gossipcop-1000240645 real --note "Confirmed by the couple on Instagram" --json
    """
    from ..errors import UsageError
    from ..store.store import MAX_NOTE_CHARS, MAX_REVIEWER_CHARS

    if label.strip().lower() not in ("fake", "real"):
        raise usage(UsageError("RL042", option="LABEL", detail=f"'{label}'; use fake or real"))
    for option, value, most in (("--note", note.strip(), MAX_NOTE_CHARS), ("--by", (by or "").strip(), MAX_REVIEWER_CHARS)):
        if len(value) > most:
            raise usage(UsageError("RL042", option=option, detail=f"{len(value):,} characters; keep it to {most:,}"))
    store = _open(db)
    with errors_as_exit(EXIT_USAGE):  # an unknown id (RL035), the database
        ruling = store.rule(article_id, label, note, by)
    if json_out:
        print_json({"ok": True, "id": article_id, "ruling": ruling, "final_label": ruling["label"], "db": store.display_url})
        return
    console.print(f"ruled {article_id} {ruling['label']}" + (f" by {ruling['reviewer']}" if ruling["reviewer"] else "")
                  + f" -> {store.display_url}", markup=False)


@app.command()
def delete(
    article_ids: list[str] = typer.Argument(..., help="The stored articles to remove (ids, as `rumorlens articles` lists them).", show_default=False),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask first (needed when not run at a terminal)."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print what was deleted and what was not there as JSON."),
) -> None:
    """Remove stored articles with their verdicts, signals and rulings.

    For a takedown request, or a feed ingested by mistake. Storylines and near-duplicates are
    drawn again the next time they are shown. An id the store does not hold is named on stderr
    (RL035) and the others are still deleted; exit 1 then.

    Examples:

      rumorlens delete gossipcop-1000240645

      rumorlens articles --outlet spam.example --json | jq -r .id | xargs rumorlens delete --yes
    """
    from ..errors import NotFound, UsageError

    store = _open(db)
    if not yes:
        if not sys.stdin.isatty():
            raise usage(UsageError("RL042", option="--yes", detail="deleting asks first; give --yes when not at a terminal"))
        if not typer.confirm(f"Delete {len(article_ids)} article(s) and all that is stored about them from {store.display_url}?"):
            raise typer.Exit(EXIT_USAGE)
    with _store_errors():
        deleted = store.delete(article_ids)
    missing = [i for i in dict.fromkeys(article_ids) if i not in set(deleted)]
    for article_id in missing:
        err_console.print(f"error: {NotFound('RL035', what='article', id=article_id, command='articles')}", markup=False)
    if json_out:
        print_json({"ok": not missing, "deleted": deleted, "missing": missing, "db": store.display_url})
    else:
        console.print(f"deleted {len(deleted)} article(s)" + (f", {len(missing)} not found" if missing else "") + f" -> {store.display_url}", markup=False)
    raise typer.Exit(1 if missing else 0)


@app.command()
def stories(
    storyline_id: str = typer.Argument(None, help="Show this storyline (id or unique prefix) with its timeline."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="JSON: one storyline per line, or the one asked for."),
    min_size: int = typer.Option(2, "--min-size", min=2, help="Only storylines with at least this many distinct stories."),
    limit: int = typer.Option(50, "--limit", min=0, help="Show at most this many storylines (0: all)."),
    search: str = typer.Option(None, "--search", "-s", help="Only storylines whose title or one of whose stories' headlines holds these words (any case, accents ignored)."),
) -> None:
    """List storylines: the same rumour about the same people, across outlets and years.

    The first run after an ingest regroups the corpus (about 5 s for 15k articles; a terminal
    shows a spinner while it does).

    Examples:

      rumorlens stories

      rumorlens stories --min-size 5 --json

      rumorlens stories s5faf25e06ad

      rumorlens stories --search "khloe kardashian"
    """
    if storyline_id and search:
        from ..errors import UsageError

        raise usage(UsageError("RL042", option="--search", detail="it searches the list of storylines; give it without an id"))
    store = _open(db)
    _grouped(store)
    if storyline_id:
        with errors_as_exit(EXIT_USAGE):
            story = store.storyline(storyline_id)
        with _store_errors():
            related, related_total = store.related_storylines(story)
        if json_out:
            print_json({**story.as_dict(), "related": related, "related_total": related_total})
            return
        console.print(f"[bold]{story.title}[/]  ({story.id})")
        console.print(f"{story.n} stories, {_fmt_rate(story.share_fake)} fake, {story.first_seen or '?'} .. {story.last_seen or '?'}", markup=False)
        console.print("people: " + ", ".join(story.people), markup=False)
        console.print("outlets: " + ", ".join(story.outlets), markup=False)
        table = _table([("date", 10), ("label", 12), ("p_fake", 6), ("outlet", 18)], "title")
        for e in story.timeline:
            table.add_row((e["date"] or "?")[:10], f"{e['label'] or '?'} ({e.get('label_source') or '-'})",
                          "-" if e["p_fake"] is None else f"{e['p_fake']:.2f}", e["outlet"] or "", e["title"])
        console.print(table)
        if related:
            from ..corpus.storylines import title_people

            _print_storylines(f"also about them: {related_total} storyline{'' if related_total == 1 else 's'}",
                              related, related_total, title_people(story.title)[0])
        return
    with _store_errors():
        shown = store.storylines(min_size=min_size, limit=limit or None, q=search)
        total = store.count_storylines(min_size, q=search) if limit else len(shown)
    if json_out:
        for s in shown:
            print_json(s.as_dict())
        return
    table = _table([("id", 12), ("n", 3), ("fake", 4), ("first", 10), ("last", 10)], "title",
                   title=f"{total} storylines" + (f" matching {search!r}" if search else ""))
    for s in shown:
        table.add_row(s.id, str(s.n), _fmt_rate(s.share_fake), (s.first_seen or "?")[:10], (s.last_seen or "?")[:10], s.title)
    console.print(table)


@app.command()
def outlets(
    name: str = typer.Argument(None, help="Show this outlet (people.com; any case, www. and a link to it work too): by year, whom its stories were about, storylines, stories."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="JSON: one outlet per line, ranked first; or the one asked for."),
    min_n: int = typer.Option(10, "--min-n", min=1, help="Outlets with fewer stories are listed as 'too few articles'."),
    limit: int = typer.Option(None, "--limit", min=0, help="Show at most this many outlets, ranked first (default: all), or of an outlet's stories (default 30; 0: all)."),
    search: str = typer.Option(None, "--search", "-s", help="Only outlets whose name holds this (any case: dailymail), ranked or not."),
) -> None:
    """Rank outlets by how often their stories were fake (Wilson 95% interval).

    Known labels count first, else the model's verdict; near-duplicates count once. Ranked by
    the interval's upper bound, most reliable first. With a NAME: that outlet's rate year by
    year, whom its stories were about (its fakes most often first), the storylines its stories
    are in and its stories, newest first.

    Examples:

      rumorlens outlets

      rumorlens outlets --min-n 30 --json

      rumorlens outlets --search daily

      rumorlens outlets hollywoodlife.com
    """
    from ..corpus.scorecard import matching_outlets

    if name and search:
        from ..errors import UsageError

        raise usage(UsageError("RL042", option="--search", detail="it searches the list of outlets; give it without a name"))
    store = _open(db)
    if name:
        _outlet(store, name, min_n, 30 if limit is None else limit, json_out)
        return
    _grouped(store, storylines=False)  # near-duplicates count once
    with _store_errors():
        found = matching_outlets(store.scorecard(min_n=min_n).outlets, search)
    if json_out:
        for o in found[:limit] if limit else found:
            print_json(o.as_dict())
        return
    _print_listing(found, search, limit, "outlet", 18, lambda n: f"{n} {'outlet' if n == 1 else 'outlets'}", min_n)


def _print_listing(found: list, search: str | None, limit: int | None, name: str, width: int, count, min_n: int) -> None:
    """A scorecard's table (outlets, people): ``count(n)`` says "n people". A search lists whoever
    it finds, ranked or not (the reader asked for them); else the ranked are listed and the
    others counted; ``limit`` of them (0 or None: all)."""
    listed = found if search else [s for s in found if s.ranked]
    too_few = [] if search else [s for s in found if not s.ranked]
    shown = listed[:limit] if limit else listed
    title = f"{count(len(found))} named {search!r}" if search else f"{count(len(listed))} ranked"
    _print_scores(shown, too_few, name, width, title + (f", the first {len(shown)} shown" if len(shown) < len(listed) else ""),
                  count(len(too_few)), min_n)


def _outlet(store, name: str, min_n: int, limit: int, json_out: bool) -> None:
    """``outlets NAME``: the outlet's scorecard row, year by year, whom its stories were about,
    the storylines its stories are in and its stories, newest first (``limit`` of them)."""
    from ..store.records import outlet_page

    record = _page_record(store, lambda: store.outlet(name, min_n=min_n), outlet_page, limit)
    if json_out:
        print_json(record)
        return
    _print_record_head(record, "outlet", min_n)
    _print_tally(record["people"], "person", "whom its stories were about, most fakes first", record["people_total"], "people")
    if record["storylines"]:
        console.print(f"storylines its stories are in: {record['storylines_total']}, most of its stories first", markup=False)
        for r in record["storylines"]:
            console.print(f"  {r['id']}  {r['n_here']} of {r['n']} stories from it, {_fmt_rate(r['share_fake'])} fake  {r['title']}", markup=False)
    _print_latest_stories(record, "its stories", with_outlet=False)


def _print_scores(ranked: list, too_few: list, name: str, width: int, title: str, how_many_too_few: str, min_n: int) -> None:
    """A scorecard (outlets, people) as a table of its ranked rows, each ``name`` (the field
    that says whose row it is) with its latest fake, then one line on those in too few stories."""
    table = _table([("rank", 4), (name, width), ("n", 4), ("fake", 4), ("rate", 4), ("95% CI", 8)], "latest fake", title=title)
    for s in ranked:
        latest = s.recent_fakes[0]["title"][:60] if s.recent_fakes else ""
        table.add_row(str(s.rank or "-"), getattr(s, name), str(s.n), str(s.n_fake), _fmt_rate(s.fake_rate), f"{s.ci_low:.0%}-{s.ci_high:.0%}", latest)
    console.print(table)
    if too_few:
        console.print(f"too few articles (< {min_n}) to rank: {how_many_too_few}, e.g. "
                      + ", ".join(f"{getattr(s, name)} ({s.n})" for s in too_few[:5]), markup=False)


@app.command()
def people(
    name: str = typer.Argument(None, help="Show this person (the name, any case, accents ignored): by year, storylines, stories."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="JSON: one person per line, ranked first; or the one asked for."),
    min_n: int = typer.Option(10, "--min-n", min=1, help="People in fewer stories are listed as 'too few articles'."),
    limit: int = typer.Option(30, "--limit", min=0, help="Show at most this many people, ranked first, or of a person's stories (0: all)."),
    search: str = typer.Option(None, "--search", "-s", help="Only people whose name holds these words (any case, accents ignored), ranked or not."),
) -> None:
    """Rank people by how often the stories about them were fake (Wilson 95% interval).

    A story counts for the people it is about (full names in its headline, else the first two
    its lead names), once; by its ruling, else its known label, else the model's verdict. Ranked
    by the interval's lower bound: the most reliably faked first. With a NAME: that person's
    rate year by year, the storylines about them and their stories, newest first.

    Examples:

      rumorlens people

      rumorlens people --min-n 30 --json

      rumorlens people --search "selena gomez"

      rumorlens people "brad pitt"
    """
    from ..corpus.people import matching

    if name and search:
        from ..errors import UsageError

        raise usage(UsageError("RL042", option="--search", detail="it searches the list of people; give it without a name"))
    store = _open(db)
    if name:
        _person(store, name, min_n, limit, json_out)
        return
    _grouped(store, storylines=False)  # near-duplicates count once
    with _store_errors():
        found = matching(store.people(min_n=min_n), search)
    if json_out:
        for p in found[:limit] if limit else found:
            print_json(p.as_dict())
        return
    _print_listing(found, search, limit, "person", 22, _people, min_n)


def _people(n: int) -> str:
    return f"{n:,} {'person' if n == 1 else 'people'}"


def _print_storylines(header: str, shown: list[dict], total: int, name: str) -> None:
    """Storylines listed under a storyline or a person, with the search that finds the rest."""
    console.print(header, markup=False)
    for r in shown:
        console.print(f"  {r['id']}  {r['n']} stories, {_fmt_rate(r['share_fake'])} fake  {r['title']}", markup=False)
    if total > len(shown):
        console.print(f"  … {total - len(shown)} more: rumorlens stories --search {shlex.quote(name)}", markup=False)


def _person(store, name: str, min_n: int, limit: int, json_out: bool) -> None:
    """``people NAME``: the person's scorecard row, year by year, the storylines about them, the
    outlets that ran their stories and their stories, newest first (``limit`` of them; 0: all)."""
    from ..store.records import person_record

    record = _page_record(store, lambda: store.person(name, min_n=min_n), person_record, limit)
    if json_out:
        print_json(record)
        return
    _print_record_head(record, "person", min_n)
    if record["storylines"]:
        from ..corpus.text import display_name

        _print_storylines(f"storylines about them: {record['storylines_total']}", record["storylines"],
                          record["storylines_total"], display_name(record["person"]))
    _print_tally(record["outlets"], "outlet", "where their stories ran, most fakes first", record["outlets_total"], "outlets")
    _print_latest_stories(record, "their stories")


def _page_record(store, find, build, limit: int) -> dict:
    """The page of one person or outlet: ``find()`` its scorecard row (RL035, exit 2, if there
    is none), then ``build(store, row, limit)`` its record with ``limit`` stories (0: all)."""
    _grouped(store)  # the storylines on the page too
    with errors_as_exit(EXIT_USAGE):
        found = find()
    with _store_errors():
        return build(store, found, limit or found.n)


def _print_tally(rows: list[dict], name: str, title: str, total: int, noun: str) -> None:
    """A page's table of counts by one field (``name``): where a person's stories ran, whom an
    outlet's stories were about; the first rows of ``total``."""
    if not rows:
        return
    table = _table([("n", 4), ("fake", 4), ("rate", 4)], name, title=title + (f" ({len(rows)} of {total} {noun})" if len(rows) < total else ""))
    for r in rows:
        table.add_row(str(r["n"]), str(r["n_fake"]), _fmt_rate(r["n_fake"] / r["n"]), r[name])
    console.print(table)


def _print_record_head(record: dict, name: str, min_n: int) -> None:
    """A person's or an outlet's page (``name``: the field naming it): who, the rate with its
    interval and rank, and the rate year by year."""
    rank = f"rank {record['rank']}" if record["ranked"] else f"not ranked: fewer than {min_n} stories"
    console.print(record[name], style="bold", markup=False, highlight=False)
    console.print(f"{record['n']} stories, {record['n_fake']} fake: {_fmt_rate(record['fake_rate'])} "
                  f"(95% interval {record['ci_low']:.0%}-{record['ci_high']:.0%}), {rank}", markup=False)
    if record["by_year"]:
        years = _table([("year", 4), ("n", 4), ("fake", 4), ("rate", 4)], "", title="by year")
        for year, c in record["by_year"].items():
            years.add_row(year, str(c["n"]), str(c["n_fake"]), _fmt_rate(c["fake_rate"]), "█" * round(20 * c["fake_rate"]))
        console.print(years)


def _print_latest_stories(record: dict, whose: str, with_outlet: bool = True) -> None:
    columns = [("date", 10), ("label", 12), ("p_fake", 6)] + ([("outlet", 18)] if with_outlet else [])
    stories = _table(columns, "title", title=f"{whose}, newest first ({len(record['stories'])} of {record['stories_total']})")
    for a in record["stories"]:
        row = [(a["published"] or "?")[:10], f"{a['final_label'] or '?'} ({a.get('label_source') or '-'})",
               "-" if a["p_fake"] is None else f"{a['p_fake']:.2f}"] + ([a["outlet"] or ""] if with_outlet else [])
        stories.add_row(*row, a["title"] or a["id"])
    console.print(stories)


EXPORT_FIELDS = ["id", "title", "url", "outlet", "published", "author", "known_label", "label", "p_fake",
                 "truth_rating", "model_version", "ruling", "ruling_note", "ruled_by", "ruled_at", "final_label",
                 "rulings", "reasons", "warnings", "text"]


@contextmanager
def _output(out: Path | None):
    if out is None:
        yield sys.stdout
        return
    try:
        handle = out.open("w", encoding="utf-8", newline="")
    except OSError as err:
        from ..errors import UsageError

        raise usage(UsageError("RL042", option="--out", detail=f"cannot write {out} ({err.strerror})")) from None
    with handle:
        yield handle


@app.command()
def export(
    fmt: str = typer.Option("jsonl", "--format", help="jsonl or csv."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    out: Path = typer.Option(None, "--out", "-o", help="Write here instead of stdout."),
    json_out: bool = typer.Option(False, "--json", help="With --out: print a JSON summary (rows, format, out)."),
    search: str = typer.Option(None, "--search", "-s", help="Only articles with these words in the title or text (any case, accents ignored: 'beyonce' finds Beyoncé)."),
    outlet: str = typer.Option(None, "--outlet", help="Only articles from this outlet, e.g. people.com."),
    label: str = typer.Option(None, "--label", help="Only articles whose final label (a ruling, else known, else judged) is fake or real."),
    ruled: bool = typer.Option(None, "--ruled/--unruled", help="Only articles a fact-checker has ruled on, or only those nobody has.", show_default=False),
) -> None:
    """Export stored articles with their latest verdicts as JSONL or CSV.

    The filters are those of `rumorlens articles`. An export is labelled data for `evaluate`
    and `train --data`: each article's ruling in force, else the label it came with.

    Examples:

      rumorlens export > corpus.jsonl

      rumorlens export --format csv --out corpus.csv

      rumorlens export --label fake --search "khloe" --format csv --out khloe-fakes.csv

      rumorlens export --ruled > desk.jsonl && rumorlens evaluate desk.jsonl   # the model against the desk's rulings
    """
    from ..errors import UsageError
    from ..read.files import to_spreadsheet

    if fmt not in ("jsonl", "csv"):
        raise usage(UsageError("RL042", option="--format", detail=f"'{fmt}'; use jsonl or csv"))
    _check_label_filter(label)
    store = _open(db)
    n = 0
    with _output(out) as handle, _store_errors():
        if fmt == "csv":
            writer = csv.DictWriter(handle, fieldnames=EXPORT_FIELDS)
            writer.writeheader()
        for row in store.iter_export(search, outlet, label, ruled):
            n += 1
            if fmt == "csv":
                cells = row | {"reasons": " | ".join(row["reasons"]), "warnings": " | ".join(row["warnings"]),
                               "rulings": json.dumps(row["rulings"], ensure_ascii=False) if row["rulings"] else ""}  # read back by ingest
                writer.writerow({k: to_spreadsheet(v) for k, v in cells.items()})
            else:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    if json_out and out is not None:
        print_json({"rows": n, "format": fmt, "out": str(out)})
    elif out is not None:
        console.print(f"exported {n} articles to {out}", markup=False)


@app.command("import-claims")
def import_claims(
    inputs: list[str] = typer.Argument(None, help="ClaimReview JSON-LD files (an object, a list or an @graph), or folders of them.", show_default=False),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    json_out: bool = typer.Option(False, "--json", help="Print the summary as JSON."),
    model: Path = typer.Option(None, "--model", help=MODEL_HELP, envvar="RUMORLENS_MODEL"),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="Print only errors and the summary: no progress."),
) -> None:
    """Import schema.org ClaimReview fact-checks as labelled articles.

    reviewRating (alternateName such as "False", or ratingValue on its scale) gives the known
    label; claimReviewed becomes the title; the claim's appearance URL the url. Each claim is
    also judged, so it gets a model verdict beside its known label.

    Examples:

      rumorlens import-claims newsroom-checks.jsonld

      rumorlens import-claims exports/          # every .json and .jsonld file inside

      rumorlens import-claims checks.json --db postgresql://me@localhost/rumorlens --json
    """
    from ..corpus.claimreview import read_claimreviews
    from ..errors import InputError

    def read(outcome):
        for path in inputs:
            for item in read_claimreviews(path):
                if isinstance(item, InputError):
                    outcome.problem(item)
                else:
                    yield item

    _ingest(inputs, db, model, False, json_out, 500, read, "import-claims", quiet=quiet)


@app.command("export-claims")
def export_claims(
    fmt: str = typer.Option("claimreview", "--format", help="claimreview (schema.org JSON-LD)."),
    db: str = typer.Option(None, "--db", help=DB_HELP),
    out: Path = typer.Option(None, "--out", "-o", help="Write here instead of stdout."),
    json_out: bool = typer.Option(False, "--json", help="Accepted for symmetry: the output is JSON-LD either way."),
    ruled_only: bool = typer.Option(False, "--ruled-only", help="Only the articles a fact-checker has ruled on (`rumorlens rule`): what people checked, not the model's leads."),
) -> None:
    """Publish stored verdicts as schema.org ClaimReview JSON-LD (a list).

    reviewRating.ratingValue is the truth rating (0 = fake .. 10 = true, bestRating 10,
    worstRating 0) and alternateName "False", "Mostly false", "Mostly true" or "True". Where a
    fact-checker ruled, the ruling is the review: 0 or 10, its note the review body.

    Examples:

      rumorlens export-claims --format claimreview > reviews.jsonld

      rumorlens export-claims --ruled-only --out reviews.jsonld
    """
    from ..corpus.claimreview import export_claimreviews
    from ..errors import UsageError

    if fmt != "claimreview":
        raise usage(UsageError("RL042", option="--format", detail=f"'{fmt}'; use claimreview"))
    store = _open(db)
    with _store_errors():
        reviews = export_claimreviews(store.iter_export(ruled=True if ruled_only else None))
    with _output(out) as handle:
        json.dump(reviews, handle, ensure_ascii=False, indent=1)
        handle.write("\n")
    if out is not None:
        err_console.print(f"exported {len(reviews)} ClaimReviews to {out}", markup=False)
