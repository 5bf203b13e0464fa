"""Accounts: hashing, login/logout, roles, the login rate limit, sessions, CSRF, demo and CLI."""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from tests.dialog_helpers import PASSWORD, login, make_user
from web.accounts.models import User
from web.accounts.services import AccountError, create_user
from web.app import create_app
from web.cli import main as cli
from web.database import db


def test_passwords_are_stored_as_scrypt_hashes(app):
    with app.app_context():
        user = create_user("  Seller@Example.COM ", PASSWORD, "seller")
        assert user.email == "seller@example.com"
        assert user.password_hash.startswith("scrypt:32768:8:1$")
        assert PASSWORD not in user.password_hash
        assert user.check_password(PASSWORD) and not user.check_password("wrong")


@pytest.mark.parametrize(
    ("email", "password", "role", "fragment"),
    [
        ("no-at-sign", PASSWORD, "seller", "Некорректный адрес"),
        ("a@b.ru", "short", "seller", "не короче"),
        ("a@b.ru", PASSWORD, "admin", "Роль"),
    ],
)
def test_bad_accounts_are_refused(app, email, password, role, fragment):
    with app.app_context(), pytest.raises(AccountError, match=fragment):
        create_user(email, password, role)


def test_duplicate_email_is_refused(app):
    make_user(app, "a@b.ru")
    with app.app_context(), pytest.raises(AccountError, match="уже существует"):
        create_user("A@B.ru", PASSWORD, "agent")


