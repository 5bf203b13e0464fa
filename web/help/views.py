"""Seller help center pages: home, search, categories, articles and FAQs, votes and clicks."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
)
from werkzeug.wrappers import Response

from search.errors import NotFound
from search.model import Entry
from web.analytics import recording as analytics
from web.help.pages import (
    answer_json,
    category_cards,
    category_names,
    category_page,
    entry_page,
    search_page,
)
from web.search_service import engine

bp = Blueprint("help", __name__)

# A full results page shows more than the instant dropdown, which stays short to scan.
PAGE_LIMIT = 20
COMMENT_MAX_CHARS = 2000


def _is_editor() -> bool:
    user = g.get("user")
    return user is not None and getattr(user, "role", None) == "editor"


def _query() -> str:
    return request.args.get("q", "").strip()[: current_app.config["QUERY_MAX_CHARS"]]


# -- pages ------------------------------------------------------------------------
@bp.get("/")
def home():
    """Home page: the search box and the categories."""
    content = engine().content
    return render_template(
        "help/home.html", cards=category_cards(content), category_names=category_names(content)
    )


@bp.get("/search")
def search():
    """Server-rendered search results: works without JavaScript and has a shareable URL."""
    query = _query()
    category = request.args.get("category") or None
    result = None
    if query:
        exact = request.args.get("exact") == "1"
        result = engine().search(query, limit=PAGE_LIMIT, category=category, exact=exact)
        analytics.record_search(query, result, "page", normalize=engine().normalize)
    page = search_page(engine(), query, result, category)
    content = engine().content
    return render_template(
        "help/search.html",
        page=page,
        categories=content.categories,
        category_names=category_names(content),
    )


@bp.get("/c/<category_id>")
def category(category_id: str):
    """A category: its topics with their FAQs as expandable answers, and its articles."""
    page = category_page(engine().content, category_id)
    if page is None:
        raise NotFound(category_id)
    return render_template("help/category.html", page=page)


@bp.get("/a/<path:entry_id>")
def article(entry_id: str):
    """An article page."""
    return _entry_view(entry_id, "article")


@bp.get("/q/<path:entry_id>")
def faq(entry_id: str):
    """A FAQ page (the same answer the category page shows expanded)."""
    return _entry_view(entry_id, "faq")


def _entry_view(entry_id: str, kind: str):
    entry = _find_entry(entry_id)
    if entry.id != entry_id or entry.kind != kind:
        # Moved or renamed entries and /a/ ↔ /q/ mix-ups keep working, permanently.
        return redirect(entry.url, code=301)
    return render_template("help/entry.html", page=entry_page(engine(), entry))


def _find_entry(entry_id: str) -> Entry:
    """The entry for a URL id, following the redirect map; drafts only for editors."""
    eng = engine()
    drafts = _is_editor()
    wanted = entry_id.strip("/")
    entry = eng.entry(wanted, include_drafts=drafts)
    if entry is None:
        moved = eng.content.resolve(wanted)
        entry = eng.entry(moved, include_drafts=drafts) if moved else None
    if entry is None:
        raise NotFound(entry_id)
    return entry


# -- JSON endpoints used by search.js -------------------------------------------------
@bp.get("/api/answer/<path:entry_id>")
def answer(entry_id: str):
    """The expanded best answer (first paragraph) for the instant results."""
    entry = engine().entry(entry_id)
    if entry is None:
        raise NotFound(entry_id)
    return jsonify(answer_json(entry))


@bp.post("/api/feedback")
def feedback() -> Response:
    """Record «Был ли ответ полезен?»: helpful or not, with an optional comment."""
    data = _json_body()
    helpful = data.get("helpful")
    comment = data.get("comment")
    if not isinstance(helpful, bool):
        abort(400, description="Поле helpful должно быть true или false.")
    if comment is not None and not isinstance(comment, str):
        abort(400, description="Поле comment должно быть строкой.")
    entry = engine().entry(_entry_id(data), include_drafts=_is_editor())
    if entry is None:
        raise NotFound(data.get("entry_id"))
    comment = (comment or "").strip()[:COMMENT_MAX_CHARS] or None
    analytics.record_feedback(entry.id, helpful, comment)
    return jsonify({"ok": True})


@bp.post("/api/click")
def click() -> Response:
    """Record that a search result was opened (position counts from 1)."""
    data = _json_body()
    query = data.get("query")
    position = data.get("position")
    if not isinstance(query, str):
        abort(400, description="Поле query должно быть строкой.")
    if not isinstance(position, int) or isinstance(position, bool) or position < 1:
        abort(400, description="Поле position должно быть целым числом от 1.")
    entry = engine().entry(_entry_id(data))
    if entry is None:
        raise NotFound(data.get("entry_id"))
    max_chars = current_app.config["QUERY_MAX_CHARS"]
    analytics.record_click(entry.id, query.strip()[:max_chars], position)
    return jsonify({"ok": True})


def _json_body() -> dict:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        abort(400, description="Ожидается JSON-объект.")
    return data


def _entry_id(data: dict) -> str:
    entry_id = data.get("entry_id")
    if not isinstance(entry_id, str) or not entry_id.strip():
        abort(400, description="Поле entry_id обязательно.")
    return entry_id.strip()
