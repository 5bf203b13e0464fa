"""Support agents' side: the queue by due time, a dialog with assist, replies and statuses."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for

from web.accounts.access import role_required
from web.database import db
from web.dialogs import assist, submissions
from web.dialogs.agent_cards import dialog_card
from web.dialogs.conversation import agent_message, complete, reopen
from web.dialogs.forms import FormErrors, find_category, find_topic, parse_message
from web.dialogs.history import history_rows
from web.dialogs.models import STATUS_COMPLETED, STATUS_CREATED, Dialog
from web.dialogs.sla import sla
from web.dialogs.store import DialogSaveFailed, any_dialog, open_counts, queue
from web.dialogs.uploads import ACCEPT, ALLOWED_TEXT
from web.errors import Conflict, Refused
from web.search_service import engine

bp = Blueprint("agent", __name__, url_prefix="/agent")

STALE_PAGE = (
    "Пока вы читали диалог, в нём появились новые сообщения — прочитайте их и отправьте снова."
)
SEARCHES_IN_QUEUE = 5
SEARCHES_ON_PAGE = 20
VIEWS = {"open": "Открытые", "mine": "Мои", "completed": "Завершённые"}
# What «Ответить», «Спросить продавца» and «Ответить и завершить» do with the dialog.
ACTIONS = {
    "reply": ({}, "Ответ отправлен."),
    "ask": ({"ask": True}, "Вопрос отправлен, диалог ждёт ответа продавца."),
    "complete": ({"complete": True}, "Ответ отправлен, диалог № {number} завершён."),
}


def _view() -> str:
    if request.args.get("status") == "completed":  # the queue's older links
        return "completed"
    view = request.args.get("view", "open")
    return view if view in VIEWS else "open"


@bp.get("")
@role_required("agent")
def index():
    """The queue: open dialogs by due time (or mine, or completed), filterable by category."""
    category = request.args.get("category") or None
    if category not in engine().content.categories:
        category = None  # an unknown filter shows everything rather than nothing
    view = _view()
    holder = g.user.id if view == "mine" else None
    dialogs = queue(db(), category, completed=view == "completed", holder=holder)
    return render_template(
        "agent/index.html",
        cards=[dialog_card(d, SEARCHES_IN_QUEUE) for d in dialogs],
        categories=engine().content.categories,
        counts=open_counts(db()),
        selected=category,
        view=view,
        views=VIEWS,
        status=STATUS_COMPLETED if view == "completed" else STATUS_CREATED,
    )


def render_dialog(dialog: Dialog, errors: FormErrors | None = None, body: str = "", code=200):
    """The agent's dialog page, with a form's errors and the text that was sent back."""
    category = find_category(dialog.category)
    return render_template(
        "agent/dialog.html",
        card=dialog_card(dialog, SEARCHES_ON_PAGE),
        dialog=dialog,
        category=category,
        topic=find_topic(category, dialog.topic),
        history=history_rows(dialog, "agent"),
        original=dialog.review_of and any_dialog(db(), dialog.review_of.number),
        original_sla=dialog.review_of and sla(dialog.review_of, current_app.config["ANSWER_HOURS"]),
        suggestions=assist.suggestions(dialog) if dialog.is_open else [],
        macros=assist.macros(dialog, category.name if category else dialog.category),
        categories=engine().content.categories,
        mine=dialog.assignee_id == g.user.id,
        errors=errors or FormErrors(),
        body=body,
        allowed_text=ALLOWED_TEXT,
        accept=ACCEPT,
        # One token per form: the reply and the note are separate submits.
        submit_token=submissions.new_token(),
        note_token=submissions.new_token(),
    ), code


def stale(dialog: Dialog) -> bool:
    """True when the form came from a page that showed fewer messages than there are now."""
    # Without this, a reply or «Завершить» from an old tab would close the dialog over a
    # message the seller (or another agent) added meanwhile, and nobody would read it.
    seen = request.form.get("seen", "")
    return seen.isdigit() and int(seen) != len(dialog.messages)


@bp.get("/dialogs/<int:number>")
@role_required("agent")
def show(number: int):
    """One dialog with the seller's searches, the thread, assist and the reply form."""
    return render_dialog(any_dialog(db(), number))


@bp.post("/dialogs/<int:number>/reply")
@role_required("agent")
def answer(number: int):
    """Reply with text and files: keep the dialog open, ask the seller, or complete it."""
    dialog = any_dialog(db(), number)
    action = request.form.get("action") or "reply"
    body, files, errors = parse_message(request.form, request.files.getlist("files"))
    if action not in ACTIONS:
        return render_dialog(dialog, FormErrors({"body": "Неизвестное действие."}), body, 400)
    if errors:
        return render_dialog(dialog, errors, body, 400)
    # Claimed before the stale check: the first copy's reply makes the page look stale to
    # its twin, which must be sent where the first went instead.
    token = request.form.get("submit_token", "")
    if not submissions.first_submit(db(), token, g.user.id):
        if submissions.opened_by(db(), token, g.user.id) == number:
            return _replied(number, action)
        return render_dialog(dialog, FormErrors({"body": submissions.MESSAGE_ALREADY_SENT}), body, 409)  # fmt: skip
    sent = False
    try:
        problem = _send_reply(dialog, action, body, files)
        sent = problem is None
    finally:
        submissions.settle(db(), token, number if sent else None)
    if problem:
        return render_dialog(any_dialog(db(), number), FormErrors({"body": problem[0]}), body, problem[1])  # fmt: skip
    return _replied(number, action)


def _send_reply(dialog: Dialog, action: str, body: str, files) -> tuple[str, int] | None:
    """Save the reply; None when sent, else the problem to show and its status."""
    if stale(dialog):
        return STALE_PAGE, 409
    try:
        agent_message(
            db(), dialog, g.user, body, files,
            linked_entries=assist.linked_entries(body), **ACTIONS[action][0],
        )  # fmt: skip
    except DialogSaveFailed:
        return "Не удалось отправить ответ. Попробуйте ещё раз.", 400
    except (Refused, Conflict) as exc:
        return str(exc), exc.status
    return None


def _replied(number: int, action: str):
    flash(ACTIONS[action][1].format(number=number), "agent")
    if action == "complete":
        return redirect(url_for("agent.index"))
    return redirect(url_for("agent.show", number=number) + "#last")


@bp.post("/dialogs/<int:number>/status")
@role_required("agent")
def change_status(number: int):
    """Complete a dialog without a reply, or reopen a completed one."""
    dialog = any_dialog(db(), number)
    wanted = request.form.get("status")
    if wanted not in (STATUS_CREATED, STATUS_COMPLETED):
        return render_dialog(dialog, FormErrors({"status": "Неизвестный статус."}), code=400)
    if stale(dialog):
        return render_dialog(dialog, FormErrors({"status": STALE_PAGE}), code=409)
    try:
        (complete if wanted == STATUS_COMPLETED else reopen)(db(), dialog, g.user)
    except DialogSaveFailed as exc:
        return render_dialog(
            dialog, FormErrors({"status": "Не удалось изменить статус."}), code=exc.status
        )
    except (Refused, Conflict) as exc:
        db().rollback()
        return render_dialog(any_dialog(db(), number), FormErrors({"status": str(exc)}), code=exc.status)  # fmt: skip
    done = "завершён" if wanted == STATUS_COMPLETED else "снова открыт"
    flash(f"Диалог № {number} {done}.", "agent")
    return redirect(url_for("agent.show", number=number))
