"""The one place where a dialog changes state; pages, the JSON API, mail and bots call it.

Every function takes the session, the dialog and the acting user, checks who may do
what, records each change in the dialog's history (who, when, from, to), commits, and
raises web.errors subclasses with Russian messages: Refused 422, Conflict 409,
NotFound 404, LimitReached 429, Unavailable 503 (nothing saved).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import update
from sqlalchemy.orm import Session

from web.accounts.models import User
from web.analytics.outcomes import agent_link_event
from web.channels.notify import support_wrote
from web.dialogs.forms import clean_text, description_error
from web.dialogs.models import (
    CHANGE_ASSIGN,
    CHANGE_REFILE,
    CHANGE_STATUS,
    STATUS_COMPLETED,
    STATUS_CREATED,
    STATUS_IN_PROGRESS,
    STATUS_WAITING,
    Dialog,
    Message,
)
from web.dialogs.store import DialogDraft, DialogSaveFailed, add_message, create_dialog
from web.dialogs.store import save_changes as _commit
from web.dialogs.uploads import CheckedFile
from web.errors import Conflict, NotFound, Refused
from web.search_service import engine
from web.timestamps import utcnow

log = logging.getLogger(__name__)

# kb/categories.yaml: «Пересмотр решений по обращениям» › «Пересмотр решения». A content
# without it files re-reviews in the original dialog's category instead.
REVIEW_CATEGORY = "decisions"
REVIEW_TOPIC = "re-review"
COMMENT_MAX = 2000


class DialogClosed(Refused):
    """The dialog is «Завершен»: it takes no more messages until it is reopened."""


class DialogHeld(Conflict):
    """Another agent holds the dialog; only they may answer or complete it."""


# -- checks and history -----------------------------------------------------------------
def _own(dialog: Dialog, seller: User) -> None:
    if seller is None or dialog.seller_id != seller.id:
        raise NotFound(f"dialog {dialog.number}")  # not 403: no hint that it exists


def _agent(user: User) -> None:
    if user is None or user.role != "agent":
        raise Refused("Это может сделать только сотрудник поддержки.")


def _holder(dialog: Dialog, agent: User) -> None:
    if dialog.assignee_id is not None and dialog.assignee_id != agent.id:
        holder = dialog.assignee.email if dialog.assignee else "другой сотрудник"
        raise DialogHeld(f"Диалог № {dialog.number} ведёт {holder}.")


def _open(dialog: Dialog, message: str) -> None:
    if not dialog.is_open:
        raise DialogClosed(message)


def _set_status(dialog: Dialog, actor: User, status: str) -> None:
    if dialog.status == status:
        return
    dialog.record_change(actor, CHANGE_STATUS, dialog.status, status)
    dialog.status = status
    dialog.updated_at = utcnow()
    dialog.completed_at = dialog.updated_at if status == STATUS_COMPLETED else None


def _assign(dialog: Dialog, actor: User, agent: User | None) -> None:
    old = dialog.assignee.email if dialog.assignee else ""
    dialog.record_change(actor, CHANGE_ASSIGN, old, agent.email if agent else "")
    dialog.assignee = agent


def _take_for(session: Session, dialog: Dialog, agent: User) -> None:
    """Hold the dialog for `agent` unless someone else does, checked in the database: of
    two agents taking (or answering) an unheld dialog at once, exactly one wins."""
    if dialog.assignee_id == agent.id:
        return
    _holder(dialog, agent)
    won = session.execute(
        update(Dialog)
        .where(Dialog.id == dialog.id, Dialog.assignee_id.is_(None))
        .values(assignee_id=agent.id)
    ).rowcount
    if not won:
        session.rollback()
        session.refresh(dialog)
        _holder(dialog, agent)
    _assign(dialog, agent, agent)


def _save(session: Session) -> None:
    _commit(session)


def _text_or_files(text: str, files: list[CheckedFile]) -> str:
    text = clean_text(text, 5000)
    if not text and not files:
        raise Refused("Напишите сообщение или прикрепите файл.")
    return text


# -- the seller -------------------------------------------------------------------------
def open_dialog(
    session: Session,
    seller: User,
    draft: DialogDraft,
    *,
    visitor: str | None = None,
    per_hour: int | None = None,
    channel: str = "web",
) -> Dialog:
    """Open a new dialog («Создан») with its first message and files."""
    if per_hour is None:
        per_hour = current_app.config["DIALOGS_PER_HOUR"]
    return create_dialog(session, seller, draft, visitor, per_hour, channel)


def seller_message(
    session: Session, dialog: Dialog, seller: User, text: str, files: list[CheckedFile]
) -> Message:
    """The seller writes into their open dialog; an asked dialog goes back «В работе»."""
    _own(dialog, seller)
    _open(dialog, "Диалог завершён. Если вопрос остался, начните новый диалог.")
    text = _text_or_files(text, files)
    if dialog.status == STATUS_WAITING:
        _set_status(dialog, seller, STATUS_IN_PROGRESS)
    if dialog.awaiting_since is None:
        dialog.awaiting_since = utcnow()  # support owes an answer again
    return add_message(session, dialog, seller, text, files)


def mark_read(session: Session, dialog: Dialog, seller: User) -> None:
    """The seller opened the dialog: its answers are no longer unread (never raises)."""
    if dialog.seller_id != seller.id or not dialog.unread:
        return
    dialog.seller_read_at = utcnow()
    try:
        _save(session)
    except DialogSaveFailed:
        log.warning("could not mark dialog %s read", dialog.number)


def rate(session: Session, dialog: Dialog, seller: User, helped: bool, comment: str | None) -> None:
    """«Помогло» / «Не помогло» (+ comment) on a completed dialog, once."""
    _own(dialog, seller)
    if dialog.status != STATUS_COMPLETED:
        raise Refused("Оценить ответ можно, когда диалог завершён.")
    if dialog.helped is not None:
        raise Conflict("Вы уже оценили ответ в этом диалоге.")
    dialog.helped = bool(helped)
    dialog.rating_comment = clean_text(comment, COMMENT_MAX) or None
    dialog.rated_at = utcnow()
    _save(session)


def review_deadline(dialog: Dialog) -> datetime | None:
    """Until when the seller may ask to re-review a completed dialog (None when open)."""
    if dialog.status != STATUS_COMPLETED or dialog.completed_at is None:
        return None
    return dialog.completed_at + timedelta(days=current_app.config["REVIEW_WINDOW_DAYS"])


def _review_place(dialog: Dialog) -> tuple[str, str | None]:
    category = engine().content.categories.get(REVIEW_CATEGORY)
    if category is None:
        return dialog.category, dialog.topic
    return category.id, REVIEW_TOPIC if category.topic(REVIEW_TOPIC) else None


def request_review(
    session: Session, dialog: Dialog, seller: User, reason: str, *, channel: str = "web"
) -> Dialog:
    """«Пересмотреть решение»: a new dialog in the re-review category, linked both ways."""
    _own(dialog, seller)
    deadline = review_deadline(dialog)
    if deadline is None:
        raise Refused("Пересмотр можно запросить, когда диалог завершён.")
    if utcnow() > deadline:
        days = current_app.config["REVIEW_WINDOW_DAYS"]
        raise Refused(f"Пересмотр можно запросить в течение {days} дней после завершения.")
    if dialog.reviews:
        raise Conflict(f"Пересмотр уже запрошен: диалог № {dialog.reviews[0].number}.")
    reason = clean_text(reason, 5000)
    if (problem := description_error(reason)) is not None:
        raise Refused(problem)
    category, topic = _review_place(dialog)
    draft = DialogDraft(
        category=category,
        topic=topic,
        description=f"Прошу пересмотреть решение по диалогу № {dialog.number}.\n\n{reason}",
        review_of_id=dialog.id,
    )
    review = open_dialog(session, seller, draft, visitor=dialog.visitor, channel=channel)
    session.refresh(dialog)
    return review


# -- support ----------------------------------------------------------------------------
def take(session: Session, dialog: Dialog, agent: User) -> None:
    """The agent takes the dialog: they hold it, and a new one becomes «В работе»."""
    _agent(agent)
    _open(dialog, "Диалог завершён — откройте его снова, чтобы взять в работу.")
    if dialog.assignee_id == agent.id:
        return
    _take_for(session, dialog, agent)
    if dialog.status == STATUS_CREATED:
        _set_status(dialog, agent, STATUS_IN_PROGRESS)
    _save(session)


def release(session: Session, dialog: Dialog, agent: User) -> None:
    """The holder gives the dialog back to the queue (an untouched one is «Создан» again)."""
    _agent(agent)
    if dialog.assignee_id is None:
        return
    _holder(dialog, agent)
    _assign(dialog, agent, None)
    if dialog.status == STATUS_IN_PROGRESS and dialog.first_response_at is None:
        _set_status(dialog, agent, STATUS_CREATED)
    _save(session)


def _linked(session: Session, dialog: Dialog, entry_ids) -> None:
    """Record each help-center entry the reply links (kind="agent_link")."""
    content = engine().content
    for entry_id in dict.fromkeys(entry_ids):
        resolved = content.resolve(entry_id)
        if resolved:
            session.add(
                agent_link_event(
                    resolved,
                    dialog.description,
                    dialog.id,
                    dialog.category,
                    dialog.topic,
                    dialog.seller_id,
                    dialog.visitor,
                )  # fmt: skip
            )


def agent_message(
    session: Session,
    dialog: Dialog,
    agent: User,
    text: str,
    files: list[CheckedFile],
    *,
    complete: bool = False,
    internal: bool = False,
    ask: bool = False,
    linked_entries=(),
) -> Message:
    """Support writes: an internal note, a reply, a question (→ «Ждёт вашего ответа») or a
    reply that completes the dialog. A reply takes an unheld dialog for the agent."""
    _agent(agent)
    text = _text_or_files(text, files)
    if internal:
        return add_message(session, dialog, agent, text, files, internal=True)
    if complete and ask:
        raise Refused("Ответ либо завершает диалог, либо просит продавца уточнить — не оба.")
    _open(dialog, "Диалог завершён — откройте его снова, чтобы ответить.")
    _take_for(session, dialog, agent)
    status = STATUS_COMPLETED if complete else STATUS_WAITING if ask else STATUS_IN_PROGRESS
    _set_status(dialog, agent, status)
    now = utcnow()
    dialog.first_response_at = dialog.first_response_at or now
    dialog.last_support_at = now
    dialog.awaiting_since = None
    _linked(session, dialog, linked_entries)
    message = add_message(session, dialog, agent, text, files)
    support_wrote(session, dialog, message)
    return message


def complete(session: Session, dialog: Dialog, agent: User) -> None:
    """«Завершить без ответа»."""
    _agent(agent)
    if dialog.status == STATUS_COMPLETED:
        raise Conflict(f"Диалог № {dialog.number} уже завершён.")
    _take_for(session, dialog, agent)
    _set_status(dialog, agent, STATUS_COMPLETED)
    dialog.awaiting_since = None
    _save(session)


def reopen(session: Session, dialog: Dialog, agent: User) -> None:
    """Open a completed dialog again: the agent holds it and owes the seller an answer."""
    _agent(agent)
    if dialog.status != STATUS_COMPLETED:
        raise Conflict(f"Диалог № {dialog.number} не завершён.")
    if dialog.assignee_id != agent.id:
        _assign(dialog, agent, agent)
    _set_status(dialog, agent, STATUS_IN_PROGRESS)
    dialog.awaiting_since = utcnow()
    _save(session)


def refile(session: Session, dialog: Dialog, agent: User, category: str, topic: str | None) -> None:
    """Move the dialog to another category/topic (recorded; the seller sees it)."""
    _agent(agent)
    found = engine().content.categories.get(category or "")
    if found is None:
        raise Refused("Выберите категорию.")
    topic = topic or None
    if found.topics and (topic is None or found.topic(topic) is None):
        raise Refused("Выберите тему этой категории.")
    if not found.topics:
        topic = None
    if (dialog.category, dialog.topic) == (category, topic):
        raise Refused("Диалог уже в этой категории и теме.")
    old = f"{dialog.category}/{dialog.topic or ''}"
    dialog.record_change(agent, CHANGE_REFILE, old, f"{category}/{topic or ''}")
    dialog.category, dialog.topic = category, topic
    dialog.updated_at = utcnow()
    _save(session)
