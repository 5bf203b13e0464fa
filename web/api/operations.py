"""One declaration per endpoint: who may call it, the schemas that parse its input, its answers.

The same `Operation` validates each request and is read by web.api.openapi to write the
document, so the description cannot drift from what the code accepts.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import g, request
from marshmallow import Schema, ValidationError

from web.api.auth import authenticate
from web.api.errors import ApiError

JSON = "application/json"
MULTIPART = "multipart/form-data"
FORM_TYPES = (MULTIPART, "application/x-www-form-urlencoded")


@dataclass(frozen=True)
class Operation:
    """What an endpoint takes and answers (statuses map to response schema classes or text)."""

    summary: str
    responses: dict[int, Any]
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    body_types: tuple[str, ...] = (JSON,)
    roles: tuple[str, ...] = ("seller", "agent")
    public: bool = False
    headers: tuple[dict, ...] = ()
    description: str = ""
    errors: tuple[int, ...] = field(default=())


def _messages(exc: ValidationError) -> dict[str, str]:
    """marshmallow's nested messages flattened to one Russian-free line per field."""
    found = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    flat = {}
    for name, problems in found.items():
        if isinstance(problems, dict):
            problems = [str(p) for p in problems.values()]
        flat[name] = (
            "; ".join(str(p) for p in problems) if isinstance(problems, list) else str(problems)
        )
    return flat


def _load(schema: type[Schema], data: Any) -> dict:
    try:
        return schema().load(data)
    except ValidationError as exc:
        raise ApiError(422, "Данные не приняты: проверьте поля.", fields=_messages(exc)) from exc


def _body(op: Operation) -> dict:
    mimetype = request.mimetype
    if mimetype == JSON and JSON in op.body_types:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise ApiError(422, "Тело запроса — не JSON-объект.", fields={"_body": "JSON object"})
        return _load(op.body, data)
    if mimetype in FORM_TYPES and MULTIPART in op.body_types:
        return _load(op.body, {k: request.form.get(k) for k in request.form})
    if not request.get_data(cache=True) and not request.files and JSON in op.body_types:
        return _load(op.body, {})
    accepted = ", ".join(op.body_types)
    raise ApiError(415, f"Тело запроса принимается как {accepted}.")


def operation(**spec: Any) -> Callable:
    """Declare an endpoint; the view gets the parsed query/body as keyword `data`."""
    op = Operation(**spec)

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any):
            if not op.public:
                authenticate()
                if g.user.role not in op.roles:
                    raise ApiError(403, "Это действие доступно другой роли.")
            data: dict = {}
            if op.query is not None:
                data.update(_load(op.query, request.args.to_dict()))
            if op.body is not None:
                data.update(_body(op))
            return view(*args, data=data, **kwargs)

        wrapper.api_operation = op
        return wrapper

    return decorator
