"""`spravka mail`: an SMTP server (aiosmtpd) that takes mail for SUPPORT_EMAIL only.

It is meant to sit behind the real mail server (Postfix), which checks SPF, DKIM and
DMARC and forwards only what passed: a From header alone proves nothing (README).
"""

from __future__ import annotations

import asyncio
import logging

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session
from flask import Flask

from web.channels.mail_intake import Outcome, handle_mail
from web.channels.mail_parsing import parse_mail

log = logging.getLogger(__name__)


class SupportMailbox:
    """aiosmtpd handler: refuses other recipients, hands each mail to the intake."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.address = app.config["SUPPORT_EMAIL"].strip().lower()
        self.outcomes: list[Outcome] = []

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, rcpt_options
    ):  # noqa: N802
        if address.strip().lower() != self.address:
            return "550 5.1.1 Mailbox unavailable: this server takes mail for support only"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope):  # noqa: N802
        raw = envelope.original_content or envelope.content
        sender = envelope.mail_from or ""
        loop = asyncio.get_running_loop()
        try:
            outcome = await loop.run_in_executor(None, self.process, raw, sender)
        except Exception:  # a fault here must not lose the mail: the sender's server retries
            log.exception("mail intake failed")
            return "451 4.3.0 Temporary failure, try again later"
        self.outcomes.append(outcome)
        return "250 OK"

    def process(self, raw: bytes, envelope_from: str) -> Outcome:
        """Parse and handle one mail inside an app context."""
        mail = parse_mail(raw, envelope_from)
        with self.app.app_context():
            outcome = handle_mail(mail)
        log.info("mail from %s: %s %s", mail.sender, outcome.action, outcome.number or "")
        return outcome


def mail_controller(app: Flask, host: str, port: int) -> Controller:
    """A started-on-demand SMTP server for the app (call .start() / .stop())."""
    limit = app.config["MAX_REQUEST_MB"] * 1024 * 1024
    return Controller(
        SupportMailbox(app), hostname=host, port=port, data_size_limit=limit, ready_timeout=10
    )
