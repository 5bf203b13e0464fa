"""The agents' workspace through the pages, on SQLite and PostgreSQL: holding, re-filing,
the queue by due time, assist, saved replies and the dashboard."""

from __future__ import annotations

import html
import re
from datetime import timedelta

from sqlalchemy import select

from web.analytics.models import Event
from web.database import db


def _page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def _card(queue: str, number: int) -> str:
    return queue.split(f'data-number="{number}"')[1].split("</li>")[0]


def test_the_queue_shows_who_holds_what_and_only_the_holder_answers(clients):
    number = clients.open()
    assert "никто не взял" in _card(_page(clients.agent, "/agent"), number)
    assert clients.agent.post(f"/agent/dialogs/{number}/take", data={"back": "queue"}).status_code == 302  # fmt: skip
    assert "ведёт вы" in _card(_page(clients.agent, "/agent"), number)
    assert "ведёт agent@example.com" in _card(_page(clients.other_agent, "/agent"), number)
    assert f'data-number="{number}"' in _page(clients.agent, "/agent?view=mine")
    assert f'data-number="{number}"' not in _page(clients.other_agent, "/agent?view=mine")
    page = _page(clients.other_agent, f"/agent/dialogs/{number}")
    assert 'id="reply-form"' not in page and 'id="take-dialog"' not in page
    assert 'id="note-form"' in page  # a colleague may still leave a note
    late = clients.reply(number, "Мой ответ", client=clients.other_agent)
    assert late.status_code == 409 and ">Мой ответ</textarea>" in late.get_data(as_text=True)
    taken = clients.other_agent.post(f"/agent/dialogs/{number}/take")
    assert taken.status_code == 409 and "ведёт agent@example.com" in taken.get_data(as_text=True)
    done = clients.other_agent.post(f"/agent/dialogs/{number}/status", data={"status": "completed"})
    assert done.status_code == 409
    assert clients.agent.post(f"/agent/dialogs/{number}/release").status_code == 302
    assert clients.other_agent.post(f"/agent/dialogs/{number}/take").status_code == 302
    assert clients.reply(number, "Ответ коллеги", client=clients.other_agent).status_code == 302
    info = _page(clients.agent, f"/agent/dialogs/{number}")
    assert "other_agent@example.com" in info.split('id="dialog-history"')[1]


def test_a_reply_keeps_the_dialog_open_ask_waits_complete_closes(clients):
    number = clients.open()
    assert clients.reply(number, "Смотрим").status_code == 302
    assert 'id="dialog-status">В работе' in _page(clients.seller, f"/dialogs/{number}")
    assert clients.reply(number, "Пришлите фото", action="ask").status_code == 302
    assert 'id="dialog-status">Ждёт вашего ответа' in _page(clients.seller, f"/dialogs/{number}")
    assert clients.reply(number, "Готово", action="complete").status_code == 302
    assert 'id="dialog-status">Завершен' in _page(clients.seller, f"/dialogs/{number}")
    closed = clients.reply(number, "Ещё ответ")
    assert closed.status_code == 422 and "откройте его снова" in closed.get_data(as_text=True)
    assert clients.reply(number, "x", action="delete").status_code == 400


def test_refiling_is_in_the_history_and_the_seller_sees_it(clients):
    number = clients.open()
    moved = clients.agent.post(
        f"/agent/dialogs/{number}/refile", data={"place": "supplies/acceptance"}
    )
    assert moved.status_code == 302
    bad = clients.agent.post(f"/agent/dialogs/{number}/refile", data={"place": "nowhere/x"})
    assert bad.status_code == 422 and "Выберите категорию" in bad.get_data(as_text=True)
    info = _page(clients.seller, f"/dialogs/{number}?tab=info")
    assert "<dd>Поставки</dd>" in info and "<dd>Приёмка товара</dd>" in info
    history = info.split('id="dialog-history"')[1]
    assert "Категория и тема" in history and "Возврат товара продавцу › Вернули товар с дефектами" in history  # fmt: skip
    assert "Поставки › Приёмка товара" in history
    assert f'data-number="{number}"' in _page(clients.agent, "/agent?category=supplies")


