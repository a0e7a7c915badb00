"""What every command shares: one-line errors, exit codes, progress bars, JSON output.

Exit codes: 0 all good, 1 some records failed, 2 usage error (bad option, nothing to read).
"""

from __future__ import annotations

import json
import math
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import orjson
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from ..errors import RumorlensError, message_code

T = TypeVar("T")

FETCH_STORIES_HELP = (
    "A feed item that is only a summary (RW009): fetch the story it links to and judge that, under the item's id "
    "(a few links at a time); a link that cannot be read leaves the summary judged (RW010)."
)

console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


class Outcome:
    """Counts failed records and prints each problem as one line on stderr."""

    # A feed of 10,000 headlines would otherwise print 10,000 identical-but-for-the-line warnings
    # and bury the errors; each verdict keeps its own warnings, so a few of each code suffice.
    WARNINGS_SHOWN_PER_CODE = 5

    def __init__(self, quiet_warnings: bool = False, more_warnings_hint: str = "") -> None:
        self.failed = 0
        self.warned = 0
        self.quiet_warnings = quiet_warnings
        self.more_warnings_hint = more_warnings_hint  # where the unprinted warnings can be read
        self._shown: set[str] = set()
        self._per_code: dict[str, int] = {}

    def problem(self, err: Exception) -> None:
        self.failed += 1
        err_console.print(f"error: {err}", markup=False)

    def warning(self, message: str) -> None:
        """Print ``message`` once (a file's warning rides on each of its records), and at most
        ``WARNINGS_SHOWN_PER_CODE`` warnings of one code, then say that the rest are not printed."""
        self.warned += 1
        if self.quiet_warnings or message in self._shown:
            return
        self._shown.add(message)
        code = message_code(message)
        count = self._per_code[code] = self._per_code.get(code, 0) + 1
        if count <= self.WARNINGS_SHOWN_PER_CODE:
            err_console.print(f"warning: {message}", markup=False)
        if count == self.WARNINGS_SHOWN_PER_CODE and code:
            hint = f"; {self.more_warnings_hint}" if self.more_warnings_hint else ""
            err_console.print(f"warning: further {code} warnings are not printed{hint}", markup=False)

    @property
    def exit_code(self) -> int:
        return EXIT_SOME_FAILED if self.failed else EXIT_OK


def fail(err: Exception | str, code: int = EXIT_SOME_FAILED) -> typer.Exit:
    """Print a one-line error and return the Exit to raise: ``raise fail(err)``."""
    err_console.print(f"error: {err}", markup=False)
    return typer.Exit(code)


def usage(err: Exception | str) -> typer.Exit:
    return fail(err, EXIT_USAGE)


def print_json(obj: object) -> None:
    """One JSON document per line on stdout, bypassing Rich so scripts get clean bytes. A metric
    that is undefined (ROC AUC of a one-class set) is ``null``: ``NaN`` is not JSON, and jq or
    JSON.parse refuse the whole line."""
    try:  # orjson writes NaN as null itself, in a third of json's time (~4% of `check --json`)
        line = orjson.dumps(obj, default=str, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY).decode("utf-8")
    except (TypeError, orjson.JSONEncodeError):  # what it will not write (a 65-bit integer): as json would
        line = json.dumps(_finite(obj), ensure_ascii=False, default=str, allow_nan=False)
    sys.stdout.write(line + "\n")


def _finite(obj: object) -> object:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    return obj


def progress_enabled(flag: bool | None = None) -> bool:
    if flag is not None:
        return flag
    if os.environ.get("RUMORLENS_PROGRESS") in ("0", "1"):
        return os.environ["RUMORLENS_PROGRESS"] == "1"
    return err_console.is_terminal


def stdout_is_terminal() -> bool:
    """Output going to the same terminal as the bar would garble it; a bar is only worth
    drawing when stdout is redirected (``rumorlens check feed.jsonl --json > out.jsonl``)."""
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


@contextmanager
def progress_bar(description: str, total: int | None = None, enabled: bool | None = None):
    """Yields an ``advance(n=1, description=None)`` function; draws a Rich bar on stderr when interactive."""
    if not progress_enabled(enabled):
        yield lambda n=1, description=None: None
        return
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn()]
    if total:
        columns.append(TimeRemainingColumn())
    # redirect_stdout=False: Rich would otherwise capture sys.stdout while the bar is live and
    # send `--json` lines to the bar's console (stderr), leaving `> verdicts.jsonl` empty.
    with Progress(*columns, console=err_console, transient=True, redirect_stdout=False) as bar:
        task = bar.add_task(description, total=total)

        def advance(n: int = 1, description: str | None = None) -> None:
            bar.update(task, advance=n, **({"description": description} if description else {}))

        yield advance


def track(items: Iterable[T], description: str, total: int | None = None, enabled: bool | None = None) -> Iterator[T]:
    with progress_bar(description, total, enabled) as advance:
        for item in items:
            yield item
            advance()


@contextmanager
def errors_as_exit(code: int = EXIT_SOME_FAILED):
    """Turn a RumorlensError raised by the library into a one-line message and exit code."""
    try:
        yield
    except RumorlensError as err:
        from ..errors import UsageError

        raise fail(err, EXIT_USAGE if isinstance(err, UsageError) else code) from None
