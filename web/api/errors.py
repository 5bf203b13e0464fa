"""The API's one error shape: {"error": {"code", "message", "fields"}}, with Retry-After on 429."""

from __future__ import annotations

import logging

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import HTTPException

from web.errors import MESSAGES, SpravkaError

log = logging.getLogger(__name__)

API_PREFIX = "/api/v1"
CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}
# When a limit does not say when it frees up: a minute is short enough to retry by hand.
DEFAULT_RETRY_AFTER = 60


class ApiError(SpravkaError):
    """An API failure with its machine code, Russian message and per-field problems."""

    def __init__(
        self,
        status: int,
        message: str | None = None,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
        extra: dict | None = None,
        retry_after: int | None = None,
    ) -> None:
        self.status = status
        self.code = code or CODES.get(status, "error")
        self.message = message or MESSAGES.get(status, "Ошибка")
        self.fields = fields or {}
        self.extra = extra or {}
        self.retry_after = retry_after
        super().__init__(self.message)


def error_response(exc: ApiError) -> Response:
    """The JSON response for an ApiError."""
    body = {"code": exc.code, "message": exc.message, "fields": exc.fields, **exc.extra}
    response = jsonify({"error": body})
    response.status_code = exc.status
    if exc.status == 429:
        response.headers["Retry-After"] = str(exc.retry_after or DEFAULT_RETRY_AFTER)
    if exc.status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="spravka"'
    return response


def from_spravka(exc: SpravkaError) -> ApiError:
    """A service error as an ApiError (404 says nothing about what exists)."""
    if isinstance(exc, ApiError):
        return exc
    status = exc.status
    if status >= 500:
        log.warning("%s on %s: %s", type(exc).__name__, request.path, exc)
    detail = str(exc) if 400 <= status < 500 and status != 404 and str(exc) else None
    fields = dict(getattr(exc, "fields", None) or {})
    return ApiError(status, detail, fields=fields, retry_after=getattr(exc, "retry_after", None))


def from_http(exc: HTTPException) -> ApiError:
    """A werkzeug HTTP error (404 route, 405, 413, a limiter's 429) as an ApiError."""
    status = exc.code or 500
    message = None
    if status == 413:
        message = f"Каждый файл — не больше {current_app.config['MAX_FILE_MB']} МБ."
    retry_after = None
    if status == 429 and exc.response is not None:
        retry_after = _int(exc.response.headers.get("Retry-After"))
    return ApiError(status, message, retry_after=retry_after)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def register_api_errors(bp: Blueprint) -> None:
    """JSON errors for whatever an /api/v1 view raises."""

    @bp.errorhandler(SpravkaError)
    def _spravka(exc: SpravkaError):
        return error_response(from_spravka(exc))

    @bp.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        return error_response(from_http(exc))

    @bp.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return _http(exc)
        log.exception("unhandled error on %s", request.path)
        return error_response(ApiError(500))


def install_error_renderer(app: Flask) -> None:
    """Unknown paths and wrong methods under /api/v1 get the JSON shape too."""
    # They never reach a blueprint view: the app's handler asks this renderer instead.
    app.extensions.setdefault("spravka.error_renderers", {})[API_PREFIX + "/"] = lambda status: (
        error_response(ApiError(status))
    )
