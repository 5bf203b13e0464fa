"""/api/search: the deflection contract the UI, the dialog form and tests rely on."""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from web.analytics.recording import record_search
from web.help.serializers import result_json
from web.search_service import engine

bp = Blueprint("api", __name__, url_prefix="/api")


def _limit() -> int:
    default = current_app.config["SEARCH_LIMIT"]
    try:
        value = int(request.args.get("limit", default))
    except ValueError:
        value = default
    return max(1, min(value, current_app.config["SEARCH_MAX_LIMIT"]))


@bp.get("/search")
def search():
    """Search the help center as the seller types.

    Keystrokes (source=instant) rank by words alone: embedding each prefix would cost
    more than the search. When typing pauses, the box asks again with settled=1 and gets
    the ranking with sentence similarity, as every other caller does.
    """
    query = request.args.get("q", "")[: current_app.config["QUERY_MAX_CHARS"]]
    keystroke = request.args.get("source") == "instant" and request.args.get("settled") != "1"
    result = engine().search(
        query,
        limit=_limit(),
        category=request.args.get("category") or None,
        topic=request.args.get("topic") or None,
        exact=request.args.get("exact") == "1",
        semantic=not keystroke,
    )
    if query.strip() and current_app.config["ANALYTICS_ENABLED"]:
        record_search(
            query, result, request.args.get("source", "instant"), normalize=engine().normalize
        )
    return jsonify(result_json(result))
