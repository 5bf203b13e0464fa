"""Knowledge capture: a support reply becomes a draft FAQ entry for editors to review.

The draft is written like any editor save (validated on a copy, swapped in atomically,
under the editors' lock) with status "draft", so sellers never see it until an editor
publishes it; the editor finds it in /editor among the drafts, prefilled.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from flask import current_app

from search.errors import ContentError
from web.analytics.outcomes import mask_personal
from web.dialogs.models import Dialog
from web.editor.edits import FaqDraft, faq_change, id_taken
from web.editor.files import EditRefused, Snapshot, commit, editing_lock, validate
from web.errors import NotFound, Refused
from web.search_service import engine

log = logging.getLogger(__name__)
QUESTION_CHARS = 200
ANSWER_CHARS = 5000


def _question(dialog: Dialog) -> str:
    """The seller's question on one line, without personal numbers, cut at a word."""
    text = " ".join(mask_personal(dialog.description, 5000).split())
    if len(text) > QUESTION_CHARS:
        text = text[:QUESTION_CHARS].rsplit(" ", 1)[0] + "…"
    return text


def _topic(dialog: Dialog) -> str:
    category = engine().content.categories.get(dialog.category)
    if category is None or not category.topics:
        raise Refused("У категории этого диалога нет тем, а вопросу справки тема нужна.")
    return dialog.topic if category.topic(dialog.topic or "") else category.topics[0].id


def _free_id(files: Snapshot, dialog: Dialog) -> str:
    for n in range(1, 100):
        entry_id = f"{dialog.category}/from-dialog-{dialog.number}" + (f"-{n}" if n > 1 else "")
        if not id_taken(files, entry_id):
            return entry_id
    raise Refused("Из этого диалога уже создано слишком много черновиков.")


def capture_faq(dialog: Dialog, message_id: int) -> str:
    """Write a draft FAQ from the seller's question and support's reply; returns its id."""
    reply = next((m for m in dialog.messages if m.id == message_id), None)
    if reply is None or not reply.from_support or reply.internal or not reply.body:
        raise NotFound(f"message {message_id}")
    root = Path(current_app.config["CONTENT"])
    topic = _topic(dialog)
    with editing_lock(Path(current_app.config["INSTANCE"])):
        files = Snapshot(root)
        draft = FaqDraft(
            id=_free_id(files, dialog),
            question=_question(dialog),
            category=dialog.category,
            topic=topic,
            answer=mask_personal(reply.body, ANSWER_CHARS),
            status="draft",
            updated=date.today(),
            featured=False,
        )
        try:
            change = faq_change(files, draft, None, "")
            problems = validate(root, change)
        except (EditRefused, ContentError, OSError) as exc:
            log.warning("capture from dialog %s refused: %s", dialog.number, exc)
            raise Refused(f"Черновик не создан: {exc}") from exc
        if problems:
            raise Refused("Черновик не создан: " + "; ".join(p.message for p in problems[:3]))
        commit(root, change)
    engine().rebuild()
    return draft.id
