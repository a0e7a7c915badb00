"""Turning a --db value into a SQLAlchemy engine, and database failures into coded errors.

Why here: every way a database can refuse us (wrong URL, server down, file locked, read-only
directory) must reach the user as one line saying what to do, never a driver traceback.
"""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, OperationalError

from ..errors import RumorlensError, StoreError

DEFAULT_DB = "rumorlens.db"


def lock_timeout() -> float:
    """Seconds to wait for a locked SQLite file before giving up (RUMORLENS_LOCK_TIMEOUT)."""
    try:
        return max(0.0, float(os.environ.get("RUMORLENS_LOCK_TIMEOUT", "10")))
    except ValueError:
        return 10.0


def resolve_url(url: str | os.PathLike | None) -> tuple[str, str, Path | None]:
    """Return (sqlalchemy url, display url, sqlite path or None) for a --db value."""
    raw = str(url) if url is not None else (os.environ.get("RUMORLENS_DB") or DEFAULT_DB)
    raw = raw.strip()
    if raw.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        rest = raw.split("://", 1)[1]
        sa_url = "postgresql+psycopg://" + rest
        try:
            display = make_url(sa_url).render_as_string(hide_password=True).replace("postgresql+psycopg", "postgresql")
        except ArgumentError:
            raise StoreError("RL034", url=raw) from None
        return sa_url, display, None
    if raw.startswith("sqlite:///"):
        path = Path(raw[len("sqlite:///"):])
    elif re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", raw) or raw.startswith("sqlite:") or not raw:
        raise StoreError("RL034", url=raw or "''")
    else:
        path = Path(raw)
    path = path.expanduser()
    return f"sqlite:///{path}", str(path), path


def first_line(err: BaseException) -> str:
    """A driver error's first line, what a one-line message quotes (its type when it is empty)."""
    inner = getattr(err, "orig", None) or err
    text = str(inner).strip().splitlines()
    return (text[0] if text else type(inner).__name__).strip().rstrip(".")


def check_sqlite_path(path: Path, display: str) -> None:
    """Fail early, with the right code, for a missing or read-only directory."""
    parent = path.resolve().parent
    if not parent.is_dir():
        raise StoreError("RL030", url=display, detail=f"directory {parent} does not exist")
    if path.exists() and path.is_dir():
        raise StoreError("RL030", url=display, detail="it is a directory")
    # WAL mode writes -wal/-shm files beside the database, so the directory must be writable too.
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise StoreError("RL032", url=display, detail="read-only file or directory")


def make_engine(sa_url: str, display: str, path: Path | None) -> Engine:
    if path is None:
        try:
            import psycopg  # noqa: F401
        except ImportError:
            raise StoreError("RL037") from None
        try:
            return create_engine(sa_url, pool_pre_ping=True, connect_args={"connect_timeout": 5})
        except ArgumentError as err:
            raise StoreError("RL034", url=display) from err
    check_sqlite_path(path, display)
    engine = create_engine(sa_url, connect_args={"timeout": lock_timeout()})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_conn, _record):
        # WAL: readers never block the writer and a killed writer loses only its open transaction.
        # NORMAL sync is durable against process crashes (kill -9), which is what ingest promises.
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {int(lock_timeout() * 1000)}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.close()

    return engine


def translate(err: BaseException, display: str, is_sqlite: bool) -> RumorlensError:
    """Map a driver error to the coded error a user can act on."""
    detail = first_line(err)
    low = detail.lower()
    if is_sqlite:
        if "locked" in low or "busy" in low:
            return StoreError("RL031", url=display)
        if "readonly" in low or "read-only" in low or "unable to open" in low or "disk i/o" in low:
            return StoreError("RL032", url=display, detail=detail)
        if "file is not a database" in low or "malformed" in low:
            return StoreError("RL030", url=display, detail="not a rumorlens SQLite database")
    if isinstance(err, DBAPIError) and not isinstance(err, (OperationalError, InterfaceError)):
        # The database was reached and refused what was written (a constraint, a value it cannot
        # hold): "cannot open database" would send the user to check a server that is fine.
        return StoreError("RL038", url=display, detail=detail)
    return StoreError("RL030", url=display, detail=detail)


@contextmanager
def db_errors(display: str, is_sqlite: bool):
    try:
        yield
    except RumorlensError:
        raise
    except (OperationalError, DBAPIError) as err:
        raise translate(err, display, is_sqlite) from None
