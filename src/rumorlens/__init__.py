"""rumorlens: an offline celebrity-news fact-checker.

>>> from rumorlens import Judge, read_article
>>> verdict = Judge.load().judge(read_article("article.txt"))
>>> verdict.label, verdict.truth_rating, verdict.reasons
"""

from __future__ import annotations

import logging

__version__ = "0.1.0"

from .article import Article  # noqa: E402
from .errors import RumorlensError  # noqa: E402
from .read import read_article, read_articles  # noqa: E402
from .verdict import Signal, Verdict  # noqa: E402


def __getattr__(name: str):
    # The Judge pulls in scikit-learn; import it on first use so `import rumorlens` stays fast.
    if name == "Judge":
        from .model.judge import Judge

        return Judge
    if name == "open_store":
        from .store import open_store

        return open_store
    raise AttributeError(name)


logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = ["Article", "Verdict", "Signal", "Judge", "RumorlensError", "read_article", "read_articles", "open_store", "__version__"]
