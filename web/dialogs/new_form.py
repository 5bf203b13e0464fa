"""The new-dialog form's page: the step it is on and everything its template shows."""

from __future__ import annotations

from flask import current_app

from web.dialogs import submissions
from web.dialogs.form_help import (
    category_choices,
    filter_categories,
    suggestions_for,
    topic_answers,
)
from web.dialogs.forms import (
    DESCRIPTION_MIN_CHARS,
    DialogDraft,
    FormErrors,
    clean_text,
    find_category,
    find_topic,
    step_errors,
)
from web.dialogs.uploads import ACCEPT, ALLOWED_TEXT


def place(values):
    """The chosen category and topic, and the form step they lead to."""
    category = find_category(values.get("category"))
    topic = find_topic(category, values.get("topic"))
    needs_topic = category is not None and bool(category.topics) and topic is None
    step = "category" if category is None else ("topic" if needs_topic else "details")
    return category, topic, step


def form_context(values, draft: DialogDraft | None = None, errors: FormErrors | None = None):
    """Everything the new-dialog template needs for the current step."""
    category, topic, step = place(values)
    description = clean_text(values.get("description"), 5000)
    config = current_app.config
    return {
        "step": step,
        "category": category,
        "topic": topic,
        "find": clean_text(values.get("find"), 100),
        "categories": filter_categories(values.get("find")),
        "all_categories": category_choices(),
        "answers": topic_answers(topic) if step == "details" else [],
        "suggestions": suggestions_for(description, category) if step == "details" else [],
        "values": {
            "description": description,
            "barcode": clean_text(values.get("barcode"), 40),
        },
        "errors": step_errors(values, step, errors),
        "duplicates": [],
        "kept": [],
        "draft": draft,
        "allowed_text": ALLOWED_TEXT,
        "accept": ACCEPT,
        "max_files": config["MAX_FILES"],
        "max_file_mb": config["MAX_FILE_MB"],
        "max_total_mb": config["MAX_TOTAL_MB"],
        "min_chars": DESCRIPTION_MIN_CHARS,
        "submit_token": submissions.new_token(),
    }
