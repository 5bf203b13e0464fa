"""The agents' side end to end: the queue, the seller's searches, replies and statuses."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from sqlalchemy import select

from tests.dialog_helpers import create, created_number, login, make_user, seller_client, upload
from web.database import db
from web.dialogs.models import Attachment


@pytest.fixture
def agent(dialog_app):
    """A client logged in as a support agent."""
    make_user(dialog_app, "agent@example.com", "agent")
    client = dialog_app.test_client()
    login(client, "agent@example.com")
    return client


def test_queue_is_oldest_first_and_filters_by_category(dialog_app, agent):
    seller = seller_client(dialog_app)
    old = created_number(create(seller, description="Старый вопрос о возврате с браком"))
    new = created_number(
        create(
            seller,
            category="supplies",
            topic="acceptance",
            description="Приёмка поставки идёт пятый день",
        )
    )
    page = agent.get("/agent").get_data(as_text=True)
    assert page.index(f"№ {old}") < page.index(f"№ {new}")
    assert "seller@example.com" in page
    filtered = agent.get("/agent?category=supplies").get_data(as_text=True)
    assert f"№ {new}" in filtered and f"№ {old}" not in filtered
    assert "Поставки (1)" in filtered


def test_agent_sees_what_the_seller_searched_and_was_shown(dialog_app, agent):
    seller = seller_client(dialog_app)
    query = "Что делать, если вернули товар с дефектами?"
    results = seller.get(
        "/api/search?q=" + quote(query) + "&category=returns&source=dialog-form"
    ).get_json()["results"]
    assert results, "the fixture content must answer this query"
    number = created_number(create(seller))
    page = agent.get(f"/agent/dialogs/{number}").get_data(as_text=True)
    searches = page.split("Что продавец искал до обращения")[1]
    assert query in searches and "форма диалога" in searches
    assert results[0]["title"] in searches  # the suggestion the seller saw
    assert query in agent.get("/agent").get_data(as_text=True)


def test_searches_after_the_dialog_are_not_shown(dialog_app, agent):
    seller = seller_client(dialog_app)
    number = created_number(create(seller))
    seller.get("/api/search?q=" + quote("приёмка поставки позже") + "&source=instant")
    page = agent.get(f"/agent/dialogs/{number}").get_data(as_text=True)
    assert "приёмка поставки позже" not in page
    assert "ничего не искал" in page


def test_reply_with_a_file_completes_the_dialog(dialog_app, agent, sample_files):
    seller = seller_client(dialog_app)
    number = created_number(create(seller))
    response = agent.post(
        f"/agent/dialogs/{number}/reply",
        data={
            "body": "Оформили возврат, деньги придут за 3 дня",
            "files": [upload(sample_files / "report.xlsx")],
            # A reply completes the dialog only when the agent says so (issue 9).
            "action": "complete",
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    page = seller.get(f"/dialogs/{number}").get_data(as_text=True)
    assert "Завершен" in page and "Оформили возврат" in page and "Поддержка" in page
    assert "report.xlsx" in page
    with dialog_app.app_context():
        attachment_id = db().scalar(
            select(Attachment.id).where(Attachment.original_name == "report.xlsx")
        )
    download = seller.get(f"/dialogs/{number}/files/{attachment_id}")
    assert (
        download.status_code == 200 and download.data == (sample_files / "report.xlsx").read_bytes()
    )
    assert f'data-number="{number}"' not in agent.get("/agent").get_data(as_text=True)
    assert f'data-number="{number}"' in agent.get("/agent?status=completed").get_data(as_text=True)
    # A completed dialog takes no more seller messages.
    refused = seller.post(f"/dialogs/{number}/messages", data={"body": "Спасибо, но ещё вопрос"})
    assert refused.status_code == 400 and "Диалог завершён" in refused.get_data(as_text=True)


def test_reply_refuses_bad_files_and_empty_text(dialog_app, agent, sample_files):
    seller = seller_client(dialog_app)
    number = created_number(create(seller))
    response = agent.post(
        f"/agent/dialogs/{number}/reply",
        data={"body": "Смотрите файл", "files": [upload(sample_files / "setup.exe")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "setup.exe</strong> — Файлы «.exe» не принимаются" in page and "Смотрите файл" in page
    assert agent.post(f"/agent/dialogs/{number}/reply", data={"body": ""}).status_code == 400
    assert "Создан" in seller.get(f"/dialogs/{number}").get_data(as_text=True)


def test_complete_without_reply_and_reopen(dialog_app, agent):
    seller = seller_client(dialog_app)
    number = created_number(create(seller))
    assert (
        agent.post(f"/agent/dialogs/{number}/status", data={"status": "completed"}).status_code
        == 302
    )
    assert "Завершен" in seller.get(f"/dialogs/{number}").get_data(as_text=True)
    assert (
        agent.post(f"/agent/dialogs/{number}/status", data={"status": "created"}).status_code == 302
    )
    page = seller.get(f"/dialogs/{number}").get_data(as_text=True)
    # Reopening is an agent picking the dialog up again: it is theirs and «В работе».
    assert 'id="dialog-status">В работе' in page
    assert (
        agent.post(f"/agent/dialogs/{number}/status", data={"status": "deleted"}).status_code == 400
    )
    assert agent.get("/agent/dialogs/999999").status_code == 404


def test_an_old_tab_cannot_close_over_a_message_it_has_not_shown(dialog_app, agent):
    import re

    seller = seller_client(dialog_app)
    number = created_number(create(seller))
    page = agent.get(f"/agent/dialogs/{number}").get_data(as_text=True)
    [seen] = set(re.findall(r'name="seen" value="(\d+)"', page))
    seller.post(f"/dialogs/{number}/messages", data={"body": "Забыл: штрихкод 4006381333931"})
    done = agent.post(f"/agent/dialogs/{number}/status", data={"status": "completed", "seen": seen})
    assert done.status_code == 409 and "появились новые сообщения" in done.get_data(as_text=True)
    reply = agent.post(f"/agent/dialogs/{number}/reply", data={"body": "Ответ", "seen": seen})
    page = reply.get_data(as_text=True)
    assert reply.status_code == 409 and "Забыл: штрихкод" in page and ">Ответ</textarea>" in page
    assert 'id="dialog-status">Создан' in seller.get(f"/dialogs/{number}").get_data(as_text=True)
    [seen] = set(re.findall(r'name="seen" value="(\d+)"', page))
    reply = agent.post(f"/agent/dialogs/{number}/reply", data={"body": "Ответ", "seen": seen})
    assert reply.status_code == 302
    # A second agent's reply from a page opened before the first one answered keeps its text.
    late = agent.post(f"/agent/dialogs/{number}/reply", data={"body": "Мой ответ", "seen": seen})
    assert late.status_code == 409 and ">Мой ответ</textarea>" in late.get_data(as_text=True)


@pytest.mark.parametrize("role", ["seller", "editor"])
def test_only_agents_reach_the_queue(dialog_app, role):
    make_user(dialog_app, f"{role}@example.com", role)
    client = dialog_app.test_client()
    login(client, f"{role}@example.com")
    assert client.get("/agent").status_code == 403
    assert (
        client.post("/agent/dialogs/100001/status", data={"status": "completed"}).status_code == 403
    )
    assert dialog_app.test_client().get("/agent").status_code == 302
