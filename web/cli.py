"""The `spravka` command line: serve, index, check, export (and the users/content commands)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from search.content import load_content
from search.engine import SearchEngine
from search.lint import lint_content
from web.settings import load_settings


@click.group()
def main() -> None:
    """Spravka: help-center search and seller support."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option(
    "--workers",
    default=None,
    type=int,
    help="Processes [default: SPRAVKA_WORKERS or one per core].",
)
@click.option("--threads", default=None, type=int, help="Threads per worker [default: 8].")
@click.option(
    "--serve-last-good",
    is_flag=True,
    help="Start even though the content has errors, serving the last index built from good content.",
)
def serve(
    host: str, port: int, workers: int | None, threads: int | None, serve_last_good: bool
) -> None:
    """Serve the help center on gunicorn (migrates and builds the index first when needed)."""
    from search.index import IndexStore
    from web.serving import (
        DATABASE_DOWN,
        PREPARED,
        content_problems,
        default_workers,
        prepare,
        run_gunicorn,
    )

    settings = load_settings()
    workers = workers or settings["WORKERS"] or default_workers()
    threads = threads or settings["THREADS"]
    problems = content_problems(settings)
    for problem in problems:
        click.echo(problem, err=True)
    if problems and not serve_last_good:
        raise click.ClickException(
            f"{len(problems)} content problems (above); fix them (`spravka check`) "
            "or start with --serve-last-good to serve the last good index"
        )
    if problems and IndexStore(Path(settings["INDEX_DIR"])).current() is None:
        raise click.ClickException("no index was ever built from good content; fix the files")
    code = prepare()
    if code == DATABASE_DOWN:
        raise click.exceptions.Exit(1)  # the one line saying why is already printed
    if code != PREPARED:
        raise click.ClickException(f"preparing the instance failed (exit code {code})")
    click.echo(f"Spravka: http://{host}:{port}/ ({workers} workers × {threads} threads)")
    run_gunicorn(host, port, workers, threads)


@main.command()
@click.option("--strict", is_flag=True, help="Fail on warnings too (missing tags, summaries...).")
def check(strict: bool) -> None:
    """Validate the content; print problems as path:line: message."""
    settings = load_settings()
    content, errors = load_content(Path(settings["CONTENT"]))
    warnings = lint_content(content) if not errors else []
    for error in errors:
        click.echo(str(error), err=True)
    for warning in warnings:
        click.echo(f"{warning.path}:{warning.line or 0}: warning: {warning.message}", err=True)
    if errors or (strict and warnings):
        raise click.exceptions.Exit(1)
    click.echo(f"content OK: {len(content.entries)} entries, {len(warnings)} warnings")


@main.command()
def index() -> None:
    """Build the search index from the content and make it live."""
    settings = load_settings()
    # The command waits for every sentence vector: the index it publishes is complete.
    engine = SearchEngine(
        Path(settings["CONTENT"]),
        Path(settings["INDEX_DIR"]),
        semantic=settings["SEMANTIC"],
        inline_texts=None,
    )
    errors = engine.rebuild(allow_partial=engine.store.current() is None)
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        raise click.ClickException(f"{len(errors)} content problems; the previous index is kept")
    click.echo(f"indexed {len(engine.content.published())} entries into {engine.store.current()}")


@main.command()
def export() -> None:
    """Write every published entry as JSON lines."""
    settings = load_settings()
    content, errors = load_content(Path(settings["CONTENT"]))
    if errors:
        raise click.ClickException(f"{len(errors)} content problems; run `spravka check`")
    for entry in content.published():
        record = {
            "id": entry.id,
            "kind": entry.kind,
            "title": entry.title,
            "text": entry.body,
            "category": entry.category,
            "topic": entry.topic,
            "url": entry.url,
        }
        sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")


