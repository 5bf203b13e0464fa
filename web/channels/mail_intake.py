"""E-mail to support: a registered seller's mail opens a dialog or adds to «№ N»; anyone
else gets one polite auto-reply. Runs inside an app context (the SMTP server's worker)."""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from flask import current_app, g
from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage

from web.accounts.models import User
from web.accounts.services import normalize_email
from web.analytics.recording import record_dialog_opened, record_search
from web.channels.mail_parsing import IncomingMail
from web.channels.models import MailAutoReply
from web.channels.outbox import enqueue, wake_sender
from web.database import db
from web.dialogs import conversation
from web.dialogs.forms import DESCRIPTION_MAX_CHARS, MESSAGE_MAX_CHARS, description_error
from web.dialogs.store import DialogDraft, DialogLimitReached, find_duplicates, seller_dialog
from web.dialogs.uploads import check_uploads
from web.errors import NotFound, SpravkaError
from web.search_service import engine
from web.timestamps import utcnow

log = logging.getLogger(__name__)

CHANNEL = "email"
# One auto-reply per address a day is enough to explain; more would be spam of our own.
AUTO_REPLY_EVERY = timedelta(hours=24)
# And no more than this many auto-replies an hour in all: a flood of forged senders must not
# turn the intake into a mail cannon aimed at strangers.
AUTO_REPLIES_PER_HOUR = 100
# The search decision is made on the start of the text, as the search box would see it.
ROUTE_QUERY_CHARS = 300


@dataclass
class Outcome:
    """What the intake did with one mail (for the log and the tests)."""

    action: str  # created | added | refused | auto-reply | ignored
    number: int | None = None
    refused_files: list[str] = field(default_factory=list)


def _seller(address: str) -> User | None:
    user = db().scalar(select(User).where(User.email == normalize_email(address)))
    return user if user is not None and user.active and user.role == "seller" else None


