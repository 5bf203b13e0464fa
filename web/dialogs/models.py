"""Support dialog tables: Dialog, Message, Attachment and the dialog number counter."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from web.accounts.models import User
from web.database import Base
from web.russian import size_text
from web.timestamps import UTCDateTime, utcnow

STATUS_CREATED = "created"
STATUS_COMPLETED = "completed"
STATUS_NAMES = {STATUS_CREATED: "Создан", STATUS_COMPLETED: "Завершен"}
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
    status: Mapped[str] = mapped_column(String(16), default=STATUS_CREATED)
    # The seller's analytics visitor id: links the dialog to the searches made before it.
    visitor: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    seller: Mapped[User] = relationship(lazy="joined")
    messages: Mapped[list[Message]] = relationship(
        back_populates="dialog", order_by="Message.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="dialog", order_by="Attachment.id", cascade="all, delete-orphan"
    )

    @property
    def status_name(self) -> str:
        """The status as the seller sees it («Создан», «Завершен»)."""
        return STATUS_NAMES.get(self.status, self.status)

    @property
    def is_open(self) -> bool:
        """True until support completes the dialog."""
        return self.status == STATUS_CREATED

    @property
    def description(self) -> str:
        """The seller's first message (the description from the form)."""
        return self.messages[0].body if self.messages else ""


class Message(Base):
    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    dialog_id: Mapped[int] = mapped_column(ForeignKey("dialogs.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    # The author's role when writing: a later role change must not rewrite history.
    author_role: Mapped[str] = mapped_column(String(16))
    body: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    dialog: Mapped[Dialog] = relationship(back_populates="messages")
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
