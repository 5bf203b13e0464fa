"""Seller support pages: my dialogs, the new-dialog form that deflects, a dialog and its files."""

from __future__ import annotations

from contextlib import ExitStack

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy.exc import SQLAlchemyError

from web.accounts.access import role_required
from web.analytics import recording as analytics
from web.database import db
from web.dialogs import submissions
from web.dialogs.conversation import (
    COMMENT_MAX,
    mark_read,
    open_dialog,
    rate,
    request_review,
    review_deadline,
    seller_message,
)
from web.dialogs.forms import (
    DESCRIPTION_MAX_CHARS,
    DialogDraft,
    FormErrors,
    clean_text,
    find_category,
    find_topic,
    parse_message,
    parse_new_dialog,
)
from web.dialogs.history import history_rows
from web.dialogs.kept_uploads import (
    KeptFile,
    keep_for_form,
    kept_files,
    open_kept,
    release,
    sweep_pending,
)
from web.dialogs.models import Dialog
from web.dialogs.my_dialogs import STATUS_FILTERS, find_my_dialogs, parse_query
from web.dialogs.new_form import form_context, place
from web.dialogs.store import (
    DialogLimitReached,
    DialogSaveFailed,
    any_dialog,
    dialog_file,
    find_duplicates,
    seller_dialog,
    unread_count,
)
from web.dialogs.uploads import (
    ACCEPT,
    ALLOWED_TEXT,
    download,
    max_files,
    start_sweeper,
    sweep_stale_parts,
    uploads_folder,
)
from web.errors import Conflict, Refused
from web.search_service import engine
from web.timestamps import utcnow

bp = Blueprint("dialogs", __name__)


@bp.record_once
def _sweep_uploads(state) -> None:
    # Temporary files of uploads interrupted by a crash are never referenced: delete them
    # now and then every UPLOAD_SWEEP_SECONDS (a killed worker leaves its .part behind).
    folder = uploads_folder(state.app.instance_path)
    if folder.is_dir():
        sweep_stale_parts(folder, state.app.config["STALE_PART_SECONDS"])
    if (folder / "pending").is_dir():
        sweep_pending(folder / "pending")
    start_sweeper(folder, state.app.config)


@bp.app_context_processor
def _unread_answers() -> dict:
    """The header's count of dialogs with an answer the seller has not opened."""
    user = g.get("user")
    if user is None or user.role != "seller":
        return {"unread_answers": 0}
    try:
        return {"unread_answers": unread_count(db(), user.id)}
    except SQLAlchemyError:  # a count in the header must not take the page down with it
        db().rollback()
        return {"unread_answers": 0}


@bp.get("/dialogs")
@role_required("seller")
def index():
    """«Мои обращения»: newest first, searchable by number and text, filtered by status."""
    query = parse_query(request.args)
    return render_template(
        "dialogs/index.html",
        dialogs=find_my_dialogs(db(), g.user.id, query),
        query=query,
        status_filters=STATUS_FILTERS,
        categories=engine().content.categories,
    )


@bp.get("/dialogs/new")
@role_required("seller")
def new():
    """The new-dialog form: category, topic, common answers, then the fields."""
    return render_template("dialogs/new.html", **form_context(request.args))


def _send_back(
    draft: DialogDraft, errors: FormErrors, kept: list[KeptFile], new_files: list, status: int,
    duplicates=(),
):  # fmt: skip
    """Show the form again; files that were fine stay attached for the next submit.

    Only here is the form's context (suggestions search, topic answers) built: a dialog
    that is created needs none of it.
    """
    context = form_context(request.form, draft, errors)
    context["duplicates"] = list(duplicates)
    context["kept"] = kept + keep_for_form(new_files, g.user.id, errors.files)
    return render_template("dialogs/new.html", **context), status


