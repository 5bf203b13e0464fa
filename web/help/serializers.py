"""Every JSON shape the help wing's endpoints send: results, hand-offs (the web URL scheme lives here)."""

from __future__ import annotations

from urllib.parse import urlencode

from search.model import Hit, SearchResult


def hit_json(hit: Hit) -> dict:
    """The API's JSON shape of one result."""
    return {
        "id": hit.id,
        "kind": hit.kind,
        "title": hit.title,
        "url": hit.url,
        "snippet": hit.snippet,
        "category": hit.category,
        "topic": hit.topic,
        "score": round(hit.score, 4),
    }


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
        "results": [hit_json(hit) for hit in result.hits],
        "handoff": handoff,
    }
