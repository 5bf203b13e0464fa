"""Idempotency-Key for POST /api/v1/dialogs: a repeated key returns the first dialog."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from web.accounts.models import User
from web.api.errors import ApiError
from web.api.models import IdempotencyKey
from web.timestamps import utcnow

# The key row exists before the dialog does (so two concurrent retries cannot both create
# one); until the dialog is saved it points at this number, which no dialog has.
PENDING = 0


def _find(session: Session, user: User, key: str) -> IdempotencyKey | None:
    return session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user.id, IdempotencyKey.key == key)
    )


def claim_key(session: Session, user: User, key: str | None) -> int | None:
    """The dialog number this key already created, or None after reserving the key."""
    if key is None:
        return None
    row = _find(session, user, key)
    if row is None:
        session.add(
            IdempotencyKey(user_id=user.id, key=key, dialog_number=PENDING, created_at=utcnow())
        )
        try:
            session.commit()
            return None
        except IntegrityError:
            session.rollback()
            row = _find(session, user, key)
    if row is None or row.dialog_number == PENDING:
        raise ApiError(409, "Запрос с этим Idempotency-Key ещё выполняется.", code="in_progress")
    return row.dialog_number


def remember_key(session: Session, user: User, key: str | None, number: int) -> None:
    """Point the reserved key at the dialog it created."""
    if key is None:
        return
    row = _find(session, user, key)
    if row is not None:
        row.dialog_number = number
        session.commit()


def forget_key(session: Session, user: User, key: str | None) -> None:
    """Free a reserved key when nothing was created (a retry may then succeed)."""
    if key is None:
        return
    session.rollback()
    session.execute(
        delete(IdempotencyKey).where(
            IdempotencyKey.user_id == user.id,
            IdempotencyKey.key == key,
            IdempotencyKey.dialog_number == PENDING,
        )
    )
    session.commit()
