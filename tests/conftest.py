"""Shared fixtures: the app, its client, a temporary database and a once-per-session index."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.engine import SearchEngine
from web.app import create_app

PROJECT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def build_index_once(tmp_path_factory, root: Path, name: str) -> Path:
    """Build an index of the content under `root` in a fresh session folder."""
    path = tmp_path_factory.mktemp(name)
    SearchEngine(root, path).ensure_index()
    return path


@pytest.fixture(scope="session")
def content_root() -> Path:
    """The shipped content (kb/ and articles/ of the project)."""
    return PROJECT


@pytest.fixture(scope="session")
def index_dir(tmp_path_factory, content_root) -> Path:
    """An index of the shipped content, built once per test session."""
    return build_index_once(tmp_path_factory, content_root, "index")


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
        "ANALYTICS_BACKGROUND": False,
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


@pytest.fixture(scope="session")
def helpcenter_content_root() -> Path:
    """A small, stable help center (drafts, redirects, unsafe Markdown) for UI tests."""
    return FIXTURES / "helpcenter"


@pytest.fixture(scope="session")
def helpcenter_index_dir(tmp_path_factory, helpcenter_content_root) -> Path:
    """An index of the help-center fixture content, built once per session."""
    return build_index_once(tmp_path_factory, helpcenter_content_root, "helpcenter-index")


@pytest.fixture
def editor_content(tmp_path, content_root) -> Path:
    """A writable copy of the shipped kb/ and articles/; editor tests never touch the real ones."""
    import shutil

    root = tmp_path / "content"
    for name in ("kb", "articles"):
        shutil.copytree(content_root / name, root / name)
    return root


@pytest.fixture
def editor_app(app_config, editor_content, index_dir, tmp_path):
    """An app over the content copy, with its own index (so saves can rebuild it)."""
    import shutil

    # A copy of the session's index: same content, so no rebuild is needed to start.
    own_index = tmp_path / "ed-index"
    shutil.copytree(index_dir, own_index)
    config = {
        **app_config,
        "CONTENT": str(editor_content),
        "INDEX_DIR": str(own_index),
        # Logins are not what editor tests test; a cheap hash keeps each sign-in fast.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }
    return create_app(config)


@pytest.fixture
def sign_in():
    """sign_in(app, client, role) creates an account of that role and logs the client in."""
    counter = iter(range(1, 10_000))

    def _sign_in(app, client, role: str) -> int:
        from web.accounts.services import create_user

        email = f"{role}{next(counter)}@example.com"
        with app.app_context():
            user_id = create_user(email, "correct-horse-1", role).id
        response = client.post("/login", data={"email": email, "password": "correct-horse-1"})
        assert response.status_code == 302, response.status_code
        return user_id

    return _sign_in


@pytest.fixture
def editor_client(editor_app, sign_in):
    """A test client signed in as an editor of the content copy."""
    client = editor_app.test_client()
    sign_in(editor_app, client, "editor")
    return client


# -- support dialogs (accounts, dialogs, agent queue) -----------------------------------
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session")
def dialog_content_root() -> Path:
    """A small, stable help center for the dialog tests (categories, topics, common answers)."""
    return FIXTURES / "dialogs"


@pytest.fixture(scope="session")
def dialog_index_dir(tmp_path_factory, dialog_content_root) -> Path:
    """An index of the dialog fixture content, built once per session."""
    return build_index_once(tmp_path_factory, dialog_content_root, "dialog-index")


@pytest.fixture(scope="session")
def sample_files() -> Path:
    """Real sample uploads: PDF, PNG, JPEG, DOCX, XLSX, XLS, ZIP and renamed executables."""
    return FIXTURES / "dialogs" / "files"


def _postgres_schema_url(base: str):
    """Create a fresh schema on the test server; returns (url, drop) or skips/fails."""
    import os
    import secrets

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.pool import NullPool

    admin = create_engine(base, poolclass=NullPool)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"PostgreSQL at {base} is unreachable in CI: {exc}")
        pytest.skip(f"PostgreSQL at {base} is unreachable")
    schema = "t_" + secrets.token_hex(6)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    return f"{base}?options=-csearch_path%3D{schema}", drop


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """A fresh database: SQLite in tmp_path, or a new schema on the PostgreSQL test server.

    PostgreSQL is skipped only when the server is unreachable outside CI; with CI set, an
    unreachable server fails the test.
    """
    import os

    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'dialogs.db'}"
        return
    url, drop = _postgres_schema_url(os.environ.get("SPRAVKA_TEST_POSTGRES_URL", POSTGRES_URL))
    try:
        yield url
    finally:
        drop()


@pytest.fixture
def dialog_config(app_config, dialog_content_root, dialog_index_dir) -> dict:
    """Test settings over the dialog fixture content (SQLite unless a test overrides it)."""
    return {
        **app_config,
        "CONTENT": str(dialog_content_root),
        "INDEX_DIR": str(dialog_index_dir),
        # Hash cost is not what dialog tests test (test_auth checks the real default), and
        # at N=2^15 each login costs ~0.3 s here.
        "PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
    }


@pytest.fixture
def dialog_app(dialog_config):
    """An app over the dialog fixture content on a fresh SQLite database."""
    app = create_app(dialog_config)
    yield app
    app.extensions["spravka.db_engine"].dispose()


@pytest.fixture
def dialog_app_any_db(dialog_config, db_url):
    """The same app on each database in turn (SQLite, then PostgreSQL)."""
    app = create_app({**dialog_config, "DATABASE_URL": db_url})
    yield app
    app.extensions["spravka.db_engine"].dispose()
