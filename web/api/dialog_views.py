"""/api/v1/dialogs: the conversation for the mobile app, through web.dialogs.conversation."""

from __future__ import annotations

from flask import current_app, g, jsonify, request, url_for
from werkzeug.datastructures import MultiDict

from web.analytics.recording import record_dialog_opened
from web.api import schemas
from web.api.dialog_lists import list_dialogs, retry_after_seconds
from web.api.errors import ApiError
from web.api.idempotency import (
    claim_key,
    claim_message_key,
    forget_key,
    remember_key,
    remember_message_key,
)
from web.api.operations import JSON, MULTIPART, operation
from web.api.serializers import (
    assigned_json,
    dialog_json,
    dialog_summary_json,
    message_json,
)
from web.api.views import api_visitor, bp
from web.database import db
from web.dialogs import conversation
from web.dialogs.forms import FormErrors, parse_message, parse_new_dialog
from web.dialogs.store import (
    DialogLimitReached,
    any_dialog,
    dialog_file,
    find_duplicates,
    seller_dialog,
)
from web.dialogs.uploads import CONTENT_TYPES, download

IDEMPOTENCY_HEADER = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "schema": {"type": "string", "maxLength": schemas.IDEMPOTENCY_KEY_MAX},
    "description": "Repeat it to retry safely: the same user gets back what the first "
    "request created, and nothing is created twice.",
}
FILE_CONTENT = {t: {"schema": {"type": "string"}} for t in sorted(set(CONTENT_TYPES.values()))}


def _dialog(number: int):
    """The caller's dialog (sellers: their own; agents: any); anyone else's is a 404."""
    if g.user.role == "agent":
        return any_dialog(db(), number)
    return seller_dialog(db(), g.user.id, number)


def _idempotency_key() -> str | None:
    """The request's Idempotency-Key header (None when absent or blank)."""
    key = (request.headers.get("Idempotency-Key") or "").strip() or None
    if key is not None and len(key) > schemas.IDEMPOTENCY_KEY_MAX:
        raise ApiError(422, fields={"Idempotency-Key": "не длиннее 200 символов"})
    return key


def _refused(errors: FormErrors) -> ApiError:
    fields = dict(errors.fields)
    if errors.files:
        fields["files"] = "; ".join(f"{f.name}: {f.reason}" for f in errors.files)
    return ApiError(422, "Данные не приняты: проверьте поля и файлы.", fields=fields)


@bp.get("/dialogs")
@operation(
    summary="Dialogs: a seller's own, an agent's queue",
    query=schemas.DialogsQuery,
    responses={200: schemas.DialogList},
)
def dialogs(data: dict):
    """One page of dialogs with a link to the next."""
    rows, more = list_dialogs(db(), g.user, data.get("status"), data.get("q"), data["page"])
    following = None
    if more:
        args = {k: v for k, v in data.items() if k != "page" and v}
        following = url_for("api_v1.dialogs", page=data["page"] + 1, **args)
    return jsonify({"dialogs": [dialog_summary_json(d) for d in rows], "next": following})


def _limit_reached(exc: DialogLimitReached) -> ApiError:
    per_hour = current_app.config["DIALOGS_PER_HOUR"]
    return ApiError(
        429,
        f"За последний час открыто {per_hour} диалогов — это предел. Попробуйте позже.",
        retry_after=retry_after_seconds(db(), g.user.id),
    )


def _open(draft, key: str | None):
    """Open the dialog for the caller, remembering the Idempotency-Key with it."""
    try:
        dialog = conversation.open_dialog(db(), g.user, draft, visitor=api_visitor(), channel="api")
    except DialogLimitReached as exc:
        forget_key(db(), g.user, key)
        raise _limit_reached(exc) from exc
    except Exception:
        forget_key(db(), g.user, key)
        raise
    remember_key(db(), g.user, key, dialog.number)
    record_dialog_opened(
        dialog.id, dialog.category, dialog.topic, channel="api", visitor=api_visitor()
    )
    return dialog


@bp.post("/dialogs")
@operation(
    summary="Open a dialog (multipart, files repeated)",
    body=schemas.DialogCreate,
    body_types=(MULTIPART,),
    roles=("seller",),
    headers=(IDEMPOTENCY_HEADER,),
    responses={201: schemas.Dialog},
    errors=(409, 413, 429, 503),
)
def create_dialog(data: dict):
    """Check like the web form, refuse duplicates unless confirm_new, then save."""
    key = _idempotency_key()
    form = MultiDict({k: v for k, v in data.items() if isinstance(v, str)})
    form["confirm_new"] = "1" if data.get("confirm_new") else ""
    draft, errors = parse_new_dialog(form, request.files.getlist("files"))
    if errors:
        raise _refused(errors)
    existing = claim_key(db(), g.user, key)
    if existing is not None:
        return jsonify(dialog_json(seller_dialog(db(), g.user.id, existing), g.user)), 201
    duplicates = find_duplicates(db(), g.user.id, draft)
    if duplicates and not draft.confirm_new:
        forget_key(db(), g.user, key)
        numbers = [d.number for d in duplicates]
        raise ApiError(
            409,
            "Похожий открытый диалог уже есть: допишите в него или отправьте confirm_new=true.",
            code="duplicate",
            extra={"dialogs": numbers},
        )
    dialog = _open(draft, key)
    return jsonify(dialog_json(seller_dialog(db(), g.user.id, dialog.number), g.user)), 201


