"""``rumorlens`` command line: a thin layer over the library, one module per area."""

from __future__ import annotations

from . import batch, check, corpus, learn, serve  # noqa: F401  (each registers its commands)
from .app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