@main.command("new")
@click.argument("kind", type=click.Choice(["article", "faq"]))
@click.option("--category", required=True, help="Category id from kb/categories.yaml.")
@click.option("--slug", default=None, help="Latin address part; default new-<kind>[-N].")
@click.option("--title", default=None, help="Title (article) or question (FAQ).")
@click.option("--topic", default=None, help="Topic id; default the category's first topic.")
def new(kind: str, category: str, slug: str | None, title: str | None, topic: str | None) -> None:
    """Scaffold a draft article or FAQ entry that passes `spravka check`."""
    from search.errors import ContentErrors
    from web.editor.files import EditRefused
    from web.editor.scaffold import scaffold

    settings = load_settings()
    try:
        entry_id, relpath = scaffold(
            Path(settings["CONTENT"]),
            Path(settings["INSTANCE"]),
            kind,
            category,
            slug,
            title,
            topic,
        )
    except EditRefused as exc:
        raise click.ClickException(str(exc)) from exc
    except ContentErrors as exc:
        raise click.ClickException(f"the scaffold would not pass the check:\n{exc}") from exc
    click.echo(f"created draft {entry_id} in {relpath}")


@main.command()
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help='JSON lines of {"query": ..., "relevant_ids": [...]}.',
)
def learn(source: Path) -> None:
    """Import how sellers asked: each pair's query goes into its entry's asked_as, approved."""
    from search.askedas import add_phrasings
    from search.learning import learn_pairs, phrasings_by_entry

    pairs = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            pair = json.loads(line)
        except ValueError as exc:
            raise click.ClickException(f"{source}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(pair, dict) or not isinstance(pair.get("relevant_ids", []), list):
            raise click.ClickException(f"{source}:{number}: expected {{query, relevant_ids}}")
        pairs.append(pair)
    settings = load_settings()
    root = Path(settings["CONTENT"])
    content, _ = load_content(root)
    phrasings = phrasings_by_entry(
        learn_pairs(pairs, {e.id: [e.title, *e.asked_as] for e in content.entries.values()})
    )
    unknown = sorted(set(phrasings) - set(content.entries))
    if unknown:
        raise click.ClickException(f"unknown entries: {', '.join(unknown)}")
    changed = add_phrasings(root, phrasings)
    added = sum(len(v) for v in phrasings.values())
    click.echo(
        f"learned {added} phrasings for {len(phrasings)} entries; files: {', '.join(changed) or 'none'}"
    )
    index_root = Path(settings["INDEX_DIR"])
    SearchEngine(root, index_root, semantic=settings["SEMANTIC"], inline_texts=None).rebuild()


@main.group()
def analytics() -> None:
    """Search analytics maintenance."""


@analytics.command("purge")
@click.option("--days", type=int, default=None, help="Keep this many days (default: the setting).")
def analytics_purge(days: int | None) -> None:
    """Delete analytics events older than ANALYTICS_RETENTION_DAYS (or --days)."""
    from sqlalchemy.exc import SQLAlchemyError

    from web.analytics.recording import purge

    settings = load_settings()
    days = settings["ANALYTICS_RETENTION_DAYS"] if days is None else days
    if days < 0:
        raise click.BadParameter("must be 0 or more", param_hint="--days")
    try:
        app = _database_app()
        with app.extensions["spravka.sessionmaker"]() as session:
            deleted = purge(session, days)
    except SQLAlchemyError as exc:
        raise click.ClickException(f"database error: {exc.__class__.__name__}: {exc}") from exc
    click.echo(f"deleted {deleted} events older than {days} days")


def _database_app():
    """A bare app with the database migrated: enough for account commands, no search index."""
    from flask import Flask

    from web.database import init_database
    from web.migrate import upgrade_database

    settings = load_settings()
    app = Flask("spravka-cli", instance_path=settings["INSTANCE"])
    app.config.update(settings)
    init_database(app)
    upgrade_database(app)
    return app


@main.group()
def users() -> None:
    """Accounts of sellers, support agents and editors."""


@users.command("add")
@click.option("--email", required=True, help="Login email.")
@click.option(
    "--role", required=True, type=click.Choice(["seller", "agent", "editor"]), help="What they do."
)
@click.option(
    "--password",
    prompt=True,
    hide_input=True,
    confirmation_prompt=True,
    help="Prompted for (hidden, twice) when not given.",
)
def users_add(email: str, role: str, password: str) -> None:
    """Create an account."""
    from web.accounts.services import AccountError, create_user

    with _database_app().app_context():
        try:
            user = create_user(email, password, role)
        except AccountError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"created {user.role} {user.email}")