@pytest.mark.parametrize(
    ("role", "home"), [("seller", "/dialogs"), ("agent", "/agent"), ("editor", "/editor")]
)
def test_login_lands_on_the_roles_home(app, role, home):
    make_user(app, f"{role}@b.ru", role)
    client = app.test_client()
    response = client.post("/login", data={"email": f"{role}@b.ru", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"] == home


def test_wrong_password_and_unknown_email_get_the_same_answer(app):
    make_user(app, "a@b.ru")
    client = app.test_client()
    wrong = client.post("/login", data={"email": "a@b.ru", "password": "nope-nope"})
    unknown = client.post("/login", data={"email": "x@b.ru", "password": "nope-nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert "Неверная почта или пароль" in wrong.get_data(as_text=True)
    assert "Неверная почта или пароль" in unknown.get_data(as_text=True)
    assert 'value="a@b.ru"' in wrong.get_data(as_text=True)  # the email is kept


@pytest.mark.parametrize("target", ["//evil.example/x", "https://evil.example/", "/\\evil"])
def test_next_never_leaves_the_site(app, target):
    make_user(app, "a@b.ru")
    response = app.test_client().post(
        "/login", data={"email": "a@b.ru", "password": PASSWORD, "next": target}
    )
    assert response.headers["Location"] == "/dialogs"


def test_roles_guard_pages(app):
    guest = app.test_client()
    response = guest.get("/dialogs")
    assert response.status_code == 302 and response.headers["Location"] == "/login?next=/dialogs"
    make_user(app, "agent@b.ru", "agent")
    agent = app.test_client()
    login(agent, "agent@b.ru")
    assert agent.get("/dialogs").status_code == 403
    assert agent.get("/dialogs/new").status_code == 403


def test_logout_is_a_post_and_ends_the_session(app):
    make_user(app, "a@b.ru")
    client = app.test_client()
    login(client, "a@b.ru")
    assert client.get("/dialogs").status_code == 200
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 302
    assert client.get("/dialogs").status_code == 302


def test_changing_the_password_ends_other_sessions(app):
    make_user(app, "a@b.ru")
    client = app.test_client()
    login(client, "a@b.ru")
    from werkzeug.security import generate_password_hash

    with app.app_context():
        user = db().scalar(select(User))
        user.password_hash = generate_password_hash("another-pass-1")
        db().commit()
    assert client.get("/dialogs").status_code == 302


def test_disabled_accounts_cannot_log_in(app):
    make_user(app, "a@b.ru")
    with app.app_context():
        db().scalar(select(User)).active = False
        db().commit()
    response = app.test_client().post("/login", data={"email": "a@b.ru", "password": PASSWORD})
    assert response.status_code == 401


def test_login_attempts_are_limited_across_workers(app_config):
    config = {**app_config, "LOGIN_MAX_ATTEMPTS": 3, "LOGIN_WINDOW": 600}
    worker_a, worker_b = create_app(config), create_app(config)  # two workers, one database
    make_user(worker_a, "a@b.ru")
    for _ in range(3):
        bad = worker_a.test_client().post(
            "/login", data={"email": "a@b.ru", "password": "guess-123"}
        )
        assert bad.status_code == 401
    blocked = worker_b.test_client().post("/login", data={"email": "a@b.ru", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "Слишком много неудачных попыток" in blocked.get_data(as_text=True)
    # Another account is not affected.
    make_user(worker_b, "c@b.ru")
    login(worker_b.test_client(), "c@b.ru")


def test_success_clears_the_failures(app_config):
    app = create_app({**app_config, "LOGIN_MAX_ATTEMPTS": 3})
    make_user(app, "a@b.ru")
    client = app.test_client()
    for _ in range(2):
        client.post("/login", data={"email": "a@b.ru", "password": "guess-123"})
    login(client, "a@b.ru")
    for _ in range(2):
        assert (
            client.post("/login", data={"email": "a@b.ru", "password": "x-123456"}).status_code
            == 401
        )
    login(client, "a@b.ru")


def test_pages_cannot_be_framed_or_leak_their_url(app):
    for url in ("/", "/login", "/search?q=возврат", "/no-such-page"):
        headers = app.test_client().get(url).headers
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_flags(app_config):
    app = create_app({**app_config, "SESSION_COOKIE_SECURE": True})
    make_user(app, "a@b.ru")
    response = app.test_client().post("/login", data={"email": "a@b.ru", "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" in cookie


def test_login_form_needs_the_csrf_token(app_config):
    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    make_user(app, "a@b.ru")
    client = app.test_client()
    refused = client.post("/login", data={"email": "a@b.ru", "password": PASSWORD})
    assert refused.status_code == 400
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post(
        "/login", data={"email": "a@b.ru", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_csrf_token_outlives_an_hour_spent_on_a_form(app_config):
    import time

    from itsdangerous import TimestampSigner, URLSafeTimedSerializer

    class TwoHoursAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 7200

    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    make_user(app, "a@b.ru")
    client = app.test_client()
    client.get("/login")
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    token = URLSafeTimedSerializer(app.secret_key, "wtf-csrf-token", signer=TwoHoursAgo).dumps(raw)
    response = client.post(
        "/login", data={"email": "a@b.ru", "password": PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302
    # Still bound to the session: another browser cannot use it.
    other = app.test_client()
    other.get("/login")
    refused = other.post(
        "/login", data={"email": "a@b.ru", "password": PASSWORD, "csrf_token": token}
    )
    assert refused.status_code == 400


def test_demo_accounts_on_first_start(app_config, capsys):
    app = create_app({**app_config, "DEMO_ACCOUNTS": True})
    out = capsys.readouterr().out
    path = Path(app.instance_path) / "demo-accounts.txt"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    lines = [line.split("\t") for line in path.read_text().splitlines() if "\t" in line]
    assert [email for email, _ in lines] == [
        "seller@demo.local",
        "agent@demo.local",
        "editor@demo.local",
    ]
    for email, password in lines:
        assert password in out
        client = app.test_client()
        assert client.post("/login", data={"email": email, "password": password}).status_code == 302
    create_app({**app_config, "DEMO_ACCOUNTS": True})  # a restart creates nothing new
    assert "пароль" not in capsys.readouterr().out
    with app.app_context():
        assert db().scalar(select(func.count(User.id))) == 3


def _run(args, instance, **kwargs):
    env = {"SPRAVKA_INSTANCE": str(instance)}
    return CliRunner().invoke(cli, args, env=env, **kwargs)


def test_cli_users_add_prompts_and_refuses_duplicates(tmp_path, app_config):
    instance = tmp_path / "cli"
    result = _run(
        ["users", "add", "--email", "Agent@b.ru", "--role", "agent"],
        instance,
        input="secret-pass-9\nsecret-pass-9\n",
    )
    assert result.exit_code == 0, result.output
    assert "created agent agent@b.ru" in result.output
    again = _run(
        [
            "users",
            "add",
            "--email",
            "agent@b.ru",
            "--role",
            "seller",
            "--password",
            "another-pass-1",
        ],
        instance,
    )
    assert again.exit_code == 1 and "уже существует" in again.output
    short = _run(
        ["users", "add", "--email", "x@b.ru", "--role", "seller", "--password", "1"], instance
    )
    assert short.exit_code == 1 and "не короче" in short.output
    listing = _run(["users", "list"], instance)
    assert "agent@b.ru\tagent" in listing.output
    app = create_app({**app_config, "INSTANCE": str(instance)})
    client = app.test_client()
    assert (
        client.post("/login", data={"email": "agent@b.ru", "password": "secret-pass-9"}).status_code
        == 302
    )


def test_cli_demo_creates_then_resets(tmp_path):
    instance = tmp_path / "cli"
    first = _run(["demo"], instance)
    assert first.exit_code == 0 and "seller@demo.local" in first.output
    assert "уже есть" in _run(["demo"], instance).output
    reset = _run(["demo", "--reset"], instance)
    assert reset.exit_code == 0 and "agent@demo.local" in reset.output
    text = (instance / "demo-accounts.txt").read_text()
    assert text.count("@demo.local") == 3
