"""The new-dialog form's helpers: «Это решило мой вопрос», entries opened in place and the
duplicate check made while the seller types."""

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
    url_for,
)

from search.errors import NotFound
from web.accounts.access import role_required
from web.analytics import recording as analytics
from web.database import db
from web.dialogs.form_help import entry_json
from web.dialogs.forms import DialogDraft, clean_text, parse_barcode
from web.dialogs.store import find_duplicates
from web.rendering import render_markdown
from web.search_service import engine
from web.timestamps import local_time

bp = Blueprint("dialog_form", __name__)


@bp.post("/dialogs/deflect")
@role_required("seller")
def deflect():
    """«Это решило мой вопрос»: no dialog is created; the answer counts as a deflection."""
    entry_id = clean_text(request.form.get("entry_id"), 200)
    resolved = engine().content.resolve(entry_id)
    entry = engine().entry(resolved) if resolved else None
    if entry is None:
        abort(404)
    analytics.record_deflection(
        entry.id,
        clean_text(request.form.get("query"), 300),
        clean_text(request.form.get("category"), 64) or None,
        clean_text(request.form.get("topic"), 64) or None,
    )
    target = url_for("dialog_form.resolved", entry=entry.id)
    if request.accept_mimetypes.best == "application/json":
        return jsonify({"ok": True, "redirect": target})
    return redirect(target)


@bp.get("/dialogs/resolved")
@role_required("seller")
def resolved():
    """The end of a deflected flow: the answer helped, no dialog needed."""
    entry = engine().entry(clean_text(request.args.get("entry"), 200))
    return render_template("dialogs/resolved.html", entry=entry)


@bp.get("/api/entries/<path:entry_id>")
def entry_api(entry_id: str):
    """One published entry as JSON (title and sanitised HTML) to open a suggestion in place."""
    resolved = engine().content.resolve(entry_id)
    entry = engine().entry(resolved) if resolved else None
    if entry is None:
        raise NotFound(entry_id)
    return jsonify(entry_json(entry, render_markdown(entry.body)))


@bp.get("/api/dialogs/duplicates")
@role_required("seller")
def duplicates_api():
    """The seller's open dialogs that look like the one being written (checked before submit)."""
    draft = DialogDraft(
        category=clean_text(request.args.get("category"), 64),
        topic=clean_text(request.args.get("topic"), 64) or None,
        description=clean_text(request.args.get("description"), 5000),
        barcode=parse_barcode(request.args.get("barcode"))[0],
    )
    found = find_duplicates(db(), g.user.id, draft) if draft.category else []
    return jsonify(
        {
            "duplicates": [
                {
                    "number": d.number,
                    "url": url_for("dialogs.show", number=d.number),
                    "created": local_time(d.created_at, current_app.config["TIMEZONE"]),
                    "description": d.description[:300],
                    "barcode": d.barcode,
                }
                for d in found
            ]
        }
    )
