"""A real SMTP server (aiosmtpd) on loopback, apps that send mail to it, and the mail intake."""

from __future__ import annotations

import smtplib
import socket
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller

from web.app import create_app


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Inbox:
    """What the SMTP server received."""

    port: int
    messages: list[EmailMessage] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 10.0) -> list[EmailMessage]:
        """Wait until `count` messages arrived (the sender runs on its own thread)."""
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def start_smtp(port: int) -> tuple[Controller, Inbox]:
    """An aiosmtpd server on 127.0.0.1:`port`."""
    inbox = Inbox(port)
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, inbox


@pytest.fixture
def smtp():
    """A running SMTP server on a free loopback port; its Inbox."""
    controller, inbox = start_smtp(free_port())
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def mail_app_factory(dialog_config, db_url):
    """mail_app(port) builds the dialog app on each database with mail sent to that port."""
    from web.app import create_app

    apps = []

    def build(port: int, host: str = "127.0.0.1"):
        app = create_app(
            {**dialog_config, "DATABASE_URL": db_url, "SMTP_HOST": host, "SMTP_PORT": port,
             "SUPPORT_EMAIL": "support@spravka.test", "PUBLIC_URL": "https://help.example.ru"}
        )  # fmt: skip
        apps.append(app)
        return app

    yield build
    for app in apps:
        sender = app.extensions.get("spravka.outbox")
        if sender is not None:
            sender.stop()
        app.extensions["spravka.db_engine"].dispose()


# -- the mail intake ------------------------------------------------------------------
SUPPORT = "support@spravka.local"


@pytest.fixture
def channel_app(dialog_config):
    """An app over the dialog fixture content, mail off (replies stay in the outbox)."""
    app = create_app({**dialog_config, "SUPPORT_EMAIL": SUPPORT})
    yield app
    app.extensions["spravka.db_engine"].dispose()


@pytest.fixture
def intake(channel_app):
    """The intake SMTP server on 127.0.0.1; yields its handler (outcomes) and port."""
    from web.channels.mail_server import mail_controller

    port = free_port()
    controller = mail_controller(channel_app, "127.0.0.1", port)
    controller.start()
    controller.handler.port = port
    yield controller.handler
    controller.stop()


def send_mail(port: int, sender: str, subject: str, body: str, *, files=(), headers=None,
              envelope_from: str | None = None, to: str = SUPPORT) -> None:  # fmt: skip
    """Send a real e-mail with smtplib to the intake."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(body)
    for name, data, maintype, subtype in files:
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
        smtp.send_message(message, from_addr=sender if envelope_from is None else envelope_from)