@users.command("list")
def users_list() -> None:
    """List accounts (email, role, created)."""
    from sqlalchemy import select

    from web.accounts.models import User
    from web.database import db

    with _database_app().app_context():
        for user in db().scalars(select(User).order_by(User.id)):
            state = "" if user.active else "\tdisabled"
            click.echo(f"{user.email}\t{user.role}\t{user.created_at:%Y-%m-%d}{state}")


@main.command()
@click.option("--reset", is_flag=True, help="Give existing demo accounts new passwords too.")
def demo(reset: bool) -> None:
    """Create the demo accounts (seller, agent, editor) and print their passwords once."""
    from web.accounts.demo import (
        announce,
        create_demo_accounts,
        reset_demo_passwords,
        write_demo_file,
    )

    app = _database_app()
    with app.app_context():
        accounts = create_demo_accounts()
        if reset:
            accounts.update(reset_demo_passwords(exclude=set(accounts)))
    if not accounts:
        click.echo("Демо-учётные записи уже есть; новые пароли: spravka demo --reset")
        return
    announce(accounts, write_demo_file(Path(app.instance_path), accounts))


@main.group()
def tokens() -> None:
    """Personal access tokens for /api/v1 (the mobile app)."""


@tokens.command("create")
@click.option("--email", required=True, help="The seller's or agent's login email.")
@click.option("--name", default=None, help="A label to tell tokens apart.")
def tokens_create(email: str, name: str | None) -> None:
    """Create a token; it is printed once, as the last word of the output."""
    from sqlalchemy import select

    from web.accounts.models import User
    from web.accounts.services import normalize_email
    from web.api.tokens import create_token
    from web.database import db
    from web.errors import Refused

    with _database_app().app_context():
        user = db().scalar(select(User).where(User.email == normalize_email(email)))
        if user is None:
            raise click.ClickException(f"no account {email}")
        try:
            row, token = create_token(db(), user, name)
        except Refused as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"token {row.id} «{row.name}» for {user.email} (shown once): {token}")


@tokens.command("list")
def tokens_list() -> None:
    """List tokens: id, owner, name, prefix, created, last used, state."""
    from web.api.tokens import all_tokens
    from web.database import db

    with _database_app().app_context():
        for row in all_tokens(db()):
            used = f"{row.last_used_at:%Y-%m-%d %H:%M}" if row.last_used_at else "never"
            state = "active" if row.active else "revoked"
            click.echo(
                f"{row.id}\t{row.user.email}\t{row.name}\t{row.prefix}…\t"
                f"{row.created_at:%Y-%m-%d}\t{used}\t{state}"
            )


@tokens.command("revoke")
@click.argument("token_id", type=int)
def tokens_revoke(token_id: int) -> None:
    """Revoke a token by its id (see `spravka tokens list`)."""
    from web.api.tokens import revoke_token
    from web.database import db
    from web.errors import NotFound

    with _database_app().app_context():
        try:
            row = revoke_token(db(), token_id)
        except NotFound as exc:
            raise click.ClickException(f"no token {token_id}") from exc
        click.echo(f"revoked token {row.id} of {row.user.email}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback unless told.")
@click.option("--port", default=8025, show_default=True, type=int)
def mail(host: str, port: int) -> None:
    """Take e-mail for SUPPORT_EMAIL over SMTP (behind Postfix) and turn it into dialogs."""
    import threading

    from web.app import create_app
    from web.channels.mail_server import mail_controller

    app = create_app()
    controller = mail_controller(app, host, port)
    controller.start()
    click.echo(f"Spravka mail intake: smtp://{host}:{port} for {app.config['SUPPORT_EMAIL']}")
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        controller.stop()


@main.command()
def telegram() -> None:
    """Run the Telegram bot (long polling; SPRAVKA_TELEGRAM_TOKEN, SPRAVKA_TELEGRAM_API)."""
    import asyncio

    from web.app import create_app
    from web.channels.telegram_bot import run_bot

    app = create_app()
    if not app.config["TELEGRAM_TOKEN"]:
        raise click.ClickException("set SPRAVKA_TELEGRAM_TOKEN to the bot's token")
    click.echo(f"Spravka Telegram bot: polling {app.config['TELEGRAM_API']}")
    asyncio.run(run_bot(app))


if __name__ == "__main__":
    main()
