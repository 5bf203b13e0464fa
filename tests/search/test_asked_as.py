"""asked_as: loaded and validated with file:line, linted for overlaps, written back to files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from search.askedas import add_phrasings
from search.content import load_content
from search.engine import SearchEngine
from search.learning import Evidence, phrasings_by_entry, propose
from search.lint import lint_content
from tests.conftest import PROJECT


@pytest.fixture
def content(tmp_path) -> Path:
    """A writable copy of the shipped content."""
    for folder in ("kb", "articles"):
        shutil.copytree(PROJECT / folder, tmp_path / folder)
    return tmp_path


def test_shipped_entries_have_asked_as():
    loaded, errors = load_content(PROJECT)
    assert not errors
    assert all(entry.asked_as for entry in loaded.entries.values())


def test_asked_as_that_is_not_a_list_is_an_error_with_file_and_line(content):
    path = content / "kb/faq/api.yaml"
    text = path.read_text()
    path.write_text(text.replace("    asked_as:\n", "    asked_as: {a: 1}\n    x_asked_as:\n", 1))
    line = 1 + path.read_text().split("\n").index("    asked_as: {a: 1}")
    _, errors = load_content(content)
    assert [(e.path, e.line) for e in errors if "asked_as" in e.message] == [
        ("kb/faq/api.yaml", line)
    ]


def test_strict_check_warns_when_a_phrase_is_another_entrys(content):
    add_phrasings(content, {"api/error-500": ["Слишком много запросов к апи!"]})
    loaded, _ = load_content(content)
    warnings = [w for w in lint_content(loaded) if "asked_as" in w.message]
    assert warnings and "api/error-429" in warnings[0].message
    assert warnings[0].path == "kb/faq/api.yaml" and warnings[0].line


def test_phrasings_are_written_into_faq_and_article_files_and_nothing_else_changes(content):
    faq, article = content / "kb/faq/technical.yaml", content / "articles/support/no-answer.md"
    before = {p: p.read_text() for p in (faq, article)}
    changed = add_phrasings(
        content,
        {
            "technical/mobile-app": ["приложение: вылетает «при входе»"],
            "support/no-answer": ['пишу, а "тишина"'],
        },
    )
    assert changed == ["articles/support/no-answer.md", "kb/faq/technical.yaml"]
    loaded, errors = load_content(content)
    assert not errors
    assert loaded.entries["technical/mobile-app"].asked_as[-1] == "приложение: вылетает «при входе»"
    assert loaded.entries["support/no-answer"].asked_as[-1] == 'пишу, а "тишина"'
    for path, old in before.items():
        added = set(path.read_text().split("\n")) - set(old.split("\n"))
        removed = set(old.split("\n")) - set(path.read_text().split("\n"))
        assert len(added) == 1 and not removed
    assert (
        add_phrasings(content, {"technical/mobile-app": ["Приложение: вылетает «при входе»"]}) == []
    )


def test_entry_without_asked_as_gets_one(content):
    path = content / "kb/faq/feedback.yaml"
    lines = path.read_text().split("\n")
    start = lines.index("    asked_as:")
    del lines[start : start + 4]
    path.write_text("\n".join(lines))
    add_phrasings(content, {"feedback/suggestions": ["хочу подсказать идею"]})
    loaded, errors = load_content(content)
    assert not errors and loaded.entries["feedback/suggestions"].asked_as == (
        "хочу подсказать идею",
    )


def test_learning_path_end_to_end_evidence_to_index(content, tmp_path):
    # Words that mean nothing about the entry, to words or to the sentence model: only
    # what was learned can lead there.
    query = "ёжик в тумане опять шуршит по ночам"
    engine = SearchEngine(content, tmp_path / "index")
    engine.ensure_index()
    assert "fraud/brand-or-card-copied" not in [h.id for h in engine.search(query).hits[:1]]
    evidence = [Evidence(query, "fraud/brand-or-card-copied", s, "solved") for s in ("a", "b")]
    add_phrasings(content, phrasings_by_entry(propose(evidence)))
    engine.rebuild()
    assert engine.search(query).hits[0].id == "fraud/brand-or-card-copied"


def test_strict_check_warns_about_entries_whose_titles_ask_the_same(content):
    path = content / "kb/faq/api.yaml"
    loaded, _ = load_content(content)
    assert not [w for w in lint_content(loaded) if "nearly the same question" in w.message]
    twin = loaded.entries["api/error-429"].title
    text = path.read_text()
    original = loaded.entries["api/error-500"].title
    path.write_text(text.replace(original, twin.rstrip("?") + " — почему?", 1))
    loaded, errors = load_content(content)
    assert not errors
    warnings = [w for w in lint_content(loaded) if "nearly the same question" in w.message]
    assert len(warnings) == 1 and {"api/error-429", "api/error-500"} <= set(
        warnings[0].message.replace("'", " ").split()
    )
    assert warnings[0].path == "kb/faq/api.yaml" and warnings[0].line