@bp.post("/dialogs/new")
@role_required("seller")
def create():
    """«Начать диалог»: check, warn about duplicates, then save the dialog with its files."""
    kept = kept_files(request.form.getlist("kept"), g.user.id)
    files = request.files.getlist("files")
    used = sum(k.size for k in kept)
    draft, errors = parse_new_dialog(request.form, files, max_files() - len(kept), used)
    new_files = draft.files
    if errors:
        duplicates = []
        if place(request.form)[2] == "details" and "description" not in errors.fields:
            duplicates = find_duplicates(db(), g.user.id, draft)
        return _send_back(draft, errors, kept, new_files, 400, duplicates)
    # Claimed before the duplicate check: a second copy of this submit must find the
    # first one's dialog, not a «similar dialog» warning about it.
    token = request.form.get("submit_token", "")
    if token and not submissions.claim(db(), token, g.user.id):
        return _already_sent(draft, errors, kept, new_files, token)
    dialog = None
    try:
        duplicates = []
        if place(request.form)[2] == "details":
            duplicates = find_duplicates(db(), g.user.id, draft)
        if duplicates and not draft.confirm_new:
            return _send_back(draft, errors, kept, new_files, 200, duplicates)
        dialog = _open_with_files(draft, errors, kept, new_files)
    finally:
        if token and not isinstance(dialog, Dialog):
            submissions.forget(db(), token)  # nothing opened: sending again must work
    if not isinstance(dialog, Dialog):
        return dialog  # the form, sent back with the reason
    if token:
        submissions.finish(db(), token, dialog.number)
    release(kept)
    analytics.record_dialog_opened(dialog.id, dialog.category, dialog.topic)
    flash(str(dialog.number), "dialog-created")
    return redirect(url_for("dialogs.show", number=dialog.number))


def _already_sent(draft, errors: FormErrors, kept, new_files, token: str):
    """A second submit of the same form: go to the dialog the first one opened."""
    number = submissions.opened_by(db(), token, g.user.id)
    if number is not None:
        return redirect(url_for("dialogs.show", number=number))
    errors.fields["form"] = (
        "Эта форма уже отправлена. Проверьте «Мои обращения»; если диалога там нет, "
        "отправьте форму ещё раз."
    )
    return _send_back(draft, errors, kept, new_files, Conflict.status)


def _open_with_files(draft, errors: FormErrors, kept, new_files):
    """Open the dialog with kept and new files; the Dialog, or the form sent back."""
    with ExitStack() as stack:
        try:
            opened = []
            for item in kept:
                opened.append(open_kept(item))
                stack.callback(opened[-1].stream.close)
        except FileNotFoundError:
            # A second click on «Начать диалог» raced the first, which already saved
            # (and released) these files: show the form again instead of failing.
            errors.fields["form"] = (
                "Прикреплённые файлы уже отправлены или устарели. Проверьте «Мои обращения» "
                "и при необходимости прикрепите файлы заново."
            )
            still_kept = kept_files([k.token for k in kept], g.user.id)
            return _send_back(draft, errors, still_kept, new_files, Conflict.status)
        draft.files = opened + new_files
        for checked in new_files:
            stack.callback(checked.stream.close)
        try:
            dialog = open_dialog(db(), g.user, draft, visitor=analytics.visitor_id())
        except DialogLimitReached as exc:
            errors.fields["form"] = (
                f"За последний час вы открыли {current_app.config['DIALOGS_PER_HOUR']} диалогов "
                "— это предел. Допишите подробности в уже открытые диалоги или попробуйте позже."
            )
            return _send_back(draft, errors, kept, new_files, exc.status)
        except DialogSaveFailed as exc:
            errors.fields["form"] = (
                "Не удалось сохранить диалог, ничего не отправлено. Попробуйте ещё раз — "
                "текст и файлы остались в форме."
            )
            return _send_back(draft, errors, kept, new_files, exc.status)
    return dialog


def _render_dialog(
    dialog, errors: FormErrors | None = None, body: str = "", status: int = 200, kept=(), **extra
):
    """The seller's dialog page (thread or «Информация»), with a form's errors."""
    category = find_category(dialog.category)
    tab = "info" if request.args.get("tab") == "info" and errors is None else "thread"
    return render_template(
        "dialogs/show.html",
        dialog=dialog,
        tab=tab,
        category=category,
        topic=find_topic(category, dialog.topic),
        history=history_rows(dialog, "seller"),
        review_until=review_deadline(dialog),
        review_days=current_app.config["REVIEW_WINDOW_DAYS"],
        now=utcnow(),
        errors=errors or FormErrors(),
        body=body,
        kept=list(kept),
        allowed_text=ALLOWED_TEXT,
        accept=ACCEPT,
        submit_token=submissions.new_token(),
        **extra,
    ), status


@bp.get("/dialogs/<int:number>")
@role_required("seller")
def show(number: int):
    """A dialog: the thread, the status and the «Информация» tab; its answers are read now."""
    dialog = seller_dialog(db(), g.user.id, number)
    page = _render_dialog(dialog)
    mark_read(db(), dialog, g.user)
    return page


