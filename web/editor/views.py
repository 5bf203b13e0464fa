"""The content editors' web editor (/editor): entries, the glossary and the categories."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)

from search.content import ENTRY_ID, STATUSES
from search.lint import lint_content
from search.replies import PATH as REPLIES_PATH
from web.accounts.access import role_required
from web.analytics import insights
from web.broadcast import announce_reload
from web.database import db
from web.editor.files import (
    CATEGORIES,
    GLOSSARY,
    Change,
    EditConflict,
    EditRefused,
    Snapshot,
    commit,
    editing_lock,
    file_stamp,
    read,
    validate,
)
from web.editor.forms import FormErrors, category_choices, place_errors
from web.editor.kinds import KINDS, EntryKind
from web.rendering import render_markdown
from web.search_service import engine

log = logging.getLogger(__name__)
bp = Blueprint("editor", __name__, url_prefix="/editor")
# Every editor URL, including previews and CSV exports, is for editors only.
bp.before_request(role_required("editor")(lambda: None))


@bp.app_template_global("content_problems")
def content_problems() -> list:
    """The content files' current problems (path:line), shown on every editor page."""
    return engine().errors


def _root() -> Path:
    return Path(current_app.config["CONTENT"])


def _lock_dir() -> Path:
    return Path(current_app.config["INSTANCE"])


# -- the list of entries -----------------------------------------------------------------
@dataclass(frozen=True)
class Row:
    id: str
    kind: str
    title: str
    category: str
    status: str
    updated: date | None
    votes: tuple[int, int]


def _rows(args) -> list[Row]:
    content = engine().content
    votes = insights.entry_votes(db())
    text = (args.get("q") or "").strip().lower()
    rows = []
    for e in content.entries.values():
        if args.get("category") and e.category != args["category"]:
            continue
        if args.get("status") in STATUSES and e.status != args["status"]:
            continue
        if args.get("kind") in ("article", "faq") and e.kind != args["kind"]:
            continue
        if text and text not in f"{e.id} {e.title} {' '.join(e.tags)}".lower():
            continue
        rows.append(
            Row(e.id, e.kind, e.title, e.category, e.status, e.updated, votes.get(e.id, (0, 0)))
        )
    rows.sort(key=lambda r: (r.updated or date.min, r.id), reverse=True)
    return rows


@bp.get("/")
def slash():
    """/editor/ is /editor (with the same query string)."""
    # Not url_for(**request.args): its _method/_external/_anchor keywords would be the
    # visitor's to set, and repeated filters would lose all but their first value.
    query = request.query_string.decode("latin-1")
    return redirect(url_for("editor.index") + (f"?{query}" if query else ""))


@bp.get("")
def index():
    """All entries, drafts included, with status, category, last update and helpfulness."""
    return render_template(
        "editor/index.html",
        rows=_rows(request.args),
        categories=engine().content.categories,
        args=request.args,
        problems=engine().errors,
        # What `spravka check --strict` warns about, where editors can act on it: valid
        # content that still hurts search (twin titles, a phrasing two entries claim).
        warnings=[] if engine().errors else lint_content(engine().content),
    )


# -- articles and FAQ entries ---------------------------------------------------------------
def _form_page(
    kind: EntryKind, draft, original_id: str | None, version: str, errors=None, conflict=None,
    status=200,
):  # fmt: skip
    return (
        render_template(
            kind.template,
            draft=draft,
            original_id=original_id or "",
            version=version,
            slug=draft.id.split("/", 1)[-1] if draft.id else "",
            errors=errors or FormErrors(),
            conflict=conflict,
            categories=category_choices(_root()),
            preview=render_markdown(kind.body(draft)),
        ),
        status,
    )


@bp.route("/<any(article, faq):kind>/new", methods=["GET", "POST"])
def new_entry(kind: str):
    """Create an article or an FAQ entry."""
    if request.method == "POST":
        return _save(KINDS[kind], None)
    blank = KINDS[kind].blank(request.args.get("category", ""), request.args.get("topic", ""))
    return _form_page(KINDS[kind], blank, None, "")


