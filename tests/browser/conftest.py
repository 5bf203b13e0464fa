"""Browser fixtures shared by every browser test: a live server, one Chromium, a page per test.

- `live_app_config` (module scope): the settings of the app under test. Override it in a
  test module (same name, module scope) to run that module's server on other content,
  another database or with other settings. CSRF protection stays on: a real browser
  must send real tokens.
- `dialog_live_app_config` (module scope): the same over the small dialog fixture content
  (tests/fixtures/dialogs) with fast password hashes; a module serves it by overriding
  `live_app_config` with it.
- `content_copy` (module scope): a writable copy of the shipped kb/ and articles/, for
  modules whose editor saves (the project's own content is never written).
- `live_server` (module scope): the app served by werkzeug in a background thread on
  127.0.0.1 and a free port; `live_server.url` is the base URL, `live_server.app` the app
  (use `with live_server.app.app_context():` to create users or read the database).
- `browser` (session scope): one headless Debian Chromium for the whole session.
- `context` / `page` (per test): a fresh context (cookies, storage) and a page in it.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from web.app import create_app

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items) -> None:
    """Every test under tests/browser/ is a browser test (`-m "not browser"` skips them)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


@dataclass
class LiveServer:
    """A running app: its base URL (no trailing slash) and the Flask app itself."""

    url: str
    app: Flask

    def __call__(self, path: str = "/") -> str:
        """Absolute URL of a path on this server."""
        return self.url + path


def _live_settings(tmp_path_factory, name: str, index_dir: Path, content: Path, **extra) -> dict:
    """A live app on a fresh instance folder over the given index and content; CSRF on."""
    return {
        "INSTANCE": str(tmp_path_factory.mktemp(name)),
        "INDEX_DIR": str(index_dir),
        "CONTENT": str(content),
        "TESTING": True,
        "DEMO_ACCOUNTS": False,
        **extra,
    }


@pytest.fixture(scope="module")
def live_app_config(tmp_path_factory, index_dir, content_root) -> dict:
    """Settings of the live app: shipped content, a fresh instance folder, CSRF on."""
    return _live_settings(
        tmp_path_factory, "live-instance", index_dir, content_root, ANALYTICS_BACKGROUND=False
    )


@pytest.fixture(scope="module")
def dialog_live_app_config(tmp_path_factory, dialog_index_dir, dialog_content_root) -> dict:
    """The dialog fixture content on a fresh SQLite database; CSRF stays on."""
    return _live_settings(
        tmp_path_factory,
        "live-dialogs",
        dialog_index_dir,
        dialog_content_root,
        PASSWORD_HASH_METHOD="scrypt:1024:8:1",
    )


@pytest.fixture(scope="module")
def content_copy(tmp_path_factory, content_root) -> Path:
    """A module-wide writable copy of the shipped content (the real tree is never written)."""
    root = tmp_path_factory.mktemp("content-copy")
    for name in ("kb", "articles"):
        shutil.copytree(content_root / name, root / name)
    return root


@pytest.fixture(scope="module")
def live_server(live_app_config) -> Iterator[LiveServer]:
    """The app served on 127.0.0.1 with a free port in a background thread."""
    app = create_app(live_app_config)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", app)
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium (Debian's) for the whole session."""
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        message = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs it; a skip there would hide the browser tests
        pytest.skip(message)
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def context(browser):
    """A fresh browser context (own cookies and storage), Russian locale, desktop size."""
    ctx = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(10_000)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context):
    """A page in a fresh context."""
    return context.new_page()


@pytest.fixture(scope="session")
def artifacts_dir() -> Path:
    """Folder for screenshots and other test artifacts (git-ignored)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
