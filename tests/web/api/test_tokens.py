"""Tokens: the CLI prints one as its last word; sellers and agents manage their own on /profile."""

from __future__ import annotations

import re

from click.testing import CliRunner

from tests.dialog_helpers import PASSWORD, login, make_user
from tests.web.api.conftest import bearer
from web.cli import main


def _cli(args, app_config):
    env = {
        "SPRAVKA_INSTANCE": app_config["INSTANCE"],
        "SPRAVKA_CONTENT": app_config["CONTENT"],
        "SPRAVKA_INDEX_DIR": app_config["INDEX_DIR"],
    }
    return CliRunner().invoke(main, args, env=env)


def test_cli_create_list_revoke(dialog_config, api_app):
    make_user(api_app, "s@example.com", "seller")
    created = _cli(
        ["tokens", "create", "--email", "S@example.com", "--name", "телефон"], dialog_config
    )
    assert created.exit_code == 0, created.output
    token = created.output.split()[-1]
    client = api_app.test_client()
    assert client.get("/api/v1/me", headers=bearer(token)).get_json()["email"] == "s@example.com"
    listed = _cli(["tokens", "list"], dialog_config)
    assert "s@example.com" in listed.output and "телефон" in listed.output
    assert token not in listed.output
    token_id = listed.output.split("\t")[0]
    revoked = _cli(["tokens", "revoke", token_id], dialog_config)
    assert revoked.exit_code == 0, revoked.output
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 401
    assert "revoked" in _cli(["tokens", "list"], dialog_config).output


def test_cli_refuses_unknown_email(dialog_config, api_app):
    result = _cli(["tokens", "create", "--email", "nobody@example.com"], dialog_config)
    assert result.exit_code != 0 and "no account" in result.output


def _profile_client(app, email, role="seller"):
    make_user(app, email, role)
    client = app.test_client()
    login(client, email)
    return client


def test_profile_creates_a_token_shown_once_and_revokes_it(api_app):
    client = _profile_client(api_app, "p@example.com")
    page = client.post("/profile/tokens", data={"name": "Мой телефон"})
    assert page.status_code == 201
    token = re.search(r'class="token-value">([^<]+)<', page.get_data(as_text=True)).group(1)
    api = api_app.test_client()
    assert api.get("/api/v1/me", headers=bearer(token)).status_code == 200
    again = client.get("/profile").get_data(as_text=True)
    assert "Мой телефон" in again and token not in again
    token_id = re.search(r"/profile/tokens/(\d+)/revoke", again).group(1)
    assert client.post(f"/profile/tokens/{token_id}/revoke").status_code == 302
    assert api.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_profile_cannot_revoke_someone_elses_token(api_app):
    owner = _profile_client(api_app, "owner@example.com")
    page = owner.post("/profile/tokens", data={"name": "x"}).get_data(as_text=True)
    token = re.search(r'class="token-value">([^<]+)<', page).group(1)
    token_id = re.search(r"/profile/tokens/(\d+)/revoke", page).group(1)
    other = _profile_client(api_app, "other@example.com", "agent")
    assert other.post(f"/profile/tokens/{token_id}/revoke").status_code == 404
    assert api_app.test_client().get("/api/v1/me", headers=bearer(token)).status_code == 200


def test_profile_is_for_sellers_and_agents(api_app):
    editor = _profile_client(api_app, "ed@example.com", "editor")
    assert editor.get("/profile").status_code == 403
    guest = api_app.test_client().get("/profile")
    assert guest.status_code == 302 and "/login" in guest.headers["Location"]
    assert PASSWORD
