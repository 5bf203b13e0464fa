"""JSON API: /api/search (the deflection contract the UI, the dialog form and tests rely on)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, request

from search.model import SearchResult
from web.analytics import record_search
from web.search_service import engine

bp = Blueprint("api", __name__, url_prefix="/api")


def _limit() -> int:
    default = current_app.config["SEARCH_LIMIT"]
    try:
        value = int(request.args.get("limit", default))
    except ValueError:
        value = default
    return max(1, min(value, current_app.config["SEARCH_MAX_LIMIT"]))


def handoff_url(query: str, category: str | None, topic: str | None) -> str:
    """URL of the new-dialog form prefilled with the query and the suggested category/topic."""
    params = {"description": query}
    if category:
        params["category"] = category
    if topic:
        params["topic"] = topic
    return "/dialogs/new?" + urlencode(params)


def result_json(result: SearchResult) -> dict:
    """The API's JSON shape of a search result."""
    handoff = None
    if result.match != "strong":
        d = result.decision
        handoff = {
            "url": handoff_url(result.query, d.category, d.topic),
            "category": d.category,
            "topic": d.topic,
        }
    return {
        "query": result.query,
        "used_query": result.used_query,
        "match": result.match,
        "results": [hit.to_json() for hit in result.hits],
        "handoff": handoff,
    }


@bp.get("/search")
def search():
    """Search the help center as the seller types."""
    query = request.args.get("q", "")[: current_app.config["QUERY_MAX_CHARS"]]
    result = engine().search(
        query,
        limit=_limit(),
        category=request.args.get("category") or None,
        topic=request.args.get("topic") or None,
        exact=request.args.get("exact") == "1",
    )
    if query.strip() and current_app.config["ANALYTICS_ENABLED"]:
        record_search(query, result, source=request.args.get("source", "instant"))
    return jsonify(result_json(result))
