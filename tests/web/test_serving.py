"""Two `spravka serve` nodes (separate instance folders) sharing PostgreSQL, Redis, content
and index: a save on one is served by the other within a second, a login limit hit on one
holds on the other, a logout on one ends the session on the other."""

from __future__ import annotations

import http.cookiejar
import os
import re
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import POSTGRES_URL, _postgres_schema_url
from tests.dialog_helpers import PASSWORD

REDIS_URL = os.environ.get("SPRAVKA_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


class Browser:
    """A cookie jar and a CSRF token: enough of a browser for forms on a real server."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect()
        )

    def request(self, url: str, data: dict | None = None) -> tuple[int, str]:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=10) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def post_form(self, page_url: str, action_url: str, data: dict) -> tuple[int, str]:
        """GET a page for its CSRF token, then POST the form with it."""
        _, page = self.request(page_url)
        token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
        return self.request(action_url, {**data, "csrf_token": token})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is what the tests look at


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _redis_or_skip() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as exc:
        if os.environ.get("CI"):
            pytest.fail(f"Redis at {REDIS_URL} is unreachable in CI: {exc}")
        pytest.skip(f"Redis at {REDIS_URL} is unreachable")


def _wait_until_up(process: subprocess.Popen, base: str, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"node exited {process.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(base + "/", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"node at {base} did not start:\n{log.read_text()}")


@pytest.fixture(scope="module")
def two_nodes(tmp_path_factory, helpcenter_content_root, helpcenter_index_dir):
    """Two nodes on one PostgreSQL schema, one Redis prefix, one content and index folder."""
    _redis_or_skip()
    tmp_path = tmp_path_factory.mktemp("nodes")
    url, drop = _postgres_schema_url(os.environ.get("SPRAVKA_TEST_POSTGRES_URL", POSTGRES_URL))
    content, index = tmp_path / "content", tmp_path / "index"
    shutil.copytree(helpcenter_content_root, content)  # copy2 keeps mtimes: the index fits
    shutil.copytree(helpcenter_index_dir, index)
    env = {
        **os.environ,
        "SPRAVKA_DATABASE_URL": url,
        "SPRAVKA_REDIS_URL": REDIS_URL,
        "SPRAVKA_REDIS_PREFIX": "test-" + secrets.token_hex(6),
        "SPRAVKA_SECRET_KEY": secrets.token_hex(32),  # every node signs cookies alike
        "SPRAVKA_CONTENT": str(content),
        "SPRAVKA_INDEX_DIR": str(index),
        "SPRAVKA_DEMO_ACCOUNTS": "0",
        "SPRAVKA_PASSWORD_HASH_METHOD": "scrypt:1024:8:1",
        "SPRAVKA_ANALYTICS_ENABLED": "0",
    }
    _create_accounts(env, tmp_path / "setup")
    nodes, processes = [], []
    for name in ("a", "b"):
        port = _free_port()
        log = tmp_path / f"{name}.log"
        node_env = {**env, "SPRAVKA_INSTANCE": str(tmp_path / f"instance-{name}")}
        command = [sys.executable, "-m", "web.cli", "serve", "--port", str(port), "--workers", "1"]
        with open(log, "wb") as out:
            processes.append(
                subprocess.Popen(command, env=node_env, stdout=out, stderr=subprocess.STDOUT)
            )
        nodes.append((f"http://127.0.0.1:{port}", log))
    try:
        for process, (base, log) in zip(processes, nodes, strict=True):
            _wait_until_up(process, base, log)
        yield [base for base, _ in nodes]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)
        drop()


def _create_accounts(env: dict, instance: Path) -> None:
    command = [sys.executable, "-m", "web.cli", "users", "add", "--password", PASSWORD]
    accounts = (("editor@b.ru", "editor"), ("seller@b.ru", "seller"), ("other@b.ru", "seller"))
    for email, role in accounts:
        subprocess.run(
            [*command, "--email", email, "--role", role],
            env={**env, "SPRAVKA_INSTANCE": str(instance)},
            check=True,
            capture_output=True,
        )


def _login(browser: Browser, base: str, email: str, password: str = PASSWORD) -> int:
    status, _ = browser.post_form(
        base + "/login", base + "/login", {"email": email, "password": password}
    )
    return status


def test_a_save_on_one_node_is_served_by_the_other_within_a_second(two_nodes):
    a, b = two_nodes
    editor = Browser()
    assert _login(editor, a, "editor@b.ru") == 302
    word = "зебромангуст"
    article = {
        "slug": "",
        "category": "support",
        "title": f"Как вернуть {word} на склад",
        "topics": ["response"],
        "tags": word,
        "summary": "Проверка двух узлов.",
        "status": "published",
        "body": f"Текст про {word}.\n",
    }
    status, page = editor.post_form(a + "/editor/article/new", a + "/editor/article/new", article)
    saved = time.monotonic()
    assert status == 302, page[:2000]

    def found() -> bool:
        _, body = Browser().request(b + "/api/search?q=" + urllib.parse.quote(word))
        return word in body

    while not found():
        assert time.monotonic() - saved < 1.0, "node B still serves the old index after 1 s"
        time.sleep(0.05)


def test_a_login_limit_hit_on_one_node_holds_on_the_other(two_nodes):
    a, b = two_nodes
    for _ in range(5):
        assert _login(Browser(), a, "seller@b.ru", "wrong-guess-1") == 401
    assert _login(Browser(), b, "seller@b.ru") == 429  # even the right password waits


def test_a_logout_on_one_node_ends_the_session_on_the_other(two_nodes):
    a, b = two_nodes
    seller = Browser()
    assert _login(seller, a, "other@b.ru") == 302
    copy = Browser()
    for cookie in seller.jar:
        copy.jar.set_cookie(cookie)  # the same cookie, as if copied to another device
    assert copy.request(b + "/dialogs")[0] == 200
    status, _ = seller.post_form(a + "/dialogs", a + "/logout", {})
    assert status == 302
    assert copy.request(b + "/dialogs")[0] == 302  # sent to /login: the session is gone
