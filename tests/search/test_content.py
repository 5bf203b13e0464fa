"""Content validation: every problem in a deliberately broken tree names its file and line."""

from __future__ import annotations

import shutil

import pytest

from search.content import load_content, load_content_strict
from search.errors import ContentErrors
from tests.conftest import FIXTURES, PROJECT

BROKEN = FIXTURES / "broken"

# (file, line, part of the message): one per deliberate mistake in tests/fixtures/broken.
EXPECTED = [
    ("kb/categories.yaml", 7, "unknown FAQ 'support/missing'"),
    ("kb/categories.yaml", 10, "category id 'Bad_Category'"),
    ("kb/faq/support.yaml", 9, "missing field 'answer'"),
    ("kb/faq/support.yaml", 15, "field 'tags' must be a list"),
    ("kb/faq/support.yaml", 17, "duplicate id 'support/ok'"),
    ("kb/faq/support.yaml", 23, "unknown topic 'nowhere'"),
    ("kb/faq/support.yaml", 28, "is empty"),
    ("kb/faq/support.yaml", 34, "broken internal link '/a/support/does-not-exist'"),
    ("kb/faq/syntax.yaml", 4, "invalid YAML"),
    ("kb/faq/ghost.yaml", 1, "unknown category 'ghost'"),
    ("kb/redirects.yaml", 3, "unknown entry 'support/nowhere'"),
    ("articles/support/no-front.md", 1, "missing YAML front matter"),
    ("articles/support/wrong-id.md", 2, "must match its path 'support/wrong-id'"),
    ("articles/support/bad-date.md", 6, "'updated' must be a date"),
    ("articles/support/broken-link.md", 9, "broken internal link '/q/support/nope'"),
]


@pytest.fixture(scope="module")
def problems():
    _content, errors = load_content(BROKEN)
    return errors


@pytest.mark.parametrize(("path", "line", "fragment"), EXPECTED)
def test_each_mistake_is_reported_with_file_and_line(problems, path, line, fragment):
    found = [e for e in problems if e.path == path and fragment in e.message]
    assert found, f"no error containing {fragment!r} in {path}; got:\n" + "\n".join(
        map(str, problems)
    )
    assert found[0].line == line, str(found[0])


def test_no_unexpected_problems(problems):
    expected = {(p, f) for p, _, f in EXPECTED}
    for error in problems:
        assert any(error.path == p and f in error.message for p, f in expected), str(error)


def test_errors_print_as_path_line_message(problems):
    assert all(str(e).startswith(f"{e.path}:{e.line}: ") for e in problems)


def test_valid_entries_still_load_beside_broken_ones():
    content, _ = load_content(BROKEN)
    assert "support/ok" in content.entries
    assert content.redirects == {"support/old-name": "support/ok"}


def test_shipped_content_is_valid():
    content = load_content_strict(PROJECT)
    assert len(content.published()) >= 40


def test_strict_loading_raises_with_every_problem():
    with pytest.raises(ContentErrors) as info:
        load_content_strict(BROKEN)
    assert len(info.value.errors) == len(EXPECTED)


def test_undecodable_file_names_its_line(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(PROJECT / "kb", root / "kb")
    shutil.copytree(PROJECT / "articles", root / "articles")
    (root / "kb" / "faq" / "latin1.yaml").write_bytes(b"category: support\n# \xe9\n")
    _content, errors = load_content(root)
    assert [(e.path, e.line) for e in errors] == [("kb/faq/latin1.yaml", 2)]


def test_ids_with_a_trailing_newline_are_refused(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(PROJECT / "kb", root / "kb")
    shutil.copytree(PROJECT / "articles", root / "articles")
    extra = root / "kb" / "faq" / "support.yaml"
    text = extra.read_text(encoding="utf-8")
    topic = next(line.split(":", 1)[1].strip() for line in text.splitlines() if "topic:" in line)
    extra.write_text(
        text + f'\n  - id: "support/newline\\n"\n    question: Вопрос?\n'
        f"    topic: {topic}\n    answer: Ответ.\n",
        encoding="utf-8",
    )
    _content, errors = load_content(root)
    assert any("must look like '<category>/<slug>'" in e.message for e in errors), errors