@bp.get("/dialogs/<int:number>")
@operation(summary="A dialog with its thread", responses={200: schemas.Dialog}, errors=(404,))
def dialog(number: int, data: dict):
    """The thread, history, links and rating; a seller's answers count as read."""
    found = _dialog(number)
    if g.user.role == "seller":
        conversation.mark_read(db(), found, g.user)
    return jsonify(dialog_json(found, g.user))


def _message_flags(data: dict) -> None:
    if g.user.role != "agent":
        for flag in ("complete", "internal"):
            if data.get(flag):
                raise ApiError(422, fields={flag: "только для сотрудников поддержки"})


@bp.post("/dialogs/<int:number>/messages")
@operation(
    summary="Write into a dialog (agents may also complete or write an internal note)",
    body=schemas.MessageCreate,
    body_types=(MULTIPART, JSON),
    headers=(IDEMPOTENCY_HEADER,),
    responses={201: schemas.Message},
    errors=(404, 409, 413, 503),
)
def post_message(number: int, data: dict):
    """A seller's message or an agent's reply / note; a repeated key returns the first."""
    _message_flags(data)
    key = _idempotency_key()
    found = _dialog(number)
    form = MultiDict({"body": data.get("text", "")})
    text, files, errors = parse_message(form, request.files.getlist("files"))
    if errors.files:
        raise _refused(errors)
    existing = claim_message_key(db(), g.user, key, number)
    if existing is not None:
        return jsonify(message_json(found, _message(found, existing))), 201
    try:
        message = _write(found, text, files, data)
    except Exception:
        forget_key(db(), g.user, key)
        raise
    remember_message_key(db(), g.user, key, message.id)
    return jsonify(message_json(found, message)), 201


def _write(found, text: str, files, data: dict):
    """The message itself, by the caller's role."""
    if g.user.role == "agent":
        return conversation.agent_message(
            db(), found, g.user, text, files,
            complete=data["complete"], internal=data["internal"],
        )  # fmt: skip
    return conversation.seller_message(db(), found, g.user, text, files)


def _message(found, message_id: int):
    """The dialog's message a key wrote (the key is the user's, so it was theirs)."""
    message = next((m for m in found.messages if m.id == message_id), None)
    if message is None:  # cannot happen while messages are never deleted
        raise ApiError(409, "Сообщение с этим Idempotency-Key не найдено.", code="conflict")
    return message


@bp.post("/dialogs/<int:number>/assign")
@operation(
    summary="Take the dialog (agents)",
    roles=("agent",),
    responses={200: schemas.Assigned},
    errors=(404, 409, 422, 503),
)
def assign(number: int, data: dict):
    """The agent holds the dialog; a new one becomes «В работе»."""
    found = any_dialog(db(), number)
    conversation.take(db(), found, g.user)
    return jsonify(assigned_json(found))


@bp.post("/dialogs/<int:number>/rating")
@operation(
    summary="Rate the answer of a completed dialog (sellers, once)",
    body=schemas.RatingCreate,
    roles=("seller",),
    responses={201: schemas.Rating},
    errors=(404, 409, 503),
)
def rating(number: int, data: dict):
    """«Помогло» / «Не помогло» with an optional comment."""
    found = seller_dialog(db(), g.user.id, number)
    conversation.rate(db(), found, g.user, data["helped"], data.get("comment"))
    return jsonify(dialog_json(found, g.user)["rating"]), 201


@bp.post("/dialogs/<int:number>/review")
@operation(
    summary="Ask to re-review a completed dialog's decision (sellers, within the window)",
    body=schemas.ReviewCreate,
    roles=("seller",),
    responses={201: schemas.Dialog},
    errors=(404, 409, 429, 503),
)
def review(number: int, data: dict):
    """A new dialog in the re-review category, linked both ways to this one."""
    found = seller_dialog(db(), g.user.id, number)
    try:
        new = conversation.request_review(db(), found, g.user, data["reason"], channel="api")
    except DialogLimitReached as exc:
        raise _limit_reached(exc) from exc
    return jsonify(dialog_json(seller_dialog(db(), g.user.id, new.number), g.user)), 201


@bp.get("/dialogs/<int:number>/files/<int:file_id>")
@operation(summary="Download a file of the dialog", responses={200: FILE_CONTENT}, errors=(404,))
def file(number: int, file_id: int, data: dict):
    """The file, to the dialog's seller and agents (notes' files to agents only)."""
    found = _dialog(number)
    attachment = dialog_file(found, file_id, internal=g.user.role == "agent")
    return download(attachment.stored_name, attachment.original_name, attachment.content_type)
