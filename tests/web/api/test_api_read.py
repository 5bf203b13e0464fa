"""/api/v1 reading endpoints through the Flask client: me, search, categories, entries, errors."""

from __future__ import annotations

from tests.dialog_helpers import login
from tests.web.api.conftest import bearer, issue_token


def test_no_token_or_bad_token_is_401_with_the_error_shape(api_client):
    for headers in ({}, {"Authorization": "Bearer spr_nope"}, {"Authorization": "Basic eDp5"}):
        response = api_client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        error = response.get_json()["error"]
        assert error["code"] == "unauthorized" and error["message"] and error["fields"] == {}
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_me_answers_email_and_role(api_app, api_client):
    email, token = issue_token(api_app, "agent")
    response = api_client.get("/api/v1/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.get_json() == {"email": email, "role": "agent"}


def test_a_cookie_session_is_not_a_token_and_none_is_set(api_app):
    client = api_app.test_client()
    email, _token = issue_token(api_app, "seller")
    login(client, email)
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert "Set-Cookie" not in response.headers


def test_revoked_token_stops_working(api_app, api_client):
    from web.api.tokens import all_tokens, revoke_token
    from web.database import db

    _email, token = issue_token(api_app, "seller")
    assert api_client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    with api_app.app_context():
        revoke_token(db(), all_tokens(db())[-1].id)
    assert api_client.get("/api/v1/me", headers=bearer(token)).status_code == 401


def test_editors_get_no_tokens(api_app):
    import pytest

    from web.errors import Refused

    with pytest.raises(Refused):
        issue_token(api_app, "editor")


def test_tokens_are_stored_hashed(api_app):
    from sqlalchemy import text

    from web.database import db

    _email, token = issue_token(api_app, "seller")
    with api_app.app_context():
        stored = db().execute(text("SELECT token_hash, prefix FROM api_tokens")).all()
    assert all(token not in row.token_hash and len(row.prefix) < 10 for row in stored)


def test_search_has_the_body_of_api_search(api_client, seller_token):
    params = {"q": "вернули товар с дефектом", "limit": 3}
    v1 = api_client.get("/api/v1/search", query_string=params, headers=bearer(seller_token))
    old = api_client.get("/api/search", query_string=params)
    assert v1.status_code == 200
    assert v1.get_json() == old.get_json()
    assert v1.get_json()["match"] in ("strong", "weak", "none")


def test_search_with_a_bad_limit_is_422_with_the_field(api_client, seller_token):
    response = api_client.get(
        "/api/v1/search", query_string={"q": "возврат", "limit": "x"}, headers=bearer(seller_token)
    )
    assert response.status_code == 422
    assert "limit" in response.get_json()["error"]["fields"]


def test_search_records_the_api_channel(api_app, api_client, seller_token):
    from sqlalchemy import select

    from web.analytics.models import Event
    from web.database import db

    api_client.get("/api/v1/search?q=брак+куртки", headers=bearer(seller_token))
    with api_app.app_context():
        channels = db().scalars(select(Event.channel).where(Event.kind == "search")).all()
    assert channels == ["api"]


def test_categories_list_topics_and_their_faq(api_client, seller_token):
    body = api_client.get("/api/v1/categories", headers=bearer(seller_token)).get_json()
    returns = next(c for c in body["categories"] if c["id"] == "returns")
    defects = next(t for t in returns["topics"] if t["id"] == "defects")
    assert defects == {
        "id": "defects",
        "name": "Вернули товар с дефектами",
        "faq": ["returns/defect-return", "returns/unsafe-answer"],
    }


def test_entry_is_published_html_and_unknown_is_404(api_client, seller_token):
    response = api_client.get("/api/v1/entries/returns/defect-return", headers=bearer(seller_token))
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"id", "kind", "title", "html", "category", "topic", "url", "updated"}
    assert body["id"] == "returns/defect-return" and body["kind"] == "faq"
    assert "<script" not in body["html"]
    missing = api_client.get("/api/v1/entries/returns/nope", headers=bearer(seller_token))
    assert missing.status_code == 404
    assert missing.get_json()["error"]["code"] == "not_found"


def test_unknown_path_and_method_are_json(api_client, seller_token):
    assert api_client.get("/api/v1/nothing", headers=bearer(seller_token)).status_code == 404
    wrong = api_client.delete("/api/v1/me", headers=bearer(seller_token))
    assert wrong.status_code == 405
    assert wrong.get_json()["error"]["code"] == "method_not_allowed"


def test_openapi_document_is_3_1_and_lists_every_endpoint(api_client):
    doc = api_client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"] == "3.1.0"
    for path in ("/api/v1/me", "/api/v1/search", "/api/v1/categories"):
        assert path in doc["paths"], path
    assert "/api/v1/entries/{category}/{slug}" in doc["paths"]
    search = doc["paths"]["/api/v1/search"]["get"]
    names = {p["name"] for p in search["parameters"]}
    assert {"q", "limit", "category", "topic"} <= names


def test_tokens_and_me_on_each_database(dialog_app_any_db):
    _email, token = issue_token(dialog_app_any_db, "seller")
    client = dialog_app_any_db.test_client()
    assert client.get("/api/v1/me", headers=bearer(token)).get_json()["role"] == "seller"
    assert client.get("/api/v1/me", headers=bearer(token + "x")).status_code == 401
