"""Bearer-token sign-in for /api/v1: no cookie is read or written, no CSRF, 401 otherwise."""

from __future__ import annotations

from flask import Flask, Request, Response, g, request
from flask.sessions import NullSession, SecureCookieSessionInterface

from web.api.errors import API_PREFIX, ApiError
from web.api.tokens import user_for_token
from web.database import db


def forget_cookie_user() -> None:
    """Before each API request: whoever the session cookie says is not who is calling."""
    g.user = None
    g.api_token_user = None


def authenticate() -> None:
    """Set g.user from `Authorization: Bearer <token>` or raise a 401."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "Нужен токен доступа: заголовок Authorization: Bearer <токен>.")
    user = user_for_token(db(), token.strip())
    if user is None:
        raise ApiError(401, "Токен не найден, отозван или учётная запись отключена.")
    g.user = user


class TokenOnlySessions(SecureCookieSessionInterface):
    """The cookie session everywhere except /api/v1, where no cookie is read or set."""

    def open_session(self, app: Flask, request: Request):
        if request.path.startswith(API_PREFIX + "/"):
            return self.null_session_class()
        return super().open_session(app, request)

    def save_session(self, app: Flask, session, response: Response) -> None:
        if isinstance(session, NullSession):
            return
        super().save_session(app, session, response)