def _visitor(address: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()[:32]
    return "mail-" + hashlib.blake2s(address.encode(), key=key).hexdigest()[:16]


def _reply(to: str, subject: str, text: str) -> None:
    """Queue an answer to the sender through the outbox (retried; off without SMTP_HOST)."""
    enqueue(db(), to, subject, text + "\n\n— Поддержка продавцов")
    db().commit()
    wake_sender(current_app._get_current_object())


def _checked_files(mail: IncomingMail):
    uploads = [FileStorage(stream=io.BytesIO(f.data), filename=f.name) for f in mail.files]
    accepted, refused = check_uploads(uploads)
    return accepted, [f"{r.name} — {r.reason}" for r in refused]


def _refused_text(refused: list[str]) -> str:
    if not refused:
        return ""
    return "\n\nЭти файлы не приняты:\n" + "\n".join(f"• {r}" for r in refused)


def _route(text: str) -> tuple[str, str | None]:
    """The category (and topic) the search engine suggests for this text."""
    result = engine().search(text[:ROUTE_QUERY_CHARS], limit=3)
    if current_app.config["ANALYTICS_ENABLED"]:
        record_search(
            text[:ROUTE_QUERY_CHARS], result, "page", engine().normalize,
            channel=CHANNEL, visitor=_visitor(g.user.email),
        )  # fmt: skip
    decision, hits = result.decision, result.hits
    if decision.category:
        return decision.category, decision.topic
    if hits:
        return hits[0].category, hits[0].topic
    # Nothing matched: the first category; filing it properly is the agent's re-filing.
    return next(iter(engine().content.categories)), None


def _add(seller: User, number: int, mail: IncomingMail) -> Outcome:
    """Add the mail to the seller's dialog «№ number»."""
    dialog = seller_dialog(db(), seller.id, number)
    files, refused = _checked_files(mail)
    try:
        conversation.seller_message(db(), dialog, seller, mail.text[:MESSAGE_MAX_CHARS], files)
    except SpravkaError as exc:
        _reply(
            seller.email,
            f"Re: {mail.subject}",
            f"Сообщение не добавлено в диалог № {number}: {exc}",
        )
        return Outcome("refused", number, refused)
    text = f"Ваше сообщение добавлено в диалог № {number}." + _refused_text(refused)
    _reply(seller.email, f"Диалог № {number}: сообщение добавлено", text)
    return Outcome("added", number, refused)


def _description(mail: IncomingMail) -> str:
    return "\n\n".join(p for p in (mail.subject, mail.text) if p)[:DESCRIPTION_MAX_CHARS]


def _open(seller: User, mail: IncomingMail) -> Outcome:
    """Open a new dialog from the mail (or add it to a similar open one)."""
    description = _description(mail)
    if (problem := description_error(description)) is not None:
        _reply(seller.email, f"Re: {mail.subject}", f"Обращение не создано. {problem}")
        return Outcome("refused")
    category, topic = _route(description)
    files, refused = _checked_files(mail)
    draft = DialogDraft(category=category, topic=topic, description=description, files=files)
    similar = find_duplicates(db(), seller.id, draft)
    if similar:
        return _add(seller, similar[0].number, mail)
    try:
        dialog = conversation.open_dialog(
            db(), seller, draft, visitor=_visitor(seller.email), channel=CHANNEL
        )
    except DialogLimitReached:
        _reply(seller.email, f"Re: {mail.subject}", "Обращение не создано: за последний час "
               "открыто слишком много диалогов. Напишите позже или допишите в открытые.")  # fmt: skip
        return Outcome("refused")
    record_dialog_opened(
        dialog.id, category, topic, channel=CHANNEL, visitor=_visitor(seller.email)
    )
    text = (
        f"Создан диалог № {dialog.number}. Ответ поддержки придёт на эту почту и будет в "
        f"«Мои обращения». Чтобы дополнить обращение, ответьте на это письмо или укажите "
        f"в теме «№ {dialog.number}»." + _refused_text(refused)
    )
    _reply(seller.email, f"Создан диалог № {dialog.number}", text)
    return Outcome("created", dialog.number, refused)


def _auto_reply_allowed(address: str) -> bool:
    now = utcnow()
    recent = db().scalar(
        select(func.count(MailAutoReply.id)).where(
            MailAutoReply.address == address, MailAutoReply.sent_at >= now - AUTO_REPLY_EVERY
        )
    )
    hour = db().scalar(
        select(func.count(MailAutoReply.id)).where(
            MailAutoReply.sent_at >= now - timedelta(hours=1)
        )
    )
    return not recent and hour < AUTO_REPLIES_PER_HOUR


def _unknown_sender(mail: IncomingMail) -> Outcome:
    """One polite auto-reply a day per address: write through the personal account."""
    address = normalize_email(mail.sender)
    if not _auto_reply_allowed(address):
        return Outcome("ignored")
    db().add(MailAutoReply(address=address, sent_at=utcnow()))
    public = current_app.config.get("PUBLIC_URL") or ""
    where = (
        f"{public.rstrip('/')}/dialogs/new"
        if public
        else "личном кабинете («Написать в поддержку»)"
    )
    _reply(
        address,
        f"Re: {mail.subject}" if mail.subject else "Поддержка продавцов",
        "Здравствуйте! Мы не нашли учётную запись продавца с этим адресом, поэтому письмо "
        f"не стало обращением. Напишите нам в {where} или с адреса, указанного в учётной "
        "записи. Это автоматический ответ: следующий на этот адрес придёт не раньше чем "
        "через сутки.",
    )
    return Outcome("auto-reply")


def handle_mail(mail: IncomingMail) -> Outcome:
    """Decide and do what one incoming mail asks for (never raises on bad input)."""
    if mail.automatic or "@" not in mail.sender:
        return Outcome("ignored")  # never answer a machine: that is how mail loops start
    seller = _seller(mail.sender)
    if seller is None:
        return _unknown_sender(mail)
    g.user = seller
    number = mail.dialog_number
    if number is not None:
        try:
            return _add(seller, number, mail)
        except NotFound:
            pass  # not their dialog (or none): a new question, with no hint either way
    return _open(seller, mail)
