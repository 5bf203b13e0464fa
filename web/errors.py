"""One error handler per HTTP status: JSON under /api/, a friendly HTML page elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from search.errors import NotFound

log = logging.getLogger(__name__)

MESSAGES = {
    400: "Некорректный запрос",
    403: "Доступ запрещён",
    404: "Страница не найдена",
    405: "Метод не поддерживается",
    413: "Файл или запрос слишком большой",
    429: "Слишком много запросов, попробуйте чуть позже",
    500: "Внутренняя ошибка сервера",
}


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def render_error(status: int, detail: str | None = None):
    """Render an error response for the current request (JSON for /api/, HTML otherwise)."""
    message = MESSAGES.get(status, "Ошибка")
    if _wants_json():
        return jsonify({"error": message, "detail": detail, "status": status}), status
    return render_template("error.html", status=status, message=message, detail=detail), status


def register_error_handlers(app: Flask) -> None:
    """Install the handlers on the app."""

    @app.errorhandler(CSRFError)
    def _csrf(exc: CSRFError):
        return render_error(
            400, "Форма устарела или отправлена не с этой страницы. Обновите страницу."
        )

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound):
        return render_error(404)

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        if exc.code == 413:
            limit = app.config["MAX_FILE_MB"]
            return render_error(413, f"Каждый файл — не больше {limit} МБ.")
        return render_error(exc.code or 500, exc.description if exc.code in (400, 429) else None)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http(exc)
        log.exception("unhandled error on %s", request.path)
        return render_error(InternalServerError.code)
