"""The OpenAPI 3.1 document of /api/v1, generated (apispec) from the endpoints' Operations."""

from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask

from web.api import schemas
from web.api.errors import API_PREFIX
from web.api.operations import Operation
from web.dialogs.models import FIRST_NUMBER

TITLE = "Spravka API"
VERSION = "1.0.0"
_RULE_ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
DESCRIPTIONS = {
    200: "OK",
    201: "Created",
    401: "No token, or the token is unknown or revoked",
    403: "The token's role may not do this",
    404: "Not found (or not yours)",
    409: "Conflict (a similar open dialog, or the dialog changed)",
    413: "Request too large",
    415: "Unsupported body type",
    422: "Invalid fields or files; nothing was saved",
    429: "Rate limited; see Retry-After",
    503: "Temporarily unavailable; nothing was saved",
}


# Examples of path values that exist in a fresh database with one dialog (and the fixture
# content): they document the shape and give schemathesis a request that succeeds.
PATH_EXAMPLES = {
    "number": FIRST_NUMBER,
    "file_id": 1,
    "category": "returns",
    "slug": "defect-return",
}


def _path_and_params(rule: str) -> tuple[str, list[dict]]:
    params = []
    for match in _RULE_ARG.finditer(rule):
        converter, name = match.group(1) or "string", match.group(2)
        schema = {"type": "integer", "minimum": 1} if converter == "int" else {"type": "string"}
        param = {"in": "path", "name": name, "required": True, "schema": schema}
        if name in PATH_EXAMPLES:
            param["example"] = PATH_EXAMPLES[name]
        params.append(param)
    return _RULE_ARG.sub(r"{\2}", rule), params


def _responses(op: Operation) -> dict:
    out = {}
    for status, body in op.responses.items():
        entry = {"description": DESCRIPTIONS.get(status, "OK")}
        if isinstance(body, dict):
            entry["content"] = body
        elif body is not None:
            entry["content"] = {"application/json": {"schema": body}}
        if status == 429:
            entry["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
        out[str(status)] = entry
    errors = set(op.errors) | ({401} if not op.public else set())
    errors |= {422} if op.query or op.body else set()
    errors |= {415} if op.body else set()
    errors |= {403} if not op.public and set(op.roles) != {"seller", "agent"} else set()
    for status in sorted(errors - set(op.responses)):
        out[str(status)] = {
            "description": DESCRIPTIONS.get(status, "Error"),
            "content": {"application/json": {"schema": schemas.Error}},
        }
        if status == 429:
            out[str(status)]["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
    return out


def _operation_doc(op: Operation, path_params: list[dict]) -> dict:
    doc: dict = {"summary": op.summary, "responses": _responses(op)}
    if op.description:
        doc["description"] = op.description
    params = list(path_params) + list(op.headers)
    if op.query is not None:
        params.append({"in": "query", "schema": op.query})
    if params:
        doc["parameters"] = params
    if op.body is not None:
        doc["requestBody"] = {
            "required": True,
            "content": {kind: {"schema": op.body} for kind in op.body_types},
        }
    doc["security"] = [] if op.public else [{"bearerAuth": []}]
    return doc


def build_spec(app: Flask) -> dict:
    """The document for every /api/v1 rule whose view carries an Operation."""
    plugin = MarshmallowPlugin()
    spec = APISpec(title=TITLE, version=VERSION, openapi_version="3.1.0", plugins=[plugin])
    plugin.map_to_openapi_type(schemas.Binary, "string", "binary")
    spec.components.security_scheme(
        "bearerAuth", {"type": "http", "scheme": "bearer", "description": "personal access token"}
    )
    paths: dict[str, dict] = {}
    for rule in app.url_map.iter_rules():
        view = app.view_functions.get(rule.endpoint)
        op = getattr(view, "api_operation", None)
        if op is None or not rule.rule.startswith(API_PREFIX):
            continue
        path, params = _path_and_params(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation_doc(op, params)
    for path in sorted(paths):
        spec.path(path=path, operations=paths[path])
    return spec.to_dict()
