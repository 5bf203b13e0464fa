"""/api/v1/dialogs through the Flask client: create, duplicates, idempotency, 422, 429,
the thread with notes for agents only, messages, assignment, rating, review and files."""

from __future__ import annotations

import pytest

from tests.dialog_helpers import DESCRIPTION
from tests.web.api.conftest import bearer, issue_token


def _form(**overrides) -> dict:
    data = {"category": "returns", "topic": "defects", "description": DESCRIPTION}
    data.update(overrides)
    return data


def _create(client, token, headers=None, **overrides):
    return client.post(
        "/api/v1/dialogs",
        data=_form(**overrides),
        headers={**bearer(token), **(headers or {})},
        content_type="multipart/form-data",
    )


def _count(app) -> int:
    from sqlalchemy import func, select

    from web.database import db
    from web.dialogs.models import Dialog

    with app.app_context():
        return db().scalar(select(func.count(Dialog.id)))


@pytest.fixture
def people(api_app):
    """A seller, another seller and an agent, each with a token."""
    return {
        "seller": issue_token(api_app, "seller")[1],
        "other": issue_token(api_app, "seller")[1],
        "agent": issue_token(api_app, "agent")[1],
    }


def test_create_returns_201_with_the_dialog_and_lists_it(api_app, api_client, people, sample_files):
    with open(sample_files / "invoice.pdf", "rb") as pdf:
        response = _create(api_client, people["seller"], files=[(pdf, "счёт.pdf")])
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "created" and body["status_label"] == "Создан"
    assert body["messages"][0]["author"] == "seller"
    assert body["messages"][0]["files"][0]["name"] == "счёт.pdf"
    assert body["history"][0]["status"] == "created"
    assert body["related"] == {"review_of": None, "reviews": []} and body["rating"] is None
    listed = api_client.get("/api/v1/dialogs", headers=bearer(people["seller"])).get_json()
    assert [d["number"] for d in listed["dialogs"]] == [body["number"]]
    assert listed["next"] is None
    assert api_client.get("/api/v1/dialogs", headers=bearer(people["other"])).get_json() == {
        "dialogs": [],
        "next": None,
    }


def test_bad_fields_and_files_are_422_with_fields_and_nothing_saved(
    api_app, api_client, people, sample_files
):
    with open(sample_files / "setup.exe", "rb") as exe:
        response = _create(
            api_client, people["seller"], description="мало", barcode="12x", files=[(exe, "a.exe")]
        )
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert {"description", "barcode", "files"} <= set(fields) and "a.exe" in fields["files"]
    unknown = _create(api_client, people["seller"], category="nope")
    assert unknown.status_code == 422 and "category" in unknown.get_json()["error"]["fields"]
    assert _count(api_app) == 0


def test_a_similar_open_dialog_is_409_unless_confirmed(api_client, people):
    first = _create(api_client, people["seller"]).get_json()["number"]
    again = _create(api_client, people["seller"])
    assert again.status_code == 409
    error = again.get_json()["error"]
    assert error["code"] == "duplicate" and error["dialogs"] == [first]
    confirmed = _create(api_client, people["seller"], confirm_new="true")
    assert confirmed.status_code == 201 and confirmed.get_json()["number"] != first


def test_idempotency_key_returns_the_same_dialog(api_app, api_client, people):
    key = {"Idempotency-Key": "abc-123"}
    first = _create(api_client, people["seller"], headers=key)
    second = _create(api_client, people["seller"], headers=key)
    assert first.status_code == second.status_code == 201
    assert first.get_json()["number"] == second.get_json()["number"]
    assert _count(api_app) == 1
    # The same key from another seller is another request.
    other = _create(api_client, people["other"], headers=key)
    assert other.status_code == 201 and _count(api_app) == 2


def _thread(app, number: int) -> list[str]:
    from sqlalchemy import select

    from web.database import db
    from web.dialogs.models import Dialog

    with app.app_context():
        dialog = db().scalar(select(Dialog).where(Dialog.number == number))
        return [m.body for m in dialog.messages]


