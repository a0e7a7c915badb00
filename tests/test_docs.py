"""The docs cannot drift: every command, option, error code and signal kind is documented,
every ``--help`` has examples, and the Python examples in docs/python-api.md run."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

from conftest import REPO
from rumorlens.cli import app
from rumorlens.errors import ERRORS, WARNINGS
from rumorlens.verdict import SIGNAL_KINDS

DOCS = REPO / "docs"


def all_commands() -> list[tuple[str, object]]:
    """(``"check"``, command) for every command, ``"group sub"`` for nested ones.

    Duck-typed: recent Typer vendors its own click, so isinstance(click.Group/Option) is False.
    """
    found = []

    def walk(group, prefix: str) -> None:
        for name, cmd in sorted(group.commands.items()):
            full = f"{prefix}{name}"
            if hasattr(cmd, "commands"):
                walk(cmd, full + " ")
            else:
                found.append((full, cmd))

    walk(typer.main.get_command(app), "")
    return found


COMMANDS = all_commands()


def doc(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def cli_section(name: str) -> str:
    text = doc("cli.md")
    heading = f"## `rumorlens {name}`\n"
    assert heading in text, f"docs/cli.md has no section '{heading.strip()}'"
    body = text.split(heading, 1)[1]
    return body.split("\n## ", 1)[0]


def test_docs_the_core_commands_exist():
    names = {n for n, _ in COMMANDS}
    assert {"check", "train", "evaluate"} <= names


@pytest.mark.parametrize("name", [n for n, _ in COMMANDS])
def test_docs_every_command_is_in_cli_md(name):
    cli_section(name)


@pytest.mark.parametrize("name, cmd", COMMANDS, ids=[n for n, _ in COMMANDS])
def test_docs_every_option_is_in_its_cli_md_section(name, cmd):
    section = cli_section(name)
    options = [p for p in cmd.params if p.param_type_name == "option"]
    assert options or not cmd.params
    for param in options:
        assert f"`{param.opts[0]}`" in section, f"{param.opts[0]} of `rumorlens {name}` is not documented in docs/cli.md"


@pytest.mark.parametrize("name", [n for n, _ in COMMANDS])
def test_docs_every_help_has_examples(name):
    result = CliRunner().invoke(app, [*name.split(), "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0
    assert "Examples:" in result.stdout, f"`rumorlens {name} --help` has no Examples section"
    assert re.search(rf"rumorlens {re.escape(name)}\b", result.stdout.split("Examples:", 1)[1])


def test_docs_top_level_help_has_examples():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0 and "Examples:" in result.stdout


@pytest.mark.parametrize("code", sorted(ERRORS) + sorted(WARNINGS))
def test_docs_every_error_code_is_in_errors_md_with_its_message(code):
    text = doc("errors.md")
    assert f"### {code}\n" in text, f"{code} is not documented in docs/errors.md"
    section = text.split(f"### {code}\n", 1)[1].split("\n### ", 1)[0]
    message = {**ERRORS, **WARNINGS}[code]
    assert f"> {message}" in section, f"docs/errors.md shows an outdated message for {code}"
    assert "**When:**" in section and "**Fix:**" in section


def test_docs_errors_md_lists_no_unknown_codes():
    documented = set(re.findall(r"^### (R[LW]\d{3})$", doc("errors.md"), re.M))
    assert documented == set(ERRORS) | set(WARNINGS)


@pytest.mark.parametrize("kind", SIGNAL_KINDS)
def test_docs_every_signal_kind_is_in_signals_md(kind):
    text = doc("signals.md")
    assert f"## `{kind}`\n" in text, f"signal kind {kind} is not documented in docs/signals.md"
    section = text.split(f"## `{kind}`\n", 1)[1].split("\n## ", 1)[0]
    assert "towards fake" in section or "towards real" in section or "Weight" in section, f"{kind}: no weight direction"


def test_docs_index_links_every_page():
    index = doc("index.md")
    for page in sorted(DOCS.glob("*.md")):
        if page.name != "index.md":
            assert f"({page.name})" in index, f"docs/index.md does not link {page.name}"


def test_docs_python_api_examples_run(tiny_model_dir, tmp_path, monkeypatch):
    """Every ```python block in docs/python-api.md runs, in order, against the tiny model."""
    monkeypatch.setenv("RUMORLENS_MODEL", str(tiny_model_dir))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.txt").write_text(
        "www.example-gossip.com/singer-leaning-on-ex\nSinger Leaning On Her Ex For Support\n"
        "The singer is reportedly leaning on her ex-husband, a source close to the star told In Touch.\n",
        encoding="utf-8",
    )
    (tmp_path / "feed.jsonl").write_text(
        '{"id": "a1", "title": "Couple split", "text": "An insider says the couple split.", "label": "fake"}\n'
        '{"id": "a2", "title": "Award night", "text": "She thanked the cast at the premiere, she told People.", "label": "real"}\n'
        "{broken\n",
        encoding="utf-8",
    )
    blocks = re.findall(r"```python\n(.*?)```", doc("python-api.md"), re.S)
    assert len(blocks) >= 3
    namespace: dict = {}
    for block in blocks:
        exec(compile(block, "docs/python-api.md", "exec"), namespace)  # noqa: S102 - our own docs
