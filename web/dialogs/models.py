"""Support dialog tables: Dialog, Message, Attachment, the status history and the number counter."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.accounts.models import User
from web.database import Base
from web.russian import size_text
from web.timestamps import UTCDateTime, utcnow

# The statuses, declared once: machine names for the JSON API, Russian labels for pages.
STATUS_CREATED = "created"
STATUS_IN_PROGRESS = "in_progress"  # an agent took it
STATUS_WAITING = "waiting_for_seller"  # the agent asked the seller for something
STATUS_COMPLETED = "completed"
STATUS_NAMES = {
    STATUS_CREATED: "Создан",
    STATUS_IN_PROGRESS: "В работе",
    STATUS_WAITING: "Ждёт вашего ответа",
    STATUS_COMPLETED: "Завершен",
}
OPEN_STATUSES = (STATUS_CREATED, STATUS_IN_PROGRESS, STATUS_WAITING)
# What a DialogChange records besides a status change.
CHANGE_STATUS = "status"
CHANGE_REFILE = "refile"  # category/topic: "category/topic" -> "category/topic"
CHANGE_ASSIGN = "assign"  # holder: agent email -> agent email ("" = nobody)
# Numbers start at six digits so they read as a number, not as a counter that just began.
FIRST_NUMBER = 100001
COUNTER_NAME = "dialogs"


class DialogCounter(Base):
    """The last dialog number handed out; one row, locked while a dialog is created."""

    __tablename__ = "dialog_counters"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class Dialog(Base):
    __tablename__ = "dialogs"
    __table_args__ = (
        Index("ix_dialogs_seller_status", "seller_id", "status"),
        Index("ix_dialogs_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    seller_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    category: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str | None] = mapped_column(String(64))
    barcode: Mapped[str | None] = mapped_column(String(14))
    status: Mapped[str] = mapped_column(String(24), default=STATUS_CREATED)
    # web, api, email, telegram: where the seller wrote from.
    channel: Mapped[str] = mapped_column(String(16), default="web")
    # The seller's analytics visitor id: links the dialog to the searches made before it.
    visitor: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The agent who holds the dialog: only they may answer or complete it.
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # SLA: since when the seller waits for support (None while support waits for the seller).
    awaiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    first_response_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Unread marker: the last message support wrote to the seller, and when the seller looked.
    last_support_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    seller_read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The seller's rating after «Завершен» (once): «Помогло» / «Не помогло» and a comment.
    helped: Mapped[bool | None] = mapped_column(Boolean)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    rated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # A re-review («Пересмотреть решение») points at the dialog whose decision it disputes.
    review_of_id: Mapped[int | None] = mapped_column(ForeignKey("dialogs.id"))

    seller: Mapped[User] = relationship(lazy="joined", foreign_keys=[seller_id])
    assignee: Mapped[User | None] = relationship(lazy="joined", foreign_keys=[assignee_id])
    review_of: Mapped[Dialog | None] = relationship(
        remote_side=[id], back_populates="reviews", lazy="joined"
    )
    reviews: Mapped[list[Dialog]] = relationship(back_populates="review_of", order_by="Dialog.id")
    changes: Mapped[list[DialogChange]] = relationship(
        back_populates="dialog", order_by="DialogChange.id", cascade="all, delete-orphan"
    )
    messages: Mapped[list[Message]] = relationship(
        back_populates="dialog", order_by="Message.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="dialog", order_by="Attachment.id", cascade="all, delete-orphan"
    )

    def record_change(
        self, actor: User, kind: str, old: str | None, new: str, at: datetime | None = None
    ) -> None:
        """Add a history row: who changed what (status, assignee, category) from what to what."""
        self.changes.append(
            DialogChange(
                kind=kind,
                actor_id=actor.id,
                actor_role=actor.role,
                from_value=old,
                to_value=new,
                created_at=at or utcnow(),
            )
        )

    @property
    def status_name(self) -> str:
        """The status as the seller sees it («Создан», «В работе», «Завершен»…)."""
        return STATUS_NAMES.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        """True until support completes the dialog."""
        return self.status in OPEN_STATUSES

    @property
    def description(self) -> str:
        """The seller's first message (the description from the form)."""
        return self.messages[0].body if self.messages else ""

    @property
    def public_messages(self) -> list[Message]:
        """The thread as the seller sees it: internal notes left out."""
        return [m for m in self.messages if not m.internal]

    @property
    def public_attachments(self) -> list[Attachment]:
        """Files the seller may see (not those of internal notes)."""
        return [a for a in self.attachments if not a.message.internal]

    @property
    def unread(self) -> bool:
        """True when support wrote something the seller has not opened yet."""
        if self.last_support_at is None:
            return False
        return self.seller_read_at is None or self.seller_read_at < self.last_support_at


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialog_id: Mapped[int] = mapped_column(ForeignKey("dialogs.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The author's role when writing: a later role change must not rewrite history.
    author_role: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text, default="")
    # An agents' note: never shown to the seller, never mailed, never in the seller's API.
    internal: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    dialog: Mapped[Dialog] = relationship(back_populates="messages")
    author: Mapped[User] = relationship(lazy="joined")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="message", order_by="Attachment.id"
    )

    @property
    def from_support(self) -> bool:
        """True for messages written by support."""
        return self.author_role == "agent"


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialog_id: Mapped[int] = mapped_column(ForeignKey("dialogs.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    original_name: Mapped[str] = mapped_column(String(255))
    # Random name under <instance>/uploads; never derived from anything the seller sent.
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(8))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    dialog: Mapped[Dialog] = relationship(back_populates="attachments")
    message: Mapped[Message] = relationship(back_populates="attachments")

    @property
    def size_text(self) -> str:
        """The size for people («1,2 МБ», «830 КБ»)."""
        return size_text(self.size)


class DialogChange(Base):
    """One change of a dialog: its status, its category/topic or who holds it (who, when)."""

    __tablename__ = "dialog_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialog_id: Mapped[int] = mapped_column(ForeignKey("dialogs.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default=CHANGE_STATUS)
    # None for changes nobody made by hand (none today; kept for automatic closing later).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_role: Mapped[str] = mapped_column(String(16))
    from_value: Mapped[str | None] = mapped_column(String(200))
    to_value: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    dialog: Mapped[Dialog] = relationship(back_populates="changes")
    actor: Mapped[User | None] = relationship(lazy="joined")
