"""E-mail to sellers when support writes: through the outbox, to a real SMTP server."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from tests.dialog_helpers import create, created_number, login, make_user
from tests.web.channels.conftest import free_port, start_smtp
from web.channels.outbox import MAX_ATTEMPTS, OutboxMail, send_due
from web.database import db
from web.timestamps import utcnow


def _people(app):
    make_user(app, "seller@example.com", "seller")
    make_user(app, "agent@example.com", "agent")
    seller, agent = app.test_client(), app.test_client()
    login(seller, "seller@example.com")
    login(agent, "agent@example.com")
    return seller, agent


def _mails(app) -> list[OutboxMail]:
    with app.app_context():
        return list(db().scalars(select(OutboxMail).order_by(OutboxMail.id)))


def test_support_writes_and_the_seller_gets_an_email(mail_app_factory, smtp):
    app = mail_app_factory(smtp.port)
    seller, agent = _people(app)
    number = created_number(create(seller))
    note = agent.post(f"/agent/dialogs/{number}/note", data={"body": "Секрет: партия 7"})
    assert note.status_code == 302
    reply = agent.post(
        f"/agent/dialogs/{number}/reply", data={"body": "Пришлите фото этикетки", "action": "ask"}
    )
    assert reply.status_code == 302
    [mail] = smtp.wait_for(1)
    assert mail["To"] == "seller@example.com" and mail["From"] == "support@spravka.test"
    assert mail["Subject"] == f"Поддержка ответила в диалоге № {number}"
    body = mail.get_content()
    assert "Пришлите фото этикетки" in body
    assert f"https://help.example.ru/dialogs/{number}" in body
    assert "Секрет" not in body
    app.extensions["spravka.outbox"].stop()  # it commits sent_at right after the server's OK
    [row] = _mails(app)
    assert row.sent_at is not None and row.attempts == 1  # one mail: the note sent none


def test_a_down_server_loses_nothing_and_never_fails_the_reply(mail_app_factory):
    port = free_port()  # nobody listens here yet
    app = mail_app_factory(port)
    seller, agent = _people(app)
    number = created_number(create(seller))
    reply = agent.post(
        f"/agent/dialogs/{number}/reply", data={"body": "Ответ", "action": "complete"}
    )
    assert reply.status_code == 302
    app.extensions["spravka.outbox"].stop()  # from here on the test drives the sending
    with app.app_context():
        send_due(db(), app.config)
    [row] = _mails(app)
    assert row.sent_at is None and row.attempts >= 1 and "Connection" in row.last_error
    assert row.next_attempt_at > utcnow()  # retried later, not in a tight loop
    controller, inbox = start_smtp(port)
    try:
        with app.app_context():
            assert send_due(db(), app.config) == 0  # not due yet
            assert send_due(db(), app.config, now=utcnow() + timedelta(hours=1)) == 1
            assert send_due(db(), app.config, now=utcnow() + timedelta(days=1)) == 0  # once
        assert [m["Subject"] for m in inbox.wait_for(1)] == [
            f"Поддержка ответила в диалоге № {number}"
        ]
    finally:
        controller.stop()


def test_a_mail_is_given_up_after_the_last_attempt(mail_app_factory):
    app = mail_app_factory(free_port())
    app.extensions["spravka.outbox"].stop()
    seller, agent = _people(app)
    number = created_number(create(seller))
    agent.post(f"/agent/dialogs/{number}/reply", data={"body": "Ответ"})
    with app.app_context():
        later = utcnow()
        for _ in range(MAX_ATTEMPTS + 2):
            later += timedelta(days=1)
            send_due(db(), app.config, now=later)
    [row] = _mails(app)
    assert row.attempts == MAX_ATTEMPTS and row.sent_at is None  # kept, with its error


def test_no_smtp_host_means_no_mail(dialog_app_any_db):
    app = dialog_app_any_db
    assert app.config["SMTP_HOST"] == "" and "spravka.outbox" not in app.extensions
    seller, agent = _people(app)
    number = created_number(create(seller))
    assert agent.post(f"/agent/dialogs/{number}/reply", data={"body": "Ответ"}).status_code == 302
    with app.app_context():
        assert db().scalar(select(func.count(OutboxMail.id))) == 0
