"""kb/replies.yaml: saved replies load, fill their placeholders, and every mistake names its line."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from search.content import load_content

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "dialogs"


@pytest.fixture
def root(tmp_path) -> Path:
    """A writable copy of the dialog fixture content."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURE, target, ignore=shutil.ignore_patterns("files"))
    return target


def _write(root: Path, text: str) -> None:
    (root / "kb" / "replies.yaml").write_text(text, encoding="utf-8")


def test_the_shipped_replies_load_without_problems():
    content, errors = load_content(Path(__file__).resolve().parents[2])
    assert not errors and len(content.replies) >= 5
    assert all(
        r.fill({"number": "100001", "seller": "s@x.ru", "category": "К"}) for r in content.replies
    )


def test_placeholders_are_filled_and_categories_scope_a_reply(root):
    content, errors = load_content(root)
    assert not errors
    [everywhere, supplies] = content.replies
    assert everywhere.fill({"number": "100005", "category": "Возврат"}).startswith(
        "Здравствуйте! Пришлите штрихкод товара по обращению № 100005 (Возврат)."
    )
    assert everywhere.fits("returns") and supplies.fits("supplies") and not supplies.fits("returns")


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "replies:\n  - id: a\n    title: T\n    text: № {numbr}\n",
            4,
            "unknown placeholder {numbr}",
        ),
        ("replies:\n  - id: a\n    title: T\n    text: № {number\n", 4, "broken braces"),
        ("replies:\n  - id: a\n    title: T\n    text: '{number:>5}'\n", 4, "no format"),
        ("replies:\n  - id: a\n    title: T\n", 2, "field 'text'"),
        ("replies:\n  - id: Bad Id\n    title: T\n    text: x\n", 2, "lowercase latin"),
        (
            "replies:\n  - id: a\n    title: T\n    text: x\n  - id: a\n    title: U\n    text: y\n",
            5,
            "duplicate reply id",
        ),  # fmt: skip
        (
            "replies:\n  - id: a\n    title: T\n    categories: [nowhere]\n    text: x\n",
            4,
            "unknown category 'nowhere'",
        ),  # fmt: skip
        ("replies:\n  - id: a\n    title: 'T\n    text: x\n", 3, "invalid YAML"),
        ("other: 1\n", 1, "expected 'replies:'"),
    ],
)
def test_mistakes_name_the_file_and_line(root, text, line, message):
    _write(root, text)
    _, errors = load_content(root)
    problems = [e for e in errors if e.path == "kb/replies.yaml"]
    assert problems and problems[0].line == line and message in problems[0].message, problems
