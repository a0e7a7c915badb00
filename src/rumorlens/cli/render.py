"""Rich renderings of a Verdict for people at a terminal."""

from __future__ import annotations

from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..verdict import Verdict
from .common import console

# Article text is untrusted: ESC/CSI/OSC sequences in it could clear the screen, retitle the
# window or fake output. Each control character becomes one visible U+FFFD, so offsets hold.
_CONTROL = {c: "\ufffd" for c in [*range(0, 9), *range(11, 32), *range(127, 160)]}


def safe(text: str | None) -> str:
    return (text or "").translate(_CONTROL)


KIND_STYLES = {
    "anonymous_source": "bold red",
    "denial": "bold magenta",
    "hedge": "yellow",
    "sensational": "red",
    "cited_outlet": "cyan",
    "on_record_quote": "bold green",
}


def meter(rating: int) -> Text:
    """Gossip Cop's truth meter: ten cells, filled up to the rating."""
    colour = "red" if rating <= 3 else "yellow" if rating <= 6 else "green"
    bar = Text("█" * rating, style=colour)
    bar.append("░" * (10 - rating), style="dim")
    bar.append(f" {rating}/10")
    return bar


def print_verdict(v: Verdict) -> None:
    table = Table.grid(padding=(0, 1))
    table.add_column(style="dim", no_wrap=True)
    table.add_column()
    label = Text(v.label.upper(), style="bold white on red" if v.label == "fake" else "bold white on green")
    table.add_row("verdict", Text.assemble(label, f"  p_fake {v.p_fake:.2f}"))
    table.add_row("truth", meter(v.truth_rating))
    if v.outlet:
        table.add_row("outlet", Text(safe(v.outlet)))
    counts: dict[str, int] = {}
    for s in v.signals:
        counts[s.kind] = counts.get(s.kind, 0) + 1
    if counts:
        table.add_row("signals", ", ".join(f"{k} ×{n}" for k, n in sorted(counts.items())))
    for i, reason in enumerate(v.reasons):
        table.add_row("why" if i == 0 else "", Text(f"• {safe(reason)}"))
    if v.known_label:
        table.add_row("known", Text(safe(v.known_label)))
    title = safe(v.title or v.id)
    console.print(Panel(table, title=Text(title[:100], style="bold"), subtitle=Text(safe(v.id), style="dim"), title_align="left", subtitle_align="right"))


def highlighted(v: Verdict) -> Text:
    text = Text(safe(v.text))
    for s in v.signals:
        if 0 <= s.start < s.end <= len(v.text):
            text.stylize(KIND_STYLES.get(s.kind, "underline"), s.start, s.end)
    return text


def print_explained(v: Verdict) -> None:
    print_verdict(v)
    legend = Text("legend: ")
    for kind, style in KIND_STYLES.items():
        legend.append(kind, style=style)
        legend.append("  ")
    console.print(legend)
    console.print(highlighted(v))
    outside = [s for s in v.signals if s.start < 0]
    for s in outside:
        console.print(Text(f"• {s.kind}: {safe(s.note)}", style="dim"))
    console.print()
