"""The app's one SearchEngine: created by the factory, reloaded when content changes."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app

from search.engine import SearchEngine


def init_search(app: Flask) -> SearchEngine:
    """Create the engine over the configured content and the instance's index folder."""
    engine = SearchEngine(
        content_root=Path(app.config["CONTENT"]),
        index_root=Path(app.config["INDEX_DIR"]),
        reload_interval=app.config["RELOAD_INTERVAL"],
        semantic=app.config["SEMANTIC"],
    )
    engine.ensure_index()
    app.extensions["spravka.search"] = engine

    @app.before_request
    def _pick_up_content_changes() -> None:
        engine.maybe_reload()

    return engine


def engine() -> SearchEngine:
    """The current app's search engine."""
    return current_app.extensions["spravka.search"]
