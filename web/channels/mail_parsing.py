"""Reading an incoming support e-mail: sender, subject, text without quoted history, files,
the «№ N» of a dialog, and whether a machine sent it (auto-replies, bounces, lists)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses

import nh3

# «№ 100123», «N 100123», «#100123»: how sellers and our own notifications name a dialog.
DIALOG_NUMBER = re.compile(r"(?:№|\bN|#)\s*(\d{6,10})\b")
# Where a mail client starts the quoted history of a reply; everything from it is dropped.
QUOTE_STARTS = (
    re.compile(r"^-{2,}\s*(Original Message|Исходное сообщение|Пересылаемое сообщение)", re.I),
    # «On … wrote:», «1 декабря 2026 г., … написал:», «Вт, 1 дек. … пишет:»
    re.compile(r"^.{0,250}\b(wrote|пишет|писал[аи]?|написал[аи]?)\s*:\s*$", re.I),
    re.compile(r"^(From|От|Кому|Sent|Отправлено):\s", re.I),
    re.compile(r"^_{10,}\s*$"),
)
SIGNATURE = "-- "
# RFC 3834 and the usual vendor headers of auto-responders, plus mailing-list markers.
AUTO_HEADERS = (
    "X-Autoreply",
    "X-Autorespond",
    "X-Auto-Response-Suppress",
    "List-Id",
    "List-Unsubscribe",
)
AUTO_PRECEDENCE = ("bulk", "junk", "list", "auto_reply")
MACHINE_SENDERS = ("mailer-daemon", "postmaster", "noreply", "no-reply", "do-not-reply")


@dataclass
class MailFile:
    """An attachment as it came in."""

    name: str
    data: bytes


@dataclass
class IncomingMail:
    """What the intake needs of one e-mail."""

    sender: str  # the From address, lowercase ("" when unreadable)
    subject: str
    text: str  # the new part of the body, quoted history and signature removed
    files: list[MailFile] = field(default_factory=list)
    automatic: bool = False  # an auto-reply, a bounce or a list mail: never answered

    @property
    def dialog_number(self) -> int | None:
        """The dialog number the subject names, if any."""
        found = DIALOG_NUMBER.search(self.subject)
        return int(found.group(1)) if found else None


def strip_quoted(text: str) -> str:
    """The text the sender wrote now: no quoted history, no signature after «-- »."""
    kept = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if line.rstrip("\n") == SIGNATURE or any(p.match(stripped) for p in QUOTE_STARTS):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def _is_automatic(message: EmailMessage, envelope_from: str, sender: str) -> bool:
    """True for mail no person wrote: answering it would start a mail loop."""
    auto = (message.get("Auto-Submitted") or "no").strip().lower()
    precedence = (message.get("Precedence") or "").strip().lower()
    local = sender.partition("@")[0]
    return (
        envelope_from.strip("<> ") == ""  # a bounce: MAIL FROM:<>
        or auto != "no"
        or precedence in AUTO_PRECEDENCE
        or any(message.get(h) is not None for h in AUTO_HEADERS)
        or message.get_content_type() == "multipart/report"
        or local in MACHINE_SENDERS
    )


def _body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown or broken charset
        content = part.get_payload(decode=True).decode("utf-8", "replace")
    if part.get_content_type() == "text/html":
        content = nh3.clean(content, tags=set())  # text only
    return content


def _files(message: EmailMessage) -> list[MailFile]:
    files = []
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        if data is None:
            continue
        files.append(MailFile(name=part.get_filename() or "файл", data=data))
    return files


def parse_mail(raw: bytes, envelope_from: str = "") -> IncomingMail:
    """Parse a raw e-mail (as received over SMTP)."""
    message = BytesParser(policy=policy.default).parsebytes(raw)
    try:
        addresses = getaddresses([str(message.get("From", ""))])
    except (TypeError, ValueError):
        addresses = []
    sender = (addresses[0][1] if addresses else "").strip().lower()
    subject = " ".join(str(message.get("Subject", "")).split())
    return IncomingMail(
        sender=sender,
        subject=subject,
        text=strip_quoted(_body_text(message)),
        files=_files(message),
        automatic=_is_automatic(message, envelope_from, sender),
    )
