"""Where the library's own log lines go when rumorlens runs as a program.

As a library, rumorlens only gives its loggers a ``NullHandler``: where logs go is the
application's choice. So when it ran as its own program, the ``rumorlens`` CLI or ``rumorlens
serve``, nobody had chosen, and its warnings went nowhere: that a PostgreSQL store could not add
its search indexes, that the server's rebuild of the storylines had failed and old ones were
being served, the traceback of an unhandled error behind a 500. The program now prints them on
stderr, in the CLI's own shape: one line, ``warning: ...`` or ``error: ...``; a server (whose
stderr is its log) adds the traceback of an error. ``rumorlens serve --json`` writes them as
JSON lines instead, beside its access log, so a log collector reads one format.
"""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import datetime, timezone

LOGGER = "rumorlens"


def log_line(event: str, **fields) -> None:
    """Write ``{"time": …, "event": event, **fields}`` as one JSON line on stderr (looked up
    now: a test runner or a daemon may have replaced it)."""
    stream = sys.stderr
    stream.write(_json_line(datetime.now(timezone.utc), event, fields) + "\n")
    stream.flush()


def _json_line(when: datetime, event: str, fields: dict) -> str:
    stamp = when.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return json.dumps({"time": stamp, "event": event, **fields}, ensure_ascii=False)


def record_as_json(record: logging.LogRecord, tracebacks: bool = True) -> str:
    """A log record as ``log_line`` writes events: ``"event": "log"`` with its level, logger,
    message and, for an error, the error and (``tracebacks``) its traceback."""
    fields = {"level": record.levelname.lower(), "logger": record.name, "message": record.getMessage()}
    if record.exc_info and record.exc_info[1] is not None:
        fields["error"] = f"{type(record.exc_info[1]).__name__}: {record.exc_info[1]}"
        if tracebacks:
            fields["traceback"] = "".join(traceback.format_exception(*record.exc_info))
    return _json_line(datetime.fromtimestamp(record.created, timezone.utc), "log", fields)


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.tracebacks = False
        self.json = False

    def emit(self, record: logging.LogRecord) -> None:
        try:
            stream = sys.stderr  # looked up now: a test runner or a daemon may have replaced it
            if self.json:
                stream.write(record_as_json(record, self.tracebacks) + "\n")
                stream.flush()
                return
            error = record.exc_info[1] if record.exc_info else None
            text = f"{record.levelname.lower()}: {record.getMessage()}"
            if error is not None:
                text += f" ({type(error).__name__}: {error})"
            stream.write(text + "\n")
            if error is not None and self.tracebacks:
                stream.write("".join(traceback.format_exception(*record.exc_info)))
            stream.flush()
        except Exception:  # noqa: BLE001 - logging must never take the program down
            self.handleError(record)


_handler = _Lines()


def print_library_logs(tracebacks: bool = False, json_lines: bool = False) -> None:
    """Print the ``rumorlens`` loggers' warnings and errors on stderr from now on (once, however
    often it is called); ``tracebacks``: with an error's traceback, for a server's log;
    ``json_lines``: as JSON lines (``log_line``)."""
    _handler.tracebacks = _handler.tracebacks or tracebacks
    _handler.json = _handler.json or json_lines
    logger = logging.getLogger(LOGGER)
    if _handler not in logger.handlers:
        logger.addHandler(_handler)


class JsonFormatter(logging.Formatter):
    """uvicorn's own records (startup, a worker that died) in ``log_line``'s shape, so
    ``serve --json`` writes one format only."""

    def format(self, record: logging.LogRecord) -> str:
        return record_as_json(record)


def uvicorn_json_logging(level: str) -> dict:
    """A ``logging.config.dictConfig`` for ``uvicorn.run(log_config=…)``: its loggers as JSON lines on stderr."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"stderr": handler},
        "loggers": {name: {"handlers": ["stderr"], "level": level.upper(), "propagate": False} for name in ("uvicorn", "uvicorn.error")},
    }