def test_idempotency_key_writes_a_message_once(dialog_app_any_db):
    app, client = dialog_app_any_db, dialog_app_any_db.test_client()
    token = issue_token(app, "seller")[1]
    number = _create(client, token).get_json()["number"]
    url = f"/api/v1/dialogs/{number}/messages"
    key = {**bearer(token), "Idempotency-Key": "msg-1"}
    first = client.post(url, json={"text": "Фото брака прикладываю"}, headers=key)
    again = client.post(url, json={"text": "Фото брака прикладываю"}, headers=key)
    assert first.status_code == again.status_code == 201
    assert first.get_json() == again.get_json()
    assert _thread(app, number).count("Фото брака прикладываю") == 1
    # A key is for one request: not for another dialog, nor for opening one.
    other = _create(client, token, confirm_new="true").get_json()["number"]
    elsewhere = client.post(f"/api/v1/dialogs/{other}/messages", json={"text": "да"}, headers=key)
    assert elsewhere.status_code == 422
    assert "Idempotency-Key" in elsewhere.get_json()["error"]["fields"]
    opened = _create(client, token, headers={"Idempotency-Key": "msg-1"}, confirm_new="true")
    assert opened.status_code == 422


def test_a_refused_message_frees_its_idempotency_key(api_app, api_client, people):
    number = _create(api_client, people["seller"]).get_json()["number"]
    url = f"/api/v1/dialogs/{number}/messages"
    key = {**bearer(people["seller"]), "Idempotency-Key": "msg-2"}
    empty = api_client.post(url, json={"text": "   "}, headers=key)
    assert empty.status_code == 422
    written = api_client.post(url, json={"text": "Теперь с текстом"}, headers=key)
    assert written.status_code == 201 and written.get_json()["text"] == "Теперь с текстом"
    # A dialog's key is not a message's.
    dialog_key = {**bearer(people["seller"]), "Idempotency-Key": "dlg-1"}
    assert (
        _create(api_client, people["seller"], headers=dialog_key, confirm_new="true").status_code
        == 201
    )
    assert api_client.post(url, json={"text": "ещё"}, headers=dialog_key).status_code == 422


def test_the_hourly_limit_is_429_with_retry_after(dialog_config):
    from web.app import create_app

    app = create_app({**dialog_config, "DIALOGS_PER_HOUR": 1})
    client = app.test_client()
    token = issue_token(app, "seller")[1]
    assert _create(client, token).status_code == 201
    limited = _create(client, token, confirm_new="true")
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 3600
    assert limited.get_json()["error"]["code"] == "rate_limited"
    app.extensions["spravka.db_engine"].dispose()


def test_agents_cannot_create_and_sellers_cannot_assign(api_client, people):
    assert _create(api_client, people["agent"]).status_code == 403
    number = _create(api_client, people["seller"]).get_json()["number"]
    response = api_client.post(f"/api/v1/dialogs/{number}/assign", headers=bearer(people["seller"]))
    assert response.status_code == 403


def test_another_sellers_dialog_and_files_are_404(api_client, people, sample_files):
    with open(sample_files / "photo.png", "rb") as png:
        body = _create(api_client, people["seller"], files=[(png, "photo.png")]).get_json()
    number, file_id = body["number"], body["messages"][0]["files"][0]["id"]
    url = f"/api/v1/dialogs/{number}/files/{file_id}"
    other = bearer(people["other"])
    assert api_client.get(f"/api/v1/dialogs/{number}", headers=other).status_code == 404
    assert api_client.get(url, headers=other).status_code == 404
    own = api_client.get(url, headers=bearer(people["seller"]))
    assert own.status_code == 200 and own.mimetype == "image/png"
    assert api_client.get(url, headers=bearer(people["agent"])).status_code == 200
    assert api_client.get(url).status_code == 401


