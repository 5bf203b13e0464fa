"""Support agents' side: the queue of open dialogs, the seller's searches, replies and statuses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from web.accounts.access import role_required
from web.analytics import recording as analytics
from web.database import db
from web.dialogs.conversation import agent_message, complete, reopen
from web.dialogs.forms import FormErrors, find_category, find_topic, parse_message
from web.dialogs.models import STATUS_COMPLETED, STATUS_CREATED, Dialog
from web.dialogs.store import DialogSaveFailed, any_dialog, open_counts, queue
from web.dialogs.uploads import ACCEPT, ALLOWED_TEXT
from web.search_service import engine

bp = Blueprint("agent", __name__, url_prefix="/agent")

SOURCE_NAMES = {
    "instant": "поиск в справке",
    "page": "страница поиска",
    "dialog-form": "форма диалога",
}
MATCH_NAMES = {"strong": "ответ найден", "weak": "слабое совпадение", "none": "ничего не найдено"}
STALE_PAGE = (
    "Пока вы читали диалог, в нём появились новые сообщения — прочитайте их и отправьте снова."
)
SEARCHES_IN_QUEUE = 5
SEARCHES_ON_PAGE = 20


@dataclass(frozen=True)
class SeenSuggestion:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class SellerSearch:
    """One search the seller made before writing, as the agent sees it."""

    query: str
    source: str
    match: str
    created_at: datetime
    suggestions: list[SeenSuggestion] = field(default_factory=list)


@dataclass(frozen=True)
class DialogCard:
    """A dialog with the names and the searches an agent needs to pick it up."""

    dialog: Dialog
    category_name: str
    topic_name: str
    searches: list[SellerSearch]


def _suggestion(entry_id: str) -> SeenSuggestion:
    entry = engine().entry(entry_id, include_drafts=True)
    if entry is None:
        return SeenSuggestion(entry_id, entry_id, "")
    return SeenSuggestion(entry.id, entry.title, entry.url)


def seller_searches(dialog: Dialog, limit: int) -> list[SellerSearch]:
    """What the seller searched for (help center and dialog form) before opening the dialog."""
    events = analytics.searches_before(
        dialog.seller_id, dialog.visitor, until=dialog.created_at, limit=limit
    )
    return [
        SellerSearch(
            query=e.query,
            source=SOURCE_NAMES.get(e.source or "", e.source or ""),
            match=MATCH_NAMES.get(e.match or "", e.match or ""),
            created_at=e.created_at,
            suggestions=[_suggestion(i) for i in e.top_ids[:5]],
        )
        for e in events
    ]


def dialog_card(dialog: Dialog, searches: int) -> DialogCard:
    """A DialogCard for a dialog with up to `searches` of the seller's searches."""
    category = find_category(dialog.category)
    topic = find_topic(category, dialog.topic)
    return DialogCard(
        dialog,
        category.name if category else dialog.category,
        topic.name if topic else (dialog.topic or "—"),
        seller_searches(dialog, searches),
    )


@bp.get("")
@role_required("agent")
def index():
    """The queue: open dialogs oldest first (or completed ones), filterable by category."""
    category = request.args.get("category") or None
    if category not in engine().content.categories:
        category = None  # an unknown filter shows everything rather than nothing
    status = STATUS_COMPLETED if request.args.get("status") == "completed" else STATUS_CREATED
    dialogs = queue(db(), category, completed=status == STATUS_COMPLETED)
    return render_template(
        "agent/index.html",
        cards=[dialog_card(d, SEARCHES_IN_QUEUE) for d in dialogs],
        categories=engine().content.categories,
        counts=open_counts(db()),
        selected=category,
        status=status,
    )


def _render_dialog(dialog: Dialog, errors: FormErrors | None = None, body: str = "", code=200):
    return render_template(
        "agent/dialog.html",
        card=dialog_card(dialog, SEARCHES_ON_PAGE),
        dialog=dialog,
        category=find_category(dialog.category),
        topic=find_topic(find_category(dialog.category), dialog.topic),
        errors=errors or FormErrors(),
        body=body,
        allowed_text=ALLOWED_TEXT,
        accept=ACCEPT,
    ), code


def _stale(dialog: Dialog) -> bool:
    """True when the form came from a page that showed fewer messages than there are now."""
    # Without this, a reply or «Завершить» from an old tab would close the dialog over a
    # message the seller (or another agent) added meanwhile, and nobody would read it.
    seen = request.form.get("seen", "")
    return seen.isdigit() and int(seen) != len(dialog.messages)


@bp.get("/dialogs/<int:number>")
@role_required("agent")
def show(number: int):
    """One dialog with the seller's searches, the thread and the reply form."""
    return _render_dialog(any_dialog(db(), number))


@bp.post("/dialogs/<int:number>/reply")
@role_required("agent")
def answer(number: int):
    """Reply with text and files; the dialog becomes «Завершен»."""
    dialog = any_dialog(db(), number)
    body, files, errors = parse_message(request.form, request.files.getlist("files"))
    if _stale(dialog):
        return _render_dialog(dialog, FormErrors({"body": STALE_PAGE}), body, 409)
    if not errors:
        try:
            agent_message(db(), dialog, g.user, body, files, complete=True)
        except DialogSaveFailed:
            errors.fields["body"] = "Не удалось отправить ответ. Попробуйте ещё раз."
    if errors:
        return _render_dialog(any_dialog(db(), number), errors, body, 400)
    flash(f"Ответ отправлен, диалог № {number} завершён.", "agent")
    return redirect(url_for("agent.index"))


@bp.post("/dialogs/<int:number>/status")
@role_required("agent")
def change_status(number: int):
    """Complete a dialog without a reply, or reopen a completed one."""
    dialog = any_dialog(db(), number)
    wanted = request.form.get("status")
    if wanted not in (STATUS_CREATED, STATUS_COMPLETED):
        return _render_dialog(dialog, FormErrors({"status": "Неизвестный статус."}), code=400)
    if _stale(dialog):
        return _render_dialog(dialog, FormErrors({"status": STALE_PAGE}), code=409)
    try:
        (complete if wanted == STATUS_COMPLETED else reopen)(db(), dialog, g.user)
    except DialogSaveFailed as exc:
        return _render_dialog(
            dialog, FormErrors({"status": "Не удалось изменить статус."}), code=exc.status
        )
    done = "завершён" if wanted == STATUS_COMPLETED else "снова открыт"
    flash(f"Диалог № {number} {done}.", "agent")
    return redirect(url_for("agent.show", number=number))
