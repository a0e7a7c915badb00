"""The REST API and dashboard server: ``create_app(store=..., judge=..., token=...)``."""

from .app import create_app

__all__ = ["create_app"]