@bp.route("/<any(article, faq):kind>/<path:entry_id>", methods=["GET", "POST"])
def edit_entry(kind: str, entry_id: str):
    """Edit an article or an FAQ entry (renaming keeps the old URL through a redirect)."""
    if not ENTRY_ID.fullmatch(entry_id):
        abort(404)
    if request.method == "POST":
        return _save(KINDS[kind], entry_id)
    loaded = KINDS[kind].load(_root(), entry_id)
    if loaded is None:
        abort(404)
    draft, version = loaded
    return _form_page(KINDS[kind], draft, entry_id, version)


def _save(kind: EntryKind, original_id: str | None):
    root = _root()
    draft, errors = kind.parse(request.form, category_choices(root))
    version = request.form.get("version", "")
    if errors:
        return _form_page(kind, draft, original_id, version, errors, status=422)
    with editing_lock(_lock_dir()):
        try:
            change = kind.build(Snapshot(root), draft, original_id, version)
        except EditConflict as exc:
            return _form_page(
                kind, draft, original_id, version, conflict=str(exc), status=exc.status
            )
        except EditRefused as exc:
            errors.add(exc.field, str(exc))
            return _form_page(kind, draft, original_id, version, errors, status=exc.status)
        problems = validate(root, change)
        if problems:
            place_errors(problems, {kind.path_of(draft)}, errors, kind.form_field)
            return _form_page(kind, draft, original_id, version, errors, status=422)
        commit(root, change)
    # Rebuilt after the lock is released: the next editor's save need not wait for it.
    _rebuild_after_save()
    flash(f"Сохранено: {draft.id}. Поиск уже видит изменения.", "success")
    return redirect(url_for("editor.edit_entry", kind=kind.name, entry_id=draft.id))


def _rebuild_after_save() -> None:
    left = engine().rebuild()
    # Other workers follow the CURRENT pointer at their next request; other nodes hear this.
    announce_reload()
    if left:
        log.error("content problems after a validated save: %s", left)
        flash(
            "Сохранено, но в других файлах есть ошибки — поиск пока показывает прежнюю версию.",
            "warning",
        )


@bp.post("/preview")
def preview():
    """Markdown rendered exactly as sellers will see it (sanitised HTML)."""
    return Response(str(render_markdown(request.form.get("text", ""))), mimetype="text/html")


# -- glossary and categories as YAML ----------------------------------------------------------
YAML_FILES = {
    "glossary": (GLOSSARY, "Глоссарий: слова, которые значат одно и то же"),
    "categories": (CATEGORIES, "Категории и темы"),
    "replies": (REPLIES_PATH, "Готовые ответы поддержки"),
}


@bp.route("/<any(glossary, categories, replies):name>", methods=["GET", "POST"])
def yaml_file(name: str):
    """Edit kb/glossary.yaml, kb/categories.yaml or kb/replies.yaml as validated YAML."""
    relpath, title = YAML_FILES[name]
    root = _root()
    if request.method == "GET":
        text, version, problems, conflict = (
            read(root, relpath),
            file_stamp(root / relpath),
            [],
            None,
        )
        return render_template("editor/yaml.html", name=name, title=title, relpath=relpath,
                               text=text, version=version, problems=problems, conflict=conflict)  # fmt: skip
    text = request.form.get("text", "").replace("\r\n", "\n")
    version = request.form.get("version", "")
    problems, conflict, status = [], None, 200
    with editing_lock(_lock_dir()):
        if file_stamp(root / relpath) != version:
            conflict, status = "Файл изменили после того, как вы его открыли.", 409
        else:
            problems = validate(root, Change(writes={relpath: text}))
            if not problems:
                commit(root, Change(writes={relpath: text}))
    if not problems and not conflict:
        _rebuild_after_save()
        flash("Сохранено. Поиск уже видит изменения.", "success")
        return redirect(url_for("editor.yaml_file", name=name))
    status = status if conflict else 422
    return render_template("editor/yaml.html", name=name, title=title, relpath=relpath,
                           text=text, version=version, problems=problems, conflict=conflict), status  # fmt: skip


# The learning pages add their routes to this blueprint.
from web.editor import learning_views  # noqa: E402, F401
