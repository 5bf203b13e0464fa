"""/editor/learning: proposed phrasings from sellers' outcomes, approved or rejected by editors."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import current_app, flash, redirect, render_template, request, url_for

from web.database import db
from web.editor import learning
from web.editor.views import bp
from web.search_service import engine

log = logging.getLogger(__name__)


def _paths() -> tuple[Path, Path]:
    return Path(current_app.config["CONTENT"]), Path(current_app.config["INSTANCE"])


@bp.get("/learning")
def learning_page():
    """Proposals: entry, phrasing, how many sellers, examples; approve or reject each."""
    root, instance = _paths()
    content = engine().content
    found = learning.proposals(db(), content, instance)
    threshold = current_app.config.get("LEARNING_AUTO_APPROVE_SELLERS", 0)
    if threshold > 0:
        auto = [p for p in found if p.sellers >= threshold]
        for p in auto:
            if not learning.approve(root, instance, p.entry_id, p.phrasing):
                log.info("auto-approved %r for %s (%d sellers)", p.phrasing, p.entry_id, p.sellers)
        if auto:
            engine().rebuild()
            found = [p for p in found if p not in auto]
    rows = [(p, content.entries[p.entry_id]) for p in found]
    return render_template("editor/learning.html", rows=rows, threshold=threshold)


@bp.post("/learning")
def learning_decide():
    """Approve (write into asked_as, reindex) or reject one proposal."""
    root, instance = _paths()
    entry_id = request.form.get("entry_id", "")
    phrasing = " ".join(request.form.get("phrasing", "").split())[:160]
    entry = engine().entry(entry_id, include_drafts=True)
    if entry is None or not phrasing:
        flash("Нет такой записи или пустая формулировка.", "warning")
        return redirect(url_for("editor.learning_page")), 303
    if request.form.get("action") == "reject":
        learning.reject(instance, entry_id, phrasing)
        flash(f"Отклонено: «{phrasing}» для {entry_id}.", "success")
        return redirect(url_for("editor.learning_page")), 303
    problems = learning.approve(root, instance, entry_id, phrasing)
    if problems:
        flash("Не сохранено: " + "; ".join(str(p) for p in problems[:3]), "warning")
        return redirect(url_for("editor.learning_page")), 303
    engine().rebuild()
    flash(f"Добавлено в asked_as записи {entry_id}: «{phrasing}». Поиск уже видит.", "success")
    return redirect(url_for("editor.learning_page")), 303
