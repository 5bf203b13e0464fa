"""Idempotency-Key for the API's POSTs that create: a dialog, or a message in one.

A repeated key returns what the first request created instead of creating it again (the
mobile app retries on a flaky network). A key is the user's: another user's same key is
another request; a key used for one thing and sent with another is refused.
"""

from __future__ import annotations

from sqlalchemy import delete, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from web.accounts.models import User
from web.api.errors import ApiError
from web.api.models import IdempotencyKey
from web.timestamps import utcnow

# The key row exists before what it creates does (so two concurrent retries cannot both
# create one); until that is saved it points at this id, which no dialog or message has.
PENDING = 0


def _find(session: Session, user: User, key: str) -> IdempotencyKey | None:
    return session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user.id, IdempotencyKey.key == key)
    )


def _claim(session: Session, user: User, key: str, fresh: IdempotencyKey) -> IdempotencyKey | None:
    """The key's row when it was used before, or None after saving `fresh` as its
    reservation (two concurrent retries: the unique constraint lets one of them win)."""
    row = _find(session, user, key)
    if row is not None:
        return row
    session.add(fresh)
    try:
        session.commit()
        return None
    except IntegrityError:
        session.rollback()
    row = _find(session, user, key)
    if row is None:  # the winner was refused and freed the key meanwhile: retry later
        raise _in_progress()
    return row


def _in_progress() -> ApiError:
    return ApiError(409, "Запрос с этим Idempotency-Key ещё выполняется.", code="in_progress")


def _reused() -> ApiError:
    return ApiError(422, fields={"Idempotency-Key": "уже использован для другого запроса"})


def claim_key(session: Session, user: User, key: str | None) -> int | None:
    """The dialog number this key already created, or None after reserving the key."""
    if key is None:
        return None
    fresh = IdempotencyKey(user_id=user.id, key=key, dialog_number=PENDING, created_at=utcnow())
    row = _claim(session, user, key, fresh)
    if row is None:
        return None
    if row.message_id is not None:
        raise _reused()
    if row.dialog_number == PENDING:
        raise _in_progress()
    return row.dialog_number


def claim_message_key(session: Session, user: User, key: str | None, number: int) -> int | None:
    """The id of the message this key already wrote into dialog `number`, or None after
    reserving the key."""
    if key is None:
        return None
    fresh = IdempotencyKey(
        user_id=user.id, key=key, dialog_number=number, message_id=PENDING, created_at=utcnow()
    )
    row = _claim(session, user, key, fresh)
    if row is None:
        return None
    if row.message_id is None or row.dialog_number != number:
        raise _reused()
    if row.message_id == PENDING:
        raise _in_progress()
    return row.message_id


def remember_key(session: Session, user: User, key: str | None, number: int) -> None:
    """Point the reserved key at the dialog it created."""
    row = _find(session, user, key) if key is not None else None
    if row is not None:
        row.dialog_number = number
        session.commit()


def remember_message_key(session: Session, user: User, key: str | None, message_id: int) -> None:
    """Point the reserved key at the message it wrote."""
    row = _find(session, user, key) if key is not None else None
    if row is not None:
        row.message_id = message_id
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
            or_(IdempotencyKey.dialog_number == PENDING, IdempotencyKey.message_id == PENDING),
        )
    )
    session.commit()
