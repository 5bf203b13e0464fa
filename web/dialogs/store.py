"""Saving and finding dialogs: numbering, atomic save with files, duplicates, the queue.

Status changes and their rules live in web.dialogs.conversation, which saves through here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process
from sqlalchemy import func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload

from web.accounts.models import User
from web.dialogs.models import (
    CHANGE_STATUS,
    COUNTER_NAME,
    OPEN_STATUSES,
    STATUS_COMPLETED,
    STATUS_CREATED,
    Attachment,
    Dialog,
    DialogCounter,
    Message,
)
from web.dialogs.uploads import CheckedFile, Staging, upload_dir
from web.errors import LimitReached, NotFound, Unavailable
from web.timestamps import utcnow

log = logging.getLogger(__name__)

# token_set_ratio ≥ 80: the same complaint reworded or with a detail added scores 85–100,
# while two different problems in one topic share a few words and stay under 70.
DUPLICATE_SIMILARITY = 80
QUEUE_LIMIT = 200
# Larger numbers cannot exist (INTEGER column); asking PostgreSQL for one would be an error.
MAX_NUMBER = 2**31 - 1


@dataclass
class DialogDraft:
    """What the seller asked for, validated; files are checked but not saved yet."""

    category: str = ""
    topic: str | None = None
    description: str = ""
    barcode: str | None = None
    confirm_new: bool = False
    files: list[CheckedFile] = field(default_factory=list)
    # A re-review («Пересмотреть решение») names the dialog whose decision it disputes.
    review_of_id: int | None = None


class DialogLimitReached(LimitReached):
    """The seller opened DIALOGS_PER_HOUR dialogs in the last hour."""


class DialogSaveFailed(Unavailable):
    """The dialog (or message) could not be saved; nothing of it was kept."""


def _allocate_number(session: Session) -> int:
    """Take the next dialog number inside the caller's transaction.

    The UPDATE locks the counter row until commit (PostgreSQL) or takes the database write
    lock (SQLite), so concurrent creations queue here and each gets the next number; a
    rollback returns the number, so numbers have no gaps.
    """
    return session.execute(
        update(DialogCounter)
        .where(DialogCounter.name == COUNTER_NAME)
        .values(value=DialogCounter.value + 1)
        .returning(DialogCounter.value)
    ).scalar_one()


def _recent_dialogs(session: Session, seller_id: int) -> int:
    since = utcnow() - timedelta(hours=1)
    return session.scalar(
        select(func.count(Dialog.id)).where(
            Dialog.seller_id == seller_id, Dialog.created_at >= since
        )
    )


def _attach(staging: Staging, dialog: Dialog, message: Message, files: list[CheckedFile]) -> None:
    for checked in files:
        attachment = Attachment(
            original_name=checked.name,
            stored_name=staging.stage(checked),
            kind=checked.kind,
            content_type=checked.content_type,
            size=checked.size,
            created_at=message.created_at,
        )
        attachment.message = message
        dialog.attachments.append(attachment)


def _undo(session: Session, staging: Staging, exc: BaseException) -> None:
    """Roll back and delete the staged files; database and disk errors become DialogSaveFailed."""
    session.rollback()
    staging.discard()
    if isinstance(exc, SQLAlchemyError | OSError):
        log.exception("dialog save failed")
        raise DialogSaveFailed("Не удалось сохранить диалог") from exc
    raise exc


def _new_staging(session: Session) -> Staging:
    """A Staging in the uploads folder; an unusable folder is a failed save, not a 500."""
    try:
        return Staging(upload_dir())
    except OSError as exc:
        session.rollback()  # e.g. the status a reply has already set
        log.exception("uploads folder unusable")
        raise DialogSaveFailed("Не удалось сохранить диалог") from exc


def _commit_with_files(session: Session, staging: Staging) -> None:
    """Flush, give the files their final names, commit; on any failure undo both."""
    try:
        session.flush()
        # Renamed before the commit: a committed row then always has its file. A crash
        # between the two leaves only an unreferenced file, never a dialog without one.
        staging.promote()
        session.commit()
    except BaseException as exc:
        _undo(session, staging, exc)


def create_dialog(
    session: Session,
    seller: User,
    draft: DialogDraft,
    visitor: str | None,
    per_hour: int,
    channel: str = "web",
) -> Dialog:
    """Save a new dialog with its first message, files and first history row, or nothing."""
    staging = _new_staging(session)
    try:
        now = utcnow()
        dialog = Dialog(
            seller_id=seller.id,
            category=draft.category,
            topic=draft.topic,
            barcode=draft.barcode,
            status=STATUS_CREATED,
            channel=channel,
            visitor=visitor,
            created_at=now,
            updated_at=now,
            awaiting_since=now,
            review_of_id=draft.review_of_id,
        )
        message = Message(
            author_id=seller.id, author_role="seller", body=draft.description, created_at=now
        )
        dialog.messages.append(message)
        dialog.record_change(seller, CHANGE_STATUS, None, STATUS_CREATED, now)
        # Files are written before the counter is locked so a slow disk does not hold it.
        _attach(staging, dialog, message, draft.files)
        dialog.number = _allocate_number(session)
        # Counted under the counter lock: parallel requests cannot all slip under the limit.
        if _recent_dialogs(session, seller.id) >= per_hour:
            raise DialogLimitReached(f"{per_hour} диалогов в час")
        session.add(dialog)
    except BaseException as exc:
        _undo(session, staging, exc)
    _commit_with_files(session, staging)
    return dialog


def add_message(
    session: Session,
    dialog: Dialog,
    author: User,
    body: str,
    files: list[CheckedFile],
    internal: bool = False,
) -> Message:
    """Append a message (with files) and whatever else changed on the dialog: all or nothing."""
    staging = _new_staging(session)
    try:
        now = utcnow()
        message = Message(
            author_id=author.id,
            author_role=author.role,
            body=body,
            internal=internal,
            created_at=now,
        )
        dialog.messages.append(message)
        _attach(staging, dialog, message, files)
        dialog.updated_at = now
    except BaseException as exc:
        _undo(session, staging, exc)
    _commit_with_files(session, staging)
    return message


def save_changes(session: Session) -> None:
    """Commit changes made to a dialog without a message (status, holder, category)."""
    try:
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        log.exception("dialog change failed")
        raise DialogSaveFailed("Не удалось сохранить изменения") from exc


# -- reading -----------------------------------------------------------------------------
def seller_dialogs(session: Session, seller_id: int) -> list[Dialog]:
    """A seller's dialogs, newest first."""
    return list(
        session.scalars(
            select(Dialog)
            .where(Dialog.seller_id == seller_id)
            .order_by(Dialog.created_at.desc(), Dialog.id.desc())
        )
    )


