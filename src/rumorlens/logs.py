"""Where the library's own log lines go when rumorlens runs as a program.

As a library, rumorlens only gives its loggers a ``NullHandler``: where logs go is the
application's choice. So when it ran as its own program, the ``rumorlens`` CLI or ``rumorlens
serve``, nobody had chosen, and its warnings went nowhere: that a PostgreSQL store could not add
its search indexes, that the server's rebuild of the storylines had failed and old ones were
being served, the traceback of an unhandled error behind a 500. The program now prints them on
stderr, in the CLI's own shape: one line, ``warning: ...`` or ``error: ...``; a server (whose
stderr is its log) adds the traceback of an error.
"""

from __future__ import annotations

import logging
import sys
import traceback

LOGGER = "rumorlens"


class _Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.WARNING)
        self.tracebacks = False

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = f"{record.levelname.lower()}: {record.getMessage()}"
            error = record.exc_info[1] if record.exc_info else None
            if error is not None:
                text += f" ({type(error).__name__}: {error})"
            stream = sys.stderr  # looked up now: a test runner or a daemon may have replaced it
            stream.write(text + "\n")
            if error is not None and self.tracebacks:
                stream.write("".join(traceback.format_exception(*record.exc_info)))
            stream.flush()
        except Exception:  # noqa: BLE001 - logging must never take the program down
            self.handleError(record)


_handler = _Lines()


def print_library_logs(tracebacks: bool = False) -> None:
    """Print the ``rumorlens`` loggers' warnings and errors on stderr from now on (once, however
    often it is called); ``tracebacks``: with an error's traceback, for a server's log."""
    _handler.tracebacks = _handler.tracebacks or tracebacks
    logger = logging.getLogger(LOGGER)
    if _handler not in logger.handlers:
        logger.addHandler(_handler)
