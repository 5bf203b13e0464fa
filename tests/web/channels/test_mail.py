"""E-mail intake: real mail over SMTP to aiosmtpd on loopback, through the intake to dialogs."""

from __future__ import annotations

import smtplib

import pytest
from sqlalchemy import select

from tests.dialog_helpers import make_user
from tests.web.channels.conftest import send_mail
from web.channels.mail_parsing import strip_quoted
from web.channels.outbox import OutboxMail
from web.database import db
from web.dialogs.models import Dialog

QUESTION = "Вернули товар с дефектом: порвана упаковка и сломана застёжка на куртке"


def _dialogs(app) -> list[dict]:
    """Each dialog's fields, messages and file names, read while the session is open."""
    with app.app_context():
        return [
            {
                "number": d.number,
                "channel": d.channel,
                "category": d.category,
                "description": d.description,
                "messages": [m.body for m in d.messages],
                "files": [a.original_name for a in d.attachments],
            }
            for d in db().scalars(select(Dialog).order_by(Dialog.id))
        ]


def _outbox(app) -> list[OutboxMail]:
    with app.app_context():
        return list(db().scalars(select(OutboxMail).order_by(OutboxMail.id)))


def test_a_sellers_mail_opens_a_dialog_in_the_suggested_category(channel_app, intake, sample_files):
    make_user(channel_app, "seller@example.com")
    png = (sample_files / "photo.png").read_bytes()
    send_mail(
        intake.port, "Продавец <Seller@Example.com>", "Брак в возврате", QUESTION,
        files=[("photo.png", png, "image", "png"), ("setup.exe", b"MZ\x90\x00", "application", "octet-stream")],
    )  # fmt: skip
    outcome = intake.outcomes[-1]
    assert outcome.action == "created" and outcome.refused_files[0].startswith("setup.exe")
    (dialog,) = _dialogs(channel_app)
    assert dialog["number"] == outcome.number and dialog["channel"] == "email"
    assert dialog["category"] == "returns"
    assert "Брак в возврате" in dialog["description"] and QUESTION in dialog["description"]
    assert dialog["files"] == ["photo.png"]
    (reply,) = _outbox(channel_app)
    assert reply.recipient == "seller@example.com"
    assert f"№ {dialog['number']}" in reply.subject and "setup.exe" in reply.body


def test_a_reply_with_the_number_adds_a_message_without_the_quote(channel_app, intake):
    make_user(channel_app, "seller@example.com")
    send_mail(intake.port, "seller@example.com", "Брак", QUESTION)
    number = intake.outcomes[-1].number
    body = (
        "Добавляю номер поставки 4411.\n\n"
        "1 декабря 2026 г., в 10:00, Поддержка <support@spravka.local> написал:\n"
        f"> Поддержка ответила в диалоге № {number}\n> Пришлите номер поставки"
    )
    send_mail(
        intake.port, "seller@example.com", f"Re: Поддержка ответила в диалоге № {number}", body
    )
    assert intake.outcomes[-1].action == "added"
    (dialog,) = _dialogs(channel_app)
    assert dialog["messages"][-1] == "Добавляю номер поставки 4411."


def test_someone_elses_number_opens_a_new_dialog_instead(channel_app, intake):
    make_user(channel_app, "a@example.com")
    make_user(channel_app, "b@example.com")
    send_mail(intake.port, "a@example.com", "Брак", QUESTION)
    theirs = intake.outcomes[-1].number
    send_mail(
        intake.port, "b@example.com", f"№ {theirs}", "У меня не пришла оплата за поставку товара"
    )
    assert intake.outcomes[-1].action == "created"
    dialogs = _dialogs(channel_app)
    assert len(dialogs) == 2 and len(dialogs[0]["messages"]) == 1


def test_an_unknown_sender_gets_one_polite_auto_reply(channel_app, intake):
    for _ in range(3):
        send_mail(intake.port, "stranger@example.org", "Вопрос", QUESTION)
    assert [o.action for o in intake.outcomes] == ["auto-reply", "ignored", "ignored"]
    assert _dialogs(channel_app) == []
    (reply,) = _outbox(channel_app)
    assert reply.recipient == "stranger@example.org" and "учётную запись" in reply.body


@pytest.mark.parametrize(
    "headers, envelope_from",
    [
        ({"Auto-Submitted": "auto-replied"}, None),
        ({"Precedence": "bulk"}, None),
        ({"X-Autoreply": "yes"}, None),
        ({}, ""),  # a bounce: MAIL FROM:<>
    ],
)
def test_auto_replies_and_bounces_are_never_answered(channel_app, intake, headers, envelope_from):
    make_user(channel_app, "seller@example.com")
    for sender in ("stranger@example.org", "seller@example.com"):
        send_mail(
            intake.port,
            sender,
            "Out of office",
            QUESTION,
            headers=headers,
            envelope_from=envelope_from,
        )
    assert {o.action for o in intake.outcomes} == {"ignored"}
    assert _outbox(channel_app) == [] and _dialogs(channel_app) == []


def test_mail_for_other_addresses_is_refused(intake):
    with pytest.raises(smtplib.SMTPRecipientsRefused):
        send_mail(intake.port, "a@example.com", "x", QUESTION, to="someone@else.example")


def test_a_too_short_mail_creates_nothing_and_says_why(channel_app, intake):
    make_user(channel_app, "seller@example.com")
    send_mail(intake.port, "seller@example.com", "", "Помогите")
    assert intake.outcomes[-1].action == "refused" and _dialogs(channel_app) == []
    assert "Опишите" in _outbox(channel_app)[0].body


def test_the_mails_search_is_recorded_with_its_channel(channel_app, intake):
    from web.analytics.models import Event

    make_user(channel_app, "seller@example.com")
    send_mail(intake.port, "seller@example.com", "Брак", QUESTION)
    with channel_app.app_context():
        kinds = db().execute(select(Event.kind, Event.channel)).all()
    assert ("search", "email") in kinds and ("dialog", "email") in kinds


def test_strip_quoted_history():
    text = "Спасибо, всё ясно.\n\n-- \nИван\n\n> старое"
    assert strip_quoted(text) == "Спасибо, всё ясно."
    outlook = "Ответ выше\n\n-----Original Message-----\nFrom: support\nтекст"
    assert strip_quoted(outlook) == "Ответ выше"
    gmail = "Новое\n\nOn Tue, Dec 1, 2026 at 10:00 AM Support <s@x> wrote:\n> старое"
    assert strip_quoted(gmail) == "Новое"


def test_a_reply_to_a_support_notification_lands_in_the_dialog(channel_app, intake):
    from web.accounts.models import User
    from web.channels.notify import mail_text
    from web.dialogs import conversation

    make_user(channel_app, "seller@example.com")
    make_user(channel_app, "agent@example.com", "agent")
    send_mail(intake.port, "seller@example.com", "Брак", QUESTION)
    number = intake.outcomes[-1].number
    with channel_app.app_context():
        dialog = db().scalar(select(Dialog).where(Dialog.number == number))
        agent = db().scalar(select(User).where(User.email == "agent@example.com"))
        message = conversation.agent_message(db(), dialog, agent, "Пришлите фото", [], ask=True)
        subject, text = mail_text(dialog, message, "")
    quoted = "\n".join("> " + line for line in text.splitlines())
    send_mail(intake.port, "seller@example.com", "Re: " + subject, "Фото в приложении\n\n" + quoted)
    assert intake.outcomes[-1].action == "added" and intake.outcomes[-1].number == number
    (dialog,) = _dialogs(channel_app)
    assert dialog["messages"][-1] == "Фото в приложении"
