"""Idempotent forms: each «Начать диалог», message and reply form carries a token, and a
token is sent once.

Two identical posts (a double click, a retry after a slow answer) race here: the first
claims the token in its own committed row, the second finds it taken, waits for the
first to finish and is sent to the same dialog (the one it opened, or the one it wrote
into). A submit that saved nothing frees its token, so that sending again works.
"""

from __future__ import annotations

import secrets
import time
from datetime import datetime, timedelta

from sqlalchemy import String, delete, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from web.database import Base
from web.timestamps import UTCDateTime, utcnow

# A double submit arrives within seconds; a day covers a browser resending after sleep.
KEEP_FOR = timedelta(days=1)
# How long the second post waits for the first one's dialog (a save with files is ~1 s).
WAIT_SECONDS = 10.0
# A message form's twin found no saved message (its first submit failed or is still busy).
MESSAGE_ALREADY_SENT = (
    "Эта форма уже отправлена. Проверьте переписку выше: если сообщения там нет, "
    "отправьте его ещё раз — текст остался в форме."
)


class FormSubmission(Base):
    """A claimed form token and the dialog it opened or wrote into (0004_i11_submissions)."""

    __tablename__ = "form_submissions"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column()
    dialog_number: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def new_token() -> str:
    """A fresh token for a form being shown."""
    return secrets.token_urlsafe(24)


def claim(session: Session, token: str, user_id: int) -> bool:
    """Take the token for this submit; False when another submit already took it."""
    session.execute(delete(FormSubmission).where(FormSubmission.created_at < utcnow() - KEEP_FOR))
    session.add(FormSubmission(token=token[:64], user_id=user_id))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def first_submit(session: Session, token: str, user_id: int) -> bool:
    """True when this submit goes ahead: the form has no token (an old page, the API's own
    forms) or this is the token's first submit. False: a twin has it (see `opened_by`)."""
    return not token or claim(session, token, user_id)


def settle(session: Session, token: str, number: int | None) -> None:
    """After a first submit: record the dialog it saved into, or (None) free the token."""
    if not token:
        return
    if number is None:
        forget(session, token)
    else:
        finish(session, token, number)


def finish(session: Session, token: str, number: int) -> None:
    """Record the dialog the token opened, for a second submit to be sent to."""
    session.execute(
        update(FormSubmission)
        .where(FormSubmission.token == token[:64])
        .values(dialog_number=number)
    )
    session.commit()


def forget(session: Session, token: str) -> None:
    """Free the token of a submit that opened nothing, so that sending again works."""
    try:
        session.rollback()
        session.execute(delete(FormSubmission).where(FormSubmission.token == token[:64]))
        session.commit()
    except SQLAlchemyError:  # the database is down: the error being handled says so
        session.rollback()


def opened_by(session: Session, token: str, user_id: int) -> int | None:
    """The dialog number the token's first submit saved into (waiting for it to finish);
    None when it saved nothing or is still busy after WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        row = session.execute(
            select(FormSubmission.dialog_number, FormSubmission.user_id).where(
                FormSubmission.token == token[:64]
            )
        ).first()
        session.rollback()  # a fresh snapshot on the next look
        if row is None or row.user_id != user_id:
            return None
        if row.dialog_number is not None:
            return row.dialog_number
        if time.monotonic() > deadline:
            return None
        time.sleep(0.1)
