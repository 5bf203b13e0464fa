"""`spravka new article|faq --category C` scaffolds a valid draft in the content tree."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from search.content import load_content
from web.cli import main


@pytest.fixture
def run(editor_content, tmp_path, monkeypatch):
    monkeypatch.setenv("SPRAVKA_CONTENT", str(editor_content))
    monkeypatch.setenv("SPRAVKA_INSTANCE", str(tmp_path / "cli-instance"))

    def _run(*args: str):
        return CliRunner().invoke(main, list(args))

    return _run


def test_new_article_is_a_valid_draft(run, editor_content):
    result = run("new", "article", "--category", "security")
    assert result.exit_code == 0, result.output
    assert "security/new-article" in result.output
    content, errors = load_content(editor_content)
    assert errors == []
    entry = content.entries["security/new-article"]
    assert entry.status == "draft" and entry.kind == "article"
    assert entry.topics and entry.topics[0] in {t.id for t in content.categories["security"].topics}
    # A second scaffold does not overwrite the first.
    result = run("new", "article", "--category", "security", "--title", "Другая статья?")
    assert result.exit_code == 0, result.output
    assert (
        load_content(editor_content)[0].entries["security/new-article-2"].title == "Другая статья?"
    )


def test_new_faq_goes_into_the_category_file(run, editor_content):
    before = (editor_content / "kb/faq/support.yaml").read_text(encoding="utf-8")
    result = run(
        "new", "faq", "--category", "support", "--slug", "refund-time", "--topic", "response"
    )
    assert result.exit_code == 0, result.output
    after = (editor_content / "kb/faq/support.yaml").read_text(encoding="utf-8")
    assert after.startswith(before.rstrip("\n"))
    content, errors = load_content(editor_content)
    assert errors == []
    assert content.entries["support/refund-time"].status == "draft"
    assert content.entries["support/refund-time"].topics == ("response",)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("new", "article", "--category", "nope"), "Нет категории «nope»"),
        (("new", "faq", "--category", "support", "--topic", "nope"), "Нет темы «nope»"),
        (("new", "article", "--category", "support", "--slug", "Плохо"), "латинские"),
        (("new", "article", "--category", "support", "--slug", "help-center"), "уже есть"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_written(run, editor_content, args, message):
    before = sorted(p.name for p in (editor_content / "articles/support").iterdir())
    result = run(*args)
    assert result.exit_code == 1
    assert message in result.output
    assert sorted(p.name for p in (editor_content / "articles/support").iterdir()) == before
