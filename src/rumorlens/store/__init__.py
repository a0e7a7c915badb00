"""Persistence: SQLite (default) or PostgreSQL behind one ``Store`` with versioned migrations.

>>> store = open_store()                       # $RUMORLENS_DB or ./rumorlens.db
>>> store = open_store("postgresql://me@localhost/rumorlens")
"""

from __future__ import annotations

import os

from .ingest import IngestReport, ingest
from .migrations import SCHEMA_VERSION
from .store import Store


def open_store(url: str | os.PathLike | None = None) -> Store:
    """Open (creating and migrating if needed) the store at ``url``.

    ``None`` means ``$RUMORLENS_DB`` or ``./rumorlens.db``; a plain path or ``sqlite:///PATH`` is
    SQLite; ``postgresql://USER:PASS@HOST/DB`` is PostgreSQL (extra ``pg``). Problems raise a
    ``StoreError`` with codes RL030-RL034/RL037.
    """
    return Store(None if url is None else str(url))


__all__ = ["SCHEMA_VERSION", "IngestReport", "Store", "ingest", "open_store"]
