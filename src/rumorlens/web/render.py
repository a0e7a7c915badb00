"""Server-side rendering helpers: highlighted article text and the geometry of the SVG charts.

Article text is untrusted. ``highlight`` escapes every text segment itself and only then wraps it
in ``<mark>``; nothing from the article reaches the page unescaped. Charts are computed here as
plain numbers and drawn by the (autoescaped) templates.
"""

from __future__ import annotations

from datetime import datetime, timezone
from itertools import pairwise

from markupsafe import Markup, escape

KIND_NAMES = {
    "anonymous_source": "anonymous source",
    "on_record_quote": "on-record quote",
    "denial": "denial",
    "hedge": "hedge",
    "sensational": "sensational",
    "cited_outlet": "cited outlet",
    "outlet_record": "outlet record",
    "person_record": "subject's record",
    "debunk_match": "debunk match",
    "similar_story": "story already checked",
}


def kind_name(kind: str) -> str:
    return KIND_NAMES.get(kind, kind.replace("_", " "))


def _span_signals(text: str, signals: list[dict]) -> list[dict]:
    """Signals whose span really points into ``text`` (others are listed, not highlighted)."""
    good = []
    for s in signals:
        start, end = s.get("start", -1), s.get("end", -1)
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            good.append(s)
    return good


def signal_title(s: dict) -> str:
    weight = float(s.get("weight") or 0.0)
    direction = "towards fake" if weight > 0 else "towards real" if weight < 0 else "neutral"
    title = f"{kind_name(s['kind'])} · weight {weight:+.2f} ({direction})"
    if s.get("note"):
        title += f" · {s['note']}"
    return title


def highlight(text: str, signals: list[dict]) -> Markup:
    """The article text as HTML with every signal span in a labelled ``<mark>``.

    Overlapping spans are handled by cutting the text at every span boundary: each piece is
    marked with the innermost signal covering it, and the hover title lists all of them.
    """
    spans = _span_signals(text, signals)
    cuts = sorted({0, len(text), *(s["start"] for s in spans), *(s["end"] for s in spans)})
    out: list[str] = []
    for a, b in pairwise(cuts):
        piece = escape(text[a:b])
        covering = [s for s in spans if s["start"] <= a and s["end"] >= b]
        if not covering:
            out.append(str(piece))
            continue
        inner = min(covering, key=lambda s: (s["end"] - s["start"], -abs(float(s.get("weight") or 0))))
        title = " | ".join(signal_title(s) for s in covering)
        weight = float(inner.get("weight") or 0.0)
        lean = "fake" if weight > 0 else "real" if weight < 0 else "neutral"
        out.append(
            f'<mark class="sig sig-{escape(inner["kind"])} lean-{lean}" data-kind="{escape(inner["kind"])}" '
            f'title="{escape(title)}">{piece}</mark>'
        )
        for s in covering:
            if s["end"] == b:
                out.append(f'<sup class="sig-tag sig-{escape(s["kind"])}" aria-hidden="true">{escape(kind_name(s["kind"]))}</sup>')
    return Markup("".join(out))


def parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        d = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return d if d.tzinfo else d.replace(tzinfo=timezone.utc)


def timeline(articles: list[dict], width: int = 760, height: int = 260) -> dict:
    """Points for the storyline chart: x = publication date, y = p_fake, colour = label.

    Undated articles go in a separate column at the right so they are still shown.
    """
    left, right, top, bottom = 48, 24, 20, 44
    dated = [(parse_date(a.get("published")), a) for a in articles]
    dates = [d for d, _ in dated if d is not None]
    undated = [a for d, a in dated if d is None]
    plot_right = width - right - (70 if undated else 0)
    lo, hi = (min(dates), max(dates)) if dates else (None, None)
    span = (hi - lo).total_seconds() if dates else 0

    def x_of(d: datetime) -> float:
        if not span:
            return (left + plot_right) / 2
        return left + (d - lo).total_seconds() / span * (plot_right - left)

    def y_of(p: float | None) -> float:
        return top + (1 - float(p if p is not None else 0.5)) * (height - top - bottom)

    if not dates:  # nothing dated: space the articles evenly in storyline order
        plot_right = width - right
        n = len(articles)
        x_undated = [left + (k + 0.5) * (plot_right - left) / max(n, 1) for k in range(n)]
    else:  # a few undated ones: a narrow column at the right, spread so dots do not overlap
        n = len(undated)
        x_undated = [width - right - 35 + (k - (n - 1) / 2) * min(12.0, 60.0 / max(n, 1)) for k in range(n)]
    points = []
    k_undated = 0
    for d, a in sorted(dated, key=lambda t: (t[0] is None, t[0] or datetime.min.replace(tzinfo=timezone.utc))):
        if d is None:
            x = x_undated[k_undated]
            k_undated += 1
        else:
            x = x_of(d)
        y = y_of(a.get("p_fake"))
        points.append({
            "x": round(x, 1), "y": round(y, 1), "label": a.get("label") or "unjudged", "id": a["id"],
            "ruling": a.get("ruling"),  # a fact-checker's call, drawn as a ring
            "outlet": a.get("outlet") or "unknown outlet", "title": a.get("title") or a["id"],
            "date": d.strftime("%Y-%m-%d") if d else "undated", "p_fake": a.get("p_fake"),
        })
    place_labels(points, width, height, left)
    ticks = []
    if dates and span:
        for k in range(5):
            d = datetime.fromtimestamp(lo.timestamp() + span * k / 4, tz=timezone.utc)
            ticks.append({"x": round(x_of(d), 1), "text": d.strftime("%b %d %Y")})
        if undated:  # the last date ends at its tick, clear of the "undated" column's label
            ticks[-1]["end"] = True
    elif dates:
        ticks.append({"x": round(x_of(lo), 1), "text": lo.strftime("%b %d %Y")})
    return {
        "width": width, "height": height, "left": left, "right": plot_right, "top": top, "bottom": height - bottom,
        "points": points, "ticks": ticks, "undated_x": width - right - 35 if undated and dates else None,
        "all_undated": bool(articles) and not dates,
        "y_fake": round(y_of(1.0), 1), "y_half": round(y_of(0.5), 1), "y_real": round(y_of(0.0), 1),
    }


