"""The conversation's rules, called as the pages and the JSON API call them, on both databases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from web.analytics.models import Event
from web.database import db
from web.dialogs import conversation as conv
from web.dialogs.models import STATUS_NAMES
from web.dialogs.store import any_dialog
from web.errors import Conflict, NotFound, Refused


def _history(dialog) -> list[tuple[str, str | None, str, str]]:
    return [(c.kind, c.from_value, c.to_value, c.actor.email) for c in dialog.changes]


def test_statuses_are_declared_once_with_russian_labels():
    assert STATUS_NAMES == {
        "created": "Создан",
        "in_progress": "В работе",
        "waiting_for_seller": "Ждёт вашего ответа",
        "completed": "Завершен",
    }


def test_a_whole_conversation_is_recorded(people):
    dialog = people.open()
    assert dialog.status == "created" and dialog.awaiting_since is not None
    conv.take(db(), dialog, people.agent)
    assert dialog.status == "in_progress" and dialog.assignee_id == people.agent.id
    conv.agent_message(db(), dialog, people.agent, "Пришлите фото этикетки", [], ask=True)
    assert dialog.status == "waiting_for_seller" and dialog.awaiting_since is None
    assert dialog.first_response_at is not None and dialog.unread
    conv.seller_message(db(), dialog, people.seller, "Вот фото, этикетка целая", [])
    assert dialog.status == "in_progress" and dialog.awaiting_since is not None
    conv.agent_message(db(), dialog, people.agent, "Оформили возврат", [], complete=True)
    dialog = people.fresh(dialog)
    assert dialog.status == "completed" and dialog.completed_at is not None
    assert _history(dialog) == [
        ("status", None, "created", "seller@example.com"),
        ("assign", "", "agent@example.com", "agent@example.com"),
        ("status", "created", "in_progress", "agent@example.com"),
        ("status", "in_progress", "waiting_for_seller", "agent@example.com"),
        ("status", "waiting_for_seller", "in_progress", "seller@example.com"),
        ("status", "in_progress", "completed", "agent@example.com"),
    ]
    conv.reopen(db(), dialog, people.other_agent)
    dialog = people.fresh(dialog)
    assert dialog.status == "in_progress" and dialog.assignee_id == people.other_agent.id
    assert _history(dialog)[-1] == ("status", "completed", "in_progress", "other_agent@example.com")


def test_a_reply_without_completing_keeps_the_dialog_open(people):
    dialog = people.open()
    conv.agent_message(db(), dialog, people.agent, "Проверяем, ответим завтра", [])
    assert dialog.status == "in_progress" and dialog.is_open
    assert dialog.assignee_id == people.agent.id  # answering an unheld dialog takes it
    conv.complete(db(), dialog, people.agent)
    assert dialog.status == "completed"
    with pytest.raises(Conflict):
        conv.complete(db(), dialog, people.agent)
    with pytest.raises(conv.DialogClosed):
        conv.agent_message(db(), dialog, people.agent, "Ещё ответ", [])
    with pytest.raises(Refused):
        conv.agent_message(db(), people.open(), people.agent, "x", [], ask=True, complete=True)


def test_two_agents_cannot_both_answer_one_dialog(people):
    dialog = people.open()
    conv.take(db(), dialog, people.agent)
    for action in (
        lambda: conv.take(db(), dialog, people.other_agent),
        lambda: conv.agent_message(db(), dialog, people.other_agent, "Мой ответ", []),
        lambda: conv.complete(db(), dialog, people.other_agent),
        lambda: conv.release(db(), dialog, people.other_agent),
    ):
        with pytest.raises(conv.DialogHeld, match="agent@example.com"):
            action()
    # A note to colleagues is not an answer: anyone in support may leave one.
    conv.agent_message(db(), dialog, people.other_agent, "Похоже на брак партии", [], internal=True)
    conv.release(db(), dialog, people.agent)
    assert people.fresh(dialog).status == "created"  # nobody answered it yet
    conv.take(db(), dialog, people.other_agent)
    assert people.fresh(dialog).assignee_id == people.other_agent.id


def test_taking_checks_the_database_not_the_page(people):
    """Two agents who loaded the dialog before either took it: only the first one wins."""
    dialog = people.open()
    other_session = people.app.extensions["spravka.sessionmaker"]()
    try:
        stale = any_dialog(other_session, dialog.number)
        conv.take(db(), dialog, people.agent)
        assert stale.assignee_id is None  # what the second agent's page still shows
        with pytest.raises(conv.DialogHeld):
            conv.agent_message(other_session, stale, people.other_agent, "Ответ", [])
    finally:
        other_session.close()
    dialog = people.fresh(dialog)
    assert dialog.assignee_id == people.agent.id
    assert [m.body for m in dialog.messages] == [dialog.description]


def test_only_the_dialogs_seller_may_write_rate_or_ask_for_a_review(people):
    dialog = people.open()
    with pytest.raises(NotFound):
        conv.seller_message(db(), dialog, people.other_seller, "Чужой диалог", [])
    with pytest.raises(Refused):
        conv.take(db(), dialog, people.seller)  # sellers do not work the queue
    conv.complete(db(), dialog, people.agent)
    with pytest.raises(NotFound):
        conv.rate(db(), dialog, people.other_seller, True, None)
    with pytest.raises(NotFound):
        conv.request_review(db(), dialog, people.other_seller, "Прошу пересмотреть это решение")
    with pytest.raises(conv.DialogClosed):
        conv.seller_message(db(), dialog, people.seller, "Ещё вопрос по возврату", [])


def test_rating_once_after_completion(people):
    dialog = people.open()
    with pytest.raises(Refused):
        conv.rate(db(), dialog, people.seller, True, None)
    conv.complete(db(), dialog, people.agent)
    conv.rate(db(), dialog, people.seller, False, "  Деньги так и не пришли \x00 ")
    dialog = people.fresh(dialog)
    assert dialog.helped is False and dialog.rating_comment == "Деньги так и не пришли"
    with pytest.raises(Conflict):
        conv.rate(db(), dialog, people.seller, True, None)


def test_a_review_is_a_new_dialog_linked_both_ways(people):
    dialog = people.open()
    with pytest.raises(Refused):
        conv.request_review(db(), dialog, people.seller, "Прошу пересмотреть это решение")
    conv.agent_message(
        db(), dialog, people.agent, "Отказано: брак не подтверждён", [], complete=True
    )
    with pytest.raises(Refused):
        conv.request_review(db(), dialog, people.seller, "нет")
    review = conv.request_review(
        db(), dialog, people.seller, "Брак виден на фото, прошу пересмотреть решение"
    )
    assert (review.category, review.topic) == ("decisions", "re-review")
    assert review.status == "created" and review.number != dialog.number
    assert f"№ {dialog.number}" in review.description
    assert people.fresh(review).review_of.number == dialog.number
    assert [r.number for r in people.fresh(dialog).reviews] == [review.number]
    with pytest.raises(Conflict, match=str(review.number)):
        conv.request_review(db(), dialog, people.seller, "Ещё раз прошу пересмотреть решение")


def test_a_review_is_refused_after_the_window(people):
    dialog = people.open()
    conv.complete(db(), dialog, people.agent)
    days = people.app.config["REVIEW_WINDOW_DAYS"]
    assert days == 14
    dialog.completed_at -= timedelta(days=days, minutes=1)
    db().commit()
    with pytest.raises(Refused, match="14 дней"):
        conv.request_review(db(), dialog, people.seller, "Прошу пересмотреть это решение")


def test_refiling_is_recorded_and_checked(people):
    dialog = people.open()
    with pytest.raises(Refused):
        conv.refile(db(), dialog, people.agent, "nowhere", None)
    with pytest.raises(Refused):
        conv.refile(db(), dialog, people.agent, "supplies", "defects")  # not its topic
    with pytest.raises(Refused):
        conv.refile(db(), dialog, people.agent, "returns", "defects")  # where it already is
    conv.refile(db(), dialog, people.agent, "supplies", "acceptance")
    conv.refile(db(), dialog, people.agent, "finance", "ignored")  # no topics: none kept
    dialog = people.fresh(dialog)
    assert (dialog.category, dialog.topic) == ("finance", None)
    assert [(c.kind, c.from_value, c.to_value) for c in dialog.changes[1:]] == [
        ("refile", "returns/defects", "supplies/acceptance"),
        ("refile", "supplies/acceptance", "finance/"),
    ]


def test_internal_notes_stay_out_of_the_sellers_thread_and_sla(people):
    dialog = people.open()
    conv.agent_message(db(), dialog, people.agent, "Проверить партию 7", [], internal=True)
    dialog = people.fresh(dialog)
    assert [m.body for m in dialog.public_messages] == [dialog.description]
    assert dialog.first_response_at is None and not dialog.unread
    assert dialog.status == "created" and dialog.awaiting_since is not None


def test_a_reply_that_links_an_entry_is_an_outcome_event(people):
    dialog = people.open(description="Вернули с дефектом, звоните +7 900 123-45-67 или a@b.ru")
    conv.agent_message(
        db(),
        dialog,
        people.agent,
        "Вот инструкция: /q/returns/defect-return",
        [],
        linked_entries=["returns/defect-return", "returns/defect-return", "no/such-entry"],
    )
    [event] = db().scalars(select(Event).where(Event.kind == "agent_link")).all()
    assert event.entry_id == "returns/defect-return" and event.dialog_id == dialog.id
    assert event.query == "Вернули с дефектом, звоните [номер] или [email]"
    assert (event.category, event.topic, event.user_id) == ("returns", "defects", dialog.seller_id)


def test_the_seller_reads_answers(people):
    dialog = people.open()
    conv.agent_message(db(), dialog, people.agent, "Ответ", [])
    assert people.fresh(dialog).unread
    conv.mark_read(db(), dialog, people.other_seller)  # someone else's look changes nothing
    assert people.fresh(dialog).unread
    conv.mark_read(db(), dialog, people.seller)
    assert not people.fresh(dialog).unread