def unread_count(session: Session, seller_id: int) -> int:
    """How many of the seller's dialogs have a support message the seller has not opened."""
    return session.scalar(
        select(func.count(Dialog.id)).where(
            Dialog.seller_id == seller_id,
            Dialog.last_support_at.is_not(None),
            (Dialog.seller_read_at.is_(None)) | (Dialog.seller_read_at < Dialog.last_support_at),
        )
    )


def _with_thread():
    return (
        selectinload(Dialog.messages).selectinload(Message.attachments),
        selectinload(Dialog.attachments).joinedload(Attachment.message),
        selectinload(Dialog.changes),
        selectinload(Dialog.reviews),
    )


def seller_dialog(session: Session, seller_id: int, number: int) -> Dialog:
    """The seller's own dialog by number; anyone else's is NotFound (not 403: no hints)."""
    if not 0 < number <= MAX_NUMBER:
        raise NotFound(f"dialog {number}")
    dialog = session.scalar(
        select(Dialog)
        .where(Dialog.number == number, Dialog.seller_id == seller_id)
        .options(*_with_thread())
    )
    if dialog is None:
        raise NotFound(f"dialog {number}")
    return dialog


def any_dialog(session: Session, number: int) -> Dialog:
    """Any dialog by number (for support agents)."""
    if not 0 < number <= MAX_NUMBER:
        raise NotFound(f"dialog {number}")
    dialog = session.scalar(select(Dialog).where(Dialog.number == number).options(*_with_thread()))
    if dialog is None:
        raise NotFound(f"dialog {number}")
    return dialog


def dialog_file(dialog: Dialog, attachment_id: int, internal: bool = False) -> Attachment:
    """An attachment of this dialog, or NotFound (also when its file is missing on disk);
    files of internal notes only with `internal` (agents)."""
    for attachment in dialog.attachments if internal else dialog.public_attachments:
        if attachment.id == attachment_id and (upload_dir() / attachment.stored_name).is_file():
            return attachment
    raise NotFound(f"attachment {attachment_id}")


def find_duplicates(session: Session, seller_id: int, draft: DialogDraft) -> list[Dialog]:
    """The seller's open dialogs in the same category and topic that look like this one."""
    candidates = session.scalars(
        select(Dialog)
        .where(
            Dialog.seller_id == seller_id,
            Dialog.status.in_(OPEN_STATUSES),
            Dialog.category == draft.category,
            Dialog.topic == draft.topic if draft.topic else Dialog.topic.is_(None),
        )
        .options(selectinload(Dialog.messages))
        .order_by(Dialog.created_at.desc())
        .limit(50)
    )
    return [d for d in candidates if _looks_same(d, draft)]


def _looks_same(dialog: Dialog, draft: DialogDraft) -> bool:
    if draft.barcode and dialog.barcode == draft.barcode:
        return True
    score = fuzz.token_set_ratio(dialog.description, draft.description, processor=default_process)
    return score >= DUPLICATE_SIMILARITY


def queue(
    session: Session, category: str | None, completed: bool = False, holder: int | None = None
) -> list[Dialog]:
    """Dialogs for support: open ones by due time, the most urgent first (those waiting
    for the seller last); completed ones newest first. `holder` keeps one agent's dialogs."""
    statuses = (STATUS_COMPLETED,) if completed else OPEN_STATUSES
    query = select(Dialog).where(Dialog.status.in_(statuses)).options(selectinload(Dialog.messages))
    if category:
        query = query.where(Dialog.category == category)
    if holder is not None:
        query = query.where(Dialog.assignee_id == holder)
    if completed:
        query = query.order_by(Dialog.updated_at.desc(), Dialog.id.desc())
    else:
        # Due time is awaiting_since + ANSWER_HOURS for every dialog, so this is due order.
        waiting_for_seller = Dialog.awaiting_since.is_(None)
        query = query.order_by(waiting_for_seller, Dialog.awaiting_since, Dialog.id)
    return list(session.scalars(query.limit(QUEUE_LIMIT)))


def open_counts(session: Session) -> dict[str, int]:
    """Open dialogs per category (for the queue's filter)."""
    rows = session.execute(
        select(Dialog.category, func.count(Dialog.id))
        .where(Dialog.status.in_(OPEN_STATUSES))
        .group_by(Dialog.category)
    )
    return {category: count for category, count in rows}
