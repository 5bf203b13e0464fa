"""Agents' actions on a dialog besides replying: take, give back, note, re-file, capture."""

from __future__ import annotations

from flask import Blueprint, flash, g, redirect, request, url_for

from web.accounts.access import role_required
from web.database import db
from web.dialogs import submissions
from web.dialogs.agent_views import STALE_PAGE, render_dialog, stale
from web.dialogs.capture import capture_faq
from web.dialogs.conversation import agent_message, refile, release, take
from web.dialogs.forms import FormErrors, parse_message
from web.dialogs.store import DialogSaveFailed, any_dialog
from web.errors import Conflict, Refused

bp = Blueprint("agent_actions", __name__, url_prefix="/agent/dialogs/<int:number>")


def _refused(number: int, field: str, exc: Exception, code: int):
    db().rollback()
    return render_dialog(any_dialog(db(), number), FormErrors({field: str(exc)}), code=code)


@bp.post("/take")
@role_required("agent")
def take_dialog(number: int):
    """«Взять в работу»: the dialog is this agent's until they give it back."""
    try:
        take(db(), any_dialog(db(), number), g.user)
    except (Refused, Conflict, DialogSaveFailed) as exc:
        return _refused(number, "status", exc, exc.status)
    flash(f"Диалог № {number} у вас в работе.", "agent")
    back = request.form.get("back") == "queue"
    return redirect(url_for("agent.index") if back else url_for("agent.show", number=number))


@bp.post("/release")
@role_required("agent")
def release_dialog(number: int):
    """«Вернуть в очередь»: another agent may take it."""
    try:
        release(db(), any_dialog(db(), number), g.user)
    except (Refused, Conflict, DialogSaveFailed) as exc:
        return _refused(number, "status", exc, exc.status)
    flash(f"Диалог № {number} возвращён в очередь.", "agent")
    return redirect(url_for("agent.show", number=number))


@bp.post("/note")
@role_required("agent")
def add_note(number: int):
    """An internal note: colleagues see it, the seller never does (once per form)."""
    dialog = any_dialog(db(), number)
    body, files, errors = parse_message(request.form, request.files.getlist("files"))
    if errors:
        message = errors.fields.get("body") or "; ".join(str(f) for f in errors.files)
        return render_dialog(dialog, FormErrors({"note": message}), code=400)
    token = request.form.get("submit_token", "")
    if not submissions.first_submit(db(), token, g.user.id):
        if submissions.opened_by(db(), token, g.user.id) == number:
            return _noted(number)  # the first copy of this submit saved the note
        return render_dialog(dialog, FormErrors({"note": submissions.MESSAGE_ALREADY_SENT}), code=409)  # fmt: skip
    saved = False
    try:
        if stale(dialog):
            return render_dialog(dialog, FormErrors({"note": STALE_PAGE}), code=409)
        agent_message(db(), dialog, g.user, body, files, internal=True)
        saved = True
    except (Refused, DialogSaveFailed) as exc:
        return _refused(number, "note", exc, exc.status)
    finally:
        submissions.settle(db(), token, number if saved else None)
    return _noted(number)


def _noted(number: int):
    flash("Заметка сохранена. Продавец её не видит.", "agent")
    return redirect(url_for("agent.show", number=number) + "#last")


@bp.post("/refile")
@role_required("agent")
def refile_dialog(number: int):
    """Move the dialog to another category and topic (the seller sees it in «Информация»)."""
    category, _, topic = (request.form.get("place") or "").partition("/")
    try:
        refile(db(), any_dialog(db(), number), g.user, category, topic or None)
    except (Refused, DialogSaveFailed) as exc:
        return _refused(number, "refile", exc, exc.status)
    flash(f"Диалог № {number} перенесён.", "agent")
    return redirect(url_for("agent.show", number=number))


@bp.post("/messages/<int:message_id>/capture")
@role_required("agent")
def capture(number: int, message_id: int):
    """«Сделать статьёй справки»: an FAQ draft from the seller's question and this reply."""
    dialog = any_dialog(db(), number)
    try:
        entry_id = capture_faq(dialog, message_id)
    except Refused as exc:
        return _refused(number, "capture", exc, exc.status)
    flash(
        f"Черновик вопроса справки «{entry_id}» создан: редакторы проверят и опубликуют его.",
        "agent",
    )
    return redirect(url_for("agent.show", number=number))
