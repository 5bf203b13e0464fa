"""Every app-wide template filter, global and context value, registered in one place."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask, current_app, url_for
from markupsafe import Markup, escape

from web.dialogs.models import STATUS_NAMES
from web.dialogs.sla import duration_text
from web.rendering import render_entry, safe_snippet
from web.russian import ENTRY_STATUS_NAMES, KIND_LABELS, plural, ru_date
from web.timestamps import local_time


def asset_url(filename: str) -> str:
    """URL of a static file with its modification time, so a changed file busts caches."""
    path = Path(current_app.static_folder or "") / filename
    try:
        version = int(path.stat().st_mtime)
    except OSError:
        version = 0
    return url_for("static", filename=filename, v=version)


def sentence_end(text: str) -> str:
    """The full stop after `text`, unless it already ends a sentence («…компенсацию?»)."""
    return "" if str(text).rstrip().endswith(("?", "!", ".", "…")) else "."


def _local_time(value) -> str:
    return local_time(value, current_app.config["TIMEZONE"])


# Help-center addresses in a message (/q/…, /a/…, /c/…): relative ones, or after the
# site's own PUBLIC_URL. Other sites' addresses stay text, so a message cannot plant links.
_ENTRY_PATH = r"/[aqc]/[a-z0-9-]+(?:/[a-z0-9-]+)?"


def message_links(text: str) -> Markup:
    """A message as HTML: escaped, with help-center links made clickable (nothing else is)."""
    site = re.escape(str(escape(current_app.config.get("PUBLIC_URL", "").rstrip("/"))))
    pattern = (
        rf"(?<![\w/.:])((?:{site})?{_ENTRY_PATH})" if site else rf"(?<![\w/.:])({_ENTRY_PATH})"
    )
    return Markup(re.sub(pattern, r'<a href="\1">\1</a>', str(escape(text))))


def _entry_status_names() -> dict[str, str]:
    return ENTRY_STATUS_NAMES


def register_template_filters(app: Flask) -> None:
    """Install the filters and globals every template may use."""
    app.add_template_filter(ru_date, "ru_date")
    app.add_template_filter(plural, "plural")
    app.add_template_filter(safe_snippet, "snippet")
    app.add_template_filter(render_entry, "render_entry")
    app.add_template_filter(_local_time, "local_time")
    app.add_template_filter(duration_text, "duration")
    app.add_template_filter(message_links, "message_links")
    app.add_template_filter(sentence_end, "sentence_end")
    app.add_template_global(asset_url, "asset_url")
    app.add_template_global(KIND_LABELS, "kind_labels")
    app.add_template_global(_entry_status_names, "entry_status_names")
    # The source document promises an answer within 48 hours on average; pages say so.
    app.context_processor(
        lambda: {"status_names": STATUS_NAMES, "answer_hours": current_app.config["ANSWER_HOURS"]}
    )