LABEL_CHAR_PX = 6.3  # the outlet labels' width per character at 11px
LABEL_OFFSETS = (-10, 18, -22, 30)  # above the dot, below it, then further out


def place_labels(points: list[dict], width: float, height: float, left: float = 0) -> None:
    """Give each point's outlet label a place (``label_x``, ``label_dy``) where it overlaps no
    label placed before it and stays inside the chart, right of the axis labels (``left``); a
    label with no such place is left out (``label_dy`` None), and the dot's tooltip still names
    the outlet."""
    placed: list[tuple[float, float, float, float]] = []
    for p in sorted(points, key=lambda p: p["x"]):
        half = LABEL_CHAR_PX * len(p["outlet"]) / 2
        x = min(max(p["x"], left + half), width - half - 2)
        p["label_x"], p["label_dy"] = round(x, 1), None
        for dy in LABEL_OFFSETS:
            box = (x - half, p["y"] + dy - 10, x + half, p["y"] + dy + 2)
            inside = box[1] >= 0 and box[3] <= height
            if inside and not any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed):
                p["label_dy"] = dy
                placed.append(box)
                break


def interval_chart(scores: list[dict], limit: int = 25, width: int = 760, row: int = 22, name: str = "outlet") -> dict:
    """Rows for a scorecard's chart (outlets, or people with ``name="person"``): fake rate as a
    dot with its 95% interval as a bar; each row's label is its ``name`` field, as ``outlet``."""
    rows = scores[:limit]
    left, right, top = 190, 60, 28
    plot_w = width - left - right
    out = []
    for i, r in enumerate(rows):
        rate = float(r.get("fake_rate") or 0.0)
        lo, hi = float(r.get("ci_low", rate) or 0.0), float(r.get("ci_high", rate) or 0.0)
        out.append({
            "y": top + i * row + row / 2, "outlet": r.get(name) or "?", "n": r.get("n"),
            "x": round(left + rate * plot_w, 1), "x_lo": round(left + lo * plot_w, 1), "x_hi": round(left + hi * plot_w, 1),
            "rate": rate, "lo": lo, "hi": hi,
            "tone": "fake" if rate >= 0.5 else "mixed" if rate >= 0.25 else "real",
        })
    ticks = [{"x": round(left + t * plot_w, 1), "text": f"{int(t * 100)}%"} for t in (0, 0.25, 0.5, 0.75, 1)]
    return {"width": width, "height": top + len(rows) * row + 12, "left": left, "right": left + plot_w, "top": top, "rows": out,
            "ticks": ticks, "total": len(scores)}


def year_rows(by_year: dict[str, dict]) -> list[dict]:
    """A scorecard row's years (``by_year``: year -> n, n_fake, fake_rate) as rows for
    ``interval_chart(..., name="year")``, oldest first, each with its 95% interval: a year of
    three stories shows how little it says."""
    from ..corpus.memory import wilson_interval

    rows = []
    for year, c in sorted(by_year.items()):
        lo, hi = wilson_interval(c["n_fake"], c["n"])
        rows.append({"year": year, "n": c["n"], "fake_rate": c["fake_rate"], "ci_low": lo, "ci_high": hi})
    return rows


def meter(truth_rating: int | None) -> dict:
    """The 0-10 truth meter: eleven cells, the rated one marked."""
    cells = []
    for i in range(11):
        tone = "fake" if i <= 3 else "mixed" if i <= 6 else "real"
        cells.append({"i": i, "x": 4 + i * 36, "tone": tone, "on": truth_rating is not None and i == truth_rating})
    return {"cells": cells, "rating": truth_rating}


def pct(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{100 * float(value):.{digits}f}%"


def short_date(value: str | None) -> str:
    d = parse_date(value)
    return d.strftime("%d %b %Y") if d else "undated"


def install_filters(env) -> None:
    env.filters["highlight"] = highlight
    env.filters["pct"] = pct
    env.filters["short_date"] = short_date
    env.filters["kind_name"] = kind_name
    env.globals["signal_title"] = signal_title
    env.globals["meter"] = meter
    env.globals["timeline"] = timeline
    env.globals["interval_chart"] = interval_chart
    env.globals["year_rows"] = year_rows
