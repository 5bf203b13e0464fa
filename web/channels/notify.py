"""Telling sellers that support wrote: an e-mail through the outbox and a Telegram message.

Called by web.dialogs.conversation after an agent's message to the seller is committed;
never for internal notes. A failure here is logged and swallowed: the agent's answer is
already saved and the seller still sees it on the site.
"""

from __future__ import annotations

import logging

from flask import current_app, has_app_context
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from web.channels.outbox import enqueue, wake_sender
from web.channels.telegram_answers import support_wrote_text
from web.channels.telegram_links import chat_for
from web.channels.telegram_notify import notifier_for
from web.dialogs.models import Dialog, Message

log = logging.getLogger(__name__)
EXCERPT_CHARS = 2000


def mail_text(dialog: Dialog, message: Message, public_url: str) -> tuple[str, str]:
    """Subject and body of the «support wrote» e-mail."""
    subject = f"Поддержка ответила в диалоге № {dialog.number}"
    body = message.body[:EXCERPT_CHARS] or "(ответ без текста, с файлами)"
    if message.attachments:
        body += f"\n\nФайлов в ответе: {len(message.attachments)} — они в диалоге на сайте."
    where = (
        f"{public_url.rstrip('/')}/dialogs/{dialog.number}"
        if public_url
        else f"«Мои обращения» → диалог № {dialog.number}"
    )
    text = (
        f"Здравствуйте!\n\nПоддержка написала в диалоге № {dialog.number}:\n\n{body}\n\n"
        f"Ответить или посмотреть всю переписку: {where}\n\n"
        # The mail intake files a reply by the «№ N» of this subject (spravka mail).
        "Можно ответить прямо на это письмо: ответ добавится в диалог."
    )
    return subject, text


def support_wrote(session: Session, dialog: Dialog, message: Message) -> None:
    """Queue the seller's notifications about a message support just sent them."""
    if message.internal or not has_app_context():
        return
    _mail(session, dialog, message)
    _telegram(session, dialog)


def _mail(session: Session, dialog: Dialog, message: Message) -> None:
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return  # mail is off
    try:
        subject, text = mail_text(dialog, message, config.get("PUBLIC_URL", ""))
        enqueue(session, dialog.seller.email, subject, text)
        session.commit()
    except SQLAlchemyError:
        session.rollback()
        log.exception("notify: could not queue the mail for dialog %s", dialog.number)
        return
    wake_sender(current_app._get_current_object())


def _telegram(session: Session, dialog: Dialog) -> None:
    """«Поддержка ответила в диалоге № …» to the seller's linked chat (when a bot is set)."""
    if not current_app.config.get("TELEGRAM_TOKEN"):
        return
    try:
        chat_id = chat_for(session, dialog.seller_id)
    except SQLAlchemyError:
        session.rollback()
        log.exception("notify: could not look up the Telegram chat of dialog %s", dialog.number)
        return
    if chat_id is not None:
        app = current_app._get_current_object()
        notifier_for(app).enqueue(chat_id, support_wrote_text(dialog.number))
