"""Shared fixtures: the app, its client, a temporary database and a once-per-session index."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.engine import SearchEngine
from web.app import create_app

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def content_root() -> Path:
    """The shipped content (kb/ and articles/ of the project)."""
    return PROJECT


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, content_root) -> Path:
    """An index of the shipped content, built once per test session."""
    path = tmp_path_factory.mktemp("index")
    SearchEngine(content_root, path).ensure_index()
    return path


@pytest.fixture(scope="session")
def engine(index_dir, content_root) -> SearchEngine:
    """A search engine over the session index."""
    eng = SearchEngine(content_root, index_dir)
    eng.ensure_index()
    return eng


@pytest.fixture
def app_config(tmp_path, index_dir, content_root) -> dict:
    """Settings for a test app: a fresh instance folder (so a fresh SQLite database)."""
    return {
        "INSTANCE": str(tmp_path / "instance"),
        "INDEX_DIR": str(index_dir),
        "CONTENT": str(content_root),
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "DEMO_ACCOUNTS": False,
    }


@pytest.fixture
def app(app_config):
    """A Spravka app on a temporary SQLite database."""
    return create_app(app_config)


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()
