"""/api/v1 for the mobile app: who am I, search, categories, entries and the OpenAPI document."""

from __future__ import annotations

import hashlib

from flask import Blueprint, current_app, g, jsonify

from web.analytics.recording import record_search
from web.api import schemas
from web.api.auth import forget_cookie_user
from web.api.errors import API_PREFIX, ApiError, register_api_errors
from web.api.openapi import build_spec
from web.api.operations import operation
from web.api.serializers import categories_json, entry_json, me_json, result_json
from web.rendering import render_markdown
from web.search_service import engine

bp = Blueprint("api_v1", __name__, url_prefix=API_PREFIX)
bp.before_request(forget_cookie_user)
register_api_errors(bp)


def api_visitor() -> str:
    """The analytics visitor of an API caller: one per account, not the account id itself."""
    key = current_app.config["SECRET_KEY"].encode()
    return "api-" + hashlib.blake2s(str(g.user.id).encode(), key=key[:32]).hexdigest()[:16]


@bp.get("/openapi.json")
@operation(
    summary="This document",
    public=True,
    responses={200: {"application/json": {"schema": {"type": "object"}}}},
)
def openapi(data: dict):
    """The OpenAPI 3.1 document, generated from the endpoints' schemas."""
    cached = current_app.extensions.get("spravka.openapi")
    if cached is None:
        cached = current_app.extensions["spravka.openapi"] = build_spec(current_app)
    return jsonify(cached)


@bp.get("/me")
@operation(summary="The token's owner", responses={200: schemas.Me})
def me(data: dict):
    """Who the token belongs to."""
    return jsonify(me_json(g.user))


@bp.get("/search")
@operation(
    summary="Search the help center (the same body as /api/search)",
    query=schemas.SearchQuery,
    responses={200: schemas.SearchResult},
)
def search(data: dict):
    """The help center's answer with its deflection decision."""
    config = current_app.config
    query = data["q"][: config["QUERY_MAX_CHARS"]]
    result = engine().search(
        query,
        limit=min(data.get("limit", config["SEARCH_LIMIT"]), config["SEARCH_MAX_LIMIT"]),
        category=data.get("category") or None,
        topic=data.get("topic") or None,
    )
    if query.strip() and config["ANALYTICS_ENABLED"]:
        record_search(
            query, result, "page", engine().normalize, channel="api", visitor=api_visitor()
        )
    return jsonify(result_json(result))


@bp.get("/categories")
@operation(
    summary="Categories, topics and their common answers", responses={200: schemas.Categories}
)
def categories(data: dict):
    """Every category with its topics."""
    return jsonify(categories_json(list(engine().content.categories.values())))


@bp.get("/entries/<category>/<slug>")
@operation(summary="One published entry", responses={200: schemas.Entry}, errors=(404,))
def entry(category: str, slug: str, data: dict):
    """A published article or FAQ answer by id (old ids follow the redirects)."""
    resolved = engine().content.resolve(f"{category}/{slug}")
    found = engine().entry(resolved) if resolved else None
    if found is None:
        raise ApiError(404, "Статья не найдена.")
    return jsonify(entry_json(found, str(render_markdown(found.body))))
