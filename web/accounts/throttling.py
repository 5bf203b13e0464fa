"""Login limits: attempts per e-mail and per client address, counted atomically (web.limits)."""

from __future__ import annotations

from flask import current_app, request

from web.limits import consume, forget


def _email_limit() -> str:
    config = current_app.config
    return f"{config['LOGIN_MAX_ATTEMPTS']} per {config['LOGIN_WINDOW']} seconds"


def _address_limit() -> str:
    config = current_app.config
    return f"{config['LOGIN_MAX_PER_ADDRESS']} per {config['LOGIN_WINDOW']} seconds"


def reserve_attempt(email: str) -> None:
    """Count a password check before it runs; raises LimitReached when none is left.

    Counting first (one atomic increment) is what keeps 40 parallel guesses at 5 checks:
    a check-then-record pair lets every request pass the check before any is recorded.
    The address limit stops one client trying many e-mails (behind a proxy the address is
    the client's only with SPRAVKA_TRUSTED_PROXIES set).
    """
    message = "Слишком много попыток входа"
    consume("login-address", _address_limit(), request.remote_addr or "", message=message)
    consume("login-email", _email_limit(), _canonical(email), message=message)


def forget_failures(email: str) -> None:
    """A correct password clears the e-mail's count (the address count stays)."""
    forget("login-email", _email_limit(), _canonical(email))


def _canonical(email: str) -> str:
    from web.accounts.services import normalize_email

    return normalize_email(email)
