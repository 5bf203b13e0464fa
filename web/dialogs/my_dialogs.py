"""«Мои обращения»: a seller's dialogs found by number or text, filtered by status."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from web.dialogs.models import OPEN_STATUSES, STATUS_NAMES, Dialog

# "open" groups the three statuses a seller still waits on.
STATUS_FILTERS = {"open": "Открытые", **STATUS_NAMES}


@dataclass(frozen=True)
class MyDialogsQuery:
    """What the seller typed into the search box and picked in the status filter."""

    text: str = ""
    status: str = ""

    @property
    def active(self) -> bool:
        """True when anything narrows the list."""
        return bool(self.text or self.status)


def parse_query(args) -> MyDialogsQuery:
    """The search and the filter from the query string (unknown statuses are ignored)."""
    text = " ".join((args.get("q") or "").split())[:200]
    status = args.get("status") or ""
    return MyDialogsQuery(text, status if status in STATUS_FILTERS else "")


def _fold(text: str) -> str:
    return text.casefold().replace("ё", "е")


def _matches(dialog: Dialog, text: str) -> bool:
    """The number (whole or its digits) or every word in what the seller and support wrote."""
    digits = text.lstrip("№ ").strip()
    if digits.isdigit():
        return digits in str(dialog.number)
    haystack = _fold(" ".join(m.body for m in dialog.public_messages))
    return all(word in haystack for word in _fold(text).split())


def find_my_dialogs(session: Session, seller_id: int, query: MyDialogsQuery) -> list[Dialog]:
    """The seller's dialogs, newest first, narrowed by `query`.

    Text is matched in Python: SQLite's LIKE folds only ASCII case, and one seller's
    dialogs are few enough to read.
    """
    select_ = (
        select(Dialog)
        .where(Dialog.seller_id == seller_id)
        .order_by(Dialog.created_at.desc(), Dialog.id.desc())
    )
    if query.status == "open":
        select_ = select_.where(Dialog.status.in_(OPEN_STATUSES))
    elif query.status:
        select_ = select_.where(Dialog.status == query.status)
    if not query.text:
        return list(session.scalars(select_))
    dialogs = session.scalars(select_.options(selectinload(Dialog.messages)))
    return [d for d in dialogs if _matches(d, query.text)]