@bp.post("/dialogs/<int:number>/messages")
@role_required("seller")
def post_message(number: int):
    """The seller adds a message (and files) to their open dialog; a form's twin adds none."""
    dialog = seller_dialog(db(), g.user.id, number)
    # «Добавить сообщение в №» on the duplicate warning sends the new-dialog form here,
    # with the files it had already kept: they go with the message, not into the void.
    kept = kept_files(request.form.getlist("kept"), g.user.id)
    files = request.files.getlist("files")
    body, files, errors = parse_message(request.form, files, len(kept), sum(k.size for k in kept))
    if not dialog.is_open:
        errors.fields["body"] = "Диалог завершён. Если вопрос остался, начните новый диалог."
    token = request.form.get("submit_token", "")
    if not errors and not submissions.first_submit(db(), token, g.user.id):
        if submissions.opened_by(db(), token, g.user.id) == number:
            return _message_sent(number)  # the first copy of this submit saved the message
        errors.fields["body"] = submissions.MESSAGE_ALREADY_SENT
    elif not errors and not _save_message(dialog, body, kept, files, token):
        errors.fields["body"] = "Не удалось отправить сообщение. Попробуйте ещё раз."
    if errors:
        dialog = seller_dialog(db(), g.user.id, number)
        # Files that were fine stay attached for the next try (a closed dialog has no form).
        kept = kept + keep_for_form(files, g.user.id, errors.files) if dialog.is_open else []
        return _render_dialog(dialog, errors, body, 400, kept)
    release(kept)
    return _message_sent(number)


def _message_sent(number: int):
    flash("Сообщение отправлено.", "message-sent")
    return redirect(url_for("dialogs.show", number=number) + "#last")


def _save_message(dialog, body: str, kept: list[KeptFile], files: list, token: str) -> bool:
    """Save the seller's message with kept and new files; False when nothing could be saved.
    The form's token then records the dialog, or is freed for sending again."""
    saved = False
    try:
        with ExitStack() as stack:
            opened = [open_kept(k) for k in kept]
            for checked in opened:
                stack.callback(checked.stream.close)
            seller_message(db(), dialog, g.user, body, opened + files)
            saved = True
    except DialogSaveFailed:
        pass
    finally:
        submissions.settle(db(), token, dialog.number if saved else None)
    return saved


@bp.get("/dialogs/<int:number>/files/<int:attachment_id>")
@role_required("seller", "agent")
def file(number: int, attachment_id: int):
    """Download an attachment: only the dialog's seller and support agents may."""
    agent = g.user.role == "agent"
    dialog = any_dialog(db(), number) if agent else seller_dialog(db(), g.user.id, number)
    attachment = dialog_file(dialog, attachment_id, internal=agent)
    return download(attachment.stored_name, attachment.original_name, attachment.content_type)


@bp.post("/dialogs/<int:number>/rating")
@role_required("seller")
def rate_answer(number: int):
    """«Помогло» / «Не помогло» with an optional comment, once per completed dialog."""
    dialog = seller_dialog(db(), g.user.id, number)
    helped = {"yes": True, "no": False}.get(request.form.get("helped", ""))
    comment = clean_text(request.form.get("comment"), COMMENT_MAX)
    try:
        if helped is None:
            raise Refused("Выберите «Помогло» или «Не помогло».")
        rate(db(), dialog, g.user, helped, comment)
    except (Refused, Conflict) as exc:
        errors = FormErrors({"rating": str(exc)})
        return _render_dialog(dialog, errors, status=exc.status, rating_comment=comment)
    flash("Спасибо за оценку!", "message-sent")
    return redirect(url_for("dialogs.show", number=number) + "#rating")


@bp.post("/dialogs/<int:number>/review")
@role_required("seller")
def ask_review(number: int):
    """«Пересмотреть решение»: a new dialog in the re-review category, linked to this one."""
    dialog = seller_dialog(db(), g.user.id, number)
    reason = clean_text(request.form.get("reason"), DESCRIPTION_MAX_CHARS)
    try:
        review = request_review(db(), dialog, g.user, reason)
    except (Refused, Conflict) as exc:
        errors = FormErrors({"review": str(exc)})
        return _render_dialog(dialog, errors, status=exc.status, review_reason=reason)
    analytics.record_dialog_opened(review.id, review.category, review.topic)
    flash(str(review.number), "dialog-created")
    return redirect(url_for("dialogs.show", number=review.number))
