"""Errors that carry their HTTP status, and the one handler that renders them (JSON or HTML)."""

from __future__ import annotations

import logging

from flask import Flask, current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError

from search.errors import NotFound, SpravkaError

__all__ = ["Conflict", "LimitReached", "NotFound", "Refused", "SpravkaError", "Unavailable"]

log = logging.getLogger(__name__)

MESSAGES = {
    400: "Некорректный запрос",
    403: "Доступ запрещён",
    404: "Страница не найдена",
    405: "Метод не поддерживается",
    409: "Данные изменились, обновите страницу",
    413: "Файл или запрос слишком большой",
    422: "Данные не приняты",
    429: "Слишком много запросов, попробуйте чуть позже",
    500: "Внутренняя ошибка сервера",
    503: "Сервис временно недоступен",
}


class Refused(SpravkaError):
    """The input cannot be accepted as sent (the message says why, in Russian)."""

    status = 422


class Conflict(SpravkaError):
    """Someone changed the thing since this page showed it."""

    status = 409


class LimitReached(SpravkaError):
    """A per-user limit is used up for now (`retry_after`: seconds until it frees up)."""

    status = 429
    retry_after: int | None = None


class Unavailable(SpravkaError):
    """A service behind the feature (database, disk) failed; nothing was kept."""

    status = 503


# Form fields never echoed back on an error page: secrets and machinery, not what was typed.
NOT_ECHOED = ("csrf_token", "password", "current_password", "new_password",
              "new_password_again", "kept", "submit_token", "version", "next")  # fmt: skip
DATABASE_DOWN = (
    "База данных сейчас недоступна. Справка и поиск работают; попробуйте отправить позже."
)


def typed_text() -> list[tuple[str, str]]:
    """What the visitor typed into the posted form (name, text), to hand back on a 503."""
    if request.method != "POST":
        return []
    return [
        (name, value)
        for name, value in request.form.items(multi=True)
        if name not in NOT_ECHOED and value.strip() and len(value) > 1
    ]


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _prefix_renderer(status: int):
    """A wing's own error response for its URL prefix (e.g. /api/v1/), or None."""
    renderers = current_app.extensions.get("spravka.error_renderers", {})
    for prefix, render in renderers.items():
        if request.path.startswith(prefix):
            return render(status)
    return None


def render_error(status: int, detail: str | None = None, typed=()):
    """Render an error response for the current request (JSON for /api/, HTML otherwise)."""
    if (own := _prefix_renderer(status)) is not None:
        return own
    message = MESSAGES.get(status, "Ошибка")
    if _wants_json():
        return jsonify({"error": message, "detail": detail, "status": status}), status
    page = render_template(
        "error.html", status=status, message=message, detail=detail, typed=list(typed)
    )
    return page, status


def register_error_handlers(app: Flask) -> None:
    """Install the one handler: every error becomes a page (or JSON) with its own status."""

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return render_error(
            400, "Форма устарела или отправлена не с этой страницы. Обновите страницу."
        )

    @app.errorhandler(SpravkaError)
    def _spravka(exc: SpravkaError):
        if exc.status >= 500:
            log.warning("%s on %s: %s", type(exc).__name__, request.path, exc)
        # Server-side failures say only what the status says; the caller's own mistakes
        # (4xx other than 404, which must not confirm what exists) are explained.
        detail = str(exc) or None if 400 <= exc.status < 500 and exc.status != 404 else None
        typed = typed_text() if exc.status == 503 else ()
        body, status = render_error(exc.status, detail, typed)
        retry_after = getattr(exc, "retry_after", None)
        headers = {"Retry-After": str(retry_after)} if retry_after else {}
        return body, status, headers

    @app.errorhandler(DBAPIError)
    @app.errorhandler(PoolTimeout)
    def _database(exc: Exception):
        # Connection refused, server gone, pool exhausted: the database, not the request.
        # (A DBAPIError that is not about the connection is a bug: a 500, logged.)
        if isinstance(exc, DBAPIError) and not _is_outage(exc):
            return _unexpected(exc)
        log.warning("database unavailable on %s: %s", request.path, type(exc).__name__)
        body, status = render_error(503, DATABASE_DOWN, typed_text())
        return body, status, {"Retry-After": "30"}

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code == 413:
            config = app.config
            return render_error(
                413,
                f"Можно прикрепить до {config['MAX_FILES']} файлов, каждый не больше "
                f"{config['MAX_FILE_MB']} МБ, "
                f"вместе не больше {config['MAX_TOTAL_MB']} МБ. Вернитесь назад: текст "
                "остался в форме, уберите лишние файлы и отправьте снова.",
            )
        return render_error(exc.code or 500, exc.description if exc.code in (400, 429) else None)

    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http(exc)
        log.exception("unhandled error on %s", request.path)
        return render_error(InternalServerError.code)

    app.register_error_handler(Exception, _unexpected)


def _is_outage(exc: DBAPIError) -> bool:
    from sqlalchemy.exc import InterfaceError, OperationalError

    return isinstance(exc, OperationalError | InterfaceError)