def test_the_conversation_through_the_api(api_client, people):
    seller, agent = bearer(people["seller"]), bearer(people["agent"])
    number = _create(api_client, people["seller"]).get_json()["number"]
    taken = api_client.post(f"/api/v1/dialogs/{number}/assign", headers=agent)
    assert taken.status_code == 200 and taken.get_json()["status"] == "in_progress"
    note = api_client.post(
        f"/api/v1/dialogs/{number}/messages",
        json={"text": "Проверить склад", "internal": True},
        headers=agent,
    )
    assert note.status_code == 201 and note.get_json()["internal"] is True
    queue = api_client.get("/api/v1/dialogs", headers=agent).get_json()["dialogs"]
    assert number in [d["number"] for d in queue]
    seen = api_client.get(f"/api/v1/dialogs/{number}", headers=seller).get_json()
    assert "Проверить склад" not in [m["text"] for m in seen["messages"]]
    assert seen["assignee"] and "@" not in seen["assignee"]
    agents_view = api_client.get(f"/api/v1/dialogs/{number}", headers=agent).get_json()
    assert "Проверить склад" in [m["text"] for m in agents_view["messages"]]
    reply = api_client.post(
        f"/api/v1/dialogs/{number}/messages",
        data={"text": "Возврат оформлен", "complete": "true"},
        headers=agent,
        content_type="multipart/form-data",
    )
    assert reply.status_code == 201 and reply.get_json()["author"] == "agent"
    listed = api_client.get("/api/v1/dialogs?status=completed", headers=seller).get_json()
    assert listed["dialogs"][0]["unread"] is True
    closed = api_client.post(
        f"/api/v1/dialogs/{number}/messages", json={"text": "ещё вопрос"}, headers=seller
    )
    assert closed.status_code == 422
    rated = api_client.post(
        f"/api/v1/dialogs/{number}/rating", json={"helped": False, "comment": "нет"}, headers=seller
    )
    assert rated.status_code == 201 and rated.get_json()["helped"] is False
    twice = api_client.post(
        f"/api/v1/dialogs/{number}/rating", json={"helped": True}, headers=seller
    )
    assert twice.status_code == 409
    review = api_client.post(
        f"/api/v1/dialogs/{number}/review",
        json={"reason": "Товар вернули с браком, прошу пересмотреть решение"},
        headers=seller,
    )
    assert review.status_code == 201
    assert review.get_json()["related"]["review_of"] == number
    original = api_client.get(f"/api/v1/dialogs/{number}", headers=seller).get_json()
    assert original["related"]["reviews"] == [review.get_json()["number"]]
    statuses = [h["status"] for h in original["history"]]
    assert statuses == ["created", "in_progress", "completed"]


def test_sellers_cannot_complete_or_write_notes(api_client, people):
    number = _create(api_client, people["seller"]).get_json()["number"]
    response = api_client.post(
        f"/api/v1/dialogs/{number}/messages",
        json={"text": "закрываю", "complete": True},
        headers=bearer(people["seller"]),
    )
    assert response.status_code == 422 and "complete" in response.get_json()["error"]["fields"]


def test_rating_needs_a_boolean(api_client, people):
    number = _create(api_client, people["seller"]).get_json()["number"]
    response = api_client.post(
        f"/api/v1/dialogs/{number}/rating",
        json={"helped": "может"},
        headers=bearer(people["seller"]),
    )
    assert response.status_code == 422 and "helped" in response.get_json()["error"]["fields"]


def test_list_filters_by_text_and_number_and_pages(dialog_config):
    from web.api.dialog_lists import PAGE_SIZE
    from web.app import create_app

    app = create_app({**dialog_config, "DIALOGS_PER_HOUR": 100})
    api_client = app.test_client()
    token = issue_token(app, "seller")[1]
    seller = bearer(token)
    numbers = [
        _create(
            api_client,
            token,
            description=f"Партия {i}: " + DESCRIPTION,
            confirm_new="true",
        ).get_json()["number"]
        for i in range(PAGE_SIZE + 1)
    ]
    first = api_client.get("/api/v1/dialogs", headers=seller).get_json()
    assert len(first["dialogs"]) == PAGE_SIZE and first["next"]
    rest = api_client.get(first["next"], headers=seller).get_json()
    assert len(rest["dialogs"]) == 1 and rest["next"] is None
    by_number = api_client.get(f"/api/v1/dialogs?q={numbers[3]}", headers=seller).get_json()
    assert [d["number"] for d in by_number["dialogs"]] == [numbers[3]]
    by_text = api_client.get("/api/v1/dialogs?q=Партия 7:", headers=seller).get_json()
    assert [d["number"] for d in by_text["dialogs"]] == [numbers[7]]
    bad = api_client.get("/api/v1/dialogs?status=lost", headers=seller)
    assert bad.status_code == 422 and "status" in bad.get_json()["error"]["fields"]
    app.extensions["spravka.db_engine"].dispose()
