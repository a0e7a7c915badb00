"""An HTML evaluation report: confusion matrix, reliability plot, per-outlet accuracy and, with
``evaluate --stress``, the restyle stress tests.

Self-contained (inline SVG and CSS), so it opens offline and can be attached to a ticket.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import Environment, select_autoescape

from .evaluate import Evaluation, format_metric

_TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>rumorlens evaluation</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:920px;margin:2em auto;color:#1d2330;padding:0 1em}
h1{font-size:1.5em} h2{font-size:1.15em;margin-top:2em;border-bottom:1px solid #dde}
table{border-collapse:collapse} td,th{padding:.3em .8em;border:1px solid #dde;text-align:right}
th{background:#f4f5f9} td.l,th.l{text-align:left} .cm td{font-size:1.3em;min-width:4em;text-align:center}
.ok{background:#e3f4e7} .bad{background:#fbe4e4} .muted{color:#667}
</style></head><body>
<h1>rumorlens evaluation</h1>
<p class="muted">model {{ model }} · {{ r.n }} labelled articles{% if r.headlines_only %} ({{ r.headlines_only }} of them headlines alone, RW005){% endif %} · {{ 'text only' if r.text_only else 'with outlet' }} · threshold p_fake ≥ {{ r.threshold }}</p>
{% if r.prevalence is not none %}<p class="muted" data-testid="prevalence">p_fake re-based to {{ '%.0f' % (r.prevalence * 100) }}% fakes{{ ", estimated from the articles' own p_fake (labels unseen)" if r.prevalence_estimated else "" }}; macro-F1 at the training share's cut would be {{ '%.3f' % r.macro_f1_training_share }}.</p>{% endif %}
<table><tr>{% for k in keys %}<th>{{ k }}</th>{% endfor %}</tr>
<tr>{% for k in keys %}<td>{{ metrics[k] | metric if metrics[k] is float else metrics[k] }}</td>{% endfor %}</tr></table>
{% if r.one_class %}<p class="muted">Only one class is labelled here, so ROC AUC is undefined (—).</p>{% endif %}

<h2>Confusion matrix</h2>
<table class="cm"><tr><th class="l">true \\ predicted</th><th>fake</th><th>real</th></tr>
<tr><th class="l">fake</th><td class="ok">{{ r.confusion[0][0] }}</td><td class="bad">{{ r.confusion[0][1] }}</td></tr>
<tr><th class="l">real</th><td class="bad">{{ r.confusion[1][0] }}</td><td class="ok">{{ r.confusion[1][1] }}</td></tr></table>

<h2>Calibration (reliability)</h2>
<p class="muted">Each dot is a bin of articles: predicted p_fake (x) against the share that were fake (y). Dots on the diagonal mean p_fake can be read as a probability. Dot area ∝ articles in the bin. ECE {{ '%.3f' % r.ece }}, Brier {{ '%.3f' % r.brier }}.</p>
<svg width="360" height="360" viewBox="-40 -10 370 370" role="img" aria-label="reliability plot">
<rect x="0" y="0" width="300" height="300" fill="#fafbfd" stroke="#ccd"/>
<line x1="0" y1="300" x2="300" y2="0" stroke="#99a" stroke-dasharray="4 4"/>
{% for t in [0, 0.25, 0.5, 0.75, 1] %}<text x="{{ t*300 }}" y="318" font-size="11" text-anchor="middle">{{ t }}</text><text x="-8" y="{{ 304 - t*300 }}" font-size="11" text-anchor="end">{{ t }}</text>{% endfor %}
<text x="150" y="340" font-size="12" text-anchor="middle">predicted p_fake</text>
<text x="-30" y="150" font-size="12" text-anchor="middle" transform="rotate(-90 -30 150)">share fake</text>
{% for b in r.calibration %}<circle cx="{{ b.mean_p*300 }}" cy="{{ 300 - b.share_fake*300 }}" r="{{ [3, (b.n ** 0.5) * 0.8] | max }}" fill="#3b6fd8" fill-opacity=".6"><title>{{ b.n }} articles: mean p_fake {{ '%.2f' % b.mean_p }}, share fake {{ '%.2f' % b.share_fake }}</title></circle>{% endfor %}
</svg>

{% if stress %}
<h2>Restyle stress tests</h2>
<p class="muted">Every article rewritten against its label (fakes sober and news-like, real stories sensational; facts, names and quotes kept) and judged again: <b>retouch</b> swaps tone words, hedges, “!” and caps; <b>rewrite</b> also drops or adds reader asides, “exclusive” tags and gossip verbs and shortens; <b>attribution</b> retells every unnamed source in the news or the tabloid register. A drop over 0.02 means the verdicts follow tone or wording more than what the story rests on. Bars: macro-F1 before (grey) and after (blue).</p>
<table><tr><th class="l">stress test</th><th>macro-F1 restyled</th><th>drop</th><th>F1 fake restyled</th><th>ROC AUC restyled</th><th class="l"></th></tr>
{% for how, m in stress.items() %}<tr><td class="l">{{ how }}</td><td>{{ '%.3f' % m.macro_f1_restyled }}</td>
<td class="{{ 'ok' if m.drop <= 0.02 else 'bad' }}">{{ '%+.3f' % m.drop }}</td><td>{{ '%.3f' % m.f1_fake_restyled }}</td><td>{{ m.roc_auc_restyled | metric }}</td>
<td class="l"><svg width="200" height="22" role="img" aria-label="macro-F1 {{ '%.3f' % r.macro_f1 }} before, {{ '%.3f' % m.macro_f1_restyled }} after"><rect width="{{ r.macro_f1*200 }}" height="10" fill="#aab"/><rect y="12" width="{{ m.macro_f1_restyled*200 }}" height="10" fill="#3b6fd8"/></svg></td></tr>{% endfor %}
</table>
{% endif %}

<h2>Accuracy by outlet</h2>
<p class="muted">Outlets with at least 5 labelled articles in this file.</p>
<table><tr><th class="l">outlet</th><th>n</th><th>fake</th><th>accuracy</th><th class="l"></th></tr>
{% for o in r.per_outlet %}<tr><td class="l">{{ o.outlet }}</td><td>{{ o.n }}</td><td>{{ o.n_fake }}</td><td>{{ '%.2f' % o.accuracy }}</td>
<td class="l"><svg width="160" height="12"><rect width="{{ o.accuracy*160 }}" height="12" fill="{{ '#3a9d5d' if o.accuracy >= 0.8 else '#d08a2b' if o.accuracy >= 0.6 else '#c94040' }}"/></svg></td></tr>{% endfor %}
</table>
</body></html>
"""

KEYS = ("macro_f1", "f1_fake", "f1_real", "accuracy", "roc_auc", "brier", "ece", "articles_per_second")


def render_report(result: Evaluation, model_version: str, stress: dict | None = None) -> str:
    """``stress``: ``evaluate --stress``'s results by test name (``macro_f1_restyled``, ``drop``...)."""
    env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["metric"] = format_metric
    metrics = {k: getattr(result, k) for k in KEYS}
    return env.from_string(_TEMPLATE).render(r=result, keys=KEYS, metrics=metrics, model=model_version, stress=stress or {})


def write_report(path: Path, result: Evaluation, judge, stress: dict | None = None) -> None:
    Path(path).write_text(render_report(result, judge.version, stress), encoding="utf-8")
