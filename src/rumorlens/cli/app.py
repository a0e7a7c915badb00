"""The Typer application every command module registers on."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="rumorlens",
    help=(
        "Check celebrity news for likely fakes and say why.\n\n"
        "Examples:\n\n"
        "  rumorlens check article.txt\n\n"
        "  rumorlens check feed.jsonl --json > verdicts.jsonl\n\n"
        "  rumorlens evaluate dev.jsonl --report report.html"
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="markdown",
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _before_any_command() -> None:
    # the library's warnings (a store that cannot add its search indexes...) reach the user
    from ..logs import print_library_logs

    print_library_logs()