def test_the_queue_is_sorted_by_due_time_and_marks_overdue(clients):
    old, fresh, waiting = clients.open(), clients.open(description="Второй вопрос о возврате брака", confirm_new="1"), clients.open(description="Третий вопрос: куртка с браком", confirm_new="1")  # fmt: skip
    clients.reply(waiting, "Пришлите фото", action="ask")
    with clients.app.app_context():
        dialog = clients.dialog(old)
        dialog.created_at -= timedelta(hours=50)
        dialog.awaiting_since -= timedelta(hours=50)
        db().commit()
    queue = _page(clients.agent, "/agent")
    order = [int(n) for n in re.findall(r'data-number="(\d+)"', queue)]
    assert order == [old, fresh, waiting]
    assert "data-overdue" in _card(queue, old) and "data-overdue" not in _card(queue, fresh)
    assert "Создан 2 дн 2 ч назад" in _card(queue, old) and "ответить до" in _card(queue, fresh)
    assert "ответить до" not in _card(queue, waiting)  # support is not the one who owes now
    page = _page(clients.agent, f"/agent/dialogs/{old}")
    assert "Просрочен" in page.split('id="dialog-sla"')[1].split("</p>")[0]


def test_assist_suggests_entries_of_the_category_and_a_linking_reply_is_recorded(clients):
    number = clients.open(description="Что делать, если вернули товар с дефектами со склада")
    page = _page(clients.agent, f"/agent/dialogs/{number}")
    assist = page.split('id="assist"')[1].split("</section>")[0]
    inserts = [html.unescape(t) for t in re.findall(r'data-insert="([^"]*)"', assist)]
    assert any("/q/returns/defect-return" in t for t in inserts), assist
    assert "acceptance-time" not in assist  # another category's entry
    inserted = next(t for t in inserts if "/q/returns/defect-return" in t)
    assert clients.reply(number, inserted, action="complete").status_code == 302
    with clients.app.app_context():
        events = db().scalars(select(Event).where(Event.kind == "agent_link")).all()
        assert [(e.entry_id, e.query) for e in events] == [
            ("returns/defect-return", "Что делать, если вернули товар с дефектами со склада")
        ]
    seller_page = _page(clients.seller, f"/dialogs/{number}")
    assert '<a href="/q/returns/defect-return">' in seller_page


def test_saved_replies_are_filled_in_and_scoped_to_their_categories(clients):
    number = clients.open()
    page = _page(clients.agent, f"/agent/dialogs/{number}")
    assist = html.unescape(page.split('id="assist"')[1].split("</section>")[0])
    assert f"штрихкод товара по обращению № {number} (Возврат товара продавцу)" in assist
    assert "Только для поставок" not in assist
    other = clients.open(category="supplies", topic="acceptance", description="Приёмка идёт пятый день подряд")  # fmt: skip
    assert "Только для поставок" in _page(clients.agent, f"/agent/dialogs/{other}")


def test_the_dashboard_counts_first_responses_in_time_and_ratings(clients):
    answered, late, rated = clients.open(), clients.open(description="Второй вопрос о браке куртки", confirm_new="1"), clients.open(category="supplies", topic="acceptance", description="Приёмка поставки идёт пятый день")  # fmt: skip
    clients.reply(answered, "Ответ")
    clients.reply(rated, "Ответ", action="complete")
    clients.seller.post(f"/dialogs/{rated}/rating", data={"helped": "yes"})
    with clients.app.app_context():
        dialog = clients.dialog(late)
        dialog.created_at -= timedelta(hours=49)
        db().commit()
    page = _page(clients.agent, "/agent/stats?days=30")
    assert "<svg" in page and 'role="img"' in page
    rows = {k: v for k, v in re.findall(r'data-category="([\w-]*)"[^>]*>(.*?)</tr>', page, re.S)}
    assert "3</td>" in rows[""] and "67 %" in rows[""] and "(2 из 3)" in rows[""]
    assert "(1 из 1)" in rows["supplies"] and "100 %" in rows["supplies"]
    assert "(1 из 2)" in rows["returns"]  # the late one counts against the promise
    assert clients.seller.get("/agent/stats").status_code == 403
