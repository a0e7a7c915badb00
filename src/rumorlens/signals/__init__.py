"""Explainable cue extractors with exact character spans.

``find_signals(text)`` returns ``Signal`` objects (see ``rumorlens.verdict``) whose
``text == text[start:end]``; ``signal_counts(text)`` returns the numeric features the
classifier uses (keys in ``FEATURE_NAMES``); ``analyse(text)`` returns both in one pass.
``text`` is the article as judged: the title, a newline, then the cleaned body.
"""

from __future__ import annotations

from .extract import SIGNAL_KINDS_FOUND, WEIGHTS, find_signals
from .features import FEATURE_NAMES, analyse, signal_counts

__all__ = ["FEATURE_NAMES", "SIGNAL_KINDS_FOUND", "WEIGHTS", "analyse", "find_signals", "signal_counts"]
