"""The e-mail outbox: mails are rows first and sent later, so a down SMTP server loses nothing.

`enqueue` adds a row in the caller's session. `send_due` sends the rows that are due,
one by one: a row is claimed (locked_until) before sending, so two workers or two
processes never send the same mail; a failure pushes its next attempt back
(RETRY_DELAYS) until MAX_ATTEMPTS, after which the row stays for a person to look at.
`OutboxSender` runs `send_due` on a background thread of the app.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import Flask
from sqlalchemy import Integer, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from web.database import Base
from web.timestamps import UTCDateTime, utcnow

log = logging.getLogger(__name__)

# A short outage (a restart, a full queue) is over within minutes; a longer one within a
# day. After the last delay the mail is given up on, and stays in the table with its error.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30),
                timedelta(hours=2), timedelta(hours=8))  # fmt: skip
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A claimed row is left alone this long; a worker that died while sending frees it then.
CLAIM_FOR = timedelta(minutes=2)
SMTP_TIMEOUT = 20
POLL_SECONDS = 30.0
BATCH = 50


class OutboxMail(Base):
    """One e-mail to send."""

    __tablename__ = "outbox_mail"

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(500))


def enqueue(session: Session, recipient: str, subject: str, body: str) -> OutboxMail:
    """Add a mail to the outbox (the caller commits)."""
    mail = OutboxMail(
        recipient=recipient, subject=subject[:300], body=body, next_attempt_at=utcnow()
    )
    session.add(mail)
    return mail


def _claim(session: Session, mail_id: int, now: datetime) -> bool:
    claimed = session.execute(
        update(OutboxMail)
        .where(
            OutboxMail.id == mail_id,
            OutboxMail.sent_at.is_(None),
            or_(OutboxMail.locked_until.is_(None), OutboxMail.locked_until < now),
        )
        .values(locked_until=now + CLAIM_FOR)
    )
    session.commit()
    return claimed.rowcount == 1


def _message(mail: OutboxMail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(mail.body)
    return message


def _deliver(config: dict, mail: OutboxMail) -> None:
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=SMTP_TIMEOUT) as smtp:
        smtp.send_message(_message(mail, config["SUPPORT_EMAIL"]))


def _send_one(session: Session, config: dict, mail: OutboxMail) -> bool:
    """Send one claimed mail; on failure schedule the next attempt. True when sent."""
    try:
        _deliver(config, mail)
    except (OSError, smtplib.SMTPException) as exc:
        mail.attempts += 1
        mail.last_error = f"{type(exc).__name__}: {exc}"[:500]
        delay = RETRY_DELAYS[min(mail.attempts, len(RETRY_DELAYS)) - 1]
        mail.next_attempt_at = utcnow() + delay
        mail.locked_until = None
        session.commit()
        log.warning("outbox: mail %s not sent (attempt %s): %s", mail.id, mail.attempts, exc)
        return False
    mail.attempts += 1
    mail.sent_at = utcnow()
    mail.locked_until = None
    mail.last_error = None
    session.commit()
    return True


def send_due(session: Session, config: dict, now: datetime | None = None) -> int:
    """Send every mail that is due now; returns how many were sent."""
    if not config.get("SMTP_HOST"):
        return 0
    now = now or utcnow()
    due = session.scalars(
        select(OutboxMail.id)
        .where(
            OutboxMail.sent_at.is_(None),
            OutboxMail.attempts < MAX_ATTEMPTS,
            OutboxMail.next_attempt_at <= now,
        )
        .order_by(OutboxMail.id)
        .limit(BATCH)
    ).all()
    sent = 0
    for mail_id in due:
        if _claim(session, mail_id, now):
            sent += _send_one(session, config, session.get(OutboxMail, mail_id))
    return sent


class OutboxSender:
    """A daemon thread that sends due mails every POLL_SECONDS, or at once when woken."""

    def __init__(self, app: Flask, poll: float = POLL_SECONDS) -> None:
        self.app = app
        self.poll = poll
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="outbox-sender", daemon=True)

    def start(self) -> None:
        """Start the thread."""
        self._thread.start()

    def wake(self) -> None:
        """Send now rather than at the next poll (a mail was just queued)."""
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop the thread (tests; the process exit stops it anyway)."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout)

    def _run(self) -> None:
        sessions = self.app.extensions["spravka.sessionmaker"]
        while not self._stop.is_set():
            try:
                with sessions() as session:
                    send_due(session, self.app.config)
            except Exception:  # a broken database must not kill the thread for good
                log.exception("outbox: sending failed")
            self._wake.wait(self.poll)
            self._wake.clear()


def init_outbox(app: Flask) -> None:
    """Start the background sender when an SMTP host is set (no host: mail is off)."""
    if app.config.get("SMTP_HOST"):
        sender = OutboxSender(app)
        app.extensions["spravka.outbox"] = sender
        sender.start()


def wake_sender(app: Flask) -> None:
    """Ask the app's sender to send now (nothing happens when mail is off)."""
    sender = app.extensions.get("spravka.outbox")
    if sender is not None:
        sender.wake()
