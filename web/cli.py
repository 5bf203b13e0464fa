"""The `spravka` command line: serve, index, check, export (and the users/content commands)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from search.content import load_content
from web.settings import load_settings


@click.group()
def main() -> None:
    """Spravka: help-center search and seller support."""


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
def serve(host: str, port: int) -> None:
    """Serve the help center (builds the index first when missing)."""
    from web.app import create_app

    app = create_app()
    app.run(host=host, port=port, threaded=True)


@main.command()
@click.option("--strict", is_flag=True, help="Treat warnings as errors too.")
def check(strict: bool) -> None:
    """Validate the content; print problems as path:line: message."""
    settings = load_settings()
    _content, errors = load_content(Path(settings["CONTENT"]))
    for error in errors:
        click.echo(str(error), err=True)
    if errors:
        raise click.exceptions.Exit(1)
    click.echo("content OK")


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


if __name__ == "__main__":
    main()
