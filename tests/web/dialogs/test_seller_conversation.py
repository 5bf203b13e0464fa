"""The seller's side of a conversation through the pages, on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.dialog_helpers import upload
from web.database import db
from web.dialogs.models import Attachment


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_seller_answers_a_question_and_the_history_shows_every_change(clients, sample_files):
    number = clients.open()
    clients.agent.post(f"/agent/dialogs/{number}/take")
    clients.reply(number, "Пришлите фото этикетки, пожалуйста", action="ask")
    page = _page(clients.seller, f"/dialogs/{number}")
    assert 'id="dialog-status">Ждёт вашего ответа' in page and "Ответить поддержке" in page
    sent = clients.seller.post(
        f"/dialogs/{number}/messages",
        data={"body": "Фото этикетки во вложении", "files": [upload(sample_files / "photo.png")]},
        content_type="multipart/form-data",
    )
    assert sent.status_code == 302
    page = _page(clients.seller, f"/dialogs/{number}")
    assert 'id="dialog-status">В работе' in page and "photo.png" in page
    info = _page(clients.seller, f"/dialogs/{number}?tab=info")
    history = info.split('id="dialog-history"')[1]
    rows = re.findall(r"<tr><td[^>]*>[^<]+</td><td[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td><td[^>]*>([^<]+)</td></tr>", history)  # fmt: skip
    assert rows == [
        ("Вы", "Статус", "—", "Создан"),
        ("Поддержка", "Статус", "Создан", "В работе"),
        ("Поддержка", "Статус", "В работе", "Ждёт вашего ответа"),
        ("Вы", "Статус", "Ждёт вашего ответа", "В работе"),
    ]
    assert "agent@example.com" not in info  # who in support is not the seller's business


def test_internal_notes_never_reach_the_seller(clients, sample_files):
    number = clients.open()
    note = clients.agent.post(
        f"/agent/dialogs/{number}/note",
        data={
            "body": "Секретная заметка: партия 7",
            "files": [upload(sample_files / "invoice.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert note.status_code == 302
    assert "Секретная заметка" in _page(clients.agent, f"/agent/dialogs/{number}")
    for url in (f"/dialogs/{number}", f"/dialogs/{number}?tab=info", "/dialogs?q=Секретная"):
        page = _page(clients.seller, url)
        assert "Секретная заметка" not in page and "invoice.pdf" not in page
    with clients.app.app_context():
        [file_id] = db().scalars(select(Attachment.id)).all()
    assert clients.seller.get(f"/dialogs/{number}/files/{file_id}").status_code == 404
    assert clients.agent.get(f"/dialogs/{number}/files/{file_id}").status_code == 200
    assert "новый ответ" not in _page(clients.seller, "/dialogs")  # a note is no answer


def test_another_seller_gets_404_everywhere(clients):
    number = clients.open()
    clients.reply(number, "Ответ", action="complete")
    other = clients.other_seller
    for url in (f"/dialogs/{number}", f"/dialogs/{number}?tab=info"):
        assert other.get(url).status_code == 404
    for url, data in (
        (f"/dialogs/{number}/messages", {"body": "чужое"}),
        (f"/dialogs/{number}/rating", {"helped": "yes"}),
        (f"/dialogs/{number}/review", {"reason": "Прошу пересмотреть чужое решение"}),
    ):
        assert other.post(url, data=data).status_code == 404
    assert f"№ {number}" not in _page(other, f"/dialogs?q={number}")


def test_unread_answers_are_marked_and_counted_in_the_header(clients):
    first, second = clients.open(), clients.open(description="Второй вопрос про возврат брака", confirm_new="1")  # fmt: skip
    assert 'id="unread-answers"' not in _page(clients.seller, "/dialogs")
    clients.reply(first, "Ответ на первый")
    clients.reply(second, "Ответ на второй")
    page = _page(clients.seller, "/dialogs")
    assert re.search(r'id="unread-answers">2<', page) and page.count("data-unread") == 2
    _page(clients.seller, f"/dialogs/{first}")
    page = _page(clients.seller, "/dialogs")
    assert re.search(r'id="unread-answers">1<', page) and page.count("data-unread") == 1
    assert 'id="unread-answers"' not in _page(clients.other_seller, "/dialogs")


def test_my_dialogs_search_by_number_and_text_and_filter_by_status(clients):
    first = clients.open()
    second = clients.open(category="supplies", topic="acceptance", description="Приёмка поставки идёт пятый день, склад молчит")  # fmt: skip
    clients.reply(first, "Возврат оформлен", action="complete")
    page = _page(clients.seller, f"/dialogs?q={second}")
    assert f"№ {second}" in page and f"№ {first}" not in page
    page = _page(clients.seller, "/dialogs?q=ПРИЁМКА+склад")  # case and word order do not matter
    assert f"№ {second}" in page and f"№ {first}" not in page
    page = _page(clients.seller, "/dialogs?q=возврат+оформлен")  # support's words count too
    assert f"№ {first}" in page and f"№ {second}" not in page
    page = _page(clients.seller, "/dialogs?status=completed")
    assert f"№ {first}" in page and f"№ {second}" not in page
    page = _page(clients.seller, "/dialogs?status=open")
    assert f"№ {second}" in page and f"№ {first}" not in page
    assert "Ничего не нашлось" in _page(clients.seller, "/dialogs?q=нетакогослова")
    assert f"№ {first}" in _page(clients.seller, "/dialogs?status=bogus")  # ignored


def test_rating_once_after_completion(clients):
    number = clients.open()
    assert (
        clients.seller.post(f"/dialogs/{number}/rating", data={"helped": "yes"}).status_code == 422
    )
    clients.reply(number, "Возврат оформлен", action="complete")
    page = _page(clients.seller, f"/dialogs/{number}")
    assert 'id="rating-form"' in page and "Помогло" in page and "Не помогло" in page
    bad = clients.seller.post(f"/dialogs/{number}/rating", data={"helped": "maybe"})
    assert bad.status_code == 422
    done = clients.seller.post(
        f"/dialogs/{number}/rating", data={"helped": "no", "comment": "Деньги не пришли"}
    )
    assert done.status_code == 302
    page = _page(clients.seller, f"/dialogs/{number}")
    assert 'id="rating-form"' not in page and "Не помогло" in page and "Деньги не пришли" in page
    again = clients.seller.post(f"/dialogs/{number}/rating", data={"helped": "yes"})
    assert again.status_code == 409 and "уже оценили" in again.get_data(as_text=True)
    assert "Не помогло" in _page(clients.agent, f"/agent/dialogs/{number}")


def test_a_review_opens_a_linked_dialog_that_the_agent_sees_beside_the_original(clients):
    number = clients.open()
    clients.reply(number, "Отказано: брак не подтверждён", action="complete")
    assert 'id="review-form"' in _page(clients.seller, f"/dialogs/{number}")
    short = clients.seller.post(f"/dialogs/{number}/review", data={"reason": "нет"})
    assert short.status_code == 422 and 'id="review-error"' in short.get_data(as_text=True)
    response = clients.seller.post(
        f"/dialogs/{number}/review", data={"reason": "Брак виден на фото, прошу пересмотреть"}
    )
    assert response.status_code == 302
    review = int(response.headers["Location"].rsplit("/", 1)[1])
    page = _page(clients.seller, f"/dialogs/{review}")
    assert f'href="/dialogs/{number}">№ {number}' in page and "Пересмотр решений" in page
    page = _page(clients.seller, f"/dialogs/{number}")
    assert f'href="/dialogs/{review}">№ {review}' in page and 'id="review-form"' not in page
    agent_page = _page(clients.agent, f"/agent/dialogs/{review}")
    original = agent_page.split('id="original-thread"')[1].split("</section>")[0]
    assert f"Исходный диалог № {number}" in original and "брак не подтверждён" in original
    assert f'href="/agent/dialogs/{number}">№ {number}' in agent_page
    assert f'href="/agent/dialogs/{review}">№ {review}' in _page(clients.agent, f"/agent/dialogs/{number}")  # fmt: skip
    assert f"пересмотр № {number}" in _page(clients.agent, "/agent")


def test_after_the_window_the_page_says_why_there_is_no_review_button(clients):
    number = clients.open()
    clients.reply(number, "Ответ", action="complete")
    with clients.app.app_context():
        dialog = clients.dialog(number)
        dialog.completed_at -= timedelta(days=15)
        db().commit()
    page = _page(clients.seller, f"/dialogs/{number}")
    assert 'id="review-form"' not in page
    closed = page.split('id="review-closed"')[1]
    assert "в течение 14 дней после завершения" in closed and "закончился" in closed
    late = clients.seller.post(f"/dialogs/{number}/review", data={"reason": "Прошу пересмотреть решение"})  # fmt: skip
    assert late.status_code == 422


def test_a_completed_dialog_takes_no_seller_message_but_shows_rating_and_review(clients):
    number = clients.open()
    clients.reply(number, "Ответ", action="complete")
    refused = clients.seller.post(f"/dialogs/{number}/messages", data={"body": "Ещё вопрос"})
    assert refused.status_code == 400 and "Диалог завершён" in refused.get_data(as_text=True)
    page = refused.get_data(as_text=True)
    assert 'id="rating-form"' in page and 'id="review-form"' in page
