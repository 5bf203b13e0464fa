"""Server-side sessions, atomic login limits, proxies, CSRF rotation, headers, password rules."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from click.testing import CliRunner

from tests.dialog_helpers import PASSWORD, login, make_user
from web.accounts.passwords import email_problem, password_problem
from web.accounts.services import AccountError, create_user
from web.app import create_app
from web.cli import main as cli
from web.security import CONTENT_SECURITY_POLICY


@pytest.fixture
def fast_config(dialog_config):
    """The dialog fixture settings: a cheap password hash, since these tests log in a lot."""
    return dialog_config


@pytest.fixture
def fast_app(fast_config):
    return create_app(fast_config)


def _cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_cookie_copied_before_logout_opens_nothing_after(fast_app):
    make_user(fast_app, "a@b.ru")
    client = fast_app.test_client()
    login(client, "a@b.ru")
    copied = _cookie(client)
    assert client.post("/logout").status_code == 302
    thief = fast_app.test_client()
    thief.set_cookie("session", copied)
    assert thief.get("/dialogs").status_code == 302  # to /login: the session is gone


def test_password_change_signs_out_other_browsers_but_not_this_one(fast_app):
    make_user(fast_app, "a@b.ru")
    here, there = fast_app.test_client(), fast_app.test_client()
    login(here, "a@b.ru")
    login(there, "a@b.ru")
    assert "Открытых сеансов: 2" in here.get("/account").get_data(as_text=True)
    new = "a-brand-new-passphrase"
    form = {"current_password": PASSWORD, "new_password": new, "new_password_again": new}
    response = here.post("/account/password", data=form)
    assert response.status_code == 200 and "Пароль изменён" in response.get_data(as_text=True)
    assert here.get("/dialogs").status_code == 200
    assert there.get("/dialogs").status_code == 302
    relogin = fast_app.test_client().post("/login", data={"email": "a@b.ru", "password": new})
    assert relogin.status_code == 302


def test_password_change_refuses_weak_or_wrong_and_keeps_the_session(fast_app):
    make_user(fast_app, "a@b.ru")
    client = fast_app.test_client()
    login(client, "a@b.ru")
    weak = {"current_password": PASSWORD, "new_password": "qwertyuiop"}
    response = client.post("/account/password", data={**weak, "new_password_again": "qwertyuiop"})
    assert response.status_code == 422 and "распространён" in response.get_data(as_text=True)
    wrong = {"current_password": "nope", "new_password": "x" * 3 + "long-enough-1"}
    response = client.post("/account/password", data={**wrong, "new_password_again": "xxx"})
    assert response.status_code == 422 and "не совпадают" in response.get_data(as_text=True)
    assert client.get("/dialogs").status_code == 200


def test_logout_everywhere_ends_every_session(fast_app):
    make_user(fast_app, "a@b.ru")
    clients = [fast_app.test_client() for _ in range(3)]
    for client in clients:
        login(client, "a@b.ru")
    assert clients[0].post("/account/logout-everywhere").status_code == 302
    assert all(c.get("/dialogs").status_code == 302 for c in clients)


def _parallel_wrong_passwords(app, email: str, count: int) -> list[int]:
    def attempt(_):
        client = app.test_client()
        return client.post("/login", data={"email": email, "password": "wrong-guess-1"}).status_code

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(attempt, range(count)))


def test_forty_parallel_guesses_get_exactly_five_checks(dialog_config, db_url):
    app = create_app({**dialog_config, "DATABASE_URL": db_url, "LOGIN_MAX_PER_ADDRESS": 100})
    make_user(app, "a@b.ru")
    statuses = _parallel_wrong_passwords(app, "a@b.ru", 40)
    assert statuses.count(401) == 5, statuses  # checked (and wrong)
    assert statuses.count(429) == 35
    app.extensions["spravka.db_engine"].dispose()


def test_one_address_cannot_guess_across_many_emails(fast_config):
    app = create_app({**fast_config, "LOGIN_MAX_PER_ADDRESS": 3})
    for n in range(3):
        response = app.test_client().post(
            "/login", data={"email": f"u{n}@b.ru", "password": "wrong-guess-1"}
        )
        assert response.status_code == 401
    blocked = app.test_client().post("/login", data={"email": "u9@b.ru", "password": "x"})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0
    other = app.test_client().post(
        "/login",
        data={"email": "u9@b.ru", "password": "x"},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other.status_code == 401


def test_forwarded_addresses_count_only_behind_trusted_proxies(fast_config):
    def guesses(app, forwarded: list[str]) -> list[int]:
        return [
            app.test_client()
            .post(
                "/login",
                data={"email": f"p{i}@b.ru", "password": "wrong-guess-1"},
                headers={"X-Forwarded-For": address},
            )
            .status_code
            for i, address in enumerate(forwarded)
        ]

    addresses = [f"203.0.113.{n}" for n in range(4)]
    direct = create_app({**fast_config, "LOGIN_MAX_PER_ADDRESS": 2})
    # Without a trusted proxy a forged header changes nothing: one client, one address.
    assert guesses(direct, addresses) == [401, 401, 429, 429]
    proxied = create_app(
        {**fast_config, "LOGIN_MAX_PER_ADDRESS": 2, "TRUSTED_PROXIES": 1}
        | {"INSTANCE": fast_config["INSTANCE"] + "-proxied"}
    )
    assert guesses(proxied, addresses) == [401, 401, 401, 401]


def test_the_csrf_token_changes_at_login(fast_config):
    app = create_app({**fast_config, "WTF_CSRF_ENABLED": True})
    make_user(app, "a@b.ru")
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    before = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = {"email": "a@b.ru", "password": PASSWORD, "csrf_token": before}
    assert client.post("/login", data=data).status_code == 302
    after = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/dialogs").get_data(True))
    assert after and after.group(1) != before
    # The token an attacker may have planted before login no longer works.
    refused = client.post("/logout", data={"csrf_token": before})
    assert refused.status_code == 400


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I)


def test_every_page_has_a_csp_and_no_inline_script_or_style(fast_app):
    make_user(fast_app, "s@b.ru")
    make_user(fast_app, "e@b.ru", "editor")
    guest, seller, editor = fast_app.test_client(), fast_app.test_client(), fast_app.test_client()
    login(seller, "s@b.ru")
    login(editor, "e@b.ru")
    pages = [
        (guest, "/"),
        (guest, "/search?q=возврат"),
        (guest, "/login"),
        (guest, "/nope"),
        (seller, "/dialogs"),
        (seller, "/dialogs/new"),
        (seller, "/account"),
        (editor, "/editor"),
        (editor, "/editor/insights"),
    ]
    for client, url in pages:
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        assert " style=" not in html and "<style" not in html, url
        assert not INLINE_SCRIPT.search(html), url
        assert not re.search(r"\son[a-z]+=", html), url  # no inline event handlers


def test_private_pages_are_not_stored_and_https_adds_hsts(fast_config):
    app = create_app(fast_config)
    make_user(app, "s@b.ru")
    guest = app.test_client()
    assert "no-store" not in guest.get("/").headers.get("Cache-Control", "")
    assert guest.get("/login").headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in guest.get("/").headers
    seller = app.test_client()
    login(seller, "s@b.ru")
    for url in ("/dialogs", "/", "/account"):
        assert seller.get(url).headers["Cache-Control"] == "no-store", url
    secure = create_app({**fast_config, "HTTPS": True, "INSTANCE": fast_config["INSTANCE"] + "s"})
    make_user(secure, "s@b.ru")
    response = secure.test_client().post("/login", data={"email": "s@b.ru", "password": PASSWORD})
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


@pytest.mark.parametrize(
    ("password", "fragment"),
    [
        ("short-1", "не короче 10"),
        ("1234567890", "распространён"),
        ("QwertyUiop", "распространён"),
        ("aaaaaaaaaaaa", "распространён"),
        ("sellerseller1", "повторять адрес"),
    ],
)
def test_weak_passwords_are_refused(password, fragment):
    assert fragment in password_problem(password, "sellerseller@b.ru")


def test_good_passwords_and_emails_pass():
    assert password_problem(PASSWORD) is None
    assert email_problem("Иван@почта.рф") is None
    assert email_problem("seller@demo.local") is None
    for bad in ("a@b", "a..b@x.ru", "no-at-sign", "a b@c.ru"):
        assert "Некорректный адрес" in email_problem(bad), bad


def test_account_creation_applies_both_rules(fast_app):
    with fast_app.app_context():
        with pytest.raises(AccountError, match="распространён"):
            create_user("a@b.ru", "password123", "seller")
        with pytest.raises(AccountError, match="Некорректный адрес"):
            create_user("a@b", PASSWORD, "seller")


def test_the_cli_applies_the_password_rules(tmp_path):
    env = {"SPRAVKA_INSTANCE": str(tmp_path / "cli")}
    args = ["users", "add", "--email", "x@b.ru", "--role", "seller", "--password"]
    result = CliRunner().invoke(cli, [*args, "qwerty12345"], env=env)
    assert result.exit_code == 1 and "распространён" in result.output
    result = CliRunner().invoke(cli, ["users", "add", "--email", "x@b", "--role", "seller",
                                      "--password", PASSWORD], env=env)  # fmt: skip
    assert result.exit_code == 1 and "Некорректный адрес" in result.output
